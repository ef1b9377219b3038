"""Typed errors. Every message says what went wrong and how to fix it, in one line."""

from __future__ import annotations


class FactcheckError(Exception):
    """Base class: the CLI prints the message on one line and exits non-zero."""

    exit_code = 1


class ConfigError(FactcheckError):
    """A setting is missing, invalid or inconsistent."""

    exit_code = 2


class InputError(FactcheckError):
    """An input file, id or argument cannot be used."""

    exit_code = 3


class NotFoundError(InputError):
    """An id (document, claim, note) is not in the workspace."""

    @classmethod
    def no_workspace(cls, home: object) -> NotFoundError:
        return cls(
            f"no factcheck workspace in {home} or a parent folder; run `factcheck index PATH...` to create one "
            "here, or point --home / FACTCHECK_HOME at an existing one"
        )


class ConflictError(InputError):
    """A change was based on a version of a note that someone else changed meanwhile."""


class NeedsConfirmation(ConflictError):
    """The action would override another reviewer's decision, or publish a verdict other than the one the
    evidence leans to: it goes ahead only when confirmed. `question` is what to ask, `refused` what to say when
    the answer is no."""

    def __init__(
        self,
        message: str,
        question: str = "override it?",
        refused: str = "nothing changed: the other reviewer's decision stands (pass --yes to override)",
    ) -> None:
        super().__init__(message)
        self.question, self.refused = question, refused


class NotAllowed(InputError):
    """The account acting has no right to this action (its role, or the workspace's sign-off policy), or a
    sign-in failed."""

    exit_code = 7


class StoreError(FactcheckError):
    """The vector store or the workspace database failed."""

    exit_code = 4


class ModelError(FactcheckError):
    """The embedded model files are missing or do not match their pinned hashes."""

    exit_code = 5


class ProviderError(FactcheckError):
    """An LLM or embedding server failed or answered something unusable."""

    exit_code = 6


class ProviderUnavailable(ProviderError):
    """The server cannot be reached at all: stop the batch instead of failing every claim slowly."""


class MalformedReply(ProviderError):
    """The server answered, but not with an OpenAI-style chat completion: that claim's note fails, the run
    goes on."""
