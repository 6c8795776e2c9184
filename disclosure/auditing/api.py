"""JSON API for auditors: the audit trail, filtered and paged."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Request, get
from litestar.params import FromQuery

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
    object_type: str
    object_id: str | None
    justification: str
    hash: str


@dataclass
class AuditEventPage:
    total: int
    page: int
    pages: int
    events: list[AuditEventView]


@get("/api/v1/audit/events", name="api.audit_events", sync_to_thread=True, tags=["audit"])
def audit_events(
    request: Request[Any, Any, Any],
    db: Db,
    actor: FromQuery[str] = "",
    action: FromQuery[str] = "",
    category: FromQuery[str] = "",
    object_type: FromQuery[str] = "",
    object_id: FromQuery[str] = "",
    date_from: FromQuery[str] = "",
    date_to: FromQuery[str] = "",
    page: FromQuery[int] = 1,
) -> AuditEventPage:
    """Newest first, 100 a page. Dates are YYYY-MM-DD (UTC)."""
    f = service.parse_filter(
        {
            "actor": actor,
            "action": action,
            "category": category,
            "object_type": object_type,
            "object_id": object_id,
            "date_from": date_from,
            "date_to": date_to,
        }
    )
    events, pagination = service.search_events(
        db, require_principal(request), f, page=str(page), per_page=100
    )
    return AuditEventPage(
        total=pagination.total,
        page=pagination.page,
        pages=pagination.pages,
        events=[
            AuditEventView(
                e.seq,
                e.id,
                e.occurred_at,
                e.actor_label,
                e.actor_roles,
                e.category,
                e.action,
                e.object_type,
                e.object_id,
                e.justification,
                e.hash,
            )
            for e in events
        ],
    )


ROUTES = [audit_events]
