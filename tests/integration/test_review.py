import json
import shutil
import sys

import pytest
from fakes import drafter
from paths import DATA, SEED_A
from reviewing import FAKE_EDITOR, edit_yaml, wire_passage
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.drafting.judges import EvidenceJudge
from factcheck.errors import InputError
from factcheck.models import NoteStatus, Verdict
from factcheck.retrieval.fusion import RetrievalSettings
from factcheck.review import actions as review


@pytest.fixture
def drafted(workspace, corpus):
    shutil.copytree(DATA / "evidence", corpus / "evidence")
    workspace.index([corpus])
    claims = workspace.claims(str(corpus / SEED_A.name))
    shown = [c for c in claims if c.checkworthiness >= 0.5]
    drafter(workspace, EvidenceJudge(), RetrievalSettings(k=6)).draft_all(shown)
    return workspace


@pytest.fixture
def editor(tmp_path, monkeypatch):
    script = tmp_path / "fake_editor.py"
    script.write_text(FAKE_EDITOR)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.setenv("FAKE_EDITOR_LOG", str(tmp_path / "editor.log"))
    return tmp_path / "editor.log"


def test_actions_are_recorded_with_before_and_after(drafted):
    db = drafted.db
    first, second = review.queue(db)[:2]
    review.approve(db, first.note.id, "ann")
    review.reject(db, second.note.id, "bob", "not a factual claim")
    assert db.note(first.note.id).status == NoteStatus.approved
    (approved,) = db.reviews(first.note.id)
    assert (approved.reviewer, approved.action) == ("ann", "approve")
    assert approved.before["status"] == "draft" and approved.after["status"] == "approved"
    (rejected,) = db.reviews(second.note.id)
    assert rejected.reason == "not a factual claim"
    assert [i.note.id for i in review.queue(db)][:1] != [first.note.id]  # decided notes leave the draft queue


def test_rules_a_reviewer_cannot_break(drafted):
    db = drafted.db
    uncited = next(i for i in review.queue(db) if not i.note.citations)
    with pytest.raises(InputError, match="needs at least one citation"):
        review.set_verdict(db, uncited.note.id, Verdict.supported, "ann")
    with pytest.raises(InputError, match="needs a reason"):
        review.reject(db, uncited.note.id, "ann", " ")
    with pytest.raises(InputError, match="no reviewer"):
        review.approve(db, uncited.note.id, "")
    failed = uncited.note.model_copy(update={"status": NoteStatus.failed, "failure": "quote not verbatim"})
    db.save_note(failed)
    with pytest.raises(InputError, match="failed"):
        review.approve(db, failed.id, "ann")


def test_edit_is_parsed_validated_and_can_ground_a_failed_note(drafted):
    db = drafted.db
    item = review.queue(db)[0]
    db.save_note(item.note.model_copy(update={"status": NoteStatus.failed, "failure": "x"}))
    passage = wire_passage(drafted)
    text = review.edit_text(item.note, item.claim)
    assert text.startswith("# Note ") and "verdict:" in text
    with pytest.raises(InputError, match="is not in passage"):
        review.apply_edit(db, item.note.id, edit_yaml(passage.id, "about 999 troops"), "ann")
    with pytest.raises(InputError, match="does not exist"):
        review.apply_edit(db, item.note.id, edit_yaml("d0:0", "x"), "ann")
    with pytest.raises(InputError, match="not one of"):
        review.apply_edit(db, item.note.id, "verdict: maybe\nconfidence: 1\nrationale: r\n", "ann")
    note = review.apply_edit(db, item.note.id, edit_yaml(passage.id, "about 130,000 russian troops"), "ann")
    assert note.status == NoteStatus.draft and note.verdict == Verdict.refuted
    assert note.citations[0].quote == "about 130,000 Russian troops"
    assert (
        db.document(note.citations[0].document_id).text[note.citations[0].start : note.citations[0].end]
        == "about 130,000 Russian troops"
    )


def test_review_loop_with_scripted_keys_and_resume(drafted, editor, monkeypatch):
    runner = CliRunner()
    queue_ids = [i.note.id for i in review.queue(drafted.db)]
    result = runner.invoke(
        app, ["review", "--reviewer", "ann"], input="ar" + "duplicate of another claim\n" + "sq"
    )
    assert result.exit_code == 0, result.output
    assert f"approved {queue_ids[0]}" in result.output and f"rejected {queue_ids[1]}" in result.output
    assert f"stopped at {queue_ids[3]}" in result.output
    resumed = runner.invoke(app, ["review", "--reviewer", "ann"], input="q")
    assert f"note {queue_ids[3]}" in resumed.output.split("\n", 1)[0] + resumed.output[:300]
    history = runner.invoke(app, ["notes", "history", queue_ids[1], "--json"])
    (entry,) = json.loads(history.output)
    assert entry["action"] == "reject" and entry["reviewer"] == "ann"


def test_editor_round_trip_and_broken_edit_keeps_the_text(drafted, editor, monkeypatch):
    runner = CliRunner()
    passage = wire_passage(drafted)
    first = review.queue(drafted.db)[0].note.id
    original = drafted.db.note(first)
    monkeypatch.setenv(
        "FAKE_EDIT_CONTENT", edit_yaml(passage.id, "not in the passage at all", "partly_supported")
    )
    broken = runner.invoke(app, ["review", "--reviewer", "ann"], input="eq")
    assert "edit not saved" in broken.output and "is not in passage" in broken.output
    assert drafted.db.note(first) == original and drafted.db.reviews(first) == []  # nothing changed
    kept = drafted.settings.home / "pending-edits" / f"{first}.yaml"
    assert kept.read_text() == edit_yaml(passage.id, "not in the passage at all", "partly_supported")
    monkeypatch.setenv(
        "FAKE_EDIT_CONTENT", edit_yaml(passage.id, "about 130,000 Russian troops", "partly_supported")
    )
    fixed = runner.invoke(app, ["review", "--reviewer", "ann"], input="eaq")
    assert "saved edit" in fixed.output and f"approved {first}" in fixed.output
    assert "not in the passage at all" in editor.read_text().split("=====")[-2]  # reopened with the kept text
    note = drafted.db.note(first)
    assert (
        note.status == NoteStatus.approved and note.verdict == Verdict.partly_supported and not kept.exists()
    )
    assert [r.action for r in drafted.db.reviews(first)] == ["edit", "approve"]


def test_cite_by_number_highlighted_sentence_or_search_and_verdict_key(drafted, editor):
    runner = CliRunner()
    first = review.queue(drafted.db)[0].note
    item = first.evidence[0]
    best = next(s for s in item.sentences if s.number == item.best[0])
    other = next((s for s in item.sentences if s.number != best.number), best)
    keys = "c1\n\n" + f"c1\n{other.number}\n" + "c130,000 Russian troops\n1\n\n" + "v2" + "q"
    result = runner.invoke(app, ["review", "--reviewer", "ann"], input=keys)
    assert result.exit_code == 0, result.output
    assert "best match the claim" in result.output  # the evidence is listed with its highlighted sentences
    note = drafted.db.note(first.id)
    quotes = [c.quote for c in note.citations[-3:]]
    assert quotes[0] == best.text and quotes[1] == other.text and "130,000" in quotes[2]
    assert note.verdict == Verdict.partly_supported
    for citation in note.citations:  # every citation is verbatim in its stored passage
        assert drafted.db.document(citation.document_id).text[citation.start : citation.end] == citation.quote
    actions = [r.action for r in drafted.db.reviews(first.id)]
    assert actions == ["add_citation", "add_citation", "add_citation", "set_verdict"]


def test_notes_show_lists_every_evidence_passage_in_full(drafted):
    item = review.queue(drafted.db)[0]
    shown = CliRunner().invoke(app, ["notes", "show", item.note.id])
    assert shown.exit_code == 0
    for evidence in item.note.evidence:
        assert f"[{evidence.rank}] " in shown.output
        assert evidence.text.split()[-1] in shown.output  # the passage in full, not cut short


def test_notes_commands_non_interactive(drafted):
    runner = CliRunner()
    ids = [i.note.id for i in review.queue(drafted.db)]
    assert runner.invoke(app, ["notes", "approve", ids[0], "--reviewer", "ann"]).exit_code == 0
    assert (
        runner.invoke(app, ["notes", "reject", ids[1], "--reason", "opinion", "--reviewer", "ann"]).exit_code
        == 0
    )
    bad = runner.invoke(app, ["notes", "set-verdict", ids[2], "maybe", "--reviewer", "ann"])
    assert bad.exit_code == 3 and "unknown verdict" in bad.stderr
    listed = json.loads(runner.invoke(app, ["notes", "list", "--status", "approved", "--json"]).output)
    assert [n["id"] for n in listed] == [ids[0]]
    shown = runner.invoke(app, ["notes", "show", ids[0]])
    assert "Verdict:" in shown.output and "approved" in shown.output
    missing = runner.invoke(app, ["notes", "show", "n-nothing"])
    assert missing.exit_code == 3 and "notes list" in missing.stderr
