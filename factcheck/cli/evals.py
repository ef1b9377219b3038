"""`factcheck eval claims|verdicts|list|show|compare`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from factcheck.cli.common import open_workspace, print_json, print_jsonl, print_table, progress_bar, say
from factcheck.cli.options import Json, JudgeOption, Limit, Report, Seed
from factcheck.models import EvalRun

app = typer.Typer(
    help="Evaluation runs against hand-labelled claims: run, list, show, compare.", no_args_is_help=True
)


@app.command("claims")
def claims(
    ctx: typer.Context,
    dataset: Path,
    fmt: Annotated[
        str, typer.Option("--format", help="Dataset format: factcheck, claimbuster, or a plugin's.")
    ] = "factcheck",
    limit: Limit = None,
    seed: Seed = 0,
    threshold: Annotated[float | None, typer.Option("--threshold", min=0, max=1)] = None,
    as_json: Json = False,
    report: Report = None,
) -> None:
    """Claim detection: sentence- and span-level precision, recall, F1, recall by claim type."""
    with open_workspace(ctx, create=True) as workspace, progress_bar("evaluating") as progress:
        run = workspace.evaluate_claims(dataset, fmt, limit, seed, threshold, progress)
        _show(workspace.write_eval_report(run, report) if report else None, run, as_json)


@app.command("verdicts")
def verdicts(
    ctx: typer.Context,
    dataset: Path,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="Dataset format: factcheck, averitec, checkcovid, wice, climatefever, or a plugin's.",
        ),
    ] = "factcheck",
    corpus: Annotated[
        Path | None,
        typer.Option("--corpus", help="Evidence corpus (factcheck format: default DATASET.corpus.jsonl)."),
    ] = None,
    judge: JudgeOption = None,
    limit: Limit = None,
    seed: Seed = 0,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64)] = 1,
    price_in: Annotated[
        float, typer.Option("--price-prompt", help="Price per million prompt tokens, for the cost estimate.")
    ] = 0.0,
    price_out: Annotated[
        float, typer.Option("--price-completion", help="Price per million completion tokens.")
    ] = 0.0,
    as_json: Json = False,
    report: Report = None,
) -> None:
    """Verdicts and citations: accuracy, macro-F1, per-class scores, confusion matrix, citation
    precision/recall.
    """
    with open_workspace(ctx, create=True) as workspace, progress_bar("evaluating") as progress:
        run = workspace.evaluate_verdicts(
            dataset, fmt, corpus, judge, limit, seed, workers, (price_in, price_out), progress
        )
        _show(workspace.write_eval_report(run, report) if report else None, run, as_json)


@app.command("matching")
def matching(
    ctx: typer.Context,
    dataset: Annotated[
        Path, typer.Argument(help="The CLEF 2020 task 2 folder (verified_claims.docs.tsv, dev/, ...).")
    ],
    split: Annotated[str, typer.Option("--split", help="Which queries: dev or train.")] = "dev",
    as_json: Json = False,
    report: Report = None,
) -> None:
    """Claim matching ("checked before?"): MAP@1/5, MRR, recall@5, and precision/recall of "no earlier
    check" at the matching threshold (each query asked again with its own fact-checks removed)."""
    with open_workspace(ctx, create=True) as workspace, progress_bar("matching") as progress:
        run = workspace.evaluate_matching(dataset, split, progress)
        _show(workspace.write_eval_report(run, report) if report else None, run, as_json)


@app.command("list")
def list_runs(
    ctx: typer.Context,
    as_json: Json = False,
    as_jsonl: Annotated[bool, typer.Option("--jsonl", help="One JSON run (without items) per line.")] = False,
) -> None:
    """Stored runs, oldest first."""
    with open_workspace(ctx) as workspace:
        runs = workspace.eval_runs()
    if as_json:
        print_json([r.model_dump(mode="json", exclude={"items"}) for r in runs])
        return
    if as_jsonl:
        print_jsonl(r.model_dump(mode="json", exclude={"items"}) for r in runs)
        return
    print_table(
        ("run", "kind", "dataset", "judge", "date", "headline"),
        [
            (
                run.id,
                run.kind,
                run.dataset,
                f"{run.judge} {run.model}".strip(),
                f"{run.created_at:%Y-%m-%d %H:%M}",
                _headline(run),
            )
            for run in runs
        ],
    )


@app.command("show")
def show(ctx: typer.Context, run_id: str, as_json: Json = False, report: Report = None) -> None:
    """One run: its settings and metrics."""
    with open_workspace(ctx) as workspace:
        run = workspace.eval_run(run_id)
        _show(workspace.write_eval_report(run, report) if report else None, run, as_json)


@app.command("compare")
def compare(ctx: typer.Context, run_a: str, run_b: str, as_json: Json = False) -> None:
    """Metric deltas between two runs (B minus A) and the items whose prediction flipped."""
    with open_workspace(ctx) as workspace:
        result = workspace.compare_runs(run_a, run_b)
    if as_json:
        print_json(result)
        return
    print_table(
        ("metric", result.a, result.b, "delta"),
        [(name, row.a, row.b, f"{row.delta:+.4f}") for name, row in result.deltas.items() if row.delta],
    )
    say(f"{len(result.flipped)} items flipped")
    for flip in result.flipped[:20]:
        say(
            f"  {flip['id']}: {flip['a'].get('verdict', flip['a'])} -> {flip['b'].get('verdict', flip['b'])} "
            f"(gold {flip['gold'].get('verdict', flip['gold'])})"
        )


def _headline(run: EvalRun) -> str:
    m = run.metrics
    if run.kind == "verdicts" and m:
        committed = m["committed"]
        return (
            f"committed {committed['coverage']:.1%} of claims at precision {committed['precision']:.2f}, "
            f"citation recall {m['citation_recall']:.3f}, invented {m['invented_citations']}"
        )
    if run.kind == "matching" and m:
        decision = m["no_earlier_check"]
        return (
            f"MAP@5 {m['map_at_5']:.3f}, MRR {m['mrr']:.3f}; no earlier check at {decision['threshold']}: "
            f"precision {decision['precision']:.3f}, recall {decision['recall']:.3f}"
        )
    for level in ("span", "sentence"):
        if level in m:
            return f"{level} F1 {m[level]['f1']:.3f}"
    return "incomplete"


def _show(report: Path | None, run: EvalRun, as_json: bool) -> None:
    if report:
        say(f"report written to {report}")
    if as_json:
        print_json(run)
        return
    say(f"run {run.id} ({run.kind}, {run.dataset}, {len(run.items)} items): {_headline(run)}")
    print_table(
        ("metric", "value"),
        run.flat_metrics(skip=("confusion", "labels", "precision_coverage", "failed_ids")).items(),
    )
