"""The desk's pages and actions. Article text is untrusted: templates autoescape everything, links pass
`safe_url` (http and https only), and a Content-Security-Policy allows only the desk's own script and style.
State-changing requests come from the desk's own pages (Origin) and carry a CSRF token bound to a signed
session and, when the operator set one, the access token (see `security.py`); every save carries the version
of the note the editor saw, so two editors cannot overwrite each other."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from factcheck.errors import ConflictError, FactcheckError, InputError, NeedsConfirmation, NotFoundError
from factcheck.models import (
    ClaimType,
    Note,
    NoteStatus,
    NoteView,
    QueueFilter,
    Verdict,
)
from factcheck.rendering import environment
from factcheck.safety import one_line, word_cut
from factcheck.web.accounts import Accounts, local_path
from factcheck.web.bulk import Bulk
from factcheck.web.intake import Intake
from factcheck.web.jobs import Jobs
from factcheck.web.security import (
    SESSION_COOKIE,
    TOKEN_COOKIE,
    DeskGate,
    Sessions,
    allowed_hosts,
    check_token,
    cookie_options,
    same_origin,
    token_accepted,
)
from factcheck.web.text import (
    Piece,
    desk_words,
    evidence_pieces,
    marked,
    paragraph_of,
    whole_number,
)
from factcheck.workspace import Workspace

REVIEWER_COOKIE = "factcheck_reviewer"
FILTER_KEYS = (
    "article",
    "verdict",
    "type",
    "status",
    "reviewer",
    "assigned",
    "order",
    "q",
    "lean",
    "awaiting",
    "each",
)
DONE = {  # what the page says after an action (a code in the URL, never text from it)
    "approve": "Approved.",
    "signoff": "Signed off: a second reviewer must approve it before it is published.",
    "reject": "Rejected.",
    "undo": "Undone.",
    "verdict": "Verdict saved.",
    "cite": "Cited.",
    "cite-passage": "Cited.",
    "edit": "Note saved.",
    "public": "Public text saved.",
    "assign": "Assignment saved.",
    "comment": "Comment added.",
    "uncite": "Citation removed.",
    "move": "Citations reordered.",
}
BACK_IN_REVIEW = " Back in review: the published text changed after approval, so it must be approved again."
UNDOABLE = ("approve", "signoff", "reject")
PAGE_SIZE = 100
MAX_NAME = 60


def _citation_number(count: int, values: dict[str, str]) -> int:
    number = whole_number(values.get("number"), "citation number", 0) or 0
    if not 1 <= number <= count:
        raise InputError(f"there is no citation {number}; the note has {count}")
    return number


def _without(count: int, values: dict[str, str]) -> list[int]:
    """Every citation number but the one posted."""
    number = _citation_number(count, values)
    return [n for n in range(1, count + 1) if n != number]


def _moved_up(count: int, values: dict[str, str]) -> list[int]:
    """The citation numbers with the one posted moved up a place."""
    number = _citation_number(count, values)
    order = list(range(1, count + 1))
    if number > 1:
        order[number - 2], order[number - 1] = order[number - 1], order[number - 2]
    return order


@dataclass
class Kept:
    """What an editor typed into a form that was refused: shown again, never lost. `ask` is 'confirm' when the
    action would override another reviewer's decision, 'both' when the note changed while the editor looked
    (their text and the current one are shown side by side)."""

    form: str = ""
    values: dict[str, str] = field(default_factory=dict)
    ask: str = ""


OPEN_PATHS = ("/login", "/setup")  # the pages a visitor sees before signing in


class Desk:
    def __init__(self, workspace: Workspace, reviewer: str = "", token: str | None = None) -> None:
        check_token(token)
        self.workspace = workspace
        serve = workspace.settings.serve
        self.accounts = Accounts(self, serve.trusted_user_header, serve.proxy_addresses)
        self.default_reviewer = one_line(reviewer, MAX_NAME)
        self.token = token.strip() if token and token.strip() else None
        self.sessions = Sessions()
        self.jobs = Jobs(workspace.settings)
        self.templates = environment()  # the one autoescaping environment, shared with the HTML report
        self.templates.filters["word_cut"] = word_cut
        self.templates.filters["desk_words"] = desk_words
        self.templates.globals.update(
            verdicts=[v.value for v in Verdict],
            statuses=[s.value for s in NoteStatus],
            types=[t.value for t in ClaimType],
            label=lambda value: str(value or "").replace("_", " "),
        )

    # plumbing -------------------------------------------------------------------------------------
    def reviewer(self, request: Request) -> str:
        """The signed-in account's name; without accounts, the name the browser gave (one printable line;
        anything else counts as no name), or the default."""
        account = getattr(request.state, "account", None)
        if account is not None or self.workspace.team.active():
            return account.name if account is not None else ""
        sent = unquote(request.cookies.get(REVIEWER_COOKIE, ""))
        name = one_line(sent, MAX_NAME)
        return name if name and name == " ".join(sent.split()) else self.default_reviewer

    def render(self, request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        if isinstance(context.get("message"), str):
            context["message"] = desk_words(context["message"])
        reviewer = self.reviewer(request)
        page = self.templates.get_template(name).render(
            csrf=request.state.csrf,
            reviewer=reviewer,
            account=getattr(request.state, "account", None),
            accounts_on=self.workspace.team.active(),
            can=self.permissions(request),
            path=request.url.path,
            **context,
        )
        return HTMLResponse(page, status_code=status_code)

    def permissions(self, request: Request) -> frozenset[str]:
        """What the person at the desk may do (anything, while the workspace has no accounts), read once a
        request."""
        if not hasattr(request.state, "permissions"):
            account = getattr(request.state, "account", None)
            team = self.workspace.team
            request.state.permissions = team.permissions(account.name if account is not None else "")
        return frozenset(request.state.permissions)

    def allowed(self, request: Request, permission: str) -> bool:
        return permission in self.permissions(request)

    def refused(self, request: Request, permission: str) -> HTMLResponse | None:
        """A refusal page when the person at the desk may not do this; None when they may."""
        if self.allowed(request, permission):
            return None
        what = {"export": "export notes", "draft": "draft notes", "sources": "add sources"}.get(
            permission, "change the team"
        )
        return self.problem(request, f"Your role may not {what}; ask an editor or an admin.", 403)

    def problem(self, request: Request, message: str, status_code: int) -> HTMLResponse:
        return self.render(request, "problem.html", status_code, message=message)

    def sign_in_first(self, request: Request, session: str, fresh: bool) -> Response | None:
        """Under accounts, who is at the desk (request.state.account); a visitor who has not signed in is sent
        to the sign-in page, and a form they send is refused."""
        team_on = self.workspace.team.active()
        request.state.account = self.accounts.account(request) if team_on else None
        if not team_on or request.state.account is not None or request.url.path in OPEN_PATHS:
            return None
        if request.method != "GET":
            return self.problem(
                request, "Your sign-in has ended: sign in again, then send the form again.", 401
            )
        response = RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        if fresh:
            response.set_cookie(SESSION_COOKIE, session, **cookie_options())
        return response

    def guard(
        self, handler: Callable[[Request], Awaitable[Response]]
    ) -> Callable[[Request], Awaitable[Response]]:
        """Every page: the access token (when set), a CSRF token checked on every POST, errors as pages, and
        the security headers."""

        async def endpoint(request: Request) -> Response:
            if self.token and not token_accepted(request, self.token):
                return HTMLResponse(
                    "<!doctype html><title>factcheck desk</title><p>This desk needs its access token: open the "
                    "URL that <code>factcheck serve</code> printed (it ends in ?token=...).</p>",
                    status_code=401,
                )
            session, fresh = self.sessions.session_of(request)
            request.state.csrf = self.sessions.token_for(session)
            if signing_in := self.sign_in_first(request, session, fresh):
                return signing_in
            if request.method == "POST":
                if not same_origin(request):
                    return self.problem(
                        request,
                        "This form was not sent from a page of this desk, so it was refused: open the desk's "
                        "own address and send it from there.",
                        403,
                    )
                form = await request.form(max_files=50, max_fields=200)
                request.state.form = form
                if fresh or not self.sessions.token_matches(session, str(form.get("csrf") or "")):
                    return self.problem(
                        request,
                        "This form is out of date (its security token does not match): go back, reload "
                        "the page and send it again.",
                        403,
                    )
            try:
                response = await handler(request)
            except NotFoundError as exc:
                response = self.problem(request, str(exc), 404)
            except FactcheckError as exc:
                response = self.problem(request, str(exc), 400)
            if fresh:
                response.set_cookie(SESSION_COOKIE, session, **cookie_options())
            if self.token and "token" in request.query_params:
                response.set_cookie(TOKEN_COOKIE, self.token, **cookie_options())
            return response

        return endpoint

    def filters_of(self, params: dict[str, str], me: str = "") -> QueueFilter:
        chosen = self.workspace.queue_filter(
            article=params.get("article") or None,
            verdict=params.get("verdict") or None,
            claim_type=params.get("type") or None,
            status=params.get("status") or "draft",
            reviewer=(me if params.get("reviewer") == "me" else params.get("reviewer")) or None,
            assigned=params.get("assigned") or None,
            me=me,
            by_record=params.get("order") == "record",
        )
        lean = params.get("lean") or None
        if lean not in {None, *(v.value for v in Verdict)}:
            raise InputError("that lean is not one the desk knows; choose one from the list")
        return chosen.model_copy(
            update={
                "search": (params.get("q") or "").strip()[:200] or None,
                "awaiting": params.get("awaiting") == "1",
                "lean": Verdict(lean) if lean else None,
            }
        )

    @staticmethod
    def query_of(params: dict[str, str]) -> str:
        """The queue filters as a query string, only known keys (also used to rebuild redirects safely)."""
        return urlencode({k: params[k] for k in FILTER_KEYS if params.get(k)})

    # pages ----------------------------------------------------------------------------------------
    async def queue(self, request: Request) -> Response:
        params = dict(request.query_params)
        params.setdefault("status", "draft")
        filters = self.filters_of(params, self.reviewer(request))
        grouped = params.get("each") != "1"  # the same claim in several articles is one line, with its count
        counts = {status.value: n for status, n in self.workspace.queue_counts(filters).items()}
        total = self.workspace.lines.size(filters, grouped)
        page = max(whole_number(params.get("page"), "page", 1) or 1, 1)
        shown = self.workspace.queue_entries(filters, (page - 1) * PAGE_SIZE, PAGE_SIZE, grouped)
        return self.render(
            request,
            "queue.html",
            entries=shown,
            total=total,
            grouped=grouped,
            counts=counts,
            everything=sum(counts.values()),
            page=page,
            pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
            params=params,
            query=self.query_of(params),
            titles=self.workspace.lines.titles(sorted({e.document_id for e in shown})),
            article_title=self.workspace.lines.titles([params["article"]]) if params.get("article") else {},
            signoffs=self.workspace.team.policy().signoffs,
            too_many=bool(filters.search) and self.workspace.lines.too_many(filters.search or ""),
            message=self.done_message(params)[0],
        )

    def _neighbours(
        self, note_id: str, params: dict[str, str], me: str = ""
    ) -> tuple[str | None, str | None]:
        return self.workspace.lines.neighbours(note_id, self.filters_of(params, me))

    def note_page(
        self,
        request: Request,
        note_id: str,
        params: dict[str, str],
        message: str = "",
        status_code: int = 200,
        kept: Kept | None = None,
        undo_on: str = "",
    ) -> HTMLResponse:
        view: NoteView = self.workspace.note_view(note_id)
        note, claim = view.note, view.claim
        document = self.workspace.document(claim.document_id)
        begin, end = paragraph_of(document.text, claim.span.start, claim.span.end)
        paragraph = marked(
            document.text[begin:end], begin, [(claim.span.start, claim.span.end, Piece("", "claim"))]
        )
        citations = []
        for citation in note.citations:
            passage = view.passages.get(citation.passage_id)
            source = view.cited_documents.get(citation.document_id)
            pieces = (
                marked(passage.text, passage.start, [(citation.start, citation.end, Piece("", "cited"))])
                if passage
                else [Piece(citation.quote, "cited")]
            )
            citations.append({"citation": citation, "pieces": pieces, "source": source})
        previous, following = self._neighbours(note.id, params, self.reviewer(request))
        search = params.get("q", "").strip()
        found = self.workspace.search_evidence(search, claim.id, k=5) if search else []
        edit_text = kept.values.get("text", "") if kept and kept.form == "edit" else ""
        return self.render(
            request,
            "note.html",
            status_code,
            search=search,
            found=[(item, evidence_pieces(item)) for item in found],
            edit_text=edit_text or self.workspace.edit_text(note.id, self.reviewer(request))[0],
            edit_current=self.workspace.edit_text(note.id)[0] if kept and kept.ask == "both" else "",
            view=view,
            note=note,
            claim=claim,
            document=view.document,
            paragraph=paragraph,
            evidence=[(item, evidence_pieces(item)) for item in note.evidence],
            citations=citations,
            history=list(reversed(self.workspace.history(note.id))),
            previous=previous,
            following=following,
            query=self.query_of(params),
            query_pairs=[(k, params[k]) for k in FILTER_KEYS if params.get(k)],
            message=message,
            kept=kept or Kept(),
            undo_on=undo_on,
            reviewers=self.workspace.reviewers(),
        )

    async def note(self, request: Request) -> Response:
        params = dict(request.query_params)
        message, undo_on = self.done_message(params)
        return self.note_page(request, request.path_params["note_id"], params, message, undo_on=undo_on)

    async def act(self, request: Request) -> Response:
        """One review action from the note page; refused changes re-render the page with what was typed.
        Overriding another reviewer's decision, or saving over a change made while the editor looked, asks
        first (naming who and when, with both texts side by side)."""
        note_id, action = request.path_params["note_id"], request.path_params["action"]
        form: FormData = request.state.form
        values = {k: str(v) for k, v in form.items() if isinstance(v, str) and k != "csrf"}
        params = dict(parse_qsl(values.get("back", "")))
        reviewer = self.reviewer(request)
        if not reviewer:
            return RedirectResponse(f"/name?next=/notes/{note_id}", status_code=303)
        confirmed = values.get("confirm") == "1"
        note = self.workspace.note(note_id)
        # A confirmation (an override, "Save mine anyway") is tied to the version of the note it was asked on, as
        # every action is: a change made since it was asked refuses it.
        version = whole_number(values.get("version"), "version")
        _, following = self._neighbours(note.id, params, reviewer)
        handlers = self._handlers(note, values, reviewer, version, confirmed)
        if action not in handlers:
            return self.problem(request, f"unknown action {action!r}", 404)
        try:
            result = handlers[action]()
        except NeedsConfirmation as exc:
            return self.note_page(
                request, note.id, params, desk_words(str(exc)), 409, Kept(action, values, "confirm")
            )
        except ConflictError as exc:
            return self.note_page(
                request, note.id, params, desk_words(str(exc)), 409, Kept(action, values, "both")
            )
        except FactcheckError as exc:
            return self.note_page(request, note.id, params, desk_words(str(exc)), 400, Kept(action, values))
        done = (
            "signoff"
            if isinstance(result, Note) and action == "approve" and result.status != "approved"
            else action
        )
        reopened = isinstance(result, Note) and note.status == "approved" and result.status != "approved"
        report = urlencode(
            {
                **{k: params[k] for k in FILTER_KEYS if params.get(k)},
                "done": done,
                "on": note.id,
                **({"reopened": "1"} if reopened and action != "reject" else {}),
                **({"as": result.verdict.value} if isinstance(result, Note) and action == "approve" else {}),
            }
        )
        if action in ("approve", "reject"):  # as in the terminal: on to the next note
            target = f"/notes/{following}?{report}" if following and following != note.id else f"/?{report}"
            return RedirectResponse(target, status_code=303)
        return RedirectResponse(f"/notes/{note.id}?{report}#{action}", status_code=303)

    def _handlers(
        self, note: Note, values: dict[str, str], reviewer: str, version: int | None, confirmed: bool
    ) -> dict[str, Callable[[], object]]:
        """Each action of the note page as a call on the façade (run only when it is the one posted)."""
        return {
            "approve": lambda: self.workspace.approve(note.id, reviewer, version, confirmed),
            "reject": lambda: self.workspace.reject(
                note.id, reviewer, values.get("reason", ""), version, confirmed
            ),
            "undo": lambda: self.workspace.undo(note.id, reviewer),
            "verdict": lambda: self.workspace.set_verdict(
                note.id, values.get("verdict", ""), reviewer, values.get("reason", ""), version
            ),
            "cite": lambda: self.workspace.cite_evidence(
                note.id,
                whole_number(values.get("rank"), "rank", 0) or 0,
                whole_number(values.get("sentence"), "sentence"),
                reviewer,
                version,
            ),
            "cite-passage": lambda: self.workspace.add_citation(
                note.id, values.get("passage_id", ""), values.get("quote", ""), reviewer, version
            ),
            "edit": lambda: self.workspace.save_edit(note.id, values.get("text", ""), reviewer, version),
            "public": lambda: self.workspace.edit_public(
                note.id, values.get("claim_reviewed", ""), values.get("explanation", ""), reviewer, version
            ),
            "assign": lambda: self._assign(note, values, reviewer),
            "comment": lambda: self.workspace.comment(note.id, reviewer, values.get("comment", "")),
            "uncite": lambda: self.workspace.arrange_citations(
                note.id, _without(len(note.citations), values), reviewer, version
            ),
            "move": lambda: self.workspace.arrange_citations(
                note.id, _moved_up(len(note.citations), values), reviewer, version
            ),
        }

    def _assign(self, note: Note, values: dict[str, str], reviewer: str) -> list[Note]:
        assignee = reviewer if values.get("to") == "me" else values.get("assignee", "")
        if values.get("scope") == "article":
            claim = self.workspace.claim(note.claim_id)
            entries = self.workspace.queue_entries(
                self.workspace.queue_filter(article=claim.document_id, status="all")
            )
            return self.workspace.assign([e.note_id for e in entries], assignee, reviewer)
        return self.workspace.assign([note.id], assignee, reviewer)

    def done_message(self, params: dict[str, str]) -> tuple[str, str]:
        """The message after an action (from its code), and the note it can be undone on, if any."""
        done, on = params.get("done", ""), params.get("on", "")
        if done not in DONE:
            return "", ""
        shown = DONE[done]
        if params.get("as") in {v.value for v in Verdict} and done in ("approve", "signoff"):
            shown += f" Verdict: {params['as'].replace('_', ' ')}."
        shown = f"{shown} (note {on})" if on and done in UNDOABLE else shown
        shown += BACK_IN_REVIEW if params.get("reopened") == "1" else ""
        return shown, on if done in UNDOABLE and on else ""

    async def article(self, request: Request, message: str = "") -> Response:
        view = self.workspace.article_view(request.path_params["document_id"])
        spans = []
        for claim in view.claims:
            note = view.notes.get(claim.id)
            piece = Piece(
                "",
                "claim",
                link=f"/notes/{note.id}?status=all&article={view.document.id}" if note else "",
                status=note.status.value if note else "no note",
            )
            spans.append((claim.span.start, claim.span.end, piece))
        text = view.document.text
        paragraphs = []
        cursor = 0
        for line in text.split("\n"):
            if line.strip():
                inside = [s for s in spans if cursor <= s[0] and s[1] <= cursor + len(line)]
                paragraphs.append(marked(line, cursor, inside))
            cursor += len(line) + 1
        return self.render(
            request, "article.html", view=view, document=view.document, paragraphs=paragraphs, message=message
        )

    async def team_page(self, request: Request) -> Response:
        return self.refused(request, "accounts") or await self.accounts.team_page(request)

    async def team_change(self, request: Request) -> Response:
        return self.refused(request, "accounts") or await self.accounts.team_change(request)

    async def export(self, request: Request) -> Response:
        if refusal := self.refused(request, "export"):
            return refusal
        fmt = request.query_params.get("format", "")
        formats = self.workspace.export_formats()
        if fmt not in {f.name for f in formats}:
            return self.render(request, "export.html", message="", formats=formats)
        status = request.query_params.get("status", "approved")
        try:
            exported = self.workspace.export(fmt, self.workspace.queue_filter(status=status))
        except FactcheckError as exc:
            return self.render(request, "export.html", 400, message=str(exc), formats=formats)
        name, content = next(iter(exported.files.items()))
        return Response(
            content,
            media_type=exported.media_type,
            headers={"Content-Disposition": f'attachment; filename="{Path(name).name}"'},
        )

    async def name(self, request: Request) -> Response:
        if self.workspace.team.active():  # under accounts a name is the account's, never typed
            return RedirectResponse("/", status_code=303)
        target = local_path(request.query_params.get("next", "/"))
        if request.method == "GET":
            return self.render(request, "name.html", next=target, message="")
        form: FormData = request.state.form
        given = str(form.get("name") or "")
        name = one_line(given, MAX_NAME)
        target = local_path(str(form.get("next") or "/"))
        if not name or name != " ".join(given.split()):
            return self.render(
                request, "name.html", 400, next=target, message=f"give a name of 1 to {MAX_NAME} characters"
            )
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(REVIEWER_COOKIE, quote(name), max_age=3600 * 24 * 365, **cookie_options())
        return response


def create_app(
    workspace: Workspace,
    reviewer: str = "",
    token: str | None = None,
    host: str = "127.0.0.1",
    allowed: tuple[str, ...] = (),
) -> Starlette:
    """The desk over an open workspace, answering to the names of `host` (the address it binds) and `allowed`;
    the caller keeps the workspace open while the app serves."""
    desk = Desk(workspace, reviewer, token)
    guard = desk.guard
    intake = Intake(desk)
    routes = [
        Route("/", guard(desk.queue)),
        Route("/notes/{note_id}", guard(desk.note)),
        Route("/notes/{note_id}/{action}", guard(desk.act), methods=["POST"]),
        Route("/sources", guard(intake.sources)),
        Route("/sources", guard(intake.index), methods=["POST"]),
        Route("/articles/{document_id}", guard(desk.article)),
        Route("/articles/{document_id}/draft", guard(intake.draft_article), methods=["POST"]),
        Route("/export", guard(desk.export)),
        Route("/jobs", guard(intake.jobs_page)),
        Route("/jobs/{job_id}", guard(intake.job_page)),
        Route("/name", guard(desk.name), methods=["GET", "POST"]),
        Route("/bulk", guard(Bulk(desk).decide), methods=["POST"]),
        Route("/login", guard(desk.accounts.login), methods=["GET", "POST"]),
        Route("/logout", guard(desk.accounts.logout), methods=["POST"]),
        Route("/setup", guard(desk.accounts.setup), methods=["GET", "POST"]),
        Route("/team", guard(desk.team_page)),
        Route("/team", guard(desk.team_change), methods=["POST"]),
        Mount("/static", StaticFiles(packages=[("factcheck.web", "static")]), name="static"),
    ]
    gate = Middleware(DeskGate, allowed=allowed_hosts(host, allowed), bind_host=host)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        desk.jobs.stop()  # a job in progress finishes its current step; what it stored stays

    app = Starlette(routes=routes, middleware=[gate], lifespan=lifespan)
    app.state.desk = desk
    return app
