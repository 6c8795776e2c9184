"""No statement per row [issue 17]: every list page and API list answers in the same number of SQL
statements however many rows it lists. Each route is read at two sizes of data built through the service
verbs (the second adds more of every kind: open cases with pauses and extensions, cases on a panel's agenda,
missing episodes) and its statements are counted; a count that grows with the data is a query per row.

Counting is by the connection's `before_cursor_execute` event, after one warm-up request each, so caches
(the navigation's counts, reference data) hold the same state at both sizes. A failure names the statements
that repeat."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from disclosure.accounts import service as accounts
from disclosure.accounts.roles import Role
from disclosure.clocks import uk_date
from disclosure.db import utcnow
from disclosure.decisions import service as decisions
from disclosure.missing import service as missing
from disclosure.reports.periods import containing
from disclosure.requests import service as requests_service
from disclosure.requests.vocabulary import PartyRole
from disclosure.research import service as research
from disclosure.retention import schedule as retention
from disclosure.retention.models import RetentionRecord
from disclosure.subject_access import service as subject_access
from tests.builders import make_user, principal_for, sign_in_as
from tests.decisions.builders import panel_with, submitted_case
from tests.decisions.conftest import Cast, make_cast
from tests.missing.builders import agency_id, episode_values, person, social_worker
from tests.pages import PageClient
from tests.requests.builders import add, make_person, make_request, triage
from tests.research.builders import agency, case_in_research, partner_user, subject_id

EXTEND = {"days": "7", "reason_code": "partner_delay", "reason": "Probation's return is delayed"}
PAUSE = {"reason_code": "awaiting_partner", "reason": "Waiting for the partner's return"}


@dataclass
class World:
    cast: Cast
    meeting_id: Any
    auditor: Any
    admin: Any
    partner: Any
    social_worker: Any
    reviewer: Any
    officer: Any
    added: int = 0


def _grow(db: Session, world: World, batches: int) -> None:
    """`batches` more of everything the lists show."""
    cast = world.cast
    today = uk_date(utcnow())
    for _ in range(batches):
        world.added += 1
        n = world.added
        logged = make_request(db, cast.clerk, first_contact_at=utcnow() - timedelta(hours=n))
        add(db, cast.clerk, logged, PartyRole.SUBJECT, make_person(db, cast.clerk, "Sam", f"Subject{n}"))
        triage(db, cast.clerk, logged)
        requests_service.pause_clock(db, cast.clerk, logged.id, PAUSE)
        extended = make_request(db, cast.clerk, route="right_to_know")
        requests_service.assign(db, cast.clerk, extended.id, {"assignee_id": str(cast.clerk.user_id)})
        requests_service.extend_deadline(db, cast.clerk, extended.id, EXTEND)
        on_agenda = submitted_case(db, cast.clerk, cast.researcher, cast.reviewer)
        decisions.add_to_agenda(db, cast.clerk, world.meeting_id, {"request_id": str(on_agenda.id)})
        panel_with(
            db, cast.clerk, cast.chair, [(cast.probation, "probation")], at=utcnow() + timedelta(days=n)
        )
        child = person(db, cast.clerk, given=f"Kid{n}")
        told = {"social_worker_id": str(world.social_worker.user_id), "school_id": agency_id(db, "education")}
        missing.record_episode(db, cast.clerk, child.id, episode_values(hours_ago=2, **told))
        make_user(db, Role.RESEARCHER)  # and one more user
        closed = make_request(db, cast.clerk, route="right_to_know")
        subject = make_person(db, cast.clerk, "Kim", f"Closed{n}")
        add(db, cast.clerk, closed, PartyRole.SUBJECT, subject)
        requests_service.withdraw(
            db, cast.clerk, closed.id, {"reason": "applicant_withdrew", "notes": "Gone"}
        )
        subject_access.open_request(
            db,
            world.officer,
            {"person_id": str(subject.id), "received": today.isoformat(), "how_received": "By letter"},
        )
        asking = case_in_research(db, cast.clerk, cast.researcher)
        research.send_partner_request(
            db,
            cast.researcher,
            asking.id,
            {
                "agency_id": str(agency(db).id),
                "asked": "Any supervision?",
                "person_ids": [subject_id(asking)],
            },
        )
    retention.scan(db, today=today)
    db.execute(update(RetentionRecord).values(review_due_on=today - timedelta(days=1)))
    db.flush()


@contextmanager
def _counting(connection: Connection) -> Iterator[list[str]]:
    seen: list[str] = []

    def capture(*args: Any) -> None:
        seen.append(args[2])

    event.listen(connection, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", capture)


@pytest.fixture
def world(db: Session) -> World:
    cast = make_cast(db)
    meeting, _items = panel_with(db, cast.clerk, cast.chair, [(cast.probation, "probation")])
    auditor = principal_for(make_user(db, Role.AUDITOR).user)
    admin = principal_for(make_user(db, Role.ADMINISTRATOR).user)
    reviewer = principal_for(make_user(db, Role.RECORDS_REVIEWER).user)
    officer = principal_for(make_user(db, Role.INFORMATION_RIGHTS).user)
    world = World(cast, meeting.id, auditor, admin, partner_user(db), social_worker(db), reviewer, officer)
    _grow(db, world, 2)
    return world


THIS_YEAR = containing().slug
"""The returns of the year the world's records are made in."""

Reader = Callable[[World], tuple[Any, str]]
"""Who reads the route, and its path, for a world."""

ROUTES: dict[str, Reader] = {
    "home page": lambda w: (w.cast.clerk, "/"),
    "work queue, team": lambda w: (w.cast.clerk, "/requests"),
    "work queue, mine": lambda w: (w.cast.clerk, "/requests?whose=mine"),
    "panels list": lambda w: (w.cast.chair, "/panels"),
    "panel agenda": lambda w: (w.cast.chair, f"/panels/{w.meeting_id}"),
    "missing overview": lambda w: (w.cast.clerk, "/missing"),
    "requests API": lambda w: (w.cast.clerk, "/api/v1/requests"),
    "missing episodes API": lambda w: (w.cast.clerk, "/api/v1/missing/episodes"),
    "waiting API": lambda w: (w.cast.clerk, "/api/v1/waiting"),
    "audit trail": lambda w: (w.auditor, "/audit"),
    "audit events API": lambda w: (w.auditor, "/api/v1/audit/events"),
    "users API": lambda w: (w.admin, "/api/v1/users"),
    "users": lambda w: (w.admin, "/admin/users"),
    "panels list, member": lambda w: (w.cast.probation, "/panels"),
    "partner inbox": lambda w: (w.partner, "/partner"),
    "partner requests API": lambda w: (w.partner, "/api/v1/partner/requests"),
    "researcher's partner requests": lambda w: (w.cast.researcher, "/research/partner-requests"),
    "partner's home page": lambda w: (w.partner, "/"),
    "partner's missing notifications": lambda w: (w.social_worker, "/partner/missing"),
    "partner's notifications acknowledged": lambda w: (w.social_worker, "/partner/missing?view=done"),
    "partner's answered requests": lambda w: (w.partner, "/partner?view=done"),
    "returns": lambda w: (w.cast.clerk, f"/reports/returns/{THIS_YEAR}"),
    "returns, cases behind a figure": lambda w: (
        w.cast.clerk,
        f"/reports/returns/{THIS_YEAR}/dvds/rta-applications",
    ),
    "returns, episodes behind a figure": lambda w: (
        w.cast.clerk,
        f"/reports/returns/{THIS_YEAR}/missing/episodes",
    ),
    "returns, people behind a figure": lambda w: (
        w.cast.clerk,
        f"/reports/returns/{THIS_YEAR}/missing/people",
    ),
    "returns API": lambda w: (w.cast.clerk, f"/api/v1/returns/{THIS_YEAR}"),
    "workload": lambda w: (w.cast.clerk, "/reports/workload"),
    "performance summary": lambda w: (w.cast.clerk, f"/reports/summary/{THIS_YEAR}"),
    "timeliness": lambda w: (
        w.cast.clerk,
        f"/reports/timeliness?from={THIS_YEAR[:4]}-04-01&to={int(THIS_YEAR[:4]) + 1}-03-31",
    ),
    "work queue, past a deadline": lambda w: (w.cast.clerk, "/requests?due=overdue"),
    "records review queue": lambda w: (w.reviewer, "/retention"),
    "records under legal hold": lambda w: (w.reviewer, "/retention?view=held"),
    "retention records API": lambda w: (w.reviewer, "/api/v1/retention/records"),
    "records reviewer's home page": lambda w: (w.reviewer, "/"),
    "subject access requests": lambda w: (w.officer, "/subject-access"),
    "information rights officer's home page": lambda w: (w.officer, "/"),
}


def _statements(
    db: Session, client: PageClient, connection: Connection, world: World, name: str
) -> list[str]:
    reader, path = ROUTES[name](world)
    if path.startswith("/api/"):
        admin = principal_for(make_user(db, Role.ADMINISTRATOR).user)
        token = accounts.issue_api_token(db, admin, reader.user_id, "statement count")
        client.headers["Authorization"] = f"Bearer {token}"
    else:
        client.headers.pop("Authorization", None)
        sign_in_as(db, client, reader)
    assert client.get(path).status_code == 200  # warm-up
    with _counting(connection) as seen:
        assert client.get(path).status_code == 200
    return [_shape(sql) for sql in seen]


def _shape(sql: str) -> str:
    """A statement without what varies between runs: savepoint numbers, parameter names and the length of
    an IN list."""
    sql = re.sub(r"sa_savepoint_\d+", "sa_savepoint", " ".join(sql.split()))
    sql = re.sub(r"%\([^)]*\)s(::\w+)?", "?", sql)  # PostgreSQL's named parameters, as SQLite's ?
    return re.sub(r"IN \([?, ]*\)", "IN (...)", sql)[:160]


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_a_list_reads_in_the_same_number_of_statements_at_any_size(
    db: Session, client: PageClient, connection: Connection, world: World, name: str
) -> None:
    small = _statements(db, client, connection, world, name)
    _grow(db, world, 3)
    large = _statements(db, client, connection, world, name)
    grew = Counter(large) - Counter(small)
    assert not grew and len(large) == len(small), (
        f"{name}: {len(small)} statements with {world.added - 3} of each, {len(large)} with {world.added}; "
        "repeated per row: " + "; ".join(f"{n} more x {sql}" for sql, n in grew.most_common(3))
    )
