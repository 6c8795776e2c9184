"""Each open case's next deadline is kept in columns by the transaction that moves it, and recomputed when
what deadlines are counted under changes (the bank holidays, the nation) [issue 17]: the work queue orders by
them, so a stale column is a case in the wrong place."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from time_machine import TimeMachineFixture

from disclosure import clocks
from disclosure.accounts.roles import Role
from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.force import service as force
from disclosure.requests import deadlines, service, stored_deadlines
from disclosure.requests.models import DeadlineBasis, DisclosureRequest
from tests.builders import make_user, principal_for
from tests.requests.builders import make_request, ready_for_checks

PAUSE = {"reason_code": "applicant_request", "reason": "The applicant is abroad"}
EXTEND = {"days": "7", "reason_code": "partner_delay", "reason": "Probation's return is delayed"}


def _stored(db: Session, case: DisclosureRequest) -> tuple[str | None, datetime | None, int | None]:
    db.flush()
    return case.next_deadline_key, case.next_deadline_at, case.next_deadline_held_seconds


def _fresh(db: Session, case: DisclosureRequest, now: datetime | None = None) -> tuple[str, datetime]:
    """The nearest unmet deadline as the case page computes it."""
    policy = deadlines.policies(db)[case.clock_policy_code]
    views = deadlines.deadlines(case, policy, deadlines.calendar_for(db), now)
    nearest = min((v for v in views if not v.completed), key=lambda v: v.due_at)
    return nearest.key, nearest.due_at


def test_each_verb_that_moves_a_deadline_moves_the_stored_one(
    db: Session, clerk: Principal, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(utcnow(), tick=False)
    case = make_request(db, clerk, first_contact_at=utcnow() - timedelta(hours=2))
    assert _stored(db, case) == (*_fresh(db, case), None)
    assert case.next_deadline_key == "initial_checks"
    contacted = case.first_contact_at.astimezone(UTC)  # elapsed hours, even across the clocks changing
    assert case.next_deadline_at == contacted + timedelta(hours=24)

    ready_for_checks(db, clerk, case)
    service.complete_initial_checks(db, clerk, case.id)
    key, unpaused, _ = _stored(db, case)
    assert (key, unpaused) == ("meeting", _fresh(db, case)[1]), "initial checks done: the meeting next"

    service.pause_clock(db, clerk, case.id, PAUSE)
    stopped = utcnow()
    key, due, held = _stored(db, case)
    assert (key, due) == ("meeting", unpaused) and due is not None, "as it stood when the clock stopped"
    assert held == int((due - stopped).total_seconds()), "the time that was left"

    # A week holds a working day, even at Christmas.
    time_machine.move_to(stopped + timedelta(days=7), tick=False)
    service.resume_clock(db, clerk, case.id)
    key, due, held = _stored(db, case)
    assert (key, due, held) == ("meeting", _fresh(db, case)[1], None)
    assert due is not None and unpaused is not None and due > unpaused, "the pause moved it on"


def test_an_extension_moves_the_completion_deadline_and_closing_clears_it(
    db: Session, clerk: Principal
) -> None:
    case = make_request(db, clerk, route="right_to_know")
    ready_for_checks(db, clerk, case)
    service.complete_initial_checks(db, clerk, case.id)  # Right to Know: no meeting, completion next
    key, before, _ = _stored(db, case)
    assert key == "completion" and before is not None
    service.extend_deadline(db, clerk, case.id, EXTEND)
    assert _stored(db, case)[1] == before + timedelta(days=7)
    service.withdraw(db, clerk, case.id, {"reason": "The referrer withdrew the concern"})
    assert _stored(db, case) == (None, None, None), "a finished case has no next deadline"


def test_a_pause_that_began_after_the_deadline_passed_holds_nothing(
    db: Session, clerk: Principal, time_machine: TimeMachineFixture
) -> None:
    case = make_request(db, clerk, first_contact_at=utcnow() - timedelta(hours=30))
    service.pause_clock(db, clerk, case.id, PAUSE)
    key, due, held = _stored(db, case)
    assert (key, held) == ("initial_checks", None) and due is not None and due < utcnow()


def test_a_new_nation_recomputes_every_open_case_in_the_same_transaction(
    db: Session, clerk: Principal
) -> None:
    """Saint Andrew's Day (30 November) and 2 January are Scottish bank holidays only: a ten-working-day
    meeting deadline across one falls a working day later in Scotland."""
    admin = principal_for(make_user(db, Role.ADMINISTRATOR, username="ada.nation").user)
    first_contact = datetime(utcnow().year - 1, 11, 25, 10, tzinfo=UTC)
    case = make_request(db, clerk, first_contact_at=first_contact)
    ready_for_checks(db, clerk, case)
    service.complete_initial_checks(db, clerk, case.id)
    _, in_england, _ = _stored(db, case)
    force.update_profile(db, admin, {"name": "Testshire Police", "nation": "scotland"})
    _, in_scotland, _ = _stored(db, case)
    assert in_scotland == _fresh(db, case)[1] and in_scotland is not None and in_england is not None
    assert (in_scotland - in_england).days >= 1


def test_start_up_recomputes_only_when_the_basis_changed(
    db: Session, clerk: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = make_request(db, clerk)
    assert stored_deadlines.recompute_all(db) == 0, "the flush kept it"
    assert stored_deadlines.recompute_if_basis_changed(db) is None, "nothing changed since"

    # A stale column (as after an upgrade that changed the counting), and a new way of counting.
    db.flush()
    db.execute(update(DisclosureRequest).where(DisclosureRequest.id == case.id).values(next_deadline_at=None))
    db.expire(case)
    monkeypatch.setattr(stored_deadlines, "ALGORITHM", stored_deadlines.ALGORITHM + "-next")
    assert stored_deadlines.recompute_if_basis_changed(db) == 1
    db.flush()
    assert case.next_deadline_at == _fresh(db, case)[1]
    basis = db.scalar(select(DeadlineBasis))
    assert basis is not None and basis.fingerprint == stored_deadlines.basis_fingerprint(db)


def test_the_basis_names_the_bank_holidays(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bank holiday the government adds (as for a coronation) changes the fingerprint, so start-up moves
    the deadlines it falls within."""
    before = stored_deadlines.basis_fingerprint(db)
    added = (date(utcnow().year + 1, 6, 9), "Extra bank holiday")
    original = clocks.bank_holidays
    monkeypatch.setattr(
        clocks,
        "bank_holidays",
        lambda nation, years, extra=(): original(nation, years, (*extra, added)),
    )
    assert stored_deadlines.basis_fingerprint(db) != before


def test_each_clock_met_or_breached_is_kept_when_its_step_is_done_and_restored_by_a_recompute(
    db: Session, clerk: Principal
) -> None:
    """The results timeliness counts [issue 18]: none until a step is done; then met or breached as the
    case page says; a full recompute (a new basis) writes them again for finished cases too."""
    late = make_request(db, clerk, first_contact_at=utcnow() - timedelta(hours=30))
    quick = make_request(db, clerk, first_contact_at=utcnow() - timedelta(hours=2))
    db.flush()
    assert (late.initial_checks_met, late.meeting_met, late.completion_met) == (None, None, None)
    for case in (late, quick):
        ready_for_checks(db, clerk, case)
        service.complete_initial_checks(db, clerk, case.id)
    service.withdraw(db, clerk, quick.id, {"reason": "The applicant no longer wishes to proceed"})
    db.flush()
    assert (late.initial_checks_met, quick.initial_checks_met) == (False, True)
    assert quick.completion_met is True and late.completion_met is None  # withdrawn within 28 days
    db.execute(update(DisclosureRequest).values(initial_checks_met=None, completion_met=None))
    db.expire_all()
    stored_deadlines.recompute_all(db)
    db.flush()
    again = {c.id: (c.initial_checks_met, c.completion_met) for c in db.scalars(select(DisclosureRequest))}
    assert again == {late.id: (False, None), quick.id: (True, True)}
