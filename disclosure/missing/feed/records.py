"""The imports' records: one by id, the recent ones, marking one failed, and the rows one refused."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.errors import NotFound
from disclosure.missing import service
from disclosure.missing.models import FeedImport, ImportProblem
from disclosure.missing.vocabulary import ImportStatus
from disclosure.missing.workflow import IMPORTS, ImportVerb


def get_import(session: Session, actor: Principal, import_id: uuid.UUID) -> FeedImport:
    service.require_coordinator(actor)
    record = session.get(FeedImport, import_id)
    if record is None:
        raise NotFound("There is no such import")
    return record


def recent_imports(session: Session, actor: Principal, *, limit: int = 20) -> list[FeedImport]:
    service.require_coordinator(actor)
    return list(session.scalars(select(FeedImport).order_by(FeedImport.started_at.desc()).limit(limit)))


def fail_import(session: Session, record: FeedImport, reason: str) -> None:
    record.status = IMPORTS.next(ImportStatus(record.status), ImportVerb.FAIL).value
    record.failure = reason[:4000]
    record.finished_at = utcnow()
    session.flush()


def problems_of(session: Session, import_id: uuid.UUID, *, limit: int = 1000) -> list[ImportProblem]:
    return list(
        session.scalars(
            select(ImportProblem)
            .where(ImportProblem.import_id == import_id)
            .order_by(ImportProblem.line)
            .limit(limit)
        )
    )
