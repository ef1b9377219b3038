"""`factcheck review` in a real pseudo-terminal, keys typed one at a time, $EDITOR included."""

import os
import shutil
import sys
from pathlib import Path

import pexpect
from support.fakes import drafter
from support.paths import DATA, SEED_A
from support.reviewing import FAKE_EDITOR, edit_yaml, wire_passage

from factcheck.drafting.judges import EvidenceJudge
from factcheck.models import NoteStatus, Verdict
from factcheck.retrieval.fusion import RetrievalSettings
from factcheck.review import actions as review


def test_review_in_a_real_terminal(workspace, corpus, tmp_path):
    shutil.copytree(DATA / "evidence", corpus / "evidence")
    workspace.index([corpus])
    claims = [c for c in workspace.claims(str(corpus / SEED_A.name)) if c.checkworthiness >= 0.5]
    drafter(workspace, EvidenceJudge(), RetrievalSettings(k=6)).draft_all(claims)
    ids = [i.note.id for i in review.Reviewing(workspace.db).queue()]
    script = tmp_path / "fake_editor.py"
    script.write_text(FAKE_EDITOR)
    env = {
        **os.environ,
        "EDITOR": f"{sys.executable} {script}",
        "TERM": "xterm",
        "COLUMNS": "120",
        "FAKE_EDIT_CONTENT": edit_yaml(
            wire_passage(workspace).id, "about 130,000 Russian troops", "partly_supported"
        ),
    }
    factcheck = str(Path(sys.executable).with_name("factcheck"))
    child = pexpect.spawn(
        factcheck,
        ["review", "--reviewer", "pty-ann"],
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(50, 120),
        use_poll=True,  # select() fails on a descriptor numbered 1024 or more, late in a long test run
    )
    child.expect(r"\[a\]pprove")
    child.send("e")  # a single key, no Enter: the terminal is in raw mode for getchar
    child.expect("saved edit")
    child.expect(r"\[a\]pprove")
    child.send("a")
    child.expect(f"approved {ids[0]}")
    child.expect(r"\[a\]pprove")
    child.send("r")
    child.expect("reason for rejecting")
    child.sendline("not checkable")
    child.expect(f"rejected {ids[1]}")
    child.expect(r"\[a\]pprove")
    child.send("q")
    child.expect("resumes here")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    first, second = workspace.db.note(ids[0]), workspace.db.note(ids[1])
    assert first.status == NoteStatus.approved and first.verdict == Verdict.partly_supported
    assert second.status == NoteStatus.rejected
    assert [r.reviewer for r in workspace.db.reviews(ids[0])] == ["pty-ann", "pty-ann"]


def test_a_note_fits_a_45_line_terminal_and_citations_are_removed_and_reordered(workspace, corpus, tmp_path):
    shutil.copytree(DATA / "evidence", corpus / "evidence")
    workspace.index([corpus])
    claims = workspace.claims(str(corpus / SEED_A.name))
    drafter(workspace, EvidenceJudge(), RetrievalSettings(k=6)).draft_all(claims)
    leaning = review.Reviewing(workspace.db).queue(
        review.queue_filter(None, None, None, "draft", None, None, "", True)
    )[0]
    assert leaning.note.suggestion and leaning.note.citations  # --by-record puts a lean with a record first
    workspace.cite_evidence(leaning.note.id, leaning.note.evidence[-1].rank, 1, "ann")  # a second citation
    before = workspace.db.note(leaning.note.id).citations
    factcheck = str(Path(sys.executable).with_name("factcheck"))
    child = pexpect.spawn(
        factcheck,
        ["review", "--reviewer", "pty-ann", "--by-record"],
        env={**os.environ, "TERM": "xterm", "COLUMNS": "100", "LINES": "45"},
        encoding="utf-8",
        timeout=60,
        dimensions=(45, 100),
        use_poll=True,  # select() fails on a descriptor numbered 1024 or more, late in a long test run
    )
    child.expect(r"\[a\]pprove")
    screen = child.before.splitlines()
    assert len(screen) <= 44, "\n".join(screen)  # the note and its keys fit one 45-line screen
    shown = "\n".join(screen)
    assert "Verdict:" in shown and f"leans {leaning.note.suggestion.value}" in shown and "right in" in shown
    assert leaning.claim.text[:30] in " ".join(shown.split())
    child.send("o")
    child.expect("new order of citations")
    child.sendline("2,1")
    child.expect(r"\[a\]pprove")
    child.send("x")
    child.expect("citation to remove")
    child.sendline("2")
    child.expect("citations of")
    child.expect(r"\[a\]pprove")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    after = workspace.db.note(leaning.note.id).citations
    assert after == [before[1]]  # reordered 2,1, then the second (the first before) removed
