"""Reports built from hostile articles, opened in headless Chromium: no script runs and no unsafe link exists,
for the HTML report, the Markdown export rendered to HTML, and ClaimReview JSON-LD embedded in a page."""

import subprocess

import pytest
from markdown_it import MarkdownIt
from support.browser import chromium, headless_flags
from support.hostile import elements, publishing_hostile_workspace


def _dom(page, profile):
    result = subprocess.run(
        [chromium(), *headless_flags(profile), "--virtual-time-budget=2000", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-500:]
    return result.stdout


@pytest.fixture
def hostile(workspace, tmp_path, monkeypatch):
    return publishing_hostile_workspace(workspace, tmp_path / "articles", monkeypatch)


def _assert_inert(dom, scripts_allowed=0):
    parsed = elements(dom)
    assert "PWNED" not in parsed.title  # an injected script would have set the title
    assert parsed.tags.count("script") == scripts_allowed and "img" not in parsed.tags
    assert not [name for name, _ in parsed.attributes if name.startswith("on")]  # no event handler survived
    hrefs = [value for name, value in parsed.attributes if name == "href"]
    assert all(h.startswith(("#", "http://", "https://")) for h in hrefs), hrefs


def test_hostile_html_report_runs_no_script(hostile, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(hostile.export("html").files["notes.html"])
    dom = _dom(page, tmp_path / "p1")
    _assert_inert(dom)
    assert "&lt;script&gt;" in dom  # the attacker's words are on the page, as text


def test_hostile_markdown_rendered_runs_no_script(hostile, tmp_path):
    page = tmp_path / "md.html"
    body = MarkdownIt("commonmark").render(hostile.export("md").files["notes.md"])
    page.write_text(f"<!DOCTYPE html><html><head><title>md</title></head><body>{body}</body></html>")
    _assert_inert(_dom(page, tmp_path / "p2"))


def test_hostile_claimreview_inside_a_script_block_runs_no_script(hostile, tmp_path):
    page = tmp_path / "ld.html"
    data = hostile.export("claimreview").files["notes.json"]
    page.write_text(
        '<!DOCTYPE html><html><head><title>ld</title><script type="application/ld+json">'
        f"{data}</script></head><body><p>article</p></body></html>"
    )
    dom = _dom(page, tmp_path / "p3")
    _assert_inert(dom, scripts_allowed=1)
    assert "claimReviewed" in dom and "<p>article</p>" in dom
