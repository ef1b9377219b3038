"""Hand-labelled datasets: the project's own JSONL format and adapters for public sets, read as they are.

Project format (documented in examples/README.md):
- claim detection: {"id", "text" or "path", "title"?, "date"?, "claims": [{"text", "type", "checkworthy"}]}
  for a document, or {"id", "text", "checkworthy": true|false} for a single sentence;
- verdicts: {"id", "claim", "date"?, "speaker"?, "verdict", "evidence_ids": [...]} with an evidence corpus
  file of {"id", "text", "title"?, "url"?, "date"?, "outlet"?} records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from pathlib import Path

from pydantic import BaseModel, Field

from factcheck.errors import InputError
from factcheck.models import DetectionFormat, Verdict, VerdictFormat
from factcheck.text.metadata import parse_date
from factcheck.text.sentences import split_sentences

DETECTION_FORMATS = tuple(f.value for f in DetectionFormat)
VERDICT_FORMATS = tuple(f.value for f in VerdictFormat)
# AVeriTeC's four labels on the project's scale. CONFLICTING (conflicting evidence / cherry-picking) is the
# closest to partly_supported; 3-way scores leave those items out.
AVERITEC_LABELS = {
    "SUPPORTED": Verdict.supported,
    "REFUTED": Verdict.refuted,
    "NOT ENOUGH INFO": Verdict.not_enough_evidence,
    "CONFLICTING": Verdict.partly_supported,
}
CHECKCOVID_LABELS = {
    "SUPPORT": Verdict.supported,
    "REFUTE": Verdict.refuted,
    "NOTENOUGHINFO": Verdict.not_enough_evidence,
}


class GoldSpan(BaseModel):
    text: str
    type: str = ""
    speaker: str = ""
    checkworthy: bool = True


class DetectionItem(BaseModel):
    id: str
    text: str
    title: str = ""
    date: dt.date | None = None
    claims: list[GoldSpan] | None = Field(
        None, description="Gold claims of a document; None for a single sentence."
    )
    checkworthy: bool | None = Field(None, description="Gold label of a single sentence.")


class VerdictItem(BaseModel):
    """Only `claim`, `date` and `speaker` are ever shown to the system under test."""

    id: str
    claim: str
    date: dt.date | None = None
    speaker: str = ""
    verdict: Verdict
    evidence_ids: list[str] = Field(default_factory=list)


class CorpusRecord(BaseModel):
    id: str
    text: str
    title: str = ""
    url: str = ""
    date: str = ""
    outlet: str = ""


def _jsonl(path: Path) -> list[dict]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the dataset ({exc.strerror})") from None
    rows = []
    for number, line in enumerate(lines, 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: invalid JSON ({exc.msg})") from None
    if not rows:
        raise InputError(f"{path}: the dataset is empty")
    return rows


def file_hash(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def sample(items: list, limit: int | None, seed: int) -> list:
    """A reproducible subset: shuffled with the seed, then cut to the limit."""
    if not limit or limit >= len(items):
        return items
    chosen = list(items)
    random.Random(seed).shuffle(chosen)
    return chosen[:limit]


def load_detection(path: Path, fmt: str = "factcheck") -> list[DetectionItem]:
    rows = _jsonl(path)
    try:
        if fmt == "claimbuster":
            return [
                DetectionItem(id=str(r["id"]), text=r["text"], checkworthy=bool(r["label"])) for r in rows
            ]
        if fmt != "factcheck":
            raise InputError(
                f"unknown claim dataset format {fmt!r}; use one of {', '.join(DETECTION_FORMATS)}"
            )
        items = []
        for row in rows:
            text = row.get("text")
            if text is None and row.get("path"):
                text = (path.parent / row["path"]).read_text(encoding="utf-8")
            if not isinstance(text, str):
                raise InputError(f"{path}: item {row.get('id')!r} has no 'text' (or 'path' to a text file)")
            items.append(
                DetectionItem(
                    id=str(row["id"]),
                    text=text,
                    title=row.get("title", ""),
                    date=parse_date(row.get("date")),
                    checkworthy=row.get("checkworthy"),
                    claims=[GoldSpan(**c) for c in row["claims"]] if "claims" in row else None,
                )
            )
        return items
    except (KeyError, TypeError, ValueError, OSError) as exc:
        raise InputError(
            f"{path}: not a {fmt} claim dataset ({type(exc).__name__}: {exc})".splitlines()[0]
        ) from None


def load_verdicts(
    path: Path, fmt: str = "factcheck", corpus: Path | None = None
) -> tuple[list[VerdictItem], list[CorpusRecord]]:
    """Items and the evidence corpus they are judged against."""
    rows = _jsonl(path)
    try:
        if fmt == "factcheck":
            corpus = corpus or path.with_name(path.name.replace(".jsonl", ".corpus.jsonl"))
            if not corpus.exists():
                raise InputError(f"{path}: no evidence corpus; pass --corpus FILE (default {corpus.name})")
            items = [
                VerdictItem(
                    id=str(r["id"]),
                    claim=r["claim"],
                    date=parse_date(r.get("date")),
                    speaker=r.get("speaker", ""),
                    verdict=Verdict(r["verdict"]),
                    evidence_ids=[str(e) for e in r.get("evidence_ids", [])],
                )
                for r in rows
            ]
            records = [
                CorpusRecord(**{k: str(v) for k, v in r.items() if k in CorpusRecord.model_fields})
                for r in _jsonl(corpus)
            ]
            return items, records
        if fmt == "averitec":
            items, records = [], []
            for r in rows:
                items.append(
                    VerdictItem(
                        id=r["claim_id"],
                        claim=r["claim"],
                        date=parse_date(r.get("claim_date")),
                        speaker=r.get("speaker") or "",
                        verdict=AVERITEC_LABELS[r["label"]],
                        evidence_ids=r.get("gold_evidence_ids", []),
                    )
                )
                # Evidence passages are pooled across claims: the question and the annotator's answer.
                records += [
                    CorpusRecord(
                        id=e["evidence_id"],
                        text=f"{e['question']} {e['text']}".strip(),
                        url=e.get("source_url") or "",
                    )
                    for e in r.get("evidence", [])
                    if e.get("text")
                ]
            return items, records
        if fmt == "checkcovid":
            corpus = corpus or path.with_name("corpus.jsonl")
            records = []
            for abstract in _jsonl(corpus):
                records += [
                    CorpusRecord(
                        id=f"{abstract['cord_id']}:{i}", text=sentence, title=abstract.get("title", "")
                    )
                    for i, sentence in enumerate(abstract["abstract"])
                ]
            items = [
                VerdictItem(
                    id=r["id"],
                    claim=r["claim"],
                    verdict=CHECKCOVID_LABELS[r["label"]],
                    evidence_ids=[f"{r['cord_id']}:{e['sent_index']}" for e in r.get("evidence_set", [])],
                )
                for r in rows
            ]
            return items, records
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(
            f"{path}: not a {fmt} verdict dataset ({type(exc).__name__}: {exc})".splitlines()[0]
        ) from None
    raise InputError(f"unknown verdict dataset format {fmt!r}; use one of {', '.join(VERDICT_FORMATS)}")


def sentences_with_claims(text: str, spans: list[tuple[int, int]]) -> tuple[list[tuple[int, int]], set[int]]:
    """Sentence spans of a document and the indices of those holding any of the given spans."""
    sentences = [(s.start, s.end) for s in split_sentences(text) if s.kind == "sentence"]
    marked = {i for i, (a, b) in enumerate(sentences) for (x, y) in spans if x < b and y > a}
    return sentences, marked
