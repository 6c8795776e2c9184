"""JSON API for requests: the same verbs as the pages, for integrations (e.g. an online application form or
the force's case system). Bodies use the same field names as the pages; dates are ISO 8601."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromQuery, JSONBody

from disclosure import paging
from disclosure.auth import require_principal
from disclosure.contract import choice, filled
from disclosure.requests import deadlines, queue, service
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.vocabulary import Channel, Route
from disclosure.web import Db, Id, body_values


@dataclass
class LogRequestBody:
    route: Annotated[str, choice(Route)]
    first_contact: datetime
    channel: Annotated[str, choice(Channel)]
    receiving_force: Annotated[str, filled(200)]
    alleged_crime: bool = False
    applicant_type: str | None = None
    police_reference: str = ""
    information_received: str = ""
    crime_reference: str = ""
    open_linked_case: bool = False


@dataclass
class PartyBody:
    """A person on the case, in `role` and any `also_roles` (an applicant who is the person at risk:
    `role` applicant, `also_roles` [person_at_risk]): one entry, one row per role. Safe contact
    (`safe_channels`: in_person, phone, text, email, post, each with its detail) is required for the
    applicant, with `safe_times`. A child on a Sarah's Law case must be under 18 by the person's date of
    birth (400 at `role`)."""

    person_id: uuid.UUID
    role: str
    also_roles: list[str] = field(default_factory=list)
    relationship: str = ""
    relationship_to_child: str = ""
    safe_channels: list[str] = field(default_factory=list)
    safe_phone: str = ""
    safe_email: str = ""
    safe_address: str = ""
    no_messages: bool = False
    safe_times: str = ""
    safe_contact_method: str = ""


@dataclass
class IncidentBody:
    """A previous incident known at triage."""

    occurred_on: date
    summary: str
    reference: str = ""


@dataclass
class TriageBody:
    """The triage as a whole: `incidents` replaces those recorded (send them all; leave one out to remove
    it). The policy's number of incidents within its months (3 in 12) is potential escalation and needs
    `marac_referral` [SafeLives][MARAC-criteria]."""

    immediate_risk: bool
    rag: str
    immediate_risk_action: str = ""
    dash_score: int | None = None
    professional_risk_level: str | None = None
    risk_rationale: str = ""
    marac_referral: bool = False
    idva_referral: bool = False
    incidents: list[IncidentBody] = field(default_factory=list)
    version: int | None = None


@dataclass
class IdentityBody:
    meeting: datetime
    outcome: str
    documents: list[str] = field(default_factory=list)
    notes: str = ""
    version: int | None = None


@dataclass
class CorrectionBody:
    """A correction to what was logged at first contact: give only the facts that change, and why. The
    old values stay in the case's history; a first contact moves the deadlines with it."""

    reason: str
    first_contact: datetime | None = None
    channel: str | None = None
    receiving_force: str | None = None
    police_reference: str | None = None
    applicant_type: str | None = None
    information_received: str | None = None
    alleged_crime: bool | None = None
    crime_reference: str | None = None
    version: int | None = None


@dataclass
class ReasonBody:
    reason: str
    notes: str = ""
    version: int | None = None


@dataclass
class ExtensionBody:
    """`reason_code`: one of the configured exceptional circumstances; `reason`: the details."""

    days: int
    reason_code: str
    reason: str


@dataclass
class PauseBody:
    """`reason_code`: one of the configured reasons for a pause; `reason`: the details."""

    reason_code: str
    reason: str


@dataclass
class AssignBody:
    assignee_id: uuid.UUID
    version: int | None = None


@dataclass
class VersionBody:
    version: int | None = None


@dataclass
class StartResearchBody:
    """`researcher_id`: the researcher who leads the case from now on (an active user with the researcher
    role; the earlier lead stays on its team); left out, the case lead stays as it is."""

    version: int | None = None
    researcher_id: uuid.UUID | None = None


@dataclass
class DeadlineOut:
    key: str
    name: str
    due_at: datetime
    status: str
    explanation: str


@dataclass
class PartyOut:
    id: uuid.UUID
    person_id: uuid.UUID
    role: str
    relationship: str
    relationship_to_child: str
    safe_channels: list[str]
    safe_phone: str
    safe_email: str
    safe_address: str
    no_messages: bool
    safe_times: str
    safe_contact_method: str


@dataclass
class RequestOut:
    id: uuid.UUID
    reference: str
    scheme: str
    route: str
    status: str
    version: int
    applicant_type: str | None
    first_contact_at: datetime
    channel: str
    receiving_force: str
    police_reference: str
    rag: str | None
    risk_level: str | None
    immediate_risk: bool | None
    potential_escalation: bool
    incidents: list[IncidentBody]
    identity_verified: bool | None
    linked_request_id: uuid.UUID | None
    assignee_id: uuid.UUID | None
    parties: list[PartyOut]
    deadlines: list[DeadlineOut]
    flags: list[str]


@dataclass
class QueueItemOut:
    id: uuid.UUID
    reference: str
    route: str
    stage: str
    rag: str | None
    next_deadline: str | None
    next_deadline_due_at: datetime | None
    next_deadline_status: str | None
    assignee: str | None


@dataclass
class QueuePageOut:
    """One page of the work queue. `count` is how many open cases match, up to 1,000 (`count_capped`:
    more than that); follow `next_cursor` with `after`, `previous_cursor` with `before`."""

    items: list[QueueItemOut]
    count: int
    count_capped: bool
    next_cursor: str | None
    previous_cursor: str | None


def _out(db: Db, case: DisclosureRequest) -> RequestOut:
    level = service.risk_level(case)
    policy = deadlines.policies(db)[case.clock_policy_code]
    return RequestOut(
        id=case.id,
        reference=case.reference,
        scheme=case.scheme,
        route=case.route,
        status=case.status,
        version=case.version,
        applicant_type=case.applicant_type,
        first_contact_at=case.first_contact_at,
        channel=case.channel,
        receiving_force=case.receiving_force,
        police_reference=case.police_reference,
        rag=case.rag,
        risk_level=level.value if level else None,
        immediate_risk=case.immediate_risk,
        potential_escalation=case.potential_escalation,
        incidents=[IncidentBody(i.occurred_on, i.summary, i.reference) for i in case.incidents],
        identity_verified=case.identity_verified,
        linked_request_id=case.linked_request_id,
        assignee_id=case.assignee_id,
        parties=[
            PartyOut(
                id=p.id,
                person_id=p.person_id,
                role=p.role,
                relationship=p.relationship_to_person_at_risk,
                relationship_to_child=p.relationship_to_child,
                safe_channels=[c for c in p.safe_channels.split(",") if c],
                safe_phone=p.safe_phone,
                safe_email=p.safe_email,
                safe_address=p.safe_address,
                no_messages=p.no_messages,
                safe_times=p.safe_times,
                safe_contact_method=p.safe_contact_method,
            )
            for p in case.parties
        ],
        deadlines=[
            DeadlineOut(d.key, d.name, d.due_at, d.status, d.explanation)
            for d in deadlines.deadlines(case, policy, deadlines.calendar_for(db))
        ],
        flags=queue.flags(db, case),
    )


@get("/api/v1/requests", name="api.requests", sync_to_thread=True, tags=["requests"])
def list_requests(
    request: Request[Any, Any, Any],
    db: Db,
    whose: FromQuery[str] = "team",
    route: FromQuery[str] = "",
    status: FromQuery[str] = "",
    assignee: FromQuery[str] = "",
    due: FromQuery[str] = "",
    limit: paging.Limit = paging.LIMIT,
    after: paging.After = "",
    before: paging.Before = "",
) -> QueuePageOut:
    """The work queue a page at a time: open cases, nearest deadline first, then by RAG. `due` narrows it
    by the next deadline: `overdue`, `week` (within 7 days) or `later` (or paused)."""
    filters = queue.parse_filters(
        {"whose": whose, "route": route, "status": status, "assignee": assignee, "due": due}
    )
    found = queue.work_queue(db, require_principal(request), filters, after=after, before=before, limit=limit)
    return QueuePageOut(
        items=[
            QueueItemOut(
                r.id,
                r.reference,
                r.route_label,
                r.status_label,
                r.rag,
                r.deadline.name if r.deadline else None,
                r.deadline.due_at if r.deadline else None,
                r.deadline.status if r.deadline else None,
                r.assignee,
            )
            for r in found.items
        ],
        count=found.count,
        count_capped=found.more,
        next_cursor=found.after,
        previous_cursor=found.before,
    )


@post("/api/v1/requests", name="api.log_request", sync_to_thread=True, tags=["requests"])
def log_request(request: Request[Any, Any, Any], db: Db, data: JSONBody[LogRequestBody]) -> RequestOut:
    """Log a request at first contact (and optionally a linked case under the other scheme)."""
    return _out(db, service.log_request(db, require_principal(request), body_values(data)))


@get("/api/v1/requests/{request_id:uuid}", name="api.request", sync_to_thread=True, tags=["requests"])
def get_request(request: Request[Any, Any, Any], db: Db, request_id: Id) -> RequestOut:
    return _out(db, service.view(db, require_principal(request), request_id))


@post(
    "/api/v1/requests/{request_id:uuid}/corrections",
    name="api.correct_request",
    sync_to_thread=True,
    tags=["requests"],
)
def correct_request(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: JSONBody[CorrectionBody]
) -> RequestOut:
    """Correct what was logged at first contact, with a reason (400 at the field; 409 once finished)."""
    principal = require_principal(request)
    case = service.load_open(db, principal, request_id)
    values = service.correctable_values(case)
    if data.first_contact is not None:
        values = {k: v for k, v in values.items() if not k.startswith("first_contact")}
    given = {k: v for k, v in body_values(data).items() if getattr(data, k) is not None}
    service.correct_request(db, principal, request_id, {**values, **given})
    return _then(db, request, request_id)


def _then(db: Db, request: Request[Any, Any, Any], request_id: uuid.UUID) -> RequestOut:
    return _out(db, service.load(db, require_principal(request), request_id))


@post(
    "/api/v1/requests/{request_id:uuid}/parties", name="api.add_party", sync_to_thread=True, tags=["requests"]
)
def add_party(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: JSONBody[PartyBody]
) -> RequestOut:
    """Put a person from the people index on the case in a role."""
    service.add_party(db, require_principal(request), request_id, data.person_id, body_values(data))
    return _then(db, request, request_id)


@post("/api/v1/requests/{request_id:uuid}/triage", name="api.triage", sync_to_thread=True, tags=["requests"])
def triage(request: Request[Any, Any, Any], db: Db, request_id: Id, data: JSONBody[TriageBody]) -> RequestOut:
    values = body_values(data)
    values["dash_done"] = "yes" if data.dash_score is not None else "no"
    del values["incidents"]
    for n, incident in enumerate(data.incidents):
        values |= {
            f"incident-{n}-date": incident.occurred_on.isoformat(),
            f"incident-{n}-summary": incident.summary,
            f"incident-{n}-reference": incident.reference,
        }
    service.record_triage(db, require_principal(request), request_id, values)
    return _then(db, request, request_id)


@post(
    "/api/v1/requests/{request_id:uuid}/complete-initial-checks",
    name="api.complete_initial_checks",
    sync_to_thread=True,
    tags=["requests"],
)
def complete_initial_checks(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: JSONBody[VersionBody]
) -> RequestOut:
    service.complete_initial_checks(db, require_principal(request), request_id, data.version)
    return _then(db, request, request_id)


@post(
    "/api/v1/requests/{request_id:uuid}/verify-identity",
    name="api.verify_identity",
    sync_to_thread=True,
    tags=["requests"],
)
def verify_identity(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: JSONBody[IdentityBody]
) -> RequestOut:
    service.verify_identity(db, require_principal(request), request_id, body_values(data))
    return _then(db, request, request_id)


@post(
    "/api/v1/requests/{request_id:uuid}/start-research",
    name="api.start_research",
    sync_to_thread=True,
    tags=["requests"],
)
def start_research(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: JSONBody[StartResearchBody]
) -> RequestOut:
    """Hand the case to research. 400 at `researcher_id` for a user who is not an active researcher."""
    values: dict[str, Any] = {"version": data.version}
    if data.researcher_id is not None:
        values["researcher_id"] = str(data.researcher_id)
    service.start_research(db, require_principal(request), request_id, values)
    return _then(db, request, request_id)


@post(
    "/api/v1/requests/{request_id:uuid}/withdraw", name="api.withdraw", sync_to_thread=True, tags=["requests"]
)
def withdraw(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: JSONBody[ReasonBody]
) -> RequestOut:
    service.withdraw(db, require_principal(request), request_id, body_values(data))
    return _then(db, request, request_id)


@post(
    "/api/v1/requests/{request_id:uuid}/out-of-scope",
    name="api.out_of_scope",
    sync_to_thread=True,
    tags=["requests"],
)
def out_of_scope(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: JSONBody[ReasonBody]
) -> RequestOut:
    service.close_out_of_scope(db, require_principal(request), request_id, body_values(data))
    return _then(db, request, request_id)


@post("/api/v1/requests/{request_id:uuid}/pause", name="api.pause", sync_to_thread=True, tags=["requests"])
def pause(request: Request[Any, Any, Any], db: Db, request_id: Id, data: JSONBody[PauseBody]) -> RequestOut:
    service.pause_clock(db, require_principal(request), request_id, body_values(data))
    return _then(db, request, request_id)


@post("/api/v1/requests/{request_id:uuid}/resume", name="api.resume", sync_to_thread=True, tags=["requests"])
def resume(request: Request[Any, Any, Any], db: Db, request_id: Id) -> RequestOut:
    service.resume_clock(db, require_principal(request), request_id)
    return _then(db, request, request_id)


@post("/api/v1/requests/{request_id:uuid}/extend", name="api.extend", sync_to_thread=True, tags=["requests"])
def extend(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: JSONBody[ExtensionBody]
) -> RequestOut:
    service.extend_deadline(db, require_principal(request), request_id, body_values(data))
    return _then(db, request, request_id)


@post("/api/v1/requests/{request_id:uuid}/assign", name="api.assign", sync_to_thread=True, tags=["requests"])
def assign(request: Request[Any, Any, Any], db: Db, request_id: Id, data: JSONBody[AssignBody]) -> RequestOut:
    service.assign(db, require_principal(request), request_id, body_values(data))
    return _then(db, request, request_id)


ROUTES = [
    list_requests,
    log_request,
    get_request,
    correct_request,
    add_party,
    triage,
    complete_initial_checks,
    verify_identity,
    start_research,
    withdraw,
    out_of_scope,
    pause,
    resume,
    extend,
    assign,
]
