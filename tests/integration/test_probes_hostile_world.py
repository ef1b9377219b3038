"""The 2026-12-06 probe report (shared/probes/reliability-2026-12-06.md), rows outside the desk and the database:
input decoding, terminal and export output, archive limits, LLM replies of any shape, credentials in URLs, and
the two findings of a new user (`index ../articles`, a plain-text article's dateline). Names carry the row."""

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.fakes import drafter
from support.hostile import elements
from support.paths import DATA, SEED_A
from support.scripted_server import ScriptedServer
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.cli.common import SafeConsole
from factcheck.drafting.judges import EvidenceJudge
from factcheck.models import NoteStatus, QueueFilter

runner = CliRunner()
CLI = [sys.executable, "-c", "from factcheck.cli import main; main()"]
ESCAPES = "Esc \x1b[2J\x1b[31mRED\x1b[0m \x1b]52;c;ZWNobyBwd25lZA==\x07 \x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\"


def _sources():
    return json.loads(runner.invoke(app, ["sources", "list", "--json"]).stdout)


# input --------------------------------------------------------------------------------------------------


def test_probe_n5_utf32_with_a_bom_is_decoded_not_read_as_utf16(tmp_path):
    path = tmp_path / "u32.txt"
    path.write_bytes("Riverton\n\nThe mayor said 12 schools close.\n".encode("utf-32"))
    result = runner.invoke(app, ["index", str(path)])
    assert result.exit_code == 0, result.output
    (source,) = _sources()
    assert source["title"] == "Riverton"
    shown = runner.invoke(app, ["sources", "show", source["id"]]).stdout
    assert "\x00" not in shown and "12 schools close" in shown


def test_a_folder_named_with_dot_dot_is_indexed(tmp_path, monkeypatch):
    articles = tmp_path / "articles"
    articles.mkdir()
    shutil.copy(SEED_A, articles / SEED_A.name)
    (articles / ".hidden").mkdir()
    (articles / ".hidden" / "draft.txt").write_text("Not an article.\n\nIt is hidden on purpose.\n")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = runner.invoke(app, ["index", "../articles"])
    assert result.exit_code == 0, result.output
    assert "1 new" in result.stdout and [s["path"] for s in _sources()] == [f"../articles/{SEED_A.name}"]


def test_a_folder_that_yields_no_article_says_so_and_exits_non_zero(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.docx").write_bytes(b"PK\x03\x04")
    result = runner.invoke(app, ["index", str(empty)])
    assert result.exit_code == 1 and f"{empty}: no articles in this folder" in result.stderr


@pytest.mark.parametrize(
    ("header", "date"),
    [
        ("Schools row\n\nLondon, 24 January 2022.\n\n", "2022-01-24"),
        ("Schools row\ndate 2022-01-24\n\n", "2022-01-24"),
        ("Schools row\n\nWASHINGTON, Jan. 24, 2022 (Reuters) - ", "2022-01-24"),
        ("Schools row\n\nKyiv, 3 February 2022: ", "2022-02-03"),
    ],
    ids=["dateline-line", "date-under-title", "agency-dateline", "colon"],
)
def test_a_plain_text_articles_dateline_is_its_date(tmp_path, header, date):
    path = tmp_path / "story.txt"
    path.write_text(header + "The minister said 12 schools will close next year.\n\nMore follows.\n")
    assert runner.invoke(app, ["index", str(path)]).exit_code == 0
    (source,) = _sources()
    assert source["published"] == date and source["title"] == "Schools row"


def test_a_date_inside_the_body_is_not_the_articles_date(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Schools row\n\nThe minister said on 24 May 2021 that 12 schools close.\n\nMore.\n")
    assert runner.invoke(app, ["index", str(path)]).exit_code == 0
    assert _sources()[0]["published"] is None


# output -------------------------------------------------------------------------------------------------


def test_probe_n10_control_sequences_in_stored_text_never_reach_the_terminal(tmp_path):
    path = tmp_path / "esc.json"
    path.write_text(json.dumps({"title": ESCAPES, "text": "The mayor said 12 schools close in 2023."}))
    assert runner.invoke(app, ["index", str(path)]).exit_code == 0
    (source,) = _sources()
    shown = runner.invoke(app, ["sources", "show", source["id"]]).stdout
    listed = runner.invoke(app, ["sources", "list"]).stdout
    for output in (shown, listed):
        assert "\x1b" not in output and "\x07" not in output and "RED" in output
    terminal = io.StringIO()
    SafeConsole(file=terminal, force_terminal=True, color_system="standard").print(ESCAPES, style="bold")
    printed = terminal.getvalue()
    assert "\x1b[2J" not in printed and "\x1b]52" not in printed and "\x1b]8" not in printed
    assert "\x1b[1m" in printed  # the console's own styling is kept


def test_probe_n11_bidi_overrides_are_isolated_in_html_and_flagged_in_the_terminal(workspace, tmp_path):
    folder = tmp_path / "bidi"
    folder.mkdir()
    (folder / "claim.md").write_text(
        '---\ntitle: "Invoice \u202eexe.fdp"\ndate: 2022-02-10\n---\n'
        "The ministry said about 130,000 troops were near the border.\n"
    )
    (folder / "wire.md").write_text(
        "---\ntitle: Wire\ndate: 2022-02-09\n---\nOfficials said about 130,000 troops were near the border.\n"
    )
    workspace.index([folder])
    drafter(workspace, EvidenceJudge()).draft_all(workspace.claims(str(folder / "claim.md")))
    for item in workspace.queue(QueueFilter(status=None)):
        workspace.approve(item.note.id, "ann")
    report = workspace.export("html").files
    html = next(iter(report.values()))
    assert re.search(r'<bdi dir="auto"[^>]*>Invoice \u202eexe\.fdp</bdi>', html)
    assert "bdi" in elements(html).tags
    source = next(s for s in _sources() if s["title"].startswith("Invoice"))
    shown = runner.invoke(app, ["sources", "show", source["id"]]).stdout
    assert "Invoice [U+202E]exe.fdp" in shown and "\u202e" not in shown


def test_probe_n15_the_json_export_keeps_only_http_links(hostile_json):
    records = json.loads(hostile_json)
    urls = [r["article"]["url"] for r in records]
    urls += [e["url"] for r in records for e in r["note"]["evidence"]]
    urls += [c["document_url"] for r in records for c in r["note"]["citations"]]
    assert urls and all(u == "" or u.startswith(("http://", "https://")) for u in urls)
    assert "javascript://claim.example" not in hostile_json and "data:text/html," not in hostile_json


@pytest.fixture
def hostile_json(workspace, tmp_path):
    from support.hostile import hostile_workspace

    return hostile_workspace(workspace, tmp_path / "hostile").export("json").files["notes.json"]


def test_probe_n63_a_closed_pipe_ends_quietly(workspace, corpus):
    workspace.index([corpus])
    workspace.close()
    process = subprocess.Popen(
        [*CLI, "sources", "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ
    )
    process.stdout.close()  # the reader (`head -1`) is gone before anything is written
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0 and b"unexpected" not in err and b"Traceback" not in err


def test_probe_n64_a_reviewer_name_on_two_lines_is_refused_and_a_reason_is_one_line(workspace, corpus):
    shutil.copytree(DATA / "evidence", corpus / "evidence")
    workspace.index([corpus])
    claims = [c for c in workspace.claims(str(corpus / SEED_A.name)) if c.checkworthiness >= 0.5][:2]
    drafter(workspace, EvidenceJudge()).draft_all(claims)
    first, second = (item.note.id for item in workspace.queue(QueueFilter(status=None)))
    workspace.close()
    forged = runner.invoke(app, ["notes", "approve", first, "--reviewer", "Ann\n2026-01-01 approve Bob"])
    assert forged.exit_code == 3 and "one line of at most 60 printable characters" in forged.stderr
    escape = runner.invoke(app, ["notes", "approve", first, "--reviewer", "Ann\x1b[2J"])
    assert escape.exit_code == 3
    rejected = runner.invoke(
        app,
        ["notes", "reject", second, "--reviewer", "Ann", "--reason", "Wrong\n2026-01-01 approve Bob\x1b[2J"],
    )
    assert rejected.exit_code == 0, rejected.output
    history = runner.invoke(app, ["notes", "history", second]).stdout
    assert "Wrong 2026-01-01 approve Bob[2J" in history and "\x1b" not in history
    assert runner.invoke(app, ["notes", "history", first]).stdout.count("approve") == 0


# archives -----------------------------------------------------------------------------------------------


def _good(tmp_path, name, claim):
    path = tmp_path / name
    path.write_text(json.dumps([{"claimReviewed": claim, "reviewRating": {"alternateName": "False"}}]))
    return path


def test_probe_n17_a_deeply_nested_archive_is_one_line_and_the_next_file_is_imported(tmp_path):
    good = _good(tmp_path, "good.json", "The bridge cost 3 million euros.")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    more = _good(tmp_path, "more.json", "The mayor closed 12 schools in 2023.")
    result = runner.invoke(app, ["archive", "import", str(good), str(deep), str(more)])
    assert result.exit_code == 1 and "unexpected" not in result.stderr
    assert f"skipped: {deep}: JSON nested too deeply" in result.stderr
    assert f"{more}: 1 checked claims imported" in result.stdout


def test_probe_n19_a_tsv_field_over_the_readers_limit_is_one_line_and_the_other_rows_kept(tmp_path):
    path = tmp_path / "claims.tsv"
    path.write_text(
        "claim\trating\nThe bridge cost 3 million euros.\tFalse\n"
        + "x" * 200_000
        + "\tFalse\nThe mayor closed 12 schools in 2023.\tTrue\n"
    )
    result = runner.invoke(app, ["archive", "import", str(path)])
    assert result.exit_code == 1 and "unexpected" not in result.stderr
    assert "line 3 could not be read (field larger than field limit" in result.stderr
    assert "2 checked claims imported" in result.stdout


def test_probe_n26_a_claim_too_long_to_be_one_is_refused_with_its_size(tmp_path):
    path = tmp_path / "huge.jsonl"
    path.write_text(
        json.dumps({"claim": "word " * 600_000, "rating": "False"})
        + "\n"
        + json.dumps({"claim": "The mayor closed 12 schools in 2023.", "rating": "True"})
        + "\n"
    )
    result = runner.invoke(app, ["archive", "import", str(path)])
    assert (
        result.exit_code == 1 and "line 1: its claim is 2,999,999 characters, over the 2,000" in result.stderr
    )
    assert "1 checked claims imported" in result.stdout


def test_an_archive_over_the_size_limit_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("FACTCHECK_MATCHING__MAX_ARCHIVE_MB", "0.001")
    path = _good(tmp_path, "big.json", "The bridge cost 3 million euros. " * 100)
    result = runner.invoke(app, ["archive", "import", str(path)])
    assert result.exit_code == 1 and "over the 0.001 MB limit for an archive" in result.stderr


# the LLM ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reply", ["notjson", "choicesstr", "contentlist"])
def test_probe_n45_n46_a_reply_of_any_shape_is_one_failed_note_and_the_run_goes_on(
    corpus, monkeypatch, reply
):
    shutil.copytree(DATA / "evidence", corpus / "evidence")
    assert runner.invoke(app, ["index", str(corpus)]).exit_code == 0
    claims = json.loads(runner.invoke(app, ["claims", str(corpus / SEED_A.name), "--json"]).stdout)
    chosen = [c["id"] for c in claims if c["checkworthiness"] >= 0.5][:2]
    with ScriptedServer() as server:
        monkeypatch.setenv("FACTCHECK_LLM__MODEL", "fake-x")
        monkeypatch.setenv("FACTCHECK_LLM__BASE_URL", server.url)
        monkeypatch.setenv("FACTCHECK_LLM__MAX_RETRIES", "0")
        server.script = [reply] * 3  # the first claim's three attempts; the second claim gets a good reply
        result = runner.invoke(app, ["draft", *chosen, "--judge", "llm", "--workers", "1", "--json"])
    assert result.exit_code == 0, result.output
    assert "unexpected" not in result.stderr
    notes = json.loads(result.stdout)
    statuses = sorted(n["status"] for n in notes)
    assert statuses == [NoteStatus.draft.value, NoteStatus.failed.value]
    failed = next(n for n in notes if n["status"] == NoteStatus.failed.value)
    assert "not an OpenAI-style chat completion" in failed["failure"]


# credentials --------------------------------------------------------------------------------------------


def test_probe_n53_a_password_in_a_url_setting_is_masked_in_config_doctor_and_errors(
    workspace, corpus, monkeypatch
):
    workspace.index([corpus])
    workspace.close()
    secret = "sk-SECRET-123456"
    monkeypatch.setenv("FACTCHECK_LLM__BASE_URL", f"http://user:{secret}@127.0.0.1:9/v1")
    monkeypatch.setenv("FACTCHECK_LLM__MODEL", "m")
    monkeypatch.setenv("FACTCHECK_LLM__MAX_RETRIES", "0")
    monkeypatch.setenv("FACTCHECK_EMBEDDINGS__BASE_URL", f"https://api.example/v1?api_key={secret}")
    config = runner.invoke(app, ["config"])
    doctor = runner.invoke(app, ["doctor"])
    claims = json.loads(runner.invoke(app, ["claims", str(corpus / SEED_A.name), "--json"]).stdout)
    draft = runner.invoke(app, ["draft", claims[0]["id"], "--judge", "llm"])
    assert json.loads(config.stdout)["llm"]["base_url"] == "http://***@127.0.0.1:9/v1"
    assert "api_key=***" in config.stdout
    assert draft.exit_code != 0 and "http://***@127.0.0.1:9/v1 is unreachable" in draft.stderr
    for result in (config, doctor, draft):
        assert secret not in result.output


def test_o6_r23_a_source_with_credentials_in_its_url_is_stored_and_published_without_them(
    workspace, tmp_path
):
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "story.md").write_text(
        "---\ntitle: Story\nurl: https://user:hunter2@trusted.example@evil.example/story?token=abc\n---\n"
        "The council said it built 40 homes in 2021.\n"
    )
    workspace.index([folder])
    (document,) = [d for d in workspace.sources() if d.title == "Story"]
    assert workspace.document(document.id).url == "https://evil.example/story?token=***"
    stored = workspace.db.conn.execute("SELECT group_concat(url || path) FROM documents").fetchone()[0]
    assert "hunter2" not in stored and "trusted.example" not in stored


# The 2026-12-07 probe report (issue 38): one rule for control characters ----------------------------------
OSC_BEL = (
    "Riverton, March 3, 2022. Mayor said 12 schools will close \x1b]0;x\x07 next year, said Chief "
    "Ann\x1b]8;;http://e.example\x1b\\ Lee."
)


def test_r16_text_after_an_osc_ended_by_bel_is_shown_not_swallowed(tmp_path):
    path = tmp_path / "osc.json"
    path.write_text(json.dumps({"title": "OSC", "text": OSC_BEL}))
    assert runner.invoke(app, ["index", str(path)]).exit_code == 0
    (source,) = _sources()
    shown = runner.invoke(app, ["sources", "show", source["id"]]).stdout
    assert "\x1b" not in shown and "\x07" not in shown
    assert "next year" in shown and "Lee" in shown  # nothing after a sequence disappears: it is shown as ␛


def test_f20_public_text_is_stored_without_control_sequences_and_approve_show_prints_what_is_published(
    workspace, corpus
):
    shutil.copytree(DATA / "evidence", corpus / "evidence")
    workspace.index([corpus])
    claims = workspace.claims(str(corpus / SEED_A.name))
    drafter(workspace, EvidenceJudge()).draft_all(claims[:1])
    note = workspace.queue(QueueFilter(status=None))[0].note
    workspace.close()
    hostile = "Expl \x1b]52;c;Zm9v\x07 \u009b2J done \u202eevil"
    edited = runner.invoke(app, ["notes", "edit", note.id, "--explanation", hostile, "--reviewer", "ann"])
    assert edited.exit_code == 0, edited.output
    shown = json.loads(runner.invoke(app, ["notes", "show", note.id, "--json"]).stdout)
    assert shown["explanation"] == "Expl done evil"
    published = runner.invoke(
        app, ["notes", "approve", note.id, "--show", "--yes", "--reviewer", "ann"]
    ).stdout
    assert "explanation: Expl done evil" in published
    too_long = runner.invoke(
        app, ["notes", "edit", note.id, "--explanation", "x" * 2001, "--reviewer", "ann"]
    )
    assert too_long.exit_code == 3 and "keep it to 2,000" in too_long.stderr  # F19
    comment = runner.invoke(app, ["notes", "comment", note.id, "y" * 2001, "--reviewer", "ann"])
    assert comment.exit_code == 3 and "keep it to 2,000" in comment.stderr


def test_r17_r18_exports_and_json_lists_written_to_a_terminal_carry_no_live_control(tmp_path, monkeypatch):
    from factcheck.cli import common

    path = tmp_path / "osc.json"
    path.write_text(json.dumps({"title": "Title \x1b]52;c;Zm9v\x07 \u009b2J end", "text": OSC_BEL}))
    assert runner.invoke(app, ["index", str(path)]).exit_code == 0
    monkeypatch.setattr(common, "terminal", lambda: True)
    listed = runner.invoke(app, ["sources", "list", "--jsonl"]).stdout
    assert "\u009b" not in listed and "\\u009b" in listed and "\x1b" not in listed
    shown = runner.invoke(app, ["sources", "list", "--json"]).stdout
    assert "\u009b" not in shown and "\x1b" not in shown


def test_r17_every_export_format_written_to_a_terminal_carries_no_live_control(
    workspace, tmp_path, monkeypatch
):
    from factcheck.cli import common

    folder = tmp_path / "osc"
    folder.mkdir()
    (folder / "claim.md").write_text(
        '---\ntitle: "Schools \\e]52;c;Zm9v\\a close \\u009b2J"\noutlet: Riverton Post\ndate: 2022-03-04\n---\n'
        "The mayor said 12 schools will close next year.\n"
    )
    (folder / "wire.md").write_text(
        '---\ntitle: "Wire \\e]8;;http://e.example\\e\\\\ link"\noutlet: Wire\ndate: 2022-03-03\n---\n'
        "The mayor said 12 schools will close next year, \x1b]0;x\x07 officials confirmed.\n"
    )
    workspace.index([folder])
    drafter(workspace, EvidenceJudge()).draft_all(workspace.claims(str(folder / "claim.md")))
    for item in workspace.queue(QueueFilter(status=None)):
        if item.note.evidence and not item.note.citations:
            workspace.cite_evidence(item.note.id, 1, None, "ann")
        workspace.approve(item.note.id, "ann", confirm=True)
    workspace.close()
    monkeypatch.setattr(common, "terminal", lambda: True)
    for fmt in ("csv", "html", "md", "json"):
        exported = runner.invoke(app, ["notes", "export", "--format", fmt])
        assert exported.exit_code == 0, exported.output
        assert not re.search("[\x07\x1b\x80-\x9f]", exported.stdout), fmt


# The shipped calibration is pinned like the model (F28, F29) ---------------------------------------------


@pytest.fixture
def shipped_copy(tmp_path, monkeypatch):
    """A copy of the shipped data folder the test may change, read in place of the real one."""
    import factcheck.data
    from factcheck.claims import scoring
    from factcheck.drafting.calibration import load_calibration

    copy = tmp_path / "data"
    shutil.copytree(Path(factcheck.data.__file__).parent, copy)
    monkeypatch.setattr(factcheck.data.resources, "files", lambda name: copy)
    load_calibration.cache_clear()
    scoring._weights.cache_clear()
    yield copy
    load_calibration.cache_clear()
    scoring._weights.cache_clear()


def test_f28_a_tampered_calibration_file_is_one_line_and_nothing_commits(shipped_copy, caplog):
    from factcheck.drafting.calibration import load_calibration

    path = shipped_copy / "calibration.json"
    data = json.loads(path.read_text())
    data["certificate"] = {"threshold": 0.05, "precision": 1.0}
    path.write_text(json.dumps(data))
    calibration = load_calibration()
    assert calibration.certificate.threshold is None and not calibration.leans and not calibration.findings
    assert "does not match its pinned SHA-256" in calibration.problem
    assert [r.getMessage().count("\n") for r in caplog.records] == [0]  # one line


def test_f29_a_broken_calibration_or_weights_file_is_one_line_never_a_crash(shipped_copy, caplog):
    from factcheck.claims import scoring
    from factcheck.data import pin
    from factcheck.drafting.calibration import load_calibration

    broken = b'{"findings": {"stance_supports": {"fired": "x"'
    (shipped_copy / "calibration.json").write_bytes(broken)
    pin("calibration.json", broken)  # even a pinned file that cannot be parsed
    assert "cannot be read" in load_calibration().problem
    (shipped_copy / "checkworthiness.json").write_text("{}")
    assert scoring._weights() is None and "checkworthiness.json does not match" in caplog.text


def test_o7_a_link_inside_an_indexed_folder_to_a_file_outside_it_is_not_followed(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\nThe council said it built 40 homes in 2021.\n")
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "story.txt").write_text("Schools row\n\nThe mayor said 12 schools will close in 2023.\n")
    (folder / "passwd.txt").symlink_to(outside)
    (folder / "loop").symlink_to(folder)
    result = runner.invoke(app, ["index", str(folder)])
    assert result.exit_code == 0, result.output
    assert "a link to a file outside" in result.output and "not followed" in result.output
    assert [s["title"] for s in _sources()] == ["Schools row"]


def test_o2_an_article_too_long_for_claim_detection_is_said_at_index_and_refused_at_claims_at_once(tmp_path):
    import time

    sentences = " ".join(
        f"Mayor Jane Doe{n % 97} said that {n % 900 + 10} schools will close next year, costing about "
        f"${n % 80} million."
        for n in range(2_600)
    )
    path = tmp_path / "long.txt"
    path.write_text(f"Long report\n\n{sentences}\n")
    indexed = runner.invoke(app, ["index", str(path)])
    assert indexed.exit_code == 0 and "indexed as evidence only" in indexed.output
    started = time.monotonic()
    refused = runner.invoke(app, ["claims", str(path)])
    assert (
        refused.exit_code == 3
        and "claims are found in articles of up to 200,000 characters" in refused.stderr
    )
    assert time.monotonic() - started < 30  # refused at once, not after detecting for minutes
    assert runner.invoke(app, ["search", "schools will close"]).exit_code == 0  # still evidence


def test_o6_a_page_fetched_with_credentials_in_its_url_is_stored_without_them_and_a_404_line_masks_them(
    tmp_path, monkeypatch
):
    import http.server
    import threading

    (tmp_path / "story.html").write_text(
        "<html><head><title>Story</title></head><body><article><h1>Story</h1><p>The council said it built 40 "
        "homes in 2021, officials confirmed on Tuesday in a statement to the press.</p></article></body></html>"
    )

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    monkeypatch.setenv("FACTCHECK_INGEST__ALLOW_PRIVATE_URLS", "1")
    try:
        indexed = runner.invoke(app, ["index", f"http://user:hunter2@127.0.0.1:{port}/story.html"])
        missing = runner.invoke(app, ["index", f"http://127.0.0.1:{port}/gone.html?token=SECRET"])
    finally:
        server.shutdown()
        server.server_close()
    assert indexed.exit_code == 0, indexed.output
    (source,) = _sources()
    assert "hunter2" not in json.dumps(source) and source["url"] == f"http://127.0.0.1:{port}/story.html"
    assert missing.exit_code != 0 and "SECRET" not in missing.output and "token=***" in missing.output
