import pytest

from factcheck.drafting.checks import compare_quantity, quantity_check, quote_check
from factcheck.models import Claim, ClaimType, Evidence, Passage, Quantity, Span


@pytest.mark.parametrize(
    "claimed, approximation, found, expected",
    [
        (100000, "about", 130000, "disagree"),
        (100000, "about", 110000, "agree"),
        (100000, "", 100000, "agree"),
        (100000, "", 110000, "disagree"),
        (100, "more than", 120, "agree"),
        (100, "more than", 90, "disagree"),
        (50, "up to", 40, "agree"),
        (50, "up to", 60, "disagree"),
        (200, "nearly", 190, "agree"),
        (200, "nearly", 210, "disagree"),
    ],
)
def test_quantity_tolerance_follows_the_claims_wording(claimed, approximation, found, expected):
    assert compare_quantity(claimed, approximation, found) == expected


def _evidence(text, doc="d2", flags=()):
    return Evidence(
        passage=Passage(id=f"{doc}:0", document_id=doc, index=0, start=10, end=10 + len(text), text=text),
        document_title="Wire",
        score=1.0,
        flags=list(flags),
    )


def _claim(text, type_, speaker="", quantities=()):
    return Claim(
        id="c1",
        document_id="d1",
        span=Span(start=0, end=len(text)),
        text=text,
        sentence=text,
        sentence_span=Span(start=0, end=len(text)),
        type=type_,
        checkworthiness=0.9,
        speaker=speaker,
        quantities=list(quantities),
        statement=text,
    )


def test_quantity_disagreement_reports_ratio_and_cites_the_number():
    quantity = Quantity(
        text="about 100,000 Moscow troops",
        value=100000,
        approximation="about",
        unit="troops",
        start=0,
        end=27,
    )
    claim = _claim("about 100,000 Moscow troops", ClaimType.quantity, quantities=[quantity])
    result, citations = quantity_check(
        claim, [_evidence("Officials estimate about 130,000 Russian soldiers are there.")]
    )
    assert result.outcome == "disagree" and "ratio 1.30" in result.detail
    assert citations[0].quote == "about 130,000 Russian soldiers" and citations[0].start == 10 + 19


def test_same_outlet_evidence_does_not_count():
    quantity = Quantity(text="100 troops", value=100, unit="troops", start=0, end=10)
    claim = _claim("100 troops", ClaimType.quantity, quantities=[quantity])
    result, _ = quantity_check(claim, [_evidence("There are 100 troops.", flags=["same_outlet"])])
    assert result.outcome == "not_comparable"


def test_quote_found_verbatim_near_or_not_and_attribution():
    claim = _claim("we need to see troops withdrawn", ClaimType.quote, speaker="Foreign Minister Truss")
    verbatim, cites = quote_check(
        claim, [_evidence('Truss said: "We need to see troops withdrawn," on Thursday.')]
    )
    assert verbatim.outcome == "found_verbatim" and cites[0].quote == "We need to see troops withdrawn"
    near, _ = quote_check(claim, [_evidence("Truss said we need to see the troops withdrawn now.")])
    assert near.outcome == "found_near" and 85 <= near.similarity < 100
    unattributed, _ = quote_check(claim, [_evidence("Someone said we need to see troops withdrawn.")])
    assert unattributed.outcome == "found_verbatim_unattributed"
    missing, cites = quote_check(claim, [_evidence("The bakery sells bread on Sundays.")])
    assert missing.outcome == "not_found" and cites == []
