"""A year's returns as a spreadsheet (CSV or Excel) to send to the Home Office or the force's performance
meeting: every figure with its definition, and in Excel the corrections made after the year ended. The file
holds figures, not personal data, but an export still leaves the service: it is audited with its reason
(DPA 2018 s.62 [DPA-62]). Cells pass through `missing.export.cell`, safe from formula injection."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.errors import FormInvalid
from disclosure.forms import LONG, text
from disclosure.missing.export import XLSX, cell, csv_bytes
from disclosure.reports import returns
from disclosure.reports.periods import FinancialYear
from disclosure.text import format_datetime

FORMATS = {"xlsx": "Excel (.xlsx)", "csv": "CSV"}
HEADINGS = ("Return", "Year", "Figure", "Part of", "Value", "How it is counted")
CORRECTION_HEADINGS = ("Corrected at", "Record", "Reference", "What was corrected")


def figure_rows(found: list[returns.Return]) -> list[tuple[Any, ...]]:
    """One row per figure, in the returns' order; an "of which" figure names the figure it is part of."""
    rows = []
    for one in found:
        labels = {line.figure.key: line.figure.label for line in one.lines}
        for line in one.lines:
            part_of = labels.get(line.figure.part_of, "")
            rows.append(
                (one.title, one.year.label, line.figure.label, part_of, line.value, line.figure.definition)
            )
    return rows


def export(
    session: Session, actor: Principal, year: FinancialYear, values: dict[str, Any]
) -> tuple[bytes, str, str]:
    """(content, filename, media type) of the year's returns in the chosen format, audited with the reason."""
    errors: dict[str, str] = {}
    kind = text(values, "format")
    if kind not in FORMATS:
        errors["format"] = "Select Excel or CSV"
    reason = text(values, "reason", limit=LONG)
    if not reason:
        errors["reason"] = "Enter why you are exporting the returns"
    elif len(reason) > LONG:
        errors["reason"] = f"The reason must be {LONG:,} characters or fewer"
    if errors:
        raise FormInvalid(errors, values)
    found = returns.returns(session, actor, year)
    late = returns.late_corrections(session, actor, year)
    rows = figure_rows(found)
    content, media = (csv_bytes(HEADINGS, rows), "text/csv") if kind == "csv" else (_xlsx(rows, late), XLSX)
    audit.record(
        session,
        actor=actor,
        action="reports.export",
        category=AuditCategory.CONSULTATION,
        object_type="return",
        justification=reason,
        details={"year": year.slug, "format": kind, "figures": len(rows), "late_corrections": len(late)},
    )
    return content, f"returns-{year.slug}.{kind}", media


def _xlsx(rows: list[tuple[Any, ...]], late: list[returns.LateCorrection]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Returns")
    sheet.append(HEADINGS)
    for row in rows:
        sheet.append([cell(v) for v in row])
    corrections = book.create_sheet("Corrections after the year")
    corrections.append(CORRECTION_HEADINGS)
    for c in late:
        corrections.append(
            [cell(v) for v in (format_datetime(c.corrected_at), c.record, c.reference, c.label)]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
