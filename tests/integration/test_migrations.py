"""A workspace made by release 0.1.0 (before migrations existed) opens and works with today's code."""

import shutil
import sqlite3

import pytest
from support.paths import DATA

from factcheck.models import NoteStatus, QueueFilter, Verdict
from factcheck.settings import load_settings
from factcheck.storage.migrations import MIGRATIONS
from factcheck.workspace import Workspace

FIXTURE = DATA / "workspace-0.1.0"


@pytest.fixture
def old_workspace(tmp_path):
    home = tmp_path / "old"
    shutil.copytree(FIXTURE, home, ignore=shutil.ignore_patterns("README.md"))
    with sqlite3.connect(home / "factcheck.db") as conn:  # the fixture really is pre-migration
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "_migrations" not in tables and "notes" in tables
    workspace = Workspace(load_settings(home=home))
    yield workspace
    workspace.close()


def test_an_old_workspace_is_migrated_and_keeps_everything(old_workspace):
    ws = old_workspace
    applied = [row[0] for row in ws.db.conn.execute("SELECT name FROM _migrations ORDER BY rowid")]
    assert applied == [name for name, _ in MIGRATIONS]
    assert len(ws.sources()) == 3
    notes = ws.queue(QueueFilter(status=None))
    assert len(notes) == 13
    approved = ws.note("nb1ab58163e4")
    assert approved.status == NoteStatus.approved and approved.verdict == Verdict.refuted
    assert [r.action for r in ws.history("nb1ab58163e4")] == ["approve"]
    rejected = ws.history("n2840e31b6f7")
    assert rejected[0].action == "reject" and rejected[0].reason == "opinion, not checkable"
    (run,) = ws.eval_runs()
    assert run.kind == "claims" and run.complete and ws.eval_run(run.id).items


def test_an_old_workspace_still_searches_drafts_reviews_and_exports(old_workspace, tmp_path):
    ws = old_workspace
    hits = ws.search("how many Russian troops are near the border", k=3)
    assert hits and any("130,000" in h.passage.text or "100,000" in h.passage.text for h in hits)
    view = ws.note_view("nb1ab58163e4")
    assert view.claim.text.startswith("about 100,000 Moscow troops") and view.note.citations
    ws.approve("n4391679ac3a", "carol")
    assert ws.note("n4391679ac3a").status == NoteStatus.approved
    export = ws.export("json")
    assert export.notes == 2
    article = tmp_path / "new.txt"
    article.write_text("Exports fell by 12 percent in March, the ministry said on Friday.\n")
    report = ws.draft(article=str(article), judge="evidence", threshold=0.0)
    assert report.drafted >= 1 and not report.errors


def test_opening_twice_does_not_migrate_twice(old_workspace):
    settings = old_workspace.settings
    old_workspace.close()
    with Workspace(settings) as again:
        rows = again.db.conn.execute("SELECT count(*) FROM _migrations").fetchone()[0]
    assert rows == len(MIGRATIONS)
