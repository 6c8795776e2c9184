"""Browser journey for subject access [issue 19]: an information rights officer finds the requester's record,
opens the request (first without saying how it came: refused at the field, the choice kept), withholds the
case that would reveal someone else, discloses the rest in one step, and exports the bundle; the PDF inside
is turned into a picture to look at."""

from __future__ import annotations

import io
import subprocess
import uuid
import zipfile
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from disclosure.clocks import uk_date
from disclosure.config import Settings
from disclosure.db import unit_of_work, utcnow
from disclosure.research import service as research
from e2e.conftest import (
    SCREENSHOTS,
    Visit,
    error_summary,
    live_principal,
    make_live_user,
    navigation,
    sign_in,
)
from tests.research.builders import case_in_research, evidence_values, subject_id


def test_an_officer_answers_a_subject_access_request(
    page: Page, visit: Visit, live_server: str, live_sessions: sessionmaker[Session], live_settings: Settings
) -> None:
    iris = make_live_user(live_sessions, live_settings, "iris.rights", "Iris Rights", "information_rights")
    make_live_user(live_sessions, live_settings, "sol.intake", "Sol Intake", "data_administrator")
    make_live_user(live_sessions, live_settings, "rex.checks", "Rex Checks", "researcher")
    with unit_of_work(live_sessions) as session:
        researcher = live_principal(session, "rex.checks")
        case = case_in_research(session, live_principal(session, "sol.intake"), researcher)
        research.record_evidence(session, researcher, case.id, evidence_values(case))
        person_id = uuid.UUID(subject_id(case))

    page.goto(f"{live_server}/")
    sign_in(page, visit, "iris.rights", iris)
    visit("home")
    navigation(page).get_by_role("link", name="Subject access").click()
    expect(page.get_by_role("heading", name="Subject access requests")).to_be_visible()
    visit("requests")
    page.get_by_role("link", name="Start a subject access request").click()
    visit("find the record")
    page.get_by_label("Given names").fill("Subject")
    page.get_by_label("Family name").fill("Example")
    page.get_by_role("button", name="Find the record").click()
    expect(page.get_by_role("heading", name="Records that may be theirs")).to_be_visible()
    visit("records found")
    page.locator(f'input[name="person_id"][value="{person_id}"]').check()
    page.get_by_role("button", name="Open the request and gather the records").click()
    assert error_summary(page) == [
        "Enter the date received",
        "Enter how the request came and how identity was verified",
    ]
    expect(page.locator(f'input[name="person_id"][value="{person_id}"]')).to_be_checked()
    visit("open refused")
    today = uk_date(utcnow())
    received = page.get_by_role("group", name="When was the request received?")
    received.get_by_label("Day").fill(str(today.day))
    received.get_by_label("Month").fill(str(today.month))
    received.get_by_label("Year").fill(str(today.year))
    page.get_by_label("How it came, and how identity was verified").fill("Letter with a copy of a passport")
    page.get_by_role("button", name="Open the request and gather the records").click()
    expect(page.get_by_text("items found to decide")).to_be_visible()
    visit("request opened")

    page.get_by_role("link", name=f"Case {case.reference}").click()
    expect(page.get_by_text("To consider: s.45(4)(e)")).to_be_visible()
    visit("the case to consider")
    page.get_by_label("Withhold").check()
    page.get_by_label("Restriction relied on (section 45(4))").select_option("others")
    page.get_by_label("Your reasoning").fill("Disclosing the case would reveal who asked for it")
    page.get_by_role("button", name="Save and go to the next item").click()
    expect(page.get_by_text("Item 2: withhold")).to_be_visible()
    visit("next item")
    page.get_by_label("Disclose in full").check()
    page.get_by_role("button", name="Save and go to the next item").click()
    visit("after the finding")
    page.get_by_role("link", name="Back to the request").click()
    visit("back at the request")
    page.get_by_role("button", name="Disclose the").click()
    expect(page.get_by_text("to be disclosed in full")).to_be_visible()
    visit("all decided")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export the bundle").click()
    bundle = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    pdf = SCREENSHOTS / "subject-access-bundle.pdf"
    pdf.write_bytes(bundle.read("for-the-data-subject/information-held.pdf"))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(pdf), str(pdf.with_suffix(""))], check=True
    )
    page.reload()
    expect(page.get_by_text("Exported")).to_be_visible()
    visit("exported")
