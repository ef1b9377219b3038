"""Running the desk: uvicorn on a given or free port, in the foreground (`factcheck serve`) or in a thread
(tests and benchmarks)."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn
from starlette.applications import Starlette

from factcheck.errors import ConfigError
from factcheck.web.security import WILDCARD_HOSTS


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


class DeskServer:
    """uvicorn serving one app; `start()` runs it in a background thread, `run()` in the foreground."""

    def __init__(self, app: Starlette, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port or free_port(host)
        config = uvicorn.Config(app, host=host, port=self.port, log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Where this machine reaches the desk (loopback when it listens on every interface)."""
        if self.host in WILDCARD_HOSTS:
            return _url("127.0.0.1" if self.host != "::" else "::1", self.port)
        return _url(self.host, self.port)

    @property
    def public_url(self) -> str:
        """The address to hand to editors: a name a browser can open, never 0.0.0.0 or ::."""
        if self.host in WILDCARD_HOSTS:
            return _url(socket.getfqdn() or socket.gethostname(), self.port)
        return self.url

    def run(self) -> None:
        self.server.run()

    def start(self, timeout_s: float = 20.0) -> DeskServer:
        self._thread = threading.Thread(target=self.server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self.server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise ConfigError(f"the desk did not start on {self.url}; is the port free?")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
