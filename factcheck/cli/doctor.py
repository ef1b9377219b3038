"""`factcheck doctor` and `factcheck config`: what is configured and whether it works."""

from __future__ import annotations

import typer

from .common import console, print_json, settings_from


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
    app.command("config")(config)


def config(ctx: typer.Context) -> None:
    """Print the effective settings as JSON (API keys masked)."""
    print_json(settings_from(ctx).model_dump(mode="json"))


def doctor(ctx: typer.Context) -> None:
    """Check the workspace, the embedding model and the store; report which backends are active."""
    from factcheck.diagnostics import run_checks

    checks = run_checks(settings_from(ctx))
    failed = False
    for check in checks:
        mark = "[green]ok[/green]" if check.ok else "[red]FAIL[/red]"
        failed |= not check.ok
        console.print(f"{mark:>6}  {check.name}: {check.detail}", highlight=False)
    if failed:
        raise typer.Exit(1)
