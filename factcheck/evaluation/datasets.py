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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field

from factcheck.errors import InputError
from factcheck.models import Verdict
from factcheck.registry import Registry
from factcheck.text.metadata import parse_date
from factcheck.text.sentences import split_sentences

# AVeriTeC's four labels on the project's scale. CONFLICTING (conflicting evidence / cherry-picking) is the
# closest to partly_supported; 3-way scores leave those items out.
AVERITEC_LABELS = {
    "SUPPORTED": Verdict.supported,
    "REFUTED": Verdict.refuted,
    "NOT ENOUGH INFO": Verdict.not_enough_evidence,
    "CONFLICTING": Verdict.partly_supported,
}
# WiCE's not_supported means "the cited source does not support it", not "refuted".
WICE_LABELS = {
    "supported": Verdict.supported,
    "partially_supported": Verdict.partly_supported,
    "not_supported": Verdict.not_enough_evidence,
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
    """Only `claim`, `date`, `speaker` and `scope` are ever shown to the system under test."""

    id: str
    claim: str
    date: dt.date | None = None
    speaker: str = ""
    verdict: Verdict
    evidence_ids: list[str] = Field(default_factory=list)
    scope: list[str] = Field(
        default_factory=list,
        description="Corpus records this claim is judged against (its own cited source), when the dataset pairs "
        "each claim with one; empty = the whole corpus.",
    )
    unit_stances: dict[str, str] = Field(
        default_factory=dict,
        description="Gold stance (supports, refutes, neither) of corpus records toward the claim, where the "
        "dataset labels single sentences: scored against the verification model's reading, never shown.",
    )


@dataclass
class VerdictSet:
    items: list[VerdictItem]
    records: list[CorpusRecord]
    left_out: dict[str, int] = field(default_factory=dict)  # reason -> how many rows the adapter left out


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
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not valid UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}); "
            "re-save the dataset as UTF-8"
        ) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the dataset ({exc.strerror})") from None
    rows = []
    for number, line in enumerate(lines, 1):
        if line.strip():
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: invalid JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise InputError(
                    f"{path}:{number}: each line must be a JSON object, not {type(row).__name__}"
                )
            rows.append(row)
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


DetectionLoader = Callable[[list[dict], Path], list[DetectionItem]]
DETECTION_LOADERS: Registry[DetectionLoader] = Registry("claim dataset format")


@DETECTION_LOADERS.register("claimbuster")
def _claimbuster(rows: list[dict], path: Path) -> list[DetectionItem]:
    return [DetectionItem(id=str(r["id"]), text=r["text"], checkworthy=bool(r["label"])) for r in rows]


@DETECTION_LOADERS.register("factcheck")
def _factcheck_claims(rows: list[dict], path: Path) -> list[DetectionItem]:
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


def load_detection(path: Path, fmt: str = "factcheck") -> list[DetectionItem]:
    loader = DETECTION_LOADERS.find(fmt)
    if loader is None:
        raise InputError(
            f"unknown claim dataset format {fmt!r}; use one of {', '.join(DETECTION_LOADERS.names())}"
        )
    rows = _jsonl(path)
    try:
        return loader(rows, path)
    except (KeyError, TypeError, ValueError, OSError) as exc:
        raise InputError(
            f"{path}: not a {fmt} claim dataset ({type(exc).__name__}: {exc})".splitlines()[0]
        ) from None


VerdictLoader = Callable[[list[dict], Path, Path | None], VerdictSet]
VERDICT_LOADERS: Registry[VerdictLoader] = Registry("verdict dataset format")


def verdict_format(name: str) -> Callable[[VerdictLoader], VerdictLoader]:
    """Register a verdict dataset adapter: rows of the file, its path and an optional corpus -> a VerdictSet."""
    return VERDICT_LOADERS.register(name)


def load_verdicts(path: Path, fmt: str = "factcheck", corpus: Path | None = None) -> VerdictSet:
    """Items and the evidence corpus they are judged against."""
    loader = VERDICT_LOADERS.find(fmt)
    if loader is None:
        raise InputError(
            f"unknown verdict dataset format {fmt!r}; use one of {', '.join(VERDICT_LOADERS.names())}"
        )
    rows = _jsonl(path)
    try:
        return loader(rows, path, corpus)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(
            f"{path}: not a {fmt} verdict dataset ({type(exc).__name__}: {exc})".splitlines()[0]
        ) from None


@verdict_format("factcheck")
def _factcheck(rows: list[dict], path: Path, corpus: Path | None) -> VerdictSet:
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
    return VerdictSet(items, records)


@verdict_format("averitec")
def _averitec(rows: list[dict], path: Path, corpus: Path | None) -> VerdictSet:
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
    return VerdictSet(items, records)


@verdict_format("checkcovid")
def _checkcovid(rows: list[dict], path: Path, corpus: Path | None) -> VerdictSet:
    """Each claim is judged against the abstract it is paired with (its `cord_id`: input, not a label).
    A NOTENOUGHINFO row that repeats the claim and the abstract of a SUPPORT/REFUTE row labels a choice of
    sentences, not the claim: seen against the whole abstract it is the same input with another label, so it
    is left out (every NOTENOUGHINFO row in the public splits is such a twin). The gold sentences of a claim
    carry its stance; the other sentences of the abstract, neither."""
    sentences: dict[str, list[str]] = {}
    records = []
    for abstract in _jsonl(corpus or path.with_name("corpus.jsonl")):
        ids = [f"{abstract['cord_id']}:{i}" for i in range(len(abstract["abstract"]))]
        sentences[abstract["cord_id"]] = ids
        records += [
            CorpusRecord(id=record_id, text=text, title=abstract.get("title", ""))
            for record_id, text in zip(ids, abstract["abstract"], strict=True)
        ]
    decided = {(r["claim"], r["cord_id"]) for r in rows if r["label"] != "NOTENOUGHINFO"}
    items, twins = [], 0
    for r in rows:
        if r["label"] == "NOTENOUGHINFO" and (r["claim"], r["cord_id"]) in decided:
            twins += 1
            continue
        gold = [f"{r['cord_id']}:{e['sent_index']}" for e in r.get("evidence_set", [])]
        stance = {"SUPPORT": "supports", "REFUTE": "refutes"}.get(r["label"], "neither")
        items.append(
            VerdictItem(
                id=r["id"],
                claim=r["claim"],
                verdict=CHECKCOVID_LABELS[r["label"]],
                evidence_ids=gold,
                scope=sentences[r["cord_id"]],
                unit_stances={u: stance if u in gold else "neither" for u in sentences[r["cord_id"]]},
            )
        )
    return VerdictSet(
        items,
        records,
        {"NOTENOUGHINFO rows repeating a SUPPORT/REFUTE row's claim and abstract": twins} if twins else {},
    )


@verdict_format("wice")
def _wice(rows: list[dict], path: Path, corpus: Path | None) -> VerdictSet:
    """WiCE: a Wikipedia claim judged against the sentences of the web page it cites. A supported claim's
    supporting sentences support it and its other sentences are neither; every sentence of a not-supported
    claim is neither (partly supported claims label no single sentence)."""
    items, records = [], []
    for number, r in enumerate(rows):
        item_id = str((r.get("meta") or {}).get("id") or number)
        ids = [f"{item_id}:{i}" for i in range(len(r["evidence"]))]
        records += [
            CorpusRecord(id=record_id, text=text)
            for record_id, text in zip(ids, r["evidence"], strict=True)
            if text.strip()
        ]
        gold = sorted({i for group in r.get("supporting_sentences", []) for i in group})
        gold_ids = [ids[i] for i in gold if i < len(ids)]
        units = {}
        if r["label"] == "supported":
            units = {u: "supports" if u in gold_ids else "neither" for u in ids}
        elif r["label"] == "not_supported":
            units = dict.fromkeys(ids, "neither")
        items.append(
            VerdictItem(
                id=item_id,
                claim=r["claim"],
                verdict=WICE_LABELS[r["label"]],
                evidence_ids=gold_ids,
                scope=ids,
                unit_stances=units,
            )
        )
    return VerdictSet(items, records)


CLIMATE_LABELS = {
    "SUPPORTS": Verdict.supported,
    "REFUTES": Verdict.refuted,
    "NOT_ENOUGH_INFO": Verdict.not_enough_evidence,
    "DISPUTED": Verdict.partly_supported,
}
CLIMATE_STANCES = {"SUPPORTS": "supports", "REFUTES": "refutes", "NOT_ENOUGH_INFO": "neither"}


@verdict_format("climatefever")
def _climate_fever(rows: list[dict], path: Path, corpus: Path | None) -> VerdictSet:
    """Climate-FEVER: a claim judged against its five Wikipedia sentences, each labelled by annotators."""
    items, records = [], []
    for r in rows:
        item_id = f"climate-{r['claim_id']}"
        ids = [f"{item_id}:{i}" for i in range(len(r["evidences"]))]
        records += [
            CorpusRecord(id=record_id, text=e["evidence"], title=e.get("article", ""))
            for record_id, e in zip(ids, r["evidences"], strict=True)
        ]
        stances = {u: CLIMATE_STANCES[e["evidence_label"]] for u, e in zip(ids, r["evidences"], strict=True)}
        items.append(
            VerdictItem(
                id=item_id,
                claim=r["claim"],
                verdict=CLIMATE_LABELS[r["claim_label"]],
                evidence_ids=[u for u, stance in stances.items() if stance != "neither"],
                scope=ids,
                unit_stances=stances,
            )
        )
    return VerdictSet(items, records)


def sentences_with_claims(text: str, spans: list[tuple[int, int]]) -> tuple[list[tuple[int, int]], set[int]]:
    """Sentence spans of a document and the indices of those holding any of the given spans."""
    sentences = [(s.start, s.end) for s in split_sentences(text) if s.kind == "sentence"]
    marked = {i for i, (a, b) in enumerate(sentences) for (x, y) in spans if x < b and y > a}
    return sentences, marked
