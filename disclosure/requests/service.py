"""Request verbs: log, add people, triage, complete initial checks, verify identity, start research, withdraw,
close out of scope, pause and extend clocks, assign. Each checks need to know, applies the workflow table and
writes its audit event in the same transaction. Rules cite DOMAIN.md's sources.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import audit, chronology, corrections
from disclosure.accounts.directory import active_users_with
from disclosure.accounts.models import User
from disclosure.accounts.roles import CASE_ROLES, Role, require_case_role
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.clocks import months_before, uk_date, uk_today
from disclosure.db import check_version, utcnow
from disclosure.errors import Conflict, FormInvalid, InvalidTransition, NotFound
from disclosure.forms import (
    datetime_answers,
    integer,
    parse_date,
    parse_datetime,
    raise_if,
    rows,
    text,
    yes_no,
)
from disclosure.people import service as people_index
from disclosure.requests import access, parties, safe_contact
from disclosure.requests.deadlines import DeadlineView, calendar_for, deadlines
from disclosure.requests.models import (
    CaseParty,
    ClockExtension,
    ClockPause,
    ClockPolicy,
    ClockReason,
    DisclosureRequest,
    ReferenceCounter,
    TriageIncident,
)
from disclosure.requests.parties import missing_roles, required_roles
from disclosure.requests.schemas import LogRequestInput
from disclosure.requests.vocabulary import (
    APPLICANT_TYPES,
    OUT_OF_SCOPE_REASONS,
    ApplicantType,
    Channel,
    ClosureReason,
    IdentityDocument,
    PartyRole,
    Rag,
    RiskLevel,
    Route,
    Scheme,
)
from disclosure.requests.workflow import RequestStatus, Verb, require_open, transition
from disclosure.text import as_list, format_datetime

# Earliest plausible first contact: DVDS was piloted from 2012, CSODS rolled out in 2010-11 [CSODS-2010].
EARLIEST_CONTACT_YEAR = 2010


def _record(
    session: Session,
    actor: Principal,
    request: DisclosureRequest,
    action: str,
    category: AuditCategory,
    justification: str,
    **details: Any,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"request.{action}",
        category=category,
        object_type="request",
        object_id=request.id,
        justification=justification,
        details={"reference": request.reference, **details},
    )


def _check_version(request: DisclosureRequest, version: object) -> None:
    check_version(request.version, version, what="this case")


def _apply(request: DisclosureRequest, verb: Verb) -> None:
    request.status = transition(RequestStatus(request.status), verb).value


def load(session: Session, actor: Principal, request_id: uuid.UUID) -> DisclosureRequest:
    """The case, if the actor has a need to know (no audit: callers record what they do with it)."""
    request = access.get_request(session, request_id)
    access.access_basis(session, actor, request)
    return request


def load_open(session: Session, actor: Principal, request_id: uuid.UUID) -> DisclosureRequest:
    """The case for a verb that changes it or produces its letters, in every feature: need to know first
    (so the state is told only to those who may see the case), then refused once the case is withdrawn or
    closed, naming which and when (`workflow.require_open`)."""
    request = load(session, actor, request_id)
    require_open(request)
    return request


def view(session: Session, actor: Principal, request_id: uuid.UUID) -> DisclosureRequest:
    """Open the case page: a consultation, recorded with the basis of access."""
    request = access.get_request(session, request_id)
    basis = access.access_basis(session, actor, request)
    _record(session, actor, request, "view", AuditCategory.CONSULTATION, basis)
    return request


# ---------------------------------------------------------------- logging a request


def parse_log_request(values: dict[str, Any], *, now: Any = None) -> LogRequestInput:  # noqa: PLR0912
    """Every field checked at once, errors in page order. Right to Know and proactive Sarah's Law have no
    applicant and need the information that prompted them [DVDS-2023][CSODS-2023]; an alleged crime needs its
    crime reference [Beds]; the first contact cannot be in the future. A question the answers before it make
    irrelevant (who is applying and the linked case on a police-initiated route, the crime reference when no
    crime is alleged) is hidden on the page and its answer ignored, never refused."""
    errors: dict[str, str] = {}
    route_raw = text(values, "route")
    route = Route(route_raw) if route_raw in {r.value for r in Route} else None
    if route is None:
        errors["route"] = "Select the scheme and route"
    applicant_type = text(values, "applicant_type") or None
    if route is not None and route.has_applicant:
        if applicant_type is None:
            errors["applicant_type"] = "Select who is applying"
        elif applicant_type not in {a.value for a in APPLICANT_TYPES[route]}:
            errors["applicant_type"] = f"Select who is applying under {route.label}"
    # A route without an applicant ignores a "who is applying" left over from another route's answers.
    first_contact_at = parse_datetime(values, "first_contact", "Date of first contact", errors)
    if first_contact_at is not None and first_contact_at.year < EARLIEST_CONTACT_YEAR:
        errors["first_contact"] = f"Date of first contact must be in {EARLIEST_CONTACT_YEAR} or later"
    chronology.check("requests.log", {"first_contact": first_contact_at}, errors, now=now)
    channel = text(values, "channel")
    if channel not in {c.value for c in Channel}:
        errors["channel"] = "Select how the first contact was made"
    receiving_force = text(values, "receiving_force", limit=200)
    if not receiving_force:
        errors["receiving_force"] = "Enter the force that received the request"
    elif len(receiving_force) > 200:
        errors["receiving_force"] = "Force name must be 200 characters or fewer"
    police_reference = text(values, "police_reference", limit=60)
    if len(police_reference) > 60:
        errors["police_reference"] = "Police reference must be 60 characters or fewer"
    information = text(values, "information_received", limit=10000)
    if route is not None and not route.has_applicant and not information:
        errors["information_received"] = (
            "Enter the information that suggests a risk to the child"
            if route.scheme is Scheme.CSODS
            else "Enter the information that suggests a risk"
        )
    if len(information) > 10000:
        errors["information_received"] = "Information must be 10,000 characters or fewer"
    alleged_crime = yes_no(values, "alleged_crime", "a crime was alleged during the contact", errors)
    # Asked only once a crime is alleged: a reference left from a "yes" changed to "no" is ignored.
    crime_reference = text(values, "crime_reference", limit=60) if alleged_crime else ""
    if alleged_crime and not crime_reference:
        errors["crime_reference"] = (
            "Enter the crime reference: an alleged crime is recorded and investigated as a crime"
        )
    elif len(crime_reference) > 60:
        errors["crime_reference"] = "Crime reference must be 60 characters or fewer"
    # Asked only for an application; a police-initiated route ignores a box ticked under another route.
    open_linked = bool(yes_no(values, "open_linked_case", "", {}, required=False))
    open_linked = open_linked and route is not None and route.has_applicant
    raise_if(errors, values)
    assert route is not None
    assert first_contact_at is not None
    assert alleged_crime is not None
    return LogRequestInput(
        route=route.value,
        applicant_type=applicant_type if route.has_applicant else None,
        first_contact_at=first_contact_at,
        channel=channel,
        receiving_force=receiving_force,
        police_reference=police_reference,
        information_received=information,
        alleged_crime=alleged_crime,
        crime_reference=crime_reference,
        open_linked_case=open_linked,
    )


def clock_policy_for(session: Session, scheme: Scheme, first_contact_at: Any) -> ClockPolicy:
    """The policy whose dates contain the first-contact date, a UK date [DVDS-2023][Lancs][ASP-CSODS]."""
    day = uk_date(first_contact_at)
    policy = session.scalar(
        select(ClockPolicy)
        .where(
            ClockPolicy.scheme == scheme.value,
            ClockPolicy.effective_from <= day,
            (ClockPolicy.effective_to.is_(None)) | (ClockPolicy.effective_to >= day),
        )
        .order_by(ClockPolicy.effective_from.desc())
        .limit(1)
    )
    if policy is None:
        raise FormInvalid({"first_contact": f"No {scheme.label} timescales are configured for that date"})
    return policy


def _next_reference(session: Session, scheme: Scheme, year: int) -> str:
    prefix = f"{scheme.value.upper()}-{year}"
    counter = session.get(ReferenceCounter, prefix, with_for_update=True)
    if counter is None:
        counter = ReferenceCounter(prefix=prefix, last_number=0)
        session.add(counter)
    counter.last_number += 1
    session.flush()
    return f"{prefix}-{counter.last_number:06d}"


def log_request(session: Session, actor: Principal, values: dict[str, Any]) -> DisclosureRequest:
    """Log a request at first contact; the person logging it leads it until reassigned. With
    `open_linked_case`, one application about the same subject opens a DVDS and a CSODS case, linked, each
    with its own clock [Northumbria]."""
    require_case_role(actor)
    data = parse_log_request(values)
    route = Route(data.route)
    request = _new_request(session, actor, data, route)
    if data.open_linked_case:
        other_route = Route.CSODS_APPLICATION if route.scheme is Scheme.DVDS else Route.RIGHT_TO_ASK
        other_type = data.applicant_type
        if other_type not in {a.value for a in APPLICANT_TYPES[other_route]}:
            other_type = APPLICANT_TYPES[other_route][0].value
        linked = _new_request(session, actor, data, other_route, applicant_type=other_type)
        request.linked_request_id, linked.linked_request_id = linked.id, request.id
        _record(
            session,
            actor,
            linked,
            "link",
            AuditCategory.COMBINATION,
            "Same application under both schemes",
            linked_to=request.reference,
        )
    return request


def _new_request(
    session: Session, actor: Principal, data: LogRequestInput, route: Route, applicant_type: str | None = None
) -> DisclosureRequest:
    policy = clock_policy_for(session, route.scheme, data.first_contact_at)
    request = DisclosureRequest(
        reference=_next_reference(session, route.scheme, data.first_contact_at.year),
        scheme=route.scheme.value,
        route=route.value,
        applicant_type=applicant_type or data.applicant_type,
        status=RequestStatus.LOGGED.value,
        first_contact_at=data.first_contact_at,
        channel=data.channel,
        receiving_force=data.receiving_force,
        police_reference=data.police_reference,
        information_received=data.information_received,
        alleged_crime=data.alleged_crime,
        crime_reference=data.crime_reference,
        clock_policy_code=policy.code,
        assignee_id=actor.user_id,
        created_by_id=actor.user_id,
    )
    session.add(request)
    session.flush()
    _record(
        session,
        actor,
        request,
        "log",
        AuditCategory.COLLECTION,
        "Request logged at first contact",
        route=route.value,
        clock_policy=policy.code,
    )
    return request


# ---------------------------------------------------------------- people on the case

PartyHook = Callable[[Session, Principal, CaseParty], None]
PARTY_HOOKS: list[PartyHook] = []
"""Features that care who is on a case (missing-person coordination raises a Right to Know consideration)
append a hook, called as (session, actor, party) inside the transaction that adds the party."""


def party_errors(
    session: Session,
    actor: Principal,
    request_id: uuid.UUID,
    values: dict[str, Any],
    *,
    person_id: uuid.UUID | None = None,
    date_of_birth: date | None = None,
) -> dict[str, str]:
    """Every problem `add_party` would find with these answers, without adding anyone: the add-person page
    checks them with the person's own details, so that all its errors come at once (`parties`)."""
    request = load_open(session, actor, request_id)
    errors: dict[str, str] = {}
    data = parties.parse(request, values, errors)
    parties.check_person(
        request, person_id, data.roles, date_of_birth, errors, date_typed=parties.date_typed(values)
    )
    return parties.in_page_order(errors)


def add_party(
    session: Session, actor: Principal, request_id: uuid.UUID, person_id: uuid.UUID, values: dict[str, Any]
) -> CaseParty:
    """Put a person from the people index on the case in one role or several (`role`, and the API's
    `also_roles`): an applicant who is the person at risk is entered once, as both [DVDS-2023]. One row
    each role, with the same relationship and safe contact; the applicant's safe ways of contact and safe
    times are required, because they keep contact from putting the applicant at risk [Beds]
    (`safe_contact`). A child on a Sarah's Law case is under 18 [CSODS-2023] (`parties.check_person`).
    Returns the row of the first role."""
    request = load_open(session, actor, request_id)
    errors: dict[str, str] = {}
    data = parties.parse(request, values, errors)
    person = people_index.get_person(session, person_id)
    born = person.date_of_birth
    parties.check_person(request, person_id, data.roles, born, errors, date_typed=parties.date_typed(values))
    raise_if(parties.in_page_order(errors), values)
    added = []
    for role in data.roles:
        contacted = role in safe_contact.CONTACTED_ROLES
        party = CaseParty(
            request_id=request.id,
            person_id=person_id,
            role=role.value,
            relationship_to_person_at_risk=data.relationship,
            relationship_to_child=data.relationship_to_child,
            **(dict(data.contact) if contacted else {}),
            added_by_id=actor.user_id,
        )
        request.parties.append(party)
        added.append(party)
    request.updated_at = utcnow()
    session.flush()
    for party in added:
        _record(
            session,
            actor,
            request,
            "add_party",
            AuditCategory.COLLECTION,
            "Person added to the case",
            role=party.role,
            person=str(person_id),
        )
        for hook in PARTY_HOOKS:
            hook(session, actor, party)
    return added[0]


def remove_party(session: Session, actor: Principal, request_id: uuid.UUID, party_id: uuid.UUID) -> None:
    request = load_open(session, actor, request_id)
    party = next((p for p in request.parties if p.id == party_id), None)
    if party is None:
        raise NotFound("That person is not on this case")
    if RequestStatus(request.status) is not RequestStatus.LOGGED and PartyRole(party.role) in required_roles(
        request
    ):
        raise Conflict("A required person cannot be removed after initial checks; add the right person first")
    request.parties.remove(party)
    request.updated_at = utcnow()
    _record(
        session,
        actor,
        request,
        "remove_party",
        AuditCategory.ALTERATION,
        "Person removed from the case",
        role=party.role,
        person=str(party.person_id),
    )


# ---------------------------------------------------------------- initial checks and triage


def assess_risk(dash_score: int | None, professional: RiskLevel | None) -> RiskLevel | None:
    """DASH bands (high 14+, medium 10-13, standard 0-9); professional judgement may raise the level, never
    lower it [SafeLives][MARAC-criteria]."""
    dash = RiskLevel.from_dash(dash_score) if dash_score is not None else None
    if dash is None:
        return professional
    if professional is None or professional.rank < dash.rank:
        return dash
    return professional


def record_triage(
    session: Session, actor: Principal, request_id: uuid.UUID, values: dict[str, Any]
) -> DisclosureRequest:
    """Initial checks within 24 hours: immediate risk and the action taken, DASH where done, professional
    judgement (raise only), referrals, RAG [Sussex-2014][Beds][SafeLives]. High risk (DASH 14+ or raised)
    requires the MARAC and IDVA referrals to be recorded. Every error at once, in page order; an answer
    to a question its earlier answer hides (the action with no immediate risk, the score with no DASH, the
    level and reason with no professional judgement) is ignored."""
    request = load_open(session, actor, request_id)
    _check_version(request, values.get("version"))
    errors: dict[str, str] = {}
    immediate = yes_no(values, "immediate_risk", "there is an immediate risk", errors)
    action = text(values, "immediate_risk_action", limit=5000) if immediate else ""
    if immediate and not action:
        errors["immediate_risk_action"] = "Enter the action taken on the immediate risk"
    dash_done = yes_no(values, "dash_done", "a DASH risk checklist was completed", errors)
    dash = integer(values, "dash_score", "DASH score", errors, low=0, high=27) if dash_done else None
    if dash_done and dash is None and "dash_score" not in errors:
        errors["dash_score"] = "Enter the number of DASH questions answered yes (0 to 27)"
    judged = _professional_judgement(values, errors)
    raw_level = text(values, "professional_risk_level") if judged else ""
    professional = RiskLevel(raw_level) if raw_level in {r.value for r in RiskLevel} else None
    if judged and professional is None:
        errors["professional_risk_level"] = "Select the risk level professional judgement gives"
    rationale = text(values, "risk_rationale", limit=5000) if judged else ""
    dash_level = RiskLevel.from_dash(dash) if dash is not None else None
    if professional and dash_level and professional.rank < dash_level.rank:
        errors["professional_risk_level"] = (
            f"Professional judgement cannot lower the DASH level ({dash_level.label}); it can only raise it"
        )
    if professional and dash_level and professional.rank > dash_level.rank and not rationale:
        errors["risk_rationale"] = "Explain why professional judgement raises the risk level"
    level = assess_risk(dash, professional)
    marac = bool(yes_no(values, "marac_referral", "", {}, required=False))
    idva = bool(yes_no(values, "idva_referral", "", {}, required=False))
    incidents = _incidents(values, errors)
    policy = policy_of(session, request)
    escalation = len(recent_incidents(incidents, policy)) >= policy.escalation_incidents
    if level is RiskLevel.HIGH and not (marac and idva):
        errors["marac_referral"] = "High risk needs a MARAC referral and an immediate IDVA referral"
    elif escalation and not marac:
        errors["marac_referral"] = (
            f"{len(recent_incidents(incidents, policy))} incidents in {policy.escalation_months} months "
            "is potential escalation: it needs a MARAC referral"
        )
    rag_raw = rag_for(
        text(values, "rag"), immediate=bool(immediate), level=level, escalation=escalation, errors=errors
    )
    raise_if(errors, values)
    request.immediate_risk, request.immediate_risk_action = immediate, action
    request.dash_score, request.professional_risk_level = dash, professional.value if professional else None
    request.risk_rationale, request.marac_referral, request.idva_referral = rationale, marac, idva
    request.rag, request.triaged_at, request.triaged_by_id = rag_raw, utcnow(), actor.user_id
    request.potential_escalation = escalation
    _replace_incidents(request, actor, incidents)
    request.updated_at = utcnow()
    _record(
        session,
        actor,
        request,
        "triage",
        AuditCategory.ALTERATION,
        "Initial risk triage recorded",
        rag=rag_raw,
        level=level.value if level else None,
        immediate_risk=immediate,
        incidents=len(incidents),
        potential_escalation=escalation,
    )
    return request


def _professional_judgement(values: dict[str, Any], errors: dict[str, str]) -> bool:
    """Whether professional judgement sets the risk level: the page asks yes or no (and reveals the level
    and the reason on yes); a body without the question (the API) says so by giving a level."""
    if "professional_judgement" not in values:
        return bool(text(values, "professional_risk_level"))
    return bool(
        yes_no(values, "professional_judgement", "professional judgement sets the risk level", errors)
    )


def policy_of(session: Session, request: DisclosureRequest) -> ClockPolicy:
    """The clock policy the case started under."""
    return session.scalars(select(ClockPolicy).where(ClockPolicy.code == request.clock_policy_code)).one()


# Rows read from a triage form or API body; more than this is not a triage but a chronology.
MAX_INCIDENTS = 50


def _incidents(values: dict[str, Any], errors: dict[str, str]) -> list[tuple[date, str, str]]:
    """The incidents known at triage, from rows `incident-N-date`, `-summary` and `-reference`. A row left
    blank is dropped, so clearing a row removes a mistaken incident."""
    found: list[tuple[date, str, str]] = []
    today = uk_today()
    for n in rows(values, "incident", ("date", "summary", "reference"), errors, limit=MAX_INCIDENTS):
        name = f"incident-{n}"
        summary = text(values, f"{name}-summary", limit=2000)
        reference = text(values, f"{name}-reference", limit=60)
        label = f"Date of incident {n + 1}"
        day = parse_date(values, f"{name}-date", label, errors)
        if day is not None and day > today:
            errors[f"{name}-date"] = f"{label} must be today or in the past"
        if not summary:
            errors[f"{name}-summary"] = f"Enter what happened in incident {n + 1}"
        if len(reference) > 60:
            errors[f"{name}-reference"] = f"Reference for incident {n + 1} must be 60 characters or fewer"
        if day is not None:
            found.append((day, summary, reference))
    return sorted(found, key=lambda row: row[0], reverse=True)


def recent_incidents(incidents: list[tuple[date, str, str]], policy: ClockPolicy) -> list[date]:
    """Incident dates within the policy's months before today: 3 or more in 12 months is potential
    escalation, a MARAC referral criterion [SafeLives][MARAC-criteria]. Both numbers are the case's clock
    policy's, so a force can set its own without moving earlier cases."""
    since = months_before(uk_today(), policy.escalation_months)
    return [day for day, _, _ in incidents if day >= since]


def _replace_incidents(
    request: DisclosureRequest, actor: Principal, incidents: list[tuple[date, str, str]]
) -> None:
    """Keep each incident already recorded (with who recorded it and when), add the new, drop the cleared."""
    held = {(i.occurred_on, i.summary, i.reference): i for i in request.incidents}
    kept: list[TriageIncident] = []
    for position, row in enumerate(incidents):
        incident = held.pop(row, None) or TriageIncident(
            occurred_on=row[0], summary=row[1], reference=row[2], recorded_by_id=actor.user_id
        )
        incident.position = position
        kept.append(incident)
    request.incidents[:] = kept


def suggested_rag(*, immediate: bool, level: RiskLevel | None, escalation: bool) -> Rag | None:
    """The RAG rating the triage's answers give: red for an immediate or high risk, amber for a medium risk
    or potential escalation, green for a standard risk; none before any risk is assessed."""
    if immediate or level is RiskLevel.HIGH:
        return Rag.RED
    if level is RiskLevel.MEDIUM or escalation:
        return Rag.AMBER
    if level is RiskLevel.STANDARD:
        return Rag.GREEN
    return None


def rag_for(
    raw: str, *, immediate: bool, level: RiskLevel | None, escalation: bool, errors: dict[str, str]
) -> str:
    """The rating follows the risk [issue 16]: left blank, it is the suggested one; chosen, it may raise the
    suggestion (professional judgement), never lower it."""
    suggested = suggested_rag(immediate=immediate, level=level, escalation=escalation)
    if raw and raw not in {r.value for r in Rag}:
        errors["rag"] = "Select a RAG rating"
        return raw
    if not raw:
        if suggested is None:
            errors["rag"] = "Select a RAG rating: no DASH score or professional judgement suggests one"
            return raw
        return suggested.value
    chosen = Rag(raw)
    if suggested is not None and chosen.rank > suggested.rank:
        errors["rag"] = (
            "Immediate or high risk must be rated red"
            if suggested is Rag.RED
            else f"Medium risk or potential escalation must be rated {suggested.label.lower()} or red"
        )
    return raw


def risk_level(request: DisclosureRequest) -> RiskLevel | None:
    professional = RiskLevel(request.professional_risk_level) if request.professional_risk_level else None
    return assess_risk(request.dash_score, professional)


def complete_initial_checks(
    session: Session, actor: Principal, request_id: uuid.UUID, version: object = None
) -> None:
    """Initial checks are complete once triage is recorded and the people the route needs are on the case."""
    request = load_open(session, actor, request_id)
    _check_version(request, version)
    problems = [f"Add the {r.label.lower()}" for r in missing_roles(request)]
    if request.rag is None:
        problems.append("Record the risk triage")
    if problems:
        raise InvalidTransition(". ".join(problems))
    _apply(request, Verb.COMPLETE_INITIAL_CHECKS)
    request.initial_checks_at = utcnow()
    _record(
        session,
        actor,
        request,
        "complete_initial_checks",
        AuditCategory.ALTERATION,
        "Initial checks completed",
    )


# ---------------------------------------------------------------- correcting what was logged


CORRECTABLE = [
    corrections.Field("first_contact_at", "First contact"),
    corrections.Field("channel", "Channel", lambda v: Channel(v).label),
    corrections.Field("receiving_force", "Receiving force"),
    corrections.Field("police_reference", "Police reference"),
    corrections.Field("applicant_type", "Who is applying", lambda v: ApplicantType(v).label if v else "None"),
    corrections.Field("information_received", "What prompted it"),
    corrections.Field("alleged_crime", "Alleged crime"),
    corrections.Field("crime_reference", "Crime reference"),
]


def correctable_values(request: DisclosureRequest) -> dict[str, Any]:
    """The logged facts as the correction form's answers."""
    return {
        **datetime_answers("first_contact", request.first_contact_at),
        "channel": request.channel,
        "receiving_force": request.receiving_force,
        "police_reference": request.police_reference,
        "applicant_type": request.applicant_type or "",
        "information_received": request.information_received,
        "alleged_crime": "yes" if request.alleged_crime else "no",
        "crime_reference": request.crime_reference,
        "version": str(request.version),
    }


def correct_request(
    session: Session, actor: Principal, request_id: uuid.UUID, values: dict[str, Any]
) -> DisclosureRequest:
    """Correct what was logged at first contact, with a reason; the old values stay in the case's history
    (`corrections`). The answers are checked as when the request was logged, and a first contact cannot
    move after anything that followed it (the triage, the meeting). Moving the first contact moves every
    deadline (they are computed from it) and picks the clock policy in force on the corrected date."""
    request = load_open(session, actor, request_id)
    _check_version(request, values.get("version"))
    errors: dict[str, str] = {}
    reason = corrections.reason_from(values, errors)
    answers = {**values, "route": request.route, "open_linked_case": ""}
    try:
        data = parse_log_request(answers)
    except FormInvalid as exc:
        errors = {**exc.errors, **errors}
        raise FormInvalid(errors, values) from exc
    later = [
        (when, what)
        for when, what in (
            (request.triaged_at, "the triage"),
            (request.meeting_at, "the face-to-face meeting"),
        )
        if when is not None
    ]
    for when, what in later:
        if data.first_contact_at > when + chronology.TYPED:
            errors["first_contact"] = f"First contact must be before {what} ({format_datetime(when)})"
    raise_if(errors, values)
    policy = clock_policy_for(session, Scheme(request.scheme), data.first_contact_at)
    corrections.amend(
        session,
        actor,
        request,
        CORRECTABLE,
        {
            "first_contact_at": data.first_contact_at,
            "channel": data.channel,
            "receiving_force": data.receiving_force,
            "police_reference": data.police_reference,
            "applicant_type": data.applicant_type,
            "information_received": data.information_received,
            "alleged_crime": data.alleged_crime,
            "crime_reference": data.crime_reference,
        },
        reason,
        object_type="request",
        action="request.correct",
        values=values,
        unchanged_at="first_contact",
        reference=request.reference,
    )
    request.clock_policy_code = policy.code
    request.updated_at = utcnow()
    return request


def case_history(session: Session, request: DisclosureRequest) -> list[corrections.Correction]:
    return corrections.history(session, "request", request.id)


# ---------------------------------------------------------------- the face-to-face meeting


def verify_identity(
    session: Session, actor: Principal, request_id: uuid.UUID, values: dict[str, Any]
) -> DisclosureRequest:
    """Record the face-to-face meeting and the identity check [Cleveland][ASP-CSODS]. Verified needs, for
    DVDS, two documents, one with a photo; for Sarah's Law, photo ID, proof of address and proof of the
    relationship to the child. An unverified Sarah's Law applicant can receive no disclosure [ASP-CSODS]."""
    request = load_open(session, actor, request_id)
    _check_version(request, values.get("version"))
    route = Route(request.route)
    if not route.has_applicant:
        raise InvalidTransition(f"{route.label} has no applicant and no identity meeting")
    errors: dict[str, str] = {}
    meeting_at = parse_datetime(values, "meeting", "Date of the meeting", errors)
    docs_raw = as_list(values.get("documents"))
    known = {d.value for d in IdentityDocument}
    if any(d not in known for d in docs_raw):
        errors["documents"] = "Select documents from the list"
    documents = [IdentityDocument(d) for d in docs_raw if d in known]
    outcome = text(values, "outcome")
    if outcome not in ("verified", "not_verified"):
        errors["outcome"] = "Select whether the applicant's identity was verified"
    notes = text(values, "notes", limit=5000)
    chronology.check(
        "requests.meeting", {"first_contact": request.first_contact_at, "meeting": meeting_at}, errors
    )
    if outcome == "verified" and "documents" not in errors:
        shortfall = identity_shortfall(Scheme(request.scheme), documents)
        if shortfall:
            errors["documents"] = shortfall
    if outcome == "not_verified" and not notes:
        errors["notes"] = "Explain why identity could not be verified"
    raise_if(errors, values)
    _apply(request, Verb.RECORD_MEETING)
    request.meeting_at = meeting_at
    request.identity_documents = ",".join(d.value for d in documents)
    request.identity_verified = outcome == "verified"
    request.identity_notes, request.verified_by_id = notes, actor.user_id
    _record(
        session,
        actor,
        request,
        "verify_identity",
        AuditCategory.COLLECTION,
        "Face-to-face meeting recorded",
        verified=request.identity_verified,
        documents=len(documents),
    )
    return request


def disclosure_barred(request: DisclosureRequest) -> str | None:
    """Why nothing may be disclosed on this case, or None. Sarah's Law: nothing is disclosed while the
    applicant's identity and relationship to the child are unverified, or the applicant is anonymous (not on
    the case) [ASP-CSODS] (DOMAIN.md "The schemes in one table"); the outcome is then no disclosure, with the
    reason "identity not verified". Checked when the decision is drafted, when it is signed off and when a
    delivery is recorded. A proactive disclosure has no applicant: its recipient is held to the recipient
    rules instead (a parent, carer or guardian of the child, by their recorded relationship)."""
    if Route(request.route) is not Route.CSODS_APPLICATION:
        return None
    if not any(p.role == PartyRole.APPLICANT.value for p in request.parties):
        return (
            "The applicant is not on the case (anonymous): nothing can be disclosed under Sarah's Law. "
            "Decide not to disclose, with the reason identity not verified"
        )
    if request.identity_verified is not True:
        return (
            "The applicant's identity and relationship to the child have not been verified at the "
            "face-to-face meeting: nothing can be disclosed under Sarah's Law. Decide not to disclose, with "
            "the reason identity not verified"
        )
    return None


def identity_shortfall(scheme: Scheme, documents: list[IdentityDocument]) -> str | None:
    if scheme is Scheme.DVDS:
        if len(set(documents)) < 2 or not any(d.has_photo for d in documents):
            return "Select at least two documents, one with a photo, to verify identity"
        return None
    missing = []
    if not any(d.has_photo for d in documents):
        missing.append("photo ID")
    if not any(d.proves_address for d in documents):
        missing.append("proof of address")
    if not any(d.proves_relationship for d in documents):
        missing.append("proof of the relationship to the child")
    return f"To verify identity for Sarah's Law, also select {', '.join(missing)}" if missing else None


def researchers(session: Session) -> list[User]:
    """Active researchers, by name: who a case can be handed to for research."""
    return active_users_with(session, [Role.RESEARCHER.value])


def start_research(
    session: Session, actor: Principal, request_id: uuid.UUID, values: Mapping[str, Any] | None = None
) -> None:
    """Hand the case to research: after the meeting (Right to Ask, Sarah's Law application) or straight after
    initial checks (Right to Know and proactive Sarah's Law, which have no meeting). `researcher_id` names
    the researcher who takes the case as its lead (an active user with the researcher role; the earlier lead
    stays on the team); left out, the lead stays as it is. `version` guards against a stale page."""
    values = dict(values or {})
    request = load_open(session, actor, request_id)
    _check_version(request, values.get("version"))
    route = Route(request.route)
    if route.has_applicant and RequestStatus(request.status) is RequestStatus.INITIAL_CHECKS_DONE:
        raise InvalidTransition("Record the face-to-face meeting and identity check first")
    researcher = _researcher(session, values) if "researcher_id" in values else None
    _apply(request, Verb.START_RESEARCH)
    request.research_started_at = utcnow()
    if researcher is not None and researcher.id != request.assignee_id:
        if request.assignee_id:
            access.add_member(session, request, request.assignee_id)
        request.assignee_id = researcher.id
    _record(
        session,
        actor,
        request,
        "start_research",
        AuditCategory.ALTERATION,
        "Case handed to research",
        **({"assignee": str(researcher.id)} if researcher else {}),
    )


def _researcher(session: Session, values: dict[str, Any]) -> User:
    raw = text(values, "researcher_id")
    try:
        wanted = uuid.UUID(raw) if raw else None
    except ValueError:
        wanted = None
    found = next((u for u in researchers(session) if u.id == wanted), None)
    if found is None:
        problem = "Select an active researcher from the list" if raw else "Select who will research the case"
        raise FormInvalid({"researcher_id": problem}, values)
    return found


def move_on(
    session: Session, actor: Principal, request: DisclosureRequest, verb: Verb, justification: str
) -> None:
    """For later stages' services (research, decisions, letters): move the request on after they have
    checked their own preconditions. The outcome reaching the recipient stops the clock."""
    _apply(request, verb)
    if verb in (Verb.DECIDE_TO_DISCLOSE, Verb.DECIDE_NOT_TO_DISCLOSE):
        request.disclosed = verb is Verb.DECIDE_TO_DISCLOSE
    if verb is Verb.RECORD_OUTCOME_DELIVERED:
        request.completed_at = utcnow()
    if verb is Verb.CLOSE:
        request.closed_at, request.closure_reason = utcnow(), ClosureReason.COMPLETED.value
    _record(session, actor, request, verb.value, AuditCategory.ALTERATION, justification)


def close_request(session: Session, actor: Principal, request_id: uuid.UUID, version: object = None) -> None:
    request = load_open(session, actor, request_id)
    _check_version(request, version)
    move_on(session, actor, request, Verb.CLOSE, "Case closed after the outcome was delivered")


def close_out_of_scope(
    session: Session, actor: Principal, request_id: uuid.UUID, values: dict[str, Any]
) -> None:
    """A Sarah's Law enquiry that names no person or child (a general enquiry about an area) is out of scope
    and closes with its reason [ASP-CSODS]."""
    request = load_open(session, actor, request_id)
    _check_version(request, values.get("version"))
    if Scheme(request.scheme) is not Scheme.CSODS:
        raise InvalidTransition("Only Sarah's Law enquiries close as out of scope; withdraw other requests")
    errors: dict[str, str] = {}
    reason = text(values, "reason")
    if reason not in OUT_OF_SCOPE_REASONS:
        errors["reason"] = "Select why the enquiry is out of scope"
    notes = text(values, "notes", limit=5000)
    if reason == "other" and not notes:
        errors["notes"] = "Explain why the enquiry is out of scope"
    raise_if(errors, values)
    _apply(request, Verb.CLOSE_OUT_OF_SCOPE)
    request.closed_at, request.closure_reason = utcnow(), ClosureReason.OUT_OF_SCOPE.value
    request.closure_notes = f"{OUT_OF_SCOPE_REASONS[reason]}. {notes}".strip()
    _record(
        session,
        actor,
        request,
        "close_out_of_scope",
        AuditCategory.ALTERATION,
        "Closed as out of scope",
        reason=reason,
    )


def withdraw(session: Session, actor: Principal, request_id: uuid.UUID, values: dict[str, Any]) -> None:
    """Withdrawn at any open stage, with a reason [Bexley]."""
    request = load_open(session, actor, request_id)
    _check_version(request, values.get("version"))
    reason = text(values, "reason", limit=5000)
    if not reason:
        raise FormInvalid({"reason": "Enter why the request is withdrawn"}, values)
    _apply(request, Verb.WITHDRAW)
    request.closed_at, request.closure_reason, request.closure_notes = (
        utcnow(),
        ClosureReason.WITHDRAWN.value,
        reason,
    )
    _record(session, actor, request, "withdraw", AuditCategory.ALTERATION, "Request withdrawn")


# ---------------------------------------------------------------- clocks: pauses and extensions


def pause_clock(
    session: Session, actor: Principal, request_id: uuid.UUID, values: dict[str, Any]
) -> ClockPause:
    """Stop the clocks for a recorded reason (e.g. the applicant cannot be contacted safely); every deadline
    then explains the pause [DVDS-2023]."""
    request = load_open(session, actor, request_id)
    if any(p.ended_at is None for p in request.pauses):
        raise Conflict("The clock is already paused")
    if request.completed_at is not None:
        raise InvalidTransition("The outcome has been given: the clock has stopped and cannot be paused")
    errors: dict[str, str] = {}
    code = _reason_code(session, "pause", values, "Select why the clock is paused", errors)
    reason = text(values, "reason", limit=2000)
    if not reason:
        errors["reason"] = "Enter why the clock is paused"
    raise_if(errors, values)
    # From now on only: a pause never reaches back over time already run [issue 15].
    pause = ClockPause(started_at=utcnow(), reason_code=code, reason=reason, created_by_id=actor.user_id)
    request.pauses.append(pause)
    request.updated_at = utcnow()
    # The reason is case text: it stays with the pause, and the event points at the case [issue 14 §6].
    _record(
        session, actor, request, "pause_clock", AuditCategory.ALTERATION, "Clock paused (reason on the case)"
    )
    return pause


def resume_clock(session: Session, actor: Principal, request_id: uuid.UUID) -> None:
    request = load_open(session, actor, request_id)
    open_pause = next((p for p in request.pauses if p.ended_at is None), None)
    if open_pause is None:
        raise Conflict("The clock is not paused")
    open_pause.ended_at = utcnow()
    request.updated_at = utcnow()
    _record(session, actor, request, "resume_clock", AuditCategory.ALTERATION, "Clock restarted")


def extend_deadline(
    session: Session, actor: Principal, request_id: uuid.UUID, values: dict[str, Any]
) -> ClockExtension:
    """The whole-process deadline may be extended only for recorded exceptional circumstances [DVDS-2023]:
    one from the configured list, described; before the deadline passes, so that a breach stays a breach in
    the case history and in every report; at most the clock policy's number of times [issue 15]."""
    request = load_open(session, actor, request_id)
    policy = session.scalar(select(ClockPolicy).where(ClockPolicy.code == request.clock_policy_code))
    assert policy is not None
    if request.completed_at is not None:
        raise InvalidTransition("The outcome has been given: the clock has stopped and cannot be extended")
    if len(request.extensions) >= policy.max_extensions:
        raise InvalidTransition(
            f"This case has had {len(request.extensions)} extension(s), the most its clock policy allows"
        )
    due = max(d.due_at for d in completion_deadlines(session, request))
    if utcnow() > due:
        raise InvalidTransition(
            "The deadline has passed: it was missed, and an extension cannot be added afterwards"
        )
    errors: dict[str, str] = {}
    days = integer(values, "days", "Extra days", errors, low=1, high=90)
    if days is None and "days" not in errors:
        errors["days"] = "Enter the number of extra days"
    code = _reason_code(session, "extension", values, "Select the exceptional circumstances", errors)
    reason = text(values, "reason", limit=2000)
    if not reason:
        errors["reason"] = "Describe the exceptional circumstances"
    raise_if(errors, values)
    assert days is not None
    extension = ClockExtension(
        rule_key="completion", days=days, reason_code=code, reason=reason, created_by_id=actor.user_id
    )
    request.extensions.append(extension)
    request.updated_at = utcnow()
    _record(
        session,
        actor,
        request,
        "extend_deadline",
        AuditCategory.ALTERATION,
        "Deadline extended (circumstances on the case)",
        days=days,
    )
    return extension


def clock_reasons(session: Session, kind: str) -> list[ClockReason]:
    """The reasons offered for a pause or an extension (the configured list, in order)."""
    return list(
        session.scalars(
            select(ClockReason)
            .where(ClockReason.kind == kind, ClockReason.active.is_(True))
            .order_by(ClockReason.position, ClockReason.label)
        )
    )


def _reason_code(
    session: Session, kind: str, values: dict[str, Any], message: str, errors: dict[str, str]
) -> str:
    code = text(values, "reason_code", limit=40)
    if code not in {r.code for r in clock_reasons(session, kind)}:
        errors["reason_code"] = message
    return code


def completion_deadlines(session: Session, request: DisclosureRequest) -> list[DeadlineView]:
    """The case's whole-process deadlines as they stand now."""
    policy = policy_of(session, request)
    views = deadlines(request, policy, calendar_for(session))
    return [v for v in views if v.key.startswith("completion")]


# ---------------------------------------------------------------- assignment


def case_workers(session: Session) -> list[User]:
    """Active users with a case role, for the assignment list."""
    return active_users_with(session, CASE_ROLES)


def assign(session: Session, actor: Principal, request_id: uuid.UUID, values: dict[str, Any]) -> None:
    """Assign or reassign the case lead; the previous lead stays on the team."""
    request = load_open(session, actor, request_id)
    _check_version(request, values.get("version"))
    raw = text(values, "assignee_id")
    try:
        user_id = uuid.UUID(raw)
    except ValueError:
        raise FormInvalid({"assignee_id": "Select who will lead the case"}, values) from None
    if user_id not in {u.id for u in case_workers(session)}:
        raise FormInvalid({"assignee_id": "Select an active user with a case role"}, values)
    if request.assignee_id:
        access.add_member(session, request, request.assignee_id)
    request.assignee_id = user_id
    request.updated_at = utcnow()
    _record(
        session,
        actor,
        request,
        "assign",
        AuditCategory.ALTERATION,
        "Case lead assigned",
        assignee=str(user_id),
    )


# ---------------------------------------------------------------- people merged in the index


def repoint_parties(session: Session, survivor_id: uuid.UUID, duplicate_id: uuid.UUID) -> None:
    """When two people-index records are merged, the cases follow the survivor. Where both were on the same
    case in the same role, the duplicate's row goes (the survivor's already says it)."""
    parties = session.scalars(
        select(CaseParty).where(CaseParty.person_id.in_([survivor_id, duplicate_id]))
    ).all()
    kept = {(p.request_id, p.role) for p in parties if p.person_id == survivor_id}
    for party in parties:
        if party.person_id != duplicate_id:
            continue
        if (party.request_id, party.role) in kept:
            session.delete(party)
        else:
            party.person_id = survivor_id
