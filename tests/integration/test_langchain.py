"""The workspace's retrieval as a LangChain retriever, run inside a LangChain runnable chain."""

from datetime import date

from langchain_core.runnables import RunnableLambda, RunnableParallel
from support.paths import DATA, SEED_A

from factcheck.langchain import FactcheckRetriever


def test_retriever_in_a_runnable_excludes_the_claims_article_and_carries_dates(workspace):
    workspace.index([SEED_A, DATA / "evidence"])
    claim = next(c for c in workspace.claims(str(SEED_A)) if c.text.startswith("about 100,000 Moscow troops"))
    retriever = FactcheckRetriever.for_claim(workspace, claim.id, k=4)
    chain = RunnableParallel(
        passages=retriever | RunnableLambda(lambda docs: [d.metadata["passage_id"] for d in docs]),
        documents=retriever | RunnableLambda(lambda docs: {d.metadata["document_id"] for d in docs}),
    )
    result = chain.invoke("Russian troops near the Ukrainian border")
    assert result["passages"] and claim.document_id not in result["documents"]
    docs = retriever.invoke("Russian troops near the Ukrainian border")
    first = docs[0]
    stored = {p.id: p for p in workspace.passages(first.metadata["document_id"])}[
        first.metadata["passage_id"]
    ]
    assert first.page_content == stored.text
    assert (first.metadata["start"], first.metadata["end"]) == (stored.start, stored.end)
    assert all(d.metadata["published"] is None or date.fromisoformat(d.metadata["published"]) for d in docs)

    # The same retrieval without exclusion can return the claim's own article, flagged as such by dates.
    everything = FactcheckRetriever(workspace=workspace, k=10, per_document=10)
    own = [d for d in everything.invoke(claim.text) if d.metadata["document_id"] == claim.document_id]
    assert own, "without exclusion the article itself is a hit"
    dated = FactcheckRetriever(workspace=workspace, k=10, per_document=10, claim_date=date(2000, 1, 1))
    flagged = dated.invoke("Russian troops near the Ukrainian border")
    assert flagged and all("after_claim" in d.metadata["flags"] for d in flagged if d.metadata["published"])
    strict = dated.model_copy(update={"drop_after_claim": True})
    assert all(
        d.metadata["published"] is None for d in strict.invoke("Russian troops near the Ukrainian border")
    )
    assert len(strict.invoke("Russian troops near the Ukrainian border")) < len(flagged)
