"""Browser journey for the returns [issue 18]: a MASH data administrator opens Reports (the last year that
has ended), chooses the current year, opens the cases behind a figure, and exports the returns, first
without a reason (refused at the field, nothing lost) and then with one; then reads the timeliness tables,
narrowed to a route (a route of the other scheme is refused at the field), and the workload dashboard,
whose figures open the work queue filtered to them; and the performance summary's charts and its one-page
PDF."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlalchemy.orm import Session, sessionmaker

from disclosure.config import Settings
from disclosure.db import unit_of_work, utcnow
from disclosure.reports.periods import containing
from e2e.conftest import Visit, error_summary, live_principal, make_live_user, navigation, sign_in
from tests.requests.builders import make_request


def test_a_coordinator_reads_the_returns_opens_a_figure_and_exports_them(
    page: Page, visit: Visit, live_server: str, live_sessions: sessionmaker[Session], live_settings: Settings
) -> None:
    rhea = make_live_user(live_sessions, live_settings, "rhea.returns", "Rhea Returns", "data_administrator")
    year, now = containing(), utcnow()
    # First contact earlier today, within this financial year even in its first hours.
    contact = now - min(timedelta(hours=2), (now - year.begins) / 2)
    with unit_of_work(live_sessions) as session:
        case = make_request(session, live_principal(session, "rhea.returns"), first_contact_at=contact)
        reference = case.reference

    page.goto(f"{live_server}/")
    sign_in(page, visit, "rhea.returns", rhea)
    expect(navigation(page).get_by_role("link", name="Reports")).to_be_visible()
    visit("home")
    navigation(page).get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name=f"Returns for April {year.start - 1}")).to_be_visible()
    visit("last year's returns")
    page.get_by_label("Financial year (1 April to 31 March)").select_option(year.slug)
    page.get_by_role("button", name="Show this year").click()
    expect(page.get_by_role("heading", name=f"Returns for {year.label}")).to_be_visible()
    expect(page.get_by_text("This year has not ended: its figures so far.")).to_be_visible()
    visit("this year's returns")
    page.get_by_role("link", name="Right to Ask applications: the records").click()
    expect(page.get_by_role("heading", name="Right to Ask applications")).to_be_visible()
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    visit("the cases behind a figure")
    page.get_by_role("link", name=f"Back to the returns for {year.label}").click()
    visit("returns again")

    page.get_by_label("CSV").check()
    page.get_by_role("button", name="Download the returns").click()
    assert error_summary(page) == ["Enter why you are exporting the returns"]
    expect(page.get_by_label("CSV")).to_be_checked()
    visit("export refused")
    page.get_by_label("Why are you exporting the returns?").fill("Monthly performance meeting")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the returns").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    by_figure = {row[2]: row[4] for row in rows[1:] if row[0].startswith("Clare's Law")}
    assert int(by_figure["Right to Ask applications"]) >= 1

    page.get_by_role("navigation", name="Reports").get_by_role("link", name="Timeliness").click()
    expect(page.get_by_role("heading", name="Timeliness", exact=True)).to_be_visible()
    visit("timeliness")
    page.get_by_label("Route").select_option("right_to_know")
    page.get_by_label("Scheme").select_option("csods")
    page.get_by_role("button", name="Show timeliness").click()
    assert error_summary(page) == [
        "Right to Know is not a Sarah's Law (CSODS) route: choose another or every route"
    ]
    visit("timeliness refused")
    page.get_by_label("Scheme").select_option("dvds")
    page.get_by_label("Route").select_option("")
    page.get_by_role("button", name="Show timeliness").click()
    expect(page.get_by_role("rowheader", name="Logged")).to_be_visible()  # the case logged today waits
    visit("timeliness of Clare's Law")

    page.get_by_role("navigation", name="Reports").get_by_role("link", name="Workload now").click()
    expect(page.get_by_role("heading", name="Workload now")).to_be_visible()
    logged = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Logged"))
    # Other journeys share the database: at least the case logged here is due within 7 days.
    due_soon = logged.get_by_role("link", name="logged, due within 7 days")
    expect(due_soon).to_have_text(re.compile(r"^[1-9][0-9,]* logged, due within 7 days"))
    visit("workload")
    page.get_by_role("link", name=re.compile(r"^1 led by Rhea Returns$")).click()
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    visit("the work queue behind a figure")

    navigation(page).get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name=f"Returns for April {year.start - 1}")).to_be_visible()
    visit("reports again")
    page.get_by_role("navigation", name="Reports").get_by_role("link", name="Performance summary").click()
    expect(page.get_by_role("heading", name=f"Performance summary: April {year.start - 1}")).to_be_visible()
    visit("last year's summary")
    page.get_by_label("Financial year (1 April to 31 March)").select_option(year.slug)
    page.get_by_role("button", name="Show this year").click()
    expect(page.get_by_role("img", name="Requests by month of first contact")).to_be_visible()
    visit("this year's summary")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this summary as a one-page PDF").click()
    pdf = Path(download.value.path()).read_bytes()
    (Path(__file__).parent / "screenshots" / "performance-summary.pdf").write_bytes(pdf)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
