"""The desk's defences in one place: which Host names it answers to (DNS rebinding), the security headers on
every response (pages, static files, errors), the CSRF token bound to a signed session, the Origin check on
state-changing requests, and the access token."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import logging
import re
import secrets
import socket
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from factcheck.errors import ConfigError

log = logging.getLogger("factcheck.desk")

SESSION_COOKIE = "factcheck_session"
TOKEN_COOKIE = "factcheck_token"
MIN_TOKEN_CHARS = 16
LOOPBACK_NAMES = frozenset({"localhost", "ip6-localhost"})
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
# "same-origin", not "no-referrer": under no-referrer browsers send `Origin: null` with the desk's own form
# posts, and the Origin check below could not tell them from a sandboxed page elsewhere. Other sites still get
# no Referer from the desk.
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
_SESSION_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")
_PROBLEM_PAGE = (
    "<!doctype html><meta charset=utf-8><title>factcheck desk</title><p>{message}</p>"
    '<p><a href="/">Back to the queue</a></p>'
)


def is_loopback(host: str) -> bool:
    name = host.strip("[]").lower().rstrip(".")
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_token(token: str | None) -> None:
    if token is not None and len(token.strip()) < MIN_TOKEN_CHARS:
        raise ConfigError(
            f"the desk's access token is too short ({len(token.strip())}); use at least {MIN_TOKEN_CHARS} "
            "characters (make one with: python -c 'import secrets; print(secrets.token_urlsafe(24))')"
        )


def check_binding(host: str, token: str | None, accounts: bool = False) -> None:
    """Off loopback anyone on the network could reach the desk: refuse to start until the workspace has
    accounts (everyone signs in); a token is an optional extra lock."""
    check_token(token)
    if not is_loopback(host) and not accounts:
        raise ConfigError(
            f"serving on {host} lets others on the network in, so the desk needs accounts first: add one with "
            "`factcheck users add NAME --role admin`, or bind to 127.0.0.1"
        )


class LoginLimiter:
    """Failed sign-ins are limited per address and per name: after `tries` in `window_s`, more are refused
    until the window has passed (a password cannot be guessed at speed)."""

    def __init__(self, tries: int = 5, window_s: float = 900.0) -> None:
        self.tries, self.window_s = tries, window_s
        self._failures: dict[str, list[float]] = {}

    def _keys(self, client: str, name: str) -> tuple[str, str]:
        from factcheck.safety import person_key

        return f"address {client}", f"name {person_key(name)}"

    def check(self, client: str, name: str) -> None:
        import time

        from factcheck.errors import NotAllowed

        now = time.monotonic()
        for key in self._keys(client, name):
            recent = [t for t in self._failures.get(key, []) if now - t < self.window_s]
            self._failures[key] = recent
            if len(recent) >= self.tries:
                minutes = max(1, round((self.window_s - (now - recent[0])) / 60))
                raise NotAllowed(f"too many failed sign-ins; wait {minutes} minutes, then try again")

    def failed(self, client: str, name: str) -> None:
        import time

        for key in self._keys(client, name):
            self._failures.setdefault(key, []).append(time.monotonic())

    def succeeded(self, client: str, name: str) -> None:
        self._failures.pop(self._keys(client, name)[1], None)


def _machine_names() -> set[str]:
    names = {socket.gethostname().lower()}
    fqdn = socket.getfqdn().lower()
    if fqdn:
        names.add(fqdn)
    return {n.rstrip(".") for n in names if n}


def allowed_hosts(bind_host: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The Host names the desk answers to: the address it binds and the names of that address (loopback names
    for loopback; the machine's names for every interface), plus names the operator configured. A page on a
    domain that an attacker re-points at this machine (DNS rebinding) sends its own domain and is refused."""
    bound = bind_host.strip("[]").lower().rstrip(".")
    names = {bound} if bound not in WILDCARD_HOSTS else set()
    if is_loopback(bound):
        names |= {"localhost", "127.0.0.1", "::1"}
    elif bound in WILDCARD_HOSTS:
        names |= {"localhost", "127.0.0.1", "::1"} | _machine_names()
    names |= {name.strip().strip("[]").lower().rstrip(".") for name in extra if name.strip()}
    return frozenset(names)


def _host_name(host_header: str) -> str:
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else ""
    return host.rsplit(":", 1)[0].rstrip(".") if host.count(":") <= 1 else host


def host_is_allowed(host_header: str, allowed: frozenset[str], bind_host: str) -> bool:
    name = _host_name(host_header)
    if not name:
        return False
    if name in allowed:
        return True
    if bind_host.strip("[]") in WILDCARD_HOSTS:
        # Bound to every interface: any IP address of this machine may be typed; an IP literal in Host is never
        # a rebinding (that needs a domain name the attacker controls).
        try:
            ipaddress.ip_address(name)
            return True
        except ValueError:
            return False
    return False


class DeskGate:
    """ASGI middleware around the whole desk: foreign Host names are refused before any route runs, every
    response (pages, static files, 404s, errors) gets the security headers, and an unexpected error is a 500
    page plus one log line, never a traceback on the console."""

    def __init__(self, app: ASGIApp, allowed: frozenset[str], bind_host: str) -> None:
        self.app = app
        self.allowed = allowed
        self.bind_host = bind_host

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = scope.get("headers", [])
        if sum(k.lower() == b"host" for k, _ in raw) > 1:  # RFC 9112: more than one Host is a bad request
            await _plain(send, 400, "A request may carry one Host header only.")
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw}
        if not host_is_allowed(headers.get("host", ""), self.allowed, self.bind_host):
            shown = headers.get("host", "")[:80]
            await _plain(
                send,
                400,
                f"This desk does not answer to the name {shown!r}. Open the address factcheck serve printed, "
                "or add the name to FACTCHECK_SERVE__ALLOWED_HOSTS.",
            )
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [
                    (name.lower().encode(), value.encode())
                    for name, value in SECURITY_HEADERS.items()
                    if name.lower().encode() not in present
                ]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:  # a bug in a page: one line for the operator, a plain page for the editor
            log.error(
                "desk error on %s %s: %s: %s", scope.get("method"), scope.get("path"), type(exc).__name__, exc
            )
            if not started:
                await _plain(
                    send_with_headers,
                    500,
                    "Something went wrong on the desk while showing this page; nothing was changed by it. Go "
                    "back and try again; if it happens again, tell whoever runs the desk.",
                )


async def _plain(send: Send, status: int, message: str) -> None:
    from html import escape

    body = _PROBLEM_PAGE.format(message=escape(message)).encode()
    headers = [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        *[(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()],
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class Sessions:
    """A random session id in an HttpOnly cookie, and a CSRF token that is an HMAC of it under a key only this
    desk process knows. A cookie that someone else set (another port on 127.0.0.1 can set cookies for it) has
    no valid token to go with it."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    def session_of(self, request: Request) -> tuple[str, bool]:
        """The request's session id and whether it is new (no valid session cookie came with it)."""
        sent = request.cookies.get(SESSION_COOKIE, "")
        if _SESSION_SHAPE.fullmatch(sent):
            return sent, False
        return secrets.token_urlsafe(24), True

    def token_for(self, session: str) -> str:
        digest = hmac.new(self._key, f"csrf:{session}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def token_matches(self, session: str, sent: str) -> bool:
        return hmac.compare_digest(self.token_for(session), sent)


def same_origin(request: Request) -> bool:
    """A state-changing request must say it came from a page of this desk: its Origin (or, when a browser sends
    none, its Referer) names the host the request was sent to."""
    host = request.headers.get("host", "").lower()
    origin = request.headers.get("origin")
    if origin is None:
        origin = request.headers.get("referer")
    if not origin or origin == "null":
        return False
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host


def offered_token(request: Request) -> list[str]:
    bearer = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    return [request.query_params.get("token", ""), request.cookies.get(TOKEN_COOKIE, ""), bearer]


def token_accepted(request: Request, token: str) -> bool:
    return any(t and hmac.compare_digest(t, token) for t in offered_token(request))


def cookie_options() -> dict[str, Any]:
    return {"httponly": True, "samesite": "strict"}
