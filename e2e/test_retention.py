"""Browser journey for records review [issue 19]: a records reviewer sees on the home page that a closed case
is due for review, opens it from the review queue, places a legal hold (first without a rationale: refused at
the field), finds it under legal hold, releases it, and disposes of it, confirming the review."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from disclosure.clocks import uk_date
from disclosure.config import Settings
from disclosure.db import unit_of_work, utcnow
from disclosure.requests import service as requests
from disclosure.requests.models import DisclosureRequest
from disclosure.retention.models import RetentionRecord
from disclosure.retention.schedule import add_years, scan
from e2e.conftest import Visit, error_summary, live_principal, make_live_user, navigation, sign_in
from tests.research.builders import case_in_research


def test_a_reviewer_holds_releases_and_disposes_of_a_closed_case(
    page: Page, visit: Visit, live_server: str, live_sessions: sessionmaker[Session], live_settings: Settings
) -> None:
    rosa = make_live_user(live_sessions, live_settings, "rosa.review", "Rosa Review", "records_reviewer")
    make_live_user(live_sessions, live_settings, "cai.clerk", "Cai Clerk", "data_administrator")
    make_live_user(live_sessions, live_settings, "ren.research", "Ren Research", "researcher")
    with unit_of_work(live_sessions) as session:
        clerk = live_principal(session, "cai.clerk")
        case = case_in_research(session, clerk, live_principal(session, "ren.research"))
        requests.withdraw(session, clerk, case.id, {"reason": "applicant_withdrew", "notes": "Moved away."})
        case_id, reference = case.id, case.reference
    with unit_of_work(live_sessions) as session:
        scan(session, today=add_years(uk_date(utcnow()), 10))
        record = session.scalar(select(RetentionRecord).where(RetentionRecord.record_id == case_id))
        assert record is not None
        record.review_due_on = uk_date(utcnow()) - timedelta(days=1)

    page.goto(f"{live_server}/")
    sign_in(page, visit, "rosa.review", rosa)
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    visit("home: a record due for review")
    navigation(page).get_by_role("link", name="Records review").click()
    expect(page.get_by_role("heading", name="Records due for review")).to_be_visible()
    visit("review queue")
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", name=reference)).to_be_visible()
    visit("review page")

    page.get_by_label("Place a legal hold (litigation, an inquiry, a complaint)").check()
    page.get_by_role("button", name="Save decision").click()
    assert error_summary(page) == ["Enter why the record must be kept (the hold's reason)"]
    expect(page.get_by_label("Place a legal hold (litigation, an inquiry, a complaint)")).to_be_checked()
    visit("hold refused")
    page.get_by_label("Your rationale").fill("Civil claim lodged against the force")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Legal hold placed: the record cannot be disposed of")).to_be_visible()
    expect(page.get_by_text("A legal hold blocks disposal: release the hold first.")).to_be_visible()
    visit("under legal hold")

    page.get_by_role("link", name="Records due for review").click()
    expect(page.get_by_text("No record is due for review.")).to_be_visible()
    visit("queue without the held record")
    page.get_by_role("link", name="Under legal hold").click()
    expect(page.get_by_role("heading", name="Records under legal hold")).to_be_visible()
    visit("legal holds")
    page.get_by_role("link", name=reference).click()
    visit("held record")
    page.get_by_label("Release the legal hold").check()
    page.get_by_label("Your rationale").fill("The claim was settled")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("cell", name="Legal hold released")).to_be_visible()
    visit("hold released")

    page.get_by_role("button", name="Dispose of this record").click()
    expect(page.get_by_role("heading", name=f"Dispose of {reference}")).to_be_visible()
    visit("confirm disposal")
    page.get_by_role("button", name="Dispose of the record").click()
    assert error_summary(page) == [
        "Confirm that you have reviewed this record and it is no longer needed for a policing purpose"
    ]
    visit("disposal unconfirmed")
    page.get_by_label("Confirm that you have reviewed this record").check()
    page.get_by_role("button", name="Dispose of the record").click()
    expect(page.get_by_text(f"{reference} disposed of")).to_be_visible()
    expect(page.get_by_text("No record is due for review.")).to_be_visible()
    visit("disposed of")
    with unit_of_work(live_sessions) as session:
        assert session.get(DisclosureRequest, case_id) is None


def test_an_administrator_shortens_a_groups_clear_period(
    page: Page, visit: Visit, live_server: str, live_sessions: sessionmaker[Session], live_settings: Settings
) -> None:
    ada = make_live_user(live_sessions, live_settings, "ada.retention", "Ada Retention", "administrator")
    page.goto(f"{live_server}/")
    sign_in(page, visit, "ada.retention", ada)
    visit("home")
    navigation(page).get_by_role("link", name="Retention").click()
    expect(page.get_by_role("heading", name="Retention", exact=True)).to_be_visible()
    visit("retention settings")
    page.get_by_role("link", name="Change group 3").click()
    expect(page.get_by_role("heading", name="Change group 3")).to_be_visible()
    visit("group 3")
    page.get_by_label("Years from the last activity to the first review").fill("six")
    page.get_by_role("button", name="Save group 3").click()
    assert error_summary(page) == ["Years from the last activity to the first review must be a whole number"]
    visit("group 3 refused")
    page.get_by_label("Years from the last activity to the first review").fill("7")
    page.get_by_role("button", name="Save group 3").click()
    expect(page.get_by_text("Group 3 saved")).to_be_visible()
    expect(page.get_by_text("Disposed of 7 years after the last activity, on review")).to_be_visible()
    visit("group 3 saved")
