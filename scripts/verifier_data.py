"""Claim / evidence-unit pairs for the verification model, read from the public datasets in ../shared/data
(never copied into the project). Every split is made by claim (or by shared evidence, for COVID-Fact's
counter-claims), with a fixed seed, so that no claim of a held-out split was seen in training.

Labels: "supports", "refutes", "neither", or "not_supports" (FEVER's not_entailment, which mixes refuting and
unrelated evidence: the loss then asks only that "supports" be unlikely).

Splits:
- train:        what the model learns from.
- calibration:  kept from training, used to choose the commit thresholds (AVeriTeC train part, Check-COVID
                dev, WiCE dev claims kept apart).
- report:       kept from training and calibration; the figures in the README (FEVER and Climate-FEVER claims
                held out here; AVeriTeC dev, Check-COVID test and WiCE test are report sets as a whole).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
LABELS = ("supports", "refutes", "neither")
SEED = 13


@dataclass(frozen=True)
class Pair:
    claim: str
    evidence: str
    label: str  # supports | refutes | neither | not_supports
    source: str
    group: str  # the claim (or evidence) the pair belongs to; splits never cut a group

    def as_dict(self) -> dict:
        return asdict(self)


def _jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _bucket(key: str, seed: int = SEED) -> float:
    """A stable number in [0, 1) for a group key: the same key falls in the same split on every machine."""
    digest = hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()
    return int(digest[:12], 16) / 16**12


_PTB = {
    "-LRB-": "(",
    "-RRB-": ")",
    "-LSB-": "[",
    "-RSB-": "]",
    "-LCB-": "{",
    "-RCB-": "}",
    "``": '"',
    "''": '"',
}


def clean_wiki(text: str) -> str:
    """FEVER's tokenised Wikipedia text back to plain text: brackets, quotes and spaces before punctuation."""
    for token, char in _PTB.items():
        text = text.replace(token, char)
    text = re.sub(r"\s+([,.;:!?%)\]])", r"\1", text)
    text = re.sub(r"([(\[])\s+", r"\1", text)
    text = re.sub(r"\s+('s|n't|'re|'ve|'ll|'d)\b", r"\1", text)
    return " ".join(text.split())


# FEVER --------------------------------------------------------------------------------------------------
def fever(data: Path, held_out: float = 0.2) -> dict[str, list[Pair]]:
    out: dict[str, list[Pair]] = {"train": [], "report": []}
    for row in _jsonl(data / "fever_nli" / "fever_dev_pairs.jsonl"):
        claim = row["claim"].strip()
        label = "supports" if row["label"] == "entailment" else "not_supports"
        pair = Pair(claim, clean_wiki(row["evidence"]), label, "fever", f"fever:{claim.lower()}")
        out["report" if _bucket(pair.group) < held_out else "train"].append(pair)
    return out


# Climate-FEVER ------------------------------------------------------------------------------------------
_CLIMATE = {"SUPPORTS": "supports", "REFUTES": "refutes", "NOT_ENOUGH_INFO": "neither"}


def climate_fever(data: Path, held_out: float = 0.2) -> dict[str, list[Pair]]:
    out: dict[str, list[Pair]] = {"train": [], "report": []}
    for row in _jsonl(data / "climate_fever" / "climate-fever.jsonl"):
        group = f"climate:{row['claim_id']}"
        split = "report" if _bucket(group) < held_out else "train"
        for evidence in row["evidences"]:
            label = _CLIMATE.get(evidence["evidence_label"])
            if label:
                out[split].append(
                    Pair(row["claim"].strip(), evidence["evidence"].strip(), label, "climate", group)
                )
    return out


# COVID-Fact -----------------------------------------------------------------------------------------------
def covidfact(data: Path, held_out: float = 0.1) -> dict[str, list[Pair]]:
    """Claim against its evidence sentences joined. Counter-claims share their evidence with the claim they
    were made from, so the split is by evidence."""
    out: dict[str, list[Pair]] = {"train": [], "report": []}
    for row in _jsonl(data / "covidfact" / "COVIDFACT_dataset.jsonl"):
        sentences = [s.strip() for s in row["evidence"] if s.strip()]
        if not sentences:
            continue
        group = "covidfact:" + hashlib.sha1("\n".join(sentences).encode()).hexdigest()
        label = "supports" if row["label"] == "SUPPORTED" else "refutes"
        pair = Pair(row["claim"].strip(), " ".join(sentences[:3]), label, "covidfact", group)
        out["report" if _bucket(group) < held_out else "train"].append(pair)
    return out


# Check-COVID ----------------------------------------------------------------------------------------------
def _abstracts(data: Path) -> dict[str, list[str]]:
    return {a["cord_id"]: a["abstract"] for a in _jsonl(data / "check_covid" / "corpus.jsonl")}


CHECK_COVID_FILES = {
    "train": "covidCheck_train_composed+extracted.jsonl",
    "calibration": "covidCheck_dev_composed+extracted.jsonl",
    "report": ("covidCheck_test_composed.jsonl", "covidCheck_test_extracted.jsonl"),
}


def check_covid_sentences(data: Path, split: str, negatives: int = 2, seed: int = SEED) -> list[Pair]:
    """Per sentence: the gold sentences of a SUPPORT or REFUTE claim carry its label; the gold sentences of a
    NOTENOUGHINFO claim, and up to `negatives` other sentences of the abstract, are "neither"."""
    abstracts = _abstracts(data)
    names = CHECK_COVID_FILES[split]
    rows = [
        r
        for name in ([names] if isinstance(names, str) else names)
        for r in _jsonl(data / "check_covid" / name)
    ]
    rng = random.Random(seed)
    label_of = {"SUPPORT": "supports", "REFUTE": "refutes", "NOTENOUGHINFO": "neither"}
    pairs = []
    for row in rows:
        sentences = abstracts.get(row["cord_id"], [])
        gold = {e["sent_index"] for e in row.get("evidence_set", []) if e["sent_index"] < len(sentences)}
        group = f"checkcovid:{row['claim'].strip().lower()}"
        for index in sorted(gold):
            pairs.append(
                Pair(row["claim"].strip(), sentences[index], label_of[row["label"]], "checkcovid", group)
            )
        others = [i for i in range(len(sentences)) if i not in gold]
        for index in rng.sample(others, min(negatives, len(others))):
            pairs.append(Pair(row["claim"].strip(), sentences[index], "neither", "checkcovid", group))
    return pairs


# AVeriTeC -----------------------------------------------------------------------------------------------
_AVERITEC = {"SUPPORTED": "supports", "REFUTED": "refutes", "NOT ENOUGH INFO": "neither"}


def qa_text(evidence: dict) -> str:
    """A question-answer passage as drafting indexes it (question, then answer)."""
    return f"{evidence['question']} {evidence['text']}".strip()


def averitec_claims(data: Path, split: str, calibration_share: float = 0.4) -> list[dict]:
    """AVeriTeC claims of a split: 'train' and 'calibration' divide the train part by claim; 'report' is
    dev (never trained or calibrated on)."""
    if split == "report":
        return _jsonl(data / "averitec" / "dev_converted.jsonl")
    rows = _jsonl(data / "averitec" / "train_partial_converted.jsonl")
    wanted = split == "calibration"
    return [r for r in rows if (_bucket(f"averitec:{r['claim_id']}") < calibration_share) == wanted]


def averitec_pairs(rows: list[dict]) -> list[Pair]:
    """The claim against all its question-answer passages joined (the claim's label), and against each one
    alone for supported and refuted claims whose answer is a plain yes or no to a question close to the
    claim is not attempted: single passages carry the claim label only when the claim has one passage."""
    pairs = []
    for row in rows:
        label = _AVERITEC.get(row["label"])
        passages = [qa_text(e) for e in row.get("evidence", []) if e.get("text")]
        if not label or not passages:
            continue
        group = f"averitec:{row['claim_id']}"
        pairs.append(Pair(row["claim"].strip(), " ".join(passages), label, "averitec", group))
        if len(passages) == 1:
            continue
        for passage in passages:  # one passage alone rarely settles the claim: its stance is unknown
            pairs.append(Pair(row["claim"].strip(), passage, "unknown", "averitec", group))
    return [p for p in pairs if p.label != "unknown"]


# WiCE ---------------------------------------------------------------------------------------------------
def wice_pairs(data: Path, split: str) -> list[Pair]:
    """A supported claim against its supporting sentences joined ("supports"); a not-supported claim against
    the sentences annotators marked, or its first sentences ("neither"); partly supported claims are left out
    (their sentences support part of the claim only)."""
    pairs = []
    for number, row in enumerate(_jsonl(data / "wice" / f"{split}.jsonl")):
        sentences = row["evidence"]
        gold = sorted(
            {i for group in row.get("supporting_sentences", []) for i in group if i < len(sentences)}
        )
        group = f"wice:{split}:{number}"
        if row["label"] == "supported" and gold:
            pairs.append(
                Pair(row["claim"], " ".join(sentences[i] for i in gold[:4]), "supports", "wice", group)
            )
        elif row["label"] == "not_supported":
            chosen = gold[:4] or list(range(min(3, len(sentences))))
            pairs.append(Pair(row["claim"], " ".join(sentences[i] for i in chosen), "neither", "wice", group))
    return pairs


# Unrelated evidence ---------------------------------------------------------------------------------------
def unrelated(pairs: list[Pair], count: int, seed: int = SEED) -> list[Pair]:
    """Claims against evidence of other claims: what retrieval often returns, and must read as "neither"."""
    rng = random.Random(seed)
    out = []
    while len(out) < count and len(pairs) > 1:
        a, b = rng.sample(pairs, 2)
        if a.group != b.group:
            out.append(Pair(a.claim, b.evidence, "neither", "unrelated", a.group))
    return out


def hard_negatives(data: Path, per_claim: int = 2, skip: int = 2) -> list[Pair]:
    """Evidence shaped like what drafting retrieves: each AVeriTeC training claim against single
    question-answer passages of other training claims that the embedded model ranks close to it ("neither":
    retrieval returns them, and they are about something else), and single passages of its own when the claim
    has not enough evidence ("neither"). The `skip` closest passages of other claims are left out: two claims
    about one event may share evidence, so the nearest are the likeliest to be mislabelled."""
    import numpy as np

    from factcheck.retrieval.minilm import load_minilm

    rows = [r for r in averitec_claims(data, "train") if _AVERITEC.get(r["label"])]
    passages = [(qa_text(e), r["claim_id"]) for r in rows for e in r.get("evidence", []) if e.get("text")]
    model = load_minilm()
    claims = model.embed([r["claim"].strip() for r in rows])
    units = model.embed([text for text, _ in passages])
    owners = np.array([owner for _, owner in passages])
    out = []
    for row, vector in zip(rows, claims, strict=True):
        group = f"averitec:{row['claim_id']}"
        scores = units @ vector
        scores[owners == row["claim_id"]] = -1.0
        nearest = np.argsort(-scores)[skip : skip + per_claim]
        out += [
            Pair(row["claim"].strip(), passages[i][0], "neither", "hard_negative", group) for i in nearest
        ]
        if row["label"] == "NOT ENOUGH INFO":
            out += [
                Pair(row["claim"].strip(), qa_text(e), "neither", "hard_negative", group)
                for e in row.get("evidence", [])[:per_claim]
                if e.get("text")
            ]
    return out


def question_negatives(data: Path) -> list[Pair]:
    """Each AVeriTeC training claim against the questions its fact-checkers asked, alone ("neither"): a question
    states nothing, however closely it restates the claim ("Did Kenya build 11,200 km of roads ...?"), yet drafting
    shows such sentences as evidence and the model read them as support."""
    return [
        Pair(
            row["claim"].strip(), e["question"].strip(), "neither", "question", f"averitec:{row['claim_id']}"
        )
        for row in averitec_claims(data, "train")
        if _AVERITEC.get(row["label"])
        for e in row.get("evidence", [])
        if e.get("question", "").strip()
    ]


def training_pairs(data: Path = DEFAULT_DATA) -> list[Pair]:
    """Every training pair, in a fixed order."""
    pairs = (
        fever(data)["train"]
        + climate_fever(data)["train"]
        + covidfact(data)["train"]
        + check_covid_sentences(data, "train")
        + averitec_pairs(averitec_claims(data, "train"))
        + wice_pairs(data, "dev")
    )
    return pairs + unrelated(pairs, len(pairs) // 8)


def summary(pairs: list[Pair]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for pair in pairs:
        counts.setdefault(pair.source, {}).setdefault(pair.label, 0)
        counts[pair.source][pair.label] += 1
    return counts


def iter_report_sets(data: Path = DEFAULT_DATA) -> Iterator[tuple[str, list[Pair]]]:
    """Held-out pair sets for reporting the model's reading of evidence (not claim verdicts)."""
    yield "FEVER held out (binary)", fever(data)["report"]
    yield "Climate-FEVER held out", climate_fever(data)["report"]
    yield "Check-COVID test sentences", check_covid_sentences(data, "report")


def reading_figures(pairs: list[Pair], probabilities) -> dict:
    gold = [p.label for p in pairs]
    predicted = [LABELS[i] for i in probabilities.argmax(-1)]
    if all(g in ("supports", "not_supports") for g in gold):
        right = sum((p == "supports") == (g == "supports") for g, p in zip(gold, predicted, strict=True))
        return {"pairs": len(pairs), "binary_accuracy": round(right / len(pairs), 4)}
    f1s = {}
    for label in LABELS:
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, predicted, strict=True))
        f1s[label] = round(2 * tp / (2 * tp + fp + fn), 4) if tp else 0.0
    accuracy = sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(pairs)
    return {
        "pairs": len(pairs),
        "macro_f1": round(sum(f1s.values()) / 3, 4),
        "f1": f1s,
        "accuracy": round(accuracy, 4),
    }


if __name__ == "__main__":
    pairs = training_pairs()
    print(len(pairs), json.dumps(summary(pairs), indent=1))
