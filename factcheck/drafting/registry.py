"""The judges, in one registry: `open_judge`, the CLI's `--judge` and `doctor` all read `JUDGES`, and settings
accept exactly its names plus 'auto'. A plugin adds a judge with `JUDGES.register(name, JudgeSpec(...))`."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from factcheck.drafting.judges import EvidenceJudge, Judge
from factcheck.errors import ConfigError, ProviderUnavailable
from factcheck.models import JudgeName
from factcheck.registry import Registry
from factcheck.settings import Settings
from factcheck.storage.db import DraftingStores

LOCAL_MAX_TOKENS = 256  # a 135M model rambles; keep its calls short


@dataclass(frozen=True)
class JudgeSpec:
    summary: str
    describe: Callable[[Settings], str]  # what `doctor` says about the configured judge
    open: Callable[[Settings, DraftingStores], contextlib.AbstractContextManager[Judge]]


@contextlib.contextmanager
def _open_evidence(settings: Settings, db: DraftingStores) -> Iterator[Judge]:
    yield EvidenceJudge(commit_precision=settings.draft.commit_precision)


@contextlib.contextmanager
def _open_llm(settings: Settings, db: DraftingStores) -> Iterator[Judge]:
    from factcheck.drafting.llm import CachedClient, LLMJudge, OpenAIChatClient, ResponseStyle

    style: ResponseStyle = "json_object" if settings.llm.response_format == "json_object" else "json_schema"
    client = OpenAIChatClient(settings.llm, style)
    yield LLMJudge(
        CachedClient(client, db),
        settings.llm.max_reasks,
        name=JudgeName.llm.value,
        refine_statements=settings.llm.refine_statements,
        commit_precision=settings.draft.commit_precision,
    )


@contextlib.contextmanager
def _open_local(settings: Settings, db: DraftingStores) -> Iterator[Judge]:
    """The local llama.cpp server lives exactly as long as this context."""
    from factcheck.drafting.llm import CachedClient, LLMJudge, OpenAIChatClient, ResponseStyle
    from factcheck.drafting.local import LocalServer, model_alias

    custom = settings.llm.local_model
    server = LocalServer(custom)
    with server as base_url:
        style: ResponseStyle = (
            "json_schema" if settings.llm.response_format == "json_schema" else "json_object"
        )
        client = OpenAIChatClient(settings.llm, style, model=model_alias(custom), base_url=base_url)
        if custom is None:  # SmolLM2-135M rambles: keep its calls short and re-ask at most once
            client.max_tokens = min(client.max_tokens, LOCAL_MAX_TOKENS)
        try:
            yield LLMJudge(
                CachedClient(client, db),
                settings.llm.max_reasks if custom else min(settings.llm.max_reasks, 1),
                name=JudgeName.local.value,
                refine_statements=settings.llm.refine_statements,
                commit_precision=settings.draft.commit_precision,
            )
        except ProviderUnavailable:  # "unreachable" says nothing useful when the server we started has died
            if (reason := server.stopped()) is not None:
                raise ProviderUnavailable(reason) from None
            raise


def _describe_llm(settings: Settings) -> str:
    key = "set" if settings.llm.api_key else "not set"
    return (
        f"llm model {settings.llm.model or '(unset)'} at {settings.llm.base_url or 'api.openai.com'} "
        f"(key {key})"
    )


JUDGES: Registry[JudgeSpec] = Registry("judge", ConfigError)
JUDGES.register(
    JudgeName.evidence,
    JudgeSpec(
        "no LLM: verdicts only where the deterministic checks justify them",
        lambda s: "evidence (no LLM: verdicts only where deterministic checks justify them)",
        _open_evidence,
    ),
)
JUDGES.register(
    JudgeName.llm,
    JudgeSpec("any OpenAI-compatible server (FACTCHECK_LLM__MODEL, __BASE_URL)", _describe_llm, _open_llm),
)
JUDGES.register(
    JudgeName.local,
    JudgeSpec(
        "SmolLM2-135M-Instruct through llama.cpp, offline (the 'local' extra)",
        lambda s: f"local {s.llm.local_model or 'SmolLM2-135M-Instruct'} through llama.cpp (optional extra)",
        _open_local,
    ),
)


def active_judge(requested: str | None, settings: Settings) -> str:
    """The judge to use: the one asked for, else the setting; 'auto' is llm when a model is set, else
    evidence.
    """
    name = requested or settings.llm.judge
    if name == "auto":
        return JudgeName.llm if settings.llm.model else JudgeName.evidence
    JUDGES.get(name)  # "no judge 'x'; use one of evidence, llm, local"
    return JudgeName(name) if name in JudgeName.__members__ else name


def open_judge(
    settings: Settings, db: DraftingStores, requested: str | None = None
) -> contextlib.AbstractContextManager[Judge]:
    """The judge the request or the settings name, ready to use inside a `with` block."""
    return JUDGES.get(active_judge(requested, settings)).open(settings, db)
