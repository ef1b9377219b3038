"""The verification model as shipped: pinned, loaded offline, and read into every note the example articles get
when indexed with the short reference articles in tests/data/evidence."""

import shutil

import pytest
from support.paths import DATA, SEED_A, SEED_B

from factcheck.drafting import verifier
from factcheck.errors import ModelError
from factcheck.models import Stance, Verdict

pytestmark = pytest.mark.stance

# Claims of the example articles that a reference article states outright, with the words it states them in
# (the troops claim is not among them: "about 100,000" is not "about 130,000", see below).
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
        "I delivered a clear message to Minister Lavrov",
        "I delivered a clear message to Minister Lavrov",
        id="quote",
    ),
]


def test_the_shipped_model_is_pinned_and_a_changed_file_is_refused(tmp_path, monkeypatch):
    model = verifier.load_stance_model()
    ((supports, refutes, neither),) = model.stances([("The sky is blue.", "The sky is blue.")])
    assert supports > max(refutes, neither) and abs(supports + refutes + neither - 1) < 1e-4
    tampered = tmp_path / "tampered.onnx"
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


# The notes of the 2026-12-07 desk trial that carried a useful lean with the right citation: claim words, the
# words of the first citation (the UX report, section 3).
GOOD_NOTES = [
    ("I delivered a clear message to Minister Lavrov", "Liz Truss wrote on Twitter after the meeting"),
    ("Both Washington and London have evacuated some embassy staffers", "withdrawn some embassy staff"),
    (
        "Liz Truss visited Moscow to meet with Foreign Minister Lavrov",
        "Liz Truss met Russian Foreign Minister",
    ),
    ('The West continues to accuse Russia of "amassing troops"', "about 130,000 Russian troops"),
    ("Lavrov regretted London's demands", 'Lavrov also said it was "regrettable"'),
    ("was deeply regretted by Foreign Minister Lavrov", 'Lavrov also said it was "regrettable"'),
    ('Lavrov also said it was "regrettable"', "was deeply regretted by Foreign Minister Lavrov"),
    ('The UK said it did so due to the "growing threat"', "citing the threat of a Russian attack"),
]


def _note_on(example_notes, words):
    notes, claims, _ = example_notes
    claim = next(c for c in claims.values() if words in c.text)
    return notes[claim.id], claim


@pytest.mark.parametrize("claim_words,cited", GOOD_NOTES)
def test_the_notes_that_leaned_usefully_keep_their_lean_and_citation(example_notes, claim_words, cited):
    note, _ = _note_on(example_notes, claim_words)
    assert note.suggestion == Verdict.supported, note.rationale
    assert cited in note.citations[0].quote
    quotes = [(c.document_id, c.start, c.end) for c in note.citations]
    assert len(quotes) == len(set(quotes)), "a sentence cited twice"


def test_every_lean_shows_its_out_of_sample_record_and_none_is_near_chance(example_notes):
    notes, _, _ = example_notes
    leaning = [n for n in notes.values() if n.suggestion]
    assert leaning
    for note in leaning:
        record = note.provenance.record
        assert record is not None and record.balanced >= 0.5 and record.claims >= 10, note.id
        assert record.sentence() in note.rationale


def test_a_figure_the_quantity_check_calls_different_never_sits_under_a_supported_lean(example_notes):
    notes, _, _ = example_notes
    for note in notes.values():
        outcome = next((c.outcome for c in note.checks if c.name == "quantity"), "")
        lean = note.suggestion or note.verdict
        assert not (outcome == "disagree" and lean == Verdict.supported), note.rationale
        assert not (outcome == "agree" and lean == Verdict.refuted), note.rationale
    troops, claim = _note_on(example_notes, "about 100,000 Moscow troops")
    assert claim.claim_date is None
    check = next(c for c in troops.checks if c.name == "quantity")
    assert check.outcome == "disagree" and "130,000" in check.detail and "changed" not in check.detail
    assert troops.suggestion is None and "Evidence against:" in troops.rationale


def test_whether_truss_said_it_is_not_refuted_by_russia_saying_it_threatens_no_one(example_notes):
    note, _ = _note_on(example_notes, "we need to see troops withdrawn")
    assert Verdict.refuted not in (note.verdict, note.suggestion), note.rationale
    peskov, _ = _note_on(example_notes, "empty and baseless")
    assert "debunked" not in peskov.provenance.findings and peskov.suggestion != Verdict.refuted


def test_part_of_lavrovs_long_quote_reported_by_example_daily_leans_supported_citing_it(example_notes):
    note, _ = _note_on(example_notes, "London's main concern")
    quote = next(c for c in note.checks if c.name == "quote")
    assert quote.outcome == "found_part" and "Example Daily" in quote.detail
    assert note.suggestion == Verdict.supported and note.provenance.basis == "quote_part"
    assert (
        "London's main concern" in note.citations[0].quote
        and "Lavrov told reporters" in note.citations[0].quote
    )


def test_copies_of_one_story_under_other_outlets_count_once(tmp_path):
    from factcheck.settings import load_settings
    from factcheck.workspace import Workspace

    corpus = tmp_path / "corpus"
    shutil.copytree(DATA / "evidence", corpus)
    shutil.copy(SEED_A, corpus / SEED_A.name)
    wire = (DATA / "evidence" / "wire-troops.md").read_text(encoding="utf-8")
    for outlet, slug in (("Example Post", "post"), ("Example Mirror", "mirror")):
        copy = wire.replace("outlet: Example Wire", f"outlet: {outlet}").replace(
            "wire.example.org", f"{slug}.example"
        )
        (corpus / f"{slug}-troops.md").write_text(
            copy.replace("are now stationed", "are stationed"), encoding="utf-8"
        )
    with Workspace(load_settings(home=tmp_path / "home")) as workspace:
        workspace.index([corpus])
        claims = workspace.claims(str(corpus / SEED_A.name))
        quote = next(c for c in claims if "I delivered a clear message" in c.text)
        (note,) = workspace.draft([quote.id], judge="evidence").notes
        daily = next(d.id for d in workspace.sources() if d.outlet == "Example Daily")
    carrying = [e for e in note.evidence if "I delivered a clear message" in e.text]
    assert len(carrying) == 1, [e.outlet for e in carrying]
    assert {carrying[0].outlet, *carrying[0].copies} == {"Example Wire", "Example Post", "Example Mirror"}
    independence = next(c for c in note.checks if c.name == "independence")
    assert "count once" in independence.detail
    assert daily in {e.document_id for e in note.evidence}  # the independent source the copies pushed out


def test_every_drafted_note_of_the_examples_is_publishable_as_drafted(example_notes):
    from factcheck.claims.statements import without_date
    from factcheck.review.public import public_explanation, short_claim

    notes, claims, documents = example_notes
    headlines = {d.title for d in documents.values() if d.title}
    for note in notes.values():
        claim = claims[note.claim_id]
        short = short_claim(note, claim)
        assert len(short) <= 200 and "…" not in short and "(reported on" not in short, short
        assert not short.startswith("As of"), short
        words = short.split("“", 1)[1].rstrip("”") if claim.type == "quote" else short.rstrip(".")
        own_words = words.rstrip(".,;:").lower() in " ".join(claim.sentence.split()).lower()
        assert own_words or short == " ".join(without_date(claim.statement).split()), (
            short
        )  # its words, whole
        assert all(q.text in short for q in claim.quantities if q.text in claim.text), short  # figures kept
        for verdict in {note.verdict, note.suggestion or note.verdict}:
            explanation = public_explanation(note.model_copy(update={"verdict": verdict}))
            assert not any(headline in explanation for headline in headlines), explanation
            if verdict == Verdict.not_enough_evidence:
                assert "“" not in explanation  # no evidence quoted as if it settled the claim
            else:
                assert (
                    explanation.startswith(verdict.value.replace("_", " ").capitalize())
                    and "reports" in explanation
                )


def test_o5_a_claim_longer_than_the_reading_window_is_read_not_an_error():
    model = verifier.load_stance_model()
    words = " ".join(["troops border Moscow talks"] * 100)  # a 400-word desk search read as the claim
    ((supports, refutes, neither),) = model.stances([(words, "About 130,000 troops are near the border.")])
    assert abs(supports + refutes + neither - 1) < 1e-4
