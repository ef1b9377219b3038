"""An HTTP transport for LLM servers that bounds a reply as a whole: one deadline for the entire request (a
server trickling a byte at a time cannot hold it past the timeout), a cap on the bytes read (counted while
reading, before anything is parsed), and no compressed replies (asked for uncompressed, a compressed one is
refused unread, so a small gzip body cannot expand to gigabytes)."""

from __future__ import annotations

import time
from collections.abc import Iterator

try:
    import httpx2 as httpx  # the openai client's HTTP library (it moved from httpx to httpx2)
except ImportError:  # pragma: no cover - an older openai client, on httpx
    import httpx  # type: ignore[no-redef]

MAX_REPLY_BYTES = 2_000_000  # an LLM reply of a few thousand tokens is a few tens of kilobytes


class ReplyTooLarge(httpx.HTTPError):
    """The server sent more than MAX_REPLY_BYTES."""


class CompressedReply(httpx.HTTPError):
    """The server compressed its reply although it was asked not to."""


class _Bounded(httpx.SyncByteStream):
    def __init__(
        self, inner: httpx.SyncByteStream, request: httpx.Request, deadline: float, limit: int
    ) -> None:
        self.inner, self.request, self.deadline, self.limit = inner, request, deadline, limit

    def __iter__(self) -> Iterator[bytes]:
        read = 0
        for chunk in self.inner:
            read += len(chunk)
            if read > self.limit:
                raise ReplyTooLarge(f"the reply passed {self.limit:,} bytes")
            if time.monotonic() > self.deadline:
                raise httpx.ReadTimeout(
                    "the reply took longer than the timeout as a whole", request=self.request
                )
            yield chunk

    def close(self) -> None:
        self.inner.close()


class BoundedTransport(httpx.HTTPTransport):
    """httpx's transport, with every reply held to `timeout_s` in all and MAX_REPLY_BYTES (uncompressed)."""

    def __init__(self, timeout_s: float, limit: int = MAX_REPLY_BYTES) -> None:
        super().__init__()
        self.timeout_s, self.limit = timeout_s, limit

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        deadline = time.monotonic() + self.timeout_s
        request.headers["Accept-Encoding"] = "identity"
        response = super().handle_request(request)
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            response.close()
            raise CompressedReply(f"the reply was compressed ({encoding}) although it was asked not to be")
        assert isinstance(response.stream, httpx.SyncByteStream)
        response.stream = _Bounded(response.stream, request, deadline, self.limit)
        return response


def bounded_client(timeout_s: float) -> httpx.Client:
    """An HTTP client for the openai client whose every reply is bounded (see the module docstring)."""
    return httpx.Client(transport=BoundedTransport(timeout_s), timeout=timeout_s)
