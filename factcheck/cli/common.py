"""Helpers shared by the command modules: settings from flags, the workspace, progress bars, output.

Both consoles have markup off: article titles and text can hold '[/b]' or '[red]', and must print as typed.
Styling is done with `rich.text.Text` objects only."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from factcheck.errors import InputError
from factcheck.models import ProgressCallback
from factcheck.safety import terminal_text
from factcheck.settings import Settings, load_settings
from factcheck.workspace import Workspace


class SafeConsole(Console):
    """A console that never passes a control sequence from stored text to the terminal: titles and passages
    come from articles, and ESC[2J, OSC 52 (clipboard) or OSC 8 (hidden links) in them are removed, and bidi
    controls shown as [U+202E]. Rich's own styling and cursor control are added after, so they are kept."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            segment if segment.control else Segment(terminal_text(segment.text), segment.style)
            for segment in buffer
        )


console = SafeConsole(markup=False, highlight=False)
err_console = SafeConsole(stderr=True, markup=False, highlight=False)


def settings_from(ctx: typer.Context, **overrides: object) -> Settings:
    home = (ctx.find_root().obj or {}).get("home")
    return load_settings(home=Path(home) if home else None, **overrides)


@contextlib.contextmanager
def open_workspace(
    ctx: typer.Context, settings: Settings | None = None, create: bool = False
) -> Iterator[Workspace]:
    """The workspace; only commands that add to it (`create=True`) may start a new one."""
    with Workspace(settings or settings_from(ctx), create=create) as workspace:
        yield workspace


def read_password(prompt: str, twice: bool = False) -> str:
    """A password: asked on the terminal without echo, or the first line of stdin when it is a pipe (for
    scripts: `printf '%s\n' "$PASSWORD" | factcheck ...`). Never taken from an option or the environment."""
    if sys.stdin is not None and sys.stdin.isatty():
        return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=twice))
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise InputError(f"{prompt}: none given; type it at a terminal, or pipe it on stdin")
    return line.rstrip("\r\n")


def reviewer_name(ctx: typer.Context, reviewer: str | None, workspace: Workspace | None = None) -> str:
    """Who acts: --reviewer, else FACTCHECK_REVIEWER. When the workspace has accounts, the name must be an
    account's and its password is asked, so one person cannot act under another's name."""
    name = reviewer or settings_from(ctx).reviewer
    if workspace is None or not workspace.team.active():
        return name
    if not name:
        raise InputError("this workspace has accounts: pass --reviewer with your account's name")
    return workspace.team.sign_in(name, read_password(f"password for {name}")).name


@contextlib.contextmanager
def progress_bar(label: str) -> Iterator[ProgressCallback]:
    """A progress bar on stderr (hidden when stderr is not a terminal)."""
    progress = Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[item]}", markup=False),
        console=err_console,
        transient=True,
        disable=not sys.stderr.isatty(),
    )
    task = progress.add_task(label, total=None, item="")

    def update(done: int, total: int, item: str) -> None:
        progress.update(task, completed=done, total=total, item=item[:40])

    with progress:
        yield update


def say(message: str) -> None:
    """One line for a person, printed exactly as given."""
    console.print(message, soft_wrap=True)


def summary(message: str) -> None:
    """A closing line about the data (counts, hints): on stdout at a terminal, on stderr when stdout is piped,
    so the data itself stays clean for `cut`, `sort` or a spreadsheet."""
    (console if terminal() else err_console).print(message, soft_wrap=True)


_C1 = re.compile("[\x80-\x9f]")


def to_stdout(text: str, json_text: bool = False, nl: bool = True) -> None:
    """Data on stdout: written as it is to a file or a pipe; at a terminal, never a live control sequence (JSON
    escapes C1 controls such as U+009B, which it would otherwise write raw; any other text shows them)."""
    if terminal():
        text = _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if json_text else terminal_text(text)
    typer.echo(text, nl=nl)


def print_json(data: object) -> None:
    if isinstance(data, BaseModel):
        text = data.model_dump_json(indent=2)
    elif isinstance(data, list) and all(isinstance(item, BaseModel) for item in data):
        text = json.dumps([item.model_dump(mode="json") for item in data], indent=2, ensure_ascii=False)
    else:
        text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    to_stdout(text, json_text=True)


def print_jsonl(items: Iterable[BaseModel | dict]) -> None:
    """One JSON object per line, flushed as it goes (for `jq`, `head` and pipelines)."""
    for item in items:
        line = (
            item.model_dump_json()
            if isinstance(item, BaseModel)
            else json.dumps(item, ensure_ascii=False, default=str)
        )
        to_stdout(line, json_text=True)


def terminal() -> bool:
    return sys.stdout.isatty()


def print_table(columns: Sequence[str], rows: Iterable[Sequence[object]], **table_options: Any) -> None:
    """A boxed table on a terminal; plain tab-separated lines (a header, then one line per row, nothing cut
    short) when stdout is a pipe or a file, so `cut`, `sort` and spreadsheets read it."""
    if terminal():
        table = Table(*columns, **table_options)
        for row in rows:
            table.add_row(*(cell if isinstance(cell, Text) else str(cell) for cell in row))
        console.print(table)
        return
    typer.echo("\t".join(columns))
    for row in rows:
        typer.echo("\t".join(_cell(cell) for cell in row))


def _cell(value: object) -> str:
    text = value.plain if isinstance(value, Text) else str(value)
    return " ".join(terminal_text(text).split())  # tabs and newlines inside a cell would break the columns


def edit_in_editor(text: str) -> str:
    """Open text in $VISUAL/$EDITOR (default vi) and return what the person saved."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "note.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            code = subprocess.call([*shlex.split(editor), str(path)])
        except OSError as exc:
            raise InputError(
                f"cannot start the editor {editor!r} ({exc.strerror}); set EDITOR to one you have"
            ) from None
        if code != 0:
            raise InputError(f"the editor {editor!r} exited with status {code}; nothing was changed")
        return path.read_text(encoding="utf-8")
