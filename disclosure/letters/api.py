"""JSON API for the delivery: record how the outcome reached the recipient (the disclosure in person, or the
communication of a decision not to disclose), with the same checks and audit as the page, and read it back
[issue 18]."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Request, get, post
from litestar.params import JSONBody

from disclosure.auth import require_principal
from disclosure.errors import NotFound
from disclosure.letters import delivery as deliveries
from disclosure.letters.models import Delivery
from disclosure.requests import service as requests_service
from disclosure.web import Db, Id, body_values


@dataclass
class DeliveryBody:
    """How and when. `method`: in_person, telephone or letter (a disclosure is always in person; an outcome
    without one only as the applicant's safe contact allows). A disclosure also needs `identity_reconfirmed`
    and `warning_given` (both true), `acknowledgement` (verbal, or signed with `undertaking_letter_id`),
    `safety_plan_agreed`, `support`, `reaction` and `subject_told` (with `subject_told_at`; where it differs
    from the panel's decision, `subject_told_difference` and `chair_agreed_difference`)."""

    occurred_at: datetime
    method: str = ""
    place: str = ""
    present: str = ""
    identity_reconfirmed: bool | None = None
    warning_given: bool | None = None
    acknowledgement: str = ""
    undertaking_letter_id: uuid.UUID | None = None
    safety_plan_agreed: bool | None = None
    support: str = ""
    reaction: str = ""
    subject_told: bool | None = None
    subject_told_at: datetime | None = None
    subject_told_difference: str = ""
    chair_agreed_difference: bool | None = None
    notes: str = ""


@dataclass
class DeliveryOut:
    id: uuid.UUID
    request_id: uuid.UUID
    decision_id: uuid.UUID
    disclosure: bool
    method: str
    occurred_at: datetime
    place: str
    officer_id: uuid.UUID
    acknowledgement: str | None
    subject_told: bool | None
    recorded_at: datetime


def _out(row: Delivery) -> DeliveryOut:
    return DeliveryOut(
        row.id,
        row.request_id,
        row.decision_id,
        row.disclosure,
        row.method,
        row.occurred_at,
        row.place,
        row.officer_id,
        row.acknowledgement,
        row.subject_told,
        row.recorded_at,
    )


def _values(data: DeliveryBody) -> dict[str, Any]:
    values = body_values(data)
    values["occurred"] = values.pop("occurred_at")
    return values


@post(
    "/api/v1/requests/{request_id:uuid}/delivery",
    name="api.record_delivery",
    sync_to_thread=True,
    tags=["letters"],
)
def record_delivery(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: JSONBody[DeliveryBody]
) -> DeliveryOut:
    """Record the delivery once, after the signed decision: the case's clock stops. 409 before a signed
    decision or when one is recorded already."""
    return _out(deliveries.record_delivery(db, require_principal(request), request_id, _values(data)))


@get(
    "/api/v1/requests/{request_id:uuid}/delivery", name="api.delivery", sync_to_thread=True, tags=["letters"]
)
def delivery(request: Request[Any, Any, Any], db: Db, request_id: Id) -> DeliveryOut:
    """The case's delivery (404 while none is recorded)."""
    case = requests_service.view(db, require_principal(request), request_id)
    found = deliveries.delivery_for(db, case)
    if found is None:
        raise NotFound("No delivery is recorded for this case yet")
    return _out(found)


ROUTES = [record_delivery, delivery]
