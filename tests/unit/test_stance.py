"""Stance over evidence and the evidence judge's use of it, with a deterministic stand-in for the verification
model (a scorer that reads fixed probabilities off each unit's text)."""

import numpy as np
import pytest
from support.fakes import evidence_item

from factcheck.drafting.calibration import Calibration, Certificate, KindRecord
from factcheck.drafting.judges import EvidenceJudge, stance_findings
from factcheck.drafting.stance import read_stances, weigh
from factcheck.models import Claim, Span, Stance, Verdict

CLAIM = "The council built 40 homes in 2021."


def scorer(table):
    """Probabilities (supports, refutes, neither) per unit text; anything not in the table is neither."""

    def score(pairs):
        return np.array([table.get(unit, (0.05, 0.05, 0.9)) for _, unit in pairs], dtype=np.float32)

    return score


def claim():
    return Claim(
        id="c1",
        document_id="d1",
        span=Span(start=0, end=len(CLAIM)),
        text=CLAIM,
        sentence=CLAIM,
        sentence_span=Span(start=0, end=len(CLAIM)),
        type="quantity",
        checkworthiness=1.0,
        statement=CLAIM,
    )


SUPPORTING = "The council said it built 40 homes in 2021."
REFUTING = "Records show the council built no homes in 2021."


def test_every_sentence_gets_a_stance_and_a_question_with_its_answer_is_read_whole_too():
    one = evidence_item(SUPPORTING, doc="d2", rank=1)
    two = evidence_item(f"{REFUTING} The weather was mild.", doc="d3", rank=2)
    question = "How many homes did the council build in 2021?"
    three = evidence_item(f"{question} Forty, its annual report says.", doc="d4", rank=3)
    read_units = []
    table = scorer({SUPPORTING: (0.9, 0.05, 0.05), REFUTING: (0.1, 0.8, 0.1), three.text: (0.85, 0.05, 0.1)})

    def recording(pairs):
        read_units.extend(unit for _, unit in pairs)
        return table(pairs)

    read = read_stances(CLAIM, [one, two, three], recording)
    assert (
        read[0].sentences[0].stance.stance == Stance.supports
        and read[0].stance == read[0].sentences[0].stance
    )
    assert [s.stance.stance for s in read[1].sentences] == [Stance.refutes, Stance.neither]
    assert read[1].sentences[0].stance.probability == pytest.approx(0.8)
    assert read[1].stance is None  # a news passage: its sentences, not the mix of them
    assert read[2].stance.stance == Stance.supports and read[2].sentences[1].stance.stance == Stance.neither
    assert three.text in read_units and two.text not in read_units
    assert weigh(read).for_claim[0].reading.supports == pytest.approx(0.9)
    assert any(u.sentence is None and u.item.rank == 3 for u in weigh(read).for_claim)


def test_a_sentence_met_twice_in_the_evidence_is_read_once_and_shown_twice():
    calls = []

    def counting(pairs):
        calls.append(len(pairs))
        return scorer({SUPPORTING: (0.9, 0.05, 0.05)})(pairs)

    items = [evidence_item(SUPPORTING, doc="d2", rank=1), evidence_item(SUPPORTING, doc="d3", rank=2)]
    read = read_stances(CLAIM, items, counting)
    assert calls == [1]
    assert [item.sentences[0].stance.stance for item in read] == [Stance.supports, Stance.supports]


@pytest.mark.parametrize("flags,about", [(("after_claim",), True), (("same_outlet",), True), ((), False)])
def test_evidence_that_cannot_bear_on_the_claim_is_shown_but_not_weighed(flags, about):
    item = evidence_item(SUPPORTING, doc="d2", flags=flags, about=about)
    read = read_stances(CLAIM, [item], scorer({SUPPORTING: (0.95, 0.0, 0.05)}))
    assert read[0].sentences[0].stance.stance == Stance.supports
    assert weigh(read).supports == 0.0 and stance_findings(read) == []


def test_findings_lean_one_way_or_see_a_conflict():
    supporting = read_stances(
        CLAIM, [evidence_item(SUPPORTING, doc="d2")], scorer({SUPPORTING: (0.8, 0.1, 0.1)})
    )
    (finding,) = stance_findings(supporting)
    assert finding.name == "stance_supports" and finding.verdict == Verdict.supported and finding.score == 0.8
    both = read_stances(
        CLAIM,
        [evidence_item(SUPPORTING, doc="d2", rank=1), evidence_item(REFUTING, doc="d3", rank=2)],
        scorer({SUPPORTING: (0.8, 0.1, 0.1), REFUTING: (0.1, 0.7, 0.2)}),
    )
    (conflict,) = stance_findings(both)
    assert conflict.name == "stance_conflict" and conflict.verdict == Verdict.not_enough_evidence


def test_a_finding_cites_the_passages_retrieval_ranks_first_one_unit_each_and_names_the_strongest():
    first, second = "Officials said the council built 40 homes.", "It built them all in 2021."
    third = "A third report agrees: 40 homes in 2021."
    items = [
        evidence_item(f"{first} {second}", doc="d2", rank=1),
        evidence_item(SUPPORTING, doc="d3", rank=2),
        evidence_item(third, doc="d4", rank=3),
    ]
    table = {
        first: (0.7, 0.1, 0.2),
        second: (0.6, 0.1, 0.3),
        SUPPORTING: (0.95, 0.0, 0.05),
        third: (0.9, 0.0, 0.1),
    }
    (finding,) = stance_findings(read_stances(CLAIM, items, scorer(table)))
    assert finding.score == pytest.approx(0.95) and "[2] sentence 1 (95% supports" in finding.detail
    assert [(u.item.rank, u.text) for u in finding.units] == [(1, first), (2, SUPPORTING)]


def _judge(threshold, precision=0.9):
    """A calibration whose certificate commits the model's leans from `threshold` at `precision`."""
    lean = KindRecord("supported", claims=20, right=18, balanced=precision)
    certificate = Certificate(threshold, precision)
    return EvidenceJudge(Calibration(leans={"model_supports": lean}, certificate=certificate))


def test_a_stance_commits_only_from_its_calibrated_threshold_and_a_lean_shows_only_with_its_record():
    evidence = read_stances(
        CLAIM,
        [evidence_item(SUPPORTING, doc="d2", rank=1), evidence_item(f"{REFUTING}", doc="d3", rank=2)],
        scorer({SUPPORTING: (0.93, 0.02, 0.05), REFUTING: (0.3, 0.45, 0.25)}),
    )
    committed = _judge(threshold=0.9).judge(claim(), evidence, [], [])
    assert committed.verdict == Verdict.supported and committed.score == pytest.approx(0.93)
    assert [c.quote for c in committed.citations] == [SUPPORTING]
    below = _judge(threshold=0.95).judge(claim(), evidence, [], [])
    assert below.verdict == Verdict.not_enough_evidence and below.suggestion == Verdict.supported
    assert "right in 18 of 20 claims" in below.rationale and below.citations
    assert below.record is not None and below.record.lower_bound == pytest.approx(0.738, abs=0.001)
    # no record, no lean: the note names the strongest evidence each way instead
    unmeasured = EvidenceJudge(Calibration()).judge(claim(), evidence, [], [])
    assert unmeasured.verdict == Verdict.not_enough_evidence and unmeasured.suggestion is None
    assert (
        f"Evidence for: “{SUPPORTING}”" in unmeasured.rationale
        and "Evidence against: none" in unmeasured.rationale
    )


def test_a_balanced_precision_under_the_commit_line_commits_nothing():
    evidence = read_stances(
        CLAIM, [evidence_item(SUPPORTING, doc="d2")], scorer({SUPPORTING: (0.99, 0.0, 0.01)})
    )
    judged = _judge(threshold=0.5, precision=0.7).judge(claim(), evidence, [], [])
    assert judged.verdict == Verdict.not_enough_evidence and judged.suggestion == Verdict.supported


def test_a_conflict_commits_nothing_and_cites_both_sides():
    evidence = read_stances(
        CLAIM,
        [evidence_item(SUPPORTING, doc="d2", rank=1), evidence_item(REFUTING, doc="d3", rank=2)],
        scorer({SUPPORTING: (0.97, 0.01, 0.02), REFUTING: (0.01, 0.97, 0.02)}),
    )
    judged = _judge(threshold=0.5).judge(claim(), evidence, [], [])
    assert judged.verdict == Verdict.not_enough_evidence and judged.suggestion is None
    assert {c.quote for c in judged.citations} == {SUPPORTING, REFUTING} and "both ways" in judged.rationale


def test_the_drafted_public_text_stands_alone_and_names_its_source():
    from factcheck.models import Citation, Note, Provenance
    from factcheck.review.public import public_explanation, short_claim

    long_statement = (
        "The United States and Western countries are worried about Russia's invasion of Ukraine, along with the "
        "buildup of about 100,000 Moscow troops on the border (reported on 10 February 2022)."
    )
    fragment = claim().model_copy(
        update={
            "text": "about 100,000 Moscow troops",
            "statement": long_statement,
            "sentence": long_statement,
        }
    )
    citation = Citation(
        passage_id="d2:0",
        document_id="d2",
        document_title="Satellite images show build-up continuing",
        quote="Western officials estimate that about 130,000 Russian troops are now stationed near the border.",
        start=0,
        end=10,
    )
    from datetime import date

    evidence = evidence_item(citation.quote, doc="d2").model_copy(
        update={"outlet": "Example Wire", "published": date(2022, 2, 9)}
    )
    note = Note(
        id="n1",
        claim_id="c1",
        verdict=Verdict.refuted,
        rationale="A long machine rationale that is never published.",
        confidence=0.9,
        citations=[citation],
        evidence=[evidence],
        provenance=Provenance(judge="evidence"),
        created_at="2026-12-06T00:00:00Z",
    )
    short = short_claim(note, fragment)
    assert short == (
        "The United States and Western countries are worried about Russia's invasion of Ukraine, along with the "
        "buildup of about 100,000 Moscow troops on the border."
    )
    explanation = public_explanation(note)
    assert explanation.startswith("Refuted. Example Wire (9 February 2022) reports: “Western officials")
    assert "Satellite images" not in explanation and "machine rationale" not in explanation
    unsettled = public_explanation(note.model_copy(update={"verdict": Verdict.not_enough_evidence}))
    assert unsettled == "Not enough evidence: the sources checked do not settle this claim."
    quote = fragment.model_copy(
        update={"type": "quote", "speaker": "Liz Truss", "text": '"Russia must reduce tensions"'}
    )
    assert short_claim(note, quote.model_copy(update={"statement": long_statement * 2})) == (
        "Liz Truss: “Russia must reduce tensions”"
    )


def test_a_lean_is_shown_only_where_its_kind_was_right_clearly_more_often_than_chance_at_its_score():
    from dataclasses import replace

    from factcheck.drafting.judges import Decision, Finding, decide

    curve = ((0.97, 8, 8, 1.0), (0.94, 20, 15, 0.9), (0.5, 60, 30, 0.2))
    calibration = Calibration(
        leans={
            "model_supports": KindRecord("supported", claims=60, right=30, balanced=0.2, curve=curve),
            "source_says_false": KindRecord("refuted", claims=30, right=15, balanced=0.3),
        }
    )
    stance = Finding("stance_supports", Verdict.supported, "read as supporting", ("d2:0",), 0.95)
    denied = Finding("denied", Verdict.refuted, "denied", ("d3:0",), None)
    decision = decide([denied, stance], calibration)
    assert decision.finding is stance and not decision.committed  # 0.9 balanced at 0.95 beats 0.3
    assert (decision.record.claims, decision.record.right, decision.record.balanced) == (20, 15, 0.9)
    # at 0.6 the model's leans were near chance (0.2 balanced), and so were denials (0.3): no lean at all
    assert decide([denied, replace(stance, score=0.6)], calibration) == Decision()
    # at 0.99 only 8 claims score as high: the record is that of the highest score with at least 10 behind it
    assert calibration.lean_record("model_supports", 0.99).claims == 20
    judged = EvidenceJudge(calibration).judge(
        claim(),
        read_stances(CLAIM, [evidence_item(SUPPORTING, doc="d2")], scorer({SUPPORTING: (0.95, 0.0, 0.05)})),
        [],
        [],
    )
    assert judged.verdict == Verdict.not_enough_evidence and judged.suggestion == Verdict.supported
    assert "right in 15 of 20 claims kept apart for calibration" in judged.rationale


@pytest.mark.parametrize(
    "statement,undated",
    [
        (
            "London has evacuated some embassy staffers (reported on 10 February 2022).",
            "London has evacuated some embassy staffers.",
        ),
        (
            "As of 10 February 2022, about 100,000 troops are near the border.",
            "About 100,000 troops are near the border.",
        ),
        (
            'Truss wrote on Twitter: "Russia must engage" (reported on 10 February 2022)',
            'Truss wrote on Twitter: "Russia must engage"',
        ),
        (
            "The report of 10 February 2022 (reported on 9 March) stays.",
            "The report of 10 February 2022 (reported on 9 March) stays.",
        ),
    ],
)
def test_the_model_reads_the_statement_without_the_date_drafting_added(statement, undated):
    from factcheck.claims.statements import without_date
    from factcheck.drafting.evidence import EvidenceBuilder
    from factcheck.models import Evidence, Passage

    assert without_date(statement) == undated
    read = []

    def recording(pairs):
        read.extend(pairs)
        return np.full((len(pairs), 3), 1 / 3, dtype=np.float32)

    hit = Evidence(
        passage=Passage(id="d2:0", document_id="d2", index=0, start=0, end=len(SUPPORTING), text=SUPPORTING),
        score=1.0,
    )
    EvidenceBuilder(None, stance=recording).build(
        claim().model_copy(update={"statement": statement}), statement, [hit]
    )
    assert read == [(undated, SUPPORTING)]


def test_a_party_calling_reports_baseless_is_not_a_source_debunking_them():
    from factcheck.drafting.judges import in_own_voice

    assert (
        in_own_voice(
            'Kremlin spokesman Dmitry Peskov branded such information an "empty and baseless" claim.'
        )
        == ""
    )
    assert "baseless" not in in_own_voice('The ministry\'s "baseless" statement drew criticism.')
    assert "false" in in_own_voice("The photo is false: it was taken in 2015 in another country.")


def test_whether_x_said_y_is_not_refuted_by_others_disputing_y():
    quote = "If Russia is serious about not attacking, we need to see troops withdrawn"
    span = Span(start=0, end=len(quote))
    said = claim().model_copy(
        update={
            "span": span,
            "sentence_span": span,
            "text": quote,
            "sentence": quote,
            "type": "quote",
            "speaker": "Liz Truss",
            "statement": f"Liz Truss said: “{quote}”",
        }
    )
    disputing = "Russia has repeatedly underlined that it isn't threatening anyone."
    attributing = "Truss said Russia must withdraw its troops if it is serious about not attacking."
    evidence = read_stances(
        said.statement,
        [evidence_item(disputing, doc="d2", rank=1), evidence_item(attributing, doc="d3", rank=2)],
        scorer({disputing: (0.01, 0.97, 0.02), attributing: (0.9, 0.02, 0.08)}),
    )
    (finding,) = stance_findings(evidence, speaker="Truss")
    assert finding.verdict == Verdict.supported and [u.text for u in finding.units] == [attributing]
    lean = KindRecord("supported", claims=40, right=30, balanced=0.7)
    judged = EvidenceJudge(Calibration(leans={"model_supports": lean})).judge(said, evidence, [], [])
    assert judged.suggestion == Verdict.supported and [c.quote for c in judged.citations] == [attributing]
    alone = evidence[:1]
    unsaid = EvidenceJudge(Calibration(leans={"model_refutes": lean})).judge(said, alone, [], [])
    assert (
        unsaid.suggestion is None and "Disputing what was said (not whether it was said)" in unsaid.rationale
    )
