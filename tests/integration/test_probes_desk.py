"""The desk rows of the 2026-12-06 probe report (N30, N31, N33, N36, N37, N42, N64): the desk answers only to
its own names, takes state changes only from its own pages with a token bound to a signed session, puts its
security headers on every response, and turns malformed input into a 400."""

import logging
import re
import shutil

import pytest
from support.desk import DESK, TOKEN, desk_client, finished
from support.fakes import drafter
from support.paths import DATA, SEED_A
from typer.testing import CliRunner

from factcheck.cli import app as cli
from factcheck.drafting.judges import EvidenceJudge
from factcheck.errors import ConfigError
from factcheck.models import NoteStatus
from factcheck.web import DeskServer, check_binding, create_app

EVIL = {"Host": "evil.example:8765", "Origin": "http://evil.example:8765"}


@pytest.fixture
def drafted(workspace, corpus):
    shutil.copytree(DATA / "evidence", corpus / "evidence")
    workspace.index([corpus])
    claims = workspace.claims(str(corpus / SEED_A.name))
    drafter(workspace, EvidenceJudge()).draft_all([c for c in claims if c.checkworthiness >= 0.5][:4])
    return workspace


def _named(workspace, **kwargs):
    client = desk_client(workspace, **kwargs)
    client.cookies.set("factcheck_reviewer", "ann")
    return client


def _csrf(client, page="/sources"):
    return re.search(r'name="csrf" value="([^"]+)"', client.get(page).text)[1]


def test_probe_n31_a_foreign_host_name_is_refused_before_any_page_or_action(drafted, tmp_path):
    client = _named(drafted)
    secret = tmp_path / "secret.txt"
    secret.write_text("The launch code is 12345 and it was said by nobody in 2020.\n")
    note = drafted.queue_entries()[0]
    token = _csrf(client, f"/notes/{note.note_id}")
    for path in ("/", "/sources", f"/notes/{note.note_id}", "/static/desk.js", "/export?format=json"):
        refused = client.get(path, headers=EVIL)
        assert refused.status_code == 400 and "does not answer to the name" in refused.text
        assert "set-cookie" not in refused.headers
    rebound = client.post("/sources", data={"csrf": token, "path": str(secret)}, headers=EVIL)
    verdict = client.post(
        f"/notes/{note.note_id}/verdict", data={"csrf": token, "verdict": "refuted"}, headers=EVIL
    )
    assert rebound.status_code == verdict.status_code == 400
    assert all(d.path != str(secret) for d in drafted.sources()) and drafted.history(note.note_id) == []
    for name in ("127.0.0.1:8765", "localhost:8765", "[::1]:8765", "LOCALHOST"):
        assert client.get("/", headers={"Host": name}).status_code == 200
    proxied = desk_client(drafted, allowed=("desk.newsroom.example",))
    assert proxied.get("/", headers={"Host": "desk.newsroom.example"}).status_code == 200
    assert proxied.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_probe_n31_the_desk_bound_to_every_interface_answers_to_this_machines_names_only(drafted):
    import socket

    client = desk_client(drafted, host="0.0.0.0", token=TOKEN)
    assert client.get(f"/?token={TOKEN}", headers={"Host": f"{socket.gethostname()}:80"}).status_code == 200
    assert client.get(f"/?token={TOKEN}", headers={"Host": "192.0.2.7:80"}).status_code == 200  # an address
    assert client.get(f"/?token={TOKEN}", headers={"Host": "rebound.example"}).status_code == 400


def test_probe_n33_a_csrf_pair_chosen_by_an_attacker_or_another_origin_is_refused(drafted):
    note = drafted.queue_entries()[0].note_id
    action = f"/notes/{note}/verdict"
    planted = _named(drafted)
    planted.cookies.set("factcheck_session", "a" * 32)  # set by a page on another 127.0.0.1 port
    assert planted.post(action, data={"csrf": "a" * 32, "verdict": "refuted"}).status_code == 403
    ann, bob = _named(drafted), _named(drafted)
    bobs_token = _csrf(bob)
    ann.get("/")
    assert ann.post(action, data={"csrf": bobs_token, "verdict": "refuted"}).status_code == 403
    token = _csrf(ann, f"/notes/{note}")
    foreign = ann.post(
        action, data={"csrf": token, "verdict": "refuted"}, headers={"Origin": "http://evil.example"}
    )
    other_port = ann.post(action, data={"csrf": token}, headers={"Origin": "http://127.0.0.1:9999"})
    sandboxed = ann.post(action, data={"csrf": token}, headers={"Origin": "null"})
    assert foreign.status_code == other_port.status_code == sandboxed.status_code == 403
    assert "not sent from a page of this desk" in foreign.text
    bare = desk_client(drafted)
    bare.headers.pop("Origin")
    bare.cookies.set("factcheck_reviewer", "ann")
    token = _csrf(bare, f"/notes/{note}")
    assert (
        bare.post(f"/notes/{note}/approve", data={"csrf": token}).status_code == 403
    )  # no Origin, no Referer
    assert drafted.history(note) == [] and drafted.note(note).status == NoteStatus.draft
    referred = bare.post(
        f"/notes/{note}/approve",
        data={"csrf": token, "version": drafted.note(note).version},
        headers={"Referer": f"{DESK}/notes/{note}"},
    )
    assert referred.status_code == 200 and drafted.note(note).status == NoteStatus.approved


def test_probe_n30_static_files_404s_500s_and_refusals_carry_the_security_headers(
    drafted, monkeypatch, caplog
):
    client = _named(drafted)

    def broken(document_id):
        raise RuntimeError("a bug in a page")

    monkeypatch.setattr(drafted, "article_view", broken)
    caplog.set_level(logging.ERROR, logger="factcheck.desk")
    responses = {
        "static": client.get("/static/desk.css"),
        "404": client.get("/no/such/page"),
        "500": client.get("/articles/d123"),
        "foreign host": client.get("/", headers=EVIL),
        "page": client.get("/"),
    }
    assert [r.status_code for r in responses.values()] == [200, 404, 500, 400, 200]
    for response in responses.values():
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "same-origin"
    assert "Traceback" not in responses["500"].text and "nothing was changed" in responses["500"].text
    assert [r.getMessage() for r in caplog.records] == [
        "desk error on GET /articles/d123: RuntimeError: a bug in a page"
    ]


def test_probe_n36_a_short_token_is_refused_and_the_printed_address_can_be_opened(drafted):
    for short in ("x", "s3cret", " " * 20 + "abc"):
        with pytest.raises(ConfigError, match="at least 16 characters"):
            check_binding("0.0.0.0", short)
        with pytest.raises(ConfigError, match="at least 16 characters"):
            create_app(drafted, token=short)
    result = CliRunner().invoke(cli, ["serve", "--host", "127.0.0.1", "--token", "abc"])
    assert result.exit_code == 2 and "at least 16 characters" in result.stderr
    server = DeskServer(create_app(drafted, token=TOKEN, host="0.0.0.0"), "0.0.0.0")
    assert "0.0.0.0" not in server.public_url and server.url.startswith("http://127.0.0.1:")
    assert DeskServer(create_app(drafted), "127.0.0.1", 8765).public_url == "http://127.0.0.1:8765"


@pytest.mark.parametrize(
    "page",
    ["/?page=²", "/?page=" + "9" * 5000, "/?page=-1", "/?page=abc"],
    ids=["super2", "5000digits", "neg", "abc"],
)
def test_probe_n37_malformed_query_parameters_are_a_400(drafted, page, caplog):
    response = _named(drafted).get(page)
    assert response.status_code == 400 and "page must be a whole number" in response.text
    assert not caplog.records


@pytest.mark.parametrize(
    ("action", "field", "value"),
    [
        ("approve", "version", "²"),
        ("cite", "rank", "abc"),
        ("cite", "sentence", "²"),
        ("cite", "rank", "9" * 5000),
    ],
)
def test_probe_n37_malformed_form_fields_are_a_400_and_change_nothing(drafted, action, field, value, caplog):
    client = _named(drafted)
    note = drafted.queue_entries()[0].note_id
    response = client.post(
        f"/notes/{note}/{action}", data={"csrf": _csrf(client, f"/notes/{note}"), "rank": "1", field: value}
    )
    assert response.status_code == 400 and f"{field} must be a whole number" in response.text
    assert drafted.history(note) == [] and not caplog.records


def test_probe_n42_an_upload_with_a_taken_name_and_other_text_becomes_its_own_document(drafted):
    client = _named(drafted)
    story_a = b"---\ntitle: Story A\n---\nThe council said 40 homes were built in 2021.\n"
    story_b = b"---\ntitle: Story B\n---\nThe mayor said 12 schools will close next year.\n"

    def upload(data):
        response = client.post(
            "/sources", data={"csrf": _csrf(client, "/sources")}, files=[("files", ("article.txt", data))]
        )
        return finished(client, response)["result"]

    assert "1 new" in upload(story_a) and "1 new" in upload(story_b)
    titles = {d.title for d in drafted.sources()}
    assert {"Story A", "Story B"} <= titles
    assert "1 unchanged" in upload(story_b) and "1 unchanged" in upload(story_a)
    uploads = sorted(p.name for p in (drafted.settings.home / "uploads").iterdir())
    assert uploads == ["article-2.txt", "article.txt"]


def test_probe_n41_an_oversized_upload_is_refused_and_leaves_no_file(drafted, monkeypatch):
    monkeypatch.setattr(drafted.settings.ingest, "max_file_mb", 0.001)
    client = _named(drafted)
    response = client.post(
        "/sources",
        data={"csrf": _csrf(client, "/sources")},
        files=[("files", ("big.txt", b"x" * 2000))],
    )
    assert response.status_code == 400 and "larger than 0.001 MB, the most this desk takes" in response.text
    assert not (drafted.settings.home / "uploads" / "big.txt").exists()


def test_probe_n64_a_reviewer_name_on_several_lines_or_with_escapes_is_not_a_name(drafted):
    client = desk_client(drafted)
    client.cookies.set("factcheck_reviewer", "Ann%0A2026-01-01 approve by Bob\x1b[2J" + "x" * 3000)
    note = drafted.queue_entries()[0].note_id
    asked = client.post(
        f"/notes/{note}/approve", data={"csrf": _csrf(client, f"/notes/{note}")}, follow_redirects=False
    )
    assert asked.status_code == 303 and asked.headers["location"].startswith("/name")
    escaped = client.post("/name", data={"csrf": _csrf(client, "/name"), "name": "Ann\x1b[2J", "next": "/"})
    assert escaped.status_code == 400 and drafted.history(note) == []
    client.post("/name", data={"csrf": _csrf(client, "/name"), "name": "Ann\nEditor", "next": "/"})
    assert 'Reviewing as <strong id="reviewer-name">Ann Editor</strong>' in client.get("/").text


def test_r5_a_request_with_two_host_headers_is_refused_before_anything_runs():
    import asyncio

    from factcheck.web.security import DeskGate, allowed_hosts

    reached, sent = [], []

    async def app(scope, receive, send):
        reached.append(scope)

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    gate = DeskGate(app, allowed_hosts("127.0.0.1"), "127.0.0.1")
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/notes/n1/approve",
        "headers": [
            (b"host", b"evil.example"),
            (b"host", b"127.0.0.1:8765"),
            (b"origin", b"http://evil.example"),
        ],
    }
    asyncio.run(gate(scope, receive, send))
    assert not reached and sent[0]["status"] == 400
    single = {**scope, "headers": [(b"host", b"127.0.0.1:8765")]}
    asyncio.run(gate(single, receive, send))
    assert reached  # one Host of this desk goes on to the app
