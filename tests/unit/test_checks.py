from datetime import date

import pytest
from support.fakes import evidence_item

from factcheck.drafting.checks import compare_quantity, quantity_check, quote_check
from factcheck.models import Claim, ClaimType, Quantity, Span


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


def _evidence(text, doc="d2", flags=(), about=True):
    return evidence_item(text, doc=doc, flags=flags, about=about)


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


def test_quantity_disagreement_reports_ratio_and_cites_the_whole_sentence_with_the_number():
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
    assert (
        citations[0].quote == "Officials estimate about 130,000 Russian soldiers are there."
        and citations[0].start == 10
    )
    assert "evidence [1]" in result.detail and "Wire" not in result.detail  # no source text in the check


def test_a_bare_figure_is_cited_with_its_sentence_so_the_citation_says_something():
    from factcheck.drafting.grounding import carries_content

    figure = Quantity(text="8%", value=8.0, approximation="", unit="percent", start=25, end=27)
    claim = _claim("Unemployment in Ohio was 8% in 2020.", ClaimType.quantity, quantities=[figure])
    sentence = "Unemployment in Ohio was 9.1% in 2020, officials said."
    result, citations = quantity_check(claim, [_evidence(sentence)])
    assert result.outcome == "disagree" and "'9.1%' in evidence [1]" in result.detail
    assert [c.quote for c in citations] == [sentence] and carries_content(citations[0].quote)
    assert citations[0].start == 10  # the sentence's own offset in the document


TROOPS = Quantity(
    text="about 100,000 Moscow troops", value=100000, approximation="about", unit="troops", start=0, end=27
)


def _troops(sentence="Russia has massed about 100,000 Moscow troops near Ukraine's border in 2022"):
    claim = _claim("about 100,000 Moscow troops", ClaimType.quantity, quantities=[TROOPS])
    return claim.model_copy(update={"sentence": sentence})


def test_figures_about_another_army_are_not_compared():
    result, citations = quantity_check(
        _troops(), [_evidence("Washington put about 8,500 US troops on alert.")]
    )
    assert result.outcome == "not_comparable" and citations == []


MOVING = (
    "Officials estimate that about 130,000 Russian troops are now near Ukraine, up from earlier estimates."
)


def test_a_later_or_moving_figure_is_a_change_since_never_a_refutation():
    dated = _troops().model_copy(update={"claim_date": date(2022, 1, 20)})
    later, _ = quantity_check(
        dated, [_evidence("About 130,000 Russian troops are near Ukraine.", flags=["after_claim"])]
    )
    assert later.outcome == "changed_since" and "not a refutation" in later.detail
    moving, _ = quantity_check(dated, [_evidence(MOVING)])
    assert moving.outcome == "changed_since"


def test_an_undated_claim_has_no_moment_to_have_changed_since_so_a_different_figure_disagrees():
    undated, _ = quantity_check(_troops(), [_evidence(MOVING)])
    assert undated.outcome == "disagree" and "changed" not in undated.detail


def test_figures_of_another_year_or_from_passages_not_about_the_claim_are_not_compared():
    other_year, _ = quantity_check(
        _troops(), [_evidence("In 2014 about 40,000 Russian troops were near Ukraine.")]
    )
    assert other_year.outcome == "not_comparable"
    unrelated, _ = quantity_check(_troops(), [_evidence("About 130,000 Russian troops.", about=False)])
    assert unrelated.outcome == "not_comparable"


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
    assert verbatim.outcome == "found_verbatim"
    assert (
        cites[0].quote == 'Truss said: "We need to see troops withdrawn," on Thursday.'
    )  # the whole sentence
    near, _ = quote_check(claim, [_evidence("Truss said we need to see the troops withdrawn now.")])
    assert near.outcome == "found_near" and 85 <= near.similarity < 100
    unattributed, _ = quote_check(claim, [_evidence("Someone said we need to see troops withdrawn.")])
    assert unattributed.outcome == "found_verbatim_unattributed"
    missing, cites = quote_check(claim, [_evidence("The bakery sells bread on Sundays.")])
    assert missing.outcome == "not_found" and cites == []


def test_part_of_a_long_quote_reported_of_its_speaker_counts_as_said_by_them():
    quote = (
        "We also talked about it today, but the minister made it quite clear that it is none of our business. "
        "Meanwhile, Russian troops on Russian territory are London's main concern, while the de-escalation logo "
        "is a unifying factor for the whole western community"
    )
    claim = _claim(quote, ClaimType.quote, speaker="Sergei Lavrov")
    reported = _evidence(
        'Lavrov told reporters the talks had been like "the mute with the deaf", and said Russian troops on '
        "Russian territory were London's main concern."
    )
    result, citations = quote_check(claim, [reported])
    assert result.outcome == "found_part" and "Part of the quote" in result.detail
    assert citations and citations[0].quote.startswith("Lavrov told reporters")
    elsewhere = _evidence("Analysts said Russian troops on Russian territory were London's main concern.")
    unattributed, _ = quote_check(claim, [elsewhere])
    assert unattributed.outcome == "found_part_unattributed"
