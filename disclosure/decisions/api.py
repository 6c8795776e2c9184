"""JSON API for decisions. Signed decisions on a case for its team, and one decision for its case team or the
panel members who took part: read-only, since panels decide in the service, never through the API. And the
urgent disclosures made at first contact for immediate protection [Beds]: recorded by an officer holding the
urgent disclosure authority, listed with the panel's ratification."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Request, get, post
from litestar.params import JSONBody

from disclosure.auth import require_principal
from disclosure.decisions import service
from disclosure.decisions.models import UrgentDisclosure
from disclosure.decisions.service import urgent
from disclosure.requests import service as requests_service
from disclosure.web import Db, Id, body_values


@dataclass
class DecisionOut:
    """A decision in words: outcome, legal tests, disclosure or no-disclosure details, views, sign-off."""

    id: str
    request_id: str
    status: str
    outcome: str
    package_version: int
    legal_tests: list[dict[str, Any]]
    article8: str
    spent_convictions: str
    spent_reasoning: str
    wording: str
    recipients: list[dict[str, Any]]
    recipient_reasons: str
    deliverer: str
    subject_views_sought: bool | None
    subject_views: str
    subject_told: bool | None
    subject_told_reason: str
    safety_plan: str
    safeguarding: list[str]
    safeguarding_details: str
    no_disclosure_reason: str
    safety_advice: str
    applicant_told: str
    presumption_applies: bool
    presumption_departure: str
    urgent_ratification: str
    """The answer on urgent disclosures made before the panel: empty (none), ratified or not_ratified."""
    urgent_ratification_notes: str
    questions: str
    views: list[dict[str, Any]]
    dissent: bool
    rationale: str
    participants: list[dict[str, Any]]
    drafted_by: str
    signed_by: str
    signed_at: str | None
    addenda: list[dict[str, Any]]


def _out(described: dict[str, Any]) -> DecisionOut:
    fields = DecisionOut.__dataclass_fields__
    return DecisionOut(**{k: v for k, v in described.items() if k in fields})


@get("/api/v1/decisions/{decision_id:uuid}", name="api.decision", sync_to_thread=True, tags=["decisions"])
def get_decision(request: Request[Any, Any, Any], db: Db, decision_id: Id) -> DecisionOut:
    """One decision (reading it is audited)."""
    return _out(service.describe(db, service.get_decision(db, require_principal(request), decision_id)))


@get(
    "/api/v1/requests/{request_id:uuid}/decisions",
    name="api.case_decisions",
    sync_to_thread=True,
    tags=["decisions"],
)
def case_decisions(request: Request[Any, Any, Any], db: Db, request_id: Id) -> list[DecisionOut]:
    """The signed decisions on a case, oldest first."""
    decisions = service.case_decisions(db, require_principal(request), request_id)
    return [_out(service.describe(db, d)) for d in decisions]


@dataclass
class UrgentBody:
    """An urgent disclosure for immediate protection [Beds]: `recipient` is a case party's id (the scheme's
    recipient rules apply), `words` what was said, `reason` why it could not wait for the panel."""

    recipient: uuid.UUID
    words: str
    reason: str
    said_at: datetime
    said_by: str
    confidentiality_warning: bool


@dataclass
class UrgentOut:
    id: uuid.UUID
    request_id: uuid.UUID
    recipient_name: str
    capacity: str
    words: str
    reason: str
    said_at: datetime
    said_by: str
    authorised_by_id: uuid.UUID
    ratification: str
    """Empty while awaiting the next panel; then `ratified` or `not_ratified`."""
    ratification_notes: str
    ratified_at: datetime | None


def _urgent_out(row: UrgentDisclosure) -> UrgentOut:
    return UrgentOut(
        row.id,
        row.request_id,
        row.recipient_name,
        row.capacity,
        row.said,
        row.reason,
        row.said_at,
        row.said_by,
        row.authorised_by_id,
        row.ratification,
        row.ratification_notes,
        row.ratified_at,
    )


@post(
    "/api/v1/requests/{request_id:uuid}/urgent-disclosures",
    name="api.record_urgent_disclosure",
    sync_to_thread=True,
    tags=["decisions"],
)
def api_record(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: JSONBody[UrgentBody]
) -> UrgentOut:
    """Record an urgent disclosure (the token's user holds the urgent disclosure authority). 409 when the
    triage records no immediate risk, or the panel has decided."""
    return _urgent_out(urgent.authorise(db, require_principal(request), request_id, body_values(data)))


@get(
    "/api/v1/requests/{request_id:uuid}/urgent-disclosures",
    name="api.urgent_disclosures",
    sync_to_thread=True,
    tags=["decisions"],
)
def api_list(request: Request[Any, Any, Any], db: Db, request_id: Id) -> list[UrgentOut]:
    """The case's urgent disclosures, oldest first, with the panel's ratification."""
    case = requests_service.view(db, require_principal(request), request_id)
    return [_urgent_out(row) for row in urgent.for_case(db, case.id)]


ROUTES = [get_decision, case_decisions, api_record, api_list]
