"""Browser journey for need to know [issue 14 §2, §3]: a panel chair who has nothing to do with a meeting
opens one of its cases' evidence package and is asked why first, then reads it; she opens a person on no
case of hers and is asked why again, and the record says that requests she may not open exist."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from disclosure.config import Settings
from disclosure.db import unit_of_work
from disclosure.decisions import service as decisions
from disclosure.requests.vocabulary import PartyRole
from e2e.conftest import Visit, error_summary, live_principal, make_live_user, sign_in
from tests.decisions.builders import all_present, panel_with, submitted_case
from tests.requests.builders import add, make_person, make_request


def _papers_and_a_person(factory: sessionmaker[Session]) -> tuple[str, str, str]:
    """A submitted case on another chair's agenda, and a person on a case of another clerk's."""
    with unit_of_work(factory) as session:
        clerk, researcher, reviewer, chair, member = (
            live_principal(session, name)
            for name in ("nadia.intake", "nico.research", "noor.review", "nora.chair", "ned.probation")
        )
        case = submitted_case(session, clerk, researcher, reviewer)
        meeting, [item] = panel_with(session, clerk, chair, [(member, "probation")], case)
        other = make_request(session, clerk)
        person = add(
            session, clerk, other, PartyRole.PERSON_AT_RISK, make_person(session, clerk, "Lily", "Bishop")
        )
        return f"/panels/{meeting.id}/items/{item.id}/package", f"/people/{person.id}", case.reference


def test_a_chair_from_another_panel_states_a_reason_before_reading_its_papers_or_a_person(
    page: Page, visit: Visit, live_server: str, live_sessions: sessionmaker[Session], live_settings: Settings
) -> None:
    for username, name, role in (
        ("nadia.intake", "Nadia Intake", "data_administrator"),
        ("nico.research", "Nico Research", "researcher"),
        ("noor.review", "Noor Review", "researcher"),
        ("nora.chair", "Nora Chair", "panel_chair"),
        ("ned.probation", "Ned Probation", "panel_member"),
    ):
        make_live_user(live_sessions, live_settings, username, name, role)
    olive = make_live_user(live_sessions, live_settings, "olive.other", "Olive Other", "panel_chair")
    package, person, reference = _papers_and_a_person(live_sessions)

    page.goto(f"{live_server}{package}")
    sign_in(page, visit, "olive.other", olive)
    expect(page.get_by_role("heading", name=f"Open request {reference}")).to_be_visible()
    visit("asked why before the package")
    page.get_by_role("button", name="Open the case").click()
    assert error_summary(page) == ["Explain why you need to open this case (at least 10 characters)"]
    visit("no reason given")
    page.get_by_label("Why do you need to open this case?").fill("Chairing in Nora's place this afternoon")
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_role("heading", name="Evidence package version 1")).to_be_visible()
    visit("package after the reason")

    page.goto(f"{live_server}{person}")
    expect(page.get_by_role("heading", name="Open this person's record")).to_be_visible()
    expect(page.get_by_text("Lily")).to_have_count(0)
    visit("asked why before the person")
    page.get_by_label("Why do you need to open this person's record?").fill(
        "She is named in a referral to tomorrow's panel"
    )
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_role("heading", name="Lily Bishop")).to_be_visible()
    expect(page.get_by_text("1 other request involving this person is not shown")).to_be_visible()
    visit("person after the reason")


def test_a_sarahs_law_case_with_an_unverified_applicant_can_only_be_refused(
    page: Page, visit: Visit, live_server: str, live_sessions: sessionmaker[Session], live_settings: Settings
) -> None:
    """[ASP-CSODS] nothing is disclosed while the applicant's identity is unverified [issue 15]: the panel
    member finds the decision form offers only "do not disclose", with the reason already chosen."""
    for username, name, role in (
        ("sana.intake", "Sana Intake", "data_administrator"),
        ("sol.research", "Sol Research", "researcher"),
        ("suki.review", "Suki Review", "researcher"),
        ("sara.chair", "Sara Chair", "panel_chair"),
    ):
        make_live_user(live_sessions, live_settings, username, name, role)
    sid = make_live_user(live_sessions, live_settings, "sid.probation", "Sid Probation", "panel_member")
    with unit_of_work(live_sessions) as session:
        clerk, researcher, reviewer, chair, member = (
            live_principal(session, name)
            for name in ("sana.intake", "sol.research", "suki.review", "sara.chair", "sid.probation")
        )
        case = submitted_case(
            session, clerk, researcher, reviewer, route="csods_application", identity="not_verified"
        )
        meeting, [item] = panel_with(session, clerk, chair, [(member, "probation")], case)
        decisions.record_attendance(session, clerk, meeting.id, item.id, all_present(meeting))
        form = f"/panels/{meeting.id}/items/{item.id}/decision"

    page.goto(f"{live_server}{form}")
    sign_in(page, visit, "sid.probation", sid)
    expect(page.get_by_text("nothing can be disclosed under Sarah's Law")).to_be_visible()
    group = page.get_by_role("group", name="What did the panel decide?")
    expect(group.get_by_label("Disclose", exact=True)).to_have_count(0)
    expect(group.get_by_label("Do not disclose")).to_be_checked()
    chosen = page.get_by_label("Reason", exact=True).locator("option:checked")
    expect(chosen).to_have_text("The applicant's identity or relationship was not verified")
    visit("decision form for an unverified applicant")
    page.get_by_label("Safety advice still to be given").fill("NSPCC helpline; 999 in an emergency.")
    page.get_by_label("What the applicant will be told").fill(
        "We cannot share anything until we know who you are."
    )
    for agency in ("Police", "Probation Service"):
        page.get_by_role("group", name=agency, exact=True).get_by_label("Agrees").check()
    page.get_by_label("The chair's rationale").fill(
        "Identity and the relationship to the child are not verified."
    )
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Decision saved")).to_be_visible()
    visit("refusal for identity saved")
