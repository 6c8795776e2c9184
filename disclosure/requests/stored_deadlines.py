"""Each open case's next deadline kept in columns (`requests.next_deadline_*`), so the work queue orders and
pages in SQL instead of computing every open case's clocks in Python on every look [issue 17]; and each
case's clocks met or breached once their steps are done (`requests.*_met`), so timeliness counts them in SQL
[issue 18].

Two things keep the columns true:

- **In the transaction that moves a deadline.** A `before_flush` listener (registered by `wiring.connect`)
  recomputes the next deadline of every case the flush writes: the case itself (intake, a correction of
  first contact, a stage change, completion, closure) or one of its pauses or extensions (pause, resume,
  extend). It watches the records rather than the verbs, so a new verb cannot forget it. A new force
  profile (the nation, hence the bank holidays) recomputes every open case in the same flush.
- **When what deadlines are counted under changes outside the database**: the bank holidays the `holidays`
  library knows (a new year's, or one added by the government) or the way `deadlines` counts
  (`ALGORITHM`). `basis_fingerprint` hashes both with the nation and the clock policies; `disclosure
  migrate` and `disclosure serve` compare it with the one stored in `deadline_basis` and recompute every
  open case when they differ, and `disclosure deadlines recompute` does so on demand.

The columns decide the order only: every deadline a page shows is computed afresh from the case's pauses
and extensions (`deadlines.deadlines`)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from sqlalchemy import event, select
from sqlalchemy.orm import Session, selectinload

from disclosure import clocks
from disclosure.db import utcnow
from disclosure.force.models import ForceProfile
from disclosure.force.service import current_profile
from disclosure.requests.deadlines import calendar_for, deadlines, next_deadline, policies
from disclosure.requests.models import (
    ClockExtension,
    ClockPause,
    ClockPolicy,
    DeadlineBasis,
    DisclosureRequest,
)

ALGORITHM = "2"
"""Raise it whenever `deadlines` or `clocks` count differently, or what is stored changes: every case is
recomputed at start-up (2: the clocks met or breached)."""

MET_COLUMNS = {
    "initial_checks": "initial_checks_met",
    "meeting": "meeting_met",
    "completion": "completion_met",
    "completion_no_disclosure": "completion_met",
}
"""Where each clock's result is kept: one whole-process result, under whichever limit the outcome chose."""

BASIS_KEY = "requests"
BATCH = 1000


def clock_results(
    case: DisclosureRequest, policy: ClockPolicy, calendar: clocks.WorkingCalendar
) -> dict[str, bool | None]:
    """Each clock's result column: met (True) or breached (False) once its step is done, else None, as the
    case page shows it; a finished case's as it stood when it finished, so a past case keeps its result."""
    found: dict[str, bool | None] = dict.fromkeys(MET_COLUMNS.values())
    as_of = case.completed_at or case.closed_at or utcnow()
    finished = [d for d in deadlines(case, policy, calendar, now=as_of) if d.completed]
    for view in finished:
        found[MET_COLUMNS[view.key]] = view.status == clocks.DeadlineStatus.MET.value
    return found


def refresh(
    session: Session,
    cases: Iterable[DisclosureRequest],
    calendar: clocks.WorkingCalendar | None = None,
) -> int:
    """Recompute and set the stored next deadline and clock results of `cases`; returns how many changed."""
    by_code: dict[str, ClockPolicy] | None = None
    changed = 0
    for case in cases:
        if by_code is None:
            by_code, calendar = policies(session), calendar or calendar_for(session)
        assert calendar is not None
        policy = by_code[case.clock_policy_code]
        found = next_deadline(case, policy, calendar)
        results = clock_results(case, policy, calendar)
        stored = (
            case.next_deadline_key,
            case.next_deadline_at,
            case.next_deadline_held_seconds,
            *(getattr(case, column) for column in results),
        )
        if stored != (found.key, found.due_at, found.held_seconds, *results.values()):
            case.next_deadline_key = found.key
            case.next_deadline_at = found.due_at
            case.next_deadline_held_seconds = found.held_seconds
            for column, value in results.items():
                setattr(case, column, value)
            changed += 1
    return changed


def _every_case(session: Session) -> Iterator[DisclosureRequest]:
    """Every case with what its clocks read, a batch at a time (keyset on id): open cases for their next
    deadline, finished ones for their clocks' results."""
    last = None
    while True:
        statement = (
            select(DisclosureRequest)
            .options(selectinload(DisclosureRequest.pauses), selectinload(DisclosureRequest.extensions))
            .order_by(DisclosureRequest.id)
            .limit(BATCH)
        )
        if last is not None:
            statement = statement.where(DisclosureRequest.id > last)
        batch = list(session.scalars(statement))
        if not batch:
            return
        yield from batch
        last = batch[-1].id


def basis_fingerprint(session: Session, calendar: clocks.WorkingCalendar | None = None) -> str:
    """A hash of what every deadline is counted under: the algorithm, the nation's bank holidays (from the
    first year a clock policy applies to five years ahead) and every clock policy version."""
    calendar = calendar or calendar_for(session)
    versions = list(session.scalars(select(ClockPolicy).order_by(ClockPolicy.code)))
    first = min((p.effective_from.year for p in versions), default=utcnow().year)
    years = range(first, utcnow().year + 6)
    days = clocks.bank_holidays(calendar.nation, years, calendar.extra_holidays)
    text = "|".join(
        [
            ALGORITHM,
            calendar.nation.value,
            ",".join(f"{d.isoformat()}={name}" for d, name in days.items()),
            *(
                f"{p.code}:{p.effective_from}:{p.effective_to}:{p.initial_checks_hours}:"
                f"{p.meeting_working_days}:{p.completion_days}:{p.no_disclosure_days}"
                for p in versions
            ),
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()


def recompute_all(session: Session, calendar: clocks.WorkingCalendar | None = None) -> int:
    """Recompute every case's stored next deadline and clock results and record the basis; returns how many
    changed. The caller commits."""
    calendar = calendar or calendar_for(session)
    changed = refresh(session, _every_case(session), calendar)
    basis = session.get(DeadlineBasis, BASIS_KEY) or DeadlineBasis(key=BASIS_KEY)
    basis.fingerprint = basis_fingerprint(session, calendar)
    basis.computed_at = utcnow()
    session.add(basis)
    return changed


def recompute_if_basis_changed(session: Session) -> int | None:
    """At start-up: recompute everything when the bank holidays, nation, policies or algorithm differ from
    those the stored deadlines were computed under; None when nothing changed. The caller commits."""
    basis = session.get(DeadlineBasis, BASIS_KEY)
    if basis is not None and basis.fingerprint == basis_fingerprint(session):
        return None
    return recompute_all(session)


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    touched: dict[int, DisclosureRequest] = {}
    new_profile: ForceProfile | None = None
    for record in (*session.new, *session.dirty, *session.deleted):
        if isinstance(record, DisclosureRequest):
            case: DisclosureRequest | None = record
        elif isinstance(record, ClockPause | ClockExtension):
            case = record.request or (
                session.get(DisclosureRequest, record.request_id) if record.request_id else None
            )
        else:
            if isinstance(record, ForceProfile) and record in session.new:
                new_profile = record
            continue
        if case is not None and case not in session.deleted:
            touched[id(case)] = case
    if new_profile is not None and new_profile.nation != current_profile(session).nation:
        # The nation decides the bank holidays: every open case, under the profile about to be written.
        recompute_all(session, clocks.WorkingCalendar(clocks.Nation(new_profile.nation)))
    if touched:
        refresh(session, touched.values())


def listen() -> None:
    """Keep the columns in every session's flushes (idempotent)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
