"""Claim / evidence-unit pairs for the verification model, read from the public datasets in DIR (--data, or
FACTCHECK_DATA; never copied into the project). Every split is made by claim (or by shared evidence, for COVID-Fact's
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
import os
import random
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from factcheck.data import artefact

DEFAULT_DATA = Path(
    os.environ.get("FACTCHECK_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data"
)
LABELS: tuple[str, ...] = tuple(artefact("verifier")["labels"])  # the shipped model's, from the manifest
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
    out: list[Pair] = []
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


# Contradiction data ---------------------------------------------------------------------------------------
_AVERITEC_JUSTIFIED = {"SUPPORTED": "supports", "REFUTED": "refutes"}


def justification_pairs(rows: list[dict]) -> list[Pair]:
    """Each supported or refuted AVeriTeC claim against its fact-checkers' justification: a short text that says
    in so many words why the claim holds or fails, the shape of a refutation the model otherwise rarely sees."""
    out = []
    for row in rows:
        label = _AVERITEC_JUSTIFIED.get(row["label"])
        justification = (row.get("justification") or "").strip()
        if label and len(justification.split()) >= 4:
            out.append(
                Pair(
                    row["claim"].strip(), justification, label, "justification", f"averitec:{row['claim_id']}"
                )
            )
    return out


_NUMBER = re.compile(r"(?<![\w.,-])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w.,]*\d)")
_AUXILIARY = re.compile(
    r"\b(?:(is|are|was|were|will|can|could|would|should|does|did|must|may)\b(?! not\b|n't)|"
    r"(has|have|had)\b(?= (?:been|\w+(?:ed|en|wn)\b)))"
)
_NOT = re.compile(r"\b(is|are|was|were|has|have|had|will|can|could|would|should|does|did|do|must|may) not\b")
_ENTITY = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)*\b")
_SENTENCE_START = re.compile(r"^[A-Z][a-z]+\b")


def _swapped_number(text: str, rng: random.Random) -> str | None:
    """The claim with one of its figures changed enough that no approximation covers it."""
    found = [m for m in _NUMBER.finditer(text) if not re.fullmatch(r"(?:19|20)\d\d", m.group(1))]
    if not found:
        return None
    match = rng.choice(found)
    raw = match.group(1)
    value = float(raw.replace(",", ""))
    factor = rng.choice((0.4, 0.5, 2.0, 2.5, 3.0)) if value else 1.0
    changed = value * factor if value else float(rng.randint(2, 9))
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    replacement = f"{changed:,.{decimals}f}" if "," in raw else f"{changed:.{decimals}f}"
    if replacement == raw:
        return None
    return text[: match.start(1)] + replacement + text[match.end(1) :]


def _negated(text: str) -> str | None:
    """The claim said the other way: 'is' becomes 'is not', and 'is not' becomes 'is'."""
    if _NOT.search(text):
        return _NOT.sub(lambda m: m.group(1), text, count=1)
    if _AUXILIARY.search(text):
        return _AUXILIARY.sub(lambda m: f"{m.group(0)} not", text, count=1)
    return None


def _swapped_entity(text: str, evidence: str, names: list[str], rng: random.Random) -> str | None:
    """The claim about someone or something else: a name the evidence also gives, swapped for a name from
    another claim that the evidence does not mention."""
    start_word = _SENTENCE_START.match(text)
    inside = [
        m for m in _ENTITY.finditer(text) if m.group(0) in evidence and not (start_word and m.start() == 0)
    ]
    others = [n for n in names if n not in evidence and n not in text]
    if not inside or not others:
        return None
    match, other = rng.choice(inside), rng.choice(others)
    return text[: match.start()] + other + text[match.end() :]


NEGATION_SHARE = 0.5  # a negated claim is the easiest counter-claim to make: half of them keep the mix even


def counter_claims(pairs: list[Pair], seed: int = SEED) -> list[Pair]:
    """Counter-claims made by rule from supported pairs, each read against the evidence that supports the
    original, as "refutes": a figure swapped (when the evidence gives the figure), the claim negated, a name the
    evidence gives swapped for another. They share the original's group, so training keeps them in its batch
    and splits never part them."""
    rng = random.Random(seed)
    names = sorted(
        {m.group(0) for p in pairs for m in _ENTITY.finditer(p.claim) if m.start() > 0 and " " in m.group(0)}
    )
    out = []
    for pair in pairs:
        if pair.label != "supports":
            continue
        numbers = [m.group(1) for m in _NUMBER.finditer(pair.claim)]
        made = []
        if any(n in pair.evidence for n in numbers):
            made.append(("number_swap", _swapped_number(pair.claim, rng)))
        if rng.random() < NEGATION_SHARE:
            made.append(("negation", _negated(pair.claim)))
        made.append(("entity_swap", _swapped_entity(pair.claim, pair.evidence, names, rng)))
        for kind, claim in made:
            if claim and claim != pair.claim:
                out.append(Pair(claim, pair.evidence, "refutes", f"counter:{kind}", pair.group))
    return out


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
