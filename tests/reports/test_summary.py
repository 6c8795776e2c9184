"""The performance summary: its charts hold the same figures as the returns and timeliness, draw as
accessible SVG with their tables, and print on one PDF page whose download is recorded [issue 18]."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session
from time_machine import TimeMachineFixture

from disclosure.audit import AuditEvent
from disclosure.db import utcnow
from disclosure.reports import charts, summary
from disclosure.reports.periods import FinancialYear
from disclosure.requests import service as requests
from tests.builders import sign_in_as
from tests.decisions.conftest import Cast, make_cast
from tests.pages import PageClient
from tests.reports.builders import YEAR, decided_case, deliver, uk
from tests.requests.builders import make_request

Y = FinancialYear(YEAR)


@pytest.fixture
def cast(db: Session) -> Cast:
    return make_cast(db)


@pytest.fixture
def year_of_cases(db: Session, cast: Cast, time_machine: TimeMachineFixture) -> None:
    """May: a Right to Ask disclosed in 10 days. June: a Right to Know decided not to disclose, told in 40
    days. July: a Right to Ask withdrawn, first contacted at 00:30 BST on 1 July (still 30 June by UTC).
    February: a Sarah's Law application still open."""
    clock, today = time_machine, utcnow()
    quick = decided_case(db, cast, clock, "right_to_ask", uk(YEAR, 5, 1))
    deliver(db, cast, clock, quick, uk(YEAR, 5, 11, 10))
    slow = decided_case(db, cast, clock, "right_to_know", uk(YEAR, 6, 1), "no_disclosure")
    deliver(db, cast, clock, slow, uk(YEAR, 7, 11, 10))
    clock.move_to(uk(YEAR, 7, 1, 10), tick=True)
    gone = make_request(db, cast.clerk, first_contact_at=uk(YEAR, 7, 1, 0, 30))
    requests.withdraw(db, cast.clerk, gone.id, {"reason": "No longer wishes to proceed"})
    clock.move_to(uk(YEAR + 1, 2, 1, 10), tick=True)
    make_request(db, cast.clerk, route="csods_application", first_contact_at=uk(YEAR + 1, 2, 1))
    clock.move_to(today, tick=True)


def test_the_charts_hold_the_figures_of_the_year(db: Session, cast: Cast, year_of_cases: None) -> None:
    found = summary.summary(db, cast.clerk, Y)
    assert dict(found.headlines) == {
        "Right to Ask applications": 2,
        "Right to Know applications": 1,
        "Clare's Law disclosures": 1,
        "Sarah's Law applications": 1,
        "Sarah's Law disclosures": 0,
        "Outcomes delivered within 28 days": 1,
        "Outcomes delivered after 28 days": 1,
    }
    by = {chart.key: chart for chart in found.charts}
    months = by["by-month"]
    assert months.series == ["Clare's Law (DVDS)", "Sarah's Law (CSODS)"]
    assert months.values[0][:4] == [0, 1, 1, 1] and months.values[1][10] == 1  # May, June, July; February
    outcomes = by["outcomes"]
    rta = outcomes.categories.index("Right to Ask")
    assert [row[rta] for row in outcomes.values] == [1, 0, 1, 0, 0]  # disclosed, withdrawn
    assert [row[outcomes.categories.index("Right to Know")] for row in outcomes.values] == [0, 1, 0, 0, 0]
    assert [row[outcomes.categories.index("Sarah's Law application")] for row in outcomes.values] == [
        0,
        0,
        0,
        0,
        1,
    ]
    bands = by["bands"]
    assert [row[bands.categories.index("Right to Know")] for row in bands.values] == [0, 0, 1]
    assert by["stages"].series == ["Median days"] and "Decision to delivery" in by["stages"].categories


def test_a_chart_is_an_image_named_and_described_with_every_text_escaped() -> None:
    chart = charts.Chart(
        "x", "Cases <b>", "Described & explained", ["<script>", "B"], ["One", "Two"], [[3, 0], [1, 2]]
    )
    for drawn in (charts.columns(chart), charts.stacked_bars(chart)):
        assert 'role="img" aria-labelledby="x-title x-desc"' in drawn
        assert '<title id="x-title">Cases &lt;b&gt;</title>' in drawn
        assert "Described &amp; explained" in drawn and "&lt;script&gt;" in drawn and "<script>" not in drawn
    assert charts._nice_ceiling(0) == (1.0, 1.0) and charts._nice_ceiling(37) == (40, 10)
    assert charts._nice_ceiling(1) == (1.0, 0.5) and charts._nice_ceiling(1, whole=True) == (1, 1)


def test_the_page_and_the_one_page_pdf(
    db: Session, cast: Cast, year_of_cases: None, client: PageClient
) -> None:
    sign_in_as(db, client, cast.clerk)
    page = client.get(f"/reports/summary/{Y.slug}")
    assert page.status_code == 200
    assert (
        page.text.count('role="img"') == 4 and "Requests by month of first contact: the figures" in page.text
    )
    assert (
        client.get("/reports/summary", follow_redirects=False)
        .headers["location"]
        .startswith("/reports/summary/")
    )
    pdf = client.get(f"/reports/summary/{Y.slug}.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    text = " ".join(reader.pages[0].extract_text().split())
    assert (
        len(reader.pages) == 1 and "OFFICIAL-SENSITIVE" in text and f"Performance summary: {Y.label}" in text
    )
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "reports.summary_pdf")).all()
    assert len(events) == 1
    assert client.get("/reports/summary/2025-27.pdf").status_code == 404
