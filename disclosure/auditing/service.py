"""Reading the audit trail for auditors (read-only; their searches and exports are themselves audited).

DPA 2018 s.62 logs exist for lawfulness checks, self-monitoring and integrity [DPA-62]; QUALITY.md
check 19: an auditor can export the access history of a person or case for a date range.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import audit, chronology, paging
from disclosure.audit import AuditCategory, AuditEvent
from disclosure.auditing import records
from disclosure.auditing.schemas import EventFilter, EventView
from disclosure.auth import Principal
from disclosure.errors import FormInvalid, NotFound, PermissionDenied
from disclosure.forms import parse_date
from disclosure.text import clean_line, spreadsheet_safe

_LIMITS = {"reference": 30, "actor": 121, "action": 80, "object_type": 60, "object_id": 80}


def parse_filter(values: Mapping[str, Any]) -> EventFilter:
    """Filters from a query string, with an error at each field that cannot be searched: dates in the GOV.UK
    date input (`date_from-day`...) or, from the API, as YYYY-MM-DD in `date_from`, both UK days, and the
    "to" date not before the "from" date; a person by their record's identifier in full."""
    values = {k: clean_line(str(v)) for k, v in values.items()}
    errors: dict[str, str] = {}
    text = {k: (values.get(k) or "").strip()[:limit] for k, limit in _LIMITS.items()}
    text["reference"] = text["reference"].upper()
    person = (values.get("person") or "").strip()
    if person:
        try:
            person = str(uuid.UUID(person))
        except ValueError:
            errors["person"] = (
                "Enter the person's record identifier in full, like 0b5e8f9c-3d2a-4c1e-9f8b-7a6d5c4b3a21"
            )
    if text["actor"] == "*":
        errors["actor"] = "Enter the start of a user name before the *, like rory*"
    category = (values.get("category") or "").strip()
    if category and category not in {c.value for c in AuditCategory}:
        errors["category"] = "Select an operation from the list"
    dates = {
        name: parse_date(values, name, label, errors, required=False)
        for name, label in (("date_from", "From date"), ("date_to", "To date"))
    }
    chronology.check("auditing.search", dates, errors)
    if errors:
        raise FormInvalid(errors, values)
    return EventFilter(
        person=person, category=category, date_from=dates["date_from"], date_to=dates["date_to"], **text
    )


def _require_auditor(actor: Principal) -> None:
    if "auditor" not in actor.roles:
        raise PermissionDenied()


def search_events(
    session: Session,
    actor: Principal,
    f: EventFilter,
    *,
    after: str | None = None,
    before: str | None = None,
    limit: int = paging.LIMIT,
) -> paging.Page[AuditEvent]:
    """Newest first, a page at a time from where the reader left off (keyset on the sequence, so a late
    page of millions of events costs what the first does), counted up to 1,000 [issue 17]. A search with
    filters is recorded; plain paging is not."""
    _require_auditor(actor)
    found = paging.page(
        session,
        select(AuditEvent).where(*records.conditions(session, f)),
        [AuditEvent.seq],
        after=after,
        before=before,
        limit=limit,
        descending=True,
    )
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
    return found


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


def describe(session: Session, events: list[AuditEvent]) -> list[EventView]:
    """The events in words, their records named where an auditor may know the name (records.describe)."""
    return records.describe(session, events)


EXPORT_COLUMNS = (
    "seq",
    "occurred_at",
    "actor",
    "actor_roles",
    "category",
    "action",
    "what_happened",
    "object_type",
    "object_id",
    "reference",
    "record",
    "justification",
    "recipients",
    "details",
    "hash",
)
_EXPORT_BATCH = 500


def export_csv(session: Session, actor: Principal, f: EventFilter, reason: str) -> str:
    """The access history matching the filter as CSV, oldest first, each event with its words and its case
    reference; the export is audited with its reason.

    Cells that a spreadsheet would run as a formula are prefixed with an apostrophe (CSV injection).
    """
    _require_auditor(actor)
    errors: dict[str, str] = {}
    if f.is_empty:
        errors["reference"] = "Enter a case reference, person, user name, record or date range to export"
    if not reason.strip():
        errors["reason"] = "Enter why you are exporting this history"
    if errors:
        raise FormInvalid(errors, {**f.as_form(), "reason": reason})
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    statement = select(AuditEvent).where(*records.conditions(session, f)).order_by(AuditEvent.seq)
    found = session.scalars(statement.execution_options(yield_per=_EXPORT_BATCH))
    for batch in found.partitions():
        for view in records.describe(session, list(batch)):
            writer.writerow([_cell(getattr(view, c)) for c in EXPORT_COLUMNS])
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
