"""The `factcheck` command line: a thin layer over `factcheck.workspace.Workspace`."""

from __future__ import annotations

import errno
import os
import sqlite3
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from factcheck import __version__
from factcheck.cli import archive, claims, doctor, draft, evals, index, notes, review, serve, sources, team
from factcheck.errors import FactcheckError
from factcheck.safety import mask_credentials, one_line

UNEXPECTED = 70  # EX_SOFTWARE: a bug, not the user's input


def _kind(exc: BaseException, name: str) -> bool:
    """Whether `exc` is click's exception `name` (typer ships its own click privately, so its exceptions are
    known by name rather than imported)."""
    return any(cls.__name__ == name for cls in type(exc).__mro__)


def _usage_line(exc: Any, where: str) -> str:
    """A usage error (an unknown option or command, a value typer could not take) as one line with where to
    look."""
    where = exc.ctx.command_path if exc.ctx else where
    message = exc.format_message().replace("Value error, ", "").rstrip(".")
    return f"error: {one_line(message)}; see `{where} -h`"


class _Group(TyperGroup):
    """The one error boundary: every error is one line on stderr and a non-zero exit code, never a traceback
    (`factcheck --debug ...` shows it)."""

    def make_context(self, info_name, args, parent=None, **extra):  # noqa: ANN001, ANN201
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except typer.TyperException as exc:
            if _kind(exc, "NoArgsIsHelpError") or not _kind(exc, "UsageError"):
                raise  # `factcheck` alone: the help
            # an unknown option of the group itself: `factcheck --bogus`
            typer.echo(_usage_line(exc, info_name or "factcheck"), err=True)
            raise SystemExit(2) from None

    def invoke(self, ctx: typer.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except FactcheckError as exc:
            typer.echo(f"error: {one_line(mask_credentials(str(exc)))}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            typer.echo(
                "interrupted: finished work is saved; run the same command again to complete it", err=True
            )
            ctx.exit(130)
        except typer.TyperException as exc:  # click's usage errors are typer's exceptions too
            if _kind(exc, "NoArgsIsHelpError") or not _kind(exc, "UsageError"):
                raise
            # `factcheck nosuch`, `factcheck notes --bogus`, a value not taken
            typer.echo(_usage_line(exc, ctx.command_path), err=True)
            ctx.exit(2)
        except (typer.Exit, typer.Abort):
            raise  # typer's own exits
        except BrokenPipeError:  # `factcheck notes list | head -1`: the reader has all it wanted
            _silence_stdout()
            ctx.exit(0)
        except Exception as exc:
            if (ctx.obj or {}).get("debug"):
                raise
            line, code = _known(exc)
            if line is None:
                message = one_line(mask_credentials(str(exc).splitlines()[0]), 200) if str(exc) else ""
                line = (
                    f"unexpected {type(exc).__name__}{': ' + message if message else ''}; nothing after the "
                    "last finished step was saved. Run again with --debug to see where, and please report it"
                )
            typer.echo(f"error: {line}", err=True)
            ctx.exit(code)


def _known(exc: Exception) -> tuple[str | None, int]:
    """One line for failures of the machine rather than of factcheck: a damaged database, a full disk."""
    if isinstance(exc, sqlite3.DatabaseError):
        return (
            f"the workspace database could not be read ({one_line(str(exc), 120)}); run `factcheck doctor` to "
            "check it, and restore it from a backup if it is damaged",
            4,
        )
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        where = f" holding {exc.filename}" if exc.filename else ""
        return (
            f"the disk{where} is full; free some space there and run the command again: work finished before "
            "this point is saved",
            4,
        )
    return None, UNEXPECTED


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that Python's own flush at exit does not raise a second BrokenPipeError."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


app = typer.Typer(
    cls=_Group,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Local-first fact-check assistant: index articles, isolate checkable claims, search evidence.",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"factcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    home: Annotated[
        str | None,
        typer.Option(
            "--home",
            help="Workspace directory (default: the nearest ./vectorstore here or in a parent folder, or "
            "FACTCHECK_HOME).",
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback of an unexpected error.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    ctx.obj = {"home": home, "debug": debug}


index.register(app)
claims.register(app)
draft.register(app)
review.register(app)
app.add_typer(notes.app, name="notes")
app.add_typer(evals.app, name="eval")
doctor.register(app)
app.add_typer(sources.app, name="sources")
app.add_typer(archive.app, name="archive")
serve.register(app)
app.add_typer(team.users, name="users")
app.add_typer(team.policy, name="policy")


def main() -> None:
    app()
