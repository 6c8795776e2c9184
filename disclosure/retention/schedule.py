"""The review schedule: when each closed record is due for review, kept up to date by a scan [issue 19].

MoPI reviews a record after a clear period: time with no further activity about its subject [APP-MoPI]. A
closed case's clear period therefore runs from the latest of its own closure and the last activity of any
record about its subject (their other cases as subject, their missing episodes); a missing episode's from
the latest of its return and its person's other records; an open record about the subject keeps the clock
from starting. Then by the group's rule (DOMAIN.md "Law that shapes the software" [NPCC]):
- `until_age` (group 1, public protection): first review after `clear_years`; never disposed of before the
  subject reaches `until_age` (the youngest subject, where a case has several), nor while their date of
  birth is unknown;
- `review` (group 2): review after `clear_years`;
- `dispose` (group 3): due for disposal after `clear_years`, confirmed by a reviewer (nothing is ever
  removed without one).
A reviewer's retention sets the next review date; a later clear period moves it later, never earlier.
A person's record is scheduled on its own only when nothing but its own tables refers to it (otherwise it
goes with the last record about them). The scan reads every record in a handful of statements and writes
only what changed, so it runs daily in the dispatcher and on demand (`disclosure retention scan`).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from disclosure import audit, schedule
from disclosure.clocks import uk_date
from disclosure.db import new_id, unit_of_work, utcnow
from disclosure.missing.models import Episode as MissingEpisode
from disclosure.people.models import Person
from disclosure.requests.models import CaseParty, DisclosureRequest
from disclosure.requests.vocabulary import PartyRole, Scheme
from disclosure.retention.disposal import person_keepers
from disclosure.retention.models import RetentionDefault, RetentionGroup, RetentionRecord
from disclosure.retention.vocabulary import RecordKind, Rule

JOB = "retention-scan"
EVERY = timedelta(days=1)

CASE_KINDS = {Scheme.DVDS.value: RecordKind.DVDS_CASE, Scheme.CSODS.value: RecordKind.CSODS_CASE}


def add_years(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Timing:
    due: date
    dispose_from: date | None
    """The earliest day the record may be disposed of; None: not while the rule cannot say (an age rule
    without a date of birth)."""


def timing(
    group: RetentionGroup, clear_from: date, born_on: date | None, retained_until: date | None
) -> Timing:
    """When a record in `group` is due for review, and from when it may be disposed of."""
    due = add_years(clear_from, group.clear_years)
    if retained_until is not None:
        due = max(due, retained_until)
    if group.rule == Rule.UNTIL_AGE:
        reaches = add_years(born_on, group.until_age or 0) if born_on else None
        return Timing(due, reaches)
    return Timing(due, due)


@dataclass(frozen=True)
class Scanned:
    """One record as the scan found it: what it is, when its clear period began, whose age counts, and
    whether it is closed (an open record leaves the queue)."""

    kind: RecordKind
    record_id: uuid.UUID
    label: str
    clear_from: date
    born_on: date | None
    closed: bool


@dataclass(frozen=True)
class ScanResult:
    added: int
    changed: int
    due: int


def _day(moment: datetime | None) -> date | None:
    return uk_date(moment) if moment else None


def _latest(values: Iterable[date | None], today: date) -> date:
    """The latest of the dates, an open record (None) counting as today."""
    return max((today if v is None else v) for v in values)


def found_records(session: Session, today: date) -> list[Scanned]:
    """Every case, missing episode and person's record the schedule covers, as they stand today."""
    living = select(Person.id, Person.date_of_birth).where(Person.merged_into_id.is_(None))
    births = dict(session.execute(living).all())  # a Result has keys(): dict() would read it as a mapping
    activity: dict[uuid.UUID, list[date | None]] = defaultdict(list)
    subjects: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    cases = list(
        session.execute(
            select(
                DisclosureRequest.id,
                DisclosureRequest.reference,
                DisclosureRequest.scheme,
                DisclosureRequest.closed_at,
            )
        )
    )
    closed_on = {row.id: _day(row.closed_at) for row in cases}
    for request_id, person_id in session.execute(
        select(CaseParty.request_id, CaseParty.person_id).where(CaseParty.role == PartyRole.SUBJECT.value)
    ):
        subjects[request_id].append(person_id)
        activity[person_id].append(closed_on[request_id])
    episodes = list(
        session.execute(
            select(
                MissingEpisode.id,
                MissingEpisode.person_id,
                MissingEpisode.returned_at,
                MissingEpisode.reported_at,
                MissingEpisode.police_reference,
            )
        )
    )
    for episode in episodes:
        if episode.person_id is not None:
            activity[episode.person_id].append(_day(episode.returned_at))
    found: list[Scanned] = []
    for row in cases:
        people = subjects.get(row.id, [])
        own = closed_on[row.id]
        start = _latest([own, *(d for p in people for d in activity[p])], today)
        born = [b for p in people if (b := births.get(p))]
        found.append(
            Scanned(
                CASE_KINDS[row.scheme], row.id, row.reference, start, max(born, default=None), own is not None
            )
        )
    for episode in episodes:
        own = _day(episode.returned_at)
        person = episode.person_id
        start = _latest([own, *(activity[person] if person else [])], today)
        label = episode.police_reference or f"Reported {uk_date(episode.reported_at).isoformat()}"
        found.append(
            Scanned(
                RecordKind.MISSING_EPISODE,
                episode.id,
                label[:60],
                start,
                births.get(person) if person else None,
                own is not None,
            )
        )
    referred = _people_referred_to(session)
    unreferred = select(Person.id, Person.date_of_birth, Person.updated_at).where(
        Person.merged_into_id.is_(None)
    )
    found.extend(
        Scanned(
            RecordKind.PERSON,
            person.id,
            f"Person's record {str(person.id)[-8:]}",
            min(uk_date(person.updated_at), today),
            person.date_of_birth,
            True,
        )
        for person in session.execute(unreferred)
        if person.id not in referred
    )
    return found


def _people_referred_to(session: Session) -> set[uuid.UUID]:
    """Everyone a record outside a person's own tables refers to (`disposal.PERSON_OWN`)."""
    referred: set[uuid.UUID] = set()
    for column in person_keepers():
        referred.update(v for v in session.scalars(select(column).distinct()) if v is not None)
    return referred


def scan(session: Session, actor: audit.Actor = audit.SYSTEM, today: date | None = None) -> ScanResult:
    """Bring every record's schedule up to date: new closed records join their kind's default group; a
    record whose clear period moved, or whose subject's date of birth changed, is rescheduled; a record open
    again leaves the queue (its history stays). Audited with the counts only."""
    today = today or uk_date(utcnow())
    groups = {g.id: g for g in session.scalars(select(RetentionGroup))}
    defaults = dict(session.execute(select(RetentionDefault.kind, RetentionDefault.group_id)).all())
    table = cast(Table, RetentionRecord.__table__)
    existing: dict[tuple[str, uuid.UUID], Any] = {
        (row.kind, row.record_id): row
        for row in session.execute(
            select(
                table.c.id,
                table.c.kind,
                table.c.record_id,
                table.c.label,
                table.c.group_id,
                table.c.clear_from,
                table.c.born_on,
                table.c.review_due_on,
                table.c.retained_until,
            )
        )
    }
    now = utcnow()
    added: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for record in found_records(session, today):
        row = existing.get((record.kind.value, record.record_id))
        group = groups[row.group_id if row else defaults[record.kind.value]]
        due = timing(group, record.clear_from, record.born_on, row.retained_until if row else None).due
        due_on = due if record.closed else None
        values = {
            "label": record.label,
            "clear_from": record.clear_from,
            "born_on": record.born_on,
            "review_due_on": due_on,
        }
        if row is None:
            if record.closed:
                added.append(
                    values
                    | {
                        "id": new_id(),
                        "kind": record.kind.value,
                        "record_id": record.record_id,
                        "group_id": group.id,
                    }
                    | {"held_reason": "", "created_at": now, "updated_at": now, "version": 1}
                )
        elif any(getattr(row, name) != value for name, value in values.items()):
            changed.append(values | {"row_id": row.id, "updated_at": now})
    if added:
        session.execute(insert(table), added)
    if changed:
        session.execute(
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(
                label=bindparam("label"),
                clear_from=bindparam("clear_from"),
                born_on=bindparam("born_on"),
                review_due_on=bindparam("review_due_on"),
                updated_at=bindparam("updated_at"),
                version=table.c.version + 1,
            ),
            changed,
        )
    due_now = session.scalar(
        select(func.count()).where(table.c.review_due_on <= today, table.c.held_at.is_(None))
    )
    audit.record(
        session,
        actor=actor,
        action="retention.scan",
        category=audit.AuditCategory.ADMINISTRATION,
        object_type="retention_schedule",
        object_id=None,
        justification="Review schedule brought up to date (MoPI)",
        details={"added": len(added), "changed": len(changed), "due": due_now or 0},
    )
    return ScanResult(len(added), len(changed), due_now or 0)


def round_step(factory: sessionmaker[Session]) -> int:
    """The dispatcher's step: the scan once a day across every worker (`schedule.take_turn`). Queues no
    mail (the waiting-work email tells reviewers what is due)."""
    with unit_of_work(factory) as session:
        if schedule.take_turn(session, JOB, EVERY):
            scan(session)
    return 0
