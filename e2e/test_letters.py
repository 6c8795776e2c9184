"""Browser journey for letters and delivery [issue 6]: after signed decisions, an officer led from her home
page (and her email) to each case's letters previews, generates and downloads every kind of letter (PDF and
Word), then records the disclosure, the case's clock completing, corrects where it happened (the old value
in the delivery's history) and finds the case again by its reference. Every PDF is read with a PDF reader
and every Word file with python-docx."""

from __future__ import annotations

import io
import re
from pathlib import Path

from docx import Document
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from disclosure.config import Settings
from disclosure.db import unit_of_work
from disclosure.decisions import service as decisions
from disclosure.force import service as force
from disclosure.requests import service as requests_service
from disclosure.requests.models import DisclosureRequest
from disclosure.research import service as research
from e2e.conftest import (
    Visit,
    error_summary,
    home_task,
    live_principal,
    make_live_user,
    navigation,
    saved_with_history,
    search,
    sign_in,
    waiting_email,
)
from tests.decisions.builders import all_present, disclose_values, no_disclosure_values, panel_with
from tests.research.builders import agency, case_in_research, ready_to_submit, subject_id

SCREENSHOTS = Path(__file__).parent / "screenshots"
TO_DELIVER = "Disclosures and outcomes to deliver"
SAFE_ADDRESS = "c/o Testtown Women's Centre\n5 Safe Street\nTesttown TE9 9ZZ"


def _decided(factory: sessionmaker[Session], outcome: str) -> str:
    """A Right to Ask from a third party, researched (with a partner request closed unanswered), put to a
    panel and decided; its reference."""
    with unit_of_work(factory) as session:
        clerk, researcher, reviewer, chair, member, officer = (
            live_principal(session, name)
            for name in (
                "lou.intake",
                "lee.research",
                "liv.review",
                "lara.chair",
                "leon.probation",
                "lyn.officer",
            )
        )
        case = case_in_research(session, clerk, researcher, route="right_to_ask")
        case.applicant_type = "third_party"
        applicant = next(p for p in case.parties if p.role == "applicant")
        applicant.safe_channels, applicant.safe_address = "phone,post", SAFE_ADDRESS
        sent = research.send_partner_request(
            session,
            researcher,
            case.id,
            {
                "agency_id": str(agency(session).id),
                "asked": "Any supervision since 2020?",
                "person_ids": [subject_id(case)],
            },
        )
        research.close_without_answer(
            session, researcher, case.id, sent.id, {"reason": "Probation confirmed by phone: no record."}
        )
        ready_to_submit(session, researcher, reviewer, case)
        research.submit(
            session, researcher, case.id, {"version": str(research.package_for(session, case).version)}
        )
        meeting, [item] = panel_with(session, clerk, chair, [(member, "probation")], case)
        decisions.record_attendance(session, clerk, meeting.id, item.id, all_present(meeting))
        agencies = decisions.quorum(session, item).agencies
        form = (
            disclose_values(session, case, officer, agencies, subject_told="yes")
            if outcome == "disclose"
            else no_disclosure_values(session, agencies)
        )
        decisions.record_decision(session, member, meeting.id, item.id, form)
        decisions.sign(session, chair, meeting.id, item.id, {})
        if outcome != "disclose":  # the unit hands the outcome to the officer, who leads the case now
            requests_service.assign(session, clerk, case.id, {"assignee_id": str(officer.user_id)})
        return case.reference


def _name_the_force(factory: sessionmaker[Session]) -> None:
    """Letters are made only once the force's name is set: set it, with the unit's telephone number, unless
    an earlier journey did."""
    with unit_of_work(factory) as session:
        if not force.name_of(force.current_profile(session)):
            admin = live_principal(session, "lex.settings")
            force.update_profile(
                session,
                admin,
                {
                    "name": "Testshire Police",
                    "nation": "england",
                    "address": "1 Station Road\nTesttown",
                    "phone": "0300 123 4567",
                    "email": "",
                },
            )


def _check_files(page: Page, reference: str, title: str, version: int = 1) -> str:
    texts = []
    for form in ("PDF", "Word"):
        row = page.get_by_role("row").filter(has_text=title).filter(has_text=f"{version}")
        with page.expect_download() as download:
            row.get_by_role("link", name=form).first.click()
        data = Path(download.value.path()).read_bytes()
        if form == "PDF":
            pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]
            assert all(p.count("OFFICIAL-SENSITIVE") >= 2 for p in pages), (
                title
            )  # the partner letter says it too
            text = " ".join(pages)
            slug = title.split(":", maxsplit=1)[0].lower().replace(" ", "-").replace(":", "")
            (SCREENSHOTS / f"letter-{slug}.pdf").write_bytes(data)
        else:
            word = Document(io.BytesIO(data))
            assert word.sections[0].header.paragraphs[0].text == f"\tOFFICIAL-SENSITIVE\t{reference}"
            letterhead = word.tables[0].rows[0].cells[1].text  # the reference and date, as on the PDF
            text = "\n".join([letterhead, *(p.text for p in word.paragraphs)])
        assert reference in text and "{{" not in text and "{%" not in text, (title, text[:3000])
        texts.append(text)
    return texts[0]


def test_an_officer_generates_every_letter_and_records_the_disclosure(
    page: Page, visit: Visit, live_server: str, live_sessions: sessionmaker[Session], live_settings: Settings
) -> None:
    for username, name, role in (
        ("lou.intake", "Lou Intake", "data_administrator"),
        ("lee.research", "Lee Research", "researcher"),
        ("liv.review", "Liv Review", "researcher"),
        ("lara.chair", "Lara Chair", "panel_chair"),
        ("leon.probation", "Leon Probation", "panel_member"),
        ("lex.settings", "Lex Settings", "administrator"),
    ):
        make_live_user(live_sessions, live_settings, username, name, role)
    lyn = make_live_user(live_sessions, live_settings, "lyn.officer", "Lyn Officer", "disclosing_officer")
    _name_the_force(live_sessions)
    disclosed, refused = _decided(live_sessions, "disclose"), _decided(live_sessions, "no_disclosure")

    page.goto(live_server)
    sign_in(page, visit, "lyn.officer", lyn)
    email = waiting_email(live_sessions, "lyn.officer")
    assert f"{TO_DELIVER}: 2" in email and disclosed not in email
    for reference, letters in (
        (
            disclosed,
            [
                "Disclosure record and script",
                "Confidentiality undertaking",
                "Subject notification letter",
                "Outcome letter to a third-party applicant",
                "Partner agency information request: Probation Service",
            ],
        ),
        (refused, ["Outcome letter: no disclosure", "Outcome letter to a third-party applicant"]),
    ):
        if reference == refused:
            navigation(page).get_by_role("link", name=re.compile(r"^Home")).click()
        to_deliver = home_task(page, TO_DELIVER)
        visit(f"home page: {reference} to deliver")
        to_deliver.get_by_role("link", name=reference).click()
        expect(page.get_by_role("heading", name=f"Letters for {reference}")).to_be_visible()
        visit(f"{reference} letters")
        # The first letter is read before anything is made; the partner request follows research, so it is
        # made on its own; every letter the decision calls for is made in one step.
        first, *_ = letters
        page.get_by_role("link", name=f"Preview {first}").click()
        expect(page.get_by_text(f"{reference} · preview")).to_be_visible()
        visit(f"preview {first}")
        page.go_back()
        partner = [t for t in letters if t.startswith("Partner agency")]
        for title in partner:
            page.get_by_role("button", name=f"Generate PDF and Word for {title}").click()
            expect(page.get_by_text(f"{title}: version 1 ready")).to_be_visible()
            visit(f"{title} generated")
        page.get_by_role("button", name="Generate every letter for the decision").click()
        decided_letters = [t for t in letters if t not in partner]
        expect(page.get_by_text(f"{len(decided_letters)} letters ready")).to_be_visible()
        visit(f"{reference} every letter generated")
        for title in letters:
            text = _check_files(page, reference, title)
            if reference == disclosed:  # signed by the disclosing officer, with the unit's number
                assert "Lyn Officer" in text or title.startswith("Outcome letter to a third-party"), title
            if title == "Outcome letter to a third-party applicant":
                assert "convicted" not in text
            if title.startswith("Outcome letter"):  # posted: to the safe address the applicant gave
                assert "5 Safe Street" in text, title
        if reference == disclosed:
            page.get_by_role("link", name="Record the disclosure").click()
            visit("delivery form")
            # When it happened starts at now: recorded straight after the meeting.
            page.get_by_label("Where?").fill("Leeds Central police station")
            page.get_by_role("group", name="Was the recipient's identity re-confirmed?").get_by_label(
                "Yes"
            ).check()
            page.get_by_role("group", name="Was the confidentiality warning given?").get_by_label(
                "Yes"
            ).check()
            page.get_by_role("group", name="How did they acknowledge the warning?").get_by_label(
                "Signed undertaking"
            ).check()
            page.get_by_label("The signed undertaking").select_option(
                label="Confidentiality undertaking, version 1"
            )
            page.get_by_role("group", name="Was the safety plan agreed?").get_by_label("Yes").check()
            page.get_by_label("Support services signposted").fill(
                "IDVA service; National Domestic Abuse Helpline"
            )
            page.get_by_label("How the recipient reacted").fill("Upset, then relieved.")
            # The panel decided the subject is told; not yet, so the officer says why, with the chair.
            page.get_by_role("group", name="Has the subject been told?").get_by_label("No").check()
            page.get_by_role("button", name="Record the delivery").click()
            assert "Enter why this differs from the panel's decision to tell the subject" in error_summary(
                page
            )
            visit("subject not yet told")
            page.get_by_label("If this differs from the panel's decision: why").fill(
                "He is in custody until Friday; he will be told on release."
            )
            page.get_by_role("group", name="If it differs: did the panel's chair agree?").get_by_label(
                "Yes"
            ).check()
            page.get_by_role("button", name="Record the delivery").click()
            expect(page.get_by_text("Delivery recorded. The request's clock is complete.")).to_be_visible()
            visit("disclosure recorded")
            # It was the Millgarth station, not Central: corrected, the old value kept.
            page.get_by_role("link", name="Letters and delivery").click()
            visit("letters with the delivery")
            page.get_by_role("link", name="Correct the delivery record").click()
            visit("delivery correction form")
            page.get_by_label("Where?").fill("Leeds Millgarth police station")
            saved_with_history(
                page,
                "Met at Millgarth: Central was closed",
                "Leeds Central police station",
                "Leeds Millgarth police station",
            )
            visit("delivery corrected")
    with unit_of_work(live_sessions) as session:
        statuses = {
            c.reference: c.status
            for c in session.scalars(
                select(DisclosureRequest).where(DisclosureRequest.reference.in_([disclosed, refused]))
            )
        }
    assert statuses == {disclosed: "outcome_delivered", refused: "outcome_to_communicate"}

    search(page, visit, disclosed)
    found = page.get_by_role("table", name="Cases (1)").get_by_role("row").filter(has_text=disclosed)
    expect(found).to_contain_text("Disclosure delivered or outcome communicated")
    visit("the delivered case found by its reference")
