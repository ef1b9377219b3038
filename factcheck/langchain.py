"""The workspace's retrieval as a LangChain retriever, for LangChain chains and agents.

    from factcheck import Workspace
    from factcheck.langchain import FactcheckRetriever

    retriever = FactcheckRetriever.for_claim(Workspace(), "c5f66f9d8de9")  # own article out, dated
    docs = retriever.invoke("NATO open door policy")

Each LangChain `Document` is one stored passage; its metadata names the passage, its document, the offsets
into the document, the publication date and the flags drafting uses (`after_claim`, `same_outlet`, ...), so a
chain can cite exactly as factcheck does."""

from __future__ import annotations

from datetime import date
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LangChainDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from factcheck.workspace import Workspace


class FactcheckRetriever(BaseRetriever):
    """Dense + BM25 retrieval over an open `Workspace`, exactly as drafting uses it."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    workspace: Workspace
    k: int = Field(6, ge=1, le=100, description="Passages returned.")
    per_document: int = Field(2, ge=1, description="At most this many passages from one document.")
    exclude_document: str | None = Field(None, description="A document id never returned (the claim's own).")
    claim_date: date | None = Field(None, description="Flag evidence dated after (or long before) this date.")
    drop_after_claim: bool = Field(False, description="Leave out evidence published after `claim_date`.")

    @classmethod
    def for_claim(cls, workspace: Workspace, claim_id: str, **options: Any) -> FactcheckRetriever:
        """A retriever for checking one stored claim: its article excluded, its date set."""
        claim = workspace.claim(claim_id)
        return cls(
            workspace=workspace, exclude_document=claim.document_id, claim_date=claim.claim_date, **options
        )

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[LangChainDocument]:
        hits = self.workspace.retrieve(
            query, self.k, self.per_document, own_document=self.exclude_document, claim_date=self.claim_date
        )
        if self.drop_after_claim:
            hits = [hit for hit in hits if "after_claim" not in hit.flags]
        return [
            LangChainDocument(
                id=hit.passage.id,
                page_content=hit.passage.text,
                metadata={
                    "passage_id": hit.passage.id,
                    "document_id": hit.passage.document_id,
                    "start": hit.passage.start,
                    "end": hit.passage.end,
                    "title": hit.title,
                    "url": hit.url,
                    "outlet": hit.outlet,
                    "published": hit.published.isoformat() if hit.published else None,
                    "score": hit.score,
                    "flags": list(hit.flags),
                },
            )
            for hit in hits
        ]
