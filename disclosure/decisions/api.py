"""JSON API for decisions: read-only. Signed decisions on a case for its team, and one decision for its case
team or the panel members who took part. Decisions are made in the service, never through the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, get

from disclosure.auth import require_principal
from disclosure.decisions import service
from disclosure.web import Db, Id


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


ROUTES = [get_decision, case_decisions]
