"""Research journey: a researcher finds the case handed to her on her home page (and in her email), takes it
through the police checks, asks probation, whose partner user is led to the request from his home page and
answers in the service (seeing nothing else of the case), records evidence with an attachment (a hostile
file is refused at the field), writes the summary, sends it for review, finds the subject by a misspelt name
and corrects his date of birth (the old value in his record's history); the second researcher is led from
her home page to the review, approves and submits it and downloads the panel pack, whose every page carries
the marking and whose text has the facts."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from disclosure.accounts.models import User
from disclosure.agencies.models import Agency, AgencyMember
from disclosure.auth import Principal
from disclosure.config import Settings
from disclosure.db import unit_of_work, utcnow
from disclosure.people import service as people
from disclosure.requests import service as requests_service
from disclosure.research.models import CheckType
from e2e.conftest import (
    Visit,
    error_summary,
    home_task,
    live_principal,
    make_live_user,
    navigation,
    reflows_at_320_pixels,
    saved_with_history,
    search,
    sign_in,
    waiting_email,
)
from tests import samples


def probation_id(session: Session) -> object:
    agency = session.scalar(select(Agency).where(Agency.code == "probation"))
    assert agency is not None
    return agency.id


FACT = "Convicted in 2019 of assaulting a former partner (ABH), sentenced to 18 months."


def _person(
    session: Session, actor: Principal, given: str, family: str, born: tuple[int, int, int]
) -> object:
    values = {
        "given_names": given,
        "family_name": family,
        "date_of_birth-day": str(born[0]),
        "date_of_birth-month": str(born[1]),
        "date_of_birth-year": str(born[2]),
        "postcode": "LS1 4AB",
    }
    return people.create_person(session, actor, people.details_from_form(values))


def _case_in_research(factory: sessionmaker[Session]) -> tuple[str, str]:
    """A Right to Know case logged, triaged and handed to the researcher (the requests journey covers those
    pages); its id and reference."""
    with unit_of_work(factory) as session:
        clerk, rory = live_principal(session, "dana.research"), live_principal(session, "rowan.research")
        local = utcnow() - timedelta(hours=5)
        case = requests_service.log_request(
            session,
            clerk,
            {
                "route": "right_to_know",
                "first_contact": local.isoformat(),
                "channel": "partner_referral",
                "receiving_force": "Testshire Police",
                "information_received": "IDVA referral: controlling behaviour by a new partner",
                "alleged_crime": "no",
            },
        )
        at_risk = _person(session, clerk, "Alice", "Brown", (2, 2, 1992))
        subject = _person(session, clerk, "Mark", "Stone", (9, 9, 1984))
        requests_service.add_party(session, clerk, case.id, at_risk.id, {"role": "person_at_risk"})  # type: ignore[attr-defined]
        requests_service.add_party(session, clerk, case.id, subject.id, {"role": "subject"})  # type: ignore[attr-defined]
        requests_service.record_triage(
            session, clerk, case.id, {"immediate_risk": "no", "dash_done": "no", "rag": "amber"}
        )
        requests_service.complete_initial_checks(session, clerk, case.id)
        requests_service.assign(session, clerk, case.id, {"assignee_id": str(rory.user_id)})
        requests_service.start_research(session, rory, case.id)
        probation = session.scalar(select(Agency).where(Agency.code == "probation"))
        partner = session.scalar(select(User).where(User.username == "pat.probation"))
        assert probation is not None and partner is not None
        session.add(AgencyMember(user_id=partner.id, agency_id=probation.id))
        return str(case.id), case.reference


def _pdf_file(tmp_path: Path) -> Path:
    path = tmp_path / "PNC printout.pdf"
    path.write_bytes(samples.pdf())
    return path


def _sign_out(page: Page, visit: Visit) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    visit("signed out")


def _record_check(page: Page, visit: Visit, name: str) -> None:
    page.get_by_role("link", name=f"Record {name} check").click()
    expect(page.get_by_role("heading", name="Record a check")).to_be_visible()
    visit(f"record {name}")
    _finish_check(page, visit, name)


def _finish_check(page: Page, visit: Visit, name: str) -> None:
    # The check form starts at now: the check is recorded as it is done.
    page.get_by_role("group", name="Result").get_by_label("No trace (nil return)").check()
    page.get_by_role("group", name="Does the owner of the information consent").get_by_label(
        "Not applicable"
    ).check()
    page.get_by_role("button", name="Record the check").click()
    expect(page.get_by_text("Check recorded")).to_be_visible()
    visit(f"{name} recorded")


def test_a_researcher_builds_reviews_submits_and_downloads_a_panel_pack(
    page: Page,
    visit: Visit,
    live_server: str,
    live_sessions: sessionmaker[Session],
    live_settings: Settings,
    tmp_path: Path,
) -> None:
    make_live_user(live_sessions, live_settings, "dana.research", "Dana Clerk", "data_administrator")
    rory = make_live_user(live_sessions, live_settings, "rowan.research", "Rowan Research", "researcher")
    sue = make_live_user(live_sessions, live_settings, "sue.review", "Sue Supervisor", "researcher")
    pat = make_live_user(live_sessions, live_settings, "pat.probation", "Pat Probation", "partner")
    case_id, reference = _case_in_research(live_sessions)
    research_url = f"{live_server}/requests/{case_id}/research"

    # The case waits on her home page, and her email says so without naming anyone.
    page.goto(live_server)
    sign_in(page, visit, "rowan.research", rory)
    to_research = home_task(page, "Cases to research")
    visit("home page: a case to research")
    email = waiting_email(live_sessions, "rowan.research")
    assert "Cases to research:" in email and reference not in email and "Stone" not in email
    to_research.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", name=f"Research for {reference}")).to_be_visible()
    visit("research page, nothing done")

    # A check with an error keeps what was typed and is finished from there; then the other police checks.
    page.get_by_role("link", name="Record Police National Computer (PNC) check").click()
    visit("check form")
    page.get_by_label("Reference in that system (optional)").fill("PNC/26/0042")
    page.get_by_role("button", name="Record the check").click()
    assert "Select the result of the check" in error_summary(page)
    expect(page.get_by_label("Reference in that system (optional)")).to_have_value("PNC/26/0042")
    visit("check errors")
    _finish_check(page, visit, "Police National Computer (PNC)")
    for name in (
        "Police National Database (PND)",
        "ViSOR (violent and sex offender register)",
        "Force intelligence and local systems",
    ):
        _record_check(page, visit, name)

    # Ask probation about the subject.
    page.get_by_role("link", name="Ask Probation", exact=True).click()
    expect(page.get_by_role("heading", name="Ask a partner agency")).to_be_visible()
    visit("ask a partner agency")
    page.get_by_label("Mark Stone (subject)").check()
    page.get_by_label("What are you asking?").fill("Any supervision of Mark Stone, and any concerns?")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Request sent to the partner agency")).to_be_visible()
    visit("partner request sent")
    _sign_out(page, visit)

    # The partner is led from his home page to the request (counted in the navigation), answers in the
    # service and can reach nothing else of the case.
    email = waiting_email(live_sessions, "pat.probation")
    assert "Requests for information to answer:" in email and "Stone" not in email
    page.goto(live_server)
    sign_in(page, visit, "pat.probation", pat)
    to_answer = home_task(page, "Requests for information to answer")
    expect(navigation(page).get_by_role("link", name="Information requests 1 waiting")).to_be_visible()
    visit("partner home page: the request waits")
    to_answer.get_by_role("link", name=re.compile(r"^Sent ")).click()
    expect(page.get_by_text("Any supervision of Mark Stone, and any concerns?")).to_be_visible()
    visit("partner request")
    page.get_by_role("group", name="Does your agency hold information about them?").get_by_label(
        "Information found"
    ).check()
    page.get_by_label("Your answer").fill("Supervised on licence 2019 to 2021; breached once.")
    page.get_by_role("group", name="Do you consent").get_by_label("Consents", exact=True).check()
    page.get_by_role("button", name="Send your answer").click()
    expect(page.get_by_text("your answer has been sent to the police")).to_be_visible()
    visit("partner answer sent")
    expect(page.get_by_role("link", name="To answer (0)")).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name="Answered and closed").click()
    expect(page.get_by_role("table", name="Answered and closed, the newest first")).to_be_visible()
    visit("partner inbox: answered and closed")
    page.goto(research_url)
    expect(page.get_by_role("heading", name="You do not have access to this")).to_be_visible()
    visit("partner refused the case")
    _sign_out(page, visit)

    # Evidence with an attachment; a hostile file is refused at the field.
    page.goto(research_url)
    sign_in(page, visit, "rowan.research", rory)
    expect(page.get_by_text("Supervised on licence 2019 to 2021").first).to_be_visible()
    visit("research with the partner's answer")
    page.get_by_role("link", name="Record an evidence item").click()
    expect(page.get_by_role("heading", name="Record an evidence item")).to_be_visible()
    visit("evidence form")
    page.get_by_role("group", name="Who is it about?").get_by_label("Mark Stone (subject)").check()
    page.get_by_label("The fact or opinion").fill(FACT)
    page.get_by_role("group", name="Is it a fact or an opinion?").get_by_label("Fact").check()
    page.get_by_label("Source system or agency").fill("Police National Computer (PNC)")
    page.get_by_label("Reference in the source (optional)").fill("PNC/19/0001234X")
    page.get_by_role("group", name="Source evaluation").get_by_label("A: Reliable").check()
    page.get_by_role("group", name="Intelligence assessment").get_by_label(
        "1: Known directly to the source"
    ).check()
    page.get_by_role("group", name="Handling code").get_by_label(
        "P: Lawful sharing permitted", exact=True
    ).check()
    page.get_by_role("group", name="Could it be disclosed?").get_by_label("Yes").check()
    page.get_by_role("group", name="If yes: who could it be disclosed to?").get_by_label(
        "Person at risk"
    ).check()
    page.get_by_role("group", name="Has the owning agency consented").get_by_label(
        "Not needed (police information)"
    ).check()
    # The supporting file goes in the same step as its item; a file that is not what it claims is refused.
    hostile = tmp_path / "payload.pdf"
    hostile.write_text("<html><script>alert(1)</script></html>")
    page.get_by_label("Attach a file (optional)").set_input_files(hostile)
    page.get_by_role("button", name="Save the evidence item").click()
    assert any("PDF" in message or "file" in message for message in error_summary(page))
    expect(page.get_by_label("The fact or opinion")).to_have_value(FACT)
    visit("hostile upload refused")
    page.get_by_label("Attach a file (optional)").set_input_files(_pdf_file(tmp_path))
    page.get_by_role("button", name="Save the evidence item").click()
    expect(page.get_by_text("Evidence item and file recorded")).to_be_visible()
    expect(page.get_by_role("link", name="PNC printout.pdf")).to_be_visible()
    visit("evidence with attachment")

    # Summary, then review by a second researcher.
    page.get_by_role("link", name="Write the summary and recommendation").click()
    expect(page.get_by_role("heading", name="Summary and recommendation")).to_be_visible()
    expect(page.get_by_label("Draft of what could be disclosed")).to_have_value(
        f"E1 (to the person at risk): {FACT}"
    )
    page.get_by_label("Research summary").fill("One unspent conviction for violence against a partner.")
    page.get_by_label("Risk analysis").fill(
        "Controlling behaviour reported by the IDVA; serious harm is likely."
    )
    page.get_by_role("group", name="Your recommendation").get_by_label("Disclose", exact=True).check()
    page.get_by_label("Reasons for your recommendation").fill(
        "Lawful, necessary, proportionate; pressing need."
    )
    visit("summary form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Summary and recommendation saved")).to_be_visible()
    visit("summary saved")
    page.get_by_role("link", name="Send for review").click()
    page.get_by_label("Sue Supervisor").check()
    visit("send for review")
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("Package sent for review")).to_be_visible()
    visit("sent for review")

    # The PNC gives the subject a different date of birth: she finds his record by a misspelt name and
    # corrects it, the old value kept in its history.
    search(page, visit, "Marc Ston")
    found = page.get_by_role("table", name=re.compile(r"^People")).get_by_role("link", name="Mark Stone")
    expect(found).to_be_visible()
    visit("search results")
    found.click()
    expect(page.get_by_role("heading", name="Mark Stone")).to_be_visible()
    visit("subject found by search")
    page.get_by_role("link", name="Correct this person's details").click()
    visit("correct the subject's details")
    page.get_by_label("Day").fill("19")
    saved_with_history(page, "PNC record PNC/26/0042 gives the 19th", "9 September 1984", "19 September 1984")
    visit("subject corrected")
    _sign_out(page, visit)

    # The reviewer is led from her home page to the review.
    assert "Evidence packages to review:" in waiting_email(live_sessions, "sue.review")
    page.goto(live_server)
    sign_in(page, visit, "sue.review", sue)
    to_review = home_task(page, "Evidence packages to review")
    visit("reviewer's home page")
    to_review.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", name="Review the package")).to_be_visible()
    visit("review the package")
    page.get_by_label("Your notes").fill("Checked against the PNC printout.")
    page.get_by_role("button", name="Approve for submission").click()
    expect(page.get_by_text("Package approved for submission")).to_be_visible()
    visit("package approved")
    page.get_by_role("button", name="Submit for decision").click()
    expect(page.get_by_text("Version 1 submitted for decision")).to_be_visible()
    visit("package submitted")

    # The panel pack: the facts, and the marking on every page.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the panel pack for version 1 (PDF)").click()
    pdf = Path(download.value.path()).read_bytes()
    (Path(__file__).parent / "screenshots" / "panel-pack.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    texts = [p.extract_text() for p in reader.pages]
    assert len(texts) >= 3
    for number, text in enumerate(texts, start=1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"page {number} lacks the marking"
    whole = " ".join(" ".join(t.split()) for t in texts)
    for expected in (reference, "PNC/19/0001234X", "Supervised on licence 2019 to 2021", "A1 P"):
        assert expected in whole, expected
    assert " ".join(FACT.split()) in whole

    reflows_at_320_pixels(page, visit, [(research_url, f"Research for {reference}")])


def test_an_administrator_sets_response_times_partner_users_and_check_lists(
    page: Page, visit: Visit, live_server: str, live_sessions: sessionmaker[Session], live_settings: Settings
) -> None:
    ada = make_live_user(live_sessions, live_settings, "ada.agencies", "Ada Admin", "administrator")
    make_live_user(live_sessions, live_settings, "hal.housing", "Hal Housing", "partner")

    page.goto(f"{live_server}/admin/agencies")
    sign_in(page, visit, "ada.agencies", ada)
    expect(page.get_by_role("heading", name="Partner agencies")).to_be_visible()
    visit("partner agencies")
    page.get_by_role("link", name="Housing", exact=True).click()
    expect(page.get_by_role("heading", name="Housing", exact=True)).to_be_visible()
    visit("housing agency")

    days = page.get_by_label("Agreed response time, in working days")
    days.fill("0")
    page.get_by_role("button", name="Save the agency").click()
    assert any("response time" in message.lower() for message in error_summary(page))
    expect(days).to_have_value("0")
    visit("agency errors")
    days.fill("7")
    page.get_by_role("button", name="Save the agency").click()
    expect(page.get_by_text("Agency saved")).to_be_visible()
    visit("agency saved")

    page.get_by_label("Add a partner user").select_option(label="Hal Housing (hal.housing)")
    page.get_by_role("button", name="Add to the agency").click()
    expect(page.get_by_text("Hal Housing (hal.housing)")).to_be_visible()
    visit("partner user added")

    page.goto(f"{live_server}/admin/check-lists")
    expect(page.get_by_role("heading", name="Check lists")).to_be_visible()
    visit("check lists")
    page.get_by_label("Required (Probation, Clare's Law (DVDS))").check()
    page.get_by_role("button", name="Save Probation for Clare's Law (DVDS)").click()
    expect(page.get_by_text("Check list saved")).to_be_visible()
    expect(page.get_by_label("Required (Probation, Clare's Law (DVDS))")).to_be_checked()
    visit("check list saved")

    with unit_of_work(live_sessions) as session:
        housing = session.scalar(select(Agency).where(Agency.code == "housing"))
        assert housing is not None and housing.response_working_days == 7
        member = session.scalar(select(AgencyMember).where(AgencyMember.agency_id == housing.id))
        assert member is not None
        # The journeys share one server: the check list goes back as it was, so the cases other journeys
        # build (with the police checks only) are not held up by a Probation check, whatever the order.
        probation = session.scalar(
            select(CheckType).where(CheckType.scheme == "dvds", CheckType.agency_id == probation_id(session))
        )
        assert probation is not None and probation.required
        probation.required = False
