"""JSON API for auditors: the audit trail, filtered and paged with the same filters as the page and export."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from litestar import Request, get
from litestar.params import ParameterKwarg

from disclosure import paging
from disclosure.auditing import service
from disclosure.auth import require_principal
from disclosure.web import Db


@dataclass
class AuditEventView:
    seq: int
    id: uuid.UUID
    occurred_at: datetime
    actor: str
    actor_roles: str
    category: str
    action: str
    what_happened: str
    object_type: str
    object_id: str | None
    record: str
    reference: str | None
    justification: str
    hash: str


@dataclass
class AuditEventPage:
    """One page of events, newest first. `count` is how many match, up to 1,000 (`count_capped`: more than
    that); follow `next_cursor` (older events) with `after`, `previous_cursor` (newer) with `before`."""

    count: int
    count_capped: bool
    next_cursor: str | None
    previous_cursor: str | None
    events: list[AuditEventView]


def _query(description: str, *, max_length: int | None = None, date: bool = False) -> ParameterKwarg:
    extra = {"format": "date"} if date else None
    return ParameterKwarg(description=description, max_length=max_length, schema_extra=extra)


@get("/api/v1/audit/events", name="api.audit_events", sync_to_thread=True, tags=["audit"])
def audit_events(
    request: Request[Any, Any, Any],
    db: Db,
    reference: Annotated[
        str,
        _query(
            "A case reference, exactly, in any letter case (DVDS-2026-000123): the events that carry it and "
            "those on the case's own records (the case, its panel agenda items and decisions).",
            max_length=60,
        ),
    ] = "",
    person: Annotated[
        str,
        _query(
            "A person's record identifier (a UUID), never a name: the events on the record and those "
            "naming it (added to a case, linked, merged).",
            max_length=60,
        ),
    ] = "",
    actor: Annotated[
        str,
        _query(
            "The user name of whoever acted, exactly; ending in * matches every user name that starts "
            "with the rest (rory*).",
            max_length=200,
        ),
    ] = "",
    action: Annotated[
        str,
        _query("An action code, exactly (request.view); `what_happened` gives its words.", max_length=200),
    ] = "",
    category: Annotated[
        str,
        _query(
            "The DPA 2018 s.62 operation: collection, alteration, consultation, disclosure, combination, "
            "erasure, security or administration.",
            max_length=40,
        ),
    ] = "",
    object_type: Annotated[
        str, _query("The kind of record acted on (request, person, user, decision...).", max_length=200)
    ] = "",
    object_id: Annotated[str, _query("The identifier of the record acted on.", max_length=200)] = "",
    date_from: Annotated[
        str, _query("Events on or after this UK day, YYYY-MM-DD.", max_length=40, date=True)
    ] = "",
    date_to: Annotated[
        str,
        _query(
            "Events on or before this UK day, YYYY-MM-DD; not before date_from.", max_length=40, date=True
        ),
    ] = "",
    limit: paging.Limit = 100,
    after: paging.After = "",
    before: paging.Before = "",
) -> AuditEventPage:
    """Newest first, a page at a time (100 unless `limit` says); every filter given must hold. A bad filter
    is a 400 naming its field."""
    f = service.parse_filter(
        {
            "reference": reference,
            "person": person,
            "actor": actor,
            "action": action,
            "category": category,
            "object_type": object_type,
            "object_id": object_id,
            "date_from": date_from,
            "date_to": date_to,
        }
    )
    found = service.search_events(db, require_principal(request), f, after=after, before=before, limit=limit)
    return AuditEventPage(
        count=found.count,
        count_capped=found.more,
        next_cursor=found.after,
        previous_cursor=found.before,
        events=[
            AuditEventView(
                seq=e.seq,
                id=e.id,
                occurred_at=e.occurred_at,
                actor=e.actor,
                actor_roles=e.actor_roles,
                category=e.category,
                action=e.action,
                what_happened=e.what_happened,
                object_type=e.object_type,
                object_id=e.object_id,
                record=e.record,
                reference=e.reference,
                justification=e.justification,
                hash=e.hash,
            )
            for e in service.describe(db, found.items)
        ],
    )


ROUTES = [audit_events]
