"""The returns' pages, export and API: figures with their definitions, the records behind a figure within
need to know, an audited export, and refusals at the field [issue 18]."""

from __future__ import annotations

import csv
import io
import json

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session
from time_machine import TimeMachineFixture

from disclosure.accounts import service as accounts
from disclosure.accounts.roles import Role
from disclosure.audit import AuditEvent
from disclosure.db import utcnow
from disclosure.reports.periods import FinancialYear
from tests.builders import make_user, principal_for, sign_in_as
from tests.missing.builders import episode_values, person
from tests.pages import PageClient
from tests.reports.builders import YEAR, uk
from tests.requests.builders import make_request

SLUG = FinancialYear(YEAR).slug


def _two_teams(db: Session, clock: TimeMachineFixture):  # type: ignore[no-untyped-def]
    """Two data administrators, each with a Right to Ask case of the year on their own team, and a missing
    episode of the year."""
    today = utcnow()
    mine = principal_for(make_user(db, Role.DATA_ADMINISTRATOR, username="dana.mash").user)
    theirs = principal_for(make_user(db, Role.DATA_ADMINISTRATOR, username="eve.other").user)
    clock.move_to(uk(YEAR, 6, 1, 12), tick=True)
    own = make_request(db, mine, first_contact_at=uk(YEAR, 6, 1, 9))
    other = make_request(db, theirs, first_contact_at=uk(YEAR, 6, 1, 10))
    child = person(db, mine, "Jamie", "Rivers", born=f"{YEAR - 10}-01-01")
    from disclosure.missing import service as missing

    missing.record_episode(db, mine, child.id, episode_values(hours_ago=2, police_reference="MP/1"))
    clock.move_to(today, tick=True)
    return mine, own, other


def test_the_returns_page_shows_each_figure_with_its_definition_and_lists_only_cases_on_the_team(
    db: Session, client: PageClient, time_machine: TimeMachineFixture
) -> None:
    mine, own, other = _two_teams(db, time_machine)
    sign_in_as(db, client, mine)
    chosen = client.get(f"/reports?year={SLUG}", follow_redirects=False)
    assert chosen.status_code in (302, 303) and chosen.headers["location"] == f"/reports/returns/{SLUG}"
    page = client.get(f"/reports/returns/{SLUG}")
    assert page.status_code == 200
    assert "Right to Ask applications whose first contact with the police fell in the year" in page.text
    assert f'href="/reports/returns/{SLUG}/dvds/rta-applications"' in page.text
    behind = client.get(f"/reports/returns/{SLUG}/dvds/rta-applications")
    assert behind.status_code == 200
    assert own.reference in behind.text and other.reference not in behind.text
    assert "2 cases in this figure; you may open 1 of them here" in behind.text
    episodes = client.get(f"/reports/returns/{SLUG}/missing/episodes")
    assert episodes.status_code == 200 and "MP/1" in episodes.text and "Jamie" in episodes.text
    assert client.get(f"/reports/returns/{SLUG}/dvds/no-such-figure").status_code == 404
    assert client.get("/reports/returns/2025-27").status_code == 404
    assert client.get("/reports/returns/1999-00").status_code == 404


def test_a_researcher_sees_the_missing_figures_but_not_the_people_behind_them(
    db: Session, client: PageClient, time_machine: TimeMachineFixture
) -> None:
    _two_teams(db, time_machine)
    researcher = principal_for(make_user(db, Role.RESEARCHER, username="rory.research").user)
    sign_in_as(db, client, researcher)
    page = client.get(f"/reports/returns/{SLUG}")
    assert page.status_code == 200 and f"/reports/returns/{SLUG}/missing/episodes" not in page.text
    assert client.get(f"/reports/returns/{SLUG}/missing/episodes").status_code == 403
    for role in (Role.AUDITOR, Role.ADMINISTRATOR, Role.PARTNER):
        client.cookies.clear()
        outsider = principal_for(make_user(db, role, username=f"x.{role.value}").user)
        sign_in_as(db, client, outsider)
        assert client.get(f"/reports/returns/{SLUG}").status_code == 403, role


def test_the_export_needs_a_reason_and_is_audited_in_both_formats(
    db: Session, client: PageClient, time_machine: TimeMachineFixture
) -> None:
    mine, _, _ = _two_teams(db, time_machine)
    sign_in_as(db, client, mine)
    refused = client.submit(f"/reports/returns/{SLUG}/export", {"format": "csv", "reason": ""})
    assert refused.status_code == 400 and 'href="#reason"' in refused.text
    reason = "Home Office annual data return"
    as_csv = client.submit(f"/reports/returns/{SLUG}/export", {"format": "csv", "reason": reason})
    assert as_csv.status_code == 200
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0] == ["Return", "Year", "Figure", "Part of", "Value", "How it is counted"]
    by_figure = {(row[0], row[2]): row[4] for row in rows[1:]}
    dvds = "Clare's Law (Domestic Violence Disclosure Scheme)"
    assert by_figure[(dvds, "Right to Ask applications")] == "2"
    assert by_figure[("Missing people", "Missing episodes")] == "1"
    as_xlsx = client.submit(f"/reports/returns/{SLUG}/export", {"format": "xlsx", "reason": reason})
    book = load_workbook(io.BytesIO(as_xlsx.content))
    assert book.sheetnames == ["Returns", "Corrections after the year"]
    assert book["Returns"]["E2"].value == 2
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "reports.export")).all()
    assert [e.justification for e in events] == [reason, reason]
    assert {json.loads(e.details)["format"] for e in events} == {"csv", "xlsx"}


def test_the_api_answers_the_same_figures_and_refuses_an_unknown_year(
    db: Session, client: PageClient, time_machine: TimeMachineFixture
) -> None:
    mine, _, _ = _two_teams(db, time_machine)
    admin = principal_for(make_user(db, Role.ADMINISTRATOR).user)
    client.headers["Authorization"] = f"Bearer {accounts.issue_api_token(db, admin, mine.user_id, 'returns')}"
    answer = client.get(f"/api/v1/returns/{SLUG}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["year"] == SLUG and body["over"] is True
    dvds = next(r for r in body["returns"] if r["key"] == "dvds")
    figure = next(f for f in dvds["figures"] if f["key"] == "rta-applications")
    assert figure["value"] == 2 and figure["definition"].startswith("Right to Ask applications")
    missing = client.get("/api/v1/returns/2025-2026")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
