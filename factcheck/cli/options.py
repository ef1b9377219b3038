"""Options several commands share, in Annotated style; closed choices are enums (typer lists and checks
them)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from factcheck.models import ClaimType, NoteStatus, Verdict


class Status(StrEnum):
    """A note status, or every status."""

    draft = NoteStatus.draft.value
    approved = NoteStatus.approved.value
    rejected = NoteStatus.rejected.value
    failed = NoteStatus.failed.value
    stale = NoteStatus.stale.value
    all = "all"


Article = Annotated[
    str | None, typer.Option("--article", help="Only notes on this article (path or document id).")
]
VerdictChoice = Annotated[Verdict | None, typer.Option("--verdict", help="Only notes with this verdict.")]
TypeChoice = Annotated[ClaimType | None, typer.Option("--type", help="Claim type, e.g. quantity or quote.")]
Jsonl = Annotated[bool, typer.Option("--jsonl", help="One JSON object per line.")]
IncludeUnapproved = Annotated[
    bool,
    typer.Option(
        "--include-unapproved",
        help="claimreview/markup: also carry notes that are not approved, each marked UNAPPROVED DRAFT.",
    ),
]
ByRecord = Annotated[
    bool,
    typer.Option(
        "--by-record",
        help="Triage order: notes whose lean has the strongest out-of-sample record first.",
    ),
]
Reviewer = Annotated[
    str | None, typer.Option("--reviewer", help="Your name for the review log (default FACTCHECK_REVIEWER).")
]
Group = Annotated[
    bool,
    typer.Option(
        "--group", help="Also apply the decision to the draft notes on the same claim in other articles."
    ),
]
Yes = Annotated[
    bool,
    typer.Option(
        "--yes", "-y", help="Do not ask: confirm --group, --show, and overriding another reviewer's decision."
    ),
]
Limit = Annotated[
    int | None, typer.Option("--limit", min=1, help="Evaluate a reproducible sample of N items.")
]
Seed = Annotated[int, typer.Option("--seed", help="Seed for --limit sampling.")]
Json = Annotated[bool, typer.Option("--json", help="Print the run as JSON.")]
Report = Annotated[
    Path | None,
    typer.Option("--report", help="Also write a Markdown report (and the confusion matrix) to this folder."),
]

JudgeOption = Annotated[
    str | None,
    typer.Option("--judge", help="evidence, llm, local or a plugin's judge (default FACTCHECK_LLM__JUDGE)."),
]
