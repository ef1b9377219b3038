"""The drafted public text: the claim whole, in its own words; an explanation naming outlets, never headlines."""

from factcheck.models import Claim, ClaimType, Note, Provenance, Span, Verdict
from factcheck.review.public import SHORT_CLAIM, short_claim


def _claim(text, sentence, type_=ClaimType.event, speaker="", statement=None):
    start = sentence.index(text)
    return Claim(
        id="c1",
        document_id="d1",
        span=Span(start=start, end=start + len(text)),
        text=text,
        sentence=sentence,
        sentence_span=Span(start=0, end=len(sentence)),
        type=type_,
        checkworthiness=0.9,
        speaker=speaker,
        statement=statement or sentence,
    )


NOTE = Note(
    id="n1",
    claim_id="c1",
    verdict=Verdict.not_enough_evidence,
    rationale="",
    confidence=0.0,
    provenance=Provenance(judge="evidence"),
    created_at="2026-12-06T00:00:00Z",
)


def test_a_long_sentence_gives_the_clause_that_carries_the_checked_words_never_an_ellipsis():
    sentence = (
        "Even so, he did not rule out the possibility of provocations being ignited to justify such claims, "
        "warning that attempts to resolve problems in southeastern Ukraine through the use of force would have "
        "the most serious consequences, the ministry said, adding that 4,000 observers were on their way."
    )
    short = short_claim(NOTE, _claim("4,000 observers", sentence, ClaimType.quantity))
    assert "4,000 observers" in short and len(short) <= SHORT_CLAIM and "…" not in short
    assert short.endswith("4,000 observers were on their way.")


def test_a_dated_statement_loses_its_scaffolding_the_date_has_its_own_field():
    sentence = "Organisers said 20,000 people marched."
    statement = "As of 8 May 2023, Organisers said 20,000 people marched (reported on 8 May 2023)."
    short = short_claim(NOTE, _claim("20,000 people", sentence, ClaimType.quantity, statement=statement))
    assert short == "Organisers said 20,000 people marched."


def test_a_long_quote_keeps_whole_sentences_with_who_said_them():
    quote = (
        "We also talked about it today, but the minister made it quite clear that it is none of our business. "
        "Meanwhile, Russian troops on Russian territory are London's main concern, while the de-escalation logo "
        "is a unifying factor for the whole western community"
    )
    sentence = f'"{quote}", Lavrov criticized.'
    short = short_claim(NOTE, _claim(f'"{quote}"', sentence, ClaimType.quote, speaker="Sergei Lavrov"))
    assert short.startswith("Sergei Lavrov: “We also talked about it today") and short.endswith("business.”")
    assert len(short) <= SHORT_CLAIM and "…" not in short


def test_f30_the_short_claim_keeps_the_checked_figure_whole():
    sentence = (
        "For information, the United States and Western countries are worried about Russia's invasion of Ukraine, "
        "along with the buildup of about 100,000 Moscow troops on the border of the two countries."
    )
    statement = (
        "As of 10 February 2022, the United States and Western countries are worried about Russia's invasion of "
        "Ukraine, along with the buildup of about 100,000 Moscow troops on the border of the two countries "
        "(reported on 10 February 2022)."
    )
    claim = _claim(
        "about 100,000 Moscow troops on the border of the two countries", sentence, statement=statement
    )
    short = short_claim(NOTE, claim)
    assert "about 100,000 Moscow troops on the border of the two countries" in short
    assert (
        "…" not in short and "As of" not in short and "reported on" not in short and len(short) <= SHORT_CLAIM
    )
