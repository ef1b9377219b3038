import json
from pathlib import Path

from support.fakes import FakeChatClient
from support.paths import EXAMPLES
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.drafting.llm import LLMJudge
from factcheck.evaluation.runs import compare_runs

EVAL = EXAMPLES / "eval"


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_claim_detection_run_is_stored_and_resumable(workspace):
    run = workspace.evaluate_claims(EVAL / "claims.jsonl")
    assert (
        run.complete
        and run.metrics["span"]["recall"] >= 0.8
        and run.metrics["sentence_in_documents"]["f1"] > 0.5
    )
    again = workspace.evaluate_claims(EVAL / "claims.jsonl")
    assert again.id == run.id and again.metrics == run.metrics and len(workspace.db.eval_runs()) == 1


def test_verdict_run_with_the_evidence_judge(workspace):
    run = workspace.evaluate_verdicts(EVAL / "verdicts.jsonl", judge="evidence")
    metrics = run.metrics
    assert metrics["invented_citations"] == 0 and metrics["failed"] == 0
    assert metrics["verdicts"]["n"] == 8 and sum(map(sum, metrics["verdicts"]["confusion"])) == 8
    by_id = {i.id: i for i in run.items}
    # a verbatim, attributed quote is too rare in the dev data to have a measured precision: a suggestion only
    v3 = by_id["v3"].predicted
    assert v3["verdict"] == "not_enough_evidence" and v3["suggestion"] == "supported" and "ev2" in v3["cited"]
    assert metrics["retrieval_recall"] > 0.5 and 0 < metrics["citation_recall"] <= metrics["retrieval_recall"]
    committed = metrics["committed"]
    assert set(committed["per_class"]) == {"supported", "refuted", "partly_supported"}
    assert committed["coverage"] == sum(c["committed"] for c in committed["per_class"].values()) / 8
    curves = metrics["precision_coverage"]
    assert set(curves) == {"supported", "refuted", "partly_supported"} and any(curves.values())
    for curve in curves.values():
        assert all(0 <= p["precision"] <= 1 and 0 <= p["balanced_precision"] <= 1 for p in curve)
        assert [p["coverage"] for p in curve] == sorted(p["coverage"] for p in curve)


def test_gold_labels_and_evidence_ids_never_reach_the_model(workspace, tmp_path, monkeypatch):
    from factcheck.drafting import registry

    clients = []

    class FakeBackend:  # the real LLM judge, with a fake model that records every prompt
        def __init__(self, *args, **kwargs):
            clients.append(FakeChatClient())
            self.judge = LLMJudge(clients[-1])

        def __enter__(self):
            return self.judge

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(registry, "open_judge", FakeBackend)
    corpus = [
        {
            "id": "SECRET-EVIDENCE-ID",
            "title": "Report",
            "text": "Officials said about 130,000 troops were near the border.",
        }
    ]
    golds = [
        {
            "verdict": "refuted",
            "evidence_ids": ["SECRET-EVIDENCE-ID"],
            "justification": "GOLD-JUSTIFICATION-TEXT",
        },
        {"verdict": "supported", "evidence_ids": [], "justification": "OTHER-GOLD-TEXT"},
    ]
    for number, gold in enumerate(golds):
        dataset = _write(
            tmp_path / f"leak{number}.jsonl",
            [
                {
                    "id": "g1",
                    "claim": "About 100,000 troops were near the border.",
                    "date": "2022-02-11",
                    **gold,
                }
            ],
        )
        _write(tmp_path / f"leak{number}.corpus.jsonl", corpus)
        workspace.evaluate_verdicts(dataset)
    first, second = (json.dumps(c.calls) for c in clients)
    assert "About 100,000 troops" in first and "130,000" in first
    assert first == second  # prompts do not depend on any gold field
    for secret in ("SECRET-EVIDENCE-ID", "GOLD-JUSTIFICATION-TEXT", "g1"):
        assert secret not in first


def test_compare_reports_deltas_and_flips(workspace):
    a = workspace.evaluate_verdicts(EVAL / "verdicts.jsonl", judge="evidence")
    b = a.model_copy(
        update={
            "id": "rother",
            "items": [a.items[0].model_copy(update={"predicted": {"verdict": "refuted"}}), *a.items[1:]],
            "metrics": {**a.metrics, "citation_recall": a.metrics["citation_recall"] + 0.5},
        }
    )
    result = compare_runs(a, b)
    assert result.deltas["citation_recall"].delta == 0.5
    assert [f["id"] for f in result.flipped] == [a.items[0].id]


def test_eval_cli_runs_lists_shows_and_writes_a_report(tmp_path):
    runner = CliRunner()
    result = runner.invoke(
        app, ["eval", "verdicts", str(EVAL / "verdicts.jsonl"), "--report", str(tmp_path / "report")]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report" / "report.md").read_text().startswith("# Evaluation r")
    svg = (tmp_path / "report" / "confusion.svg").read_text()
    assert svg.startswith("<svg") and "supported" in svg
    claims = runner.invoke(app, ["eval", "claims", str(EVAL / "claims.jsonl"), "--json"])
    run_id = json.loads(claims.stdout)["id"]
    listed = runner.invoke(app, ["eval", "list", "--json"])
    assert {r["kind"] for r in json.loads(listed.stdout)} == {"claims", "verdicts"}
    assert runner.invoke(app, ["eval", "show", run_id]).exit_code == 0
    bad = runner.invoke(app, ["eval", "verdicts", str(EVAL / "verdicts.jsonl"), "--format", "nope"])
    # formats are a registry (plugins add theirs), so an unknown one is an input error naming the known ones
    assert bad.exit_code == 3 and "nope" in bad.stderr and "use one of factcheck, averitec" in bad.stderr


def test_two_runs_of_the_same_data_in_two_workspaces_give_the_same_items_and_figures(tmp_path):
    """Retrieval ties (equal fused scores, the same passage twice) are cut by content, never by a passage id that
    depends on where the corpus was indexed from: the same data gives the same evidence and the same figures."""
    from factcheck.settings import load_settings
    from factcheck.workspace import Workspace

    corpus = [json.loads(line) for line in (EVAL / "verdicts.corpus.jsonl").read_text().splitlines() if line]
    copies = [
        {**corpus[0], "id": f"dup{n}"} for n in range(6)
    ]  # six identical passages tie for the last places
    items = [json.loads(line) for line in (EVAL / "verdicts.jsonl").read_text().splitlines() if line]
    dataset = _write(tmp_path / "set.jsonl", items)
    _write(tmp_path / "set.corpus.jsonl", corpus + copies)
    runs = []
    for name in ("first", "second"):
        with Workspace(load_settings(home=tmp_path / name)) as workspace:
            runs.append(workspace.evaluate_verdicts(dataset, judge="evidence"))
    first, second = runs
    assert [(i.id, i.gold, i.predicted, i.correct) for i in first.items] == [
        (i.id, i.gold, i.predicted, i.correct) for i in second.items
    ]
    timing = ("seconds_p50", "seconds_p95")
    assert {k: v for k, v in first.metrics.items() if k not in timing} == {
        k: v for k, v in second.metrics.items() if k not in timing
    }
