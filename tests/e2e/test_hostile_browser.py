"""Reports built from hostile articles, opened in headless Chromium: no script runs and no unsafe link exists,
for the HTML report, the Markdown export rendered to HTML, and ClaimReview JSON-LD embedded in a page."""

import os
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from hostile import hostile_workspace
from markdown_it import MarkdownIt

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _dom(page, profile):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    result = subprocess.run(
        [
            chromium,
            *FLAGS,
            f"--user-data-dir={profile}",
            "--virtual-time-budget=2000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-500:]
    return result.stdout


@pytest.fixture
def hostile(workspace, tmp_path, monkeypatch):
    monkeypatch.setenv("FACTCHECK_PUBLISHER__NAME", "Example Checks")
    monkeypatch.setenv("FACTCHECK_PUBLISHER__URL", "https://checks.example.org")
    from factcheck.settings import load_settings

    workspace.settings = load_settings()
    return hostile_workspace(workspace, tmp_path / "articles")


class Elements(HTMLParser):
    """The elements and attributes of the live DOM (escaped text is text, not markup)."""

    def __init__(self):
        super().__init__()
        self.tags, self.attributes, self.title = [], [], ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += attrs
        self._in_title = tag == "title"

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def _assert_inert(dom, scripts_allowed=0):
    parsed = Elements()
    parsed.feed(dom)
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
