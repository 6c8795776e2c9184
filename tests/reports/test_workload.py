"""The workload dashboard equals answers known before it runs: open cases in each deadline band and by
who leads them, an overdue partner request, a panel coming up, an overdue interview, a repeat-missing child
and an urgent notice nobody acknowledged, each made through the service verbs [issue 18]."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session
from time_machine import TimeMachineFixture

from disclosure.db import utcnow
from disclosure.decisions import service as decisions
from disclosure.missing import service as missing
from disclosure.missing.vocabulary import CareStatus
from disclosure.reports import workload
from disclosure.requests import queue
from disclosure.requests import service as requests
from disclosure.research import service as research
from tests.builders import sign_in_as
from tests.decisions.builders import meeting_values
from tests.decisions.conftest import Cast, make_cast
from tests.missing.builders import episode_values, person, return_values, social_worker
from tests.pages import PageClient
from tests.requests.builders import make_request
from tests.research.builders import agency, case_in_research, subject_id


@pytest.fixture
def cast(db: Session) -> Cast:
    return make_cast(db)


@pytest.fixture
def busy(db: Session, cast: Cast, time_machine: TimeMachineFixture) -> dict[str, object]:
    clock, now, clerk = time_machine, utcnow(), cast.clerk
    make_request(db, clerk, first_contact_at=now - timedelta(hours=30))  # 24-hour checks missed
    make_request(db, clerk, first_contact_at=now - timedelta(hours=1))  # checks due in 23 hours
    held = make_request(db, clerk, first_contact_at=now - timedelta(hours=1))
    requests.pause_clock(db, clerk, held.id, {"reason_code": "applicant_request", "reason": "Asked to wait"})
    # Research began a fortnight ago; probation was asked then (5 working days) and has not answered.
    clock.move_to(now - timedelta(days=14), tick=True)
    studied = case_in_research(db, clerk, cast.researcher)
    probation = agency(db)
    research.send_partner_request(
        db,
        cast.researcher,
        studied.id,
        {"agency_id": str(probation.id), "asked": "Any contact?", "person_ids": [subject_id(studied)]},
    )
    clock.move_to(now, tick=True)
    decisions.convene(db, clerk, meeting_values(cast.chair, at=now + timedelta(days=3)))
    # A child on a child-protection plan, missing four times this month: urgent notices, one interview late.
    worker = social_worker(db)
    child = person(db, clerk)
    for days in (20, 14, 8, 2):
        clock.move_to(now - timedelta(days=days), tick=True)
        values = episode_values(care_status=CareStatus.CP_PLAN.value, social_worker_id=str(worker.user_id))
        made = missing.record_episode(db, clerk, child.id, values)
        if days > 2:
            missing.close_episode(db, clerk, made.id, return_values())
    clock.move_to(now, tick=True)
    return {"studied": studied, "probation": probation.name}


def test_every_figure_of_the_dashboard(db: Session, cast: Cast, busy: dict[str, object]) -> None:
    found = workload.workload(db, cast.clerk)
    stages = {row.label: {b: c.value for b, c in row.bands.items()} for row in found.stages}
    assert stages["Logged"] == {"overdue": 1, "week": 1, "later": 1}
    assert stages["In research"] == {"overdue": 0, "week": 0, "later": 1}  # Right to Know: 28 days
    assert found.open_total == 4
    leads = {row.name: (row.open.value, row.overdue.value) for row in found.assignees}
    assert leads == {"Dana Clerk": (3, 1), "Rory Research": (1, 0)}
    assert [(row.name, row.count) for row in found.partner_overdue or []] == [(busy["probation"], 1)]
    assert [row.items for row in found.panels or []] == [0]
    assert found.interviews_overdue == 3  # the returns 20, 14 and 8 days ago, 72 hours long past
    assert found.repeat_people == 1
    assert sum(row.count for row in found.unacknowledged or []) == 4


def test_each_figure_links_to_its_list_and_roles_see_their_sections(
    db: Session, cast: Cast, busy: dict[str, object], client: PageClient
) -> None:
    found = workload.workload(db, cast.clerk)
    logged = next(row for row in found.stages if row.label == "Logged")
    assert logged.bands["overdue"].href == "/requests?whose=team&status=logged&due=overdue"
    filters = queue.parse_filters({"status": "logged", "due": "overdue"})
    page = queue.work_queue(db, cast.clerk, filters)
    assert page.count == 1
    sign_in_as(db, client, cast.clerk)
    shown = client.get("/reports/workload")
    assert (
        shown.status_code == 200
        and 'href="/requests?whose=team&amp;status=logged&amp;due=overdue"' in shown.text
    )
    assert "Return home interviews overdue" in shown.text
    researcher = workload.workload(db, cast.researcher)
    assert researcher.partner_overdue is not None and researcher.interviews_overdue is None
    assert researcher.panels is None
    member = workload.workload(db, cast.probation)
    assert member.panels is not None and member.partner_overdue is None
