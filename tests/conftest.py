"""Fixtures for every lane. Tests are in three lanes by folder: unit (the pure core: no model, no Chroma,
seconds), integration (the library and CLI with the real embedded model and Chroma) and e2e (whole programs
as a person runs them: the demo script, a terminal, the local LLM server, a browser)."""

import os
import shutil

import pytest
from support.paths import SEED_A, SEED_B

LANES = ("unit", "integration", "e2e")


def pytest_collection_modifyitems(items):
    for item in items:
        lane = next((name for name in LANES if f"/tests/{name}/" in str(item.path)), None)
        if lane:
            item.add_marker(getattr(pytest.mark, lane))


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch, request):
    """Every test gets its own workspace and no inherited configuration or keys. The verification model reads
    evidence in the e2e lane and in tests marked `stance` (it costs about half a second a claim on 2 cores);
    other tests draft without it, as `FACTCHECK_DRAFT__STANCE=false` does."""
    for key in list(os.environ):
        if key.startswith(("FACTCHECK_", "OPENAI_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("FACTCHECK_HOME", str(tmp_path / "home"))
    if not (request.node.get_closest_marker("e2e") or request.node.get_closest_marker("stance")):
        monkeypatch.setenv("FACTCHECK_DRAFT__STANCE", "false")
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
