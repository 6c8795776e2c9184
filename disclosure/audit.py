"""The append-only, hash-chained audit trail required by DPA 2018 s.62 ([DPA-62] in DOMAIN.md).

Services call `record(...)` inside the transaction that makes the change (or serves the view), so the event
and the change commit or roll back together. Each event stores the hash of the one before it; `verify`
recomputes the chain and names the first event that was edited, deleted or moved. Database triggers (see
migration 0001) refuse UPDATE and DELETE on the table, so the chain only ever grows.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import Index, String, Text, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from disclosure.db import Base, new_id, utcnow

GENESIS_HASH = "0" * 64
# Any constant works: it names the one advisory lock that serialises appends on PostgreSQL.
_CHAIN_LOCK_KEY = 0x44495343


class AuditCategory(StrEnum):
    """The processing operations DPA 2018 s.62(1) says must be logged, plus security and administration."""

    COLLECTION = "collection"
    ALTERATION = "alteration"
    CONSULTATION = "consultation"
    DISCLOSURE = "disclosure"
    COMBINATION = "combination"
    ERASURE = "erasure"
    SECURITY = "security"
    ADMINISTRATION = "administration"


class Actor(Protocol):
    """Whoever acts: a signed-in user, an API token's user, or the system itself."""

    @property
    def user_id(self) -> uuid.UUID | None: ...
    @property
    def label(self) -> str: ...
    @property
    def role_names(self) -> Iterable[str]: ...


@dataclass(frozen=True)
class SystemActor:
    """The service itself, or a named command-line operator, acting without a user session."""

    label: str = "system"
    user_id: uuid.UUID | None = None
    role_names: tuple[str, ...] = ()


SYSTEM = SystemActor()


class AuditEvent(Base):
    """One logged processing operation. Rows are never updated or deleted (enforced by triggers)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_object", "object_type", "object_id"),
        Index("ix_audit_events_actor", "actor_id", "occurred_at"),
        Index("ix_audit_events_occurred_at", "occurred_at"),
        Index("ix_audit_events_action", "action", "seq"),  # the trail filtered by action, newest first
        {"comment": "Append-only, hash-chained log of every processing operation (DPA 2018 s.62)."},
    )

    seq: Mapped[int] = mapped_column(
        primary_key=True, autoincrement=False, comment="Position in the chain, 1 upwards without gaps."
    )
    id: Mapped[uuid.UUID] = mapped_column(unique=True, default=new_id, comment="Event identifier.")
    occurred_at: Mapped[datetime] = mapped_column(comment="When it happened (UTC).")
    actor_id: Mapped[uuid.UUID | None] = mapped_column(comment="The user who acted; empty for the system.")
    actor_label: Mapped[str] = mapped_column(String(200), comment="User name (or 'system') when it happened.")
    actor_roles: Mapped[str] = mapped_column(String(400), comment="The actor's roles when it happened.")
    category: Mapped[str] = mapped_column(String(20), comment="DPA 2018 s.62 operation: collection, ...")
    action: Mapped[str] = mapped_column(String(80), comment="The service verb, e.g. 'user.create'.")
    object_type: Mapped[str] = mapped_column(String(60), comment="Kind of record acted on.")
    object_id: Mapped[str | None] = mapped_column(String(80), comment="Identifier of the record acted on.")
    justification: Mapped[str] = mapped_column(Text, comment="Why: the need to know or reason given.")
    recipients: Mapped[str | None] = mapped_column(Text, comment="For disclosures: to whom.")
    details: Mapped[str] = mapped_column(Text, comment="JSON of non-personal facts about the operation.")
    prev_hash: Mapped[str] = mapped_column(String(64), comment="Hash of the previous event.")
    hash: Mapped[str] = mapped_column(String(64), comment="SHA-256 over this event and prev_hash.")

    def canonical(self) -> bytes:
        """The exact bytes the hash covers; any edit to a stored field changes them."""
        return json.dumps(
            [
                self.seq,
                str(self.id),
                self.occurred_at.isoformat(),
                str(self.actor_id) if self.actor_id else None,
                self.actor_label,
                self.actor_roles,
                self.category,
                self.action,
                self.object_type,
                self.object_id,
                self.justification,
                self.recipients,
                self.details,
                self.prev_hash,
            ],
            ensure_ascii=True,
            separators=(",", ":"),
        ).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    category: AuditCategory,
    object_type: str,
    object_id: object = None,
    justification: str,
    recipients: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction."""
    _lock_chain(session)
    tail = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (tail[0] + 1, tail[1]) if tail else (1, GENESIS_HASH)
    event = AuditEvent(
        seq=seq,
        id=new_id(),
        occurred_at=utcnow(),
        actor_id=actor.user_id,
        actor_label=actor.label[:200],
        actor_roles=",".join(sorted(actor.role_names))[:400],
        category=str(category),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        justification=justification,
        recipients=recipients,
        details=json.dumps(details or {}, sort_keys=True, default=str),
        prev_hash=prev_hash,
    )
    event.hash = event.compute_hash()
    session.add(event)
    session.flush()
    return event


def _lock_chain(session: Session) -> None:
    """Serialise appends so two transactions never extend the same tail.

    SQLite transactions here begin IMMEDIATE and so already hold the database's write lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})


@dataclass
class ChainReport:
    """What `verify` found: how many events it checked and each break, naming the event."""

    checked: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def verify(session: Session, *, batch: int = 2000) -> ChainReport:
    """Recompute the chain from the first event and name every break by the event's number (seq).

    - an edited event no longer matches its own hash;
    - a deleted event leaves a gap in the sequence, and the event after the gap no longer follows the one
      before it;
    - a moved (reordered) event no longer matches its hash (the number is hashed) nor follows the one before.

    Removing the newest events leaves a shorter chain that still verifies: compare `head_seq` and `head_hash`
    with a copy kept outside the service to detect that.
    """
    report = ChainReport()
    expected_seq = 1
    prev_hash = GENESIS_HASH
    prev_seq = 0
    for event in _stream(session, batch):
        report.checked += 1
        label = f"event {event.seq} ({event.id}, {event.action} at {event.occurred_at.isoformat()})"
        follows = event.prev_hash == prev_hash
        if event.seq < expected_seq:
            report.problems.append(f"{label}: numbered out of sequence (inserted or moved)")
        elif event.seq != expected_seq:
            missing = (
                f"event {expected_seq} is"
                if event.seq == expected_seq + 1
                else f"events {expected_seq}-{event.seq - 1} are"
            )
            report.problems.append(f"{label}: {missing} missing (deleted)")
        if event.compute_hash() != event.hash:
            how = "edited" if follows else "edited or moved"
            report.problems.append(f"{label}: contents do not match its hash ({how})")
        if not follows:
            before = f"event {prev_seq}" if prev_seq else "the start of the chain"
            report.problems.append(
                f"{label}: does not follow {before} (an event was deleted, inserted, edited or moved)"
            )
        expected_seq = event.seq + 1
        prev_hash = event.hash
        prev_seq = event.seq
        report.head_seq, report.head_hash = event.seq, event.hash
    return report


def _stream(session: Session, batch: int) -> Iterator[AuditEvent]:
    """Every stored event in seq order, a batch at a time (numbers below 1 included: a forged event
    numbered 0 or less must not hide before the start)."""
    last: int | None = None
    while True:
        statement = select(AuditEvent).order_by(AuditEvent.seq).limit(batch)
        if last is not None:
            statement = statement.where(AuditEvent.seq > last)
        # verification reads the table as stored, never objects this session already holds
        rows = session.scalars(statement.execution_options(populate_existing=True)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        for row in rows:  # keep memory flat over millions of events
            session.expunge(row)
