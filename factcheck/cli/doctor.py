"""`factcheck doctor` and `factcheck config`: what is configured and whether it works."""

from __future__ import annotations

import typer
from rich.text import Text

from factcheck.cli.common import console, print_json, settings_from
from factcheck.safety import mask_credentials, masked_settings
from factcheck.workspace import doctor as run_doctor


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
    app.command("config")(config)


def config(ctx: typer.Context) -> None:
    """Print the effective settings as JSON (API keys and credentials in URLs masked)."""
    print_json(masked_settings(settings_from(ctx).model_dump(mode="json")))


def doctor(ctx: typer.Context) -> None:
    """Check the workspace, the embedding model and the store; report which backends are active."""
    checks = run_doctor(settings_from(ctx))
    for check in checks:
        line = Text("    ok" if check.ok else "  FAIL", style="green" if check.ok else "red")
        line.append(f"  {check.name}: {mask_credentials(check.detail)}", style="default")
        console.print(line)
    if not all(check.ok for check in checks):
        raise typer.Exit(1)
