"""The desk's pages and actions. Article text is untrusted: templates autoescape everything, links pass
`safe_url` (http and https only), and a Content-Security-Policy allows only the desk's own script and style.
State-changing requests come from the desk's own pages (Origin) and carry a CSRF token bound to a signed
session and, when the operator set one, the access token (see `security.py`); every save carries the version
of the note the editor saw, so two editors cannot overwrite each other."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

from jinja2 import Environment, PackageLoader
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.datastructures import FormData, UploadFile
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from factcheck.errors import ConflictError, FactcheckError, InputError, NotFoundError
from factcheck.models import (
    ClaimType,
    EvidenceItem,
    Note,
    NoteStatus,
    NoteView,
    QueueFilter,
    Verdict,
)
from factcheck.safety import has_bidi_controls, one_line, safe_url
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
from factcheck.workspace import Workspace

REVIEWER_COOKIE = "factcheck_reviewer"
FILTER_KEYS = ("article", "verdict", "type", "status", "reviewer")
PAGE_SIZE = 100
MAX_NAME = 60
EXPORT_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "claimreview": "application/ld+json",
    "markup": "application/json",
}


# Text split into pieces the templates render one by one (escaped), so a highlight never needs raw HTML.
@dataclass
class Piece:
    text: str
    mark: str = ""  # "", "claim", "best", "sentence", "cited"
    number: int = 0  # a sentence's number within its passage
    link: str = ""  # a note page, for claims on the article page
    status: str = ""


def _paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    """The paragraph (newline to newline) holding text[start:end]."""
    begin = text.rfind("\n", 0, start) + 1
    stop = text.find("\n", end)
    return begin, len(text) if stop == -1 else stop


def _marked(text: str, offset: int, spans: list[tuple[int, int, Piece]]) -> list[Piece]:
    """`text` (which starts at document offset `offset`) cut around non-overlapping spans (document offsets)."""
    pieces, cursor = [], 0
    for start, end, piece in sorted(spans, key=lambda s: s[0]):
        a, b = max(start - offset, 0), min(end - offset, len(text))
        if a < cursor or a >= b:
            continue  # overlaps the previous span, or lies outside the text
        if a > cursor:
            pieces.append(Piece(text[cursor:a]))
        piece.text = text[a:b]
        pieces.append(piece)
        cursor = b
    if cursor < len(text):
        pieces.append(Piece(text[cursor:]))
    return pieces


def evidence_pieces(item: EvidenceItem) -> list[Piece]:
    spans = [
        (s.start, s.end, Piece("", "best" if s.number in item.best else "sentence", s.number))
        for s in item.sentences
    ]
    return _marked(item.text, item.start, spans)


@dataclass
class Kept:
    """What an editor typed into a form that was refused: shown again, never lost."""

    form: str = ""
    values: dict[str, str] = field(default_factory=dict)


def isolated(value: object) -> object:
    """Text holding bidi controls ("Invoice \u202eexe.fdp" shows as "Invoice pdf.exe") in a <bdi> of its own, so
    the reordering cannot leak into the page around it, and marked so that a reviewer sees it is there."""
    if isinstance(value, str) and has_bidi_controls(value):
        return Markup(
            '<bdi dir="auto" class="bidi" title="contains characters that reverse the text">{}</bdi>'
        ).format(escape(value))
    return value


def whole_number(value: str | None, name: str, default: int | None = None) -> int | None:
    """A form or query parameter that must be a small whole number; anything else is a 400 that says so."""
    text = (value or "").strip()
    if not text:
        return default
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        raise InputError(f"{name} must be a whole number, not {text[:20]!r}; go back and reload the page")
    return int(text)


class Desk:
    def __init__(self, workspace: Workspace, reviewer: str = "", token: str | None = None) -> None:
        check_token(token)
        self.workspace = workspace
        self.default_reviewer = one_line(reviewer, MAX_NAME)
        self.token = token.strip() if token and token.strip() else None
        self.sessions = Sessions()
        self.templates = Environment(
            loader=PackageLoader("factcheck.web", "templates"), autoescape=True, trim_blocks=True
        )
        self.templates.filters["safe_url"] = safe_url
        self.templates.filters["bdi"] = isolated
        self.templates.globals.update(
            verdicts=[v.value for v in Verdict],
            statuses=[s.value for s in NoteStatus],
            types=[t.value for t in ClaimType],
            label=lambda value: str(value or "").replace("_", " "),
        )

    # plumbing -------------------------------------------------------------------------------------
    def reviewer(self, request: Request) -> str:
        """The name the browser gave (one printable line; anything else counts as no name), or the default."""
        sent = unquote(request.cookies.get(REVIEWER_COOKIE, ""))
        name = one_line(sent, MAX_NAME)
        return name if name and name == " ".join(sent.split()) else self.default_reviewer

    def render(self, request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        page = self.templates.get_template(name).render(
            csrf=request.state.csrf,
            reviewer=self.reviewer(request),
            path=request.url.path,
            **context,
        )
        return HTMLResponse(page, status_code=status_code)

    def problem(self, request: Request, message: str, status_code: int) -> HTMLResponse:
        return self.render(request, "problem.html", status_code, message=message)

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

    def filters_of(self, params: dict[str, str]) -> QueueFilter:
        return self.workspace.queue_filter(
            article=params.get("article") or None,
            verdict=params.get("verdict") or None,
            claim_type=params.get("type") or None,
            status=params.get("status") or "draft",
            reviewer=params.get("reviewer") or None,
        )

    @staticmethod
    def query_of(params: dict[str, str]) -> str:
        """The queue filters as a query string, only known keys (also used to rebuild redirects safely)."""
        return urlencode({k: params[k] for k in FILTER_KEYS if params.get(k)})

    # pages ----------------------------------------------------------------------------------------
    async def queue(self, request: Request) -> Response:
        params = dict(request.query_params)
        params.setdefault("status", "draft")
        filters = self.filters_of(params)
        counts = {status.value: n for status, n in self.workspace.queue_counts(filters).items()}
        ids = self.workspace.queue_ids(filters)
        page = max(whole_number(params.get("page"), "page", 1) or 1, 1)
        shown = self.workspace.queue_entries(filters, (page - 1) * PAGE_SIZE, PAGE_SIZE)
        titles = {d.id: d.title or d.path for d in self.workspace.sources()}
        return self.render(
            request,
            "queue.html",
            entries=shown,
            total=len(ids),
            counts=counts,
            everything=sum(counts.values()),
            page=page,
            pages=max((len(ids) + PAGE_SIZE - 1) // PAGE_SIZE, 1),
            params=params,
            query=self.query_of(params),
            titles=titles,
        )

    def _neighbours(self, note_id: str, params: dict[str, str]) -> tuple[str | None, str | None]:
        ids = self.workspace.queue_ids(self.filters_of(params))
        if note_id not in ids:
            return None, ids[0] if ids else None
        at = ids.index(note_id)
        return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)

    def note_page(
        self,
        request: Request,
        note_id: str,
        params: dict[str, str],
        message: str = "",
        status_code: int = 200,
        kept: Kept | None = None,
    ) -> HTMLResponse:
        view: NoteView = self.workspace.note_view(note_id)
        note, claim = view.note, view.claim
        document = self.workspace.document(claim.document_id)
        begin, end = _paragraph(document.text, claim.span.start, claim.span.end)
        paragraph = _marked(
            document.text[begin:end], begin, [(claim.span.start, claim.span.end, Piece("", "claim"))]
        )
        citations = []
        for citation in note.citations:
            passage = view.passages.get(citation.passage_id)
            source = view.cited_documents.get(citation.document_id)
            pieces = (
                _marked(passage.text, passage.start, [(citation.start, citation.end, Piece("", "cited"))])
                if passage
                else [Piece(citation.quote, "cited")]
            )
            citations.append({"citation": citation, "pieces": pieces, "source": source})
        previous, following = self._neighbours(note.id, params)
        search = params.get("q", "").strip()
        found = self.workspace.search_evidence(search, claim.id, k=5) if search else []
        edit_text = kept.values.get("text", "") if kept and kept.form == "edit" else ""
        return self.render(
            request,
            "note.html",
            status_code,
            search=search,
            found=[(item, evidence_pieces(item)) for item in found],
            edit_text=edit_text or self.workspace.edit_text(note.id)[0],
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
        )

    async def note(self, request: Request) -> Response:
        return self.note_page(request, request.path_params["note_id"], dict(request.query_params))

    async def act(self, request: Request) -> Response:
        """One review action from the note page; refused changes re-render the page with what was typed."""
        note_id, action = request.path_params["note_id"], request.path_params["action"]
        form: FormData = request.state.form
        values = {k: str(v) for k, v in form.items() if isinstance(v, str) and k != "csrf"}
        params = dict(parse_qsl(values.get("back", "")))
        query = self.query_of(params)
        reviewer = self.reviewer(request)
        if not reviewer:
            return RedirectResponse(f"/name?next=/notes/{note_id}", status_code=303)
        version = whole_number(values.get("version"), "version")
        note = self.workspace.note(note_id)
        _, following = self._neighbours(note.id, params)
        handlers: dict[str, Callable[[], Note]] = {
            "approve": lambda: self.workspace.approve(note.id, reviewer, version),
            "reject": lambda: self.workspace.reject(note.id, reviewer, values.get("reason", ""), version),
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
        }
        if action not in handlers:
            return self.problem(request, f"unknown action {action!r}", 404)
        try:
            handlers[action]()
        except ConflictError as exc:
            return self.note_page(request, note.id, params, str(exc), 409, Kept(action, values))
        except FactcheckError as exc:
            return self.note_page(request, note.id, params, str(exc), 400, Kept(action, values))
        suffix = f"?{query}" if query else ""
        if action in ("approve", "reject"):  # as in the terminal: on to the next note
            target = f"/notes/{following}{suffix}" if following and following != note.id else f"/{suffix}"
            return RedirectResponse(target, status_code=303)
        return RedirectResponse(f"/notes/{note.id}{suffix}#{action}", status_code=303)

    async def sources(self, request: Request) -> Response:
        return self.render(request, "sources.html", sources=self.workspace.sources(), report=None, message="")

    async def index(self, request: Request) -> Response:
        """Index files given by path on the desk's machine, or uploaded (kept under the workspace)."""
        form: FormData = request.state.form
        paths: list[Path] = []
        given = str(form.get("path") or "").strip()
        if given:
            paths.append(Path(given).expanduser())
        uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
        refused: list[str] = []
        if uploads:
            folder = self.workspace.settings.home / "uploads"
            folder.mkdir(parents=True, exist_ok=True)
            limit_mb = self.workspace.settings.ingest.max_file_mb
            for upload in uploads:
                name = "".join(c for c in Path(upload.filename or "").name if c.isalnum() or c in "._- ")
                data = await upload.read(int(limit_mb * 1024 * 1024) + 1)
                if len(data) > limit_mb * 1024 * 1024:
                    refused.append(
                        f"{name or 'upload'}: larger than {limit_mb:g} MB, not uploaded "
                        "(raise FACTCHECK_INGEST__MAX_FILE_MB, or index it by path)"
                    )
                    continue
                paths.append(_upload_target(folder, name.strip(". ") or "upload.txt", data))
        if not paths:
            return self.render(
                request,
                "sources.html",
                400,
                sources=self.workspace.sources(),
                report=None,
                message=" ".join(refused) or "give a path on this machine, or choose files to upload",
            )
        try:
            report = self.workspace.index(paths)
        except FactcheckError as exc:
            return self.render(
                request, "sources.html", 400, sources=self.workspace.sources(), report=None, message=str(exc)
            )
        return self.render(
            request,
            "sources.html",
            sources=self.workspace.sources(),
            report=report,
            message=" ".join(refused),
        )

    async def draft_article(self, request: Request) -> Response:
        """Find an article's claims (when not done yet) and draft a note for each check-worthy one."""
        document_id = request.path_params["document_id"]
        report = self.workspace.draft(article=document_id)
        message = (
            f"Drafted {report.drafted} notes ({report.skipped} already had one, {report.failed} failed)."
        )
        if report.errors:
            message += f" {len(report.errors)} not drafted: {report.errors[0]}"
        return await self.article(request, message)

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
                paragraphs.append(_marked(line, cursor, inside))
            cursor += len(line) + 1
        return self.render(
            request, "article.html", view=view, document=view.document, paragraphs=paragraphs, message=message
        )

    async def export(self, request: Request) -> Response:
        fmt = request.query_params.get("format", "")
        if fmt not in EXPORT_TYPES:
            return self.render(request, "export.html", message="")
        status = request.query_params.get("status", "approved")
        try:
            exported = self.workspace.export(fmt, self.workspace.queue_filter(status=status))
        except FactcheckError as exc:
            return self.render(request, "export.html", 400, message=str(exc))
        name, content = next(iter(exported.files.items()))
        return Response(
            content,
            media_type=EXPORT_TYPES[fmt],
            headers={"Content-Disposition": f'attachment; filename="{Path(name).name}"'},
        )

    async def name(self, request: Request) -> Response:
        target = _local_path(request.query_params.get("next", "/"))
        if request.method == "GET":
            return self.render(request, "name.html", next=target, message="")
        form: FormData = request.state.form
        given = str(form.get("name") or "")
        name = one_line(given, MAX_NAME)
        target = _local_path(str(form.get("next") or "/"))
        if not name or name != " ".join(given.split()):
            return self.render(
                request, "name.html", 400, next=target, message=f"give a name of 1 to {MAX_NAME} characters"
            )
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(REVIEWER_COOKIE, quote(name), max_age=3600 * 24 * 365, **cookie_options())
        return response


def _upload_target(folder: Path, name: str, data: bytes) -> Path:
    """Where an upload is kept: its own name, unless a different file already has it; then name-2, name-3...
    The same content under the same name lands on the same file (the indexer then says "unchanged")."""
    stem, suffix = Path(name).stem or "upload", Path(name).suffix
    for number in range(1, 10_000):
        target = folder / (name if number == 1 else f"{stem}-{number}{suffix}")
        if not target.exists():
            target.write_bytes(data)
            return target
        if target.is_file() and target.read_bytes() == data:
            return target
    raise InputError(f"too many uploads named {name!r}; rename the file and upload it again")


def _local_path(target: str) -> str:
    """Only paths on this desk: never another site (an open redirect)."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


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
    routes = [
        Route("/", guard(desk.queue)),
        Route("/notes/{note_id}", guard(desk.note)),
        Route("/notes/{note_id}/{action}", guard(desk.act), methods=["POST"]),
        Route("/sources", guard(desk.sources)),
        Route("/sources", guard(desk.index), methods=["POST"]),
        Route("/articles/{document_id}", guard(desk.article)),
        Route("/articles/{document_id}/draft", guard(desk.draft_article), methods=["POST"]),
        Route("/export", guard(desk.export)),
        Route("/name", guard(desk.name), methods=["GET", "POST"]),
        Mount("/static", StaticFiles(packages=[("factcheck.web", "static")]), name="static"),
    ]
    gate = Middleware(DeskGate, allowed=allowed_hosts(host, allowed), bind_host=host)
    app = Starlette(routes=routes, middleware=[gate])
    app.state.desk = desk
    return app
