"""Readable reports of evaluation runs: Markdown, with the confusion matrix drawn as an SVG image."""

from __future__ import annotations

from pathlib import Path

from factcheck.errors import InputError
from factcheck.models import EvalRun
from factcheck.rendering import render

CELL, LABEL_WIDTH, HEADER = 84, 150, 96


def _blue(value: int, darkest: int) -> str:
    """From near-white to a dark blue as the count grows (the usual look of a confusion matrix)."""
    share = value / darkest if darkest else 0.0
    low, high = (239, 246, 255), (8, 69, 148)
    return "#" + "".join(f"{round(a + (b - a) * share):02x}" for a, b in zip(low, high, strict=True))


def confusion_svg(run: EvalRun) -> str:
    """The confusion matrix of a verdict run: gold labels in rows, predictions in columns, counts in cells."""
    data = run.metrics["verdicts"]
    labels: list[str] = data["labels"]
    matrix: list[list[int]] = data["confusion"]
    darkest = max((max(row) for row in matrix), default=0)
    size = len(labels) * CELL
    rows = [
        (
            label,
            [
                (value, _blue(value, darkest), "white" if darkest and value > darkest / 2 else "black")
                for value in values
            ],
        )
        for label, values in zip(labels, matrix, strict=True)
    ]
    return render(
        "confusion.svg",
        title=f"{run.dataset} · {run.judge} · {run.id}",
        labels=labels,
        rows=rows,
        cell=CELL,
        left=LABEL_WIDTH,
        top=HEADER,
        size=size,
        width=LABEL_WIDTH + size + 20,
        height=HEADER + size + 40,
    )


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot write the report to {path} ({exc.strerror}); choose another --report folder"
        ) from None


def markdown(run: EvalRun, folder: Path) -> Path:
    """Write report.md (and confusion.svg for verdict runs) into folder; returns the Markdown path."""
    lines = [
        f"# Evaluation {run.id}",
        "",
        f"- kind: {run.kind}",
        f"- dataset: {run.dataset} ({run.format}, hash {run.dataset_hash})",
        f"- date: {run.created_at:%Y-%m-%d %H:%M} UTC",
        f"- items: {len(run.items)}",
    ]
    if run.judge:
        lines += [f"- judge: {run.judge} {run.model}".rstrip(), f"- prompts: {run.prompt_hashes or 'none'}"]
    lines.append("")
    if run.kind == "verdicts":
        lines += _verdict_lines(run.metrics) + _committed_lines(run.metrics) + _class_lines(run, folder)
    else:
        lines += _claim_lines(run.metrics)
    path = folder / "report.md"
    _write(path, "\n".join(lines) + "\n")
    return path


def _verdict_lines(m: dict) -> list[str]:
    v, three, committed = m["verdicts"], m["three_way"], m["committed"]
    return [
        "| metric | value |",
        "|---|---|",
        f"| accuracy | {v['accuracy']:.3f} |",
        f"| macro-F1 (4 labels) | {v['macro_f1']:.3f} |",
        f"| macro-F1 (3-way, supported/refuted/NEE) | {three['macro_f1']:.3f} |",
        f"| committed verdicts: coverage / precision | {committed['coverage']:.3f} / {committed['precision']:.3f} |",
        f"| retrieval recall (a gold passage retrieved) | {m['retrieval_recall']:.3f} |",
        f"| citation recall (a gold passage among those the note shows as evidence) | {m['citation_recall']:.3f} |",
        f"| quote recall / precision (gold among the passages quoted) | {m['quote_recall']:.3f} / "
        f"{m['quote_precision']:.3f} |",
        f"| invented citations | {m['invented_citations']} |",
        f"| failed notes | {m['failed']} |",
        f"| seconds per claim p50 / p95 | {m['seconds_p50']:.2f} / {m['seconds_p95']:.2f} |",
        f"| tokens (prompt / completion) | {m['tokens']['prompt']} / {m['tokens']['completion']} |",
        "",
    ]


def _committed_lines(m: dict) -> list[str]:
    lines = [
        "Committed verdicts (a verdict is committed only when what it rests on was right often enough on "
        "calibration data that neither trained the verification model nor is reported; the rest are "
        "suggestions for the reviewer). Balanced: precision re-weighted so that every gold label counts the "
        "same, as on a desk whose claims are not this dataset's mix:",
        "",
        "| class | committed | correct | precision | balanced precision | coverage of all claims |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {label} | {c['committed']} | {c['correct']} | {c['precision']:.3f} | {c['balanced_precision']:.3f} | "
        f"{c['coverage']:.3f} |"
        for label, c in m["committed"]["per_class"].items()
    ]
    lines += [
        "",
        "Precision and coverage if every verdict or suggestion of a class at or above a score (the "
        "verification model's, else the judge's confidence) were committed:",
        "",
        "| class | score ≥ | coverage | precision | balanced precision | claims |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {label} | {p['threshold']:.3f} | {p['coverage']:.3f} | {p['precision']:.3f} | "
        f"{p['balanced_precision']:.3f} | {p['n']} |"
        for label, curve in m["precision_coverage"].items()
        for p in curve
    ]
    if units := m.get("unit_stance"):
        lines += [
            "",
            f"Stance of single evidence units against their gold stance: {units['n']} units, accuracy "
            f"{units['accuracy']:.3f}, macro-F1 {units['macro_f1']:.3f}.",
        ]
    return lines


def _class_lines(run: EvalRun, folder: Path) -> list[str]:
    m = run.metrics
    lines = ["", "| class | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    lines += [
        f"| {label} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |"
        for label, s in m["verdicts"]["per_class"].items()
    ]
    _write(folder / "confusion.svg", confusion_svg(run))
    lines += ["", "![confusion matrix](confusion.svg)"]
    if run.settings.get("left_out"):
        reasons = "; ".join(f"{n} {reason}" for reason, n in run.settings["left_out"].items())
        lines += ["", f"Left out by the dataset adapter: {reasons}"]
    if m["failed_ids"]:
        lines += ["", "Failed notes: " + ", ".join(m["failed_ids"])]
    return lines


def _claim_lines(m: dict) -> list[str]:
    lines = ["| level | precision | recall | F1 |", "|---|---|---|---|"]
    lines += [
        f"| {level} | {m[level]['precision']:.3f} | {m[level]['recall']:.3f} | {m[level]['f1']:.3f} |"
        for level in ("sentence", "sentence_in_documents", "span")
        if level in m
    ]
    if "recall_by_type" in m:
        lines += ["", "| gold type | recall |", "|---|---|"]
        lines += [f"| {t} | {r:.3f} |" for t, r in m["recall_by_type"].items()]
    return lines
