"""A desk a newsroom runs on, in headless Chromium: overriding a colleague's decision asks and names them, a save
refused by a colleague's change shows both texts, an edit sends an approved note back to review, two sign-offs,
undo, assignment and comments, verdict keys, the message after every action, and the note page at 390 px."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait
from support.browser import open_note, sign_in, wait_for, webdriver_session
from support.desk import draft_the_first_example, serving
from support.paths import SEED_A

from factcheck.models import NoteStatus, Verdict


@pytest.fixture
def drafted(workspace, corpus):
    return draft_the_first_example(workspace, corpus)


@pytest.fixture
def browsers(tmp_path):
    drivers = [webdriver_session(tmp_path / f"profile-{n}") for n in (1, 2)]
    yield drivers
    for driver in drivers:
        driver.quit()


def _cited_note(drafted):
    note = next(e for e in drafted.queue_entries(drafted.queue_filter(status="draft")))
    drafted.cite_evidence(note.note_id, 1, None, "setup")
    return note.note_id


def test_overriding_a_colleagues_rejection_asks_and_names_them(drafted, browsers):
    ann, bob = browsers
    note = _cited_note(drafted)
    with serving(drafted) as server:
        sign_in(ann, server.url, "Ann", "counts")
        sign_in(bob, server.url, "Bob", "counts")
        open_note(bob, server.url, note)
        bob.find_element(By.ID, "reject-reason").send_keys("an opinion, not a claim")
        bob.find_element(By.ID, "reject").click()
        WebDriverWait(bob, 15).until(lambda d: "done=reject" in d.current_url)
        open_note(ann, server.url, note)
        ann.find_element(By.ID, "approve").click()
        message = wait_for(ann, (By.ID, "message")).text
        assert "rejected by Bob" in message and "an opinion, not a claim" in message
        assert drafted.note(note).status == NoteStatus.rejected  # nothing changed yet
        ann.find_element(By.ID, "confirm").click()
        WebDriverWait(ann, 15).until(lambda d: "done=approve" in d.current_url)
        assert drafted.note(note).status == NoteStatus.approved


def test_a_save_refused_by_a_colleagues_change_shows_both_texts_and_never_overwrites_silently(
    drafted, browsers
):
    ann, bob = browsers
    note = _cited_note(drafted)
    with serving(drafted) as server:
        sign_in(ann, server.url, "Ann", "counts")
        sign_in(bob, server.url, "Bob", "counts")
        for driver, words in ((ann, "Ann's explanation."), (bob, "Bob's explanation.")):
            open_note(driver, server.url, note)
            field = driver.find_element(By.ID, "explanation")
            field.clear()
            field.send_keys(words)
        ann.find_element(By.ID, "save-public").click()
        WebDriverWait(ann, 15).until(lambda d: "done=public" in d.current_url)
        bob.find_element(By.ID, "save-public").click()
        assert "Bob's explanation." in wait_for(bob, (By.ID, "yours")).text
        assert "Ann's explanation." in bob.find_element(By.ID, "theirs").text
        assert "edit by Ann" in bob.find_element(By.ID, "message").text
        bob.find_element(By.ID, "save-public").click()  # the same form again: still refused
        wait_for(bob, (By.ID, "both-texts"))
        assert drafted.note(note).explanation == "Ann's explanation."
        bob.find_element(By.ID, "save-mine").click()  # an explicit choice to replace Ann's text
        WebDriverWait(bob, 15).until(lambda d: "done=public" in d.current_url)
        assert drafted.note(note).explanation == "Bob's explanation."


def test_editing_an_approved_note_sends_it_back_and_export_leaves_it_out(drafted, browsers):
    ann, _ = browsers
    note = _cited_note(drafted)
    drafted.approve(note, "Bob")
    with serving(drafted) as server:
        sign_in(ann, server.url, "Ann", "counts")
        open_note(ann, server.url, note)
        field = ann.find_element(By.ID, "explanation")
        field.clear()
        field.send_keys("Words nobody approved.")
        ann.find_element(By.ID, "save-public").click()
        WebDriverWait(ann, 15).until(lambda d: "done=public" in d.current_url)
        assert ann.find_element(By.ID, "note-status").text == "draft"
        assert "back in review" in ann.find_element(By.ID, "history").text
        ann.get(f"{server.url}/export?format=md")
        assert "Words nobody approved." not in ann.page_source
    assert drafted.note(note).status == NoteStatus.draft


def test_two_sign_offs_and_undo_by_the_author(drafted, browsers, monkeypatch):
    monkeypatch.setattr(drafted.settings.review, "signoffs", 2)
    ann, bob = browsers
    note = _cited_note(drafted)
    with serving(drafted) as server:
        sign_in(ann, server.url, "Ann", "counts")
        sign_in(bob, server.url, "Bob", "counts")
        open_note(ann, server.url, note)
        ann.find_element(By.ID, "approve").click()
        message = wait_for(ann, (By.ID, "message")).text
        assert "second reviewer" in message and drafted.note(note).signoffs == ["Ann"]
        open_note(bob, server.url, note)
        bob.find_element(By.TAG_NAME, "body").send_keys("a")
        WebDriverWait(bob, 15).until(lambda d: "done=approve" in d.current_url)
        assert drafted.note(note).status == NoteStatus.approved
        assert "Approved." in wait_for(bob, (By.ID, "message")).text
        bob.find_element(By.ID, "undo").click()
        WebDriverWait(bob, 15).until(lambda d: "done=undo" in d.current_url)
        assert drafted.note(note).status == NoteStatus.draft and drafted.note(note).signoffs == ["Ann"]


def test_assignment_comments_and_the_queue_shows_the_last_decision(drafted, browsers):
    ann, _ = browsers
    notes = [e.note_id for e in drafted.queue_entries(drafted.queue_filter(status="draft"))]
    with serving(drafted) as server:
        sign_in(ann, server.url, "Ann", "counts")
        open_note(ann, server.url, notes[0])
        Select(ann.find_element(By.ID, "assign-scope")).select_by_value("article")
        ann.find_element(By.ID, "assign-me").click()
        WebDriverWait(ann, 15).until(lambda d: "done=assign" in d.current_url)
        assert ann.find_element(By.ID, "assigned-to").text == "Ann"
        ann.find_element(By.ID, "comment").send_keys("Ask the ministry for its source.", Keys.ENTER)
        WebDriverWait(ann, 15).until(lambda d: "done=comment" in d.current_url)
        assert "Ask the ministry for its source." in ann.find_element(By.ID, "history").text
        ann.get(f"{server.url}/?assigned=mine&status=all")
        rows = ann.find_elements(By.CSS_SELECTOR, "#queue tbody tr")
        assert len(rows) == len(notes)  # every note of the article
        first = next(r for r in rows if notes[0] in r.get_attribute("innerHTML"))
        assert first.find_element(By.CLASS_NAME, "last-action").text == ""  # a comment is no decision
        drafted.reject(notes[0], "Bob", "an opinion")
        ann.get(f"{server.url}/?assigned=mine&status=all")
        first = next(
            r
            for r in ann.find_elements(By.CSS_SELECTOR, "#queue tbody tr")
            if notes[0] in r.get_attribute("innerHTML")
        )
        assert "reject by Bob" in first.find_element(By.CLASS_NAME, "last-action").text
        ann.get(f"{server.url}/?assigned=unassigned&status=all")
        assert not ann.find_elements(By.CSS_SELECTOR, "#queue tbody tr")
    assert {drafted.note(n).assigned_to for n in notes} == {"Ann"}


def test_keys_one_to_four_set_the_verdict_and_a_double_press_is_one_action(drafted, browsers):
    ann, _ = browsers
    note = _cited_note(drafted)
    with serving(drafted) as server:
        sign_in(ann, server.url, "Ann", "counts")
        open_note(ann, server.url, note)
        ann.find_element(By.TAG_NAME, "body").send_keys("3")
        WebDriverWait(ann, 15).until(lambda d: "done=verdict" in d.current_url)
        assert drafted.note(note).verdict == Verdict.refuted
        wait_for(ann, (By.TAG_NAME, "body")).send_keys("aa")  # a double press, before the page has moved on
        WebDriverWait(ann, 15).until(lambda d: "done=approve" in d.current_url)
        message = wait_for(ann, (By.ID, "message"))
        assert "error" not in message.get_attribute("class") and "Approved." in message.text
    assert [r.action for r in drafted.history(note)].count("approve") == 1


def test_indexing_runs_as_a_job_with_progress_while_other_pages_answer(drafted, browsers, tmp_path):
    ann, bob = browsers
    batch = tmp_path / "batch"
    batch.mkdir()
    seed = SEED_A.read_text()
    for number in range(12):
        (batch / f"story{number}.txt").write_text(seed.replace("100,000", f"{number + 1},000"))
    drafted.settings.serve.sources_roots = str(tmp_path)  # the desk indexes only under its sources folders
    with serving(drafted) as server:
        sign_in(ann, server.url, "Ann", "counts")
        sign_in(bob, server.url, "Bob", "counts")
        ann.get(f"{server.url}/sources")
        wait_for(ann, (By.ID, "index-path")).send_keys("batch", Keys.ENTER)
        wait_for(ann, (By.ID, "job-progress"))
        bob.get(f"{server.url}/?status=all")  # another editor's queue answers meanwhile
        assert wait_for(bob, (By.ID, "queue"))
        WebDriverWait(ann, 120).until(lambda d: "12 new" in d.find_element(By.ID, "job-result").text)
        assert ann.find_element(By.ID, "job-progress").get_attribute("value") == "100"
        ann.find_element(By.ID, "job-link").click()
        wait_for(ann, (By.ID, "sources"))
        assert len(ann.find_elements(By.CSS_SELECTOR, "#sources tbody tr")) == len(drafted.sources())


def test_desk_errors_are_in_the_desks_words_without_server_paths(drafted, browsers):
    ann, _ = browsers
    drafts = drafted.queue_entries(drafted.queue_filter(status="draft"))
    note = next(e.note_id for e in drafts if not drafted.note(e.note_id).citations)  # a verdict needs one
    with serving(drafted) as server:
        sign_in(ann, server.url, "Ann", "counts")
        open_note(ann, server.url, note)
        Select(ann.find_element(By.ID, "verdict-choice")).select_by_value("supported")
        ann.find_element(By.ID, "set-verdict").click()
        message = wait_for(ann, (By.ID, "message")).text
        assert "cite a sentence of the evidence" in message and "`c`" not in message
        ann.get(f"{server.url}/export?format=md&status=approved")
        text = ann.find_element(By.TAG_NAME, "main").text
        assert "factcheck review" not in text and "--status" not in text
        ann.find_element(By.LINK_TEXT, "Sources").click()
        path = ann.find_element(By.ID, "index-path")
        path.send_keys(str(drafted.settings.home / "uploads" / "missing-folder"), Keys.ENTER)
        refusal = wait_for(ann, (By.CSS_SELECTOR, "p.message.error")).text
        assert "nothing by that name" in refusal and str(drafted.settings.home) not in refusal


def test_the_note_page_at_390_px_shows_claim_verdict_actions_and_evidence_within_two_screens(
    drafted, tmp_path
):
    phone = webdriver_session(tmp_path / "phone", width=390, height=844)
    # A phone's viewport: headless Chromium keeps its window at least 500 px wide, so the page is emulated.
    phone.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    note = _cited_note(drafted)
    try:
        with serving(drafted) as server:
            sign_in(phone, server.url, "Ann", "counts")
            open_note(phone, server.url, note)
            screen = phone.execute_script("return window.innerHeight")
            assert phone.execute_script("return window.innerWidth") == 390
            tops = {
                name: phone.execute_script(
                    "return document.querySelector(arguments[0]).getBoundingClientRect().top + window.scrollY",
                    selector,
                )
                for name, selector in (
                    ("claim", "#claim"),
                    ("verdict", "#verdict"),
                    ("actions", "#actions"),
                    ("evidence", "#evidence .evidence-item"),
                )
            }
            phone.save_screenshot(str(tmp_path / "note-390.png"))
            width = phone.execute_script("return document.documentElement.scrollWidth")
        assert all(top < 2 * screen for top in tops.values()), (tops, screen)
        assert width <= 390 + 1  # nothing wider than the phone
    finally:
        phone.quit()
