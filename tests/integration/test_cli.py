import json

import pytest
from support.paths import SEED_A, SEED_B
from typer.testing import CliRunner

from factcheck.cli import app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_index_search_sources_claims_round_trip(corpus):
    result = invoke("index", str(corpus))
    assert result.exit_code == 0, result.output
    assert "2 new" in result.output
    assert "2 unchanged" in invoke("index", str(corpus)).output
    listed = json.loads(invoke("sources", "list", "--json").output)
    assert {d["title"][:11] for d in listed} == {"Insinuating", "Lavrov: US,"}
    hits = json.loads(invoke("search", "troops on the border", "--json", "-k", "2").output)
    assert len(hits) == 2 and {"passage", "score", "title"} <= hits[0].keys()
    claims = json.loads(invoke("claims", str(corpus / SEED_A.name), "--json").output)
    assert any(
        c["text"].startswith("about 100,000 Moscow troops") and c["type"] == "quantity" for c in claims
    )
    assert set(claims[0]) >= {
        "id",
        "span",
        "type",
        "checkworthiness",
        "speaker",
        "claim_date",
        "quantities",
        "statement",
    }
    lines = invoke("claims", listed[0]["id"], "--jsonl", "--threshold", "0").output.strip().splitlines()
    assert len(lines) >= len(json.loads(invoke("claims", listed[0]["id"], "--json").output))
    shown = invoke("sources", "show", listed[0]["id"][:6])
    assert shown.exit_code == 0 and listed[0]["title"][:20] in shown.output


def test_claims_table_shows_ids_and_hidden_count(corpus):
    result = invoke("claims", str(corpus / SEED_B.name), "--threshold", "0.9")
    assert result.exit_code == 0
    assert "hidden; --threshold 0 shows them" in result.output


def test_errors_are_one_line_on_stderr_with_nonzero_exit(tmp_path):
    result = runner.invoke(app, ["claims", "d-nothing"])
    assert result.exit_code == 3
    assert result.stderr.startswith("error: no factcheck workspace") and result.stderr.count("\n") == 1
    assert runner.invoke(app, ["index", str(SEED_A)]).exit_code == 0
    result = runner.invoke(app, ["claims", "d-nothing"])
    assert result.exit_code == 3
    assert result.stderr.startswith("error: no indexed document") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output
    missing = runner.invoke(app, ["claims", "missing/file.txt"])
    assert missing.exit_code == 3 and "no such file" in missing.stderr


def test_index_with_bad_files_exits_nonzero_but_indexes_the_rest(corpus):
    (corpus / "broken.txt").write_bytes(b"\x00\x00binary")
    result = runner.invoke(app, ["index", str(corpus)])
    assert result.exit_code == 1
    assert "2 new" in result.stdout and "1 failed" in result.stdout
    assert "broken.txt: looks like a binary file" in result.stderr


def test_home_option_moves_all_state(tmp_path, corpus):
    home = tmp_path / "elsewhere"
    assert invoke("--home", str(home), "index", str(corpus)).exit_code == 0
    assert (home / "factcheck.db").exists() and (home / "chroma").is_dir()


def test_invalid_setting_is_a_config_error(monkeypatch):
    monkeypatch.setenv("FACTCHECK_CLAIMS__THRESHOLD", "2")
    result = runner.invoke(app, ["sources", "list"])
    assert result.exit_code == 2 and "FACTCHECK_CLAIMS__THRESHOLD" in result.stderr


@pytest.mark.parametrize(
    "args,said,where",
    [
        (["--bogus"], "No such option: --bogus", "factcheck -h"),
        (["nosuch"], "No such command 'nosuch'", "factcheck -h"),
        (["notes", "--bogus"], "No such option: --bogus", "factcheck notes -h"),
        (["notes", "nosuch"], "No such command 'nosuch'", "factcheck notes -h"),
        (["draft", "--bogus"], "No such option: --bogus", "factcheck draft -h"),
    ],
)
def test_a_usage_error_at_any_level_is_one_line_naming_where_to_look(args, said, where):
    result = runner.invoke(app, args, prog_name="factcheck")
    assert result.exit_code == 2 and result.stderr.splitlines() == [f"error: {said}; see `{where}`"]


def test_no_arguments_still_shows_the_help():
    result = runner.invoke(app, [], prog_name="factcheck")
    assert "Usage: factcheck" in result.output and "COMMAND" in result.output
    assert not any(line.startswith("error:") for line in result.output.splitlines())


def test_config_masks_keys_and_doctor_reports_backends(monkeypatch):
    monkeypatch.setenv("FACTCHECK_LLM__API_KEY", "sk-secret-123")
    config = invoke("config")
    assert "sk-secret-123" not in config.output and "**********" in config.output
    doctor = invoke("doctor")
    assert doctor.exit_code == 0
    assert "hashes verified" in doctor.output and "evidence" in doctor.output
    assert "sk-secret-123" not in doctor.output


def test_doctor_prints_each_artefact_from_the_manifest():
    import json

    from factcheck.data import artefacts

    result = CliRunner().invoke(app, ["doctor"], env={"COLUMNS": "400"})
    lines = [line for line in result.stdout.splitlines() if "artefact" in line]
    assert len(lines) == len(artefacts()) == 4
    for name, entry in artefacts().items():
        line = next(line for line in lines if f"artefact {name}:" in line)
        assert entry["sha256"][:12] in line and "verified" in line
    assert json.dumps(artefacts()["verifier"]["labels"]) == '["supports", "refutes", "neither"]'
