"""`factcheck eval claims|verdicts|list|show|compare`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from factcheck.evaluation import reports
from factcheck.evaluation import runs as evaluate
from factcheck.evaluation.datasets import DETECTION_FORMATS, VERDICT_FORMATS
from factcheck.errors import InputError
from factcheck.evaluation.metrics import flatten
from .common import console, open_workspace, print_json, progress_bar

app = typer.Typer(help="Evaluation runs against hand-labelled claims: run, list, show, compare.", no_args_is_help=True)

LIMIT = typer.Option(None, "--limit", min=1, help="Evaluate a reproducible sample of N items.")
SEED = typer.Option(0, "--seed", help="Seed for --limit sampling.")
JSON = typer.Option(False, "--json", help="Print the run as JSON.")
REPORT = typer.Option(None, "--report", help="Also write a Markdown report (and confusion-matrix PNG) to this folder.")


def _check(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(allowed)}")


@app.command("claims")
def claims(ctx: typer.Context, dataset: Path, fmt: str = typer.Option("factcheck", "--format", help=", ".join(DETECTION_FORMATS)),
           limit: int = LIMIT, seed: int = SEED, threshold: float = typer.Option(None, "--threshold", min=0, max=1),
           as_json: bool = JSON, report: Path = REPORT) -> None:
    """Claim detection: sentence- and span-level precision, recall, F1, recall by claim type."""
    _check(fmt, DETECTION_FORMATS)
    with open_workspace(ctx) as workspace, progress_bar("evaluating") as progress:
        run = evaluate.evaluate_claims(workspace, dataset, fmt, limit, seed, threshold, progress)
    _show(run, as_json, report)


@app.command("verdicts")
def verdicts(ctx: typer.Context, dataset: Path, fmt: str = typer.Option("factcheck", "--format", help=", ".join(VERDICT_FORMATS)),
             corpus: Path = typer.Option(None, "--corpus", help="Evidence corpus (factcheck format: default DATASET.corpus.jsonl)."),
             judge: str = typer.Option(None, "--judge", help="evidence, llm or local."), limit: int = LIMIT, seed: int = SEED,
             workers: int = typer.Option(1, "--workers", min=1, max=64),
             price_in: float = typer.Option(0.0, "--price-prompt", help="Price per million prompt tokens, for the cost estimate."),
             price_out: float = typer.Option(0.0, "--price-completion", help="Price per million completion tokens."),
             as_json: bool = JSON, report: Path = REPORT) -> None:
    """Verdicts and citations: accuracy, macro-F1, per-class scores, confusion matrix, citation precision/recall."""
    _check(fmt, VERDICT_FORMATS)
    with open_workspace(ctx) as workspace, progress_bar("evaluating") as progress:
        run = evaluate.evaluate_verdicts(workspace, dataset, fmt, corpus, judge, limit, seed, workers,
                                         (price_in, price_out), progress)
    _show(run, as_json, report)


@app.command("list")
def list_runs(ctx: typer.Context, as_json: bool = JSON) -> None:
    """Stored runs, oldest first."""
    with open_workspace(ctx) as workspace:
        runs = workspace.db.eval_runs()
    if as_json:
        print_json([r.model_dump(mode="json", exclude={"items"}) for r in runs])
        return
    table = Table("run", "kind", "dataset", "judge", "date", "headline")
    for run in runs:
        table.add_row(run.id, run.kind, run.dataset, f"{run.judge} {run.model}".strip(), f"{run.created_at:%Y-%m-%d %H:%M}",
                      _headline(run))
    console.print(table)


@app.command("show")
def show(ctx: typer.Context, run_id: str, as_json: bool = JSON, report: Path = REPORT) -> None:
    """One run: its settings and metrics."""
    with open_workspace(ctx) as workspace:
        run = workspace.db.eval_run(run_id)
    _show(run, as_json, report)


@app.command("compare")
def compare(ctx: typer.Context, run_a: str, run_b: str, as_json: bool = JSON) -> None:
    """Metric deltas between two runs (B minus A) and the items whose prediction flipped."""
    with open_workspace(ctx) as workspace:
        result = evaluate.compare(workspace.db.eval_run(run_a), workspace.db.eval_run(run_b))
    if as_json:
        print_json(result)
        return
    table = Table("metric", "A", "B", "delta")
    for name, row in result["deltas"].items():
        if row["delta"]:
            table.add_row(name, str(row["a"]), str(row["b"]), f"{row['delta']:+}")
    console.print(table)
    console.print(f"{len(result['flipped'])} items flipped")
    for item in result["flipped"][:20]:
        console.print(f"  {item['id']}: {item['a']} -> {item['b']} (gold {item['gold']})", markup=False, highlight=False)


def _headline(run: evaluate.EvalRun) -> str:
    m = run.metrics
    if run.kind == "verdicts" and m:
        return f"macro-F1 {m['verdicts']['macro_f1']:.3f}, cit. recall {m['citation_recall']:.3f}, invented {m['invented_citations']}"
    for level in ("span", "sentence"):
        if level in m:
            return f"{level} F1 {m[level]['f1']:.3f}"
    return "incomplete"


def _show(run: evaluate.EvalRun, as_json: bool, report: Path | None) -> None:
    if report:
        path = reports.markdown(run, report)
        console.print(f"report written to {path}")
    if as_json:
        print_json(run)
        return
    console.print(f"run {run.id} ({run.kind}, {run.dataset}, {len(run.items)} items): {_headline(run)}", highlight=False)
    table = Table("metric", "value")
    for name, value in flatten(run.metrics, skip=("confusion", "labels", "per_class")).items():
        table.add_row(name, str(value))
    console.print(table)

