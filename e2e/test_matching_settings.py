"""Browser journey for Settings -> Matching [issue 20]: an administrator finds the matching page in the
navigation, is told at the field when a threshold is not a number (what was typed kept), saves new thresholds
as a version, and puts the earlier version back in use."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from disclosure.config import Settings
from e2e.conftest import Visit, error_summary, make_live_user, sign_in


def test_an_administrator_changes_the_matching_thresholds_and_puts_a_version_back(
    page: Page, visit: Visit, live_server: str, live_sessions: sessionmaker[Session], live_settings: Settings
) -> None:
    ada = make_live_user(live_sessions, live_settings, "ada.matcher", "Ada Matcher", "administrator")
    page.goto(f"{live_server}/")
    sign_in(page, visit, "ada.matcher", ada)
    visit("an administrator's home page")
    page.get_by_role("link", name="Matching", exact=True).click()
    expect(page.get_by_role("heading", name="Matching", exact=True)).to_be_visible()
    visit("matching settings with the shipped defaults")

    page.get_by_label("Possible match from (%)").fill("thirty")
    page.get_by_role("button", name="Save thresholds as a new version").click()
    assert error_summary(page) == ["The possible match threshold must be a whole number from 1 to 100"]
    expect(page.get_by_label("Possible match from (%)")).to_have_value("thirty")
    visit("a threshold that is not a number")

    page.get_by_label("Possible match from (%)").fill("30")
    page.get_by_role("button", name="Save thresholds as a new version").click()
    expect(page.get_by_text("Version 1 in use: possible matches from 30%, likely from 90%")).to_be_visible()
    visit("thresholds saved as version 1")
    page.get_by_label("Likely match from (%)").fill("95")
    page.get_by_role("button", name="Save thresholds as a new version").click()
    expect(page.get_by_text("Version 2 in use")).to_be_visible()
    visit("two versions, the second in use")

    page.get_by_role("button", name="Put back in use version 1").click()
    expect(page.get_by_text("Version 1 is back in use")).to_be_visible()
    expect(page.get_by_label("Likely match from (%)")).to_have_value("90")
    visit("the first version back in use")
