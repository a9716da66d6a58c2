"""Full-text search and "what they said" in headless Chromium, on the real reports (issue #25): "ransomware" and
"paragraph 35" find the arguments and turns that mention them, Viet Nam's page lists its turns. Screenshots
go to build/screenshots/. Skips without ../shared or without Chromium."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from web import create_app, db

from .conftest import chrome, serving

SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"


@pytest.fixture(scope="module")
def server(built_store):
    db.reset()
    with serving(create_app({"STORE": str(built_store[0])})) as url:
        yield url
    db.reset()


@pytest.fixture(scope="module")
def browser():
    b = chrome(1280, 1400)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield b
    b.quit()


def groups(browser) -> dict[str, list[str]]:
    """The full-text hits on the page: {kind heading: [hit link texts]}."""
    from selenium.webdriver.common.by import By
    out = {}
    for h3 in browser.find_elements(By.CSS_SELECTOR, "#texts h3"):
        kind = h3.text.rsplit(" ", 1)[0]
        hits = h3.find_element(By.XPATH, "following-sibling::ol[1]").find_elements(By.CSS_SELECTOR, "li > a:first-child")
        out[kind] = [a.get_attribute("href") for a in hits]
    return out


def test_ransomware_finds_the_argument_and_the_turn_that_mention_it(server, browser):
    browser.get(f"{server}/search?q=ransomware")
    found = groups(browser)
    assert any(h.endswith("/argument/5") for h in found.get("Explanations", []))
    assert any(h.endswith("/intervention/18") for h in found.get("Turns", []))
    browser.save_screenshot(str(SCREENSHOTS / "search-ransomware.png"))


def test_paragraph_35_finds_viet_nams_turn_and_the_argument(server, browser):
    browser.get(f"{server}/search?q={quote('paragraph 35')}")
    found = groups(browser)
    assert found.get("Turns") and found.get("Explanations")
    from selenium.webdriver.common.by import By
    marked = [m.text for m in browser.find_elements(By.CSS_SELECTOR, "#texts mark")]
    assert "paragraph 35" in [m.lower() for m in marked]
    browser.save_screenshot(str(SCREENSHOTS / "search-paragraph-35.png"))


def test_viet_nams_page_lists_its_turns(server, browser):
    from selenium.webdriver.common.by import By
    browser.get(f"{server}/id/state/VNM#statements")
    section = browser.find_element(By.ID, "statements")
    assert "turns in the transcripts" in section.text
    turns = section.find_elements(By.CSS_SELECTOR, "ol.turns > li")
    assert len(turns) >= 2 and all(t.find_element(By.TAG_NAME, "blockquote").text for t in turns)
    browser.execute_script("arguments[0].scrollIntoView()", section)
    browser.save_screenshot(str(SCREENSHOTS / "state-statements.png"))
