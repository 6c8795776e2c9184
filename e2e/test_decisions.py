"""Browser journey for decisions [issue 5]: a chair convenes a panel and records attendance from its agenda,
a member led from his home page (and his email) records a disclose and a do-not-disclose decision (with a
dissent), the chair is led from hers to sign both off and corrects the first with an addendum, and the
cases move on: one to delivery, one to communicating the outcome, as a search by reference shows. The
minutes download as a PDF, the addendum in them."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from disclosure.config import Settings
from disclosure.db import unit_of_work
from disclosure.requests.models import DisclosureRequest
from disclosure.text import format_datetime
from e2e.conftest import (
    Visit,
    earlier_today,
    error_summary,
    fill_date_and_time,
    home_task,
    live_principal,
    make_live_user,
    navigation,
    search,
    sign_in,
    waiting_email,
)
from tests.decisions.builders import submitted_case

ADDENDUM = "The safety plan also includes a TecSOS phone for her."


def _two_submitted_cases(factory: sessionmaker[Session]) -> list[str]:
    """Two Right to Know cases researched, reviewed and submitted (the research journey covers the pages)."""
    with unit_of_work(factory) as session:
        clerk, researcher, reviewer = (
            live_principal(session, name) for name in ("dee.intake", "ray.research", "rhea.review")
        )
        return [submitted_case(session, clerk, researcher, reviewer).reference for _ in range(2)]


def _status(factory: sessionmaker[Session], reference: str) -> str:
    with unit_of_work(factory) as session:
        case = session.scalar(select(DisclosureRequest).where(DisclosureRequest.reference == reference))
        assert case is not None
        return case.status


def _sign_out(page: Page, visit: Visit) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    visit("signed out")


def _record_attendance(page: Page, visit: Visit, reference: str, *, first: bool) -> None:
    """Attendance in one answer, from the agenda: everyone present for the first case, the same members
    for the next."""
    page.get_by_role("link", name=f"Record attendance for {reference}").click()
    visit(f"{reference} attendance form")
    who = page.get_by_role("group", name="Who is present for this case?")
    if first:
        who.get_by_label("Everyone is present").check()
    else:
        who.get_by_role("radio", name=re.compile(r"^The same members as for case")).check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("The panel is quorate for this case")).to_be_visible()
    visit(f"{reference} quorate")
    page.get_by_role("link", name="Back to the meeting").click()
    visit(f"meeting after {reference} attendance")


def _views(page: Page, dissent: str = "") -> None:
    for agency in ("Police", "Probation Service", "Health"):
        group = page.get_by_role("group", name=agency, exact=True)
        if agency == "Health" and dissent:
            group.get_by_label("Dissents").check()
            page.get_by_label("Reasons: Health").fill(dissent)
        else:
            group.get_by_label("Agrees").check()


def test_a_panel_decides_two_cases_and_the_chair_signs_them_off(
    page: Page, visit: Visit, live_server: str, live_sessions: sessionmaker[Session], live_settings: Settings
) -> None:
    for username, name, role in (
        ("dee.intake", "Dee Intake", "data_administrator"),
        ("ray.research", "Ray Research", "researcher"),
        ("rhea.review", "Rhea Review", "researcher"),
        ("oscar.officer", "Oscar Officer", "disclosing_officer"),
    ):
        make_live_user(live_sessions, live_settings, username, name, role)
    carla = make_live_user(live_sessions, live_settings, "carla.chair", "Carla Chair", "panel_chair")
    paul = make_live_user(live_sessions, live_settings, "paul.probation", "Paul Probation", "panel_member")
    make_live_user(live_sessions, live_settings, "hetty.health", "Hetty Health", "panel_member")
    first, second = _two_submitted_cases(live_sessions)

    # The chair convenes the panel; a mistake keeps what was typed.
    page.goto(f"{live_server}/panels")
    sign_in(page, visit, "carla.chair", carla)
    expect(page.get_by_role("heading", name="Decision panels")).to_be_visible()
    visit("decision panels")
    page.get_by_role("link", name="Convene a panel").click()
    visit("convene form")
    page.get_by_label("Where (optional)").fill("MASH room 2")
    page.get_by_role("button", name="Convene the panel").click()
    assert "Select the chair" in error_summary(page)
    expect(page.get_by_label("Where (optional)")).to_have_value("MASH room 2")
    visit("convene errors")
    # The panel met up to an hour ago (today, whatever the hour now); its link reads as the meetings list
    # shows it.
    meets_at = earlier_today(timedelta(hours=1))
    fill_date_and_time(page, "When does it meet?", "Time", meets_at)
    page.get_by_label("Chair").select_option(label="Carla Chair")
    page.get_by_role("button", name="Convene the panel").click()
    expect(page.get_by_text("Panel convened")).to_be_visible()
    visit("panel convened")
    for person, agency in (("Paul Probation", "Probation Service"), ("Hetty Health", "Health")):
        page.get_by_label("Add a member").select_option(label=person)
        page.get_by_label("For which agency").select_option(label=agency)
        page.get_by_role("button", name="Add the member").click()
        expect(page.get_by_text("Member added")).to_be_visible()
        visit(f"{person} added")
    for reference in (first, second):
        page.get_by_label("Add a case awaiting a decision").select_option(
            label=f"{reference} (package version 1)"
        )
        page.get_by_role("button", name="Add to the agenda").click()
        expect(page.get_by_text("Case added to the agenda")).to_be_visible()
        visit(f"{reference} on the agenda")
    for reference in (first, second):
        _record_attendance(page, visit, reference, first=reference == first)
    _sign_out(page, visit)

    # A member, led from his home page, records both decisions: a disclosure with a dissent, and none.
    assert "Panels to attend:" in waiting_email(live_sessions, "paul.probation")
    page.goto(live_server)
    sign_in(page, visit, "paul.probation", paul)
    panels = home_task(page, "Panels to attend")
    visit("member's home page")
    panels.get_by_role("link", name=format_datetime(meets_at), exact=True).click()
    visit("member's meeting")
    page.get_by_role("link", name=first).click()
    visit("first case")
    page.get_by_role("link", name="Read the package").click()
    expect(page.get_by_role("heading", name="Evidence package version 1")).to_be_visible()
    visit("package put to the panel")
    page.get_by_role("link", name=f"Back to {first}").click()
    visit("first case again")
    page.get_by_role("link", name="Record the decision").click()
    expect(page.get_by_role("heading", name="Record the panel's decision")).to_be_visible()
    visit("decision form")
    page.get_by_role("group", name="What did the panel decide?").get_by_label("Disclose", exact=True).check()
    for test in ("Lawful", "Necessary", "Proportionate", "Pressing need"):
        page.get_by_role("group", name=test).get_by_label("Met", exact=True).check()
        page.get_by_label(f"Reasoning: {test}").fill(f"{test}: reasoning recorded by the panel.")
    page.get_by_label("The Article 8 balance").fill("Her safety outweighs his privacy.")
    page.get_by_role("group", name="Spent convictions").get_by_label("There are no spent convictions").check()
    page.get_by_role("group", name="Who will be told?").get_by_role("checkbox").first.check()
    page.get_by_label("Who will deliver the disclosure in person?").select_option(label="Oscar Officer")
    page.get_by_role("group", name="Were the subject's views sought?").get_by_label("No").check()
    page.get_by_label("The subject's views, or why they were not sought").fill(
        "Not sought: it would raise the risk."
    )
    page.get_by_role("group", name="Will the subject be told of the disclosure?").get_by_label("No").check()
    page.get_by_label("Why the subject will or will not be told").fill("Telling him would raise the risk.")
    page.get_by_label("Safety plan").fill("IDVA present; safe word; marker on the address.")
    page.get_by_role("group", name="Further safeguarding actions").get_by_label("MARAC referral").check()
    _views(page, dissent="Health would wait for the GP's records.")
    page.get_by_label("The chair's rationale").fill("All four tests are met; disclosure protects her now.")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Decision saved")).to_be_visible()
    visit("disclosure drafted")
    page.get_by_role("link", name="Back to the meeting").click()
    visit("meeting after the first decision")
    page.get_by_role("link", name=second).click()
    visit("second case")
    page.get_by_role("link", name="Record the decision").click()
    visit("second decision form")
    page.get_by_role("group", name="What did the panel decide?").get_by_label("Do not disclose").check()
    page.get_by_label("Reason", exact=True).select_option(label="There is no pressing need to disclose")
    page.get_by_label("Safety advice still to be given").fill("IDVA contact details; 999 in an emergency.")
    _views(page)
    page.get_by_label("The chair's rationale").fill("No pressing need: the relationship ended a year ago.")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Decision saved")).to_be_visible()
    visit("no disclosure drafted")
    _sign_out(page, visit)

    # The chair is led from her home page to each sign-off; the cases move on. The first decision left
    # out part of the safety plan: signed decisions do not change, so it is corrected by an addendum.
    assert "Decisions to sign:" in waiting_email(live_sessions, "carla.chair", after_quiet=True)
    page.goto(live_server)
    sign_in(page, visit, "carla.chair", carla)
    for reference, outcome in ((first, "Disclose"), (second, "Do not disclose")):
        to_sign = home_task(page, "Decisions to sign")
        visit(f"chair's home page: {reference} to sign")
        to_sign.get_by_role("link", name=reference).click()
        expect(page.get_by_role("heading", name="Sign off the decision")).to_be_visible()
        visit(f"{reference} sign-off")
        page.get_by_role("button", name="Sign off as chair").click()
        expect(page.get_by_text("Decision signed off. The case has moved on.")).to_be_visible()
        expect(page.get_by_text(f"{outcome} (signed off)")).to_be_visible()
        visit(f"{reference} signed")
        if reference == first:
            page.get_by_role("link", name="Add an addendum").click()
            visit("addendum form")
            page.get_by_label("The correction or addition").fill(ADDENDUM)
            page.get_by_label("Why is it needed?").fill("Agreed at the meeting but left out of the plan")
            page.get_by_role("button", name="Add the addendum").click()
            expect(page.get_by_text(ADDENDUM)).to_be_visible()
            visit("decision with its addendum")
            navigation(page).get_by_role("link", name=re.compile(r"^Home")).click()
    page.get_by_role("link", name="Back to the meeting").click()
    visit("meeting after signing")
    assert _status(live_sessions, first) == "to_disclose"
    assert _status(live_sessions, second) == "outcome_to_communicate"

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the minutes (PDF)").click()
    pdf = Path(download.value.path()).read_bytes()
    (Path(__file__).parent / "screenshots" / "panel-minutes.pdf").write_bytes(pdf)
    texts = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]
    assert all("OFFICIAL-SENSITIVE" in t for t in texts)
    whole = " ".join(texts)
    for expected in (first, second, "Health would wait for the GP's records.", "Carla Chair", ADDENDUM):
        assert expected in whole, expected

    # Where the first case went, found by its reference (her panel decided it; she is not on the case).
    search(page, visit, first)
    expect(
        page.get_by_role("table", name="Cases (1)").get_by_role("row").filter(has_text=first)
    ).to_contain_text("Decided: disclosure to deliver")
    visit("the case found by its reference")
