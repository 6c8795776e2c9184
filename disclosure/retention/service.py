"""The records reviewer's verbs [issue 19]: the queue of records due, and for each record retain (rationale
and next review date), move to another group, place or release a legal hold, or dispose of it.

MoPI: records are reviewed, not silently deleted; every retention is recorded with reviewer, rationale and
next review date [APP-MoPI] (DOMAIN.md "Law that shapes the software"). Disposal removes the record's every
row and stored file (`disposal`), and the people who have no other record with it, leaving one audit event
that says what kind of record went and how many rows, never what they held (DPA 2018 s.62 erasure).
The reviewer sees references, kinds and dates, never names or case content.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from disclosure import audit, paging
from disclosure.accounts.roles import Role
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.clocks import uk_date
from disclosure.db import check_version, utcnow
from disclosure.errors import FormInvalid, InvalidTransition, NotFound, PermissionDenied
from disclosure.forms import parse_date, raise_if, required_text, text
from disclosure.retention import disposal
from disclosure.retention.models import RetentionGroup, RetentionRecord, RetentionReview
from disclosure.retention.schedule import add_years, timing
from disclosure.retention.vocabulary import Decision, RecordKind, Rule
from disclosure.storage import AttachmentStore

ROOT_TABLES = {
    RecordKind.DVDS_CASE: "requests",
    RecordKind.CSODS_CASE: "requests",
    RecordKind.MISSING_EPISODE: "missing_episodes",
    RecordKind.PERSON: "people",
}
RATIONALE_LIMIT = 4000
CONFIRMATION = "Confirm that you have reviewed this record and it is no longer needed for a policing purpose"


def require_reviewer(actor: Principal) -> None:
    if Role.RECORDS_REVIEWER.value not in actor.roles:
        raise PermissionDenied()


def _today() -> date:
    return uk_date(utcnow())


def queue(
    session: Session,
    actor: Principal,
    *,
    held: bool = False,
    after: str | None = None,
    before: str | None = None,
    limit: int = paging.LIMIT,
    today: date | None = None,
) -> paging.Page[RetentionRecord]:
    """The records due for review (longest due first), not held; or, with `held`, those under a legal hold
    (longest held first). One page, by the schedule's indexes."""
    require_reviewer(actor)
    if held:
        chosen = select(RetentionRecord).where(RetentionRecord.held_at.is_not(None))
        order: list[Any] = [RetentionRecord.held_at, RetentionRecord.id]
    else:
        chosen = select(RetentionRecord).where(
            RetentionRecord.review_due_on <= (today or _today()), RetentionRecord.held_at.is_(None)
        )
        order = [RetentionRecord.review_due_on, RetentionRecord.id]
    return paging.page(session, chosen, order, after=after, before=before, limit=limit)


def groups(session: Session) -> list[RetentionGroup]:
    return list(session.scalars(select(RetentionGroup).order_by(RetentionGroup.id)))


def get_record(session: Session, actor: Principal, record_id: uuid.UUID) -> RetentionRecord:
    require_reviewer(actor)
    record = session.get(RetentionRecord, record_id)
    if record is None:
        raise NotFound("There is no such record under review: it may have been disposed of")
    return record


def open_record(session: Session, actor: Principal, record_id: uuid.UUID) -> RetentionRecord:
    """The record for its review page: a consultation, so audited (QUALITY.md check 16), though the page
    shows its reference, dates and counts only."""
    record = get_record(session, actor, record_id)
    audit.record(
        session,
        actor=actor,
        action="retention.view",
        category=AuditCategory.CONSULTATION,
        object_type="retention_record",
        object_id=record.id,
        justification="Reviewing the record under the retention schedule",
        details={"kind": record.kind, "group": record.group_id},
    )
    return record


def _to_change(
    session: Session, actor: Principal, record_id: uuid.UUID, values: dict[str, Any]
) -> RetentionRecord:
    """The record a decision changes, refused if someone else decided on it since the form was opened."""
    record = get_record(session, actor, record_id)
    check_version(record.version, values.get("version"), what="this record")
    return record


@dataclass(frozen=True)
class Preview:
    """What disposing of a record would remove (counts only), and why it may not be disposed of yet."""

    counts: dict[str, int]
    rows: int
    files: int
    people: int
    refusal: str
    """Empty when the record may be disposed of now."""


def refusal(record: RetentionRecord, today: date) -> str:
    """Why `record` may not be disposed of today, or empty: not due (or open again), under a legal hold, or
    kept by its group's age rule."""
    if record.review_due_on is None:
        return "This record is open again, so it is not due for review"
    if record.review_due_on > today:
        return f"This record is not due for review until {record.review_due_on:%-d %B %Y}"
    if record.held:
        return "A legal hold blocks disposal: release the hold first"
    group = record.group
    if group.rule == Rule.UNTIL_AGE:
        until = timing(group, record.clear_from, record.born_on, record.retained_until).dispose_from
        if until is None:
            return (
                f"Records in group {group.id} are kept until the subject is {group.until_age}, and the "
                "subject's date of birth is not recorded: retain it and review it again"
            )
        if until > today:
            return (
                f"Records in group {group.id} are kept until the subject is {group.until_age}, "
                f"on {until:%-d %B %Y}"
            )
    return ""


def _footprint(session: Session, record: RetentionRecord) -> tuple[disposal.Footprint, set[uuid.UUID]]:
    """The rows the record's disposal removes, with the people left with no other record (who go too,
    unless their own record is under a legal hold)."""
    found = disposal.footprint(session, {ROOT_TABLES[RecordKind(record.kind)]: [record.record_id]})
    people = _people_left(session, found)
    if record.kind == RecordKind.PERSON:
        people.add(record.record_id)
    held = set(
        session.scalars(
            select(RetentionRecord.record_id).where(
                RetentionRecord.kind == RecordKind.PERSON.value,
                RetentionRecord.record_id.in_(people),
                RetentionRecord.held_at.is_not(None),
                RetentionRecord.id != record.id,
            )
        )
    )
    people -= held
    if people:
        more = disposal.footprint(session, {"people": people})
        for name, keys in more.rows.items():
            found.rows.setdefault(name, set()).update(keys)
        found.files |= more.files
    return found, people


def _people_left(session: Session, found: disposal.Footprint) -> set[uuid.UUID]:
    """The people a row in `found` refers to whom no record outside `found` refers to (a person's own
    tables, `disposal.PERSON_OWN`, do not keep them)."""
    keepers = disposal.person_keepers()
    named: set[uuid.UUID] = set()
    for column in keepers:
        for chunk in disposal.chunks(found.rows.get(column.table.name, ())):
            chosen = select(column).where(disposal.keyed(column.table, chunk), column.is_not(None))
            named.update(session.scalars(chosen))
    kept: set[uuid.UUID] = set()
    for column in keepers:
        gone = found.rows.get(column.table.name, set())
        primary = list(column.table.primary_key.columns)
        for chunk in disposal.chunks(named):
            for row in session.execute(select(column, *primary).where(column.in_(chunk))):
                if tuple(row[1:]) not in gone:
                    kept.add(row[0])
    return named - kept


def preview(
    session: Session, actor: Principal, record: RetentionRecord, today: date | None = None
) -> Preview:
    require_reviewer(actor)
    found, people = _footprint(session, record)
    return Preview(
        found.counts, found.total, len(found.files), len(people), refusal(record, today or _today())
    )


def _rationale(values: dict[str, Any], errors: dict[str, str], what: str = "why") -> str:
    rationale = required_text(values, "rationale", f"Enter {what}", errors, limit=RATIONALE_LIMIT)
    if rationale and len(rationale) < 10 and "rationale" not in errors:
        errors["rationale"] = f"Enter {what} in at least 10 characters"
    return rationale


def _decide(
    session: Session,
    actor: Principal,
    record: RetentionRecord,
    action: str,
    decision: Decision,
    rationale: str,
    details: dict[str, Any],
    **fields: Any,
) -> RetentionReview:
    review = RetentionReview(
        record_id=record.id,
        decision=decision.value,
        rationale=rationale,
        decided_by_id=actor.user_id,
        **fields,
    )
    session.add(review)
    record.updated_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action=action,
        category=AuditCategory.ALTERATION,
        object_type="retention_record",
        object_id=record.id,
        justification=f"{decision.label} on review (the rationale is on the review)",
        details={"kind": record.kind, "group": record.group_id} | details,
    )
    return review


def latest_review(record: RetentionRecord, today: date | None = None) -> date:
    """The latest next review date a retention may set: the group's review interval from today."""
    return add_years(today or _today(), record.group.review_years)


def rule_words(group: RetentionGroup) -> str:
    """The group's rule as a reviewer reads it ("Reviewed 10 years after the last activity, then every 10
    years; kept until the subject is 100")."""
    first = f"{group.clear_years} years after the last activity"
    if group.rule == Rule.DISPOSE:
        return f"Disposed of {first}, on review"
    words = f"Reviewed {first}, then at most every {group.review_years} years"
    if group.rule == Rule.UNTIL_AGE:
        words += f"; kept until the subject is {group.until_age}"
    return words


def retain(
    session: Session,
    actor: Principal,
    record_id: uuid.UUID,
    values: dict[str, Any],
    today: date | None = None,
) -> RetentionReview:
    """Keep the record, saying why, until a next review date after today and within its group's review
    interval (the scan never moves it earlier)."""
    record = _to_change(session, actor, record_id, values)
    today = today or _today()
    errors: dict[str, str] = {}
    rationale = _rationale(values, errors, "why the record is still needed")
    latest = latest_review(record, today)
    next_review = parse_date(values, "next_review", "Next review date", errors)
    if next_review is not None and not today < next_review <= latest:
        errors["next_review"] = f"Next review date must be after today and no later than {latest:%-d %B %Y}"
    raise_if(errors, values)
    assert next_review is not None
    record.retained_until = record.review_due_on = next_review
    return _decide(
        session,
        actor,
        record,
        "retention.retain",
        Decision.RETAIN,
        rationale,
        {"next_review_on": next_review.isoformat()},
        next_review_on=next_review,
    )


def regroup(
    session: Session, actor: Principal, record_id: uuid.UUID, values: dict[str, Any]
) -> RetentionReview:
    """Move the record to another review group (its review date follows the new group's rule)."""
    record = _to_change(session, actor, record_id, values)
    errors: dict[str, str] = {}
    rationale = _rationale(values, errors, "why the record belongs in that group")
    chosen = {str(g.id): g for g in groups(session)}.get(text(values, "group"))
    if chosen is None:
        errors["group"] = "Select the review group"
    elif chosen.id == record.group_id:
        errors["group"] = f"The record is already in group {chosen.id}: select another"
    raise_if(errors, values)
    assert chosen is not None
    before = record.group_id
    record.group_id, record.group = chosen.id, chosen
    if record.review_due_on is not None:
        record.review_due_on = timing(chosen, record.clear_from, record.born_on, record.retained_until).due
    return _decide(
        session,
        actor,
        record,
        "retention.regroup",
        Decision.REGROUP,
        rationale,
        {"from": before},
        group_id=chosen.id,
    )


def hold(session: Session, actor: Principal, record_id: uuid.UUID, values: dict[str, Any]) -> RetentionReview:
    """A legal hold (litigation, an inquiry, a complaint): the record cannot be disposed of until released."""
    record = _to_change(session, actor, record_id, values)
    if record.held:
        raise InvalidTransition("This record is already under a legal hold")
    errors: dict[str, str] = {}
    rationale = _rationale(values, errors, "why the record must be kept (the hold's reason)")
    raise_if(errors, values)
    record.held_at, record.held_by_id, record.held_reason = utcnow(), actor.user_id, rationale
    return _decide(session, actor, record, "retention.hold", Decision.HOLD, rationale, {})


def release(
    session: Session, actor: Principal, record_id: uuid.UUID, values: dict[str, Any]
) -> RetentionReview:
    record = _to_change(session, actor, record_id, values)
    if not record.held:
        raise InvalidTransition("This record is not under a legal hold")
    errors: dict[str, str] = {}
    rationale = _rationale(values, errors, "why the hold can be released")
    raise_if(errors, values)
    record.held_at, record.held_by_id, record.held_reason = None, None, ""
    return _decide(session, actor, record, "retention.release", Decision.RELEASE, rationale, {})


DECIDED = {
    Decision.RETAIN.value: "Record retained until its next review",
    Decision.REGROUP.value: "Record moved to another review group",
    Decision.HOLD.value: "Legal hold placed: the record cannot be disposed of until it is released",
    Decision.RELEASE.value: "Legal hold released",
}
"""The banner after each decision."""


def choices(record: RetentionRecord) -> list[Decision]:
    """The decisions open on `record`: a hold is placed or released, never both."""
    return [
        Decision.RETAIN,
        Decision.REGROUP,
        Decision.RELEASE if record.held else Decision.HOLD,
    ]


def decide(
    session: Session,
    actor: Principal,
    record_id: uuid.UUID,
    values: dict[str, Any],
    today: date | None = None,
) -> RetentionReview:
    """One reviewer's decision from the review page or the API: `decision` picks the verb, which reads
    only its own fields (the rationale, and a next review date or a group). A stale form is refused
    first, so a hold placed by someone else meanwhile is news, not a wrong answer."""
    _to_change(session, actor, record_id, values)
    chosen = text(values, "decision")
    if chosen not in {d.value for d in Decision}:
        raise FormInvalid({"decision": "Select what you decide"}, values)
    if chosen == Decision.RETAIN.value:
        return retain(session, actor, record_id, values, today)
    if chosen == Decision.REGROUP.value:
        return regroup(session, actor, record_id, values)
    if chosen == Decision.HOLD.value:
        return hold(session, actor, record_id, values)
    return release(session, actor, record_id, values)


def dispose(
    session: Session,
    actor: Principal,
    store: AttachmentStore,
    record_id: uuid.UUID,
    values: dict[str, Any],
    today: date | None = None,
) -> Preview:
    """Dispose of a record due for review, once the reviewer confirms: every row and file of it, and the
    people left with no other record, go (`disposal`); its schedule and reviews go too; one content-free
    erasure event remains. Refused, writing nothing, while it is not due, under a legal hold or kept by its
    group's age rule."""
    record = _to_change(session, actor, record_id, values)
    why_not = refusal(record, today or _today())
    if why_not:
        raise InvalidTransition(why_not)
    if text(values, "confirm") != "yes":
        raise FormInvalid({"confirm": CONFIRMATION}, values)
    found, people = _footprint(session, record)
    kind, subject, group = RecordKind(record.kind), record.record_id, record.group_id
    gone = Preview(found.counts, found.total, len(found.files), len(people), "")
    session.execute(
        delete(RetentionRecord).where(
            (RetentionRecord.id == record.id)
            | ((RetentionRecord.kind == RecordKind.PERSON.value) & RetentionRecord.record_id.in_(people))
        )
    )
    disposal.remove(session, found, store)
    audit.record(
        session,
        actor=actor,
        action="retention.dispose",
        category=AuditCategory.ERASURE,
        object_type=(
            "person"
            if kind == RecordKind.PERSON
            else "missing_episode"
            if kind == RecordKind.MISSING_EPISODE
            else "request"
        ),
        object_id=subject,
        justification=f"Disposed of on review: no longer needed for a policing purpose (MoPI group {group})",
        details={
            "kind": kind.value,
            "group": group,
            "rows": gone.rows,
            "files": gone.files,
            "people": gone.people,
        }
        | {"tables": gone.counts},
    )
    return gone
