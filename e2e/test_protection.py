"""Browser journeys for the rules that protect people [issue 15]: a researcher records a Sarah's Law subject's
convictions and MAPPA management and the panel must give its reason for departing from the presumption to
disclose; triage flags potential escalation; an inspector records an urgent disclosure for immediate
protection; an administrator adds a clock policy version."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from disclosure.clocks import uk_today
from disclosure.config import Settings
from disclosure.db import unit_of_work
from disclosure.decisions import service as decisions
from disclosure.requests import access
from disclosure.research import service as research
from e2e.conftest import Visit, error_summary, live_principal, make_live_user, sign_in
from tests.decisions.builders import all_present, panel_with
from tests.requests.builders import make_request, ready_for_checks
from tests.research.builders import case_in_research, do_required_checks, evidence_values, summary_values

UK = ZoneInfo("Europe/London")


def _fill_date(page: Page, group: str, day: str, month: str, year: str) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(day)
    fields.get_by_label("Month").fill(month)
    fields.get_by_label("Year").fill(year)


def test_the_presumption_to_disclose_from_research_to_the_panel(
    page: Page, visit: Visit, live_server: str, live_sessions: sessionmaker[Session], live_settings: Settings
) -> None:
    for username, name, role in (
        ("pia.intake", "Pia Intake", "data_administrator"),
        ("pete.review", "Pete Review", "researcher"),
        ("pam.chair", "Pam Chair", "panel_chair"),
    ):
        make_live_user(live_sessions, live_settings, username, name, role)
    rae = make_live_user(live_sessions, live_settings, "rae.research", "Rae Research", "researcher")
    pip = make_live_user(live_sessions, live_settings, "pip.probation", "Pip Probation", "panel_member")
    with unit_of_work(live_sessions) as session:
        clerk, researcher = live_principal(session, "pia.intake"), live_principal(session, "rae.research")
        case = case_in_research(session, clerk, researcher, route="csods_application")
        case_id = case.id

    page.goto(f"{live_server}/requests/{case_id}/research/offending")
    sign_in(page, visit, "rae.research", rae)
    expect(page.get_by_role("heading", name="The subject's offending and management")).to_be_visible()
    visit("offending form")
    page.get_by_label("Offence for conviction 1").fill("Sexual assault of a child under 13")
    _fill_date(page, "Date of conviction 1", "12", "5", "2016")
    page.get_by_label("A sexual offence against a child (conviction 1)").check()
    page.get_by_role("group", name="Is the subject a registered sex offender?").get_by_label("Yes").check()
    page.get_by_label("MAPPA category").select_option("1")
    page.get_by_role("group", name="Does the subject pose a risk of harm to the child?").get_by_label(
        "Yes"
    ).check()
    page.get_by_label("Why", exact=True).fill("He has moved in with the child's mother.")
    page.get_by_role("button", name="Save", exact=True).click()
    assert error_summary(page) == [
        "Select the MAPPA level the subject is managed at",
        "Select the agency leading the subject's MAPPA management",
    ]
    expect(page.get_by_label("Offence for conviction 1")).to_have_value("Sexual assault of a child under 13")
    visit("offending with errors")
    page.get_by_label("MAPPA level").select_option("2")
    page.get_by_label("Lead agency").select_option("probation")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("The presumption to disclose applies").first).to_be_visible()
    visit("research page with the presumption")

    with unit_of_work(live_sessions) as session:
        researcher, reviewer = live_principal(session, "rae.research"), live_principal(session, "pete.review")
        clerk, chair, member = (
            live_principal(session, n) for n in ("pia.intake", "pam.chair", "pip.probation")
        )
        case = research.open_case(session, researcher, case_id)
        do_required_checks(session, researcher, case)
        research.record_evidence(session, researcher, case.id, evidence_values(case))
        research.update_summary(
            session, researcher, case.id, summary_values(research.package_for(session, case).version)
        )
        research.send_for_review(session, researcher, case.id, {"reviewer_id": str(reviewer.user_id)})
        research.approve(session, reviewer, case.id, {"review_notes": "Checked."})
        research.submit(
            session, researcher, case.id, {"version": str(research.package_for(session, case).version)}
        )
        meeting, [item] = panel_with(session, clerk, chair, [(member, "probation")], case)
        decisions.record_attendance(session, clerk, meeting.id, item.id, all_present(meeting))
        form = f"/panels/{meeting.id}/items/{item.id}/decision"

    page.context.clear_cookies()
    page.goto(f"{live_server}{form}")
    sign_in(page, visit, "pip.probation", pip)
    expect(page.get_by_text("The presumption to disclose applies").first).to_be_visible()
    visit("decision form with the presumption")
    page.get_by_role("group", name="What did the panel decide?").get_by_label("Do not disclose").check()
    page.get_by_label("Reason", exact=True).select_option(label="There is no pressing need to disclose")
    page.get_by_label("Safety advice still to be given").fill("NSPCC helpline; 999 in an emergency.")
    page.get_by_label("What the applicant will be told").fill("That no disclosure will be made.")
    for agency in ("Police", "Probation Service"):
        page.get_by_role("group", name=agency, exact=True).get_by_label("Agrees").check()
    page.get_by_label("The chair's rationale").fill("He is in custody until 2031.")
    page.get_by_role("button", name="Save the decision").click()
    assert error_summary(page) == [
        "The presumption to disclose applies: give the reason for departing from it"
    ]
    visit("departure asked for")
    page.get_by_label("Why the panel departs from the presumption to disclose").fill(
        "He is in custody until 2031 and has no contact with the child."
    )
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Decision saved")).to_be_visible()
    visit("decision with departure saved")


def test_triage_flags_escalation_and_an_inspector_records_an_urgent_disclosure(
    page: Page, visit: Visit, live_server: str, live_sessions: sessionmaker[Session], live_settings: Settings
) -> None:
    tia = make_live_user(live_sessions, live_settings, "tia.intake", "Tia Intake", "data_administrator")
    ivy = make_live_user(live_sessions, live_settings, "ivy.inspector", "Ivy Inspector", "urgent_authoriser")
    with unit_of_work(live_sessions) as session:
        clerk, inspector = live_principal(session, "tia.intake"), live_principal(session, "ivy.inspector")
        case = make_request(session, clerk)
        ready_for_checks(session, clerk, case)
        access.add_member(session, case, inspector.user_id)
        case_id = case.id

    page.goto(f"{live_server}/requests/{case_id}/triage")
    sign_in(page, visit, "tia.intake", tia)
    expect(page.get_by_role("heading", name="Initial checks and risk triage")).to_be_visible()
    visit("triage form with incident rows")
    page.get_by_role("group", name="Is there an immediate risk?").get_by_label("Yes").check()
    page.get_by_label("Action taken on the immediate risk").fill("Officers sent to her address.")
    for n, days in enumerate((20, 90, 200), start=1):
        day = uk_today() - timedelta(days=days)
        _fill_date(page, f"Date of incident {n}", str(day.day), str(day.month), str(day.year))
        page.get_by_label(f"What happened in incident {n}").fill(f"Call-out number {n}")
    page.get_by_role("group", name="RAG rating").get_by_label("Red").check()
    page.get_by_role("button", name="Save triage").click()
    assert error_summary(page) == [
        "3 incidents in 12 months is potential escalation: it needs a MARAC referral"
    ]
    visit("escalation needs MARAC")
    page.get_by_label("Referred to MARAC").check()
    page.get_by_role("button", name="Save triage").click()
    expect(page.get_by_text("Potential escalation: 3 or more incidents in 12 months")).to_be_visible()
    visit("case with escalation flag")

    page.context.clear_cookies()
    page.goto(f"{live_server}/requests/{case_id}")
    sign_in(page, visit, "ivy.inspector", ivy)
    expect(page.get_by_role("link", name="Record an urgent disclosure")).to_be_visible()
    visit("case for the inspector")
    page.get_by_role("link", name="Record an urgent disclosure").click()
    expect(page.get_by_role("heading", name="Urgent disclosure for immediate protection")).to_be_visible()
    visit("urgent disclosure form")
    page.get_by_role("group", name="Who was told?").get_by_label("PersonAtRisk Example", exact=False).check()
    page.get_by_label("What was said").fill("He was convicted in 2019 of assaulting a former partner.")
    page.get_by_label("Why it could not wait for the panel").fill("He is on his way to her address.")
    said = datetime.now(UK) - timedelta(minutes=5)
    _fill_date(page, "When it was said", str(said.day), str(said.month), str(said.year))
    page.get_by_label("Time it was said").fill(f"{said:%H:%M}")
    page.get_by_role("group", name="Was the confidentiality warning given?").get_by_label("Yes").check()
    page.get_by_role("button", name="Record the urgent disclosure").click()
    expect(page.get_by_text("Awaiting the panel's ratification")).to_be_visible()
    visit("case with urgent disclosure")


def test_an_administrator_adds_a_clock_policy_version(
    page: Page, visit: Visit, live_server: str, live_sessions: sessionmaker[Session], live_settings: Settings
) -> None:
    ada = make_live_user(live_sessions, live_settings, "ada.clocks", "Ada Clocks", "administrator")
    page.goto(f"{live_server}/admin/clocks")
    sign_in(page, visit, "ada.clocks", ada)
    expect(page.get_by_role("heading", name="Clocks")).to_be_visible()
    visit("clock settings")
    page.get_by_role("link", name="Add a new Sarah's Law (CSODS) version").click()
    visit("new clock policy form")
    page.get_by_label("Guidance", exact=True).fill("CSODS police guidance, revised")
    page.get_by_label("Citation").fill("Home Office, CSODS police guidance (revised)")
    starts = uk_today() + timedelta(days=30)
    _fill_date(page, "Date it takes effect", str(starts.day), str(starts.month), str(starts.year))
    page.get_by_label("Whole process, in days", exact=True).fill("21")
    page.get_by_role("button", name="Save the new version").click()
    expect(page.get_by_text("New clock policy saved")).to_be_visible()
    visit("clock settings with the new version")
