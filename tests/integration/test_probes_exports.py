"""Reliability probes of 2026-11-24, exports: nothing an attacker writes in an article becomes script or a live
link, and a ClaimReview is one a publisher can use. Test names carry the probe's number."""

import json
from importlib import resources

import jsonschema
import pytest
import yaml
from markdown_it import MarkdownIt
from support.fakes import drafter
from support.hostile import elements, hostile_workspace, publishing_hostile_workspace

from factcheck.drafting.judges import EvidenceJudge
from factcheck.errors import InputError
from factcheck.models import QueueFilter


@pytest.fixture
def hostile(workspace, tmp_path, monkeypatch):
    return publishing_hostile_workspace(workspace, tmp_path / "hostile", monkeypatch)


def test_probe_53_html_report_has_no_script_handler_or_unsafe_link(hostile):
    html = hostile.export("html").files["notes.html"]
    parsed = elements(html)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert not [a for a in parsed.attributes if a[0].startswith("on")]
    hrefs = [value for name, value in parsed.attributes if name == "href"]
    assert hrefs and all(h.startswith(("#", "http://", "https://")) for h in hrefs)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_probe_54_markdown_export_renders_without_html_or_script_links(hostile):
    markdown = hostile.export("md").files["notes.md"]
    rendered = MarkdownIt("commonmark").render(markdown)
    parsed = elements(rendered)
    assert "script" not in parsed.tags and "img" not in parsed.tags and "b" not in parsed.tags
    hrefs = [value for name, value in parsed.attributes if name == "href"]
    assert all(h.startswith(("http://", "https://")) for h in hrefs)
    assert "&lt;script&gt;" in rendered  # the attacker's text is shown, inert


def test_probe_55_claimreview_is_safe_inside_a_script_block_and_has_no_unsafe_url(hostile):
    text = hostile.export("claimreview").files["notes.json"]
    assert "</script" not in text.lower() and "<" not in text
    reviews = json.loads(text)
    schema = json.loads(resources.files("factcheck.data").joinpath("claimreview.schema.json").read_text())
    jsonschema.validate(reviews, schema, format_checker=jsonschema.FormatChecker())
    urls = [v for r in reviews for v in _strings(r) if "://" in v or v.startswith(("javascript", "data:"))]
    assert urls and all(u.startswith("https://") for u in urls)


def _strings(data):
    if isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)
    elif isinstance(data, str):
        yield data


def test_claimreview_needs_a_publisher(workspace, tmp_path, monkeypatch):
    hostile_workspace(workspace, tmp_path / "h")
    with pytest.raises(InputError, match="FACTCHECK_PUBLISHER__NAME"):
        workspace.export("claimreview")
    monkeypatch.setenv("FACTCHECK_PUBLISHER__NAME", "X")
    monkeypatch.setenv("FACTCHECK_PUBLISHER__URL", "javascript:alert('pub')")
    from factcheck.settings import load_settings

    workspace.settings = load_settings()
    with pytest.raises(InputError, match="http"):
        workspace.export("markup")


def test_claimreview_public_fields_dates_and_authors(hostile):
    first = json.loads(hostile.export("claimreview").files["notes.json"])
    again = json.loads(hostile.export("claimreview").files["notes.json"])
    assert [r["datePublished"] for r in first] == [r["datePublished"] for r in again]
    for review in first:
        assert len(review["claimReviewed"]) <= 120 and review["url"].startswith(
            "https://checks.example.org/#n"
        )
        assert (
            "No LLM judged" not in review["reviewBody"] and "deterministic checks" not in review["reviewBody"]
        )
        author = review["itemReviewed"].get("author", {})
        assert author.get("name", "").lower() not in {"he", "she", "they"}
    item = hostile.queue(QueueFilter(status=None))[0]
    fields = yaml.safe_load(hostile.edit_text(item.note.id)[0])
    hostile.save_edit(item.note.id, yaml.safe_dump({**fields, "explanation": "Our own words."}), "ann")
    hostile.approve(item.note.id, "ann")
    published = json.loads(hostile.export("claimreview").files["notes.json"])
    assert any(r["reviewBody"] == "Our own words." for r in published)


def test_markup_page_export_matches_the_fact_check_tools_schema(hostile):
    pages = json.loads(hostile.export("markup").files["notes.json"])
    schema = json.loads(
        resources.files("factcheck.data").joinpath("claimreview_markup_page.schema.json").read_text()
    )
    jsonschema.validate(pages, schema, format_checker=jsonschema.FormatChecker())
    assert pages[0]["claimReviewAuthor"]["name"] == "Example Checks"
    assert pages[0]["claimReviewMarkups"][0]["rating"]["textualRating"]


def test_probe_77_outlets_with_relative_urls_are_independent(workspace, tmp_path):
    folder = tmp_path / "outlet"
    folder.mkdir()
    (folder / "a.md").write_text(
        "---\ntitle: A\noutlet: Riverton Times\nurl: /news/a\ndate: 2022-02-10\n---\n"
        "The mayor said 12 schools will close in Riverton.\n"
    )
    (folder / "b.md").write_text(
        "---\ntitle: B\noutlet: Metro Wire\nurl: /news/b\ndate: 2022-02-10\n---\n"
        "Riverton will close 12 schools, the mayor of Riverton said.\n"
    )
    workspace.index([folder])
    claim = next(c for c in workspace.claims(str(folder / "a.md")) if "12" in c.text)
    note = drafter(workspace, EvidenceJudge()).draft(claim)
    assert "only_same_outlet_evidence" not in note.flags
    assert next(c for c in note.checks if c.name == "independence").outcome == "independent"


def test_o14_an_empty_export_of_every_status_does_not_suggest_every_status(workspace):
    workspace.close()
    from typer.testing import CliRunner

    from factcheck.cli import app

    result = CliRunner().invoke(app, ["notes", "export", "--status", "all"])
    assert (
        result.exit_code == 3 and "--status all" not in result.stderr and "draft some first" in result.stderr
    )
