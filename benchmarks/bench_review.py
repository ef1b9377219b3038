"""Review and export at scale. Run: `.venv/bin/python benchmarks/bench_review.py [--notes 500]`.

Builds a workspace with N drafted notes (synthetic articles, evidence judge), then times opening the
review queue, rendering one note, and exporting every format.
"""

from __future__ import annotations

import argparse
import io
import platform
import tempfile
import time
from datetime import date
from pathlib import Path

from rich.console import Console

from factcheck.cli.render import render_note
from factcheck.drafting.draft import Drafter
from factcheck.drafting.judges import EvidenceJudge
from factcheck.models import QueueFilter
from factcheck.retrieval.fusion import RetrievalSettings
from factcheck.review import actions as review
from factcheck.review import export
from factcheck.settings import PublisherSettings, load_settings
from factcheck.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent


def build(folder: Path, notes: int) -> Workspace:
    corpus = folder / "corpus"
    corpus.mkdir()
    seed = (ROOT / "examples" / "articles" / "000_74ff7ea8ffdc7416.txt").read_text(encoding="utf-8")
    workspace = Workspace(load_settings(home=folder / "home"))
    count = 0
    while True:
        (corpus / f"article{count:04d}.txt").write_text(
            seed.replace("100,000", f"{1000 + count:,}"), encoding="utf-8"
        )
        count += 1
        if count * 12 >= notes:
            break
    workspace.index([corpus])
    claims = [c for path in sorted(corpus.glob("*.txt")) for c in workspace.claims(str(path))][:notes]
    Drafter(workspace.db, workspace.retriever, EvidenceJudge(), RetrievalSettings(k=4)).draft_all(
        claims, workers=2
    )
    return workspace


def timed(label: str, action, rows: list) -> object:
    started = time.perf_counter()
    result = action()
    rows.append((label, time.perf_counter() - started))
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=500)
    args = parser.parse_args()
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        workspace = build(Path(tmp), args.notes)
        db = workspace.db
        items = timed("open the review queue", lambda: review.Reviewing(db).queue(), rows)
        sink = Console(file=io.StringIO(), width=120)
        timed("render one note", lambda: render_note(sink, workspace.note_view(items[0].note.id)), rows)
        for item in items:
            review.Reviewing(db).approve(item.note.id, "bench")
        notes = [i.note for i in review.Reviewing(db).queue(QueueFilter(status=None))]
        gathered = timed("gather notes for export", lambda: export.gather(db, notes)[0], rows)
        timed("export Markdown", lambda: export.to_markdown(gathered), rows)
        timed("export HTML report", lambda: export.to_html(gathered), rows)
        timed("export JSON", lambda: export.to_json(gathered), rows)
        timed(
            "export ClaimReview",
            lambda: export.to_claimreview(
                gathered, PublisherSettings(name="bench", url="https://bench.example.org")
            ),
            rows,
        )
        workspace.close()
    print(
        f"factcheck review/export benchmark, {date.today()}, {platform.machine()}, Python "
        f"{platform.python_version()}, "
        f"{len(items)} notes"
    )
    for label, seconds in rows:
        print(f"{label:<28}{seconds * 1000:>10.1f} ms")


if __name__ == "__main__":
    main()
