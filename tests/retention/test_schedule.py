"""The review schedule [issue 19]: each group's rule, the clear period that a later record about the same
subject moves, records open again leaving the queue, and a scan that writes only what changed."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.auth import Principal
from disclosure.clocks import uk_date
from disclosure.db import utcnow
from disclosure.requests import service as requests
from disclosure.retention.models import RetentionGroup, RetentionRecord
from disclosure.retention.schedule import add_years, scan, timing
from tests.requests.builders import make_person, make_request
from tests.test_cli import cli_env, read, run

__all__ = ["cli_env"]


def _group(rule: str, clear: int, review: int, age: int | None = None) -> RetentionGroup:
    return RetentionGroup(id=9, name="Test", rule=rule, clear_years=clear, review_years=review, until_age=age)


def test_each_rule_says_when_a_record_is_due_and_from_when_it_may_go() -> None:
    closed = date(2020, 2, 29)
    kept = timing(_group("until_age", 10, 10, 100), closed, date(1990, 6, 1), None)
    assert kept.due == date(2030, 2, 28) and kept.dispose_from == date(2090, 6, 1)
    assert timing(_group("until_age", 10, 10, 100), closed, None, None).dispose_from is None
    assert timing(_group("review", 10, 10), closed, None, None) == timing(
        _group("review", 10, 10), closed, None, None
    )
    assert timing(_group("review", 10, 10), closed, None, None).due == date(2030, 2, 28)
    assert timing(_group("dispose", 6, 6), closed, None, None).dispose_from == date(2026, 2, 28)
    # A reviewer's next review date moves the review later, never earlier.
    assert timing(_group("dispose", 6, 6), closed, None, date(2031, 1, 1)).due == date(2031, 1, 1)
    assert timing(_group("dispose", 6, 6), closed, None, date(2021, 1, 1)).due == date(2026, 2, 28)
    assert add_years(date(2024, 3, 1), 1) == date(2025, 3, 1)


def _schedule(db: Session, record_id: object) -> RetentionRecord | None:
    return db.scalar(select(RetentionRecord).where(RetentionRecord.record_id == record_id))


def _withdraw(db: Session, clerk: Principal, case_id: uuid.UUID) -> None:
    requests.withdraw(db, clerk, case_id, {"reason": "applicant_withdrew", "notes": "No longer wishes to."})


def test_a_closed_case_joins_its_schemes_group_and_a_second_scan_changes_nothing(
    db: Session, clerk: Principal
) -> None:
    dvds, csods = make_request(db, clerk), make_request(db, clerk, route="csods_application")
    _withdraw(db, clerk, dvds.id)
    open_case = make_request(db, clerk)
    first = scan(db)
    assert first.added == 1 and first.changed == 0 and first.due == 0
    row = _schedule(db, dvds.id)
    assert row is not None and row.group_id == 2 and row.label == dvds.reference
    assert row.review_due_on == add_years(uk_date(utcnow()), 10)
    assert _schedule(db, open_case.id) is None and _schedule(db, csods.id) is None
    _withdraw(db, clerk, csods.id)
    second = scan(db)
    assert (second.added, second.changed) == (1, 0)
    assert _schedule(db, csods.id).group_id == 1  # type: ignore[union-attr]
    assert scan(db).added == scan(db).changed == 0


def test_a_later_record_about_the_same_subject_moves_the_clear_period(db: Session, clerk: Principal) -> None:
    subject = make_person(db, clerk, "Dean", "Marsh", date(1985, 1, 9))
    first, second = make_request(db, clerk), make_request(db, clerk)
    for case in (first, second):
        requests.add_party(db, clerk, case.id, subject.id, {"role": "subject"})
    _withdraw(db, clerk, first.id)
    scan(db)
    row = _schedule(db, first.id)
    assert row is not None and row.born_on == date(1985, 1, 9)
    assert row.clear_from == uk_date(utcnow()), "the open case about the subject holds the clock at today"
    later = utcnow() + timedelta(days=400)
    with time_machine.travel(later, tick=False):
        _withdraw(db, clerk, second.id)
        assert scan(db).changed == 1
    db.refresh(row)
    assert row.clear_from == uk_date(later)
    assert row.review_due_on == add_years(uk_date(later), 10)


def test_a_record_due_enters_the_count_and_one_open_again_leaves_the_queue(
    db: Session, clerk: Principal
) -> None:
    case = make_request(db, clerk)
    _withdraw(db, clerk, case.id)
    assert scan(db, today=add_years(uk_date(utcnow()), 10)).due == 1
    assert scan(db, today=add_years(uk_date(utcnow()), 10) - timedelta(days=1)).due == 0
    db.get(type(case), case.id).closed_at = None  # type: ignore[union-attr]
    assert scan(db).changed == 1
    assert _schedule(db, case.id).review_due_on is None  # type: ignore[union-attr]


def test_a_person_nothing_refers_to_is_scheduled_on_their_own(db: Session, clerk: Principal) -> None:
    alone = make_person(db, clerk, "Nia", "Owen", date(2001, 4, 2))
    case = make_request(db, clerk)
    on_case = make_person(db, clerk, "Rhys", "Owen", None)
    requests.add_party(db, clerk, case.id, on_case.id, {"role": "subject"})
    scan(db)
    row = _schedule(db, alone.id)
    assert row is not None and row.kind == "person" and row.group_id == 3 and "Nia" not in row.label
    assert _schedule(db, on_case.id) is None


def test_the_command_scans_and_says_what_it_found(cli_env: dict[str, str]) -> None:
    from disclosure.audit import AuditEvent

    code, output = run(cli_env, "retention", "scan")
    assert code == 0 and "0 records added, 0 rescheduled, 0 due" in output
    events = read(cli_env, select(AuditEvent).where(AuditEvent.action == "retention.scan"))
    assert len(events) == 1 and '"due":0' in events[0].details.replace(" ", "")


def test_the_dispatcher_scans_once_a_day_however_often_it_runs(session_factory: Any) -> None:
    from disclosure.audit import AuditEvent
    from disclosure.db import unit_of_work
    from disclosure.retention.schedule import round_step

    def scans() -> int:
        with unit_of_work(session_factory) as session:
            return len(session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.scan")).all())

    round_step(session_factory)
    round_step(session_factory)
    assert scans() == 1
    with time_machine.travel(utcnow() + timedelta(days=1, minutes=1), tick=False):
        round_step(session_factory)
    assert scans() == 2
