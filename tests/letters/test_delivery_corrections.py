"""Correcting the record of a delivery (issue 16, "Correct any record"): a mistyped time or place is amended
with a reason while the case is open, the old value kept in the delivery's history and the change audited;
the answers are checked as when the delivery was recorded. The delivery form starts at now."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from time_machine import TimeMachineFixture

from disclosure import corrections
from disclosure.audit import AuditEvent
from disclosure.db import utcnow
from disclosure.errors import FormInvalid, InvalidTransition, NotFound
from disclosure.letters import delivery as deliveries
from disclosure.letters.context import signed_decision
from disclosure.letters.models import Delivery
from disclosure.requests import service as requests_service
from disclosure.requests.models import DisclosureRequest
from tests.accounts.helpers import field_value, summary_links
from tests.builders import date_time_fields, sign_in_as
from tests.decisions.conftest import Cast
from tests.letters.builders import disclosure_delivery
from tests.letters.conftest import Decide
from tests.pages import PageClient

REASON = "The pocket notebook shows the meeting was an hour earlier"


@pytest.fixture
def delivered(db: Session, cast: Cast, decided: Decide, time_machine: TimeMachineFixture) -> DeliveredCase:
    """`delivered()`: a disclosure delivered an hour ago, decided by a panel that signed off three hours
    ago (the clock moved back for the decision), so the delivery's time can be corrected either way."""

    def make() -> DisclosureRequest:
        now = utcnow()
        time_machine.move_to(now - timedelta(hours=3), tick=True)
        case = decided("disclose")
        time_machine.move_to(now, tick=True)
        decision = signed_decision(db, case)
        assert decision is not None and decision.signed_at is not None
        assert decision.signed_at < now - timedelta(hours=2)
        return _deliver(db, cast, case)

    return make


DeliveredCase = Callable[[], DisclosureRequest]


def _deliver(db: Session, cast: Cast, case: DisclosureRequest, hours_ago: float = 1) -> DisclosureRequest:
    moment = utcnow() - timedelta(hours=hours_ago)
    deliveries.record_delivery(
        db, cast.officer, case.id, disclosure_delivery(**date_time_fields("occurred", moment))
    )
    return case


def _values(db: Session, case: DisclosureRequest, **changes: object) -> dict[str, object]:
    recorded = deliveries.delivery_for(db, case)
    assert recorded is not None
    return {**deliveries.correctable_values(recorded), corrections.REASON: REASON, **changes}


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def test_a_corrected_time_and_place_keep_the_old_values_and_are_audited(
    db: Session, cast: Cast, delivered: DeliveredCase
) -> None:
    case = delivered()
    earlier = utcnow() - timedelta(hours=2)
    deliveries.correct_delivery(
        db,
        cast.officer,
        case.id,
        _values(db, case, place="Leeds Millgarth police station", **date_time_fields("occurred", earlier)),
    )
    recorded = deliveries.delivery_for(db, case)
    assert recorded is not None
    assert recorded.place == "Leeds Millgarth police station"
    assert recorded.occurred_at == _minute(earlier)
    history = corrections.history(db, deliveries.OBJECT_TYPE, recorded.id)
    assert {(c.label, c.old_value, c.new_value) for c in history if c.field == "place"} == {
        ("Where it happened", "Leeds Central police station", "Leeds Millgarth police station")
    }
    assert {c.field for c in history} == {"place", "occurred_at"}
    assert all(c.reason == REASON and c.corrected_by_id == cast.officer.user_id for c in history)
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "letters.delivery.correct"))
    assert event is not None and event.object_id == str(recorded.id)
    details = json.loads(event.details)
    assert sorted(details["fields"]) == ["occurred_at", "place"]
    assert details["reference"] == case.reference
    assert "Millgarth" not in (event.justification or ""), "the audit names the fields, not their values"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({corrections.REASON: ""}, "reason", "Enter why this is being corrected"),
        ({}, "occurred", corrections.UNCHANGED),
        ({"place": ""}, "place", "Enter where it happened"),
        ({"support": ""}, "support", "Enter the support services signposted"),
        ({"reaction": ""}, "reaction", "Enter how the recipient reacted"),
        (date_time_fields("occurred", utcnow() - timedelta(hours=4)), "occurred", "after the decision"),
        (date_time_fields("occurred", utcnow() + timedelta(hours=2)), "occurred", "today or in the past"),
    ],
)
def test_a_correction_is_checked_as_the_delivery_was_and_a_refused_one_writes_nothing(
    db: Session, cast: Cast, delivered: DeliveredCase, changes: dict[str, object], field: str, message: str
) -> None:
    case = delivered()
    before = deliveries.delivery_for(db, case)
    assert before is not None
    occurred, place = before.occurred_at, before.place
    with pytest.raises(FormInvalid) as refused:
        deliveries.correct_delivery(db, cast.officer, case.id, _values(db, case, **changes))
    assert message in refused.value.errors[field], refused.value.errors
    after = db.scalar(select(Delivery).where(Delivery.request_id == case.id))
    assert after is not None and (after.occurred_at, after.place) == (occurred, place)
    assert corrections.history(db, deliveries.OBJECT_TYPE, after.id) == []


def test_nothing_to_correct_before_a_delivery_and_nothing_once_the_case_is_closed(
    db: Session, cast: Cast, decided: Decide
) -> None:
    case = decided("disclose")
    with pytest.raises(NotFound):
        deliveries.correct_delivery(db, cast.officer, case.id, {corrections.REASON: REASON})
    _deliver(db, cast, case, hours_ago=0)
    values = _values(db, case, place="Leeds Millgarth police station")
    requests_service.close_request(db, cast.clerk, case.id, case.version)
    with pytest.raises(InvalidTransition):
        deliveries.correct_delivery(db, cast.officer, case.id, values)


def test_the_correction_page_starts_from_the_record_lists_errors_in_page_order_and_shows_the_history(
    db: Session, client: PageClient, cast: Cast, delivered: DeliveredCase
) -> None:
    case = delivered()
    sign_in_as(db, client, cast.officer)
    letters = client.get(f"/requests/{case.id}/letters").text
    assert f'href="/requests/{case.id}/delivery/correct"' in letters
    form = client.get(f"/requests/{case.id}/delivery/correct")
    assert form.status_code == 200
    assert field_value(form.text, "place") == "Leeds Central police station"
    refused = client.submit(
        f"/requests/{case.id}/delivery/correct",
        _values(db, case, place="", reaction="", **{corrections.REASON: ""}),
    )
    assert refused.status_code == 400
    assert summary_links(refused.text) == ["place", "reaction", "reason"]
    saved = client.submit(
        f"/requests/{case.id}/delivery/correct", _values(db, case, place="Leeds Millgarth police station")
    )
    assert saved.status_code == 303
    page = client.get(f"/requests/{case.id}/letters").text
    assert "Corrections" in page and "Leeds Millgarth police station" in page and REASON in page


def test_only_those_who_record_a_delivery_may_correct_it(
    db: Session, client: PageClient, cast: Cast, delivered: DeliveredCase
) -> None:
    case = delivered()
    sign_in_as(db, client, cast.researcher)
    assert client.get(f"/requests/{case.id}/delivery/correct").status_code == 403
    refused = client.submit(f"/requests/{case.id}/delivery/correct", _values(db, case, place="Anywhere else"))
    assert refused.status_code == 403


def test_the_delivery_form_starts_at_the_time_now(
    db: Session, client: PageClient, cast: Cast, decided: Decide
) -> None:
    case = decided("disclose")
    sign_in_as(db, client, cast.officer)
    before = date_time_fields("occurred", utcnow())
    page = client.get(f"/requests/{case.id}/delivery").text
    after = date_time_fields("occurred", utcnow())
    shown = {name: field_value(page, name) for name in before}
    assert shown in (before, after), shown


def test_a_closed_case_says_why_its_delivery_cannot_be_corrected_and_keeps_the_answers(
    db: Session, client: PageClient, cast: Cast, delivered: DeliveredCase
) -> None:
    case = delivered()
    values = _values(db, case, place="Leeds Millgarth police station")
    requests_service.close_request(db, cast.clerk, case.id, case.version)
    sign_in_as(db, client, cast.officer)
    refused = client.submit(f"/requests/{case.id}/delivery/correct", values)
    assert refused.status_code == 409
    assert "This case was closed" in refused.text and "Leeds Millgarth police station" in refused.text
    assert (
        f'href="/requests/{case.id}/delivery/correct"' not in client.get(f"/requests/{case.id}/letters").text
    ), "no correction is offered on a finished case"
