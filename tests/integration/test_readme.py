"""The README's Python example runs as written."""

import os
import re

from paths import ROOT


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
