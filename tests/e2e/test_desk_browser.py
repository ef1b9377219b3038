"""The review desk driven in headless Chromium through Selenium, as an editor uses it: the queue, a note beside
its evidence, one-click citing, approve, reject, change a verdict; two editors on one note; a hostile article."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait
from support.browser import open_note, sign_in, wait_for, webdriver_session
from support.desk import draft_the_first_example, serving
from support.hostile import publishing_hostile_workspace
from typer.testing import CliRunner

from factcheck.cli import app
from factcheck.models import NoteStatus, Verdict


@pytest.fixture
def drafted(workspace, corpus):
    return draft_the_first_example(workspace, corpus)


@pytest.fixture
def browser(tmp_path):
    driver = webdriver_session(tmp_path / "profile-1")
    yield driver
    driver.quit()


def _arrived(driver, fragment):
    """Wait until the page a form redirected to has loaded (its URL ends with the action's anchor)."""
    WebDriverWait(driver, 15).until(lambda d: d.current_url.endswith(fragment))
    wait_for(driver, (By.ID, "evidence"))


def _history(note_id):
    result = CliRunner().invoke(app, ["notes", "history", note_id])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_editor_reviews_in_the_browser_and_every_action_is_in_the_history(drafted, browser, tmp_path):
    with serving(drafted) as server:
        sign_in(browser, server.url, "Ann Editor")
        rows = browser.find_elements(By.CSS_SELECTOR, "#queue a.note-link")
        queue = drafted.queue_entries(drafted.queue_filter(status="draft"))
        assert len(rows) == len(queue) >= 3  # every draft, most check-worthy first
        assert [r.get_attribute("href").split("/notes/")[1].split("?")[0] for r in rows] == [
            e.note_id for e in queue
        ]
        first, second, third = (e.note_id for e in queue[:3])

        rows[0].click()
        wait_for(browser, (By.ID, "evidence"))
        assert "claim-span" in browser.page_source and browser.find_elements(
            By.CSS_SELECTOR, ".sentence.best"
        )
        browser.save_screenshot(str(tmp_path / "note-page.png"))
        assert (tmp_path / "note-page.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

        # cite with the keyboard, as in the terminal: c, then Enter on the highlighted sentence
        before = len(drafted.note(first).citations)
        browser.find_element(By.TAG_NAME, "body").send_keys("c")
        browser.switch_to.active_element.send_keys(Keys.ENTER)
        _arrived(browser, "#cite")
        assert len(drafted.note(first).citations) == before + 1
        assert "cited" in browser.find_element(By.ID, "citations").get_attribute("innerHTML")

        # approve with the key a: the desk moves on to the next note, like the terminal review
        browser.find_element(By.TAG_NAME, "body").send_keys("a")
        WebDriverWait(browser, 15).until(lambda d: second in d.current_url)
        wait_for(browser, (By.ID, "evidence"))
        assert drafted.note(first).status == NoteStatus.approved

        reason = browser.find_element(By.ID, "reject-reason")
        reason.send_keys("an opinion, not a checkable fact", Keys.ENTER)
        WebDriverWait(browser, 15).until(lambda d: third in d.current_url)
        wait_for(browser, (By.ID, "evidence"))
        assert drafted.note(second).status == NoteStatus.rejected

        # a verdict other than not_enough_evidence needs a citation: cite by clicking, then set it
        open_note(browser, server.url, third)
        browser.find_element(By.CSS_SELECTOR, "button.cite").click()
        _arrived(browser, "#cite")
        Select(browser.find_element(By.ID, "verdict-choice")).select_by_value("refuted")
        browser.find_element(By.ID, "set-verdict").click()
        _arrived(browser, "#verdict")
        assert "refuted" in browser.find_element(By.ID, "verdict").text
        assert drafted.note(third).verdict == Verdict.refuted

    for note_id, actions in (
        (first, ["add_citation", "approve"]),
        (second, ["reject"]),
        (third, ["set_verdict"]),
    ):
        history = _history(note_id)
        assert "Ann Editor" in history and all(action in history for action in actions), history
    assert "an opinion, not a checkable fact" in _history(second)


def test_two_editors_on_one_note_the_second_save_is_refused_and_kept(drafted, tmp_path):
    note_id = drafted.queue_entries(drafted.queue_filter(status="draft"))[0].note_id
    ann, bob = webdriver_session(tmp_path / "ann"), webdriver_session(tmp_path / "bob")
    try:
        with serving(drafted) as server:
            for driver, name in ((ann, "Ann"), (bob, "Bob")):
                sign_in(driver, server.url, name)
                open_note(driver, server.url, note_id)
            for driver, words in ((ann, "Ann's explanation."), (bob, "Bob's careful explanation.")):
                field = driver.find_element(By.ID, "explanation")
                field.clear()
                field.send_keys(words)
            ann.find_element(By.ID, "save-public").click()
            WebDriverWait(ann, 15).until(lambda d: "#public" in d.current_url)
            bob.find_element(By.ID, "save-public").click()
            message = wait_for(bob, (By.ID, "message")).text
            assert "changed since it was opened" in message and "Ann" in message and "kept" in message
            assert (
                bob.find_element(By.ID, "explanation").get_attribute("value") == "Bob's careful explanation."
            )
    finally:
        ann.quit()
        bob.quit()
    note = drafted.note(note_id)
    assert note.explanation == "Ann's explanation."
    assert [r.reviewer for r in drafted.history(note_id)] == ["Ann"]


def test_a_hostile_article_renders_inert_on_every_desk_page(workspace, tmp_path, monkeypatch, browser):
    hostile = publishing_hostile_workspace(workspace, tmp_path / "hostile", monkeypatch)
    note = hostile.queue_entries(hostile.queue_filter(status="all"))[0]
    with serving(hostile, reviewer="ann") as server:
        for page in (
            "/?status=all",
            f"/notes/{note.note_id}?status=all",
            f"/articles/{note.document_id}",
            "/sources",
        ):
            browser.get(server.url + page)
            wait_for(browser, (By.TAG_NAME, "main"))
            assert browser.title != "PWNED"  # an injected script would have set it
            assert browser.execute_script("return window.__pwned === undefined")
            scripts = browser.execute_script("return [...document.scripts].map(s => s.src)")
            assert scripts == [server.url + "/static/desk.js"], scripts
            handlers = browser.execute_script(
                "return [...document.querySelectorAll('*')].flatMap(e => [...e.attributes])"
                ".map(a => a.name).filter(n => n.startsWith('on'))"
            )
            assert handlers == []
            hrefs = browser.execute_script("return [...document.querySelectorAll('[href]')].map(e => e.href)")
            assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
            assert "<script>" in browser.find_element(By.TAG_NAME, "main").text  # shown as text


def _in_view(driver, element_id):
    return driver.execute_script(
        "const r = document.getElementById(arguments[0]).getBoundingClientRect();"
        "return r.top >= 0 && r.bottom <= window.innerHeight;",
        element_id,
    )


def test_citations_are_removed_and_reordered_and_the_banner_stays_in_view(drafted, browser):
    note = next(
        e.note_id
        for e in drafted.queue_entries(drafted.queue_filter(status="draft"))
        if len({i.document_id for i in drafted.note(e.note_id).evidence}) >= 2
    )
    evidence = drafted.note(note).evidence
    other = next(i for i in evidence if i.document_id != evidence[0].document_id)
    drafted.cite_evidence(note, evidence[0].rank, 1, "ann")
    first, second = drafted.cite_evidence(note, other.rank, None, "ann").citations
    with serving(drafted) as server:
        sign_in(browser, server.url, "Bob Editor")
        open_note(browser, server.url, note)
        approve = browser.find_element(By.ID, "approve").text
        assert approve.startswith("Approve as not enough evidence")  # the button names what it publishes
        browser.find_elements(By.CSS_SELECTOR, "form.move-up button")[0].click()
        _arrived(browser, "#move")
        assert drafted.note(note).citations == [second, first]
        assert "Citations reordered." in browser.find_element(By.ID, "message").text
        assert _in_view(browser, "message")
        browser.find_elements(By.CSS_SELECTOR, "form.uncite button")[1].click()
        _arrived(browser, "#uncite")
        assert drafted.note(note).citations == [second]
        # a verdict key jumps to the verdict, and the confirmation is still where the reviewer looks
        browser.find_element(By.TAG_NAME, "body").send_keys("3")
        _arrived(browser, "#verdict")
        assert drafted.note(note).verdict == Verdict.refuted
        assert "Verdict saved." in browser.find_element(By.ID, "message").text and _in_view(
            browser, "message"
        )
        history = _history(note)
        assert "citations: removed" in history and "put in a new order" in history
