"""The team desk in headless Chromium: sign in and out, two accounts for the two-person rule (one account
cannot sign twice), and at 390 px the queue as cards and a note's actions within one screen."""

import time

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from support.browser import wait_for, webdriver_session
from support.desk import draft_the_first_example, serving

from factcheck.models import NoteStatus, Role

PASSWORDS = {"Ann": "ann's long password", "Bob": "bob's long password"}


def _sign_in(driver, url, name):
    driver.get(f"{url}/login")
    wait_for(driver, (By.ID, "name")).send_keys(name)
    driver.find_element(By.ID, "password").send_keys(PASSWORDS[name], Keys.ENTER)
    WebDriverWait(driver, 15).until(lambda d: d.find_elements(By.ID, "sign-out"))


def _team(workspace, corpus):
    drafted = draft_the_first_example(workspace, corpus)
    drafted.team.add("Ann", Role.admin, PASSWORDS["Ann"])
    drafted.team.add("Bob", Role.editor, PASSWORDS["Bob"])
    drafted.team.set_policy("signoffs", "2", "Ann")
    return drafted


def test_two_accounts_meet_the_two_person_rule_and_one_cannot_sign_twice(workspace, corpus, tmp_path):
    drafted = _team(workspace, corpus)
    note = drafted.queue_entries()[0].note_id
    drafted.cite_evidence(note, 1, None, "Ann")
    ann, bob = (webdriver_session(tmp_path / f"p{n}") for n in (1, 2))
    try:
        with serving(drafted) as server:
            ann.get(f"{server.url}/")
            assert "/login" in ann.current_url  # nothing without signing in
            _sign_in(ann, server.url, "Ann")
            _sign_in(bob, server.url, "Bob")
            assert not ann.find_elements(By.ID, "setup-link")
            ann.get(f"{server.url}/notes/{note}?status=all")
            wait_for(ann, (By.ID, "approve")).click()
            if ann.find_elements(By.ID, "confirm"):
                ann.find_element(By.ID, "confirm").click()
            WebDriverWait(ann, 15).until(lambda d: "done=" in d.current_url)
            assert drafted.note(note).signoffs == ["Ann"] and drafted.note(note).status == NoteStatus.draft
            ann.get(f"{server.url}/name")  # no name to change under accounts
            assert not ann.find_elements(By.ID, "name")
            ann.get(f"{server.url}/notes/{note}?status=all")
            wait_for(ann, (By.ID, "approve")).click()
            if ann.find_elements(By.ID, "confirm"):
                ann.find_element(By.ID, "confirm").click()
            assert "already approved" in wait_for(ann, (By.ID, "message")).text
            assert drafted.note(note).status == NoteStatus.draft
            bob.get(f"{server.url}/?awaiting=1")
            assert note in wait_for(bob, (By.ID, "queue")).get_attribute("innerHTML")
            bob.get(f"{server.url}/notes/{note}?status=all")
            wait_for(bob, (By.ID, "approve")).click()
            if bob.find_elements(By.ID, "confirm"):
                bob.find_element(By.ID, "confirm").click()
            WebDriverWait(bob, 15).until(lambda d: "done=approve" in d.current_url)
            assert drafted.note(note).status == NoteStatus.approved
            ann.find_element(By.ID, "sign-out").click()
            WebDriverWait(ann, 15).until(lambda d: "/login" in d.current_url)
            ann.get(f"{server.url}/")
            assert "/login" in ann.current_url
    finally:
        ann.quit()
        bob.quit()


def test_at_390_px_the_queue_is_cards_and_a_notes_actions_are_within_one_screen(workspace, corpus, tmp_path):
    drafted = _team(workspace, corpus)
    phone = webdriver_session(tmp_path / "phone", width=390, height=844)
    phone.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    try:
        with serving(drafted) as server:
            _sign_in(phone, server.url, "Ann")
            phone.get(f"{server.url}/")
            wait_for(phone, (By.ID, "queue"))
            assert (
                phone.execute_script("return document.documentElement.scrollWidth") <= 390
            )  # no sideways scroll
            line = phone.find_element(By.CSS_SELECTOR, "tr.queue-line")
            assert phone.execute_script("return getComputedStyle(arguments[0]).display", line) == "block"
            assert not phone.find_element(By.CSS_SELECTOR, "table.queue thead").is_displayed()
            phone.save_screenshot(str(tmp_path / "queue-390.png"))
            longest = max(
                drafted.queue_entries(), key=lambda e: len(drafted.note_view(e.note_id).document.title or "")
            )
            phone.get(f"{server.url}/notes/{longest.note_id}?status=all")
            wait_for(phone, (By.ID, "actions"))
            bottom = phone.execute_script(
                "return document.querySelector('#approve').getBoundingClientRect().bottom"
            )
            height = phone.execute_script("return window.innerHeight")
            assert 0 < bottom <= height  # the approve button is on the first screen
            assert phone.find_element(By.ID, "claim-sentence").is_displayed()
            size = phone.execute_script(
                "return document.querySelector('#approve').getBoundingClientRect().height"
            )
            assert size >= 44
            phone.save_screenshot(str(tmp_path / "note-390.png"))
            assert (tmp_path / "note-390.png").stat().st_size > 0
    finally:
        phone.quit()


def test_an_ended_sign_in_returns_to_the_sign_in_page(workspace, corpus, tmp_path):
    drafted = _team(workspace, corpus)
    drafted.team.session_hours = 2 / 3600  # two seconds
    browser = webdriver_session(tmp_path / "short")
    try:
        with serving(drafted) as server:
            _sign_in(browser, server.url, "Bob")
            browser.get(f"{server.url}/?status=all")
            assert browser.find_elements(By.ID, "queue")
            time.sleep(2.5)
            browser.get(f"{server.url}/?status=all")
            assert "/login" in browser.current_url and browser.find_elements(By.ID, "password")
    finally:
        browser.quit()


def test_a_reviewer_is_refused_what_an_editor_does_and_an_admin_sees_paths_and_failed_jobs_plainly(
    workspace, corpus, tmp_path
):
    drafted = _team(workspace, corpus)
    drafted.team.add("Rita", Role.reviewer, "rita's long password")
    PASSWORDS["Rita"] = "rita's long password"
    batch = drafted.settings.home / "uploads" / "batch"
    batch.mkdir(parents=True)
    for number in range(23):
        (batch / f"report{number:02}.md").write_text(
            f"---\ntitle: Report {number}: Lavrov\n---\nTroops moved.\n"
        )
    browser = webdriver_session(tmp_path / "roles")
    try:
        with serving(drafted) as server:
            _sign_in(browser, server.url, "Rita")
            note = drafted.queue_entries()[0].note_id
            browser.get(f"{server.url}/notes/{note}?status=all")
            assert "Sign off as" in wait_for(browser, (By.ID, "approve")).text
            assert not browser.find_elements(By.LINK_TEXT, "Export") and not browser.find_elements(
                By.ID, "team-link"
            )
            browser.get(f"{server.url}/team")
            assert "ask an editor or an admin" in browser.find_element(By.TAG_NAME, "main").text
            browser.find_element(By.ID, "sign-out").click()
            _sign_in(browser, server.url, "Ann")
            browser.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Asia/Kolkata"})
            browser.get(f"{server.url}/team")  # times are sent in UTC and shown in the reader's zone
            shown = wait_for(browser, (By.CSS_SELECTOR, "#accounts time")).text
            assert "GMT+5:30" in shown and "UTC" not in shown, shown
            browser.get(f"{server.url}/sources")
            wait_for(browser, (By.ID, "index-path")).send_keys("/etc", Keys.ENTER)
            refusal = wait_for(browser, (By.CSS_SELECTOR, "p.message.error")).text
            assert "not one this desk may read from" in refusal and "/etc" not in refusal
            wait_for(browser, (By.ID, "index-path")).send_keys("batch", Keys.ENTER)
            WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.ID, "job-errors"))
            assert wait_for(browser, (By.ID, "job-status")).text == "failed"
            assert len(browser.find_elements(By.CSS_SELECTOR, "#job-errors li")) == 20
            assert "and 3 more" in browser.find_element(By.ID, "more-errors").text
            assert "put the title in quotes" in browser.find_element(By.ID, "job-errors").text
    finally:
        browser.quit()


def test_the_queue_groups_copies_searches_filters_and_bulk_rejects_after_a_confirmation(
    workspace, corpus, tmp_path
):
    from support.fakes import drafter
    from support.paths import SEED_A

    from factcheck.drafting.judges import EvidenceJudge
    from factcheck.retrieval.fusion import RetrievalSettings

    drafted = _team(workspace, corpus)
    copy = corpus / "copy.txt"
    copy.write_text(SEED_A.read_text())
    drafted.index([copy])
    drafter(drafted, EvidenceJudge(), RetrievalSettings(k=6)).draft_all(
        [c for c in drafted.claims(str(copy)) if c.checkworthiness >= 0.5]
    )
    browser = webdriver_session(tmp_path / "queue")
    try:
        with serving(drafted) as server:
            _sign_in(browser, server.url, "Bob")
            browser.get(f"{server.url}/")
            lines = browser.find_elements(By.CSS_SELECTOR, "tr.queue-line")
            assert lines and all("in 2 articles" in line.text for line in lines)
            search = browser.find_element(By.ID, "search")
            search.send_keys("100,000", Keys.ENTER)
            WebDriverWait(browser, 15).until(lambda d: "q=100" in d.current_url)
            found = browser.find_elements(By.CSS_SELECTOR, "tr.queue-line")
            assert len(found) == 1 and "100,000" in found[0].text
            found[0].find_element(By.CSS_SELECTOR, "input[name=note]").click()
            browser.find_element(By.ID, "bulk-action").send_keys("reject")
            browser.find_element(By.ID, "bulk-reason").send_keys("an estimate, not a claim")
            browser.find_element(By.ID, "bulk-go").click()
            listed = wait_for(browser, (By.ID, "bulk-list")).find_elements(By.CSS_SELECTOR, "tbody tr")
            assert (
                len(listed) == 2 and "Nothing has changed yet" in browser.find_element(By.ID, "message").text
            )
            assert drafted.queue_counts()[NoteStatus.rejected] == 0
            browser.find_element(By.ID, "confirm-bulk").click()
            WebDriverWait(browser, 15, ignored_exceptions=(StaleElementReferenceException,)).until(
                lambda d: "Done: 2 of 2 notes" in d.find_element(By.TAG_NAME, "h1").text
            )
            assert drafted.queue_counts()[NoteStatus.rejected] == 2
            browser.get(f"{server.url}/")
            browser.find_element(By.TAG_NAME, "body").send_keys("j")
            browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ENTER)
            WebDriverWait(browser, 15).until(lambda d: "/notes/" in d.current_url)
    finally:
        browser.quit()
