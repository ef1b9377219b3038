"""Long desk work (indexing, finding claims, drafting) as background jobs: one at a time, in a thread of its own
with a workspace of its own, so every other page keeps answering while it runs. Each job reports its progress
(done of total, the current item) for the jobs page; a failure is one line on that page."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from queue import Queue

from factcheck.errors import FactcheckError
from factcheck.models import ProgressCallback
from factcheck.settings import Settings
from factcheck.web.text import desk_words
from factcheck.workspace import Workspace

KEPT = 50  # finished jobs listed
SHOWN_ERRORS = 20  # errors listed before the rest fold away


@dataclass
class JobOutcome:
    """What a job did: one line, every error (one per item that failed, in plain words), and how many items
    succeeded: none succeeded while some failed means the job failed."""

    summary: str
    errors: list[str] = field(default_factory=list)
    succeeded: int = 1


JobWork = Callable[[Workspace, ProgressCallback], JobOutcome]


@dataclass
class Job:
    id: int
    title: str
    started_by: str
    status: str = "queued"  # queued, running, done, failed
    done: int = 0
    total: int = 0
    item: str = ""
    result: str = ""
    errors: list[str] = field(default_factory=list)
    link: str = ""  # where to go when it is done
    queued_at: float = field(default_factory=time.time)
    finished_at: float | None = None

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else (100 if self.status == "done" else 0)

    @property
    def shown_status(self) -> str:
        """The status in words: a job that finished with some errors says how many."""
        if self.status == "done" and self.errors:
            return f"finished with {len(self.errors)} error{'s' if len(self.errors) > 1 else ''}"
        return self.status

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "shown_status": self.shown_status,
            "errors": self.errors,
            "done": self.done,
            "total": self.total,
            "percent": self.percent,
            "item": self.item,
            "result": self.result,
            "link": self.link,
        }


class Jobs:
    """A queue of desk jobs run one after another by one worker thread."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._jobs: dict[int, Job] = {}
        self._work: Queue[tuple[Job, JobWork] | None] = Queue()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None

    def submit(self, title: str, started_by: str, work: JobWork, link: str = "") -> Job:
        job = Job(next(self._ids), title, started_by, link=link)
        with self._lock:
            self._jobs[job.id] = job
            finished = [j for j in self._jobs.values() if j.status in ("done", "failed")]
            for old in sorted(finished, key=lambda j: j.id)[:-KEPT]:
                del self._jobs[old.id]
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._run, name="factcheck-desk-jobs", daemon=True)
                self._worker.start()
        self._work.put((job, work))
        return job

    def get(self, job_id: int) -> Job | None:
        return self._jobs.get(job_id)

    def all(self) -> list[Job]:
        return sorted(self._jobs.values(), key=lambda j: -j.id)

    def busy(self) -> bool:
        return any(j.status in ("queued", "running") for j in self._jobs.values())

    def stop(self, timeout_s: float = 30.0) -> None:
        self._work.put(None)
        if self._worker is not None:
            self._worker.join(timeout_s)

    def _run(self) -> None:
        workspace: Workspace | None = None
        try:
            while (entry := self._work.get()) is not None:
                job, work = entry
                job.status = "running"

                def progress(done: int, total: int, item: str, job: Job = job) -> None:
                    job.done, job.total, job.item = done, total, item[:80]

                try:
                    workspace = workspace or Workspace(self.settings)
                    outcome = work(workspace, progress)
                    job.result, job.errors = outcome.summary, [desk_words(e) for e in outcome.errors]
                    job.status = "failed" if outcome.errors and not outcome.succeeded else "done"
                except FactcheckError as exc:
                    job.result, job.status = desk_words(str(exc)), "failed"
                except Exception as exc:  # a bug in a job: the desk goes on, the page says so
                    job.result = (
                        f"the job stopped on an unexpected {type(exc).__name__}; nothing after its last step "
                        "was saved"
                    )
                    job.status = "failed"
                job.finished_at = time.time()
        finally:
            if workspace is not None:
                workspace.close()
