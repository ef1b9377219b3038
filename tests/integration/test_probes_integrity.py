"""Reliability probes of 2026-11-24: concurrency and integrity. Approvals are never lost, citations stay
true or the note says it is stale, edits to an article keep reviewed work. Test names carry the probe's number."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from support.fakes import drafter
from support.paths import DATA, SEED_A
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.drafting.judges import EvidenceJudge
from factcheck.errors import ConflictError, InputError
from factcheck.models import NoteStatus, QueueFilter
from factcheck.review import actions
from factcheck.workspace import Workspace

runner = CliRunner()
CLI = [sys.executable, "-c", "from factcheck.cli import main; main()"]


@pytest.fixture
def drafted(workspace, corpus):
    shutil.copytree(DATA / "evidence", corpus / "evidence")
    workspace.index([corpus])
    claims = [c for c in workspace.claims(str(corpus / SEED_A.name)) if c.checkworthiness >= 0.5]
    drafter(workspace, EvidenceJudge()).draft_all(claims)
    return workspace


def _cited(workspace):
    """A drafted note whose first citation is of an evidence file (not of an example article)."""
    return next(
        i.note
        for i in workspace.queue(QueueFilter(status=None))
        if i.note.citations
        and os.path.basename(workspace.db.document(i.note.citations[0].document_id).path)
        in {p.name for p in (DATA / "evidence").iterdir()}
    )


def test_probe_46_retrieval_while_an_index_commits_new_documents(drafted, corpus, settings):
    drafted.retriever.headers()  # the header cache is read before the other process commits
    (corpus / "new.md").write_text("---\ntitle: Zeppelin\n---\nThe zeppelin museum said 41 airships flew.\n")
    with Workspace(settings) as other:
        other.index([corpus / "new.md"])
    hits = drafted.search("zeppelin museum airships", k=3)
    assert hits and hits[0].title == "Zeppelin"


def test_probe_47_two_draft_processes_on_one_workspace_both_finish(drafted, corpus):
    env = {**os.environ, "FACTCHECK_HOME": str(drafted.settings.home)}
    command = [*CLI, "draft", "--judge", "evidence", "--redo", "--all", "--workers", "2"]
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outputs = [p.communicate(timeout=300) for p in (first, second)]
    for process, (_, err) in zip((first, second), outputs, strict=True):
        assert process.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err


def test_probe_48_a_redraft_never_overwrites_a_decision_made_meanwhile(drafted):
    note = _cited(drafted)
    stale_draft = note.model_copy(update={"rationale": "redrafted"})
    drafted.approve(note.id, "ann", confirm=True)  # the reviewer decides while the draft is being made
    assert drafted.db.save_note(stale_draft) is False
    assert drafted.note(note.id).status == NoteStatus.approved


def test_probe_48_redo_running_while_an_editor_approves_loses_no_approval(drafted):
    env = {**os.environ, "FACTCHECK_HOME": str(drafted.settings.home)}
    ids = [i.note.id for i in drafted.queue(QueueFilter(status=None))]
    redo = subprocess.Popen(
        [*CLI, "draft", "--judge", "evidence", "--redo", "--all", "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    approved = []
    for note_id in ids:
        result = subprocess.run(
            [*CLI, "notes", "approve", note_id, "--yes", "--reviewer", "x"],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode == 0:
            approved.append(note_id)
        else:  # a conflict is refused with one line, never lost silently
            assert "changed since it was opened" in result.stderr
    _, err = redo.communicate(timeout=300)
    assert redo.returncode == 0, err
    with Workspace(drafted.settings) as fresh:
        for note_id in approved:
            assert fresh.note(note_id).status == NoteStatus.approved
            assert [r.action for r in fresh.history(note_id)][-1] == "approve"


def test_a_change_based_on_an_old_version_is_refused(drafted):
    note = _cited(drafted)
    drafted.approve(note.id, "ann", confirm=True)
    with pytest.raises(ConflictError, match="changed since it was opened"):
        actions.Reviewing(drafted.db)._record(
            note, note.model_copy(update={"status": NoteStatus.rejected}), "bob", "reject"
        )
    assert drafted.note(note.id).status == NoteStatus.approved


def test_probe_73_a_trivial_quote_cannot_ground_a_note(drafted):
    note = _cited(drafted)
    passage = note.citations[0].passage_id
    for quote in ("e", "the", "Yes."):
        with pytest.raises(InputError, match="carries no content"):
            drafted.add_citation(note.id, passage, quote, "ann")


def test_probe_74_a_corrected_source_makes_its_notes_stale_until_reapproved(drafted, corpus, tmp_path):
    note = _cited(drafted)
    drafted.approve(note.id, "ann", confirm=True)
    source = drafted.db.document(note.citations[0].document_id)
    path = corpus / "evidence" / os.path.basename(source.path)
    quote = note.citations[0].quote
    corrected = quote.replace(" ", " (corrected) ", 1)
    path.write_text(path.read_text().replace(quote, corrected).replace("130,000", "140,000"))
    report = drafted.index([corpus])
    assert note.id in report.stale
    stale = drafted.note_view(note.id)
    assert stale.note.status == NoteStatus.stale and "a cited source changed" in stale.stale_reason
    assert drafted.history(note.id)[-1].action == "stale"
    with pytest.raises(InputError, match=f"note {note.id} left out: it is stale"):
        drafted.export("json")  # the only approved note is stale: nothing to export, and it says why
    with pytest.raises(InputError, match="cannot be approved"):
        drafted.approve(note.id, "ann")
    shown = runner.invoke(app, ["notes", "show", note.id])
    assert "stale:" in shown.stdout


def test_probe_75_removing_a_cited_source_is_refused_then_marks_notes_stale(drafted):
    note = _cited(drafted)
    drafted.approve(note.id, "ann", confirm=True)
    document_id = note.citations[0].document_id
    refused = runner.invoke(app, ["sources", "remove", document_id])
    assert (
        refused.exit_code == 3
        and "approved note(s) depend on" in refused.stderr
        and "--force" in refused.stderr
    )
    forced = runner.invoke(app, ["sources", "remove", document_id, "--force"])
    assert forced.exit_code == 0
    with Workspace(drafted.settings) as fresh:
        assert fresh.note(note.id).status == NoteStatus.stale
        assert [r.action for r in fresh.history(note.id)] == ["approve", "stale"]  # history kept


def test_probe_76_an_edited_article_keeps_its_reviewed_notes(drafted, corpus):
    item = next(i for i in drafted.queue(QueueFilter(status=None)) if "100,000" in i.claim.text)
    drafted.reject(item.note.id, "ann", "keep this decision")
    article = corpus / SEED_A.name
    article.write_text("Editor's note: updated.\n" + article.read_text())
    drafted.index([corpus])
    moved = drafted.claim(item.claim.id)
    assert moved.anchor == "moved" and moved.span.start > item.claim.span.start
    document = drafted.db.document(moved.document_id)
    assert document.text[moved.span.start : moved.span.end] == moved.text
    assert drafted.note(item.note.id).status == NoteStatus.rejected
    assert drafted.claims(str(article))  # re-detection keeps the id of the re-anchored claim
    assert item.claim.id in {c.id for c in drafted.claims(str(article))}
    draft = next(i for i in drafted.queue() if i.note.status == NoteStatus.draft)
    article.write_text(article.read_text().replace(draft.claim.text, "something else entirely"))
    report = drafted.index([corpus])
    assert draft.note.id in report.stale and drafted.claim(draft.claim.id).anchor == "lost"
    assert "no longer in its article" in drafted.note_view(draft.note.id).stale_reason


def test_json_export_carries_each_notes_evidence(drafted, tmp_path):
    drafted.approve(_cited(drafted).id, "ann", confirm=True)
    records = json.loads(next(iter(drafted.export("json").files.values())))
    assert records and all(r["note"]["evidence"] for r in records)
    assert {"rank", "text", "sentences", "best", "about_claim"} <= set(records[0]["note"]["evidence"][0])


# 2026-12-06 ----------------------------------------------------------------------------------------------


def test_probe_47_each_thread_has_its_own_connection_and_transaction(workspace):
    """The cause of #47 and N62: drafting workers shared one SQLite connection, so one thread's statement ran
    inside another's transaction. Now a write transaction held open by one thread is invisible to another,
    which neither sees its uncommitted rows nor disturbs its COMMIT."""
    import threading

    db = workspace.db
    inside, release, seen = threading.Event(), threading.Event(), {}

    def writer():
        with db._write() as conn:
            conn.execute("INSERT INTO meta VALUES ('probe', 1)")
            inside.set()
            release.wait(10)

    def reader():
        seen["connection"] = db.conn
        seen["rows"] = db.conn.execute("SELECT count(*) FROM meta WHERE key='probe'").fetchone()[0]

    thread = threading.Thread(target=writer)
    thread.start()
    assert inside.wait(10)
    other = threading.Thread(target=reader)
    other.start()
    other.join(10)
    release.set()
    thread.join(10)
    assert seen["connection"] is not db.conn and seen["rows"] == 0  # not inside the writer's transaction
    assert db.conn.execute("SELECT value FROM meta WHERE key='probe'").fetchone()[0] == 1  # committed


def test_probe_62_sources_removed_while_drafting_are_skipped_and_leave_no_orphan_notes(workspace, corpus):
    """`sources remove --force` of articles while a draft runs: the draft finishes, their claims are skipped,
    and no note is stored without its claim (a note drafted before the removal is marked stale by it, as any
    note on a removed article is)."""
    from factcheck.drafting.judges import Judgement

    shutil.copytree(DATA / "evidence", corpus / "evidence")
    workspace.index([corpus])
    claims = [c for path in sorted(corpus.glob("*.txt")) for c in workspace.claims(str(path))]
    removed_document = claims[-1].document_id
    inner, removed = EvidenceJudge(), []

    class RemovingJudge:
        name, model, prompt_name, prompt_hash, refiner = "evidence", "", "", "", None

        def judge(self, claim, evidence, checks, citations) -> Judgement:
            if not removed:  # another command removes an article while this run drafts
                removed.append(True)
                with Workspace(workspace.settings) as other:
                    other.remove(removed_document, force=True)
            return inner.judge(claim, evidence, checks, citations)

    report = drafter(workspace, RemovingJudge()).draft_all(claims, workers=2)
    # claims of the removed article drafted before the removal lost their notes with it; the rest were skipped
    assert not report.errors and report.removed > 0 and report.drafted + report.removed == len(claims)
    kept = [c for c in claims if c.document_id != removed_document]
    assert all(workspace.db.note_for_claim(c.id) for c in kept)
    orphans = workspace.db.conn.execute(
        "SELECT status FROM notes WHERE claim_id NOT IN (SELECT id FROM claims)"
    ).fetchall()
    assert all(status == "stale" for (status,) in orphans)


def test_probe_n57_a_full_disk_is_one_line_naming_the_disk_and_the_room_needed(workspace, monkeypatch):
    import sqlite3

    from factcheck.errors import StoreError

    db = workspace.db

    class FullConnection:
        def __init__(self, real):
            self.real = real
            self.in_transaction = False

        def execute(self, sql, *args):
            if sql.startswith("INSERT"):
                raise sqlite3.OperationalError("database or disk is full")
            if sql == "BEGIN IMMEDIATE":
                self.in_transaction = True
            if sql in ("COMMIT", "ROLLBACK"):
                self.in_transaction = False
            return self.real.execute(sql, *args)

    full = FullConnection(db.conn)
    monkeypatch.setattr(type(db), "conn", property(lambda self: full))
    with pytest.raises(StoreError) as raised:
        db.set_review_position("ann", "n1")
    message = str(raised.value)
    assert f"the disk holding {db.path.parent} is full" in message and "free at least 64 MB" in message
    assert "\n" not in message


def test_probe_n59_a_workspace_from_a_newer_factcheck_says_so_in_one_line(workspace, settings):
    workspace.db.conn.execute("INSERT INTO _migrations VALUES ('m999_from_the_future', '2027-01-01')")
    workspace.db.conn.execute("UPDATE workspace_info SET value='9.1.0' WHERE key='schema_written_by'")
    workspace.close()
    result = runner.invoke(app, ["notes", "list"])
    assert result.exit_code == 4
    assert (
        "made by a newer factcheck (version 9.1.0)" in result.stderr and "upgrade factcheck" in result.stderr
    )
    assert "unexpected" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_probe_n59_a_note_this_version_cannot_read_is_one_line(drafted):
    note = drafted.queue_entries()[0].note_id
    data = json.loads(drafted.db.conn.execute("SELECT data FROM notes WHERE id=?", (note,)).fetchone()[0])
    data["verdict"], data["added_later"] = "mostly_true", 1
    drafted.db.conn.execute(
        "UPDATE notes SET data=?, verdict='mostly_true' WHERE id=?", (json.dumps(data), note)
    )
    for command in (["notes", "list"], ["notes", "show", note], ["notes", "export", "--status", "all"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 4, result.output
        assert f"note {note} in the workspace cannot be read" in result.stderr
        assert "newer factcheck" in result.stderr and "unexpected" not in result.stderr


def test_probe_n60_a_damaged_database_is_one_line_and_doctor_fails(drafted):
    drafted.close()  # the last connection checkpoints the write-ahead log into the file
    path = drafted.settings.db_path
    data = bytearray(path.read_bytes())
    page = 4096
    data[page:] = b"\xff" * (len(data) - page)  # every page but the first (the schema) overwritten
    path.write_bytes(bytes(data))
    listed = runner.invoke(app, ["notes", "list"])
    assert listed.exit_code != 0 and "unexpected" not in listed.stderr and "Traceback" not in listed.output
    doctor = runner.invoke(app, ["doctor"])
    assert doctor.exit_code == 1 and "FAIL  database" in doctor.output and "damaged" in doctor.output
    path.write_bytes(os.urandom(8192))
    random = runner.invoke(app, ["notes", "list"])
    assert random.exit_code == 4 and "is damaged" in random.stderr and "writable" not in random.stderr


def test_r43_an_unknown_migration_from_the_same_version_does_not_claim_a_newer_one(workspace):
    workspace.db.conn.execute("INSERT INTO _migrations VALUES ('m999_from_a_branch', '2027-01-01')")
    workspace.close()
    result = runner.invoke(app, ["notes", "list"])
    assert result.exit_code == 4 and "unknown migration 'm999_from_a_branch'" in result.stderr
    assert "newer factcheck" not in result.stderr and "does not have" in result.stderr
