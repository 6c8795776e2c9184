"""Settings -> Clocks [issue 15, honest clocks]: administrators add a clock policy version with the date it
takes effect, and keep the pause and extension reason lists; nothing they do moves an existing case's
deadlines."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from time_machine import TimeMachineFixture

from disclosure.accounts.roles import Role
from disclosure.auth import Principal
from disclosure.clocks import uk_today
from disclosure.errors import FormInvalid, PermissionDenied
from disclosure.requests import clock_settings, deadlines, service
from disclosure.requests.models import ClockPolicy, ClockReason, DisclosureRequest
from disclosure.requests.vocabulary import Scheme
from tests.builders import make_user, principal_for, sign_in_as
from tests.pages import PageClient
from tests.requests.builders import make_request


@pytest.fixture
def admin(db: Session) -> Principal:
    return principal_for(make_user(db, Role.ADMINISTRATOR, username="ada.clocks").user)


def _due(db: Session, case: DisclosureRequest) -> dict[str, datetime]:
    policy = deadlines.policies(db)[case.clock_policy_code]
    return {v.key: v.due_at for v in deadlines.deadlines(case, policy, deadlines.calendar_for(db))}


def _values(db: Session, starts: Any, **changes: str) -> dict[str, Any]:
    values = clock_settings.form_values(clock_settings.current(db, Scheme.DVDS))
    return {
        **values,
        "name": "Statutory guidance, revised",
        "source": "Home Office, DVDS statutory guidance (revised)",
        "effective_from": starts.isoformat(),
        **changes,
    }


def test_a_new_version_starts_from_the_one_in_force_and_never_moves_existing_cases(
    db: Session, admin: Principal, clerk: Principal, time_machine: TimeMachineFixture
) -> None:
    case = make_request(db, clerk)
    before = _due(db, case)
    tomorrow = uk_today() + timedelta(days=1)
    assert clock_settings.form_values(clock_settings.current(db, Scheme.DVDS))["completion_days"] == "28"
    policy = clock_settings.add_policy(db, admin, Scheme.DVDS, _values(db, tomorrow, completion_days="21"))
    assert (policy.code, policy.completion_days, policy.effective_to) == (f"dvds-{tomorrow}", 21, None)
    previous = db.scalar(select(ClockPolicy).where(ClockPolicy.code == "dvds-2023"))
    assert previous is not None and previous.effective_to == tomorrow - timedelta(days=1)
    assert previous.completion_days == 28, "a version is never edited"
    db.expire_all()
    assert case.clock_policy_code == "dvds-2023" and _due(db, case) == before
    later = datetime.combine(tomorrow + timedelta(days=1), time(12), tzinfo=UTC)
    time_machine.move_to(later, tick=False)
    newer = make_request(db, clerk, first_contact_at=later - timedelta(hours=1))
    assert newer.clock_policy_code == policy.code
    assert _due(db, newer)["completion"].date() == (later + timedelta(days=21)).date()
    back_dated = make_request(db, clerk, first_contact_at=later - timedelta(days=3))
    assert back_dated.clock_policy_code == "dvds-2023"


def test_a_version_takes_effect_tomorrow_at_the_earliest_and_its_numbers_are_checked(
    db: Session, admin: Principal
) -> None:
    with pytest.raises(FormInvalid) as refused:
        clock_settings.add_policy(
            db,
            admin,
            Scheme.DVDS,
            _values(
                db, uk_today(), name="", completion_days="0", no_disclosure_days="40", max_extensions="x"
            ),
        )
    assert refused.value.errors == {
        "name": "Enter the guidance these timescales come from",
        "effective_from": "Date it takes effect must be tomorrow or later: cases already logged keep the "
        "policy they started under",
        "completion_days": "Whole process, in days must be between 1 and 365",
        "max_extensions": "Extensions a case may have must be a whole number",
    }
    with pytest.raises(FormInvalid) as longer:
        clock_settings.add_policy(
            db, admin, Scheme.DVDS, _values(db, uk_today() + timedelta(days=2), no_disclosure_days="40")
        )
    assert "cannot be longer than the whole process" in longer.value.errors["no_disclosure_days"]
    assert db.scalar(
        select(ClockPolicy).where(ClockPolicy.effective_to.is_(None), ClockPolicy.scheme == "dvds")
    )
    assert [p.code for p in clock_settings.versions(db) if p.scheme == "dvds"] == ["dvds-2016", "dvds-2023"]


def test_only_administrators_change_clocks(db: Session, clerk: Principal) -> None:
    with pytest.raises(PermissionDenied):
        clock_settings.add_policy(db, clerk, Scheme.DVDS, _values(db, uk_today() + timedelta(days=5)))
    with pytest.raises(PermissionDenied):
        clock_settings.add_reason(db, clerk, "pause", {"label-pause": "Lunch"})


def test_reasons_are_added_retired_and_brought_back_and_records_keep_their_words(
    db: Session, admin: Principal, clerk: Principal
) -> None:
    added = clock_settings.add_reason(db, admin, "pause", {"label-pause": "Awaiting an interpreter"})
    assert added.code == "awaiting_an_interpreter"
    assert "awaiting_an_interpreter" in {r.code for r in service.clock_reasons(db, "pause")}
    with pytest.raises(FormInvalid) as twice:
        clock_settings.add_reason(db, admin, "pause", {"label-pause": "awaiting an interpreter"})
    assert twice.value.errors == {"label-pause": "That reason is already on the list"}
    case = make_request(db, clerk)
    service.pause_clock(db, clerk, case.id, {"reason_code": added.code, "reason": "Polish interpreter"})
    clock_settings.set_reason_active(db, admin, added.id, False)
    assert added.code not in {r.code for r in service.clock_reasons(db, "pause")}
    with pytest.raises(FormInvalid):
        service.pause_clock(db, clerk, make_request(db, clerk).id, {"reason_code": added.code, "reason": "x"})
    assert case.pauses[0].reason_code == added.code
    clock_settings.set_reason_active(db, admin, added.id, True)
    assert added.code in {r.code for r in service.clock_reasons(db, "pause")}


def test_the_last_reason_in_use_cannot_be_retired(db: Session, admin: Principal) -> None:
    listed = db.scalars(select(ClockReason).where(ClockReason.kind == "extension")).all()
    for reason in listed[:-1]:
        clock_settings.set_reason_active(db, admin, reason.id, False)
    with pytest.raises(FormInvalid) as refused:
        clock_settings.set_reason_active(db, admin, listed[-1].id, False)
    assert refused.value.errors == {f"reason-{listed[-1].id}": "Keep at least one reason on the list in use"}


def test_the_pages_show_the_versions_and_keep_what_was_typed(
    db: Session, client: PageClient, admin: Principal
) -> None:
    sign_in_as(db, client, admin)
    overview = client.get("/admin/clocks")
    assert (
        "dvds-2023" in overview.text
        and "csods-2010" in overview.text
        and "Awaiting information from a partner agency" in overview.text
    )
    form = client.get("/admin/clocks/csods/new")
    assert 'value="28"' in form.text and 'value="24"' in form.text, "it starts from the version in force"
    starts = uk_today() + timedelta(days=3)
    typed = {
        **clock_settings.form_values(clock_settings.current(db, Scheme.CSODS)),
        "name": "",
        "source": "CSODS guidance 2027",
        "effective_from-day": str(starts.day),
        "effective_from-month": str(starts.month),
        "effective_from-year": str(starts.year),
    }
    refused = client.submit("/admin/clocks/csods/new", typed)
    assert refused.status_code == 400 and "Enter the guidance" in refused.text
    assert "CSODS guidance 2027" in refused.text, "nothing typed is lost"
    saved = client.submit("/admin/clocks/csods/new", {**typed, "name": "CSODS police guidance, 2027"})
    assert saved.status_code == 303
    assert f"csods-{starts}" in client.get("/admin/clocks").text
    assert client.get("/admin/clocks/nonsense/new").status_code == 404
