"""The real `openai` client against a small OpenAI-compatible server on 127.0.0.1 that misbehaves on cue."""

import json
import shutil

import pytest
from support.fakes import drafter
from support.paths import DATA, SEED_A
from support.scripted_server import NEE, ScriptedServer
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.drafting.llm import LLMJudge, OpenAIChatClient, answer_model
from factcheck.errors import ProviderError, ProviderUnavailable
from factcheck.models import NoteStatus, Verdict
from factcheck.retrieval.fusion import RetrievalSettings
from factcheck.settings import LLMSettings

JudgeAnswer = answer_model(["P1.S1", "P1.S2", "P2.S1"])


@pytest.fixture
def server():
    with ScriptedServer() as running:
        yield running


def client_for(server, style="json_schema", **overrides):
    settings = LLMSettings(
        **{"model": "test-model", "base_url": server.url, "max_retries": 2, "timeout_s": 5, **overrides}
    )
    return OpenAIChatClient(settings, style)


@pytest.fixture
def claim_setup(workspace, corpus):
    shutil.copytree(DATA / "evidence", corpus / "evidence")
    workspace.index([corpus])
    claims = workspace.claims(str(corpus / SEED_A.name))
    return workspace, next(c for c in claims if "100,000" in c.text)


def test_structured_output_styles_and_usage(server):
    server.script = [NEE, NEE]
    text, usage = client_for(server).complete([{"role": "user", "content": "hi"}], JudgeAnswer)
    assert json.loads(text)["verdict"] == "not_enough_evidence" and usage == {"prompt": 100, "completion": 20}
    assert server.requests[0]["response_format"]["type"] == "json_schema"
    assert server.requests[0]["response_format"]["json_schema"]["schema"]["properties"]["verdict"]
    client_for(server, "json_object").complete([{"role": "user", "content": "hi"}], JudgeAnswer)
    assert server.requests[1]["response_format"]["type"] == "json_object"
    assert "schema" in server.requests[1]["response_format"] and server.requests[1]["max_tokens"] > 0


def test_rate_limit_and_server_errors_are_retried(server):
    server.script = [429, 500, NEE]
    text, _ = client_for(server).complete([{"role": "user", "content": "hi"}], JudgeAnswer)
    assert json.loads(text)["verdict"] == "not_enough_evidence" and len(server.requests) == 3


def test_persistent_500_is_a_provider_error(server):
    server.script = [500, 500, 500]
    with pytest.raises(ProviderError, match="HTTP 500"):
        client_for(server).complete([{"role": "user", "content": "hi"}], JudgeAnswer)


def test_timeout_is_a_provider_error(server):
    server.script = ["slow"]
    with pytest.raises(ProviderError, match="timed out"):
        client_for(server, timeout_s=0.3, max_retries=0).complete(
            [{"role": "user", "content": "x"}], JudgeAnswer
        )


def test_dead_server_is_unavailable():
    settings = LLMSettings(model="m", base_url="http://127.0.0.1:9/v1", max_retries=0, timeout_s=2)
    with pytest.raises(ProviderUnavailable, match="unreachable"):
        OpenAIChatClient(settings, "json_schema").complete([{"role": "user", "content": "x"}], JudgeAnswer)


def test_malformed_json_then_unknown_ids_end_as_a_failed_note(server, claim_setup):
    workspace, claim = claim_setup
    bad_ids = {"verdict": "supported", "rationale": "x", "confidence": 0.9, "citations": ["P42.S1"]}
    server.script = ["malformed", bad_ids, bad_ids]
    judge = LLMJudge(client_for(server), max_reasks=2)
    report = drafter(workspace, judge, RetrievalSettings(k=4)).draft_all([claim])
    (note,) = report.notes
    assert (
        note.status == NoteStatus.failed
        and note.verdict == Verdict.not_enough_evidence
        and not note.citations
    )
    assert "citations" in note.failure and "P42.S1" in note.failure and len(server.requests) == 3
    assert note.provenance.tokens == {"prompt": 300, "completion": 60}
    sent = server.requests[0]["response_format"]["json_schema"]["schema"]["properties"]["citations"]["items"]
    assert "P42.S1" not in sent["enum"] and sent["enum"][0] == "P1.S1"  # the schema lists only what was shown


def test_draft_command_against_the_server_and_a_dead_one(server, corpus, monkeypatch):
    shutil.copytree(DATA / "evidence", corpus / "evidence")
    runner = CliRunner()
    assert runner.invoke(app, ["index", str(corpus)]).exit_code == 0
    monkeypatch.setenv("FACTCHECK_LLM__MODEL", "test-model")
    monkeypatch.setenv("FACTCHECK_LLM__BASE_URL", server.url)
    result = runner.invoke(app, ["draft", "--article", str(corpus / SEED_A.name), "--json", "--workers", "3"])
    assert result.exit_code == 0, result.output
    notes = json.loads(result.stdout)
    assert notes and all(
        n["provenance"]["judge"] == "llm" and n["provenance"]["model"] == "test-model" for n in notes
    )
    assert all(r["model"] == "test-model" for r in server.requests)
    cached = runner.invoke(app, ["draft", "--article", str(corpus / SEED_A.name), "--redo", "--json"])
    assert cached.exit_code == 0 and len(server.requests) == len(notes)  # answered from the response cache
    monkeypatch.setenv("FACTCHECK_LLM__BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("FACTCHECK_LLM__MODEL", "another-model")
    monkeypatch.setenv("FACTCHECK_LLM__MAX_RETRIES", "0")
    dead = runner.invoke(app, ["draft", "--article", str(corpus / SEED_A.name), "--redo"])
    assert dead.exit_code == 6 and dead.stderr.startswith(
        "error: LLM server at http://127.0.0.1:9/v1 is unreachable"
    )
    assert dead.stderr.count("\n") == 1


def test_schema_sent_is_strict_compatible():
    from factcheck.drafting.llm import strict_schema

    schema = strict_schema(JudgeAnswer.model_json_schema())
    text = json.dumps(schema)
    assert "minimum" not in text and "maximum" not in text
    assert schema["additionalProperties"] is False and set(schema["required"]) == set(schema["properties"])
    assert schema["properties"]["citations"]["items"]["enum"] == ["P1.S1", "P1.S2", "P2.S1"]


def test_a_crashed_local_server_is_named_with_the_fix(workspace, monkeypatch):
    """When the llama.cpp server factcheck started dies mid-run (a native AMX build on some Xeons), the user
    hears that it stopped, by which signal, and how to rebuild it, not "check FACTCHECK_LLM__BASE_URL"."""
    import signal
    import subprocess
    import sys

    from factcheck.drafting.local import LocalServer
    from factcheck.drafting.registry import open_judge

    def dying_server(self):
        self.process = subprocess.Popen(
            [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"]
        )
        self.process.wait()
        return "http://127.0.0.1:9/v1"

    monkeypatch.setattr(LocalServer, "__enter__", dying_server)
    with pytest.raises(ProviderUnavailable) as raised, open_judge(workspace.settings, workspace.db, "local"):
        raise ProviderUnavailable("LLM server at http://127.0.0.1:9/v1 is unreachable")
    message = str(raised.value)
    assert f"killed by signal {int(signal.SIGSEGV)}" in message and "GGML_NATIVE=OFF" in message
    assert "\n" not in message
