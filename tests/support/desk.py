"""The review desk served from a test: a real uvicorn server in a thread over the test's workspace, or an
in-process client that talks to it as a browser on this machine would (Host 127.0.0.1, Origin of the desk)."""

import contextlib
import time

from starlette.testclient import TestClient

from factcheck.web import DeskServer, create_app

DESK = "http://127.0.0.1"
TOKEN = "a-desk-token-of-24-chars"


@contextlib.contextmanager
def serving(workspace, reviewer="", token=None):
    server = DeskServer(create_app(workspace, reviewer, token)).start()
    try:
        yield server
    finally:
        server.stop()


def desk_client(workspace, **kwargs):
    """A client whose requests look like the desk's own pages: Host 127.0.0.1 and an Origin of the desk."""
    return TestClient(
        create_app(workspace, **kwargs), base_url=DESK, headers={"Origin": DESK}, client=("127.0.0.1", 50000)
    )


def finished(client, response, timeout_s=120):
    """A desk job's final state: `response` is the redirect to its page (followed or not); the job is polled."""
    location = response.headers.get("location") or str(response.url)
    job = location.rsplit("/jobs/", 1)[1].split("?")[0]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        state = client.get(f"/jobs/{job}?format=json").json()
        if state["status"] in ("done", "failed"):
            return state
        time.sleep(0.1)
    raise AssertionError(f"job {job} did not finish in {timeout_s}s")


def draft_the_first_example(workspace, corpus):
    """Index the example articles with the short evidence articles and draft the check-worthy claims of the
    first example with the evidence judge; the workspace is returned."""
    import shutil

    from factcheck.drafting.judges import EvidenceJudge
    from factcheck.retrieval.fusion import RetrievalSettings
    from support.fakes import drafter
    from support.paths import DATA, SEED_A

    shutil.copytree(DATA / "evidence", corpus / "evidence")
    workspace.index([corpus])
    claims = workspace.claims(str(corpus / SEED_A.name))
    drafter(workspace, EvidenceJudge(), RetrievalSettings(k=6)).draft_all(
        [c for c in claims if c.checkworthiness >= 0.5]
    )
    return workspace
