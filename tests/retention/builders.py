"""Records under the review schedule for the retention tests: a closed Clare's Law case with evidence and a
stored file, scheduled by the scan as it would be on the day it falls due.

Every retention test runs at noon of the day the suite started (`NOON`, the conftest's clock), so a case
withdrawn in a test closes on `DAY` and `DUE` stays ten years on from it at any hour the suite runs: a suite
started before midnight and still running after it once found its cases closed a day later than `DUE`."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.auth import Principal
from disclosure.clocks import UK_TIME, uk_date
from disclosure.db import utcnow
from disclosure.requests import service as requests
from disclosure.requests.models import DisclosureRequest
from disclosure.research import service as research
from disclosure.retention.models import RetentionRecord
from disclosure.retention.schedule import add_years, scan
from disclosure.storage import LocalFileStore
from tests import samples
from tests.research.builders import case_in_research, evidence_values

DAY = uk_date(utcnow())
NOON = datetime.combine(DAY, time(12), tzinfo=UK_TIME)
DUE = add_years(DAY, 10)
"""A Clare's Law case withdrawn today is due for review (group 2) ten years on."""


def withdrawn_case(
    db: Session, clerk: Principal, researcher: Principal, store: LocalFileStore
) -> DisclosureRequest:
    case = case_in_research(db, clerk, researcher)
    item = research.record_evidence(db, researcher, case.id, evidence_values(case))
    research.add_attachment(
        db, researcher, store, case.id, item.id, filename="PNC.pdf", data=samples.pdf(), max_bytes=10**6
    )
    requests.withdraw(db, clerk, case.id, {"reason": "applicant_withdrew", "notes": "No longer wishes to."})
    db.commit()
    return case


def scheduled(db: Session, record_id: uuid.UUID) -> RetentionRecord:
    scan(db, today=DUE)
    found = db.scalar(select(RetentionRecord).where(RetentionRecord.record_id == record_id))
    assert found is not None
    return found


def due_today(db: Session, record_id: uuid.UUID) -> RetentionRecord:
    """The record's review fell due yesterday: what the pages, which work from today, find in the queue."""
    record = scheduled(db, record_id)
    record.review_due_on = uk_date(utcnow()) - timedelta(days=1)
    db.commit()
    return record
