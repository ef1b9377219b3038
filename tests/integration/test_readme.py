"""The README's Python example runs as written."""

import os
import re

from support.paths import ROOT


def test_python_api_example_in_the_readme_runs(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Use it from Python", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)[1]
    assert "from factcheck import Workspace" in code and len(code.strip().splitlines()) <= 6
    monkeypatch.chdir(ROOT)  # the example's paths are relative to the project folder
    monkeypatch.setenv("FACTCHECK_HOME", str(tmp_path / "home"))
    scope: dict = {}
    exec(compile(code, "README.md", "exec"), scope)  # noqa: S102 - our own README
    report = scope["report"]
    assert report.drafted >= 3 and not report.errors
    assert any(note.citations for note in report.notes)
    assert os.path.exists(tmp_path / "home" / "factcheck.db")


def _variables(model, prefix="FACTCHECK_"):
    from pydantic import BaseModel

    for name, field in model.model_fields.items():
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            yield from _variables(kind, f"{prefix}{name.upper()}__")
        else:
            yield f"{prefix}{name.upper()}"


def test_every_setting_and_command_is_in_the_readme():
    from typer.main import get_command

    from factcheck.cli import app
    from factcheck.settings import Settings

    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Settings", 1)[1]
    missing = [v for v in _variables(Settings) if f"`{v}`" not in table]
    assert not missing, f"settings missing from the README's Settings table: {missing}"
    commands = get_command(app).commands  # type: ignore[attr-defined]
    named = [f"factcheck {name}" for name in commands]
    assert [n for n in named if n not in readme] == []


def test_the_readme_is_short_and_every_link_in_it_resolves():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 300
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", readme)
    local = [link for link in links if not link.startswith(("http://", "https://", "mailto:"))]
    assert local and [link for link in local if not (ROOT / link).exists()] == []


def test_no_user_facing_text_names_the_projects_own_development_folders():
    from typer.main import get_command

    from factcheck.cli import app

    texts = {"README.md": (ROOT / "README.md").read_text()}
    texts |= {str(p.relative_to(ROOT)): p.read_text() for p in (ROOT / "docs").glob("*.md")}
    texts |= {str(p.relative_to(ROOT)): p.read_text() for p in (ROOT / "factcheck").rglob("*.md")}
    texts |= {str(p.relative_to(ROOT)): p.read_text() for p in (ROOT / "factcheck").rglob("*.html")}

    def helps(command, path):
        yield path, command.help or ""
        for parameter in command.params:
            yield f"{path} {parameter.name}", getattr(parameter, "help", "") or ""
        for name, sub in getattr(command, "commands", {}).items():
            yield from helps(sub, f"{path} {name}")

    texts |= dict(helps(get_command(app), "factcheck"))
    assert [where for where, text in texts.items() if "../shared" in text or "shared/data" in text] == []
