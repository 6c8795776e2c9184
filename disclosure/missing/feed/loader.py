"""Loading the feed: the import's record, its rows in committed batches, open episodes closed."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.audit import Actor, AuditCategory
from disclosure.db import bulk_insert, new_id, utcnow
from disclosure.errors import FormInvalid
from disclosure.missing import rules, service
from disclosure.missing.feed.columns import Layout
from disclosure.missing.feed.matcher import _Matcher
from disclosure.missing.feed.reader import FeedRow, _sentence, read_rows
from disclosure.missing.feed.records import problems_of
from disclosure.missing.models import (
    Episode,
    FeedImport,
    ImportProblem,
    PendingMatch,
    ReturnInterview,
    RiskChange,
)
from disclosure.missing.vocabulary import EpisodeStatus, ImportStatus, InterviewKind
from disclosure.missing.workflow import IMPORTS, ImportVerb
from disclosure.requests.models import CaseParty
from disclosure.text import clean_line

BATCH_ROWS = 1000


@dataclass
class Outcome:
    """Every row accounted for: total = loaded + updated + unchanged + rejected."""

    total: int = 0
    loaded: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    to_confirm: int = 0
    people_created: int = 0
    problems: list[tuple[int, str, str]] = field(default_factory=list)


Progress = Callable[[int, int], None]


def _no_progress(_done: int, _total: int) -> None:
    return None


def start_import(
    session: Session, actor: Actor, *, filename: str, data: bytes, layout: Layout, queued: bool = False
) -> FeedImport:
    """The import's record, before any row is read (so the page can show its progress). The file and its
    layout are kept with it until it finishes, so an import that stops can be run again; `queued` leaves it
    for the dispatcher (`missing.import_jobs`) to run."""
    if actor.user_id is None:
        raise FormInvalid({"file": "An import is started by a named user"})
    record = FeedImport(
        filename=clean_line(filename)[:200] or "feed.csv",
        sha256=hashlib.sha256(data).hexdigest(),
        layout=layout.name,
        started_by_id=actor.user_id,
        status=(ImportStatus.QUEUED if queued else ImportStatus.RUNNING).value,
        content=data,
        mapping=layout.as_mapping(),
        heartbeat_at=utcnow(),
    )
    session.add(record)
    session.flush()
    return record


def run_import(
    session: Session,
    actor: Actor,
    record: FeedImport,
    data: bytes,
    layout: Layout,
    *,
    progress: Progress = _no_progress,
    commit: Callable[[], None] | None = None,
) -> Outcome:
    """Read, validate and load the file in batches; every row ends loaded, updated, unchanged or rejected.

    Each commit holds a batch and the counts that include it, so an import that stopped part-way carries on
    after the last committed batch when it is run again (the file is the same: its rows are read again in
    the same order), its counts and refused rows as they were."""
    commit = commit or session.flush
    good, problems, total = read_rows(session, data, layout)
    resumed = record.total_rows > 0  # set by the first commit, with the refused rows
    if resumed:
        outcome = Outcome(
            total=total,
            loaded=record.loaded,
            updated=record.updated,
            unchanged=record.unchanged,
            rejected=record.rejected,
            to_confirm=record.to_confirm,
            problems=[(p.line, p.police_reference, p.reason) for p in problems_of(session, record.id)],
        )
        good = good[record.processed_rows - len(problems) :]
    else:
        outcome = Outcome(total=total, rejected=len(problems), problems=problems)
        record.total_rows = total
        record.processed_rows = len(problems)
        for line, reference, reason in problems:
            _add_problem(session, record, line, reference, reason)
    _save(record, outcome)
    commit()
    progress(record.processed_rows, total)
    matcher = _Matcher(session, actor)
    seen: dict[str, tuple[uuid.UUID, str]] = {}
    for start in range(0, len(good), BATCH_ROWS):
        batch = good[start : start + BATCH_ROWS]
        _load_batch(session, actor, record, batch, matcher, seen, outcome)
        record.processed_rows += len(batch)
        outcome.people_created = matcher.people_created
        _save(record, outcome)
        commit()
        progress(record.processed_rows, total)
    record.status = IMPORTS.next(ImportStatus(record.status), ImportVerb.FINISH).value
    record.finished_at = utcnow()
    record.content = None  # the rows are in the service now; the file is not kept longer than needed
    audit.record(
        session,
        actor=actor,
        action="missing.import",
        category=AuditCategory.COLLECTION,
        object_type="missing_import",
        object_id=record.id,
        justification=f"Police missing-person feed imported from {record.filename}"[:2000],
        details={
            "sha256": record.sha256,
            "rows": total,
            "loaded": outcome.loaded,
            "updated": outcome.updated,
            "unchanged": outcome.unchanged,
            "rejected": outcome.rejected,
            "to_confirm": outcome.to_confirm,
            "people_created": outcome.people_created,
        },
    )
    commit()
    return outcome


def _add_problem(session: Session, record: FeedImport, line: int, reference: str, reason: str) -> None:
    session.add(
        ImportProblem(import_id=record.id, line=line, police_reference=reference, reason=reason[:2000])
    )


def _save(record: FeedImport, outcome: Outcome) -> None:
    record.heartbeat_at = utcnow()  # the import is alive: see `import_jobs.recover`
    record.loaded = outcome.loaded
    record.updated = outcome.updated
    record.unchanged = outcome.unchanged
    record.rejected = outcome.rejected
    record.to_confirm = outcome.to_confirm


def _load_batch(
    session: Session,
    actor: Actor,
    record: FeedImport,
    batch: list[FeedRow],
    matcher: _Matcher,
    seen: dict[str, tuple[uuid.UUID, str]],
    outcome: Outcome,
) -> None:
    """One batch: rows already loaded are left (or closed, when they bring the return); the new ones are
    matched, inserted in bulk, told to partners when current, and checked against disclosure cases."""
    new_rows = _split_batch(session, actor, record, batch, seen, outcome)
    if not new_rows:
        return
    matcher.resolve(new_rows)
    tables, to_notify = _new_records(session, actor, record, new_rows, matcher, seen, outcome)
    for table, rows in tables.items():  # the ORM's bookkeeping is not needed for rows nobody holds yet
        bulk_insert(session, table, rows)
    outcome.loaded += len(new_rows)
    # Partners hear about current episodes (open, or returned this period), not a backfill of history.
    for episode_id in to_notify:
        episode = session.get(Episode, episode_id)
        if episode is not None:
            service.after_new_episode(session, actor, episode)
    # Right to Know considerations: only people who are on a case at all are looked at one by one.
    notified = set(to_notify)
    linked = [e["person_id"] for e in tables[Episode.__table__] if e["person_id"] and e["id"] not in notified]
    for start in range(0, len(linked), 500):
        on_cases = session.scalars(
            select(CaseParty.person_id)
            .where(
                CaseParty.person_id.in_(linked[start : start + 500]), CaseParty.role.in_(service.LINKED_ROLES)
            )
            .distinct()
        ).all()
        for person_id in on_cases:
            service.raise_considerations(session, actor, person_id=person_id)


def _split_batch(
    session: Session,
    actor: Actor,
    record: FeedImport,
    batch: list[FeedRow],
    seen: dict[str, tuple[uuid.UUID, str]],
    outcome: Outcome,
) -> list[FeedRow]:
    """The batch's new rows; a known reference changes nothing unless it brings the return of an open
    episode (refused, as on the close page, when that return is before the episode was reported). The
    same reference twice in a batch: the first row loads, taking the later row's return."""
    references = [r.police_reference for r in batch if r.police_reference not in seen]
    for start in range(0, len(references), 500):
        chunk = references[start : start + 500]
        for episode_id, reference, status in session.execute(
            select(Episode.id, Episode.police_reference, Episode.status).where(
                Episode.police_reference.in_(chunk)
            )
        ):
            if reference is not None:
                seen[reference] = (episode_id, status)
    new_rows: dict[str, FeedRow] = {}
    for row in batch:
        known = seen.get(row.police_reference)
        earlier = new_rows.get(row.police_reference)
        if earlier is not None:
            if earlier.returned is None and row.returned is not None:
                earlier.returned = row.returned
            outcome.unchanged += 1
        elif known is None:
            new_rows[row.police_reference] = row
        elif known[1] == EpisodeStatus.OPEN.value and row.returned:
            reason = _close(session, actor, known[0], row.returned)
            if reason:
                _refuse(session, record, outcome, row, reason)
                continue
            seen[row.police_reference] = (known[0], EpisodeStatus.CLOSED.value)
            outcome.updated += 1
        else:
            outcome.unchanged += 1
    return list(new_rows.values())


def _close(session: Session, actor: Actor, episode_id: uuid.UUID, returned: dict[str, Any]) -> str:
    """Close a loaded episode with the row's return; the reason it cannot be, or nothing."""
    episode = session.get_one(Episode, episode_id)
    try:
        with session.begin_nested():  # a refusal undoes only this row's change
            service.finish_episode(session, actor, episode, **returned)
    except FormInvalid as exc:
        session.expire(episode)
        return "Against the episode already loaded, " + "; ".join(map(_sentence, exc.errors.values()))
    return ""


def _refuse(session: Session, record: FeedImport, outcome: Outcome, row: FeedRow, reason: str) -> None:
    """A row refused while loading (against what is already stored) is listed like one refused on reading."""
    _add_problem(session, record, row.line, row.police_reference, reason)
    outcome.rejected += 1
    outcome.problems.append((row.line, row.police_reference, reason))


_NOT_RETURNED = {"returned_at": None, "return_place": "", "returned_with": "", "safe_and_well": None}


def _new_records(
    session: Session,
    actor: Actor,
    record: FeedImport,
    new_rows: list[FeedRow],
    matcher: _Matcher,
    seen: dict[str, tuple[uuid.UUID, str]],
    outcome: Outcome,
) -> tuple[dict[Any, list[dict[str, Any]]], list[uuid.UUID]]:
    """The rows to insert, by table, and the episodes partners are to hear about."""
    now = utcnow()
    current_cutoff = now - timedelta(hours=rules.current_settings(session).digest_hours)
    episodes: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    interviews: list[dict[str, Any]] = []
    pending: list[dict[str, Any]] = []
    to_notify: list[uuid.UUID] = []
    stamps = {"created_at": now, "updated_at": now}
    for row in new_rows:
        resolution = matcher.known[row.identity]
        episode_id = new_id()
        status = EpisodeStatus.CLOSED.value if row.returned else EpisodeStatus.OPEN.value
        episodes.append(
            {
                "id": episode_id,
                "police_reference": row.police_reference,
                "person_id": resolution.person_id,
                "reported_name": row.details.name.full_name[:400],
                "status": status,
                "risk_level": row.risk_level,
                "source": "feed",
                "import_id": record.id,
                "recorded_by_id": actor.user_id,
                "version": 1,
                "safe_and_well_notes": "",
                **stamps,
                **row.episode,
                **(row.returned or _NOT_RETURNED),
            }
        )
        changes.append(
            {
                "id": new_id(),
                "episode_id": episode_id,
                "level": row.risk_level,
                "previous_level": "",
                "rationale": "As given by the police missing-person feed",
                "source": f"Police feed import {record.filename}"[:300],
                "obtained_at": row.episode["reported_at"],
                "recorded_by_id": actor.user_id,
                "recorded_at": now,
            }
        )
        # The interview task is raised while it can still be done in time; an episode whose return was more
        # than 72 hours before the import is history, and would only flood the list with overdue tasks. An
        # adult's (by the row's date of birth and care status) is the optional prevention interview.
        returned_at = row.returned["returned_at"] if row.returned else None
        if returned_at and returned_at + service.INTERVIEW_DUE > now:
            adult = rules.adult_at(
                row.episode["care_status"], row.details.date_of_birth, row.episode["reported_at"]
            )
            interviews.append(
                {
                    "id": new_id(),
                    "episode_id": episode_id,
                    "kind": (InterviewKind.PREVENTION if adult else InterviewKind.RETURN_HOME).value,
                    "due_at": None if adult else returned_at + service.INTERVIEW_DUE,
                    "outcome": "due",
                    "reason": "",
                    "interviewer_name": "",
                    "interviewer_organisation": "",
                    "findings": "",
                    "shared_with": [],
                    "version": 1,
                    **stamps,
                }
            )
        if resolution.pending is not None:
            outcome.to_confirm += 1
            pending.append(_pending_row(record, row, episode_id, resolution.pending, stamps))
        # A current row still to be confirmed is told once its person is (`protocols.confirm_match`);
        # meanwhile an urgent one (a child on a child-protection plan [Wales-SP]) is listed as reaching
        # nobody (`service.after_new_episode`).
        if returned_at is None or returned_at >= current_cutoff:
            to_notify.append(episode_id)
        seen[row.police_reference] = (episode_id, status)
    tables = {
        Episode.__table__: episodes,
        RiskChange.__table__: changes,
        ReturnInterview.__table__: interviews,
        PendingMatch.__table__: pending,
    }
    return tables, to_notify


def _pending_row(
    record: FeedImport,
    row: FeedRow,
    episode_id: uuid.UUID,
    likely: list[dict[str, Any]],
    stamps: dict[str, Any],
) -> dict[str, Any]:
    return {
        "id": new_id(),
        "episode_id": episode_id,
        "import_id": record.id,
        "line": row.line,
        "given_names": row.details.given_names,
        "family_name": row.details.family_name,
        "date_of_birth": row.details.date_of_birth,
        "gender": row.details.gender,
        "postcode": row.details.postcode,
        "candidates": likely,
        "status": "pending",
        **stamps,
    }
