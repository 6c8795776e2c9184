"""Export for partners: episodes with their return home interview status (an adult's optional prevention
interview instead, never overdue) and the person's repeat flag, as CSV or XLSX [issue 7]. An export is a
disclosure of personal data and is audited with its recipient and reason (DPA 2018 s.62 [DPA-62]). Every
cell, in both formats, passes through `cell`: control characters go (openpyxl refuses them, and a line break
or bidirectional override would disguise a row) and what a spreadsheet would run as a formula is neutralised
(CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.errors import FormInvalid
from disclosure.forms import integer, text
from disclosure.missing import rules, service
from disclosure.missing.models import Episode, ReturnInterview
from disclosure.missing.vocabulary import CareStatus, EpisodeStatus, InterviewKind, InterviewOutcome
from disclosure.people import service as people
from disclosure.text import clean_line, spreadsheet_safe

HEADINGS = (
    "Police reference",
    "Name",
    "Date of birth",
    "Care status",
    "Status",
    "Risk level",
    "Reported at",
    "Returned at",
    "Return home interview",
    "Interview due by",
    "Repeat missing",
    "Episodes in repeat window",
)
FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UK = ZoneInfo("Europe/London")


def cell(value: Any) -> Any:
    """One exported value as a spreadsheet may hold it: text on one line without control characters, then
    safe from formula injection; numbers unchanged."""
    return spreadsheet_safe(clean_line(value) if isinstance(value, str) else value)


def _stamp(moment: datetime | None) -> str:
    """UK local time, as partners read it."""
    return moment.astimezone(UK).strftime("%Y-%m-%d %H:%M") if moment else ""


def rows(session: Session, since: datetime) -> Iterator[tuple[Any, ...]]:
    """One row per episode reported since `since`, newest first, in batches of 1,000."""
    labels = rules.risk_labels(session)
    statement = (
        select(Episode, ReturnInterview)
        .outerjoin(ReturnInterview, ReturnInterview.episode_id == Episode.id)
        .where(Episode.reported_at >= since)
        .order_by(Episode.reported_at.desc())
        .execution_options(yield_per=1000)
    )
    now = utcnow()
    batch: list[tuple[Episode, ReturnInterview | None]] = []

    def flush() -> Iterator[tuple[Any, ...]]:
        ids = [e.person_id for e, _ in batch if e.person_id]
        names = people.summaries(session, ids) if ids else {}
        repeats = service.repeat_statuses(session, ids, now) if ids else {}
        for episode, interview in batch:
            summary = names.get(episode.person_id) if episode.person_id else None
            repeat = repeats.get(episode.person_id) if episode.person_id else None
            state = service.interview_state(interview, now)
            yield (
                episode.police_reference or "",
                summary.display_name if summary else f"{episode.reported_name} (to confirm)",
                summary.date_of_birth.isoformat() if summary and summary.date_of_birth else "",
                CareStatus(episode.care_status).label,
                EpisodeStatus(episode.status).label,
                labels.get(episode.risk_level, episode.risk_level),
                _stamp(episode.reported_at),
                _stamp(episode.returned_at),
                _interview_label(state, episode, interview),
                _stamp(interview.due_at) if interview else "",
                "Yes" if repeat and repeat.flagged else "No",
                repeat.count if repeat else 0,
            )

    for episode, interview in session.execute(statement):
        batch.append((episode, interview))
        if len(batch) >= 1000:
            yield from flush()
            batch.clear()
    yield from flush()


def _interview_label(state: str, episode: Episode, interview: ReturnInterview | None) -> str:
    """The column holds a child's return home interview (overdue after 72 hours); an adult's episode says
    which interview it has instead, optional and never overdue [MissingPeople-2024]."""
    if interview is not None and interview.kind == InterviewKind.PREVENTION:
        done = (
            "optional, not recorded" if state == service.OPTIONAL else InterviewOutcome(state).label.lower()
        )
        return f"{InterviewKind.PREVENTION.label}: {done}"
    if state == service.OVERDUE:
        return "Overdue"
    if state:
        return InterviewOutcome(state).label
    return "" if episode.status == EpisodeStatus.OPEN else "Not tracked (returned before it was imported)"


def export(session: Session, actor: Principal, values: dict[str, Any]) -> tuple[bytes, str, str]:
    """(content, filename, media type) for the chosen format and period; audited as a disclosure to the
    named recipient with the reason given."""
    service.require_coordinator(actor)
    errors: dict[str, str] = {}
    kind = text(values, "format")
    if kind not in FORMATS:
        errors["format"] = "Select CSV or Excel"
    recipient = text(values, "recipient", limit=200)
    if not recipient:
        errors["recipient"] = "Enter who the export is for"
    reason = text(values, "reason", limit=2000)
    if not reason:
        errors["reason"] = "Enter why they need it"
    days = integer(values, "days", "The number of days", errors, low=1, high=3660) or 90
    if errors:
        raise FormInvalid(errors, values)
    since = utcnow() - timedelta(days=days)
    data = list(rows(session, since))
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    content, media = (csv_bytes(HEADINGS, data), "text/csv") if kind == "csv" else (_xlsx(data), XLSX)
    audit.record(
        session,
        actor=actor,
        action="missing.export",
        category=AuditCategory.DISCLOSURE,
        object_type="missing_export",
        justification=reason,
        recipients=recipient,
        details={"format": kind, "days": days, "rows": len(data)},
    )
    return content, f"missing-episodes-{stamp}.{kind}", media


def csv_bytes(headings: tuple[str, ...], data: list[tuple[Any, ...]]) -> bytes:
    """A CSV file of `data` under `headings`, every value through `cell`, with the byte-order mark that makes
    Excel read it as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headings)
    writer.writerows(tuple(cell(v) for v in row) for row in data)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(data: list[tuple[Any, ...]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Missing episodes")
    sheet.append(HEADINGS)
    for row in data:
        sheet.append([cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
