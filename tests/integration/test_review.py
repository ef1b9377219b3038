import json
import shutil
import sys

import pytest
from support.fakes import drafter
from support.paths import DATA, SEED_A
from support.reviewing import FAKE_EDITOR, edit_yaml, wire_passage
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.drafting.judges import EvidenceJudge
from factcheck.errors import InputError
from factcheck.models import NoteStatus, QueueFilter, Verdict
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
    first, second = review.Reviewing(db).queue()[:2]
    review.Reviewing(db).approve(first.note.id, "ann")
    review.Reviewing(db).reject(second.note.id, "bob", "not a factual claim")
    assert db.note(first.note.id).status == NoteStatus.approved
    (approved,) = db.reviews(first.note.id)
    assert (approved.reviewer, approved.action) == ("ann", "approve")
    assert approved.before["status"] == "draft" and approved.after["status"] == "approved"
    (rejected,) = db.reviews(second.note.id)
    assert rejected.reason == "not a factual claim"
    assert [i.note.id for i in review.Reviewing(db).queue()][:1] != [
        first.note.id
    ]  # decided notes leave the draft queue


def test_rules_a_reviewer_cannot_break(drafted):
    db = drafted.db
    uncited = next(i for i in review.Reviewing(db).queue() if not i.note.citations)
    with pytest.raises(InputError, match="needs at least one citation"):
        review.Reviewing(db).set_verdict(uncited.note.id, Verdict.supported, "ann")
    with pytest.raises(InputError, match="needs a reason"):
        review.Reviewing(db).reject(uncited.note.id, "ann", " ")
    with pytest.raises(InputError, match="no reviewer"):
        review.Reviewing(db).approve(uncited.note.id, "")
    failed = uncited.note.model_copy(update={"status": NoteStatus.failed, "failure": "quote not verbatim"})
    db.save_note(failed)
    with pytest.raises(InputError, match="failed"):
        review.Reviewing(db).approve(failed.id, "ann")


def test_edit_is_parsed_validated_and_can_ground_a_failed_note(drafted):
    db = drafted.db
    item = review.Reviewing(db).queue()[0]
    db.save_note(item.note.model_copy(update={"status": NoteStatus.failed, "failure": "x"}))
    passage = wire_passage(drafted)
    text = review.edit_text(item.note, item.claim)
    assert text.startswith("# Note ") and "verdict:" in text
    with pytest.raises(InputError, match="is not in passage"):
        review.Reviewing(db).apply_edit(item.note.id, edit_yaml(passage.id, "about 999 troops"), "ann")
    with pytest.raises(InputError, match="does not exist"):
        review.Reviewing(db).apply_edit(item.note.id, edit_yaml("d0:0", "x"), "ann")
    with pytest.raises(InputError, match="not one of"):
        review.Reviewing(db).apply_edit(item.note.id, "verdict: maybe\nconfidence: 1\nrationale: r\n", "ann")
    note = review.Reviewing(db).apply_edit(
        item.note.id, edit_yaml(passage.id, "about 130,000 russian troops"), "ann"
    )
    assert note.status == NoteStatus.draft and note.verdict == Verdict.refuted
    assert note.citations[0].quote == "about 130,000 Russian troops"
    assert (
        db.document(note.citations[0].document_id).text[note.citations[0].start : note.citations[0].end]
        == "about 130,000 Russian troops"
    )


def test_review_loop_with_scripted_keys_and_resume(drafted, editor, monkeypatch):
    runner = CliRunner()
    queue_ids = [i.note.id for i in review.Reviewing(drafted.db).queue()]
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
    first = review.Reviewing(drafted.db).queue()[0].note.id
    original = drafted.db.note(first)
    monkeypatch.setenv(
        "FAKE_EDIT_CONTENT", edit_yaml(passage.id, "not in the passage at all", "partly_supported")
    )
    broken = runner.invoke(app, ["review", "--reviewer", "ann"], input="eq")
    assert "edit not saved" in broken.output and "is not in passage" in broken.output
    assert drafted.db.note(first) == original and drafted.db.reviews(first) == []  # nothing changed
    kept = review.PendingEdits(drafted.settings.home).path(first, "ann")
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
    first = review.Reviewing(drafted.db).queue()[0].note
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
    item = review.Reviewing(drafted.db).queue()[0]
    shown = CliRunner().invoke(app, ["notes", "show", item.note.id])
    assert shown.exit_code == 0
    for evidence in item.note.evidence:
        assert f"[{evidence.rank}] " in shown.output
        assert evidence.text.split()[-1] in shown.output  # the passage in full, not cut short


def test_notes_commands_non_interactive(drafted):
    runner = CliRunner()
    ids = [i.note.id for i in review.Reviewing(drafted.db).queue()]
    assert runner.invoke(app, ["notes", "approve", ids[0], "--reviewer", "ann"]).exit_code == 0
    assert (
        runner.invoke(app, ["notes", "reject", ids[1], "--reason", "opinion", "--reviewer", "ann"]).exit_code
        == 0
    )
    bad = runner.invoke(app, ["notes", "set-verdict", ids[2], "maybe", "--reviewer", "ann"])
    assert bad.exit_code == 2 and "is not one of" in bad.stderr and len(bad.stderr.splitlines()) == 1
    listed = json.loads(runner.invoke(app, ["notes", "list", "--status", "approved", "--json"]).output)
    assert [n["id"] for n in listed] == [ids[0]]
    shown = runner.invoke(app, ["notes", "show", ids[0]])
    assert "Verdict:" in shown.output and "approved" in shown.output
    missing = runner.invoke(app, ["notes", "show", "n-nothing"])
    assert missing.exit_code == 3 and "notes list" in missing.stderr


# Approvals bind the published text (issue 28) --------------------------------------------------------------


def test_changing_an_approved_notes_text_verdict_or_citations_sends_it_back_to_review(drafted):
    cited = next(i.note for i in review.Reviewing(drafted.db).queue() if i.note.evidence)
    drafted.cite_evidence(cited.id, 1, None, "ann")
    approved = drafted.approve(cited.id, "ann")
    assert approved.status == NoteStatus.approved and approved.explanation  # the shown text is frozen
    assert (
        approved.explanation
        in drafted.export("md", QueueFilter(status=NoteStatus.approved)).files["notes.md"]
    )
    edited = drafted.edit_public(cited.id, "A claim", "Words nobody approved.", "bob", approved.version)
    assert edited.status == NoteStatus.draft
    last = drafted.history(cited.id)[-1]
    assert last.reviewer == "bob" and "back in review" in last.reason
    with pytest.raises(InputError, match="no approved notes"):
        drafted.export("md", QueueFilter(status=NoteStatus.approved))
    again = drafted.approve(cited.id, "ann")
    assert "Words nobody approved." in drafted.export("md").files["notes.md"] and again.status == "approved"
    for change in (
        lambda note: drafted.set_verdict(note.id, Verdict.refuted, "bob", "", note.version),
        lambda note: drafted.cite_evidence(note.id, 1, len(note.evidence[0].sentences), "bob", note.version),
    ):
        current = drafted.approve(cited.id, "ann", confirm=True)
        assert current.status == NoteStatus.approved and change(current).status == NoteStatus.draft


def test_notes_cite_edit_and_approve_show_from_a_script(drafted, monkeypatch):
    note = next(i.note for i in review.Reviewing(drafted.db).queue() if i.note.evidence)
    drafted.close()
    runner = CliRunner()
    refused = runner.invoke(app, ["notes", "set-verdict", note.id, "supported", "--reviewer", "ann"])
    assert refused.exit_code == 3 and "needs at least one citation" in refused.stderr
    cited = runner.invoke(app, ["notes", "cite", note.id, "1", "--reviewer", "ann"])
    assert cited.exit_code == 0 and "now cites" in cited.stdout
    sentence = runner.invoke(app, ["notes", "cite", note.id, "P1.S1", "--reviewer", "ann"])
    assert sentence.exit_code == 0, sentence.output
    bad = runner.invoke(app, ["notes", "cite", note.id, "d123:0", "--reviewer", "ann"])
    assert bad.exit_code == 3 and "--quote" in bad.stderr
    edited = runner.invoke(
        app,
        [
            "notes",
            "edit",
            note.id,
            "--verdict",
            "supported",
            "--claim",
            "Short claim",
            "--explanation",
            "Supported by the wire.",
            "--reason",
            "checked",
            "--reviewer",
            "ann",
        ],
    )
    assert edited.exit_code == 0 and "supported, draft" in edited.stdout
    shown = runner.invoke(app, ["notes", "approve", note.id, "--show", "--reviewer", "ann"], input="n\n")
    assert (
        "claim reviewed: Short claim" in shown.stdout
        and "explanation: Supported by the wire." in shown.stdout
    )
    assert "not approved" in shown.stdout
    assert (
        runner.invoke(app, ["notes", "approve", note.id, "--show", "--yes", "--reviewer", "ann"]).exit_code
        == 0
    )
    exported = runner.invoke(app, ["notes", "export", "--format", "csv"])
    assert "Short claim" in exported.stdout and "Supported by the wire." in exported.stdout


def test_notes_edit_without_flags_opens_the_editor(drafted, editor, monkeypatch):
    note = review.Reviewing(drafted.db).queue()[0].note
    passage = wire_passage(drafted)
    drafted.close()
    monkeypatch.setenv("FAKE_EDIT_CONTENT", edit_yaml(passage.id, "about 130,000 Russian troops"))
    result = CliRunner().invoke(app, ["notes", "edit", note.id, "--reviewer", "ann"])
    assert result.exit_code == 0, result.output
    assert "refuted, draft" in result.stdout and "verdict:" in editor.read_text()


def test_overriding_another_reviewers_decision_needs_a_confirmation_naming_them(drafted):
    from factcheck.errors import NeedsConfirmation

    note = next(i.note for i in review.Reviewing(drafted.db).queue() if i.note.evidence)
    drafted.reject(note.id, "bob", "opinion, not a claim")
    with pytest.raises(NeedsConfirmation, match=r"rejected by bob at .* \(opinion, not a claim\)"):
        drafted.approve(note.id, "ann")
    assert drafted.note(note.id).status == NoteStatus.rejected
    assert drafted.approve(note.id, "ann", confirm=True).status == NoteStatus.approved
    with pytest.raises(NeedsConfirmation, match="approved by ann"):
        drafted.reject(note.id, "bob", "still an opinion")
    assert (
        drafted.reject(note.id, "ann", "my own call").status == NoteStatus.rejected
    )  # one's own: no question
    cli = CliRunner().invoke(app, ["notes", "approve", note.id, "--reviewer", "bob"])
    assert cli.exit_code == 3 and "rejected by ann" in cli.stderr and "pass --yes" in cli.stderr


def test_an_author_can_undo_an_approval_or_a_rejection_and_nobody_else_can(drafted):
    note = next(i.note for i in review.Reviewing(drafted.db).queue() if i.note.evidence)
    drafted.approve(note.id, "ann")
    with pytest.raises(InputError, match="only ann can undo"):
        drafted.undo(note.id, "bob")
    undone = drafted.undo(note.id, "ann")
    assert undone.status == NoteStatus.draft and not undone.signoffs and not undone.explanation
    with pytest.raises(InputError, match="nothing to undo"):
        drafted.undo(note.id, "ann")
    drafted.reject(note.id, "bob", "duplicate")
    assert drafted.undo(note.id, "bob").status == NoteStatus.draft
    assert [r.action for r in drafted.history(note.id)] == ["approve", "undo", "reject", "undo"]


def test_two_sign_offs_publish_a_note_only_after_two_different_reviewers(drafted, monkeypatch):
    monkeypatch.setattr(drafted.settings.review, "signoffs", 2)
    note = next(i.note for i in review.Reviewing(drafted.db).queue() if i.note.evidence)
    first = drafted.approve(note.id, "ann")
    assert first.status == NoteStatus.draft and first.signoffs == ["ann"]
    with pytest.raises(InputError, match="already approved"):
        drafted.approve(note.id, "ann")
    with pytest.raises(InputError, match="no approved notes"):
        drafted.export("md")
    second = drafted.approve(note.id, "bob")
    assert second.status == NoteStatus.approved and second.signoffs == ["ann", "bob"]
    assert drafted.export("md").notes == 1
    changed = drafted.edit_public(note.id, "Short", "New words.", "cy")
    assert changed.status == NoteStatus.draft and changed.signoffs == []  # the new text needs two again


def test_notes_are_assigned_commented_and_the_queue_shows_the_last_decision(drafted):
    notes = [i.note for i in review.Reviewing(drafted.db).queue()][:3]
    drafted.assign([n.id for n in notes[:2]], "ann", "editor")
    drafted.comment(notes[0].id, "bob", "Ask the ministry\nfor the source")
    mine = drafted.queue_filter(assigned="mine", me="ann")
    assert {e.note_id for e in drafted.queue_entries(mine)} == {n.id for n in notes[:2]}
    unassigned = drafted.queue_entries(drafted.queue_filter(assigned="unassigned"))
    assert notes[2].id in {e.note_id for e in unassigned} and notes[0].id not in {
        e.note_id for e in unassigned
    }
    entry = next(e for e in drafted.queue_entries(mine) if e.note_id == notes[0].id)
    assert (
        entry.last_reviewer == "" and entry.assigned_to == "ann"
    )  # an assignment or a comment is no decision
    drafted.reject(notes[0].id, "cy", "an opinion")
    drafted.assign([notes[0].id], "bob", "editor")
    entry = next(
        e for e in drafted.queue_entries(drafted.queue_filter(status="all")) if e.note_id == notes[0].id
    )
    assert (entry.last_reviewer, entry.last_action, entry.assigned_to) == ("cy", "reject", "bob")
    history = drafted.history(notes[0].id)
    assert [r.action for r in history] == ["assign", "comment", "reject", "assign"] and history[
        1
    ].reason == "Ask the ministry for the source"
    listed = CliRunner().invoke(app, ["notes", "list", "--assigned", "mine", "--reviewer", "ann"]).stdout
    assert notes[1].id in listed and notes[0].id not in listed and notes[2].id not in listed


# Citations under the reviewer's hand, an approve that says what it publishes (issue 37) --------------------


def _cited_twice(workspace):
    """A note with two citations of different sentences: evidence [1] sentence 1 and evidence [2]'s best."""
    note = next(
        i.note
        for i in review.Reviewing(workspace.db).queue()
        if len(i.note.evidence) >= 2 and not i.note.citations
    )
    workspace.cite_evidence(note.id, 1, 1, "ann")
    return workspace.cite_evidence(note.id, 2, None, "ann")


def test_notes_uncite_and_reorder_from_the_cli_and_an_approved_note_goes_back_to_review(drafted):
    note = _cited_twice(drafted)
    first, second = note.citations
    drafted.close()
    runner = CliRunner()
    reordered = runner.invoke(app, ["notes", "reorder", note.id, "2,1", "--reviewer", "ann"])
    assert reordered.exit_code == 0 and "2 citation(s) now" in reordered.stdout
    assert runner.invoke(app, ["notes", "reorder", note.id, "1", "--reviewer", "ann"]).exit_code == 3
    approved = runner.invoke(app, ["notes", "approve", note.id, "--yes", "--reviewer", "ann"])
    assert approved.exit_code == 0 and "published as not enough evidence" in approved.stdout
    removed = runner.invoke(app, ["notes", "uncite", note.id, "2", "--reviewer", "bob"])
    assert (
        removed.exit_code == 0
        and "1 citation(s) now" in removed.stdout
        and "back in review" in removed.stdout
    )
    shown = json.loads(runner.invoke(app, ["notes", "show", note.id, "--json"]).stdout)
    assert [c["quote"] for c in shown["citations"]] == [second.quote] and shown["status"] == "draft"
    missing = runner.invoke(app, ["notes", "uncite", note.id, "5", "--reviewer", "bob"])
    assert missing.exit_code == 3 and "citations 1-1" in missing.stderr
    history = runner.invoke(app, ["notes", "history", note.id]).stdout
    assert f"citations: removed {first.document_title}: “{first.quote}”" in history  # readable, whole
    assert "put in a new order" in history and "{'passage_id'" not in history


def test_a_sentence_is_cited_once_and_a_half_sentence_is_refused(drafted):
    note = _cited_twice(drafted)
    with pytest.raises(InputError, match="already cites those words"):
        drafted.cite_evidence(note.id, 1, 1, "bob")
    passage = wire_passage(drafted)
    half = passage.text.split(",")[0].rsplit(" ", 2)[0]  # words cut inside a clause
    with pytest.raises(InputError, match="part of a sentence"):
        drafted.add_citation(note.id, passage.id, half, "bob")
    cited = {c.quote for c in drafted.note(note.id).citations}
    whole = next(s.strip() for s in passage.text.split("\n") if s.strip() and s.strip() not in cited)
    assert drafted.add_citation(note.id, passage.id, whole, "bob").citations[-1].quote == whole


def test_approving_a_verdict_other_than_the_lean_asks_once_and_names_both(drafted):
    leaning = next((i.note for i in review.Reviewing(drafted.db).queue() if i.note.suggestion), None)
    assert leaning is not None, "the examples give at least one lean without the model (a verbatim quote)"
    drafted.close()
    runner = CliRunner()
    refused = runner.invoke(app, ["notes", "approve", leaning.id, "--reviewer", "ann"])
    lean = leaning.suggestion.value.replace("_", " ")
    assert refused.exit_code == 3
    assert f"published as 'not enough evidence' while its evidence leans '{lean}'" in refused.stderr
    confirmed = runner.invoke(app, ["notes", "approve", leaning.id, "--yes", "--reviewer", "ann"])
    assert confirmed.exit_code == 0 and "published as not enough evidence" in confirmed.stdout


@pytest.mark.parametrize("again", ["ANN", "ann ", "\u0430nn", "\u1d00nn", "\uff41\uff4e\uff4e"])
def test_f12_f13_one_person_cannot_sign_twice_under_another_case_width_or_alphabet(
    drafted, monkeypatch, again
):
    monkeypatch.setattr(drafted.settings.review, "signoffs", 2)
    note = next(i.note for i in review.Reviewing(drafted.db).queue() if i.note.evidence)
    drafted.approve(note.id, "ann", confirm=True)
    with pytest.raises(InputError, match="already approved"):
        drafted.approve(note.id, again, confirm=True)
    assert drafted.note(note.id).status == NoteStatus.draft


def test_f10_a_refused_edit_reopens_only_for_the_reviewer_who_typed_it(drafted, editor, monkeypatch):
    runner = CliRunner()
    passage = wire_passage(drafted)
    note = review.Reviewing(drafted.db).queue()[0].note.id
    planted = edit_yaml(passage.id, "not in the passage at all", "partly_supported").replace(
        "rationale:", "explanation: EVE-PLANTED-TEXT\nrationale:"
    )
    monkeypatch.setenv("FAKE_EDIT_CONTENT", planted)
    refused = runner.invoke(app, ["notes", "edit", note, "--reviewer", "eve"])
    assert refused.exit_code == 3 and "kept" in refused.stderr and "pending-edits" not in refused.stderr
    monkeypatch.setenv(
        "FAKE_EDIT_CONTENT", edit_yaml(passage.id, "about 130,000 Russian troops", "partly_supported")
    )
    saved = runner.invoke(app, ["notes", "edit", note, "--reviewer", "ann"])
    assert saved.exit_code == 0, saved.output
    assert (
        "EVE-PLANTED-TEXT" not in editor.read_text().split("=====")[-2]
    )  # ann's editor opened the note itself
    assert "EVE-PLANTED-TEXT" not in drafted.db.note(note).explanation
    assert review.PendingEdits(drafted.settings.home).load(note, "eve") == planted  # eve's text is still hers


def test_a_half_sentence_quoted_through_a_yaml_edit_is_flagged_for_publishing(drafted):
    passage = wire_passage(drafted)
    note = review.Reviewing(drafted.db).queue()[0].note.id
    half = drafted.save_edit(note, edit_yaml(passage.id, "about 130,000 Russian troops"), "ann")
    assert "partial_quote" in half.flags
    whole = next(s.strip() for s in passage.text.split("\n") if "130,000" in s)
    fixed = drafted.save_edit(note, edit_yaml(passage.id, whole.replace('"', '\\"')), "ann", half.version)
    assert "partial_quote" not in fixed.flags
