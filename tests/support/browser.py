"""Headless Chromium for the tests that open exports the way a reader would. CI installs it (`.ci/run`);
elsewhere a missing browser skips those tests."""

import os
import shutil

import pytest


def chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


def headless_flags(profile):
    """Flags for a private, offline, headless run with its own profile folder."""
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
    ]


def chromedriver():
    path = shutil.which("chromedriver")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromedriver is not installed; .ci/run installs Debian's chromium-driver package")
        pytest.skip("chromedriver is not installed (apt-get install chromium-driver)")
    return path


def webdriver_session(profile, width=1280, height=1600):
    """A Selenium session in headless Chromium from the system packages (no driver download)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium()
    for flag in headless_flags(profile):
        options.add_argument(flag.replace("--headless", "--headless=new") if flag == "--headless" else flag)
    options.add_argument(f"--window-size={width},{height}")
    return webdriver.Chrome(service=Service(chromedriver()), options=options)


def wait_for(driver, locator, timeout=15):
    """The element at `locator`, once the page has it."""
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(ready.presence_of_element_located(locator))


def sign_in(driver, url, name, landing="queue"):
    """Give the desk a reviewer's name (its name prompt) and wait for the queue page's `landing` element."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.get(f"{url}/name?next=/")
    field = wait_for(driver, (By.ID, "name"))
    field.clear()
    field.send_keys(name, Keys.ENTER)
    wait_for(driver, (By.ID, landing))


def open_note(driver, url, note_id):
    """A note's page in the desk (any status), once its evidence has loaded."""
    from selenium.webdriver.common.by import By

    driver.get(f"{url}/notes/{note_id}?status=all")
    wait_for(driver, (By.ID, "evidence"))
