import shutil

import numpy as np
import pytest
from support.paths import SEED_A

from factcheck.errors import InputError, NotFoundError
from factcheck.workspace import Workspace


def test_index_is_idempotent_and_replaces_changed_files(workspace, corpus):
    first = workspace.index([corpus])
    assert (first.new, first.updated, first.skipped, first.failed) == (2, 0, 0, 0)
    count = workspace.store.count()
    assert count == first.passages > 0
    again = workspace.index([corpus])
    assert (again.new, again.skipped, again.passages) == (0, 2, 0)
    assert workspace.store.count() == count
    changed = corpus / SEED_A.name
    changed.write_text(changed.read_text() + "\nThe ministry said 12 new bridges opened in March.\n")
    third = workspace.index([corpus])
    assert (third.updated, third.skipped) == (1, 1)
    document = workspace.document(str(changed))
    assert "12 new bridges" in workspace.db.passages(document.id)[-1].text
    assert workspace.store.count() == sum(s.passages for s in workspace.sources())
    forced = workspace.index([corpus], force=True)
    assert forced.updated == 2 and workspace.store.count() == sum(s.passages for s in workspace.sources())


def test_bad_files_are_reported_and_the_rest_indexed(workspace, corpus):
    (corpus / "empty.txt").write_text("")
    (corpus / "image.txt").write_bytes(b"\x00\x01\x02binary")
    (corpus / "latin.txt").write_bytes("caf\xe9".encode("latin-1"))
    report = workspace.index([corpus, corpus / "missing.txt"])
    assert report.new == 2 and report.failed == 4
    assert len(report.errors) == 4 and all("\n" not in e for e in report.errors)


def test_an_interrupted_run_loses_nothing_and_a_rerun_completes(settings, corpus, monkeypatch):
    from factcheck.storage import db as db_module

    workspace = Workspace(settings)
    calls = {"n": 0}
    original = db_module.Database.save_documents
    monkeypatch.setattr("factcheck.ingest.pipeline.GROUP_PASSAGES", 1)  # one document per group

    def crash_on_second(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(db_module.Database, "save_documents", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        workspace.index([corpus])
    monkeypatch.setattr(db_module.Database, "save_documents", original)
    assert len(workspace.sources()) == 1
    report = workspace.index([corpus])
    assert (report.new, report.skipped) == (1, 1)
    assert workspace.store.count() == sum(s.passages for s in workspace.sources())
    workspace.close()


def test_search_returns_passages_with_offsets_and_titles(workspace, corpus):
    workspace.index([corpus])
    hits = workspace.search("how many Russian troops are at the border", k=3)
    assert len(hits) == 3 and hits[0].score >= hits[-1].score
    assert any("100,000" in h.passage.text for h in hits)
    for hit in hits:
        document = workspace.db.document(hit.passage.document_id)
        assert document.text[hit.passage.start : hit.passage.end] == hit.passage.text
        assert hit.title == document.title


def test_search_excluding_a_document(workspace, corpus):
    workspace.index([corpus])
    own = workspace.document(str(corpus / SEED_A.name))
    hits = workspace.search("troops", k=10, exclude_document=own.id)
    assert hits and all(h.passage.document_id != own.id for h in hits)


def test_claims_are_stored_under_stable_ids(workspace, corpus):
    claims = workspace.claims(str(corpus / SEED_A.name))
    again = workspace.claims(workspace.document(str(corpus / SEED_A.name)).id)
    assert [c.id for c in claims] == [c.id for c in again]
    assert workspace.db.claim(claims[0].id) == claims[0]


def test_unknown_ids_and_paths_are_clear_errors(workspace):
    with pytest.raises(NotFoundError, match="sources list"):
        workspace.document("d000")
    with pytest.raises(InputError, match="no such file"):
        workspace.claims("nowhere/article.txt")
    with pytest.raises(NotFoundError):
        workspace.db.claim("c123")


def test_remove_deletes_vectors_and_rows(workspace, corpus):
    workspace.index([corpus])
    before = workspace.store.count()
    removed = workspace.remove(str(corpus / SEED_A.name))
    assert workspace.store.count() < before
    with pytest.raises(NotFoundError):
        workspace.db.document(removed.id)


def test_reopening_the_store_uses_the_explicit_embedding_function(settings, corpus):
    first = Workspace(settings)
    first.index([corpus])
    first.close()
    second = Workspace(settings)
    assert second.search("Truss visited Moscow", k=1)[0].passage.document_id
    assert second.store.collection._embedding_function.name() == "factcheck-minilm-int8"
    second.close()
    shutil.rmtree(settings.home)


def test_claims_of_a_multi_record_file_ask_for_one_id(workspace, tmp_path):
    path = tmp_path / "wire.jsonl"
    path.write_text(
        '{"id": "a", "text": "The mayor said 40 schools closed."}\n{"id": "b", "text": "Exports fell 3 '
        'percent."}\n'
    )
    with pytest.raises(InputError, match="holds 2 records"):
        workspace.claims(str(path))
    document_ids = [s.id for s in workspace.sources()]
    claims = workspace.claims(document_ids[0])
    assert claims and all(c.document_id == document_ids[0] for c in claims)


def test_indexing_in_a_child_process_stores_the_vectors_of_indexing_in_this_one(tmp_path, corpus):
    from factcheck.settings import load_settings

    stored = {}
    for separate in (True, False):
        settings = load_settings(home=tmp_path / f"separate-{separate}")
        settings.embeddings.separate_process = separate
        with Workspace(settings) as workspace:
            assert workspace.index([corpus]).new == 2
            got = workspace.store.collection.get(include=["embeddings"])
            stored[separate] = dict(zip(got["ids"], got["embeddings"], strict=True))
    assert stored[True].keys() == stored[False].keys() and len(stored[True]) > 10
    assert all(np.array_equal(stored[True][key], stored[False][key]) for key in stored[True])


def test_a_closed_workspace_leaves_no_file_of_its_store_open(tmp_path, corpus):
    import os

    from factcheck.settings import load_settings
    from factcheck.workspace import Workspace

    def open_files():
        found = set()
        for fd in os.listdir("/proc/self/fd"):
            try:
                found.add(os.readlink(f"/proc/self/fd/{fd}"))
            except OSError:  # the descriptor listdir itself used, closed since
                pass
        return found

    for number in range(2):
        home = tmp_path / f"home{number}"
        with Workspace(load_settings(home=home)) as workspace:
            workspace.index([corpus])
            assert workspace.search("troops", k=1)
        assert not [f for f in open_files() if f.startswith(str(home))], "Chroma files still open"
