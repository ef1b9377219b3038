"""`factcheck claims PATH...` and `factcheck claims --all`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from factcheck.cli.common import (
    err_console,
    open_workspace,
    print_json,
    print_jsonl,
    print_table,
    progress_bar,
    settings_from,
    summary,
)
from factcheck.cli.draft import show_report
from factcheck.cli.options import JudgeOption
from factcheck.models import Claim, DocumentSummary, PriorCheck


def register(app: typer.Typer) -> None:
    app.command("claims")(claims)


def claims(
    ctx: typer.Context,
    refs: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="ARTICLE",
            help="Articles: files, folders, JSONL archives or indexed document ids (several at once).",
        ),
    ] = None,
    every_document: Annotated[bool, typer.Option("--all", help="Every indexed document.")] = False,
    threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold", min=0.0, max=1.0, help="Minimum check-worthiness (default from settings; 0 = all)."
        ),
    ] = None,
    redo: Annotated[
        bool, typer.Option("--redo", help="Detect again even when the article has not changed.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Every field of every claim, as a JSON list.")
    ] = False,
    as_jsonl: Annotated[bool, typer.Option("--jsonl", help="One JSON claim per line.")] = False,
    draft_notes: Annotated[
        bool, typer.Option("--draft", help="Go on to draft verification notes for the claims shown.")
    ] = False,
    judge: JudgeOption = None,
) -> None:
    """Isolate the checkable claims of articles; stored, so a second run reads them back without recomputing,
    and later commands can use their ids. Each claim is matched against earlier fact-checks."""
    if not refs and not every_document:
        raise typer.BadParameter("name articles (files, folders, JSONL or document ids), or pass --all")
    settings = settings_from(ctx)
    cutoff = threshold if threshold is not None else settings.claims.threshold
    adds_articles = any(Path(ref).exists() for ref in refs or [])  # document ids alone never create one
    with (
        open_workspace(ctx, settings, create=adds_articles) as workspace,
        progress_bar("articles") as progress,
    ):
        found = workspace.claims_of(refs or [], every_document, redo, progress)
        shown = [(doc, [c for c in items if c.checkworthiness >= cutoff]) for doc, items in found]
        chosen = [c for _, items in shown for c in items]
        prior = workspace.prior_checks(chosen)
        twins = workspace.claim_groups(chosen)
        report = (
            workspace.draft([c.id for c in chosen], judge=judge, progress=progress) if draft_notes else None
        )
    _warn_not_english(found)
    if report is not None:
        show_report(report, as_json or as_jsonl)
    elif as_json:
        print_json([_with_matches(c, prior, twins) for c in chosen])
    elif as_jsonl:
        print_jsonl(_with_matches(c, prior, twins) for c in chosen)
    else:
        _print_claims(shown, prior, twins)
        _summary(found, chosen, prior, cutoff)


def _warn_not_english(found: list) -> None:
    for doc, items in found:
        if doc.language and doc.language != "en" and not items:
            err_console.print(
                f"warning: {doc.id} is not in English ({doc.language}); claim detection is English-only, so "
                "none were looked for. Its text is indexed and searchable.",
                soft_wrap=True,
            )


def _summary(found: list, chosen: list, prior: dict, cutoff: float) -> None:
    hidden = sum(len(items) for _, items in found) - len(chosen)
    checked = sum(1 for c in chosen if c.id in prior)
    summary(
        f"{len(chosen)} claims in {len(found)} article{'s' if len(found) != 1 else ''}"
        + (f" ({hidden} below {cutoff:.2f} hidden; --threshold 0 shows them)" if hidden else "")
        + (f"; {checked} checked before" if checked else "")
    )


def _with_matches(claim: Claim, prior: dict[str, list[PriorCheck]], twins: dict[str, list[str]]) -> dict:
    return {
        **claim.model_dump(mode="json"),
        "prior_checks": [p.model_dump() for p in prior.get(claim.id, [])],
        "same_claim_as": twins.get(claim.id, []),
    }


def _print_claims(
    shown: list[tuple[DocumentSummary, list[Claim]]],
    prior: dict[str, list[PriorCheck]],
    twins: dict[str, list[str]],
) -> None:
    rows = []
    for doc, items in shown:
        for claim in items:
            earlier = "\n".join(p.line() for p in prior.get(claim.id, []))
            if claim.id in twins:
                earlier = "\n".join(filter(None, [earlier, "same claim as " + ", ".join(twins[claim.id])]))
            rows.append(
                (
                    claim.id,
                    doc.id,
                    claim.type.value,
                    claim.text,
                    claim.speaker,
                    f"{claim.checkworthiness:.2f}",
                    earlier,
                )
            )
    print_table(
        ("id", "document", "type", "claim", "speaker", "score", "checked before"), rows, show_lines=True
    )
