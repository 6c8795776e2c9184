"""The information rights officer's verbs [issue 19]: find the person, open a subject access request
(everything held about them gathered at once, `gathering`), decide each item (disclose, disclose with
passages redacted, or withhold, with the DPA 2018 s.45(4) restriction relied on), and export the bundle.

The answer is due within one month of receipt (DPA 2018 s.54, "the applicable time period"). Every step is
audited: opening the request is a consultation of everything about the person, each decision an alteration,
the export a disclosure to the data subject."""

from __future__ import annotations

import calendar
import uuid
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure import audit, paging
from disclosure.accounts.roles import Role
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.clocks import uk_date
from disclosure.db import check_version, utcnow
from disclosure.errors import FormInvalid, InvalidTransition, NotFound, PermissionDenied
from disclosure.forms import parse_date, raise_if, required_text, text
from disclosure.people import service as people
from disclosure.people.models import Person
from disclosure.people.schemas import MatchView
from disclosure.subject_access.gathering import gather
from disclosure.subject_access.models import SubjectAccessItem, SubjectAccessRequest
from disclosure.subject_access.vocabulary import Exemption, ItemDecision, ItemKind, RequestStatus

NOTE_LIMIT = 4000


def require_officer(actor: Principal) -> None:
    if Role.INFORMATION_RIGHTS.value not in actor.roles:
        raise PermissionDenied()


def one_month_after(day: date) -> date:
    """The same day of the next month, or its last day when it has none (31 January: 28 or 29 February)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def requests(
    session: Session,
    actor: Principal,
    *,
    status: RequestStatus = RequestStatus.OPEN,
    after: str | None = None,
    before: str | None = None,
    limit: int = paging.LIMIT,
) -> paging.Page[SubjectAccessRequest]:
    """The requests at `status`, soonest due first."""
    require_officer(actor)
    chosen = select(SubjectAccessRequest).where(SubjectAccessRequest.status == status.value)
    order = [SubjectAccessRequest.due_on, SubjectAccessRequest.id]
    return paging.page(session, chosen, order, after=after, before=before, limit=limit)


def waiting_counts(session: Session, request_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many items each request still has to decide, in one statement."""
    if not request_ids:
        return {}
    counted = (
        select(SubjectAccessItem.request_id, func.count())
        .where(
            SubjectAccessItem.request_id.in_(request_ids),
            SubjectAccessItem.decision == ItemDecision.PENDING.value,
        )
        .group_by(SubjectAccessItem.request_id)
    )
    return {request_id: int(count) for request_id, count in session.execute(counted).all()}


def find_person(session: Session, actor: Principal, values: dict[str, Any]) -> list[MatchView]:
    """The people who may be the requester, from the details they gave (audited as a people search)."""
    require_officer(actor)
    details = people.details_from_form(values, strict=False)
    if not details.family_name and not details.given_names:
        raise FormInvalid({"family_name": "Enter the requester's family name"}, values)
    return people.find_matches(session, actor, details, threshold=40)


def open_request(session: Session, actor: Principal, values: dict[str, Any]) -> SubjectAccessRequest:
    """Open a request for the chosen person: when it was received (not in the future) and how, with how
    their identity was verified. Everything held about them is gathered now, for the officer to decide."""
    require_officer(actor)
    errors: dict[str, str] = {}
    person = _chosen_person(session, text(values, "person_id"), errors)
    received = parse_date(values, "received", "Date received", errors)
    if received is not None and received > uk_date(utcnow()):
        errors["received"] = "Date received must be today or in the past"
    how = required_text(
        values, "how_received", "Enter how the request came and how identity was verified", errors, limit=4000
    )
    raise_if(errors, values)
    assert person is not None
    assert received is not None
    request = SubjectAccessRequest(
        person_id=person.id,
        received_on=received,
        due_on=one_month_after(received),
        how_received=how,
        opened_by_id=actor.user_id,
    )
    for position, found in enumerate(gather(session, person), start=1):
        request.items.append(
            SubjectAccessItem(
                position=position,
                kind=found.kind.value,
                object_id=found.object_id,
                label=found.label,
                content=found.content,
                suggested=found.suggested.value if found.suggested else None,
                suggestion=found.suggestion,
            )
        )
    session.add(request)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="subject_access.open",
        category=AuditCategory.CONSULTATION,
        object_type="person",
        object_id=person.id,
        justification="Subject access request (DPA 2018 s.45): everything held about the person gathered",
        details={"subject_access_request": str(request.id), "items": len(request.items)},
    )
    return request


def _chosen_person(session: Session, raw: str, errors: dict[str, str]) -> Person | None:
    try:
        person_id = uuid.UUID(raw)
    except ValueError:
        errors["person_id"] = "Select whose information is asked for"
        return None
    person = session.get(Person, person_id)
    if person is None:
        errors["person_id"] = "Select whose information is asked for"
        return None
    return people.resolve(session, person.id)


def get_request(session: Session, actor: Principal, request_id: uuid.UUID) -> SubjectAccessRequest:
    require_officer(actor)
    found = session.get(SubjectAccessRequest, request_id)
    if found is None:
        raise NotFound("There is no such subject access request")
    return found


def get_item(
    session: Session, actor: Principal, request_id: uuid.UUID, item_id: uuid.UUID
) -> SubjectAccessItem:
    item = session.get(SubjectAccessItem, item_id)
    if item is None or item.request_id != get_request(session, actor, request_id).id:
        raise NotFound("There is no such item on this request")
    return item


def decide(
    session: Session, actor: Principal, request_id: uuid.UUID, item_id: uuid.UUID, values: dict[str, Any]
) -> SubjectAccessItem:
    """The officer's decision on one item: `disclose`; `redact` with the restriction and the passages held
    back (one a line, each found in the item's text; a file is sent whole or not at all); or `withhold`
    with the restriction. A note records the reasoning (required for a restriction)."""
    item = get_item(session, actor, request_id, item_id)
    check_version(item.request.version, values.get("version"), what="this request")
    errors: dict[str, str] = {}
    decision = text(values, "decision")
    choices = {d.value for d in ItemDecision} - {ItemDecision.PENDING.value}
    if ItemKind(item.kind).has_file:
        choices.discard(ItemDecision.REDACT.value)
    if decision not in choices:
        errors["decision"] = "Select whether to disclose, redact or withhold it"
    restricted = decision in (ItemDecision.REDACT.value, ItemDecision.WITHHOLD.value)
    exemption = text(values, "exemption")
    if restricted and exemption not in {e.value for e in Exemption}:
        errors["exemption"] = "Select the restriction of s.45(4) relied on"
    passages = [line.strip() for line in text(values, "redactions", limit=20000).splitlines() if line.strip()]
    if decision == ItemDecision.REDACT.value and decision in choices:
        missing = [p for p in passages if p not in item.content]
        if not passages:
            errors["redactions"] = "Enter the passages to redact, one a line"
        elif missing:
            errors["redactions"] = f"“{missing[0][:80]}” is not in the item's text: copy it exactly"
    note = text(values, "note", limit=NOTE_LIMIT)
    if restricted and not note:
        errors["note"] = "Enter why the restriction is necessary and proportionate"
    raise_if(errors, values)
    before = item.decision
    item.decision = decision
    item.exemption = exemption if restricted else None
    item.redactions = "\n".join(passages) if decision == ItemDecision.REDACT.value else ""
    item.note, item.decided_by_id, item.decided_at = note, actor.user_id, utcnow()
    item.request.updated_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action="subject_access.decide",
        category=AuditCategory.ALTERATION,
        object_type="subject_access_request",
        object_id=item.request_id,
        justification="Subject access item decided",
        details={"item": item.position, "kind": item.kind, "from": before, "to": decision}
        | ({"exemption": exemption} if restricted else {}),
    )
    return item


def disclose_rest(session: Session, actor: Principal, request_id: uuid.UUID, values: dict[str, Any]) -> int:
    """Disclose in full every undecided item for which no restriction was suggested (a suggested one is
    decided on its own). Answers how many."""
    request = get_request(session, actor, request_id)
    check_version(request.version, values.get("version"), what="this request")
    chosen = [i for i in request.items if i.decision == ItemDecision.PENDING.value and i.suggested is None]
    if not chosen:
        raise InvalidTransition("Every item without a suggested restriction is already decided")
    now = utcnow()
    for item in chosen:
        item.decision, item.decided_by_id, item.decided_at = ItemDecision.DISCLOSE.value, actor.user_id, now
    request.updated_at = now
    audit.record(
        session,
        actor=actor,
        action="subject_access.disclose_rest",
        category=AuditCategory.ALTERATION,
        object_type="subject_access_request",
        object_id=request.id,
        justification="Subject access items with no suggested restriction disclosed in full",
        details={"items": len(chosen)},
    )
    return len(chosen)


def pending(request: SubjectAccessRequest) -> list[SubjectAccessItem]:
    return [i for i in request.items if i.decision == ItemDecision.PENDING.value]


def redacted(item: SubjectAccessItem) -> str:
    """The item's text with each redacted passage replaced by a mark naming the restriction."""
    shown = item.content
    if item.decision == ItemDecision.REDACT.value and item.exemption:
        mark = f"[redacted: {Exemption(item.exemption).short}]"
        for passage in sorted(item.redactions.splitlines(), key=len, reverse=True):
            if passage:
                shown = shown.replace(passage, mark)
    return shown


def mark_exported(session: Session, actor: Principal, request: SubjectAccessRequest) -> None:
    """Refused while an item is undecided; otherwise the request is marked exported and the export audited
    as a disclosure to the data subject, with counts (never the content)."""
    waiting = pending(request)
    if waiting:
        raise InvalidTransition(
            f"{len(waiting)} item{'s are' if len(waiting) != 1 else ' is'} still to decide: decide every "
            "item before exporting the bundle"
        )
    request.status, request.exported_at, request.exported_by_id = (
        RequestStatus.EXPORTED.value,
        utcnow(),
        actor.user_id,
    )
    counts = {d.value: sum(1 for i in request.items if i.decision == d.value) for d in ItemDecision}
    audit.record(
        session,
        actor=actor,
        action="subject_access.export",
        category=AuditCategory.DISCLOSURE,
        object_type="person",
        object_id=request.person_id,
        justification="Subject access bundle exported for the data subject (DPA 2018 s.45)",
        recipients="The data subject",
        details={"subject_access_request": str(request.id)} | counts,
    )
