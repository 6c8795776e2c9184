"""JSON API for decisions: signed decisions on a case for its team, and one decision for its case team or the
panel members who took part; the urgent disclosures made at first contact for immediate protection [Beds],
recorded by an officer holding the urgent disclosure authority, listed with the panel's ratification. And the
panel itself, for integrations and a force's migration [issue 18]: convene a meeting, seat its members, put
cases on its agenda, record attendance and the decision, and sign it off, where the chair's password and a
fresh security code travel with the sign-off (a token has no session to re-authenticate). The same service
verbs as the pages, with the same rules and audit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import JSONBody

from disclosure.accounts import service as accounts
from disclosure.auth import require_principal
from disclosure.contract import choice
from disclosure.decisions import service
from disclosure.decisions.models import PanelMeeting, UrgentDisclosure
from disclosure.decisions.service import urgent
from disclosure.decisions.service.prefill import TEST_PREFIX
from disclosure.decisions.vocabulary import Forum, Outcome
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


# ------------------------------------------------------------------------------------- the panel


@dataclass
class MeetingBody:
    """`forum`: disclosure_panel, marac or mappa; `held`: the meeting has already taken place (a record made
    after it), which a time in the past needs."""

    forum: Annotated[str, choice(Forum)]
    meets_at: datetime
    chair_id: uuid.UUID
    location: str = ""
    held: bool = False


@dataclass
class MemberBody:
    """A panel user sitting for one of the panel's agencies (`GET /api/v1/panels/{id}` lists the seats)."""

    user_id: uuid.UUID
    panel_agency_id: uuid.UUID


@dataclass
class AgendaBody:
    """A case whose package has been submitted for decision."""

    request_id: uuid.UUID


@dataclass
class MemberOut:
    id: uuid.UUID
    user_id: uuid.UUID
    panel_agency_id: uuid.UUID
    agency: str


@dataclass
class ItemOut:
    """A case on the agenda; `decision_status` empty until a decision is recorded (draft, then signed)."""

    id: uuid.UUID
    request_id: uuid.UUID
    decision_id: uuid.UUID | None
    decision_status: str


@dataclass
class AgencyOut:
    id: uuid.UUID
    code: str
    name: str


@dataclass
class PanelOut:
    """A meeting, its seats and agenda, and the agencies a member may sit for (`panel_agencies`)."""

    id: uuid.UUID
    forum: str
    meets_at: datetime
    location: str
    status: str
    chair_id: uuid.UUID
    members: list[MemberOut]
    items: list[ItemOut]
    panel_agencies: list[AgencyOut]


def _panel(db: Db, request: Request[Any, Any, Any], meeting_id: uuid.UUID) -> PanelOut:
    meeting: PanelMeeting = service.load_meeting(db, require_principal(request), meeting_id)
    db.refresh(meeting)
    items = []
    for item in meeting.items:
        if item.removed_at is not None:
            continue
        decision = service.decision_for(db, item)
        items.append(
            ItemOut(
                item.id,
                item.request_id,
                decision.id if decision else None,
                decision.status if decision else "",
            )
        )
    return PanelOut(
        meeting.id,
        meeting.forum,
        meeting.meets_at,
        meeting.location,
        meeting.status,
        meeting.chair_id,
        [MemberOut(m.id, m.user_id, m.panel_agency_id, m.agency.name) for m in meeting.members],
        items,
        [AgencyOut(a.id, a.code, a.name) for a in service.panel_agencies(db)],
    )


@post("/api/v1/panels", name="api.convene", sync_to_thread=True, tags=["decisions"])
def convene(request: Request[Any, Any, Any], db: Db, data: JSONBody[MeetingBody]) -> PanelOut:
    """Convene a meeting (its chair sits for the police until seated otherwise)."""
    meeting = service.convene(db, require_principal(request), body_values(data))
    return _panel(db, request, meeting.id)


@get("/api/v1/panels/{meeting_id:uuid}", name="api.panel", sync_to_thread=True, tags=["decisions"])
def panel(request: Request[Any, Any, Any], db: Db, meeting_id: Id) -> PanelOut:
    """A meeting with its seats and its agenda (ids only: each case is read with its own need to know)."""
    return _panel(db, request, meeting_id)


@post(
    "/api/v1/panels/{meeting_id:uuid}/members", name="api.add_member", sync_to_thread=True, tags=["decisions"]
)
def add_member(
    request: Request[Any, Any, Any], db: Db, meeting_id: Id, data: JSONBody[MemberBody]
) -> PanelOut:
    service.add_member(db, require_principal(request), meeting_id, body_values(data))
    return _panel(db, request, meeting_id)


@post(
    "/api/v1/panels/{meeting_id:uuid}/agenda",
    name="api.add_to_agenda",
    sync_to_thread=True,
    tags=["decisions"],
)
def add_to_agenda(
    request: Request[Any, Any, Any], db: Db, meeting_id: Id, data: JSONBody[AgendaBody]
) -> PanelOut:
    """Put the case's latest submitted package version on the agenda."""
    service.add_to_agenda(db, require_principal(request), meeting_id, body_values(data))
    return _panel(db, request, meeting_id)


@dataclass
class PresenceIn:
    """One seat's attendance for the case; a declared `conflict` (its description) keeps them out of it."""

    member_id: uuid.UUID
    present: bool
    conflict: str = ""


@dataclass
class AttendanceBody:
    members: list[PresenceIn]


@post(
    "/api/v1/panels/{meeting_id:uuid}/agenda/{item_id:uuid}/attendance",
    name="api.record_attendance",
    sync_to_thread=True,
    tags=["decisions"],
)
def record_attendance(
    request: Request[Any, Any, Any], db: Db, meeting_id: Id, item_id: Id, data: JSONBody[AttendanceBody]
) -> PanelOut:
    """Who is present for this case, seat by seat (every seat must be answered)."""
    values: dict[str, Any] = {"attendance": "each"}
    for seat in data.members:
        values[f"present-{seat.member_id}"] = "yes" if seat.present else "no"
        if seat.conflict:
            values[f"conflict-{seat.member_id}"] = "yes"
            values[f"conflict-note-{seat.member_id}"] = seat.conflict
    service.record_attendance(db, require_principal(request), meeting_id, item_id, values)
    return _panel(db, request, meeting_id)


@dataclass
class LegalTestIn:
    """`test`: lawful, necessary, proportionate or pressing_need; a disclosure needs each met."""

    test: str
    met: bool
    reasoning: str


@dataclass
class ViewIn:
    """An agency's view: `agree` or `dissent` (with its reasons)."""

    panel_agency_id: uuid.UUID
    view: str
    reasons: str = ""


@dataclass
class DecisionBody:
    """The decision as the page records it. `outcome`: disclose, no_disclosure or defer. A disclosure needs
    `article8`, `spent_convictions` (none, disclose or withhold, with `spent_reasoning`), `wording`,
    `recipients` (case party ids, from the decision page's options), `deliverer_id`, the subject's views and
    whether the subject is told, `safety_plan`; a decision not to disclose `no_disclosure_reason_id`,
    `safety_advice` and `applicant_told`; a deferral `questions`. Every agency present gives its view."""

    outcome: str
    legal_tests: list[LegalTestIn]
    views: list[ViewIn]
    rationale: str
    article8: str = ""
    spent_convictions: str = ""
    spent_reasoning: str = ""
    wording: str = ""
    recipients: list[uuid.UUID] | None = None
    recipient_reasons: str = ""
    deliverer_id: uuid.UUID | None = None
    subject_views_sought: bool | None = None
    subject_views: str = ""
    subject_told: bool | None = None
    subject_told_reason: str = ""
    safety_plan: str = ""
    safeguarding: list[str] | None = None
    safeguarding_details: str = ""
    no_disclosure_reason_id: uuid.UUID | None = None
    safety_advice: str = ""
    applicant_told: str = ""
    presumption_departure: str = ""
    urgent_ratification: str = ""
    urgent_ratification_notes: str = ""
    questions: str = ""
    version: int | None = None


def _decision_values(data: DecisionBody) -> dict[str, Any]:
    values = body_values(data)
    for name in ("legal_tests", "views"):
        values.pop(name)
    values["recipients"] = [str(r) for r in data.recipients or []]
    values["safeguarding"] = list(data.safeguarding or [])
    outcome = next((o for o in Outcome if o.value == data.outcome), Outcome.DISCLOSE)
    prefix = TEST_PREFIX.get(outcome, "test-")
    for test in data.legal_tests:
        values[f"{prefix}{test.test}"] = "yes" if test.met else "no"
        values[f"{prefix}{test.test}-reasoning"] = test.reasoning
    for view in data.views:
        values[f"view-{view.panel_agency_id}"] = view.view
        values[f"view-{view.panel_agency_id}-reasons"] = view.reasons
    return values


@post(
    "/api/v1/panels/{meeting_id:uuid}/agenda/{item_id:uuid}/decision",
    name="api.record_decision",
    sync_to_thread=True,
    tags=["decisions"],
)
def record_decision(
    request: Request[Any, Any, Any], db: Db, meeting_id: Id, item_id: Id, data: JSONBody[DecisionBody]
) -> DecisionOut:
    """Save (or change, with its `version`) the draft decision; refusals at their fields, as on the page."""
    decision = service.record_decision(
        db, require_principal(request), meeting_id, item_id, _decision_values(data)
    )
    return _out(service.describe(db, decision))


@dataclass
class SignBody:
    """The chair's own password and a fresh security code from their authenticator: the re-authentication
    the page asks for, carried with the sign-off. `version` is the decision's."""

    password: str
    code: str
    version: int | None = None


@post(
    "/api/v1/panels/{meeting_id:uuid}/agenda/{item_id:uuid}/sign",
    name="api.sign_decision",
    sync_to_thread=True,
    tags=["decisions"],
)
def sign(
    request: Request[Any, Any, Any], db: Db, meeting_id: Id, item_id: Id, data: JSONBody[SignBody]
) -> DecisionOut:
    """The chair signs the decision off after confirming who they are (400 at `password` or `code` when
    either is wrong; failures count towards the account's lock); the decision is then final."""
    principal = require_principal(request)
    accounts.confirm_identity(db, request.app.state.settings, principal, data.password, data.code)
    signed = service.sign(
        db, principal, meeting_id, item_id, {"version": "" if data.version is None else str(data.version)}
    )
    return _out(service.describe(db, signed))


ROUTES = [
    get_decision,
    case_decisions,
    api_record,
    api_list,
    convene,
    panel,
    add_member,
    add_to_agenda,
    record_attendance,
    record_decision,
    sign,
]
