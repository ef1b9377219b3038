"""The review desk served from a test: a real uvicorn server in a thread, over the test's workspace."""

import contextlib

from factcheck.web import DeskServer, create_app


@contextlib.contextmanager
def serving(workspace, reviewer="", token=None):
    server = DeskServer(create_app(workspace, reviewer, token)).start()
    try:
        yield server
    finally:
        server.stop()
