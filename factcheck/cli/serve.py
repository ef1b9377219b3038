"""`factcheck serve`: the review desk in the browser."""

from __future__ import annotations

from typing import Annotated

import typer

from factcheck.cli.common import open_workspace, say, settings_from
from factcheck.web import DeskServer, check_binding, create_app


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    ctx: typer.Context,
    host: Annotated[
        str | None, typer.Option("--host", help="Address to bind (default 127.0.0.1, FACTCHECK_SERVE__HOST).")
    ] = None,
    port: Annotated[
        int | None, typer.Option("--port", help="Port (default: a free one, or FACTCHECK_SERVE__PORT).")
    ] = None,
    reviewer: Annotated[
        str | None,
        typer.Option(
            "--reviewer",
            help="Reviewer name for browsers that have not given one (default FACTCHECK_REVIEWER).",
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            help="An access token as well as accounts: editors open the desk with it (or FACTCHECK_SERVE__TOKEN).",
        ),
    ] = None,
) -> None:
    """Review in the browser: the queue, each note beside its evidence, one click to cite, exports."""
    settings = settings_from(ctx)
    host = host or settings.serve.host
    port = settings.serve.port if port is None else port
    secret = token or (settings.serve.token.get_secret_value() if settings.serve.token else None)
    with open_workspace(ctx, settings) as workspace:
        check_binding(host, secret, accounts=workspace.team.active())
        desk = create_app(
            workspace, reviewer or settings.reviewer, secret, host, settings.serve.allowed_host_names
        )
        server = DeskServer(desk, host, port)
        suffix = f"?token={secret}" if secret else ""
        also = f"; on this machine {server.url}/{suffix}" if server.public_url != server.url else ""
        say(f"factcheck desk at {server.public_url}/{suffix}{also} (Ctrl+C stops it)")
        server.run()
