"""The review desk served from a test: a real uvicorn server in a thread over the test's workspace, or an
in-process client that talks to it as a browser on this machine would (Host 127.0.0.1, Origin of the desk)."""

import contextlib

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
    return TestClient(create_app(workspace, **kwargs), base_url=DESK, headers={"Origin": DESK})
