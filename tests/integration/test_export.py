import json
import shutil
import subprocess
from datetime import date
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from pyld import jsonld
from support.browser import chromium, headless_flags
from support.fakes import drafter
from support.paths import DATA, SEED_A
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.drafting.judges import EvidenceJudge
from factcheck.models import NoteStatus, QueueFilter
from factcheck.retrieval.fusion import RetrievalSettings
from factcheck.review import actions as review
from factcheck.review import export
from factcheck.settings import PublisherSettings

SECRET = "sk-test-secret-42"


@pytest.fixture
def approved(workspace, corpus, monkeypatch):
    monkeypatch.setenv("FACTCHECK_LLM__API_KEY", SECRET)
    shutil.copytree(DATA / "evidence", corpus / "evidence")
    workspace.index([corpus])
    claims = [c for c in workspace.claims(str(corpus / SEED_A.name)) if c.checkworthiness >= 0.5]
    drafter(workspace, EvidenceJudge(), RetrievalSettings(k=6)).draft_all(claims)
    items = review.Reviewing(workspace.db).queue()
    for item in items[:3]:
        review.Reviewing(workspace.db).approve(item.note.id, "ann", confirm=True)
    review.Reviewing(workspace.db).reject(items[3].note.id, "ann", "opinion")
    return workspace


def _export(fmt, out, *extra):
    result = CliRunner().invoke(app, ["notes", "export", "--format", fmt, "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out


def _assert_clean(text, workspace):
    assert SECRET not in text
    assert str(workspace.settings.home) not in text and "/corpus/" not in text and str(Path.cwd()) not in text
    assert "You are a careful fact-checker" not in text


def test_markdown_json_exports_hold_only_approved_notes(approved, tmp_path):
    approved_ids = {
        i.note.id
        for i in review.Reviewing(approved.db).queue(QueueFilter(status=None))
        if i.note.status.value == "approved"
    }
    records = json.loads(_export("json", tmp_path / "notes.json").read_text())
    assert {r["note"]["id"] for r in records} == approved_ids and len(approved_ids) == 3
    assert set(records[0]) == {"note", "claim", "article"} and "path" not in records[0]["article"]
    markdown = _export("md", tmp_path / "notes.md").read_text()
    assert markdown.startswith("# Fact-check notes") and "**Verdict:" in markdown
    per_article = _export("md", tmp_path / "per-article", "--per-article")
    assert len(list(per_article.glob("*.md"))) == 1
    for text in (json.dumps(records), markdown):
        _assert_clean(text, approved)


def test_nothing_approved_is_a_clear_error(workspace):
    result = CliRunner().invoke(app, ["notes", "export", "--format", "md", "--out", "x.md"])
    assert result.exit_code == 3 and "no approved notes" in result.stderr


def test_claimreview_matches_the_schema_and_parses_as_json_ld(approved, tmp_path, monkeypatch):
    monkeypatch.setenv("FACTCHECK_PUBLISHER__NAME", "Example Checks")
    monkeypatch.setenv("FACTCHECK_PUBLISHER__URL", "https://checks.example.org/")
    reviews = json.loads(_export("claimreview", tmp_path / "claimreview.json").read_text())
    schema = json.loads(resources.files("factcheck.data").joinpath("claimreview.schema.json").read_text())
    jsonschema.validate(reviews, schema, format_checker=jsonschema.FormatChecker())
    first = reviews[0]
    assert first["author"] == {
        "@type": "Organization",
        "name": "Example Checks",
        "url": "https://checks.example.org/",
    }
    assert first["reviewRating"]["alternateName"] in {"False", "Unproven", "Partly true", "True"}
    _assert_clean(json.dumps(reviews), approved)

    def offline_loader(url, options=None):  # no network: schema.org's context reduced to its vocabulary
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": {"@context": {"@vocab": "https://schema.org/"}},
        }

    expanded = jsonld.expand(reviews, {"documentLoader": offline_loader})
    assert expanded[0]["@type"] == ["https://schema.org/ClaimReview"]
    rating = expanded[0]["https://schema.org/reviewRating"][0]
    assert rating["https://schema.org/ratingValue"][0]["@value"] == first["reviewRating"]["ratingValue"]


def test_rating_mapping_is_monotonic_and_documented():
    values = [
        export.RATINGS[v][0] for v in ("refuted", "not_enough_evidence", "partly_supported", "supported")
    ]
    assert values == sorted(values) and values[0] == 1 and values[-1] == 5
    assert PublisherSettings().name == ""
    assert date.today()


def test_html_report_renders_in_headless_chromium(approved, tmp_path):
    report = _export("html", tmp_path / "report.html", "--status", "all")
    page = report.read_text()
    _assert_clean(page, approved)
    assert "http://" not in page.split("<body>")[0] and "<script" not in page  # standalone: nothing to fetch
    browser = chromium()
    flags = headless_flags(tmp_path / "profile")
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", report.as_uri()], capture_output=True, text=True, timeout=120
    )
    assert dom.returncode == 0, dom.stderr[-500:]
    assert dom.stdout.count('<mark class="claim') >= 4
    assert 'id="note-' in dom.stdout and 'class="quote"' in dom.stdout
    shot = tmp_path / "report.png"
    subprocess.run(
        [browser, *flags, f"--screenshot={shot}", "--window-size=1280,1600", report.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_a_note_whose_cited_source_changed_is_left_out_of_exports(approved, corpus, tmp_path):
    cited = next(
        item.note
        for item in review.Reviewing(approved.db).queue(QueueFilter(status=None))
        if item.note.citations
    )
    if cited.status != NoteStatus.approved:
        approved.approve(cited.id, "ann", confirm=True)
    source = Path(approved.db.document(cited.citations[0].document_id).path)
    assert source.is_relative_to(corpus)
    source.write_text("---\ntitle: Corrected\n---\nThe earlier figure in this article was withdrawn.\n")
    approved.index([corpus])
    result = CliRunner().invoke(
        app, ["notes", "export", "--format", "json", "--out", str(tmp_path / "o.json")]
    )
    assert result.exit_code == 0, result.output
    assert f"note {cited.id} left out" in result.stderr and "not" in result.stderr
    exported = {r["note"]["id"] for r in json.loads((tmp_path / "o.json").read_text())}
    assert cited.id not in exported


def test_csv_export_has_one_row_per_approved_note_with_the_desks_columns(approved):
    import csv
    import io

    text = approved.export("csv").files["notes.csv"]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(export.CSV_COLUMNS) and len(rows) == 3
    notes = {n.id: n for n in approved.db.notes("approved")}
    for row in rows:
        note = notes[row["note"]]
        assert row["verdict"] == note.verdict.value and row["rating"] == export.RATINGS[note.verdict][1]
        assert row["reviewer"] == "ann" and row["first approved"] == str(date.today())
        assert row["status"] == "approved" and row["claim"] and "\n" not in row["explanation"]
    assert approved.export("csv").media_type.startswith("text/csv")


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_text(workspace, tmp_path):
    from support.hostile import hostile_workspace

    folder = tmp_path / "formula"
    folder.mkdir()
    (folder / "claim.md").write_text(
        '---\ntitle: "=HYPERLINK(\\"http://evil.example\\",\\"click\\")"\nurl: "javascript:alert(1)"\n'
        "date: 2022-02-10\n---\n@SUM(1+1) The ministry said about 130,000 troops were near the border.\n"
    )
    workspace.index([folder])
    hostile_workspace(workspace, tmp_path / "hostile")
    for claim in workspace.claims(str(folder / "claim.md")):
        drafter(workspace, EvidenceJudge()).draft_all([claim])
    for item in workspace.queue(QueueFilter(status=NoteStatus.draft)):
        workspace.approve(item.note.id, "ann")
    text = workspace.export("csv").files["notes.csv"]
    import csv
    import io

    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    assert any(c.startswith("'=HYPERLINK") for c in cells) and "javascript:" not in "".join(
        row["article url"] for row in csv.DictReader(io.StringIO(text))
    )


def test_every_export_format_is_listed_by_the_cli_and_the_desk(approved):
    from support.desk import desk_client

    names = [f.name for f in approved.export_formats()]
    assert names == list(export.EXPORT_FORMATS) and "csv" in names
    help_text = CliRunner().invoke(app, ["notes", "export", "--help"]).stdout
    assert all(f"{name}:" in help_text for name in names)
    page = desk_client(approved).get("/export").text
    assert all(f'href="/export?format={name}"' in page for name in names)
    download = desk_client(approved).get("/export?format=csv")
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")


def test_f8_publishing_formats_carry_approved_notes_only_unless_asked_and_then_say_so(approved, monkeypatch):
    monkeypatch.setenv("FACTCHECK_PUBLISHER__NAME", "Example Checks")
    monkeypatch.setenv("FACTCHECK_PUBLISHER__URL", "https://checks.example.org")
    approved.close()
    runner = CliRunner()
    for fmt in ("claimreview", "markup"):
        refused = runner.invoke(app, ["notes", "export", "--format", fmt, "--status", "all"])
        assert refused.exit_code == 3 and "publishes approved notes only" in refused.stderr, fmt
        marked = runner.invoke(
            app, ["notes", "export", "--format", fmt, "--status", "all", "--include-unapproved"]
        )
        assert marked.exit_code == 0 and "UNAPPROVED DRAFT" in marked.stdout, fmt
    reviews = json.loads(runner.invoke(app, ["notes", "export", "--format", "claimreview"]).stdout)
    assert reviews and not any("UNAPPROVED" in r["reviewRating"]["alternateName"] for r in reviews)
