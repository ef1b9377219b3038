"""The same commands against a real Chroma server (`chroma run`, from the chromadb package) on loopback."""

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from support.paths import DATA, SEED_A

from factcheck.settings import load_settings
from factcheck.workspace import Workspace


@pytest.fixture
def chroma_server(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    chroma = Path(sys.executable).with_name("chroma")
    log = (tmp_path / "chroma.log").open("w")
    process = subprocess.Popen(
        [
            str(chroma),
            "run",
            "--path",
            str(tmp_path / "server-data"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("chroma run did not start: " + (tmp_path / "chroma.log").read_text()[-500:])
    yield url
    process.terminate()
    process.wait(timeout=20)
    log.close()


def test_index_search_and_draft_against_a_chroma_server(chroma_server, corpus, tmp_path):
    shutil.copytree(DATA / "evidence", corpus / "evidence")
    settings = load_settings(home=tmp_path / "home").model_copy(
        update={"store": load_settings().store.model_copy(update={"url": chroma_server})}
    )
    workspace = Workspace(settings)
    report = workspace.index([corpus])
    assert report.new == 5 and workspace.store.count() == report.passages
    assert not (tmp_path / "home" / "chroma").exists()  # vectors live on the server
    hits = workspace.search("how many Russian troops are near the border", k=3)
    assert any("100,000" in h.passage.text or "130,000" in h.passage.text for h in hits)
    claims = workspace.claims(str(corpus / SEED_A.name))
    troops = next(c for c in claims if "100,000" in c.text)
    result = workspace.draft([troops.id], judge="evidence")
    note = result.notes[0]
    quantity = next(c for c in note.checks if c.name == "quantity")  # the wire's 130,000, compared
    assert note.verdict.value == "not_enough_evidence" and quantity.outcome == "disagree"
    workspace.close()


def test_unreachable_server_is_a_one_line_store_error(tmp_path):
    from factcheck.errors import StoreError

    settings = load_settings(home=tmp_path / "home").model_copy(
        update={"store": load_settings().store.model_copy(update={"url": "http://127.0.0.1:9"})}
    )
    with pytest.raises(StoreError, match="cannot open the Chroma store at http://127.0.0.1:9"):
        _ = Workspace(settings).store
