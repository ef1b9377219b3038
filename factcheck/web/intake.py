"""The desk's intake: adding sources (a path on the desk's machine, or uploads) and drafting an article's
notes, both as background jobs, and the pages that follow those jobs."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from factcheck.errors import InputError, NotFoundError
from factcheck.models import ProgressCallback
from factcheck.safety import word_cut
from factcheck.web.jobs import JobOutcome, Jobs
from factcheck.web.text import desk_words, whole_number
from factcheck.workspace import Workspace


class Desk(Protocol):
    """What the desk's page modules (intake, accounts, bulk actions) need of the desk (`factcheck.web.app.Desk`)."""

    workspace: Workspace
    jobs: Jobs

    def reviewer(self, request: Request) -> str: ...

    def refused(self, request: Request, permission: str) -> HTMLResponse | None: ...

    def render(self, request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse: ...


SHOWN_SOURCES = 200  # the newest sources listed; an article is found from the queue's search


class Intake:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    async def sources(self, request: Request) -> Response:
        return self.desk.render(
            request,
            "sources.html",
            sources=self.desk.workspace.sources(SHOWN_SOURCES),
            report=None,
            message="",
        )

    async def index(self, request: Request) -> Response:
        """Index files given by path under the desk's sources folders, or uploaded (kept under the workspace)."""
        if refusal := self.desk.refused(request, "sources"):
            return refusal
        form: FormData = request.state.form
        paths: list[Path] = []
        given = str(form.get("path") or "").strip()
        if given:
            try:
                paths.append(self.under_roots(given))
            except InputError as exc:
                return self._refused(request, str(exc))
        uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
        refused = await self._take(uploads, paths)
        if not paths:
            return self._refused(
                request, " ".join(refused) or "give a path on this machine, or choose files to upload"
            )
        notes = [desk_words(line) for line in refused]

        def index(workspace: Workspace, progress: ProgressCallback) -> JobOutcome:
            report = workspace.index(paths, progress=progress)
            errors = [*notes, *(desk_words(e) for e in report.errors)]
            line = (
                f"Indexed: {report.new} new, {report.updated} updated, {report.skipped} unchanged, "
                f"{report.passages} passages" + (f"; {len(errors)} not indexed." if errors else ".")
            )
            return JobOutcome(line, errors, report.new + report.updated + report.skipped)

        title = (
            "Index "
            + ", ".join(p.name for p in paths[:3])
            + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
        )
        job = self.desk.jobs.submit(title, self.desk.reviewer(request), index, link="/sources")
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    async def draft_article(self, request: Request) -> Response:
        """Find an article's claims (when not done yet) and draft a note for each check-worthy one, as a job."""
        if refusal := self.desk.refused(request, "draft"):
            return refusal
        document = self.desk.workspace.document(request.path_params["document_id"])

        def draft(workspace: Workspace, progress: ProgressCallback) -> JobOutcome:
            report = workspace.draft(article=document.id, progress=progress)
            line = (
                f"Drafted {report.drafted} notes ({report.skipped} already had one, {report.failed} failed)."
            )
            return JobOutcome(line, list(report.errors), report.drafted + report.skipped)

        job = self.desk.jobs.submit(
            f"Draft the notes of {word_cut(document.title or document.id, 60)}",
            self.desk.reviewer(request),
            draft,
            link=f"/articles/{document.id}",
        )
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    def _refused(self, request: Request, message: str) -> Response:
        """The sources page again, with why nothing was indexed."""
        sources = self.desk.workspace.sources(SHOWN_SOURCES)
        return self.desk.render(request, "sources.html", 400, sources=sources, report=None, message=message)

    async def _take(self, uploads: list[UploadFile], paths: list[Path]) -> list[str]:
        """Keep each upload under the workspace's uploads folder (its path added to `paths`); returns a line
        for each upload refused."""
        refused: list[str] = []
        folder = self.desk.workspace.settings.home / "uploads"
        limit_mb = self.desk.workspace.settings.ingest.max_file_mb
        for upload in uploads:
            folder.mkdir(parents=True, exist_ok=True)
            name = "".join(c for c in Path(upload.filename or "").name if c.isalnum() or c in "._- ")
            data = await upload.read(int(limit_mb * 1024 * 1024) + 1)
            if len(data) > limit_mb * 1024 * 1024:
                refused.append(
                    f"{name or 'upload'}: larger than {limit_mb:g} MB, the most this desk takes; split it, or "
                    "ask whoever runs the desk to raise the limit"
                )
                continue
            paths.append(_upload_target(folder, name.strip(". ") or "upload.txt", data))
        return refused

    def roots(self) -> list[Path]:
        """The folders the desk may index from: the configured ones, else the workspace's uploads folder."""
        settings = self.desk.workspace.settings
        named = [Path(r.strip()).expanduser() for r in settings.serve.sources_roots.split(",") if r.strip()]
        return [p.resolve() for p in named or [settings.home / "uploads"]]

    def under_roots(self, given: str) -> Path:
        """The path asked for, once it lies under a sources folder (links followed); else a refusal that shows
        no path of the server."""
        roots = self.roots()
        try:
            path = (roots[0] / Path(given).expanduser()).resolve() if roots else Path(given).resolve()
        except (OSError, RuntimeError, ValueError):
            path = None
        if path is None or not any(path == root or path.is_relative_to(root) for root in roots):
            raise InputError(
                "that folder is not one this desk may read from; upload the files instead, or ask whoever "
                "runs the desk to add its folder to the sources folders"
            )
        if not path.exists():
            raise InputError(
                "nothing by that name in the sources folders; check the name, or upload the files"
            )
        return path

    async def jobs_page(self, request: Request) -> Response:
        return self.desk.render(request, "jobs.html", jobs=self.desk.jobs.all(), job=None)

    async def job_page(self, request: Request) -> Response:
        job = self.desk.jobs.get(whole_number(request.path_params["job_id"], "job") or 0)
        if job is None:
            raise NotFoundError("no such job: it finished long ago or the desk restarted; see the jobs page")
        if request.query_params.get("format") == "json":
            return JSONResponse(job.as_dict())
        return self.desk.render(request, "jobs.html", jobs=self.desk.jobs.all(), job=job)


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
