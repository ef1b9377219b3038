"""Readable reports of evaluation runs: Markdown with a confusion-matrix plot (PNG, matplotlib)."""

from __future__ import annotations

from pathlib import Path

from factcheck.evaluation.runs import EvalRun


def confusion_png(run: EvalRun, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = run.metrics["verdicts"]
    labels, matrix = data["labels"], data["confusion"]
    figure, axes = plt.subplots(figsize=(6, 5))
    axes.imshow(matrix, cmap="Blues")
    axes.set_xticks(range(len(labels)), [label.replace("_", "\n") for label in labels], fontsize=8)
    axes.set_yticks(range(len(labels)), [label.replace("_", "\n") for label in labels], fontsize=8)
    axes.set_xlabel("predicted")
    axes.set_ylabel("gold")
    darkest = max((max(row) for row in matrix), default=0)
    for row, values in enumerate(matrix):
        for column, value in enumerate(values):
            axes.text(column, row, str(value), ha="center", va="center",
                      color="white" if darkest and value > darkest / 2 else "black")
    axes.set_title(f"{run.dataset} · {run.judge} · {run.id}", fontsize=9)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path


def markdown(run: EvalRun, folder: Path) -> Path:
    """Write report.md (and confusion.png for verdict runs) into folder; returns the Markdown path."""
    folder.mkdir(parents=True, exist_ok=True)
    m = run.metrics
    lines = [f"# Evaluation {run.id}", "", f"- kind: {run.kind}", f"- dataset: {run.dataset} ({run.format}, hash {run.dataset_hash})",
             f"- date: {run.created_at:%Y-%m-%d %H:%M} UTC", f"- items: {len(run.items)}"]
    if run.judge:
        lines += [f"- judge: {run.judge} {run.model}".rstrip(), f"- prompts: {run.prompt_hashes or 'none'}"]
    lines.append("")
    if run.kind == "verdicts":
        v, three = m["verdicts"], m["three_way"]
        lines += ["| metric | value |", "|---|---|",
                  f"| accuracy | {v['accuracy']:.3f} |", f"| macro-F1 (4 labels) | {v['macro_f1']:.3f} |",
                  f"| macro-F1 (3-way, supported/refuted/NEE) | {three['macro_f1']:.3f} |",
                  f"| citation precision | {m['citation_precision']:.3f} |", f"| citation recall | {m['citation_recall']:.3f} |",
                  f"| retrieval recall (a gold passage retrieved) | {m['retrieval_recall']:.3f} |",
                  f"| invented citations | {m['invented_citations']} |", f"| failed notes | {m['failed']} |",
                  f"| seconds per claim p50 / p95 | {m['seconds_p50']:.2f} / {m['seconds_p95']:.2f} |",
                  f"| tokens (prompt / completion) | {m['tokens']['prompt']} / {m['tokens']['completion']} |", "",
                  "| class | precision | recall | F1 | support |", "|---|---|---|---|---|"]
        lines += [f"| {label} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |"
                  for label, s in v["per_class"].items()]
        confusion_png(run, folder / "confusion.png")
        lines += ["", "![confusion matrix](confusion.png)"]
        if m["failed_ids"]:
            lines += ["", "Failed notes: " + ", ".join(m["failed_ids"])]
    else:
        lines += ["| level | precision | recall | F1 |", "|---|---|---|---|"]
        for level in ("sentence", "sentence_in_documents", "span"):
            if level in m:
                lines.append(f"| {level} | {m[level]['precision']:.3f} | {m[level]['recall']:.3f} | {m[level]['f1']:.3f} |")
        if "recall_by_type" in m:
            lines += ["", "| gold type | recall |", "|---|---|"] + [f"| {t} | {r:.3f} |" for t, r in m["recall_by_type"].items()]
    path = folder / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
