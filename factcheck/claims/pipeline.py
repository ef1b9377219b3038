"""Claim detection for many stored documents in one run: stored claims are read back where the document and
the detector are unchanged; the others are detected in batches of 64 documents, the rules of one batch running
while the learned scorer embeds the previous one. Claim ids stay stable across runs (same span, same id)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from factcheck.claims.detect import detect_claims_batches
from factcheck.claims.scoring import detector_version, load_scorer
from factcheck.errors import InputError
from factcheck.models import Claim, Document, ProgressCallback
from factcheck.storage.db import ArticleStores
from factcheck.text.language import MAX_ARTICLE_CHARS

BATCH = 64
logger = logging.getLogger(__name__)
CLAIM_LANGUAGES = ("", "en")  # the number, date and speaker rules read English ("3,9 Prozent" is not 3 and 9)


def detect_stored(
    db: ArticleStores, document_ids: list[str], redo: bool = False, progress: ProgressCallback | None = None
) -> list[list[Claim]]:
    """The claims of each document, in the order given, detected only where needed, and stored."""
    if (
        len(document_ids) == 1
        and (document := db.document(document_ids[0]))
        and len(document.text) > MAX_ARTICLE_CHARS
    ):
        raise InputError(too_long(document))
    detector = detector_version()
    out: dict[str, list[Claim]] = {}
    todo: list[str] = []
    for document_id in document_ids:
        stored = db.claims_detected_on(document_id)
        if not redo and stored is not None and stored == (db.document_hash(document_id), detector):
            out[document_id] = sorted(db.claims(document_id), key=lambda c: (c.span.start, c.span.end))
        else:
            todo.append(document_id)
    if todo:
        _detect(db, todo, detector, out, progress)
    return [out[document_id] for document_id in document_ids]


def too_long(document: Document) -> str:
    return (
        f"{document.path or document.id} is {len(document.text):,} characters; claims are found in articles of up "
        f"to {MAX_ARTICLE_CHARS:,} characters (about 30,000 words): split it into articles to check it"
    )


def _batches(
    db: ArticleStores, todo: list[str], detector: str, out: dict[str, list[Claim]]
) -> Iterator[list[Document]]:
    for begin in range(0, len(todo), BATCH):
        documents = [db.document(document_id) for document_id in todo[begin : begin + BATCH]]
        for document in documents:
            if document.language not in CLAIM_LANGUAGES:
                out[document.id] = []
                db.save_claims(document.id, [], (document.content_hash, detector))
            elif len(document.text) > MAX_ARTICLE_CHARS:
                out[document.id] = []
                logger.warning("%s", too_long(document))
        english = [d for d in documents if d.language in CLAIM_LANGUAGES and len(d.text) <= MAX_ARTICLE_CHARS]
        if english:
            yield english


def _detect(
    db: ArticleStores,
    todo: list[str],
    detector: str,
    out: dict[str, list[Claim]],
    progress: ProgressCallback | None,
) -> None:
    sent: list[list[Document]] = []  # batches handed to the pipeline, not yet answered

    def handed() -> Iterator[list[Document]]:
        for documents in _batches(db, todo, detector, out):
            sent.append(documents)
            yield documents

    done = 0
    for detected in detect_claims_batches(handed(), load_scorer()):
        for document, claims in zip(sent.pop(0), detected, strict=True):
            known = {(c.span.start, c.span.end): c.id for c in db.claims(document.id)}
            claims = [
                c.model_copy(update={"id": known.get((c.span.start, c.span.end), c.id)}) for c in claims
            ]
            db.save_claims(document.id, claims, (document.content_hash, detector))
            out[document.id] = claims
            done += 1
        if progress:
            progress(done, len(todo), "claims detected")
