"""The review desk's HTTP behaviour, in process: filters and counts, CSRF, versions, the access token, uploads,
exports and errors. The browser tests (tests/e2e/test_desk_browser.py) drive the same pages in Chromium."""

import html
import re
import shutil

import pytest
import yaml
from support.desk import TOKEN, desk_client, finished
from support.fakes import drafter
from support.paths import DATA, SEED_A, SEED_B
from typer.testing import CliRunner

from factcheck.cli import app as cli
from factcheck.drafting.judges import EvidenceJudge
from factcheck.errors import ConfigError
from factcheck.models import NoteStatus
from factcheck.retrieval.fusion import RetrievalSettings
from factcheck.web import check_binding


@pytest.fixture
def drafted(workspace, corpus):
    shutil.copytree(DATA / "evidence", corpus / "evidence")
    workspace.index([corpus])
    claims = workspace.claims(str(corpus / SEED_A.name)) + workspace.claims(str(corpus / SEED_B.name))
    drafter(workspace, EvidenceJudge(), RetrievalSettings(k=6)).draft_all(
        [c for c in claims if c.checkworthiness >= 0.5]
    )
    return workspace


def _client(workspace, name="ann", **kwargs):
    client = desk_client(workspace, **kwargs)
    if name:
        client.cookies.set("factcheck_reviewer", name)
    client.get("/")  # the first page sets the session cookie the CSRF token is bound to
    return client


def _form(client, page, **fields):
    """The hidden fields of a page's forms (csrf, version, back) plus the given ones."""
    html = client.get(page).text
    hidden = dict(re.findall(r'name="(csrf|version|back)" value="([^"]*)"', html))
    return {**hidden, **fields}


def test_queue_lists_notes_most_checkworthy_first_with_filters_and_counts(drafted):
    client = _client(drafted)
    entries = drafted.queue_entries(drafted.queue_filter(status="draft"))
    page = client.get("/")
    assert page.status_code == 200
    linked = re.findall(r'class="note-link" href="/notes/([^"?]+)', page.text)
    assert linked == [e.note_id for e in entries] and len(entries) >= 5
    assert f"draft {len(entries)}" in page.text
    quantity = client.get("/?type=quantity&status=all").text
    kinds = {e.note_id: e.claim_type.value for e in entries}
    assert set(re.findall(r'class="note-link" href="/notes/([^"?]+)', quantity)) == {
        n for n, kind in kinds.items() if kind == "quantity"
    }
    article = entries[0].document_id
    one = re.findall(r'class="note-link" href="/notes/([^"?]+)', client.get(f"/?article={article}").text)
    assert set(one) == {e.note_id for e in entries if e.document_id == article}
    assert "No notes match" in client.get("/?reviewer=nobody").text
    drafted.approve(entries[0].note_id, "zoe")
    assert re.findall(
        r'class="note-link" href="/notes/([^"?]+)', client.get("/?reviewer=zoe&status=all").text
    ) == [entries[0].note_id]
    assert client.get("/?verdict=maybe").status_code == 400  # a bad filter is one clear line


def test_every_post_needs_the_csrf_token_and_nothing_changes_without_it(drafted):
    client = _client(drafted)
    note = drafted.queue_entries()[0]
    refused = client.post(f"/notes/{note.note_id}/approve", data={"version": note.version})
    assert refused.status_code == 403 and "reload the page" in refused.text
    assert drafted.note(note.note_id).status == NoteStatus.draft and drafted.history(note.note_id) == []
    other = desk_client(drafted)  # a page from another site has neither cookie nor token
    assert other.post(f"/notes/{note.note_id}/approve", data={"csrf": "guess"}).status_code == 403


def test_actions_go_through_the_facade_and_approve_moves_on_like_the_terminal(drafted):
    client = _client(drafted, name="Ann Editor")
    first, second = drafted.queue_entries()[:2]
    page = f"/notes/{first.note_id}?status=draft"
    cited = client.post(f"/notes/{first.note_id}/cite", data=_form(client, page, rank="1", sentence=""))
    assert cited.status_code == 200 and drafted.note(first.note_id).citations  # followed the redirect
    approved = client.post(
        f"/notes/{first.note_id}/approve", data=_form(client, page), follow_redirects=False
    )
    assert approved.status_code == 303 and approved.headers["location"].startswith(f"/notes/{second.note_id}")
    no_reason = client.post(f"/notes/{second.note_id}/reject", data=_form(client, f"/notes/{second.note_id}"))
    assert no_reason.status_code == 400 and "needs a reason" in no_reason.text
    uncited = client.post(
        f"/notes/{second.note_id}/verdict", data=_form(client, f"/notes/{second.note_id}", verdict="refuted")
    )
    assert uncited.status_code == 400 and "needs at least one citation" in uncited.text
    history = CliRunner().invoke(cli, ["notes", "history", first.note_id]).output
    assert "Ann Editor" in history and "add_citation" in history and "approve" in history


def test_a_save_on_an_outdated_version_is_refused_and_the_text_is_kept(drafted):
    ann, bob = _client(drafted, "ann"), _client(drafted, "bob")
    note = drafted.queue_entries()[0].note_id
    page = f"/notes/{note}"
    ann_form = _form(ann, page, claim_reviewed="Short claim", explanation="Ann's words.")
    bob_form = _form(bob, page, claim_reviewed="Short claim", explanation="Bob's <b>words</b>.")
    assert ann.post(f"{page}/public", data=ann_form).status_code == 200
    refused = bob.post(f"{page}/public", data=bob_form)
    assert (
        refused.status_code == 409 and "changed since it was opened" in refused.text and "ann" in refused.text
    )
    assert "Bob&#39;s &lt;b&gt;words&lt;/b&gt;." in refused.text  # kept, and escaped
    assert drafted.note(note).explanation == "Ann's words." and len(drafted.history(note)) == 1
    too_long = ann.post(f"{page}/public", data=_form(ann, page, claim_reviewed="x" * 201, explanation="e"))
    assert too_long.status_code == 400 and "200" in too_long.text


def test_unknown_ids_and_actions_are_one_clear_message(drafted):
    client = _client(drafted)
    missing = client.get("/notes/n000000000000")
    assert missing.status_code == 404 and "n000000000000" in missing.text
    assert client.get("/articles/nope").status_code in (400, 404)
    note = drafted.queue_entries()[0].note_id
    assert client.post(f"/notes/{note}/explode", data=_form(client, f"/notes/{note}")).status_code == 404


def test_without_a_name_actions_ask_for_one_and_redirects_stay_on_the_desk(drafted):
    client = _client(drafted, name="")
    note = drafted.queue_entries()[0].note_id
    asked = client.post(
        f"/notes/{note}/approve", data=_form(client, f"/notes/{note}"), follow_redirects=False
    )
    assert asked.status_code == 303 and asked.headers["location"].startswith("/name")
    assert drafted.note(note).status == NoteStatus.draft
    named = client.post(
        "/name",
        data=_form(client, "/name", name="Zoë Reviewer", next="//evil.example/"),
        follow_redirects=False,
    )
    assert named.status_code == 303 and named.headers["location"] == "/"
    assert "Zoë Reviewer" in client.get("/").text


def test_an_access_token_guards_every_page_and_off_loopback_needs_one(drafted):
    client = desk_client(drafted, token=TOKEN)
    assert client.get("/").status_code == 401 and client.get("/?token=wrong").status_code == 401
    assert client.get(f"/?token={TOKEN}").status_code == 200  # sets the cookie
    assert client.get("/sources").status_code == 200
    note = drafted.queue_entries()[0].note_id
    client.cookies.set("factcheck_reviewer", "ann")
    assert client.post(f"/notes/{note}/approve", data=_form(client, f"/notes/{note}")).status_code == 200
    assert drafted.note(note).status == NoteStatus.approved
    with pytest.raises(
        ConfigError, match="accounts"
    ):  # off loopback everyone signs in: a token is not enough
        check_binding("0.0.0.0", TOKEN)
    check_binding("127.0.0.1", None)
    check_binding("0.0.0.0", None, accounts=True)
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code != 0 and "accounts" in result.stderr and "Traceback" not in result.output


def test_index_by_upload_and_by_path_and_bad_files_are_one_line_each(drafted, tmp_path):
    client = _client(drafted)
    form = _form(client, "/sources")
    upload = client.post(
        "/sources",
        data={"csrf": form["csrf"]},
        files=[
            (
                "files",
                ("new-article.md", b"---\ntitle: Uploaded\n---\nThe council said 40 homes were built.\n"),
            ),
            ("files", ("../empty.txt", b"")),
        ],
    )
    job = finished(client, upload)
    assert job["status"] == "done" and "1 new" in job["result"] and "empty" in " ".join(job["errors"])
    assert job["shown_status"] == "finished with 1 error"
    assert (drafted.settings.home / "uploads" / "empty.txt").exists()  # a path in the name is dropped
    uploaded = next(d for d in drafted.sources() if d.title == "Uploaded")
    drafted_page = client.post(f"/articles/{uploaded.id}/draft", data={"csrf": form["csrf"]})
    assert "Drafted 1 notes" in finished(client, drafted_page)["result"]
    (note,) = drafted.queue_entries(drafted.queue_filter(article=uploaded.id))
    assert "40 homes" in note.claim_text
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "a.txt").write_text("The mayor said the bridge cost 3 million euros in 2021.\n")
    outside = client.post("/sources", data={"csrf": form["csrf"], "path": str(folder)})
    assert outside.status_code == 400 and "not one this desk may read from" in outside.text
    assert str(tmp_path) not in outside.text  # no server path in the refusal
    drafted.settings.serve.sources_roots = str(tmp_path)
    by_path = client.post("/sources", data={"csrf": form["csrf"], "path": "more"})  # relative to the root
    assert by_path.status_code == 200 and "1 new" in finished(client, by_path)["result"]
    nothing = client.post("/sources", data={"csrf": form["csrf"]})
    assert nothing.status_code == 400 and "give a path" in nothing.text


def test_article_page_marks_every_claim_with_its_status_and_exports_match_the_cli(drafted):
    client = _client(drafted)
    entry = drafted.queue_entries()[0]
    drafted.approve(entry.note_id, "ann")
    view = drafted.article_view(entry.document_id)
    page = client.get(f"/articles/{entry.document_id}").text
    text = page.split('<div class="article-text">', 1)[1]
    marked = re.findall(r'class="claim-mark status-([a-z-]+)"', text)
    assert len(marked) == len(view.claims) and marked.count("approved") == 1
    assert marked.count("no-note") == sum(1 for c in view.claims if c.id not in view.notes)
    assert f'href="/notes/{entry.note_id}?' in text
    exported = client.get("/export?format=json")
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    assert exported.text == drafted.export("json").files["notes.json"]
    refused = client.get("/export?format=claimreview")
    assert refused.status_code == 400 and "publisher" in refused.text and "FACTCHECK_" not in refused.text


def test_pages_carry_a_content_security_policy_that_allows_only_the_desks_own_script(drafted):
    client = _client(drafted)
    page = client.get("/")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy and "unsafe-inline" not in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert 'src="/static/desk.js"' in page.text and client.get("/static/desk.js").status_code == 200


def test_the_whole_note_can_be_edited_as_in_the_terminal_and_a_bad_edit_is_kept(drafted):
    client = _client(drafted)
    note = drafted.queue_entries()[0].note_id
    page = client.get(f"/notes/{note}").text
    text = html.unescape(
        re.search(r'<textarea name="text" id="edit-text"[^>]*>(.*?)</textarea>', page, re.S)[1]
    )
    assert "verdict: not_enough_evidence" in text
    bad = text.replace("verdict: not_enough_evidence", "verdict: maybe")
    refused = client.post(f"/notes/{note}/edit", data=_form(client, f"/notes/{note}", text=bad))
    assert refused.status_code == 400 and "not one of" in refused.text and "verdict: maybe" in refused.text
    fields = yaml.safe_load(text)
    fields["rationale"] = "Checked by hand. " + fields["rationale"]
    good = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True)
    outdated = _form(client, f"/notes/{note}", text=good)
    saved = client.post(f"/notes/{note}/edit", data=_form(client, f"/notes/{note}", text=good))
    assert saved.status_code == 200, re.search(r"role=\"alert\">([^<]*)", saved.text)[1]
    assert drafted.note(note).rationale.startswith("Checked by hand.")
    assert [r.action for r in drafted.history(note)] == ["edit"]
    conflict = client.post(f"/notes/{note}/edit", data=outdated)
    assert conflict.status_code == 409 and "Checked by hand." in conflict.text
    assert [r.action for r in drafted.history(note)] == ["edit"]


def test_search_other_passages_and_cite_one_sentence_with_a_click(drafted):
    client = _client(drafted)
    note = drafted.queue_entries()[0].note_id
    found = client.get(f"/notes/{note}?q=130,000+troops+border")
    assert found.status_code == 200 and "cite-passage" in found.text
    passage_id, quote = re.search(
        r'name="passage_id" value="([^"]+)"><input type="hidden" name="quote" value="([^"]+)"', found.text
    ).groups()
    quote = html.unescape(quote)
    cited = client.post(
        f"/notes/{note}/cite-passage",
        data=_form(client, f"/notes/{note}", passage_id=passage_id, quote=quote),
    )
    assert cited.status_code == 200
    citation = drafted.note(note).citations[-1]
    assert citation.passage_id == passage_id and citation.quote == quote
    forged = client.post(
        f"/notes/{note}/cite-passage",
        data=_form(client, f"/notes/{note}", passage_id=passage_id, quote="words that are not there at all"),
    )
    assert forged.status_code == 400 and "is not in passage" in forged.text


def test_the_note_page_shows_an_earlier_fact_check_of_its_claim(drafted, tmp_path):
    archive = tmp_path / "checks.jsonl"
    archive.write_text(
        '{"claim": "Russia has about 100,000 troops near the border with Ukraine.", "rating": "Mostly true", '
        '"publisher": "Example Checks", "date": "2022-02-03", "url": "https://checks.example/troops"}\n'
    )
    drafted.import_archive(archive)
    troops = next(
        entry
        for entry in drafted.queue_entries()
        if entry.claim_text.startswith("about 100,000 Moscow troops")
    )
    page = _client(drafted).get(f"/notes/{troops.note_id}").text
    assert "checked before: " in page and "Example Checks" in page
    assert 'href="https://checks.example/troops"' in page


def test_f7_a_confirmed_override_is_still_tied_to_the_version_it_was_asked_on(drafted):
    bob = _client(drafted, "bob")
    note = drafted.queue_entries()[0].note_id
    page = f"/notes/{note}"
    drafted.reject(note, "ann", "not checkable")  # ann rejects; bob is asked before approving over it
    asked = bob.post(f"{page}/approve", data=_form(bob, page))
    assert asked.status_code == 409 and 'id="confirm-form"' in asked.text
    confirm = dict(
        re.findall(
            r'name="(csrf|version|back|confirm)" value="([^"]*)"', asked.text.split('id="confirm-form"')[1]
        )
    )
    drafted.edit_public(
        note, "A claim", "Text written after bob was asked.", "ann"
    )  # the note changes meanwhile
    late = bob.post(f"{page}/approve", data=confirm)
    assert late.status_code == 409 and "changed since it was opened" in late.text
    assert drafted.note(note).status != "approved"
