"""Requests journey: a data administrator logs a Right to Ask, a Right to Know and a Sarah's Law request
through the pages, adds people (and is offered the existing record for a person already in the index),
triages, verifies identity, hands a case to research, sees the deadlines on the work queue, finds a case by
a misspelt name and corrects its first contact (the deadline follows, the old value in its history), and
finds the untriaged request waiting on her home page, counted in the navigation and in her waiting-work
email."""

import re
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from disclosure.agencies.models import OutboxMessage
from disclosure.config import Settings
from disclosure.db import unit_of_work, utcnow
from disclosure.waiting import mail
from e2e.conftest import (
    Visit,
    error_summary,
    fill_date_and_time,
    make_live_user,
    navigation,
    reflows_at_320_pixels,
    search,
    sign_in,
)


def _log(
    page: Page,
    visit: Visit,
    route: str,
    applicant: str | None,
    *,
    information: str = "",
    days_ago: int = 0,
) -> str:
    page.get_by_role("link", name="Log a request").click()
    expect(page.get_by_role("heading", name="Log a request")).to_be_visible()
    visit(f"log a request: {route}")
    page.get_by_label(route).check()
    question = page.get_by_role("group", name="Who is applying?")
    if applicant:
        page.get_by_label(applicant).check()
    else:  # a police-initiated route: the question is not asked
        expect(question).to_be_hidden()
    when = utcnow() - timedelta(days=days_ago, hours=1)
    fill_date_and_time(page, "Date of first contact", "Time of first contact", when)
    page.get_by_label("101 telephone call").check()
    receiving = page.get_by_label("Receiving force")
    if not receiving.input_value():  # it starts as the force's name, once an administrator has set it
        receiving.fill("Testshire Police")
    if information:
        page.get_by_label("What prompted the request?").fill(information)
    page.get_by_role("group", name="Was a crime alleged during the contact?").get_by_label(
        "No", exact=True
    ).check()
    page.get_by_role("button", name="Log request").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Request (DVDS|CSODS)-"))).to_be_visible()
    reference = page.get_by_role("heading", level=1).inner_text().removeprefix("Request ").strip()
    visit(f"request {reference} logged")
    return reference


def _add_person(
    page: Page,
    visit: Visit,
    role: str,
    given: str,
    family: str,
    dob: tuple[int, int, int] | None,
    *,
    choose_existing: bool = False,
    applicant: bool = False,
) -> None:
    page.get_by_role("link", name=f"Add {role.lower()}", exact=True).click()
    expect(page.get_by_role("heading", name="Add a person to the case")).to_be_visible()
    visit(f"add {role.lower()}")
    # The link ticks the role it names (and the person at risk for an applicant who is that person).
    box = page.get_by_role("group", name="Role on this case").get_by_label(role, exact=True)
    if not box.is_checked():
        box.check()
    page.get_by_label("Given names").fill(given)
    page.get_by_label("Family name").fill(family)
    if dob:
        page.get_by_label("Day").fill(str(dob[0]))
        page.get_by_label("Month").fill(str(dob[1]))
        page.get_by_label("Year").fill(str(dob[2]))
    if applicant:
        page.get_by_label("Telephone call").check()
        page.get_by_label("Safe telephone number").fill("07700 900982")
        page.get_by_label("Do not leave messages").check()
        page.get_by_label("Safe times to contact them").fill("Weekdays 9am to 2pm")
    # The index is searched first: someone like them is offered; with no one like them, they are added.
    page.get_by_role("button", name="Check the index and add").click()
    if choose_existing:
        expect(page.get_by_role("heading", name="Possible matches in the people index")).to_be_visible()
        visit(f"matches for {given} {family}")
        page.get_by_role("radio").first.check()
        page.get_by_role("button", name="Add the selected person").click()
        expect(page.get_by_text("Person added to the case")).to_be_visible()
    else:
        expect(page.get_by_text("No one in the people index matched: added as a new person")).to_be_visible()
    visit(f"{given} {family} added")


def test_a_data_administrator_runs_three_requests_to_research(
    page: Page, visit: Visit, live_server: str, live_sessions: sessionmaker[Session], live_settings: Settings
) -> None:
    dana = make_live_user(live_sessions, live_settings, "dana.clerk", "Dana Clerk", "data_administrator")
    make_live_user(live_sessions, live_settings, "dev.research", "Dev Research", "researcher")
    page.goto(f"{live_server}/requests")
    sign_in(page, visit, "dana.clerk", dana)
    expect(page.get_by_role("heading", name="Work queue")).to_be_visible()
    visit("work queue at the start")

    # Bad input is refused at the field and nothing typed is lost.
    page.get_by_role("link", name="Log a request").click()
    expect(page.get_by_role("heading", name="Log a request")).to_be_visible()
    visit("log a request")
    page.get_by_label("Police reference (occurrence or non-crime number)").fill("OCC/12/26")
    page.get_by_role("button", name="Log request").click()
    assert "Select the scheme and route" in error_summary(page)
    expect(page.get_by_label("Police reference (occurrence or non-crime number)")).to_have_value("OCC/12/26")
    visit("log request errors")
    page.get_by_role("link", name="Back to the work queue").click()
    expect(page.get_by_role("heading", name="Work queue")).to_be_visible()
    visit("work queue")

    # Right to Ask, with the applicant as the person at risk.
    right_to_ask = _log(page, visit, "Clare's Law (DVDS): Right to Ask", "The person at risk")
    right_to_ask_page = page.url
    # The applicant is the person at risk: entered once, in both roles.
    _add_person(page, visit, "Applicant", "Jane", "Doe", (3, 4, 1990), applicant=True)
    expect(page.get_by_text("Safe contact for the applicant and person at risk, Jane Doe")).to_be_visible()
    expect(page.get_by_text("Still needed for this route: subject.")).to_be_visible()
    _add_person(page, visit, "Subject", "John", "Smith", (12, 8, 1985))
    page.get_by_role("link", name="Record the risk triage").click()
    expect(page.get_by_role("heading", name="Initial checks and risk triage")).to_be_visible()
    visit("triage form")
    page.get_by_role("group", name="Is there an immediate risk?").get_by_label("No", exact=True).check()
    page.get_by_role("group", name="Was a DASH risk checklist completed?").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_label("DASH score (questions answered yes)").fill("15")
    page.get_by_role("radio", name="Green").check()
    page.get_by_role("button", name="Save triage").click()
    assert any("MARAC" in e for e in error_summary(page))
    visit("triage errors")
    page.get_by_label("Referred to MARAC").check()
    page.get_by_label("Referred to an IDVA").check()
    page.get_by_role("radio", name="Red").check()
    page.get_by_role("button", name="Save triage").click()
    expect(page.get_by_text("Risk triage recorded")).to_be_visible()
    visit("triage recorded")
    page.get_by_role("button", name="Complete initial checks").click()
    expect(page.get_by_role("link", name="Record the meeting and identity check")).to_be_visible()
    visit("initial checks complete")
    page.get_by_role("link", name="Record the meeting and identity check").click()
    expect(page.get_by_role("heading", name="Face-to-face meeting and identity")).to_be_visible()
    fill_date_and_time(page, "Date of the meeting", "Time of the meeting", utcnow() - timedelta(minutes=10))
    page.get_by_label("Passport (photo)").check()
    page.get_by_label("Utility bill (address)").check()
    page.get_by_label("Yes, verified").check()
    visit("identity form")
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.get_by_text("Meeting and identity check recorded")).to_be_visible()
    visit("identity recorded")
    # The hand-over asks who researches it, listing researchers only.
    page.get_by_label("Who will research it?").select_option(label="Dev Research")
    page.get_by_role("button", name="Hand to research").click()
    expect(page.get_by_text("Case handed to research")).to_be_visible()
    expect(page.get_by_text("Dev Research").first).to_be_visible()
    expect(page.get_by_text("In research").first).to_be_visible()
    visit("right to ask in research")
    person_page = page.get_by_role("link", name="John Smith", exact=True).get_attribute("href")

    # Right to Know: no applicant; started from information received.
    page.get_by_role("link", name="Back to the work queue").click()
    expect(page.get_by_role("heading", name="Work queue")).to_be_visible()
    visit("work queue with the Right to Ask")
    right_to_know = _log(
        page,
        visit,
        "Clare's Law (DVDS): Right to Know (police-initiated)",
        None,
        information="Partner referral: controlling behaviour towards a new partner",
        days_ago=2,
    )
    _add_person(page, visit, "Person at risk", "Priya", "Shah", (1, 2, 1995))
    _add_person(page, visit, "Subject", "Jon", "Smyth", (12, 8, 1985), choose_existing=True)
    expect(page.get_by_text("The subject is the subject of 1 other request")).to_be_visible()

    # Sarah's Law, about a named child.
    page.get_by_role("link", name="Back to the work queue").click()
    expect(page.get_by_role("heading", name="Work queue")).to_be_visible()
    visit("work queue with the Right to Know")
    sarahs_law = _log(
        page, visit, "Sarah's Law (CSODS): application", "A parent, carer or guardian of the child"
    )
    _add_person(page, visit, "Applicant", "Maria", "Lopez", (9, 9, 1988), applicant=True)
    _add_person(page, visit, "Child", "Leo", "Lopez", (5, 5, 2018))
    _add_person(page, visit, "Subject", "Mark", "Benson", None)

    page.get_by_role("link", name="Back to the work queue").click()
    expect(page.get_by_role("heading", name="Work queue")).to_be_visible()
    # Other journeys share this server, so look for this journey's own three rows.
    for reference in (right_to_know, right_to_ask, sarahs_law):
        expect(page.get_by_role("row").filter(has_text=reference)).to_have_count(1)
    expect(page.get_by_text("overdue by").first).to_be_visible()  # the Right to Know logged 2 days ago
    visit("work queue with deadlines")
    reflows_at_320_pixels(
        page,
        visit,
        [
            (page.url, "Work queue"),
            (right_to_ask_page, f"Request {right_to_ask}"),
            (f"{live_server}{person_page}", "John Smith"),
        ],
    )

    # Found by a misspelt name: the Right to Know's referral came in a day before the day logged, so its
    # first contact is corrected, the old value kept in the case's history and the deadline recomputed.
    search(page, visit, "Pria Shaw")
    found = page.get_by_role("table", name=re.compile(r"^Cases")).get_by_role("row").filter(has_text="Shah")
    expect(found.get_by_role("link", name=right_to_know)).to_be_visible()
    visit("search results")
    found.get_by_role("link", name=right_to_know).click()
    expect(page.get_by_role("heading", name=f"Request {right_to_know}")).to_be_visible()
    visit("case found by search")
    page.get_by_role("link", name="Correct the first contact").click()
    visit("correct the first contact")
    corrected = utcnow() - timedelta(days=3, hours=1)
    fill_date_and_time(page, "Date of first contact", "Time of first contact", corrected)
    page.get_by_label("Why are you correcting this?").fill("The referral email arrived a day earlier")
    page.get_by_role("button", name="Save the correction").click()
    history = page.get_by_role("region", name="Corrections")
    expect(history.get_by_role("cell", name="The referral email arrived a day earlier")).to_be_visible()
    expect(page.get_by_text("overdue by 2 days").first).to_be_visible()
    visit("first contact corrected")

    # What waits: the Sarah's Law request is not triaged yet, so Dana's home page lists it (by reference
    # only) and the navigation counts it; the waiting-work email says so without a name or reference.
    page.get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    triage = page.locator(".app-task").filter(has_text="Requests to triage")
    expect(triage.get_by_role("link", name=sarahs_law)).to_be_visible()
    expect(navigation(page).get_by_role("link", name=re.compile(r"^Work queue \d+ waiting$"))).to_be_visible()
    visit("home page with the work waiting")
    with unit_of_work(live_sessions) as session:
        mail.notify_all(session)
        sent = session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == "dana.clerk@police.example")
        ).all()
        assert sent and "Requests to triage:" in sent[-1].body
        assert sarahs_law not in sent[-1].body and "Lopez" not in sent[-1].body
