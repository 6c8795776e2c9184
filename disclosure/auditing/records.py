"""Which events a filter finds, and how each event's record is named for an auditor.

A case is found by its reference: the events that carry it (`details.reference`, which most case events do),
and the events on the case's own records that do not: the case itself (a view with a stated reason, a Right
to Know consideration), its panel agenda items and decisions, and any event naming the case's id. A person
is found by their record's identifier, never by name (names are case content, which auditors do not read
[issue 14 §6]): the events on the record and the events naming it (added to a case, linked, merged).

Events store their details as JSON text written by `audit.record` (sorted keys, `", "` and `": "`
separators), so `"reference": "DVDS-2026-000123"` is matched as that exact text on SQLite and PostgreSQL
alike (a reference is searched in capitals, as the service writes them); a quoted id cannot match a longer
one. An auditor's own searches and exports name what they looked for in their details; they are found by
the auditor's user name, not as events on the case or person.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from disclosure.accounts.models import User
from disclosure.audit import AuditEvent
from disclosure.auditing import words
from disclosure.auditing.schemas import EventFilter, EventView
from disclosure.clocks import start_of_uk_day
from disclosure.decisions.models import AgendaItem, Decision
from disclosure.requests.models import DisclosureRequest

CASE_KINDS = frozenset(words.same_kind("request"))
AUDIT_TRAIL = "audit_trail"


def _names(value: str) -> ColumnElement[bool]:
    """The event's details hold `value` as a JSON string (a quoted id, in any key). An auditor's own search
    or export names what it looked for, but is not an event on that record."""
    return and_(
        AuditEvent.object_type != AUDIT_TRAIL, AuditEvent.details.contains(json.dumps(value), autoescape=True)
    )


def _case(session: Session, reference: str) -> ColumnElement[bool]:
    """`reference` in capitals, as the service writes every reference (so the match ignores letter case)."""
    found: list[ColumnElement[bool]] = [
        and_(
            AuditEvent.object_type != AUDIT_TRAIL,
            AuditEvent.details.contains(f'"reference": {json.dumps(reference)}', autoescape=True),
        )
    ]
    case_id = session.scalar(select(DisclosureRequest.id).where(DisclosureRequest.reference == reference))
    if case_id is not None:
        ids = {case_id}
        ids |= set(session.scalars(select(AgendaItem.id).where(AgendaItem.request_id == case_id)))
        ids |= set(session.scalars(select(Decision.id).where(Decision.request_id == case_id)))
        found += [AuditEvent.object_id.in_(sorted(str(i) for i in ids)), _names(str(case_id))]
    return or_(*found)


def conditions(session: Session, f: EventFilter) -> list[ColumnElement[bool]]:
    """The filter as SQL conditions on the events table, every one of them to hold."""
    where: list[ColumnElement[bool]] = []
    if f.reference:
        where.append(_case(session, f.reference))
    if f.person:
        where.append(or_(AuditEvent.object_id == f.person, _names(f.person)))
    if f.actor.endswith("*"):
        where.append(AuditEvent.actor_label.startswith(f.actor[:-1].lower(), autoescape=True))
    elif f.actor:
        where.append(AuditEvent.actor_label == f.actor.lower())
    if f.action:
        where.append(AuditEvent.action == f.action)
    if f.category:
        where.append(AuditEvent.category == f.category)
    if f.object_type:
        where.append(AuditEvent.object_type.in_(words.same_kind(f.object_type)))
    if f.object_id:
        where.append(AuditEvent.object_id == f.object_id)
    # UK days, as the events' times are shown: an event at 00:30 BST on 1 July is on 1 July.
    if f.date_from:
        where.append(AuditEvent.occurred_at >= start_of_uk_day(f.date_from))
    if f.date_to:
        where.append(AuditEvent.occurred_at < start_of_uk_day(f.date_to + timedelta(days=1)))
    return where


# ------------------------------------------------------------------------------------ naming records


def _details(event: AuditEvent) -> dict[str, Any]:
    try:
        parsed = json.loads(event.details or "{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _lookup(session: Session, statement: Any, ids: Iterable[uuid.UUID | None]) -> dict[str, str]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return {str(key): name for key, name in session.execute(statement(wanted))}


def _shown(value: object) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_shown(v) for v in value) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def describe(session: Session, events: Sequence[AuditEvent]) -> list[EventView]:
    """Each event in words. The case's reference comes from the event or, where the event does not carry
    it, from the case, panel agenda item or decision it names (three queries for the page, not one per
    row); a user account is named by its user name. A person's record is only ever its identifier."""
    details = {e.seq: _details(e) for e in events}
    case_ids: list[uuid.UUID | None] = []
    item_ids: list[uuid.UUID | None] = []
    decision_ids: list[uuid.UUID | None] = []
    for e in events:
        if details[e.seq].get("reference"):
            continue
        case_ids.append(_uuid(details[e.seq].get("request_id")))
        if e.object_type in CASE_KINDS:
            case_ids.append(_uuid(e.object_id))
        elif e.object_type == "agenda_item":
            item_ids.append(_uuid(e.object_id))
        elif e.object_type == "decision":
            decision_ids.append(_uuid(e.object_id))
    user_ids = [_uuid(e.object_id) for e in events if e.object_type == "user"]
    references = _lookup(
        session,
        lambda ids: select(DisclosureRequest.id, DisclosureRequest.reference).where(
            DisclosureRequest.id.in_(ids)
        ),
        case_ids,
    )
    for model, ids in ((AgendaItem, item_ids), (Decision, decision_ids)):
        references |= _lookup(
            session,
            lambda wanted, model=model: (
                select(model.id, DisclosureRequest.reference)
                .join(DisclosureRequest, DisclosureRequest.id == model.request_id)
                .where(model.id.in_(wanted))
            ),
            ids,
        )
    usernames = _lookup(session, lambda ids: select(User.id, User.username).where(User.id.in_(ids)), user_ids)

    views = []
    for e in events:
        facts = details[e.seq]
        named_case = _uuid(facts.get("request_id"))
        reference = facts.get("reference") or references.get(e.object_id or "")
        reference = reference or (references.get(str(named_case)) if named_case else None)
        views.append(
            EventView(
                seq=e.seq,
                id=e.id,
                occurred_at=e.occurred_at,
                actor=e.actor_label,
                actor_roles=e.actor_roles,
                category=e.category,
                category_words=words.category_words(e.category),
                action=e.action,
                what_happened=words.action_words(e.action),
                object_type=e.object_type,
                record_kind=words.record_words(e.object_type),
                object_id=e.object_id,
                reference=str(reference) if reference else None,
                username=usernames.get(e.object_id or "") if e.object_type == "user" else None,
                justification=e.justification,
                recipients=e.recipients,
                details=e.details,
                details_items=tuple(
                    (key.replace("_", " ").capitalize(), _shown(value)) for key, value in facts.items()
                ),
                hash=e.hash,
                prev_hash=e.prev_hash,
            )
        )
    return views
