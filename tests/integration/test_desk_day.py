"""A desk's daily work (issue 14): batches of articles, stored claims, "checked before?", near-duplicate
groups, CLI conventions, language flags, URLs and passage progress. Real model and Chroma."""

import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from support.paths import DATA, SEED_A, SEED_B
from typer.testing import CliRunner

from factcheck.cli import app

runner = CliRunner()
CLI = [str(Path(sys.executable).parent / "factcheck")]


def invoke(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)


def test_claims_of_a_folder_and_of_every_document_in_one_run_then_read_back(corpus, monkeypatch):
    (corpus / "wire.md").write_text((DATA / "evidence" / "wire-troops.md").read_text())
    folder = json.loads(invoke("claims", corpus, "--json", "--threshold", "0").stdout)
    assert {c["document_id"] for c in folder} and len({c["document_id"] for c in folder}) == 3
    every = json.loads(invoke("claims", "--all", "--json", "--threshold", "0").stdout)
    assert sorted(c["id"] for c in every) == sorted(c["id"] for c in folder)

    calls = []
    import factcheck.claims.pipeline as detect

    real = detect.detect_claims_batches
    monkeypatch.setattr(detect, "detect_claims_batches", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setattr(
        "factcheck.claims.scoring.CheckworthinessScorer.__call__",
        lambda self, texts: pytest.fail("the scorer ran again for unchanged articles"),
    )
    again = json.loads(invoke("claims", "--all", "--json", "--threshold", "0").stdout)
    assert [c["id"] for c in again] == [c["id"] for c in every] and calls == []

    monkeypatch.undo()
    edited = corpus / SEED_B.name
    edited.write_text(edited.read_text() + "\n\nThe ministry said 12 new schools opened in March.\n")
    monkeypatch.setattr(detect, "detect_claims_batches", lambda *a, **k: calls.append(1) or real(*a, **k))
    changed = json.loads(invoke("claims", edited, "--json", "--threshold", "0").stdout)
    assert calls == [1] and any("12 new schools" in c["text"] for c in changed)


def test_a_piped_list_is_tab_separated_with_full_ids_and_the_summary_on_stderr(corpus):
    result = invoke("claims", corpus / SEED_A.name)
    header, *rows = result.stdout.splitlines()
    assert header.split("\t")[:3] == ["id", "document", "type"]
    assert rows and all(len(row.split("\t")) == 7 for row in rows)
    assert all(len(row.split("\t")[0]) == 12 for row in rows)  # ids are never cut short
    assert "claims in 1 article" in result.stderr and "claims in" not in result.stdout
    jsonl = invoke("sources", "list", "--jsonl").stdout.splitlines()
    assert len(jsonl) == 1 and json.loads(jsonl[0])["language"] == "en"


def test_draft_with_nothing_stored_says_what_to_run_first(tmp_path):
    invoke("index", DATA / "evidence")
    result = runner.invoke(app, ["draft", "--judge", "evidence"])
    assert (
        result.exit_code != 0 and "run `factcheck claims PATH...` (or `claims --all`) first" in result.stderr
    )


def _claimreview(claim, rating, url):
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": claim,
        "reviewRating": {"@type": "Rating", "ratingValue": 1, "alternateName": rating},
        "author": {"@type": "Organization", "name": "Example Checks"},
        "datePublished": "2022-02-03",
        "url": url,
    }


def test_an_imported_fact_check_shows_as_checked_before_in_claims_draft_and_review(corpus, tmp_path):
    archive = tmp_path / "checks.jsonld"
    archive.write_text(
        json.dumps(
            [
                _claimreview(
                    "Russia has about 100,000 troops near the Ukrainian border.",
                    "Mostly true",
                    "https://checks.example/troops",
                ),
                _claimreview("Bananas cure the common cold.", "False", "https://checks.example/bananas"),
            ]
        )
    )
    imported = invoke("archive", "import", archive)
    assert imported.exit_code == 0 and "2 checked claims imported" in imported.stdout
    assert "1 unchanged" not in invoke("archive", "import", archive).stdout.replace("2 unchanged", "")
    claims = json.loads(invoke("claims", corpus / SEED_A.name, "--json").stdout)
    troops = next(c for c in claims if c["text"].startswith("about 100,000 Moscow troops"))
    [prior] = troops["prior_checks"]
    assert prior["checked"]["url"] == "https://checks.example/troops" and prior["strength"] >= 0.6
    unrelated = [c for c in claims if "bananas" in json.dumps(c["prior_checks"]).lower()]
    assert unrelated == []
    table = invoke("claims", corpus / SEED_A.name).stdout
    assert 'checked before: "Russia has about 100,000 troops' in table and "Mostly true" in table

    invoke("index", DATA / "evidence")
    drafted = invoke("draft", troops["id"], "--judge", "evidence")
    assert "checked before: " in drafted.stdout and "checks.example/troops" in drafted.stdout
    note_id = drafted.stdout.splitlines()[1].split("\t")[0]
    reviewed = invoke("review", "--reviewer", "ann", input="q")
    assert "checked before: " in reviewed.stdout and "Example Checks" in reviewed.stdout
    shown = invoke("notes", "show", note_id)
    assert "checked before: " in shown.stdout


def test_our_own_claimreview_export_is_an_archive_and_approved_notes_match_twins(
    corpus, tmp_path, monkeypatch
):
    twin = corpus / "twin.txt"
    shutil.copy(corpus / SEED_A.name, twin)
    invoke("index", DATA / "evidence")
    claims = json.loads(invoke("claims", corpus, "--json").stdout)
    troops = [c for c in claims if c["text"].startswith("about 100,000 Moscow troops")]
    assert len(troops) == 2 and troops[0]["same_claim_as"] == [troops[1]["id"]]
    drafted = json.loads(
        invoke("draft", troops[0]["id"], troops[1]["id"], "--judge", "evidence", "--json").stdout
    )
    first, second = (n["id"] for n in drafted)
    other_claim = drafted[1]["claim_id"]
    approved = invoke("notes", "approve", first, "--reviewer", "ann", "--group", input="n\n")
    assert "the group was left as it was" in approved.stdout
    assert json.loads(invoke("notes", "show", second, "--json").stdout)["status"] == "draft"
    # Our own approved note is now an earlier check for the twin claim.
    later = json.loads(invoke("claims", "--all", "--json").stdout)
    twin_claim = next(c for c in later if c["id"] == other_claim)
    assert any(p["checked"]["origin"] == "workspace" for p in twin_claim["prior_checks"])
    grouped = invoke("notes", "approve", first, "--reviewer", "ann", "--group", "--yes")
    assert "approved 1 more note(s) on the same claim" in grouped.stdout
    assert json.loads(invoke("notes", "show", second, "--json").stdout)["status"] == "approved"

    monkeypatch.setenv("FACTCHECK_PUBLISHER__NAME", "Desk")
    monkeypatch.setenv("FACTCHECK_PUBLISHER__URL", "https://desk.example")
    exported = invoke("notes", "export", "--format", "claimreview", "-o", "-")
    reviews = json.loads(exported.stdout)
    assert len(reviews) == 2 and "wrote 2 notes to stdout" in exported.stderr
    path = tmp_path / "ours.json"
    path.write_text(exported.stdout)
    assert "2 checked claims imported" in invoke("archive", "import", path).stdout


def test_version_help_completion_and_no_color():
    assert invoke("--version").stdout.startswith("factcheck ")
    assert "Usage: " in invoke("-h").stdout and "Usage: " in invoke("notes", "list", "-h").stdout
    # Typer detects the shell from the calling process: run it from bash, as a user would (`; true` keeps bash
    # from exec-ing the command, which would leave pytest as its parent).
    completion = subprocess.run(
        ["bash", "-c", '"$@"; true', "bash", *CLI, "--show-completion"], capture_output=True, text=True
    )
    assert "_FACTCHECK_COMPLETE=complete_bash" in completion.stdout
    env = {**os.environ, "FORCE_COLOR": "1", "COLUMNS": "100"}
    coloured = subprocess.run([*CLI, "doctor"], capture_output=True, text=True, env=env)
    plain = subprocess.run([*CLI, "doctor"], capture_output=True, text=True, env={**env, "NO_COLOR": "1"})
    assert "\x1b[3" in coloured.stdout + coloured.stderr
    assert "\x1b[3" not in plain.stdout + plain.stderr


def test_the_workspace_is_found_upward_and_read_only_commands_never_create_one(tmp_path, monkeypatch):
    monkeypatch.delenv("FACTCHECK_HOME")
    project = tmp_path / "project"
    (project / "a" / "b").mkdir(parents=True)
    monkeypatch.chdir(project)
    assert invoke("index", DATA / "evidence").exit_code == 0
    assert (project / "vectorstore" / "factcheck.db").is_file()
    monkeypatch.chdir(project / "a" / "b")
    listed = invoke("sources", "list", "--jsonl").stdout.splitlines()
    assert len(listed) == len(list((DATA / "evidence").glob("*.md")))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    for command in (["sources", "list"], ["notes", "list"], ["eval", "list"], ["archive", "list"]):
        result = runner.invoke(app, command)
        assert (
            result.exit_code != 0
            and result.stderr.count("\n") == 1
            and "no factcheck workspace" in result.stderr
        )
    assert not (elsewhere / "vectorstore").exists()


def test_review_without_a_terminal_says_what_to_use_instead(tmp_path):
    result = subprocess.run(
        [*CLI, "review", "--reviewer", "ann"], stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "factcheck notes approve" in result.stderr


GERMAN = """Inflation in Deutschland sinkt

Die Inflationsrate in Deutschland lag im Oktober bei 3,9 Prozent, wie das Statistische Bundesamt am Montag
mitteilte. Rund 250.000 Menschen demonstrierten am Wochenende in Berlin gegen die hohen Preise. Die Regierung
erklärte, die Entlastungspakete würden im kommenden Jahr fortgesetzt.
"""


def test_a_german_article_is_flagged_and_never_read_by_the_english_number_rules(tmp_path):
    article = tmp_path / "inflation.txt"
    article.write_text(GERMAN)
    invoke("index", article)
    [listed] = [json.loads(line) for line in invoke("sources", "list", "--jsonl").stdout.splitlines()]
    assert listed["language"] == "de"
    assert "de (not English: no claim detection)" in invoke("sources", "list").stdout
    result = invoke("claims", article, "--json", "--threshold", "0")
    assert json.loads(result.stdout) == []
    assert "is not in English (de)" in result.stderr


class _Pages(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_a_url_is_fetched_and_indexed_with_its_url(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    body = "".join(f"<p>{line}</p>" for line in SEED_A.read_text().splitlines()[6:] if line.strip())
    (site / "troops.html").write_text(
        f"<html><head><title>Troops at the border</title></head><body><article><h1>Troops at the border</h1>"
        f"{body}</article></body></html>"
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: _Pages(*a, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/troops.html"
        refused = runner.invoke(app, ["index", url])
        assert refused.exit_code == 1 and "FACTCHECK_INGEST__ALLOW_PRIVATE_URLS=1" in refused.stderr
        monkeypatch.setenv("FACTCHECK_INGEST__ALLOW_PRIVATE_URLS", "1")
        indexed = invoke("index", url)
        assert indexed.exit_code == 0 and "1 new" in indexed.stdout
        [document] = json.loads(invoke("sources", "list", "--json").stdout)
        assert document["url"] == url and document["path"] == url
        missing = runner.invoke(app, ["index", url.replace("troops", "nothing")])
        assert missing.exit_code == 1 and "could not be fetched (HTTP 404)" in missing.stderr
    finally:
        server.shutdown()


def test_index_progress_counts_passages_embedded(corpus, workspace):
    seen = []
    report = workspace.index([corpus], progress=lambda done, total, label: seen.append((done, total, label)))
    assert seen[-1][0] == seen[-1][1] == report.passages > 2
    assert any(done < total for done, total, _ in seen) or len(seen) >= 2
    assert seen[0][2].endswith("files read")
