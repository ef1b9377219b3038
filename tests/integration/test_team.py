"""A desk a team can trust (issue 39), through the desk's own pages and the command line: accounts and roles,
one sign-off per account wherever it acts, the policy in the workspace, sign-in that expires and is rate-
limited, a trusted proxy header only from its proxy, sources under roots, jobs that say they failed, and a
queue that searches, filters, groups copies and acts in bulk behind a confirmation."""

import re
import sqlite3
import time
from pathlib import Path

import pytest
from support.desk import desk_client, draft_the_first_example, finished
from support.paths import SEED_A
from typer.testing import CliRunner

from factcheck.cli import app as cli
from factcheck.errors import NotAllowed
from factcheck.models import NoteStatus, Role

PASSWORDS = {"Ann": "ann's long password", "Bob": "bob's long password", "Rita": "rita's long password"}
WEB = Path(__file__).parents[2] / "factcheck" / "web"


@pytest.fixture
def drafted(workspace, corpus):
    return draft_the_first_example(workspace, corpus)


@pytest.fixture
def team(drafted):
    drafted.team.add("Ann", Role.admin, PASSWORDS["Ann"])
    drafted.team.add("Bob", Role.editor, PASSWORDS["Bob"])
    drafted.team.add("Rita", Role.reviewer, PASSWORDS["Rita"])
    return drafted


def _csrf(client, page="/login"):
    return re.search(r'name="csrf" value="([^"]+)"', client.get(page).text).group(1)


def signed_in(workspace, name, **kwargs):
    client = desk_client(workspace, **kwargs)
    response = client.post(
        "/login", data={"csrf": _csrf(client), "name": name, "password": PASSWORDS[name], "next": "/"}
    )
    assert response.status_code == 200 and "Signed in as" in response.text
    return client


def _form(client, page, **fields):
    html = client.get(page).text
    return {**dict(re.findall(r'name="(csrf|version|back)" value="([^"]*)"', html)), **fields}


def _cli(args, password):
    return CliRunner().invoke(cli, args, input=f"{password}\n")


def test_passwords_are_kept_only_as_argon2_hashes_and_the_cli_manages_accounts(workspace):
    runner = CliRunner()
    first = runner.invoke(
        cli, ["users", "add", "Ann", "--role", "admin", "--password-stdin"], input="ann pass 123\n"
    )
    assert first.exit_code == 0 and "added Ann (admin)" in first.output  # the first account needs no admin
    alone = runner.invoke(cli, ["users", "add", "Zoe", "--password-stdin"], input="zoe pass 123\n")
    assert alone.exit_code != 0 and "--by" in alone.stderr  # after it, an admin adds the others
    added = runner.invoke(
        cli,
        ["users", "add", "Zoe", "--role", "editor", "--password-stdin", "--by", "Ann"],
        input="ann pass 123\nzoe pass 123\n",
    )
    assert added.exit_code == 0 and "added Zoe (editor)" in added.output
    short = runner.invoke(
        cli, ["users", "add", "Yan", "--password-stdin", "--by", "Ann"], input="ann pass 123\nshort\n"
    )
    assert (
        short.exit_code != 0 and "at least 10 characters" in short.stderr and "Traceback" not in short.output
    )
    again = runner.invoke(
        cli,
        ["users", "add", "ZOE", "--password-stdin", "--by", "Ann"],
        input="ann pass 123\nanother pass 1\n",
    )
    assert again.exit_code != 0 and "exists already" in again.stderr
    not_admin = runner.invoke(cli, ["users", "role", "Zoe", "admin", "--by", "Zoe"], input="zoe pass 123\n")
    assert not_admin.exit_code != 0 and "may not manage accounts" in not_admin.stderr
    listed = runner.invoke(cli, ["users", "list"]).stdout
    assert "Zoe\teditor" in listed and "Ann\tadmin" in listed
    stored = (
        sqlite3.connect(workspace.settings.db_path).execute("SELECT password_hash FROM accounts").fetchall()
    )
    assert all(h[0].startswith("$argon2") and "pass 123" not in h[0] for h in stored)
    own = runner.invoke(
        cli, ["users", "passwd", "zoe", "--password-stdin"], input="zoe pass 123\nnew zoe pass 1\n"
    )
    assert own.exit_code == 0
    with pytest.raises(NotAllowed):
        workspace.team.sign_in("Zoe", "zoe pass 123")
    assert workspace.team.sign_in("zoe", "new zoe pass 1").name == "Zoe"
    assert (
        runner.invoke(
            cli, ["users", "role", "Zoe", "reviewer", "--by", "Ann"], input="ann pass 123\n"
        ).exit_code
        == 0
    )
    assert workspace.team.get("Zoe").role == Role.reviewer
    removed = runner.invoke(cli, ["users", "remove", "Zoe", "--by", "Ann"], input="ann pass 123\n")
    assert removed.exit_code == 0 and [a.name for a in workspace.team.accounts()] == ["Ann"]


def test_the_two_person_rule_holds_across_the_desk_and_the_cli_whatever_name_is_typed(team):
    note = team.queue_entries()[0].note_id
    team.cite_evidence(note, 1, None, "Ann")
    assert _cli(["policy", "set", "signoffs", "2", "--by", "Ann"], PASSWORDS["Ann"]).exit_code == 0
    bob = signed_in(team, "Bob")
    bob.post(f"/notes/{note}/approve", data=_form(bob, f"/notes/{note}"))
    assert team.note(note).status == NoteStatus.draft and team.note(note).signoffs == ["Bob"]
    # Bob cannot be anyone else in the desk: there is no name to type, and the old name cookie is ignored
    bob.cookies.set("factcheck_reviewer", "Bob (second hat)")
    assert bob.get("/name", follow_redirects=False).status_code == 303
    again = bob.post(f"/notes/{note}/approve", data=_form(bob, f"/notes/{note}"))
    assert "already approved" in again.text and team.note(note).status == NoteStatus.draft
    # ...nor in the command line: a name that is no account, another's name without its password, his own
    for name, password in (
        ("Bob (second hat)", "x" * 12),
        ("Ann", PASSWORDS["Bob"]),
        ("BOB", PASSWORDS["Bob"]),
    ):
        result = _cli(["notes", "approve", note, "--reviewer", name, "--yes"], password)
        assert result.exit_code != 0 and "Traceback" not in result.output
    assert team.note(note).status == NoteStatus.draft
    published = _cli(["notes", "approve", note, "--reviewer", "ann", "--yes"], PASSWORDS["Ann"])
    assert published.exit_code == 0 and team.note(note).status == NoteStatus.approved
    assert team.note(note).signoffs == ["Bob", "Ann"]


def test_the_policy_lives_in_the_workspace_not_in_one_process(team):
    team.team.set_policy("signoffs", "2", "Ann")
    runner = CliRunner()
    shown = runner.invoke(cli, ["policy", "show"]).stdout  # a fresh process, no FACTCHECK_REVIEW__SIGNOFFS
    assert "signoffs\t2" in shown
    note = team.queue_entries()[0].note_id
    team.cite_evidence(note, 1, None, "Ann")
    result = _cli(["notes", "approve", note, "--reviewer", "Bob", "--yes"], PASSWORDS["Bob"])
    assert result.exit_code == 0 and team.note(note).status == NoteStatus.draft  # one sign-off of two
    refused = _cli(["policy", "set", "signoffs", "1", "--by", "Bob"], PASSWORDS["Bob"])
    assert refused.exit_code != 0 and "may not change the policy" in refused.stderr


def test_roles_are_refused_where_they_should_be(team):
    note = team.queue_entries()[0].note_id
    team.cite_evidence(note, 1, None, "Ann")
    rita = signed_in(team, "Rita")
    assert "Sign off as" in rita.get(f"/notes/{note}").text
    rita.post(f"/notes/{note}/approve", data=_form(rita, f"/notes/{note}"))
    assert team.note(note).status == NoteStatus.draft and team.note(note).signoffs == ["Rita"]  # a sign-off
    assert "an editor publishes it" in team.history(note)[-1].reason
    rejected = rita.post(f"/notes/{note}/reject", data=_form(rita, f"/notes/{note}", reason="opinion"))
    assert rejected.status_code == 400 and "may not reject" in rejected.text
    for page in ("/export?format=md", "/team"):
        assert rita.get(page).status_code == 403
    assert rita.post("/sources", data={"csrf": _csrf(rita, "/sources"), "path": "x"}).status_code == 403
    assert 'href="/export"' not in rita.get("/").text
    bob = signed_in(team, "Bob")
    assert bob.get("/team").status_code == 403 and bob.get("/export").status_code == 200
    bob.post(f"/notes/{note}/approve", data=_form(bob, f"/notes/{note}"))
    assert team.note(note).status == NoteStatus.approved


def test_sign_in_expires_signs_out_and_is_rate_limited(team):
    team.team.session_hours = 1 / 3600  # one second
    client = signed_in(team, "Ann")
    assert client.get("/", follow_redirects=False).status_code == 200
    time.sleep(1.2)
    gone = client.get("/", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"].startswith("/login")
    team.team.session_hours = 12
    client = signed_in(team, "Ann")
    client.post("/logout", data={"csrf": _csrf(client, "/")})
    assert client.get("/", follow_redirects=False).status_code == 303
    guesser = desk_client(team)
    csrf = _csrf(guesser)
    for attempt in range(5):
        guesser.post("/login", data={"csrf": csrf, "name": "Bob", "password": f"guess number {attempt}"})
    right = guesser.post("/login", data={"csrf": csrf, "name": "Bob", "password": PASSWORDS["Bob"]})
    assert right.status_code == 401 and "too many failed sign-ins" in right.text


def test_a_proxy_header_signs_in_only_from_a_trusted_proxy(team):
    team.settings.serve.trusted_user_header = "X-Forwarded-User"
    team.settings.serve.trusted_proxies = "127.0.0.1"
    from starlette.testclient import TestClient

    from factcheck.web import create_app

    secure = desk_client(team)
    secure.headers["X-Forwarded-Proto"] = "https"  # from the trusted proxy: the sign-in cookie is Secure
    signed = secure.post(
        "/login",
        data={"csrf": _csrf(secure), "name": "Ann", "password": PASSWORDS["Ann"], "next": "/"},
        follow_redirects=False,
    )
    assert (
        "secure" in signed.headers["set-cookie"].lower()
        and "httponly" in signed.headers["set-cookie"].lower()
    )
    proxied = desk_client(team)
    proxied.headers["X-Forwarded-User"] = "Bob"
    page = proxied.get("/").text
    assert 'Signed in as <strong id="reviewer-name">' in page and ">Bob<" in page.replace(
        "<bdi>", ""
    ).replace("</bdi>", "")
    elsewhere = TestClient(
        create_app(team),
        base_url="http://127.0.0.1",
        headers={"Origin": "http://127.0.0.1", "X-Forwarded-User": "Bob"},
        client=("10.1.2.3", 5000),
    )
    assert elsewhere.get("/", follow_redirects=False).status_code == 303  # the header is not believed


def test_the_first_admin_is_made_on_this_machine_only_and_accounts_close_the_open_desk(drafted):
    from starlette.testclient import TestClient

    from factcheck.web import create_app

    remote = TestClient(create_app(drafted), base_url="http://127.0.0.1", client=("10.1.2.3", 5000))
    assert remote.get("/setup").status_code == 403
    relayed = desk_client(drafted)  # from loopback, but through a proxy on this machine: anyone, really
    relayed.headers["X-Forwarded-For"] = "203.0.113.9"
    assert relayed.get("/setup").status_code == 403
    local = desk_client(drafted)
    assert 'id="setup-link"' in local.get("/").text
    made = local.post(
        "/setup",
        data={
            "csrf": _csrf(local, "/setup"),
            "name": "Ann",
            "password": "a long password",
            "again": "a long password",
        },
    )
    assert made.status_code == 200 and "Your admin account is ready" in made.text
    stranger = desk_client(drafted)
    assert stranger.get("/", follow_redirects=False).headers["location"].startswith("/login")
    assert stranger.get("/setup", follow_redirects=False).status_code == 303  # only while there is none


def test_a_path_outside_the_roots_is_refused_and_an_all_failed_job_says_failed_with_every_error(
    team, tmp_path
):
    admin = signed_in(team, "Ann")
    for path in ("../../", "/etc/passwd", str(tmp_path)):
        refused = admin.post("/sources", data={"csrf": _csrf(admin, "/sources"), "path": path})
        assert refused.status_code == 400 and "not one this desk may read from" in refused.text
        assert "OSError" not in refused.text and "/etc" not in refused.text
    batch = tmp_path / "batch"
    batch.mkdir()
    for number in range(25):
        (batch / f"report{number:03}.md").write_text(
            f"---\ntitle: Border report {number:03}: Lavrov speaks\n---\nTroops moved on day {number}.\n"
        )
    team.settings.serve.sources_roots = str(tmp_path)
    job = finished(admin, admin.post("/sources", data={"csrf": _csrf(admin, "/sources"), "path": "batch"}))
    assert job["status"] == "failed" and len(job["errors"]) == 25
    assert all("put the title in quotes" in e for e in job["errors"])
    page = admin.get(f"/jobs/{job['id']}").text
    assert "and 5 more" in page and page.count("put the title in quotes") == 25


def test_the_queue_searches_filters_groups_copies_and_acts_in_bulk_after_a_confirmation(team, corpus):
    copy = corpus / "copy-of-first.txt"
    copy.write_text(SEED_A.read_text())
    team.index([copy])
    claims = [c for c in team.claims(str(copy)) if c.checkworthiness >= 0.5]
    from support.fakes import drafter

    from factcheck.drafting.judges import EvidenceJudge
    from factcheck.retrieval.fusion import RetrievalSettings

    drafter(team, EvidenceJudge(), RetrievalSettings(k=6)).draft_all(claims)
    bob = signed_in(team, "Bob")
    grouped = bob.get("/").text
    assert "in 2 articles" in grouped
    lines = re.findall(r'class="note-link" href="/notes/([^"?]+)', grouped)
    each = re.findall(r'class="note-link" href="/notes/([^"?]+)', bob.get("/?each=1").text)
    assert len(each) == 2 * len(lines)
    searched = re.findall(r'class="note-link" href="/notes/([^"?]+)', bob.get("/?each=1&q=100,000").text)
    assert searched and all("100,000" in team.note_view(n).claim.text for n in searched)
    first = lines[0]
    twins = team.lines.same_claim(first)
    asked = bob.post(
        "/bulk",
        data={
            "csrf": _csrf(bob, "/"),
            "note": first,
            "grouped": "1",
            "action": "reject",
            "reason": "an opinion",
        },
    )
    assert asked.status_code == 200 and "Nothing has changed yet" in asked.text
    assert all(team.note(n).status == NoteStatus.draft for n in twins) and len(twins) == 2
    form = dict(re.findall(r'name="(csrf|action|confirm|reason|back|assignee)" value="([^"]*)"', asked.text))
    done = bob.post("/bulk", data={**form, "note": re.findall(r'name="note" value="([^"]+)"', asked.text)})
    assert "Done: 2 of 2 notes" in done.text
    assert all(team.note(n).status == NoteStatus.rejected for n in twins)
    team.team.set_policy("signoffs", "2", "Ann")
    waiting = next(e.note_id for e in team.queue_entries() if e.note_id not in twins)
    if not team.note(waiting).citations:
        team.cite_evidence(waiting, 1, None, "Ann")
    team.approve(waiting, "Bob", confirm=True)
    awaiting = re.findall(r'class="note-link" href="/notes/([^"?]+)', bob.get("/?awaiting=1&each=1").text)
    assert awaiting == [waiting] and "1 of 2 sign-offs" in bob.get("/?awaiting=1&each=1").text


def test_no_page_or_message_of_the_desk_names_a_setting_a_command_or_a_server_path():
    from factcheck.web.app import BACK_IN_REVIEW, DONE

    words = [path.read_text(encoding="utf-8") for path in (WEB / "templates").glob("*.html")]
    words += [*DONE.values(), BACK_IN_REVIEW]
    for module in ("accounts.py", "bulk.py", "intake.py", "jobs.py"):
        source = (WEB / module).read_text(encoding="utf-8")
        words += [s for s in re.findall(r'"([^"\n]{12,})"', source) if " " in s]
    found = [
        w[:80]
        for w in words
        for pattern in (
            r"FACTCHECK_[A-Z]",
            r"`factcheck \w",
            r"<code>factcheck",
            r"factcheck (notes|draft|serve|review)\b",
            r"(?<![\w:/])/(home|etc|usr|var|tmp)/",
        )
        if re.search(pattern, w)
    ]
    assert not found, found


def test_a_group_never_joins_claims_about_other_people_or_other_figures(workspace, corpus):
    seed = SEED_A.read_text()
    assert "Minister Lavrov" in seed and "100,000" in seed
    (corpus / "twin.txt").write_text(seed)
    (corpus / "scholz.txt").write_text(
        seed.replace("Minister Lavrov", "Minister Scholz").replace("100,000", "130,000")
    )
    workspace.index([corpus])
    claims = [
        c for name in (SEED_A.name, "twin.txt", "scholz.txt") for c in workspace.claims(str(corpus / name))
    ]
    groups = workspace.claim_groups(claims)
    by_id = {c.id: c for c in claims}
    quotes = [c for c in claims if "Minister Lavrov" in c.text or "Minister Scholz" in c.text]
    troops = [c for c in claims if "100,000" in c.text or "130,000" in c.text]
    assert len(quotes) >= 3 and len(troops) >= 3
    for claim in quotes + troops:
        twins = [by_id[i] for i in groups.get(claim.id, [])]
        changed = "Scholz" in claim.text or "130,000" in claim.text
        assert twins or changed, claim.text  # the exact copy in twin.txt (or the original) is its twin
        assert all(("Scholz" in t.text) == ("Scholz" in claim.text) for t in twins)
        assert all(("130,000" in t.text) == ("130,000" in claim.text) for t in twins)


def test_the_desks_questions_and_refusals_read_as_sentences_of_the_desk(team):
    note = team.queue_entries()[0].note_id
    team.cite_evidence(note, 1, None, "Ann")
    team.reject(note, "Bob", "an opinion")
    ann = signed_in(team, "Ann")
    asked = ann.post(f"/notes/{note}/approve", data=_form(ann, f"/notes/{note}"))
    message = re.search(r'id="message"[^>]*>(.*?)<form', asked.text, re.S)[1]
    assert "rejected by Bob" in message and "(confirm)" not in message
    assert "What you typed is kept" not in message  # nothing was typed to approve
    stale = _form(ann, f"/notes/{note}", comment="")
    team.comment(note, "Bob", "a change meanwhile")
    team.set_verdict(note, "refuted", "Bob", "checked", team.note(note).version)
    refused = ann.post(f"/notes/{note}/verdict", data={**stale, "verdict": "supported"})
    text = re.search(r'id="message"[^>]*>(.*?)</div>', refused.text, re.S)[1]
    assert "reload it and try again" not in text and "nothing was saved. What you typed is kept" in text


def test_the_first_account_can_be_made_before_anything_is_indexed(tmp_path):
    home = tmp_path / "new-desk"
    made = CliRunner().invoke(
        cli,
        ["--home", str(home), "users", "add", "Ann", "--role", "admin", "--password-stdin"],
        input="a long password\n",
    )
    assert made.exit_code == 0 and (home / "factcheck.db").is_file()
