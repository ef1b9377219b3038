"""A factcheck plugin, as another package would write one: a judge and an export format, registered when the
`factcheck.plugins` entry point imports this module. Nothing in factcheck names it."""

import contextlib

from factcheck.drafting.judges import EvidenceJudge
from factcheck.drafting.registry import JUDGES, JudgeSpec
from factcheck.review.export import export_format


@contextlib.contextmanager
def _open(settings, db):
    judge = EvidenceJudge(commit_precision=settings.draft.commit_precision)
    judge.name = "demo"
    yield judge


JUDGES.register("demo", JudgeSpec("the demo plugin's judge", lambda settings: "demo (a plugin's judge)", _open))


@export_format("tsv", "tsv", "text/tab-separated-values; charset=utf-8", "note, verdict and claim, tab-separated")
def _tsv(items, publisher):
    lines = ["note\tverdict\tclaim"]
    lines += [f"{i.note.id}\t{i.note.verdict.value}\t{' '.join(i.claim.text.split())}" for i in items]
    return "\n".join(lines) + "\n"
