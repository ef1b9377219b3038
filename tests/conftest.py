import os
import shutil
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SEED_A = EXAMPLES / "articles" / "000_74ff7ea8ffdc7416.txt"
SEED_B = EXAMPLES / "articles" / "002_226ed5e22ff4a158.txt"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    """Every test gets its own workspace and no inherited configuration or keys."""
    for key in list(os.environ):
        if key.startswith(("FACTCHECK_", "OPENAI_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("FACTCHECK_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def settings(tmp_path):
    from factcheck.settings import load_settings

    return load_settings()


@pytest.fixture
def workspace(settings):
    from factcheck.workspace import Workspace

    ws = Workspace(settings)
    yield ws
    ws.close()


@pytest.fixture
def corpus(tmp_path):
    """A copy of the example articles that tests may modify."""
    target = tmp_path / "corpus"
    target.mkdir()
    for path in (SEED_A, SEED_B):
        shutil.copy(path, target / path.name)
    return target
