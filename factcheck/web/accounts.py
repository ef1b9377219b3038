"""Who is at the desk: sign-in and sign-out (a session cookie whose secret only the workspace's hash of it
can match, expiring after the policy's hours), a trusted single sign-on header from configured proxies, the
first admin made on this machine, and the team page where an admin manages accounts, the policy and the
publisher. Without accounts the desk works as a single editor's tool on loopback, as before."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from factcheck.errors import FactcheckError, InputError, NotAllowed
from factcheck.models import Account, Role
from factcheck.safety import one_line
from factcheck.web.intake import Desk
from factcheck.web.security import LoginLimiter, cookie_options, is_loopback

SIGNIN_COOKIE = "factcheck_signin"
POLICY_FIELDS = ("signoffs", "publish_roles", "publisher_name", "publisher_url")


def local_path(target: str) -> str:
    """Only paths on this desk: never another site (an open redirect)."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


class Accounts:
    def __init__(self, desk: Desk, header: str = "", proxies: frozenset[str] = frozenset()) -> None:
        self.desk = desk
        self.team = desk.workspace.team
        self.header = header.strip().lower()
        self.proxies = proxies
        self.limiter = LoginLimiter()

    def account(self, request: Request) -> Account | None:
        """The signed-in account: from the proxy's header when the request came from a trusted proxy, else
        from the sign-in cookie."""
        client = request.client.host if request.client else ""
        if self.header and client in self.proxies:
            named = one_line(request.headers.get(self.header, ""), 100)
            return self.team.find(named) if named else None
        return self.team.session(request.cookies.get(SIGNIN_COOKIE, ""))

    def on_this_machine(self, request: Request) -> bool:
        """A request from a browser on the desk's own machine: from loopback, and not relayed by a proxy (a
        proxy on the same machine would make anyone on the network look local)."""
        client = request.client.host if request.client else ""
        relayed = any(h in request.headers for h in ("x-forwarded-for", "forwarded", "x-real-ip"))
        return is_loopback(client) and not relayed and client not in self.proxies

    # pages ----------------------------------------------------------------------------------------
    async def login(self, request: Request) -> Response:
        target = local_path(request.query_params.get("next", "/"))
        if not self.team.active():
            return RedirectResponse("/setup" if self.on_this_machine(request) else "/", status_code=303)
        if request.method == "GET":
            return self.desk.render(request, "login.html", next=target, message="", typed="")
        form: FormData = request.state.form
        name, password = str(form.get("name") or ""), str(form.get("password") or "")
        target = local_path(str(form.get("next") or "/"))
        client = request.client.host if request.client else ""
        try:
            self.limiter.check(client, name)
            account = self.team.sign_in(name, password)
        except NotAllowed as exc:
            self.limiter.failed(client, name)
            return self.desk.render(request, "login.html", 401, next=target, message=str(exc), typed=name)
        self.limiter.succeeded(client, name)
        return self._signed_in(request, account, target)

    def _signed_in(self, request: Request, account: Account, target: str) -> Response:
        """The sign-in cookie: HttpOnly, SameSite=Strict, and Secure when the desk is reached over https (itself,
        or through a trusted proxy that says so)."""
        response = RedirectResponse(target, status_code=303)
        secret = self.team.open_session(account)
        max_age = int(self.team.session_hours * 3600)
        client = request.client.host if request.client else ""
        proxied_https = client in self.proxies and request.headers.get("x-forwarded-proto", "") == "https"
        secure = request.url.scheme == "https" or proxied_https
        response.set_cookie(SIGNIN_COOKIE, secret, max_age=max_age, secure=secure, **cookie_options())
        return response

    async def logout(self, request: Request) -> Response:
        self.team.close_session(request.cookies.get(SIGNIN_COOKIE, ""))
        response = RedirectResponse("/login?out=1", status_code=303)
        response.delete_cookie(SIGNIN_COOKIE)
        return response

    async def setup(self, request: Request) -> Response:
        """The first account, an admin, made in the desk: only while there is none, and only from this
        machine (loopback), so nobody on the network can claim the desk first."""
        if self.team.active():
            return RedirectResponse("/login", status_code=303)
        if not self.on_this_machine(request):
            return self.desk.render(
                request, "problem.html", 403, message="The first account is made on the desk's own machine."
            )
        if request.method == "GET":
            return self.desk.render(request, "setup.html", message="", typed="")
        form: FormData = request.state.form
        name, password = str(form.get("name") or ""), str(form.get("password") or "")
        try:
            if password != str(form.get("again") or ""):
                raise InputError("the two passwords differ; type the same password twice")
            account = self.team.add(name, Role.admin, password)
        except FactcheckError as exc:
            return self.desk.render(request, "setup.html", 400, message=str(exc), typed=name)
        return self._signed_in(request, account, "/team?done=setup")

    async def team_page(self, request: Request, message: str = "", status_code: int = 200) -> Response:
        done = {"setup": "Your admin account is ready.", "saved": "Saved."}.get(
            request.query_params.get("done", ""), ""
        )
        return self.desk.render(
            request,
            "team.html",
            status_code,
            accounts=self.team.accounts(),
            policy=self.team.policy(),
            roles=[r.value for r in Role],
            message=message,
            done=done,
        )

    async def team_change(self, request: Request) -> Response:
        """An admin's change: add, remove, set a role or a password, or the policy and publisher."""
        form: FormData = request.state.form
        values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        me = request.state.account
        try:
            self._change(values, me.name if me else "")
        except FactcheckError as exc:
            return await self.team_page(request, str(exc), 400)
        return RedirectResponse("/team?done=saved", status_code=303)

    def _change(self, values: dict[str, str], by: str) -> None:
        what, name = values.get("what", ""), values.get("name", "")
        if what == "add":
            self.team.add(name, values.get("role", ""), values.get("password", ""))
        elif what == "remove":
            if self.team.get(name).name == by:
                raise InputError("you cannot remove your own account; ask another admin")
            self.team.remove(name)
        elif what == "role":
            self.team.set_role(name, values.get("role", ""))
        elif what == "password":
            self.team.set_password(name, values.get("password", ""))
        elif what == "policy":
            roles = ",".join(r.value for r in Role if values.get(f"publish_{r.value}") == "1")
            changes = {**{k: values[k] for k in POLICY_FIELDS if k in values}, "publish_roles": roles}
            for key, value in changes.items():
                if value != _policy_text(self.team.policy().model_dump(mode="json")[key]):
                    self.team.set_policy(key, value, by)
        else:
            raise InputError("that change is not one the team page makes; reload the page")


def _policy_text(value: object) -> str:
    return ",".join(value) if isinstance(value, list) else str(value)
