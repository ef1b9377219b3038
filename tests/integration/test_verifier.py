"""The verification model as shipped: pinned, loaded offline, and read into every note the example articles get
when indexed with the short reference articles in tests/data/evidence."""

import shutil

import pytest
from paths import DATA, SEED_A, SEED_B

from factcheck.drafting import verifier
from factcheck.errors import ModelError
from factcheck.models import Stance, Verdict

pytestmark = pytest.mark.stance

# Claims of the example articles that a reference article states outright, with the words it states them in.
STATED = [
    pytest.param(
        "Liz Truss visited Moscow to meet with Foreign Minister Lavrov",
        "Liz Truss met Russian Foreign Minister",
        id="met",
    ),
    pytest.param(
        "evacuated some embassy staffers from Ukraine",
        "withdrawn some embassy staff from Ukraine",
        id="embassy",
    ),
    pytest.param(
        "buildup of about 100,000 Moscow troops",
        "about 130,000 Russian troops are now stationed near Ukraine's border",
        id="troops",
    ),
    pytest.param(
        "I delivered a clear message to Minister Lavrov",
        "I delivered a clear message to Minister Lavrov",
        id="quote",
    ),
]


def test_the_shipped_model_is_pinned_and_a_changed_file_is_refused(tmp_path, monkeypatch):
    model = verifier.load_stance_model()
    ((supports, refutes, neither),) = model.stances([("The sky is blue.", "The sky is blue.")])
    assert supports > max(refutes, neither) and abs(supports + refutes + neither - 1) < 1e-4
    tampered = tmp_path / verifier.MODEL_FILE
    data = bytearray(verifier.model_path().read_bytes())
    data[len(data) // 2] ^= 0xFF
    tampered.write_bytes(bytes(data))
    monkeypatch.setattr(verifier, "model_path", lambda: tampered)
    with pytest.raises(ModelError, match="SHA-256"):
        verifier.StanceModel()


def test_a_reading_depends_on_its_pair_only_not_on_what_is_read_beside_it():
    model = verifier.load_stance_model()
    claim = "The embassy withdrew some of its staff from Kyiv."
    pair = (claim, "Britain has withdrawn some embassy staff from Ukraine, the Foreign Office said.")
    others = [
        (claim, "Talks between the two ministers ended without agreement after three hours in Moscow."),
        (
            "Russia has about 100,000 troops near the border.",
            "About 130,000 troops are stationed near the border.",
        ),
        ("The minister resigned.", "A long passage " + "about nothing in particular, " * 30 + "ends here."),
    ]
    alone = model.stances([pair])[0]
    for n in range(len(others) + 1):
        beside = model.stances(others[:n] + [pair] + others[n:])
        assert beside[n].tolist() == alone.tolist()


@pytest.fixture(scope="module")
def example_notes(tmp_path_factory):
    from factcheck.settings import load_settings
    from factcheck.workspace import Workspace

    root = tmp_path_factory.mktemp("examples")
    corpus = root / "corpus"
    corpus.mkdir()
    for path in (SEED_A, SEED_B):
        shutil.copy(path, corpus / path.name)
    shutil.copytree(DATA / "evidence", corpus / "evidence")
    with Workspace(load_settings(home=root / "home")) as workspace:
        workspace.index([corpus])
        claims = [c for path in (SEED_A, SEED_B) for c in workspace.claims(str(corpus / path.name))]
        report = workspace.draft([c.id for c in claims], judge="evidence")
        documents = {d.id: d for d in workspace.sources()}
        yield {n.claim_id: n for n in report.notes}, {c.id: c for c in claims}, documents


def test_every_evidence_sentence_of_every_note_carries_its_stance(example_notes):
    notes, _, _ = example_notes
    sentences = [s for note in notes.values() for item in note.evidence for s in item.sentences]
    assert sentences and all(s.stance is not None for s in sentences)
    items = [item for note in notes.values() for item in note.evidence]
    # a passage of one sentence is that sentence; a news passage of several is read sentence by sentence only
    assert all(item.stance == item.sentences[0].stance for item in items if len(item.sentences) == 1)
    assert all(item.stance is None for item in items if len(item.sentences) > 1)


@pytest.mark.parametrize("claim_words,stated", STATED)
def test_a_claim_a_reference_article_states_outright_is_drafted_supported_citing_that_sentence(
    example_notes, claim_words, stated
):
    notes, claims, _ = example_notes
    claim = next(c for c in claims.values() if claim_words in c.text or claim_words in c.statement)
    note = notes[claim.id]
    assert Verdict.supported in (note.verdict, note.suggestion), note.rationale
    assert any(stated in c.quote for c in note.citations), [c.quote for c in note.citations]
    stating = [s for item in note.evidence for s in item.sentences if stated in s.text]
    assert stating and stating[0].stance.stance == Stance.supports


def test_no_note_cites_an_article_that_is_not_about_its_claim(example_notes):
    notes, _, documents = example_notes
    for note in notes.values():
        about = {item.passage_id for item in note.evidence if item.about_claim}
        for citation in note.citations:
            assert citation.passage_id in about, (note.claim_id, documents[citation.document_id].title)
