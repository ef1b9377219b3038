"""Reliability probes of 2026-11-24, the command line: datasets, output paths, settings. One line on stderr, a
non-zero exit, never a traceback. Test names carry the probe's number."""

import json

from support.fakes import drafter
from support.paths import DATA, SEED_A
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.drafting.judges import EvidenceJudge

runner = CliRunner()


def _one_line(result, code=3):
    assert result.exit_code == code, result.output
    assert (
        result.stderr.startswith("error: ")
        and result.stderr.count("\n") == 1
        and "Traceback" not in result.output
    )


def _write(path, rows):
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_probe_33_a_dataset_that_is_not_utf8_is_one_line(tmp_path):
    path = tmp_path / "l.jsonl"
    path.write_bytes('{"id":"1","text":"Caf\xe9","checkworthy":true}\n'.encode("latin-1"))
    _one_line(runner.invoke(app, ["eval", "claims", str(path)]))
    _one_line(runner.invoke(app, ["eval", "verdicts", str(path)]))


def test_probe_34_rows_of_the_wrong_json_kind_are_one_line(tmp_path):
    _one_line(runner.invoke(app, ["eval", "claims", str(_write(tmp_path / "r.jsonl", [[1, 2]]))]))
    averitec = _write(
        tmp_path / "a.jsonl", [{"claim_id": "a", "claim": "c", "label": "REFUTED", "evidence": ["x"]}]
    )
    _one_line(runner.invoke(app, ["eval", "verdicts", str(averitec), "--format", "averitec"]))


def test_probe_35_an_empty_claim_is_reported_and_the_rest_evaluated(tmp_path):
    items = _write(
        tmp_path / "v.jsonl",
        [
            {
                "id": "ok",
                "claim": "About 130,000 Russian troops were near Ukraine's border.",
                "verdict": "refuted",
            },
            {"id": "empty", "claim": "", "verdict": "supported"},
        ],
    )
    _write(
        tmp_path / "v.corpus.jsonl",
        [{"id": "e1", "text": "Officials said about 130,000 Russian troops were near."}],
    )
    result = runner.invoke(app, ["eval", "verdicts", str(items), "--json"])
    assert result.exit_code == 0, result.output
    run = json.loads(result.stdout)
    by_id = {i["id"]: i for i in run["items"]}
    assert (
        by_id["empty"]["predicted"]["status"] == "error" and "empty" in by_id["empty"]["predicted"]["failure"]
    )
    assert by_id["ok"]["predicted"]["status"] == "draft" and run["metrics"]["errors"] == 1


def test_probe_37_a_corpus_of_empty_records_is_a_clear_error(tmp_path):
    items = _write(tmp_path / "v.jsonl", [{"id": "a", "claim": "X rose.", "verdict": "supported"}])
    _write(tmp_path / "v.corpus.jsonl", [{"id": "e1", "text": "  "}, {"id": "e2", "text": ""}])
    result = runner.invoke(app, ["eval", "verdicts", str(items)])
    _one_line(result)
    assert "every evidence record is empty" in result.stderr


def test_probe_38_export_to_a_path_that_cannot_be_written_is_one_line(workspace, corpus, tmp_path):
    workspace.index([corpus])
    claims = [c for c in workspace.claims(str(corpus / SEED_A.name)) if c.checkworthiness >= 0.5]
    drafter(workspace, EvidenceJudge()).draft_all(claims[:1])
    (tmp_path / "afile").write_text("x")
    for out in ("/proc/nope/r.html", str(tmp_path / "afile" / "r.html"), str(tmp_path)):
        result = runner.invoke(app, ["notes", "export", "--status", "all", "--format", "html", "--out", out])
        _one_line(result)
        assert "cannot write" in result.stderr
    onto_file = runner.invoke(
        app, ["notes", "export", "--status", "all", "--per-article", "--out", str(tmp_path / "afile")]
    )
    _one_line(onto_file)


def test_probe_39_an_eval_report_folder_that_cannot_be_made_is_one_line(tmp_path):
    (tmp_path / "f").write_text("x")
    claims = DATA.parent.parent / "examples" / "eval" / "claims.jsonl"
    result = runner.invoke(
        app, ["eval", "claims", str(claims), "--limit", "1", "--report", str(tmp_path / "f" / "rep")]
    )
    _one_line(result)
    assert "cannot write the report" in result.stderr


def test_probe_58_a_dotenv_in_the_current_folder_is_never_read(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text(
        "FACTCHECK_LLM__MODEL=evil\nFACTCHECK_LLM__BASE_URL=http://127.0.0.1:9/v1\n"
    )
    config = json.loads(runner.invoke(app, ["config"]).stdout)
    assert config["llm"]["model"] is None and config["llm"]["base_url"] is None
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    (home / ".env").write_text("FACTCHECK_REVIEWER=ann\n")  # the workspace's own .env is read
    assert json.loads(runner.invoke(app, ["config"]).stdout)["reviewer"] == "ann"
    doctor = runner.invoke(app, ["doctor"])
    assert "reviewer from .env" in doctor.stdout.replace("\n", " ")


def test_unexpected_errors_are_one_line_and_debug_shows_the_traceback(monkeypatch):
    def broken(self):
        raise RuntimeError("disk on fire\nsecond line")

    assert runner.invoke(app, ["index", str(SEED_A)]).exit_code == 0

    monkeypatch.setattr("factcheck.workspace.Workspace.sources", broken)
    result = runner.invoke(app, ["sources", "list"])
    _one_line(result, code=70)
    assert "unexpected RuntimeError: disk on fire" in result.stderr and "--debug" in result.stderr
    debug = runner.invoke(app, ["--debug", "sources", "list"])
    assert isinstance(debug.exception, RuntimeError)
