"""Running the desk: uvicorn on a given or free port, in the foreground (`factcheck serve`) or in a thread
(tests and benchmarks)."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time

import uvicorn
from starlette.applications import Starlette

from factcheck.errors import ConfigError

LOOPBACK_NAMES = {"localhost", "ip6-localhost"}


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_binding(host: str, token: str | None) -> None:
    """Off loopback anyone on the network could reach the desk: refuse to start without a token."""
    if not is_loopback(host) and not (token and token.strip()):
        raise ConfigError(
            f"serving on {host} lets others on the network in; set a token with --token or "
            "FACTCHECK_SERVE__TOKEN (editors open the URL it prints), or bind to 127.0.0.1"
        )


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


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
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

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
