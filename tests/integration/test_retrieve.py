from datetime import date

from support.paths import SEED_A

from factcheck.retrieval.fusion import RetrievalSettings


def test_retrieval_excludes_own_article_diversifies_and_flags(workspace, corpus):
    (corpus / "wire.md").write_text(
        "---\ntitle: Wire report\ndate: 2022-02-12\noutlet: Example Wire\n---\n"
        "Russia has about 100,000 troops near the border with Ukraine, officials said on Saturday.\n"
        "Liz Truss met Sergei Lavrov in Moscow on Thursday.\n"
    )
    workspace.index([corpus])
    own = workspace.document(str(corpus / SEED_A.name))
    evidence = workspace.retriever.retrieve(
        "about 100,000 Russian troops on the border",
        RetrievalSettings(k=5, per_document=1),
        own_document=own.id,
        claim_date=date(2022, 2, 10),
    )
    assert evidence and all(e.passage.document_id != own.id for e in evidence)
    assert len({e.passage.document_id for e in evidence}) == len(evidence)  # one passage per document
    wire = [e for e in evidence if e.title == "Wire report"]
    assert (
        wire and "after_claim" in wire[0].flags and wire[0].lexical_score and wire[0].dense_score is not None
    )
    with_own = workspace.retriever.retrieve(
        "about 100,000 Moscow troops", RetrievalSettings(k=5, include_own_article=True), own_document=own.id
    )
    assert any("own_article" in e.flags for e in with_own)


def test_lexical_index_follows_reindexing(workspace, corpus):
    workspace.index([corpus])
    assert not workspace.lexical.search("zeppelin", 5)
    (corpus / "new.txt").write_text(
        "Zeppelin news\n\nA zeppelin landed in Hamburg on Monday, officials said.\n"
    )
    workspace.index([corpus])
    assert workspace.lexical.search("zeppelin", 5)


def test_search_finds_exact_words_dense_alone_might_miss(workspace, corpus):
    workspace.index([corpus])
    hits = workspace.search("Peskov", k=3)
    assert "Peskov" in hits[0].passage.text
    assert hits[0].lexical_score is not None


def test_bm25_index_is_saved_loaded_and_updated_with_new_passages_only(settings, corpus, monkeypatch):
    from factcheck.retrieval.lexical import LexicalIndex
    from factcheck.workspace import Workspace

    first = Workspace(settings)
    first.index([corpus])
    assert first.lexical.search("Peskov", 3)
    assert (settings.home / "bm25" / "lexical.json").exists()
    first.close()
    tokenized = []
    original = LexicalIndex.tokens
    monkeypatch.setattr(
        LexicalIndex, "tokens", lambda self, text: tokenized.append(text) or original(self, text)
    )
    second = Workspace(settings)
    assert second.lexical.search("Peskov", 3)
    assert tokenized == ["Peskov"]  # loaded from disk: no passage tokenized again
    (corpus / "new.txt").write_text(
        "Zeppelin news\n\nA zeppelin landed in Hamburg on Monday, officials said.\n"
    )
    second.index([corpus])
    tokenized.clear()
    assert second.lexical.search("zeppelin", 3)[0][0].startswith(second.document(str(corpus / "new.txt")).id)
    assert tokenized == ["A zeppelin landed in Hamburg on Monday, officials said.", "zeppelin"]
    second.close()
