"""The team desk in headless Chromium: sign in and out, two accounts for the two-person rule (one account
cannot sign twice), and at 390 px the queue as cards and a note's actions within one screen."""

from browser import wait_for, webdriver_session
from desk import draft_the_first_example, serving
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

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
