"""Checked before? The matching service behind the façade: imported fact-check archives and this workspace's
approved notes, embedded once and matched offline (vectors plus BM25) against claims; near-duplicate claims
across articles grouped by statement similarity."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np

from factcheck.matching.archive import read_archive
from factcheck.matching.matcher import ClaimMatcher
from factcheck.models import (
    ArchiveReport,
    CheckedClaim,
    Claim,
    PriorCheck,
    ProgressCallback,
)
from factcheck.settings import Settings
from factcheck.storage.db import MatchingStores
from factcheck.text.social import clean_post

Embedder = Callable[[list[str]], np.ndarray]
ARCHIVE_BATCH = 256


class Matching:
    """Earlier fact-checks of claims, and groups of the same claim in several articles."""

    def __init__(self, db: MatchingStores, settings: Settings, embed: Embedder, embedding: str) -> None:
        self.db, self.settings, self.embed, self.embedding = db, settings, embed, embedding
        self._matcher: tuple[int, list[CheckedClaim], ClaimMatcher] | None = None

    def statement_vectors(self, texts: list[str]) -> np.ndarray:
        """Vectors of claim statements, from the workspace's cache where the same text was embedded before."""
        keys = [hashlib.sha256(text.encode()).hexdigest()[:32] for text in texts]
        known = self.db.statement_vectors(sorted(set(keys)), self.embedding)
        missing = sorted({(key, text) for key, text in zip(keys, texts, strict=True) if key not in known})
        if missing:
            fresh = self.embed([text for _, text in missing])
            made = {key: vector for (key, _), vector in zip(missing, fresh, strict=True)}
            self.db.save_statement_vectors(made, self.embedding)
            known.update(made)
        return np.stack([known[key] for key in keys]) if keys else np.zeros((0, 0), dtype=np.float32)

    def import_archive(self, path: Path, progress: ProgressCallback | None = None) -> ArchiveReport:
        """Import published fact-checks; records already imported unchanged are skipped."""
        reading = read_archive(path, self.settings.matching.max_archive_mb)
        stored = self.db.checked_claim_records(self.embedding)
        todo = list({c.id: c for c in reading.claims if stored.get(c.id) != c.model_dump_json()}.values())
        for begin in range(0, len(todo), ARCHIVE_BATCH):
            part = todo[begin : begin + ARCHIVE_BATCH]
            claim_vectors = self.embed([c.claim for c in part])
            title_vectors = self.embed([c.title or c.claim for c in part])
            self.db.save_checked_claims(part, claim_vectors, title_vectors, self.embedding)
            if progress:
                progress(begin + len(part), len(todo), part[-1].claim)
        return ArchiveReport(
            imported=len(todo), unchanged=len(reading.claims) - len(todo), errors=reading.errors
        )

    def _sync_own_checks(self) -> None:
        """Approved notes become checked claims of origin 'workspace' (one per note version); ones no longer
        approved, or changed since, leave. Only new approvals are read and embedded."""
        current = {f"note:{note_id}@{version}": note_id for note_id, version in self.db.approved_versions()}
        stored = {c.id for c in self.db.checked_claims_of("workspace")}
        self.db.delete_checked_claims(sorted(stored - current.keys()))
        new = []
        for key in sorted(current.keys() - stored):
            note = self.db.note(current[key])
            claim = self.db.claim(note.claim_id)
            new.append(
                CheckedClaim(
                    id=key,
                    claim=note.claim_reviewed or claim.statement,
                    title=claim.text,
                    rating=note.verdict.value.replace("_", " "),
                    publisher=self.settings.publisher.name or "this workspace",
                    published=str(self.db.document(claim.document_id).published or ""),
                    origin="workspace",
                    source_id=claim.id,
                )
            )
        if new:
            self.db.save_checked_claims(
                new,
                self.embed([c.claim for c in new]),
                self.embed([c.title or c.claim for c in new]),
                self.embedding,
            )

    def _claim_matcher(self) -> tuple[list[CheckedClaim], ClaimMatcher]:
        self._sync_own_checks()
        revision = self.db.archive_revision()
        if self._matcher is None or self._matcher[0] != revision:
            checked, claim_vectors, title_vectors = self.db.checked_claims(self.embedding)
            matcher = ClaimMatcher([f"{c.claim} {c.title}" for c in checked], claim_vectors, title_vectors)
            self._matcher = (revision, checked, matcher)
        return self._matcher[1], self._matcher[2]

    def prior_checks(self, claims: list[Claim]) -> dict[str, list[PriorCheck]]:
        """Claim id -> earlier fact-checks of it, strongest first; claims with none are left out."""
        approved = self.db.has_approved_notes()
        if not claims or not self.db.archive_origins() and not approved:
            return {}
        checked, matcher = self._claim_matcher()
        if not matcher.size:
            return {}
        texts = [clean_post(c.statement or c.text) for c in claims]
        vectors = self.statement_vectors(texts)
        threshold, shown = self.settings.matching.threshold, self.settings.matching.shown
        found: dict[str, list[PriorCheck]] = {}
        for claim, text, vector in zip(claims, texts, vectors, strict=True):
            own = np.array([c.origin == "workspace" and c.source_id == claim.id for c in checked])
            matches = [
                PriorCheck(checked=checked[r.row], strength=round(max(0.0, min(1.0, r.strength)), 3))
                for r in matcher.rank(text, vector, k=shown, exclude=own)
                if r.strength >= threshold
            ]
            if matches:
                found[claim.id] = sorted(matches, key=lambda m: -m.strength)
        return found

    def claim_groups(self, claims: list[Claim]) -> dict[str, list[str]]:
        """Near-duplicate claims across articles: claim id -> ids of the same claim in other articles
        (statement similarity at least `matching.group_threshold`). Claims without a twin are left out."""
        if len(claims) < 2:
            return {}
        vectors = self.statement_vectors([clean_post(c.statement or c.text) for c in claims])
        roots = _union_similar(claims, vectors, self.settings.matching.group_threshold)
        members: dict[int, list[int]] = {}
        for i, root in enumerate(roots):
            members.setdefault(root, []).append(i)
        groups: dict[str, list[str]] = {}
        for rows in members.values():
            if len({claims[r].document_id for r in rows}) > 1:
                for r in rows:
                    groups[claims[r].id] = [claims[o].id for o in rows if o != r]
        return groups


def _union_similar(claims: list[Claim], vectors: np.ndarray, threshold: float) -> list[int]:
    """The group (a root row) of each claim: claims of different articles at least `threshold` similar are
    joined (union-find), compared a block of rows at a time so memory stays flat."""
    parent = list(range(len(claims)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    block = 1024
    for begin in range(0, len(claims), block):
        similar = vectors[begin : begin + block] @ vectors.T
        for row, j in zip(*np.nonzero(similar >= threshold), strict=True):
            i = begin + int(row)
            if (
                i < j
                and claims[i].document_id != claims[j].document_id
                and _same_particulars(claims[i], claims[j])
            ):
                parent[root(i)] = root(int(j))
    return [root(i) for i in range(len(claims))]


_NUMBER = re.compile(r"\d[\d,.]*\d|\d")


def _particulars(claim: Claim) -> tuple[frozenset[str], frozenset[str]]:
    """The names (capitalised words after the first) and the numbers a claim states."""
    text = claim.statement or claim.text
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    names = frozenset(w.casefold() for w in words[1:] if w[:1].isupper())
    numbers = frozenset(n.replace(",", "") for n in _NUMBER.findall(text))
    return names, numbers


def _same_particulars(a: Claim, b: Claim) -> bool:
    """Similar wording is not the same claim when it names other people or states other figures ("a clear
    message to Minister Lavrov" is not "... to Minister Scholz"): only claims with the same names and numbers
    are grouped, so a decision on one never lands on a claim about someone else."""
    return _particulars(a) == _particulars(b)
