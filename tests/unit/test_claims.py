"""Claim detection by the rules alone (no learned scorer: that needs the embedding model)."""

from support.paths import SEED_A, SEED_B

from factcheck.claims.detect import detect_claims, detect_claims_many
from factcheck.ingest.readers import read_documents
from factcheck.models import ClaimType
from factcheck.settings import ClaimSettings

THRESHOLD = ClaimSettings().threshold


def _claims(path, scorer=None):
    document = read_documents(path, 10).documents[0]
    return document, detect_claims(document, scorer=scorer)


def test_spans_are_exact_substrings_and_ids_are_stable():
    document, first = _claims(SEED_A)
    _, second = _claims(SEED_A)
    assert [c.id for c in first] == [c.id for c in second]
    for claim in first:
        assert document.text[claim.span.start : claim.span.end] == claim.text
        assert claim.sentence_span.start <= claim.span.start < claim.span.end <= claim.sentence_span.end
        assert 0.0 <= claim.checkworthiness <= 1.0


def test_troop_buildup_is_a_quantity_claim_with_value_hedge_and_noun():
    _, claims = _claims(SEED_A)
    (claim,) = [c for c in claims if "100,000" in c.text]
    assert claim.type == ClaimType.quantity
    assert claim.text.startswith("about 100,000 Moscow troops")
    assert claim.text == "about 100,000 Moscow troops on the border of the two countries"
    (quantity,) = claim.quantities
    assert (quantity.value, quantity.approximation, quantity.unit) == (100000, "about", "troops")
    assert claim.checkworthiness >= THRESHOLD


def test_quotes_get_speaker_channel_and_resolved_pronouns():
    _, claims = _claims(SEED_A)
    quotes = {c.text[:25]: c for c in claims if c.type == ClaimType.quote}
    twitter = quotes["I delivered a clear messa"]
    assert "Truss" in twitter.speaker and twitter.channel == "Twitter"
    continued = quotes["If Russia is serious about"[:25]]
    assert "Truss" in continued.speaker  # "he continued" -> nearest named speaker
    tass = quotes["We have not heard another"]
    assert "Lavrov" in tass.speaker and tass.channel == "TASS"
    assert "Lavrov" in quotes["Unlike the exercises on it"[:25]].speaker  # "he quipped"


def test_title_teaser_dateline_and_headings_are_not_claims():
    document, claims = _claims(SEED_B)
    assert all(c.span.start >= document.body_start for c in claims)
    assert not any(c.text.startswith("Security Row") for c in claims)
    assert not any("Sputnik International" in c.text for c in claims)


def test_statement_stands_alone_with_date_and_resolved_pronoun():
    _, claims = _claims(SEED_B)
    (she,) = [c for c in claims if c.text.startswith("She also asserted")]
    assert she.statement.startswith("Liz Truss also asserted") and "10 February 2022" in she.statement
    (thursday,) = [c for c in claims if c.text.startswith("Lavrov, however, said on Thursday")]
    assert "on Thursday, 10 February 2022" in thursday.statement


def test_opinion_scores_below_plain_fact():
    _, claims = _claims(SEED_B)
    by_start = {c.text[:30]: c.checkworthiness for c in claims}
    fact = by_start["Both Washington and London hav"]
    opinion = by_start["Lavrov, however, said on Thurs"]
    assert fact > opinion


def test_refiner_hook_may_change_statement_and_type_but_never_the_span():
    document = read_documents(SEED_A, 10).documents[0]

    def meddling(claim, doc):
        return claim.model_copy(
            update={
                "statement": "Rewritten.",
                "type": ClaimType.other,
                "text": "moved",
                "statement_source": "fake-llm",
            }
        )

    claims = detect_claims(document, refine=meddling)
    assert all(c.statement == "Rewritten." and c.statement_source == "fake-llm" for c in claims)
    assert all(document.text[c.span.start : c.span.end] == c.text for c in claims)


def test_a_batch_is_scored_in_one_call_with_each_sentence_once_and_equals_one_by_one():
    first, second = (read_documents(path, 10).documents[0] for path in (SEED_A, SEED_B))
    calls = []

    def scorer(texts):
        calls.append(list(texts))
        return [min(1.0, len(t) / 300) for t in texts]

    batch = detect_claims_many([first, second, first], scorer)
    assert len(calls) == 1 and len(calls[0]) == len(set(calls[0]))  # one call, no repeated sentence
    assert batch[0] == batch[2] == detect_claims(first, scorer) and batch[1] == detect_claims(second, scorer)


def test_the_pipeline_keeps_batches_in_order_and_scores_each_sentence_once_per_batch():
    from factcheck.claims.detect import detect_claims_batches

    first, second = (read_documents(path, 10).documents[0] for path in (SEED_A, SEED_B))
    scored = []

    def scorer(texts):
        scored.extend(texts)
        return [min(1.0, len(t) / 300) for t in texts]

    results = list(detect_claims_batches([[first], [second, first], [second]], scorer))
    assert [len(r) for r in results] == [1, 2, 1]
    assert results[0][0] == results[1][1] == detect_claims(first, scorer)
    assert results[1][0] == results[2][0] == detect_claims(second, scorer)
    assert list(detect_claims_batches([[first]], None))[0][0] == detect_claims(first, None)


def test_a_personal_anecdote_scores_below_the_same_event_as_public_record_but_quotes_keep_their_score():
    from factcheck.claims.detect import rule_score

    anecdote = "Two years ago I met the governor of Ohio in Columbus."
    record = "Two years ago the president met the governor of Ohio in Columbus."
    assert rule_score(ClaimType.event, anecdote, []) <= rule_score(ClaimType.event, record, []) - 0.15
    # inside reported speech the first person is the speaker's: did they say it is still checkable
    assert rule_score(ClaimType.quote, anecdote, []) == rule_score(ClaimType.quote, record, [])
