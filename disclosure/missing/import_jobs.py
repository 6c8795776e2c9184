"""Feed imports as jobs of the partner-notification dispatcher (`missing.dispatcher`): a file too large to
load while the user waits is queued with its layout, claimed by one dispatcher (in any worker or server),
and run in its own session, committing each batch with a heartbeat. An import whose heartbeat stops for
`LEASE` was cut off (the service restarted or stopped) and is marked failed, at start-up and at every
round; a failed import keeps its file and can be run again, carrying on after its last committed batch
(DPA 2018 s.66 [DPA-62]). Failures go to the application log by import id and exception type only: an
exception's text can quote a row, and the log holds no personal data."""

from __future__ import annotations

import logging
import traceback
import uuid
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from disclosure import audit
from disclosure.audit import AuditCategory, SystemActor
from disclosure.auth import Principal
from disclosure.db import unit_of_work, utcnow
from disclosure.errors import Conflict, FormInvalid
from disclosure.missing import feed
from disclosure.missing.models import FeedImport
from disclosure.missing.vocabulary import ImportStatus
from disclosure.missing.workflow import IMPORTS, ImportVerb

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
"""Far longer than any gap between two commits of a running import (reading a whole file, or matching one
batch, takes seconds), so an import this silent has no one running it."""


def recover(session: Session) -> int:
    """Mark failed every running import whose heartbeat stopped more than `LEASE` ago: it was cut off. The
    rows it committed stay, and it can be run again. Returns how many were cut off."""
    cutoff = utcnow() - LEASE
    stalled = session.scalars(
        select(FeedImport)
        .where(FeedImport.status == ImportStatus.RUNNING.value, FeedImport.heartbeat_at < cutoff)
        .with_for_update(skip_locked=True)
    ).all()
    for record in stalled:
        feed.fail_import(
            session,
            record,
            f"The import was cut off (the service stopped or restarted) after {record.processed_rows:,} of "
            f"{record.total_rows:,} rows. Run it again to carry on from there.",
        )
        log.warning(
            "Feed import %s was cut off after %d rows: marked failed", record.id, record.processed_rows
        )
    return len(stalled)


def can_run_again(session: Session, record: FeedImport) -> bool:
    """An import that stopped, whose file is still kept."""
    return IMPORTS.can(ImportStatus(record.status), ImportVerb.RUN_AGAIN) and _file_kept(session, record.id)


def _file_kept(session: Session, import_id: uuid.UUID) -> bool:
    kept = session.scalar(select(FeedImport.content.is_not(None)).where(FeedImport.id == import_id))
    return bool(kept)


def run_again(session: Session, actor: Principal, import_id: uuid.UUID) -> FeedImport:
    """Queue an import that stopped to run again: it carries on after its last committed batch, with the file
    and layout it was started with."""
    record = feed.get_import(session, actor, import_id)
    status = ImportStatus(record.status)
    if not IMPORTS.can(status, ImportVerb.RUN_AGAIN):  # a Conflict: see IMPORTS
        raise Conflict("Only an import that stopped can be run again")
    if not _file_kept(session, record.id):
        raise Conflict("The file of this import is no longer kept: import it again")
    record.status = IMPORTS.next(status, ImportVerb.RUN_AGAIN).value
    record.failure = ""
    record.finished_at = None
    record.heartbeat_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action="missing.import_again",
        category=AuditCategory.COLLECTION,
        object_type="missing_import",
        object_id=record.id,
        justification=f"Police missing-person feed import of {record.filename} run again"[:2000],
        details={"processed_rows": record.processed_rows, "total_rows": record.total_rows},
    )
    session.flush()
    return record


def run_waiting(factory: sessionmaker[Session]) -> int:
    """Run every queued import, oldest first, one at a time; returns how many ran (finished or failed)."""
    ran = 0
    while (import_id := _claim(factory)) is not None:
        _run(factory, import_id)
        ran += 1
    return ran


def _claim(factory: sessionmaker[Session]) -> uuid.UUID | None:
    """The oldest queued import, now running for this dispatcher: the conditional update lets exactly one of
    several dispatchers claim it."""
    queued = ImportStatus.QUEUED
    running = IMPORTS.next(queued, ImportVerb.CLAIM)
    with unit_of_work(factory) as session:
        for import_id in session.scalars(
            select(FeedImport.id)
            .where(FeedImport.status == queued.value)
            .order_by(FeedImport.started_at)
            .limit(5)
        ):
            claimed = session.execute(
                update(FeedImport)
                .where(FeedImport.id == import_id, FeedImport.status == queued.value)
                .values(status=running.value, heartbeat_at=utcnow())
            )
            if claimed.rowcount == 1:  # type: ignore[attr-defined]
                return import_id
    return None


def _run(factory: sessionmaker[Session], import_id: uuid.UUID) -> None:
    """Load a claimed import in its own session, committing each batch so its page can follow it; if it
    stops, the import records why and the log says which one."""
    with factory() as session:
        record = session.get_one(FeedImport, import_id)
        actor = SystemActor(label="missing-dispatcher", user_id=record.started_by_id)
        try:
            data = session.scalar(select(FeedImport.content).where(FeedImport.id == import_id))
            if data is None:
                raise FormInvalid({"file": "The file of this import is no longer kept: import it again"})
            layout = feed.Layout()
            if record.mapping:
                layout = feed.Layout.from_mapping(record.mapping, record.layout)
            feed.run_import(session, actor, record, data, layout, commit=session.commit)
        except Exception as exc:  # whatever it was, the page must say the import stopped and the log why
            session.rollback()
            record = session.get_one(FeedImport, import_id)
            # Not log.exception: the exception's message may quote a row's values; its frames do not.
            log.error(  # noqa: TRY400
                "Feed import %s failed after %d of %d rows: %s\n%s",
                import_id,
                record.processed_rows,
                record.total_rows,
                type(exc).__name__,
                "".join(traceback.format_tb(exc.__traceback__)).rstrip(),
            )
            feed.fail_import(session, record, f"The import stopped: {_first_line(exc)}")
            session.commit()


def _first_line(exc: Exception) -> str:
    if isinstance(exc, FormInvalid):
        return "; ".join(exc.errors.values())
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:500]


__all__ = ["LEASE", "can_run_again", "recover", "run_again", "run_waiting"]
