"""A workspace built from articles written by an attacker: script tags, event handlers, javascript: and data:
URLs, and a title that closes a <script> block. Every note is approved, so every export holds them."""

import json
from html.parser import HTMLParser

from factcheck.drafting.judges import EvidenceJudge
from factcheck.models import QueueFilter
from support.fakes import drafter

HOSTILE = {
    "title": "</script><script>document.title='PWNED'</script><img src=x onerror=alert(1)> [x](javascript:alert(2))",
    "outlet": "<b onmouseover=alert(3)>Evil Outlet</b>",
    "url": "javascript://claim.example/%0aalert(document.cookie)",
}


def hostile_workspace(workspace, folder):
    folder.mkdir()
    (folder / "claim.md").write_text(
        f"---\ntitle: {json.dumps(HOSTILE['title'])}\noutlet: {json.dumps(HOSTILE['outlet'])}\n"
        f"url: {json.dumps(HOSTILE['url'])}\ndate: 2022-02-10\n---\n"
        "The ministry said about 130,000 troops were near the border <script>alert(4)</script>.\n"
    )
    (folder / "evidence.md").write_text(
        '---\ntitle: "Wire <script>alert(5)</script>"\nurl: "data:text/html,<script>alert(6)</script>"\n'
        "outlet: Wire\ndate: 2022-02-09\n---\nOfficials said about 130,000 troops were near the border, the ministry "
        "confirmed.\n"
    )
    workspace.index([folder])
    claims = workspace.claims(str(folder / "claim.md"))
    drafter(workspace, EvidenceJudge()).draft_all(claims)
    for item in workspace.queue(QueueFilter(status=None)):
        if item.note.evidence and not item.note.citations:  # cite the best sentence of the first passage
            workspace.cite_evidence(item.note.id, 1, None, "ann")
        workspace.approve(item.note.id, "ann", confirm=True)
    return workspace


def publishing_hostile_workspace(workspace, folder, monkeypatch):
    """The hostile workspace, with a publisher set so ClaimReview and markup exports can be made."""
    monkeypatch.setenv("FACTCHECK_PUBLISHER__NAME", "Example Checks")
    monkeypatch.setenv("FACTCHECK_PUBLISHER__URL", "https://checks.example.org")
    from factcheck.settings import load_settings

    workspace.settings = load_settings()
    return hostile_workspace(workspace, folder)


class Elements(HTMLParser):
    """The elements, attributes and title of an HTML page (escaped text is text, not markup)."""

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


def elements(html):
    parser = Elements()
    parser.feed(html)
    return parser
