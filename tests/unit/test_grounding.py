"""The citation rule: a citation names a stored passage and its quote is verbatim there."""

from factcheck.drafting.grounding import cite, locate_quote, resolve_quote, ungrounded
from factcheck.models import Passage

PASSAGE = Passage(
    id="d1:0",
    document_id="d1",
    index=0,
    start=100,
    end=160,
    text="Officials said about 130,000 Russian troops were “near the border”.",
)


def test_quotes_are_found_exactly_or_repaired_to_the_passage_characters():
    start = PASSAGE.text.index("130,000")
    assert locate_quote("130,000 Russian troops", PASSAGE.text) == (
        start,
        start + len("130,000 Russian troops"),
    )
    citation = resolve_quote(PASSAGE, 'about   130,000 RUSSIAN troops were "near the border"')
    expected = "about 130,000 Russian troops were “near the border”"
    assert citation is not None and citation.quote == expected
    offset = PASSAGE.start + PASSAGE.text.index(expected)
    assert (citation.start, citation.end) == (offset, offset + len(expected))
    assert resolve_quote(PASSAGE, "the moon is made of cheese") is None
    assert locate_quote("", PASSAGE.text) is None


def test_ungrounded_names_every_citation_that_does_not_resolve():
    good = cite(PASSAGE, 15, 42, title="Wire")
    assert good.quote == PASSAGE.text[15:42] and good.start == PASSAGE.start + 15
    assert ungrounded([good], {PASSAGE.id: PASSAGE}) == []
    shifted = good.model_copy(update={"start": good.start + 1, "end": good.end + 1})
    missing = good.model_copy(update={"passage_id": "d9:0"})
    problems = ungrounded([good, shifted, missing], {PASSAGE.id: PASSAGE})
    assert len(problems) == 2 and "not verbatim" in problems[0] and "not a stored passage" in problems[1]
