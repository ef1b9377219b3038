import pytest

from factcheck.text.quantities import find_quantities, quantity_claim_span


@pytest.mark.parametrize(
    "text, value, approximation, unit",
    [
        ("the buildup of about 100,000 Moscow troops on the border", 100000, "about", "troops"),
        ("We're 9 million jobs short of that.", 9e6, "", "jobs"),
        ("consuming 50 percent of the world's cocaine", 50, "", "percent"),
        ("more than 2.5 million people fled", 2.5e6, "more than", "people"),
        ("nearly two hundred people died", 200, "nearly", "people"),
        ("up to $5 billion in aid", 5e9, "up to", "dollars"),
        ("tens of thousands of protesters marched", 20000, "more than", "protesters"),
    ],
)
def test_values_hedges_and_counted_nouns(text, value, approximation, unit):
    (quantity,) = find_quantities(text)
    assert (quantity.value, quantity.approximation, quantity.unit) == (value, approximation, unit)
    assert text[quantity.start : quantity.end] == quantity.text


@pytest.mark.parametrize(
    "text",
    [
        "It happened in 2019.",
        "quoted by TASS February 11.",
        "on 10.02.2022 in Moscow",
        "the border of the two countries",
        "one of the ministers",
        "the 2nd round",
        "escalation of tensions",
    ],
)
def test_dates_years_ordinals_and_references_are_not_quantities(text):
    assert find_quantities(text) == []


def test_claim_span_takes_the_place_phrase():
    text = "along with the buildup of about 100,000 Moscow troops on the border of the two countries."
    (quantity,) = find_quantities(text)
    start, end = quantity_claim_span(text, quantity, len(text))
    assert text[start:end] == "about 100,000 Moscow troops on the border of the two countries"
