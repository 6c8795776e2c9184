"""Correcting what was logged at first contact, with its history [issue 16, "Correct any record"]: the old
value is kept and shown, the change is audited, deadlines follow the corrected first contact, and a
refused correction writes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.audit import AuditEvent
from disclosure.auth import Principal
from disclosure.corrections import Correction
from disclosure.db import utcnow
from disclosure.errors import FormInvalid, InvalidTransition
from disclosure.requests import deadlines, service
from disclosure.requests.models import DisclosureRequest
from tests.builders import date_time_fields, sign_in_as
from tests.pages import PageClient
from tests.requests.builders import make_request, triage


def _correct(db: Session, clerk: Principal, case: DisclosureRequest, **changes: Any) -> DisclosureRequest:
    values = {**service.correctable_values(case), "reason": "The call log shows otherwise.", **changes}
    return service.correct_request(db, clerk, case.id, values)


def _completion(db: Session, case: DisclosureRequest) -> datetime:
    policy = deadlines.policies(db)[case.clock_policy_code]
    views = deadlines.deadlines(case, policy, deadlines.calendar_for(db))
    return next(v.due_at for v in views if v.key == "completion")


def _corrections(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Correction)) or 0


def test_a_correction_keeps_the_old_value_is_audited_and_moves_the_deadlines(
    db: Session, clerk: Principal
) -> None:
    case = make_request(db, clerk, first_contact_at=utcnow() - timedelta(hours=5))
    due = _completion(db, case)
    earlier = case.first_contact_at - timedelta(days=2)
    _correct(db, clerk, case, police_reference="OCC/999/26", **date_time_fields("first_contact", earlier))
    assert case.police_reference == "OCC/999/26"
    assert abs(case.first_contact_at - earlier) < timedelta(minutes=1)
    assert _completion(db, case) < due, "the whole-process deadline follows the first contact"
    history = service.case_history(db, case)
    assert {(c.label, c.old_value, c.new_value) for c in history if c.field == "police_reference"} == {
        ("Police reference", "OCC/123/26", "OCC/999/26")
    }
    assert {c.field for c in history} == {"first_contact_at", "police_reference"}
    assert all(
        c.reason == "The call log shows otherwise." and c.corrected_by_id == clerk.user_id for c in history
    )
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "request.correct")).one()
    assert json.loads(event.details)["fields"] == ["first_contact_at", "police_reference"]
    assert "OCC/999/26" not in event.details and "call log" not in event.justification


def test_a_corrected_first_contact_takes_the_policy_in_force_then(db: Session, clerk: Principal) -> None:
    case = make_request(db, clerk)
    assert case.clock_policy_code == "dvds-2023"
    _correct(db, clerk, case, **date_time_fields("first_contact", datetime(2022, 6, 1, 9, 30, tzinfo=UTC)))
    assert case.clock_policy_code == "dvds-2016"


def test_a_correction_needs_a_reason_a_change_and_valid_answers_and_a_refusal_writes_nothing(
    db: Session, clerk: Principal
) -> None:
    case = make_request(db, clerk)
    with pytest.raises(FormInvalid) as no_reason:
        _correct(db, clerk, case, police_reference="OCC/1/26", reason="")
    assert no_reason.value.errors == {"reason": "Enter why this is being corrected"}
    with pytest.raises(FormInvalid) as nothing:
        _correct(db, clerk, case)
    assert nothing.value.errors == {"first_contact": "Change at least one answer, or go back without saving"}
    with pytest.raises(FormInvalid) as bad:
        _correct(
            db,
            clerk,
            case,
            channel="carrier pigeon",
            alleged_crime="yes",
            crime_reference="",
            **date_time_fields("first_contact", utcnow() + timedelta(days=3)),
        )
    assert set(bad.value.errors) == {"channel", "crime_reference", "first_contact"}
    assert _corrections(db) == 0 and case.police_reference == "OCC/123/26"


def test_the_first_contact_cannot_move_after_the_triage(db: Session, clerk: Principal) -> None:
    case = make_request(db, clerk)
    triage(db, clerk, case)
    case.triaged_at = utcnow() - timedelta(hours=1)  # recorded an hour ago
    with pytest.raises(FormInvalid) as refused:
        _correct(db, clerk, case, **date_time_fields("first_contact", utcnow() - timedelta(minutes=20)))
    assert refused.value.errors["first_contact"].startswith("First contact must be before the triage")


def test_a_finished_case_is_not_corrected(db: Session, clerk: Principal) -> None:
    case = make_request(db, clerk)
    service.withdraw(
        db, clerk, case.id, {"reason": "applicant_withdrew", "notes": "She no longer wishes to go on."}
    )
    with pytest.raises(InvalidTransition, match="withdrawn"):
        _correct(db, clerk, case, police_reference="OCC/2/26")


def test_the_correction_page_prefills_keeps_what_was_typed_and_shows_the_history(
    db: Session, client: PageClient, clerk: Principal
) -> None:
    case = make_request(db, clerk)
    sign_in_as(db, client, clerk)
    page = client.get(f"/requests/{case.id}")
    assert "Correct the first contact" in page.text and "Corrections" not in page.text
    form = client.get(f"/requests/{case.id}/correct")
    assert 'value="OCC/123/26"' in form.text and 'value="Testshire Police"' in form.text
    typed = {**service.correctable_values(case), "police_reference": "OCC/777/26", "reason": ""}
    refused = client.submit(f"/requests/{case.id}/correct", typed)
    assert refused.status_code == 400 and "Enter why this is being corrected" in refused.text
    assert 'value="OCC/777/26"' in refused.text, "nothing typed is lost"
    saved = client.submit(
        f"/requests/{case.id}/correct", {**typed, "reason": "Typo in the occurrence number"}
    )
    assert saved.status_code == 303
    page = client.get(f"/requests/{case.id}")
    assert (
        "Corrections" in page.text
        and "OCC/123/26" in page.text
        and "Typo in the occurrence number" in page.text
    )


def test_the_api_corrects_only_what_it_is_given(db: Session, client: PageClient, clerk: Principal) -> None:
    from disclosure.accounts import service as accounts
    from disclosure.accounts.roles import Role
    from tests.builders import make_user, principal_for

    case = make_request(db, clerk)
    admin = make_user(db, Role.ADMINISTRATOR, username="ada.corrections")
    token = accounts.issue_api_token(db, principal_for(admin.user), clerk.user_id, "records system")
    db.commit()
    client.headers["Authorization"] = f"Bearer {token}"
    url = f"/api/v1/requests/{case.id}/corrections"
    refused = client.post(url, json={"reason": "", "police_reference": "OCC/5/26"})
    assert refused.status_code == 400 and refused.json()["errors"] == {
        "reason": "Enter why this is being corrected"
    }
    earlier = case.first_contact_at - timedelta(hours=3)
    saved = client.post(url, json={"reason": "CAD log", "first_contact": earlier.isoformat()})
    assert saved.status_code == 201, saved.text
    db.expire_all()
    assert case.police_reference == "OCC/123/26" and abs(case.first_contact_at - earlier) < timedelta(
        seconds=1
    )
    assert [c.field for c in service.case_history(db, case)] == ["first_contact_at"]
