"""The real offline LLM: SmolLM2-135M-Instruct behind llama.cpp's server, driven through the openai client."""

import importlib.util
import shutil

import pytest
from support.fakes import problems
from support.paths import DATA, SEED_A, SEED_B

from factcheck.models import NoteStatus

pytestmark = pytest.mark.local

if importlib.util.find_spec("llama_cpp") is None:  # scripts/test.sh always installs the extra
    pytest.skip("the 'local' extra is not installed: pip install -e '.[local]'", allow_module_level=True)


def test_local_judge_drafts_grounded_notes_on_the_seeds(workspace, corpus):
    shutil.copytree(DATA / "evidence", corpus / "evidence")
    workspace.index([corpus])
    chosen = []
    for seed in (SEED_A, SEED_B):
        claims = sorted(workspace.claims(str(corpus / seed.name)), key=lambda c: -c.checkworthiness)
        chosen += [c.id for c in claims[:2]]
    report = workspace.draft(chosen, judge="local", workers=1)
    assert report.drafted == len(chosen) and not report.errors
    for note in report.notes:
        assert note.provenance.judge == "local" and note.provenance.model == "smollm2-135m-instruct"
        assert note.provenance.attempts >= 1
        assert problems(workspace, note.citations) == []
        for citation in note.citations:
            passage = workspace.db.passages_by_id([citation.passage_id])[citation.passage_id]
            assert citation.quote in passage.text
        if note.status == NoteStatus.failed:
            assert note.citations == [] and note.failure
