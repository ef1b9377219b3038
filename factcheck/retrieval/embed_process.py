"""The embedded model in a child process, for indexing.

Chroma's upsert holds Python's global interpreter lock for the whole call, so while the indexing process
writes a batch, embedding threads in that process stop at their next text. In a process of its own, with work
queued ahead, the model keeps both cores busy while the parent reads, splits and writes (README, Benchmarks).
The vectors are the same: the child runs the same model with the same settings.

Protocol over the child's stdin and stdout: the parent sends frames of JSON lists of texts, as many ahead as it
likes; the child answers each, in order, with a status byte (0 ok, 1 error) and a frame of float32 vectors or
of an error message. It answers once with an empty frame when its model is loaded, and stops after the text
it is embedding when its input closes.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import queue
import signal
import struct
import subprocess
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import IO

import numpy as np

from factcheck.errors import ModelError
from factcheck.retrieval.minilm import DIMENSIONS

_LENGTH = struct.Struct("<I")
_ESCAPE_HATCH = "or set FACTCHECK_EMBEDDINGS__SEPARATE_PROCESS=false to embed in this process"


def _read_exact(stream: IO[bytes], size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return bytes(data)


def _write_frame(stream: IO[bytes], payload: bytes, status: int | None = None) -> None:
    head = b"" if status is None else bytes([status])
    stream.write(head + _LENGTH.pack(len(payload)) + payload)
    stream.flush()


class EmbeddingProcess:
    """A child process running the embedded model. `submit(texts)` queues texts and returns a future of their
    (n, 384) float32 vectors; calling it waits for them."""

    def __init__(self, threads: int = 0, runtime: str = "auto") -> None:
        self._errors = tempfile.TemporaryFile()  # the child's stderr, quoted if it dies
        self._lock = threading.Lock()
        self._pending: deque[tuple[Future, int]] = deque()
        self._failure: ModelError | None = None
        self._replies: threading.Thread | None = None
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "factcheck.retrieval.embed_process", str(threads), runtime],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._errors,
            )
        except OSError as error:
            raise ModelError(
                f"could not start the embedding process ({error.strerror or error}); {_ESCAPE_HATCH}"
            ) from None

    def wait_ready(self) -> None:
        """Block until the child has loaded the model; raise ModelError if it could not."""
        with self._lock:
            if self._replies is None:
                status, payload = self._receive()
                if status:
                    raise ModelError(payload.decode("utf-8", "replace"))
                self._replies = threading.Thread(
                    target=self._read_replies, name="factcheck-embed-replies", daemon=True
                )
                self._replies.start()
            if self._failure:
                raise self._failure

    def submit(self, texts: list[str]) -> Future:
        """Queue texts for the child; the future holds their vectors, in order, or a ModelError."""
        future: Future = Future()
        if not texts:
            future.set_result(np.zeros((0, DIMENSIONS), dtype=np.float32))
            return future
        self.wait_ready()
        with self._lock:  # frames and futures in the same order
            if self._failure:
                future.set_exception(self._failure)
                return future
            self._pending.append((future, len(texts)))
            try:
                _write_frame(self._stdin, json.dumps(texts).encode("utf-8"))
            except (BrokenPipeError, OSError):
                pass  # the reply reader sees the child's end and fails every pending future
        return future

    def __call__(self, texts: list[str]) -> np.ndarray:
        return self.submit(texts).result()

    @property
    def _stdin(self) -> IO[bytes]:
        assert self._process.stdin is not None
        return self._process.stdin

    def _receive(self) -> tuple[int, bytes]:
        """The child's next reply: (status, payload); a ModelError if the child has gone."""
        stdout = self._process.stdout
        assert stdout is not None
        try:
            status = _read_exact(stdout, 1)[0]
            payload = _read_exact(stdout, _LENGTH.unpack(_read_exact(stdout, _LENGTH.size))[0])
        except EOFError:
            raise self._died() from None
        return status, payload

    def _read_replies(self) -> None:
        while True:
            try:
                status, payload = self._receive()
            except ModelError as died:
                with self._lock:
                    self._failure = died
                    pending = list(self._pending)
                    self._pending.clear()
                for future, _ in pending:
                    future.set_exception(died)
                return
            with self._lock:
                future, count = self._pending.popleft()
            if status:
                future.set_exception(ModelError(payload.decode("utf-8", "replace")))
            else:
                future.set_result(np.frombuffer(payload, dtype=np.float32).reshape(count, DIMENSIONS))

    def _died(self) -> ModelError:
        try:
            code = self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        self._errors.seek(0)
        lines = [line for line in self._errors.read().decode("utf-8", "replace").splitlines() if line.strip()]
        last = f": {lines[-1].strip()[:200]}" if lines else ""
        return ModelError(
            f"the embedding process stopped (exit code {code}){last}; run the command again, {_ESCAPE_HATCH}"
        )

    @property
    def exit_code(self) -> int | None:
        """None while the child runs."""
        return self._process.poll()

    def kill(self) -> None:
        self._process.kill()
        self._process.wait()

    def close(self) -> None:
        """Stop the child (it stops after its current text once its input closes) and wait for it."""
        if self._process.poll() is None:
            try:
                self._stdin.close()
                self._process.wait(timeout=2)  # a batch is done by then; nothing is lost by stopping it
            except (OSError, subprocess.TimeoutExpired):
                self._process.kill()
                self._process.wait()
        if self._replies is not None:
            self._replies.join(timeout=5)
        self._errors.close()


_shared: dict[tuple[int, str], EmbeddingProcess] = {}
_shared_lock = threading.Lock()


def shared_embedding_process(threads: int = 0, runtime: str = "auto") -> EmbeddingProcess:
    """One child per process and settings, started on first use and ready when returned, like the in-process
    model it stands for (kept loaded for later index calls; stopped when this process exits). A child that
    has died is replaced; one that cannot load the model raises ModelError and is not kept."""
    with _shared_lock:
        process = _shared.get((threads, runtime))
        if process is None or process.exit_code is not None:
            if not _shared:
                atexit.register(_close_shared)
            process = _shared[(threads, runtime)] = EmbeddingProcess(threads, runtime)
    try:
        process.wait_ready()
    except ModelError:
        with _shared_lock:
            _shared.pop((threads, runtime), None)
        process.close()
        raise
    return process


def _close_shared() -> None:
    for process in _shared.values():
        process.close()


def _serve(threads: int, runtime: str) -> None:
    """The child: a reader thread queues requests as they arrive (the parent never waits to send), the main
    thread hands each to the model's workers as it comes (`MiniLMModel.embed_later`: no pause between
    requests), a writer thread waits for each request's vectors in turn and sends them (the child never waits
    on the parent)."""
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # fd 1 carries the protocol only: anything a library prints goes to stderr instead
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it then closes our input
    from factcheck.errors import FactcheckError
    from factcheck.retrieval.minilm import load_minilm

    try:
        model = load_minilm(threads, runtime)
    except FactcheckError as error:
        _write_frame(replies, str(error).encode("utf-8"), status=1)
        return
    _write_frame(replies, b"", status=0)
    requests: queue.Queue[list[str] | None] = queue.Queue()
    started: queue.Queue[Callable[[], np.ndarray] | None] = queue.Queue()
    closed = threading.Event()  # the parent is gone or done: what is still queued is not wanted

    def read_requests() -> None:
        try:
            while True:
                size = _LENGTH.unpack(_read_exact(sys.stdin.buffer, _LENGTH.size))[0]
                requests.put(json.loads(_read_exact(sys.stdin.buffer, size)))
        except EOFError:
            closed.set()
            requests.put(None)

    def write_replies() -> None:
        while (vectors := started.get()) is not None:
            try:
                reply = np.ascontiguousarray(vectors(), dtype=np.float32).tobytes()
                status = 0
            except Exception as error:  # noqa: BLE001 - reported to the parent, which raises it
                reply, status = f"embedding failed ({type(error).__name__}: {error})".encode(), 1
            if closed.is_set():
                return
            try:
                _write_frame(replies, reply, status=status)
            except OSError:
                return

    threading.Thread(target=read_requests, daemon=True).start()
    writer = threading.Thread(target=write_replies)
    writer.start()
    while (texts := requests.get()) is not None and not closed.is_set():
        try:
            started.put(model.embed_later(texts, closed))
        except Exception as error:  # noqa: BLE001 - an error of the exact runtime, which embeds here
            started.put(functools.partial(_raise, error))
    started.put(None)
    writer.join()


def _raise(error: Exception) -> np.ndarray:
    raise error


if __name__ == "__main__":
    _serve(int(sys.argv[1]), sys.argv[2])
