"""The `factcheck` command line: a thin layer over `factcheck.workspace.Workspace`."""

from __future__ import annotations

import typer
from typer.core import TyperGroup

from factcheck import __version__
from factcheck.cli import archive, claims, doctor, draft, evals, index, notes, review, serve, sources
from factcheck.errors import FactcheckError

UNEXPECTED = 70  # EX_SOFTWARE: a bug, not the user's input


class _Group(TyperGroup):
    """The one error boundary: every error is one line on stderr and a non-zero exit code, never a traceback
    (`factcheck --debug ...` shows it)."""

    def invoke(self, ctx: typer.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except FactcheckError as exc:
            typer.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            typer.echo(
                "interrupted: finished work is saved; run the same command again to complete it", err=True
            )
            ctx.exit(130)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # typer's own exits and usage errors
        except Exception as exc:
            if (ctx.obj or {}).get("debug"):
                raise
            message = str(exc).splitlines()[0][:200] if str(exc) else ""
            typer.echo(
                f"error: unexpected {type(exc).__name__}{': ' + message if message else ''}; nothing after "
                "the last finished step was saved. Run again with --debug to see where, and please report it",
                err=True,
            )
            ctx.exit(UNEXPECTED)


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
    home: str = typer.Option(
        None,
        "--home",
        help="Workspace directory (default: the nearest ./vectorstore here or in a parent folder, or "
        "FACTCHECK_HOME).",
    ),
    debug: bool = typer.Option(False, "--debug", help="Show the traceback of an unexpected error."),
    version: bool = typer.Option(
        False, "--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."
    ),
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


def main() -> None:
    app()
