"""BM25 over every stored passage, updated incrementally and saved in the workspace.

Term frequencies are kept as column-compressed numpy segments (one per update), so indexing more articles
tokenizes only the new passages, and removing or replacing a document only marks its rows dead.
Document frequencies, N and the average length are taken from live rows, so scores are exactly those of a
BM25 index built from scratch (Lucene variant, k1=1.5, b=0.75, as bm25s computes them). Segments are
merged, and dead rows dropped, when they pile up; nothing is re-tokenized.

Within a term, postings are kept in impact order (highest term-frequency share first), so a query whose
terms have more postings than `budget` scores only the best postings of each term: those above one score
cutoff shared by all its terms (impact-ordered early termination, as in Lin & Trotman's anytime ranking).
Below the budget every posting is scored and the ranking is exact; the budget only bounds the cost of
very common words in archives of a million passages.
"""

from __future__ import annotations

import json
import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from factcheck.storage.documents import DocumentStore

K1, B = 1.5, 0.75
MAX_SEGMENTS = 8
MAX_DEAD_FRACTION = 0.25
DEFAULT_BUDGET = 1_000_000  # postings scored per query at most
PROBE = 64  # best postings of each query term whose k-th best score bounds the top k from below
FORMAT = 2  # 2: postings in impact order within a term
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # bm25s's default token pattern


def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


@dataclass
class _Statistics:
    total: int
    frequency: np.ndarray
    impacts: list[np.ndarray]  # per segment, aligned with its postings


class LexicalIndex:
    """Incremental BM25 for one workspace database; `folder` (optional) keeps it between commands."""

    def __init__(self, db: DocumentStore, folder: Path | None = None, budget: int = DEFAULT_BUDGET) -> None:
        self.db = db
        self.folder = folder
        self.budget = budget  # 0: every posting, always exact
        self._lock = threading.Lock()
        self._stop = _stopwords()
        self._signature: int | None = None
        self._loaded = False
        self.vocab: dict[str, int] = {}
        self.ids: list[str] = []
        self.documents: dict[str, dict] = {}  # document id -> {"hash": content hash, "rows": [first, end)}
        self.segments: list[Postings] = []  # one per update; rows are global row numbers
        self.row_document: np.ndarray = np.zeros(0, dtype=np.int32)  # row -> document code
        self.lengths: np.ndarray = np.zeros(0, dtype=np.float32)
        self.live: np.ndarray = np.zeros(0, dtype=bool)
        self._stats: _Statistics | None = None
        self.codes: dict[str, int] = {}

    # tokens ------------------------------------------------------------------------------------
    def tokens(self, text: str) -> list[str]:
        return [t for t in _TOKEN.findall(text.lower()) if t not in self._stop]

    # updates -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Bring the index in line with the database: new and changed documents added, gone ones dropped."""
        signature = self.db.passage_signature()
        if signature == self._signature:
            return
        if not self._loaded:
            self._load()
        stored = self.db.document_hashes()
        stale = [d for d, entry in self.documents.items() if stored.get(d) != entry["hash"]]
        for document_id in stale:
            first, end = self.documents.pop(document_id)["rows"]
            self.live[first:end] = False
        fresh = [d for d in stored if d not in self.documents]
        if fresh:
            self._append(self.db.passages_of(fresh), stored)
        if len(self.segments) > MAX_SEGMENTS or (len(self.live) and (~self.live).mean() > MAX_DEAD_FRACTION):
            self._compact()
        self._signature = signature
        self._stats = None  # lengths or liveness may have changed
        if stale or fresh:
            self._save()

    def _append(self, rows: list[tuple[str, str, str]], hashes: dict[str, str]) -> None:
        first_row = len(self.ids)
        indptr: list[int] = [0]
        indices: list[int] = []
        counts: list[int] = []
        lengths: list[int] = []
        owners: list[int] = []
        for passage_id, document_id, text in rows:
            terms: dict[int, int] = {}
            tokens = self.tokens(text)
            for token in tokens:
                term = self.vocab.setdefault(token, len(self.vocab))
                terms[term] = terms.get(term, 0) + 1
            indices.extend(terms)
            counts.extend(terms.values())
            indptr.append(len(indices))
            lengths.append(len(tokens))
            owners.append(self.codes.setdefault(document_id, len(self.codes)))
            self.ids.append(passage_id)
            entry = self.documents.setdefault(
                document_id, {"hash": hashes[document_id], "rows": [first_row + len(lengths) - 1, 0]}
            )
            entry["rows"][1] = first_row + len(lengths)
        rows_of = np.repeat(np.arange(first_row, first_row + len(rows), dtype=np.int32), np.diff(indptr))
        self.row_document = np.concatenate([self.row_document, np.array(owners, dtype=np.int32)])
        self.lengths = np.concatenate([self.lengths, np.array(lengths, dtype=np.float32)])
        self.live = np.concatenate([self.live, np.ones(len(rows), dtype=bool)])
        self.segments.append(
            Postings.build(
                np.array(indices, dtype=np.int32),
                rows_of,
                np.array(counts, dtype=np.float32),
                len(self.vocab),
                self._row_norm(),
            )
        )

    def _compact(self) -> None:
        """One segment, live rows only, renumbered; documents keep their row ranges (rows stay contiguous)."""
        keep = np.flatnonzero(self.live)
        renumber = np.full(len(self.live), -1, dtype=np.int64)
        renumber[keep] = np.arange(len(keep))
        terms, rows, counts = (
            np.concatenate(parts) for parts in zip(*(s.triples() for s in self.segments), strict=True)
        )
        alive = self.live[rows]
        for entry in self.documents.values():
            first, end = entry["rows"]
            entry["rows"] = [int(renumber[first]), int(renumber[end - 1]) + 1]
        self.ids = [self.ids[i] for i in keep]
        self.row_document, self.lengths = self.row_document[keep], self.lengths[keep]
        self.live = np.ones(len(keep), dtype=bool)
        self.segments = [
            Postings.build(
                terms[alive],
                renumber[rows[alive]].astype(np.int32),
                counts[alive],
                len(self.vocab),
                self._row_norm(),
            )
        ]

    # queries -----------------------------------------------------------------------------------
    def search(
        self, query: str, k: int, exclude_document: str | None = None, within: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """(passage id, BM25 score) of the best k passages with a positive score, only from the documents
        `within` when given."""
        with self._lock:
            self.refresh()
            terms = {self.vocab[t] for t in self.tokens(query) if t in self.vocab}
            if not terms or not self.live.any():
                return []
            scores, probe = self._scores(terms)
            if exclude_document is not None and exclude_document in self.documents:
                first, end = self.documents[exclude_document]["rows"]
                scores[first:end] = 0.0
            if within is not None:
                codes = [self.codes[d] for d in within if d in self.codes]
                scores[~np.isin(self.row_document, codes)] = 0.0
            return self._top(scores, probe, k)

    def _top(self, scores: np.ndarray, probe: np.ndarray | None, k: int) -> list[tuple[str, float]]:
        """The k best rows with a positive score, best first (ties by row). Only rows at or above a floor are
        sorted: the k-th best score among each term's best postings, which the k-th best overall cannot
        be below (a partition of a million scores per query was a third of its time)."""
        floor = np.float32(0)
        if probe is not None and len(probe) > k:
            probed = np.partition(scores[probe], len(probe) - k)[len(probe) - k]
            floor = max(floor, probed)
        hit = np.flatnonzero(scores >= floor) if floor > 0 else np.flatnonzero(scores)
        if not len(hit):
            return []
        k = min(k, len(hit))
        top = hit[np.argpartition(-scores[hit], k - 1)[:k]]
        top = top[np.lexsort((top, -scores[top]))]
        return [(self.ids[i], float(scores[i])) for i in top]

    def _row_norm(self) -> np.ndarray:
        """BM25's length normalisation of every row, from the mean length of the live rows."""
        mean = float(self.lengths[self.live].mean()) if self.live.any() else 1.0
        return (K1 * (1 - B + B * self.lengths / mean)).astype(np.float32)

    def _statistics(self) -> _Statistics:
        """Live passages, document frequency per term and every posting's current impact (0 for a dead row):
        computed once per index change, not per query."""
        if self._stats is None:
            live_everywhere = bool(self.live.all())
            norm = self._row_norm()
            frequency = np.zeros(len(self.vocab), dtype=np.int64)
            impacts = []
            for segment in self.segments:  # a segment knows the terms seen up to its own update
                known = len(segment.indptr) - 1
                impact = segment.counts / (segment.counts + norm[segment.rows])
                if live_everywhere:
                    frequency[:known] += np.diff(segment.indptr)
                else:
                    alive = self.live[segment.rows]
                    terms = np.repeat(np.arange(known), np.diff(segment.indptr))
                    frequency[:known] += np.bincount(terms[alive], minlength=known)
                    impact[~alive] = 0.0
                impacts.append(impact.astype(np.float32))
            self._stats = _Statistics(int(self.live.sum()), frequency, impacts)
        return self._stats

    def _scores(self, terms: set[int]) -> tuple[np.ndarray, np.ndarray | None]:
        """BM25 of every row for these terms (0 where none occurs); over the budget, only the postings above
        the shared cutoff are scored. Also returns the rows of each term's best postings (the probe for `_top`)."""
        stats = self._statistics()
        slices: list[tuple[float, Postings, int, int]] = []
        impacts: list[np.ndarray] = []
        for term in sorted(terms):
            df = int(stats.frequency[term]) if term < len(stats.frequency) else 0
            if not df:
                continue
            idf = math.log(1 + (stats.total - df + 0.5) / (df + 0.5))
            for segment, impact in zip(self.segments, stats.impacts, strict=True):
                start, end = segment.span(term)
                if end > start:
                    slices.append((idf, segment, start, end))
                    impacts.append(impact)
        heads = _heads(slices, self.budget)
        scores = np.zeros(len(self.live), dtype=np.float32)
        for (idf, segment, start, _), head, impact in zip(slices, heads, impacts, strict=True):
            scores[segment.rows[start : start + head]] += idf * impact[start : start + head]
        probe = (
            np.unique(
                np.concatenate([segment.rows[start : start + PROBE] for _, segment, start, _ in slices])
            )
            if slices
            else None
        )
        return scores, probe

    # persistence -------------------------------------------------------------------------------
    def _save(self) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = {
            "row_document": self.row_document,
            "lengths": self.lengths,
            "live": self.live,
        }
        for n, segment in enumerate(self.segments):
            arrays.update(
                {
                    f"s{n}_indptr": segment.indptr,
                    f"s{n}_rows": segment.rows,
                    f"s{n}_counts": segment.counts,
                    f"s{n}_keys": segment.keys,
                }
            )
        np.savez(self.folder / "lexical.tmp.npz", **arrays)
        meta = {
            "format": FORMAT,
            "segments": len(self.segments),
            "vocab": list(self.vocab),
            "ids": self.ids,
            "documents": self.documents,
            "codes": list(self.codes),
        }
        (self.folder / "lexical.tmp.json").write_text(json.dumps(meta), encoding="utf-8")
        (self.folder / "lexical.tmp.npz").replace(
            self.folder / "lexical.npz"
        )  # arrays first: the JSON names them
        (self.folder / "lexical.tmp.json").replace(self.folder / "lexical.json")

    def _load(self) -> None:
        self._loaded = True
        if self.folder is None or not (self.folder / "lexical.json").exists():
            return
        try:
            meta = json.loads((self.folder / "lexical.json").read_text(encoding="utf-8"))
            with np.load(self.folder / "lexical.npz") as arrays:
                segments = [
                    Postings(
                        arrays[f"s{n}_indptr"],
                        arrays[f"s{n}_rows"],
                        arrays[f"s{n}_counts"],
                        arrays[f"s{n}_keys"],
                    )
                    for n in range(meta["segments"])
                ]
                row_document, lengths, live = arrays["row_document"], arrays["lengths"], arrays["live"]
            if meta["format"] != FORMAT or len(meta["ids"]) != len(live):
                return
        except (OSError, ValueError, KeyError, json.JSONDecodeError):
            return  # a damaged or foreign index is rebuilt from the database
        self.vocab = {t: n for n, t in enumerate(meta["vocab"])}
        self.ids, self.documents, self.codes = (
            meta["ids"],
            meta["documents"],
            {d: n for n, d in enumerate(meta["codes"])},
        )
        self.segments, self.row_document, self.lengths, self.live = segments, row_document, lengths, live


class Postings:
    """Column-compressed term frequencies: term t is in rows[indptr[t]:indptr[t+1]], counts[...] times, in
    impact order: `keys` is minus the term-frequency share at build time, so it ascends within a term."""

    def __init__(self, indptr: np.ndarray, rows: np.ndarray, counts: np.ndarray, keys: np.ndarray) -> None:
        self.indptr, self.rows, self.counts, self.keys = indptr, rows, counts, keys

    @classmethod
    def build(
        cls, terms: np.ndarray, rows: np.ndarray, counts: np.ndarray, vocabulary: int, norm: np.ndarray
    ) -> Postings:
        keys = (-counts / (counts + norm[rows])).astype(np.float32)
        order = np.lexsort((rows, keys, terms))
        indptr = np.zeros(vocabulary + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=vocabulary), out=indptr[1:])
        return cls(indptr, rows[order], counts[order], keys[order])

    def triples(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        terms = np.repeat(np.arange(len(self.indptr) - 1, dtype=np.int32), np.diff(self.indptr))
        return terms, self.rows, self.counts

    def span(self, term: int) -> tuple[int, int]:
        if term + 1 >= len(self.indptr):
            return 0, 0
        return int(self.indptr[term]), int(self.indptr[term + 1])


def _heads(slices: list[tuple[float, Postings, int, int]], budget: int) -> list[int]:
    """How many postings of each (idf, segment, start, end) slice to score: all of them within the budget,
    otherwise those whose idf x impact reaches one cutoff, found by bisection, so that about `budget` are."""
    lengths = [end - start for _, _, start, end in slices]
    if not budget or sum(lengths) <= budget:
        return lengths

    def taken(cutoff: float) -> list[int]:
        return [
            int(np.searchsorted(segment.keys[start:end], np.float32(-cutoff / idf), side="right"))
            for idf, segment, start, end in slices
        ]

    low, high = 0.0, max(-idf * float(segment.keys[start]) for idf, segment, start, _ in slices)
    for _ in range(24):
        middle = (low + high) / 2
        if sum(taken(middle)) > budget:
            low = middle
        else:
            high = middle
    return taken(high)
