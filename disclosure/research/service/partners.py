"""Partner-agency information requests: sending one to a named agency (due after its agreed response time
in working days), chasing overdue ones, closing one without an answer with a reason, and the partner's
answer, given in the service by a partner user who sees only what the request asks [SafeLives][issue 4]."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import literal, select
from sqlalchemy.orm import Session, selectinload

from disclosure import audit, paging
from disclosure.accounts.roles import Role, require_case_role
from disclosure.agencies import inbox
from disclosure.agencies import service as agencies_service
from disclosure.agencies.inbox import Inbox, InboxView
from disclosure.agencies.models import Agency
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.chronology import CLOCK_DRIFT, NOW, TYPED, Order
from disclosure.db import check_version, utcnow
from disclosure.errors import FormInvalid, NotFound, PermissionDenied
from disclosure.forms import (
    LONG,
    choice,
    datetime_answers,
    identifier,
    identifiers,
    in_page_order,
    optional_text,
    parse_datetime,
    present,
    raise_if,
    required_text,
)
from disclosure.people.models import Person
from disclosure.requests.deadlines import calendar_for
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.vocabulary import PartyRole
from disclosure.requests.workflow import require_open
from disclosure.research.models import Check, CheckType, PartnerRequest, PartnerRequestPerson
from disclosure.research.service.common import (
    begin_change,
    case_to_change,
    record,
)
from disclosure.research.vocabulary import CheckKind, CheckResult, OnwardConsent
from disclosure.research.workflow import PartnerRequestStatus, PartnerVerb, partner_transition

UK = ZoneInfo("Europe/London")


def uk_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(UK).date()


def is_overdue(request: PartnerRequest, today: date) -> bool:
    return request.status == PartnerRequestStatus.OPEN.value and request.due_on < today


def send_partner_request(
    session: Session, actor: Principal, request_id: uuid.UUID, values: dict[str, Any]
) -> PartnerRequest:
    """Ask a named agency about named people on the case; the answer is due after the agency's agreed
    response time in working days (weekends and the force's bank holidays excluded)."""
    case = case_to_change(session, actor, request_id)
    begin_change(session, actor, case)
    errors: dict[str, str] = {}
    agency_id = identifier(values, "agency_id", "Select the agency to ask", errors)
    agency = session.get(Agency, agency_id) if agency_id else None
    if agency_id and (agency is None or not agency.active):
        errors["agency_id"] = "Select an agency that takes requests"
    asked = required_text(values, "asked", "Enter what the agency is asked", errors, limit=LONG)
    parties = {p.person_id: p.role for p in case.parties}
    people = [pid for pid in identifiers(values, "person_ids") if pid in parties]
    if not people:
        errors["person_ids"] = "Select who the agency is asked about"
    raise_if(errors, values)
    agency = present(agency)
    check_type = session.scalar(
        select(CheckType).where(
            CheckType.scheme == case.scheme,
            CheckType.agency_id == agency.id,
            CheckType.active.is_(True),
        )
    )
    sent = PartnerRequest(
        request_id=case.id,
        agency_id=agency.id,
        check_type_id=check_type.id if check_type else None,
        asked=asked,
        sent_by_id=actor.user_id,
        sent_at=utcnow(),
        due_on=calendar_for(session).add_working_days(uk_today(), agency.response_working_days),
        people=[PartnerRequestPerson(person_id=pid, role=parties[pid]) for pid in people],
    )
    session.add(sent)
    session.flush()
    record(
        session,
        actor,
        case,
        "partner_request.send",
        AuditCategory.DISCLOSURE,
        "Information requested from a partner agency",
        object_type="partner_request",
        object_id=sent.id,
        recipients=agency.name,
        people=[str(p) for p in people],
    )
    return sent


def _case_request(
    session: Session, actor: Principal, request_id: uuid.UUID, partner_request_id: uuid.UUID
) -> tuple[DisclosureRequest, PartnerRequest]:
    case = case_to_change(session, actor, request_id)
    sent = session.get(PartnerRequest, partner_request_id)
    if sent is None or sent.request_id != case.id:
        raise NotFound("There is no such partner request on this case")
    return case, sent


def chase(
    session: Session, actor: Principal, request_id: uuid.UUID, partner_request_id: uuid.UUID, version: object
) -> None:
    """Record a chase of an open request; the partner sees when it was last chased."""
    case, sent = _case_request(session, actor, request_id, partner_request_id)
    check_version(sent.version, version)
    partner_transition(PartnerRequestStatus(sent.status), PartnerVerb.CHASE)
    sent.chase_count += 1
    sent.last_chased_at = utcnow()
    agency = session.get(Agency, sent.agency_id)
    record(
        session,
        actor,
        case,
        "partner_request.chase",
        AuditCategory.ALTERATION,
        "Partner request chased",
        object_type="partner_request",
        object_id=sent.id,
        recipients=agency.name if agency else None,
    )


def close_without_answer(
    session: Session,
    actor: Principal,
    request_id: uuid.UUID,
    partner_request_id: uuid.UUID,
    values: dict[str, Any],
) -> None:
    """Close an unanswered request with a recorded reason, so the package may go to the panel without it."""
    case, sent = _case_request(session, actor, request_id, partner_request_id)
    begin_change(session, actor, case)
    check_version(sent.version, values.get("version"))
    errors: dict[str, str] = {}
    reason = required_text(values, "reason", "Enter why the package can go ahead without an answer", errors)
    raise_if(errors, values)
    sent.status = partner_transition(PartnerRequestStatus(sent.status), PartnerVerb.CLOSE).value
    sent.closed_reason = reason
    record(
        session,
        actor,
        case,
        "partner_request.close",
        AuditCategory.ALTERATION,
        "Partner request closed without an answer (reason on the request)",
        object_type="partner_request",
        object_id=sent.id,
    )


# ---------------------------------------------------------------- the partner's side


def _for_partner(session: Session, actor: Principal, partner_request_id: uuid.UUID) -> PartnerRequest:
    """A partner user reaches only requests addressed to their own agency; anything else is 'not found'
    (so a guessed id reveals nothing)."""
    if Role.PARTNER.value not in actor.roles:
        raise PermissionDenied()
    agency = agencies_service.agency_of(session, actor.user_id)
    sent = session.get(PartnerRequest, partner_request_id)
    if agency is None or sent is None or sent.agency_id != agency.id:
        raise NotFound("There is no such request for your agency")
    return sent


@dataclass(frozen=True)
class PartnerPerson:
    role: str
    name: str
    aliases: list[str]
    date_of_birth: date | None
    addresses: list[str]


@dataclass(frozen=True)
class PartnerRequestView:
    """Everything a partner sees of a case: the reference, what is asked, about whom, and when it is due."""

    id: uuid.UUID
    reference: str
    agency: str
    asked: str
    people: list[PartnerPerson]
    sent_at: datetime
    due_on: date
    status: PartnerRequestStatus
    overdue: bool
    last_chased_at: datetime | None
    version: int
    response: str
    responded_at: datetime | None


def _view(session: Session, sent: PartnerRequest) -> PartnerRequestView:
    case = session.get(DisclosureRequest, sent.request_id)
    agency = session.get(Agency, sent.agency_id)
    people = []
    for link in sent.people:
        person = session.get(Person, link.person_id)
        if person is None:
            continue
        people.append(
            PartnerPerson(
                # The role the request was made about, in words; the partner is not told the person's
                # other roles on the case (that the person at risk applied, say) [APP-MoPI].
                role=PartyRole(link.role).label,
                name=person.display_name,
                aliases=[n.full_name for n in person.other_names],
                date_of_birth=person.date_of_birth,
                addresses=[a.one_line for a in person.addresses],
            )
        )
    return PartnerRequestView(
        id=sent.id,
        reference=case.reference if case else "",
        agency=agency.name if agency else "",
        asked=sent.asked,
        people=people,
        sent_at=sent.sent_at,
        due_on=sent.due_on,
        status=PartnerRequestStatus(sent.status),
        overdue=is_overdue(sent, uk_today()),
        last_chased_at=sent.last_chased_at,
        version=sent.version,
        response=sent.response,
        responded_at=sent.responded_at,
    )


def partner_inbox(
    session: Session,
    actor: Principal,
    *,
    view: InboxView = InboxView.WAITING,
    after: str | None = None,
    before: str | None = None,
    limit: int = paging.LIMIT,
) -> Inbox[PartnerRequestView]:
    """A page of the requests addressed to the partner user's agency: those waiting for an answer, nearest
    due date first, or those answered or closed, newest first; each with who it is about (the people the
    agency was asked about, nobody else on the case [issue 16]). The list names people, so reading it is
    audited, listing the requests shown [DPA-62]."""
    if Role.PARTNER.value not in actor.roles:
        raise PermissionDenied()
    agency = agencies_service.agency_of(session, actor.user_id)
    if agency is None:
        return inbox.empty(None, view)
    mine = select(PartnerRequest).where(PartnerRequest.agency_id == agency.id)
    waiting = mine.where(PartnerRequest.status == PartnerRequestStatus.OPEN.value)
    if view is InboxView.WAITING:
        statement, order, newest = waiting, (PartnerRequest.due_on, PartnerRequest.id), False
    else:
        statement = mine.where(PartnerRequest.status != PartnerRequestStatus.OPEN.value)
        order, newest = (PartnerRequest.sent_at, PartnerRequest.id), True
    found = paging.page(
        session,
        statement.options(selectinload(PartnerRequest.people)),
        order,
        after=after,
        before=before,
        limit=limit,
        descending=newest,
    )
    rows: list[PartnerRequest] = found.items
    if rows:
        audit.record(
            session,
            actor=actor,
            action="research.partner_request.list",
            category=AuditCategory.CONSULTATION,
            object_type="agency",
            object_id=agency.id,
            justification="Partner agency reading the list of requests addressed to it",
            details={"partner_requests": [str(sent.id) for sent in rows]},
        )
    loaded = _load_for_views(session, rows)  # held while the views are made: the identity map is weak
    views = [_view(session, sent) for sent in rows]
    del loaded
    count, more = inbox.waiting_count(session, waiting, view, found)
    return Inbox(agency, view, dataclasses.replace(found, items=views), count, more)


def _load_for_views(session: Session, rows: list[PartnerRequest]) -> list[object]:
    """What `_view` reads, for every request at once (cases, agencies, the people asked about with their
    names and addresses), so a list of requests reads in a fixed number of statements [issue 17]."""
    if not rows:
        return []
    cases = select(DisclosureRequest).where(DisclosureRequest.id.in_({r.request_id for r in rows}))
    agencies = select(Agency).where(Agency.id.in_({r.agency_id for r in rows}))
    people = (
        select(Person)
        .where(Person.id.in_({link.person_id for sent in rows for link in sent.people}))
        .options(selectinload(Person.names), selectinload(Person.addresses))
    )
    return [row for statement in (cases, agencies, people) for row in session.scalars(statement)]


def partner_view(session: Session, actor: Principal, partner_request_id: uuid.UUID) -> PartnerRequestView:
    sent = _for_partner(session, actor, partner_request_id)
    view = _view(session, sent)
    case = session.get(DisclosureRequest, sent.request_id)
    if case is not None:
        record(
            session,
            actor,
            case,
            "partner_request.view",
            AuditCategory.CONSULTATION,
            "Partner agency reading a request addressed to it",
            object_type="partner_request",
            object_id=sent.id,
        )
    return view


def answer(
    session: Session, actor: Principal, partner_request_id: uuid.UUID, values: dict[str, Any]
) -> PartnerRequest:
    """The partner's answer: nil return or information found, what it is, its own reference and whether it
    consents to onward disclosure. It becomes a check on the case (its provenance is the partner)."""
    sent = _for_partner(session, actor, partner_request_id)
    return _record_answer(
        session, actor, sent, values, "Answered by the partner agency in the service", outside=False
    )


def record_answer_for_partner(
    session: Session,
    actor: Principal,
    request_id: uuid.UUID,
    partner_request_id: uuid.UUID,
    values: dict[str, Any],
) -> PartnerRequest:
    """A researcher records an answer the agency gave outside the service (secure email, phone), with when
    it was received: after the request was sent and not in the future (the form starts at now, the usual
    answer, for an answer typed in as it arrives)."""
    case, sent = _case_request(session, actor, request_id, partner_request_id)
    require_case_role(actor)
    begin_change(session, actor, case)
    return _record_answer(
        session, actor, sent, values, "Answer received outside the service, recorded", outside=True
    )


def new_answer_answers(now: datetime | None = None) -> dict[str, str]:
    """The researcher's answer form's first answers: received now."""
    return datetime_answers("received", now or utcnow())


# The answer form's fields, top to bottom (the researcher's form starts with when it was received).
ANSWER_FIELDS = ("received", "result", "response", "response_reference", "onward_consent")
_RECEIVED = (
    Order(
        "research.answer",
        "sent",
        "received",
        "received",
        "The answer cannot be received before the request was sent ({earlier})",
        TYPED,
    ),
    Order(
        "research.answer",
        "received",
        NOW,
        "received",
        "The date received must be now or in the past",
        CLOCK_DRIFT,
    ),
)


def _received(sent: PartnerRequest, values: dict[str, Any], errors: dict[str, str]) -> datetime | None:
    received = parse_datetime(values, "received", "Date the answer was received", errors)
    now = utcnow()
    for rule in _RECEIVED:
        times = {"sent": sent.sent_at, "received": received}
        if received is not None and "received" not in errors and rule.breached(times, now):
            errors["received"] = rule.sentence(times, now)
    return received


def _record_answer(
    session: Session,
    actor: Principal,
    sent: PartnerRequest,
    values: dict[str, Any],
    how: str,
    *,
    outside: bool,
) -> PartnerRequest:
    case = session.get(DisclosureRequest, sent.request_id)
    if case is not None:
        require_open(case)  # a finished case needs no answer, and keeps none
    check_version(sent.version, values.get("version"))
    status = partner_transition(PartnerRequestStatus(sent.status), PartnerVerb.ANSWER)
    errors: dict[str, str] = {}
    received = _received(sent, values, errors) if outside else utcnow()
    result = choice(values, "result", CheckResult, "Select whether you hold information", errors)
    response = required_text(values, "response", "Enter your answer", errors, limit=LONG)
    reference = optional_text(values, "response_reference", "Your reference", errors, limit=120)
    consent = choice(
        values, "onward_consent", OnwardConsent, "Select whether you consent to onward disclosure", errors
    )
    raise_if(in_page_order(errors, ANSWER_FIELDS), values)
    agency = session.get(Agency, sent.agency_id)
    if case is None or agency is None:
        raise FormInvalid({"response": "This request can no longer be answered"}, values)
    now = present(received)
    sent.status = status.value
    sent.result, sent.response, sent.response_reference = present(result).value, response, reference
    sent.onward_consent = present(consent).value
    sent.responded_at, sent.responded_by_id = now, actor.user_id
    session.add(
        Check(
            request_id=sent.request_id,
            check_type_id=sent.check_type_id,
            name=agency.name,
            kind=CheckKind.PARTNER_AGENCY.value,
            result=sent.result,
            reference=reference,
            onward_consent=sent.onward_consent,
            notes=response,
            performed_at=now,
            performed_by_id=actor.user_id,
            partner_request_id=sent.id,
        )
    )
    record(
        session,
        actor,
        case,
        "partner_request.answer",
        AuditCategory.COLLECTION,
        how,
        object_type="partner_request",
        object_id=sent.id,
        result=sent.result,
    )
    return sent


# ---------------------------------------------------------------- lists


@dataclass(frozen=True)
class OpenRequestRow:
    """An open partner request in the chase list: the case and the agency, and, on a case the reader may
    open, who it is about and the chase itself (on another team's case they are told why not)."""

    id: uuid.UUID
    request_id: uuid.UUID
    reference: str
    agency: str
    sent_at: datetime
    due_on: date
    overdue: bool
    chase_count: int
    last_chased_at: datetime | None
    version: int
    may_open: bool = False
    about: tuple[str, ...] = ()


def open_requests(
    session: Session, actor: Principal | None = None, *, overdue_only: bool = False
) -> list[OpenRequestRow]:
    """Every open partner request, most overdue first, for researchers to chase. Who a case is about is
    case content, so names (every role a person holds, "Jo Bloggs (applicant, person at risk)") and the
    chase are given only on cases the reader may open [APP-MoPI]; without a reader, neither."""
    from disclosure.requests.access import readable
    from disclosure.requests.queue import people_on

    today = uk_today()
    may_open = readable(actor).label("may_open") if actor is not None else literal(False).label("may_open")
    query = (
        select(PartnerRequest, DisclosureRequest.reference, Agency.name, may_open)
        .join(DisclosureRequest, DisclosureRequest.id == PartnerRequest.request_id)
        .join(Agency, Agency.id == PartnerRequest.agency_id)
        .where(PartnerRequest.status == PartnerRequestStatus.OPEN.value)
        .order_by(PartnerRequest.due_on, PartnerRequest.sent_at)
    )
    if overdue_only:
        query = query.where(PartnerRequest.due_on < today)
    found = session.execute(query).all()
    about = people_on(session, list({sent.request_id for sent, _, _, readable_ in found if readable_}))
    return [
        OpenRequestRow(
            id=sent.id,
            request_id=sent.request_id,
            reference=reference,
            agency=agency,
            sent_at=sent.sent_at,
            due_on=sent.due_on,
            overdue=is_overdue(sent, today),
            chase_count=sent.chase_count,
            last_chased_at=sent.last_chased_at,
            version=sent.version,
            may_open=bool(readable_),
            about=tuple(about.get(sent.request_id, ())) if readable_ else (),
        )
        for sent, reference, agency, readable_ in found
    ]


def case_requests(session: Session, case_id: uuid.UUID) -> list[PartnerRequest]:
    return list(
        session.scalars(
            select(PartnerRequest)
            .where(PartnerRequest.request_id == case_id)
            .order_by(PartnerRequest.sent_at)
        )
    )


def unanswered(session: Session, case_id: uuid.UUID) -> list[PartnerRequest]:
    return [r for r in case_requests(session, case_id) if r.status == PartnerRequestStatus.OPEN.value]
