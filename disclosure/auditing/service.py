"""Reading the audit trail for auditors (read-only; their searches and exports are themselves audited).

DPA 2018 s.62 logs exist for lawfulness checks, self-monitoring and integrity [DPA-62]; QUALITY.md
check 19: an auditor can export the access history of a person or case for a date range.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from disclosure import audit, chronology
from disclosure.audit import AuditCategory, AuditEvent
from disclosure.auth import Principal
from disclosure.clocks import start_of_uk_day
from disclosure.db import Pagination
from disclosure.errors import FormInvalid, NotFound, PermissionDenied
from disclosure.text import clean_line, spreadsheet_safe

SelectT = TypeVar("SelectT", bound=Select[Any])

FILTER_FIELDS = ("actor", "action", "category", "object_type", "object_id", "date_from", "date_to")


@dataclass(frozen=True)
class EventFilter:
    actor: str = ""
    action: str = ""
    category: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @property
    def is_empty(self) -> bool:
        return self == EventFilter()

    def as_dict(self) -> dict[str, str]:
        values = {f: getattr(self, f) for f in FILTER_FIELDS}
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items() if v}


def parse_filter(values: dict[str, str]) -> EventFilter:
    """Filters from a query string; dates as YYYY-MM-DD (UK days), with field errors for anything else."""
    values = {k: clean_line(str(v)) for k, v in values.items()}
    errors: dict[str, str] = {}
    dates: dict[str, date | None] = {}
    for name, label in (("date_from", "From"), ("date_to", "To")):
        raw = (values.get(name) or "").strip()
        try:
            dates[name] = date.fromisoformat(raw) if raw else None
        except ValueError:
            errors[name] = f"{label} date must be a real date, like 2026-11-24"
            dates[name] = None
    chronology.check("auditing.search", dates, errors)
    category = (values.get("category") or "").strip()
    if category and category not in {c.value for c in AuditCategory}:
        errors["category"] = "Select an operation from the list"
    text = {k: (values.get(k) or "").strip()[:200] for k in ("actor", "action", "object_type", "object_id")}
    if errors:
        raise FormInvalid(errors, values)
    return EventFilter(category=category, date_from=dates["date_from"], date_to=dates["date_to"], **text)


def _require_auditor(actor: Principal) -> None:
    if "auditor" not in actor.roles:
        raise PermissionDenied()


def _filtered(statement: SelectT, f: EventFilter) -> SelectT:
    if f.actor:
        statement = statement.where(AuditEvent.actor_label == f.actor.lower())
    if f.action:
        statement = statement.where(AuditEvent.action.startswith(f.action, autoescape=True))
    if f.category:
        statement = statement.where(AuditEvent.category == f.category)
    if f.object_type:
        statement = statement.where(AuditEvent.object_type == f.object_type)
    if f.object_id:
        statement = statement.where(AuditEvent.object_id == f.object_id)
    # UK days, as the events' times are shown: an event at 00:30 BST on 1 July is on 1 July.
    if f.date_from:
        statement = statement.where(AuditEvent.occurred_at >= start_of_uk_day(f.date_from))
    if f.date_to:
        statement = statement.where(AuditEvent.occurred_at < start_of_uk_day(f.date_to + timedelta(days=1)))
    return statement


def search_events(
    session: Session, actor: Principal, f: EventFilter, *, page: str | None = None, per_page: int = 50
) -> tuple[list[AuditEvent], Pagination]:
    """Newest first, a page at a time. A search with filters is recorded; plain paging is not."""
    _require_auditor(actor)
    counted = _filtered(select(func.count(AuditEvent.seq)), f)
    pagination = Pagination.from_query(page, session.scalar(counted) or 0, per_page)
    ordered = _filtered(select(AuditEvent), f).order_by(AuditEvent.seq.desc())
    events = list(session.scalars(ordered.offset(pagination.offset).limit(per_page)))
    if not f.is_empty:
        audit.record(
            session,
            actor=actor,
            action="audit.search",
            category=AuditCategory.CONSULTATION,
            object_type="audit_trail",
            justification="Auditor searched the audit trail",
            details=f.as_dict(),
        )
    return events, pagination


def get_event(session: Session, actor: Principal, seq: int) -> AuditEvent:
    _require_auditor(actor)
    event = session.get(AuditEvent, seq)
    if event is None:
        raise NotFound("There is no such audit event")
    return event


def verify_chain(session: Session, actor: Principal) -> audit.ChainReport:
    _require_auditor(actor)
    report = audit.verify(session)
    audit.record(
        session,
        actor=actor,
        action="audit.verify",
        category=AuditCategory.SECURITY,
        object_type="audit_trail",
        justification="Auditor verified the hash chain",
        details={"checked": report.checked, "intact": report.intact},
    )
    return report


EXPORT_COLUMNS = (
    "seq",
    "occurred_at",
    "actor_label",
    "actor_roles",
    "category",
    "action",
    "object_type",
    "object_id",
    "justification",
    "recipients",
    "details",
    "hash",
)


def export_csv(session: Session, actor: Principal, f: EventFilter, reason: str) -> str:
    """The access history matching the filter as CSV, oldest first; the export is audited with its reason.

    Cells that a spreadsheet would run as a formula are prefixed with an apostrophe (CSV injection).
    """
    _require_auditor(actor)
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = "Enter why you are exporting this history"
    if f.is_empty:
        errors["object_id"] = "Enter a record, user or date range to export"
    if errors:
        raise FormInvalid(errors, {**f.as_dict(), "reason": reason})
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for event in session.scalars(_filtered(select(AuditEvent), f).order_by(AuditEvent.seq)):
        writer.writerow([_cell(getattr(event, c)) for c in EXPORT_COLUMNS])
        count += 1
    audit.record(
        session,
        actor=actor,
        action="audit.export",
        category=AuditCategory.DISCLOSURE,
        object_type="audit_trail",
        justification=reason.strip()[:2000],
        recipients=actor.username,
        details={**f.as_dict(), "rows": count},
    )
    return buffer.getvalue()


def _cell(value: object) -> str:
    text = value.isoformat() if isinstance(value, datetime) else ("" if value is None else str(value))
    return str(spreadsheet_safe(text))
