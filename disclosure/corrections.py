"""Corrections with their history [issue 16, "Correct any record"]: a fact entered wrongly (a first-contact
time, a police reference, a person's name or date of birth, a user's email) is amended by someone who may
change the record, with a reason; the old value is kept here, shown in the record's history, and the change
is an audit event (DPA 2018 s.62: alteration, with its justification) [DPA-62].

Every feature corrects its own records through `amend`, which compares the old and new values field by
field, writes one `Correction` per field that changed and one audit event for the whole correction, and
refuses a correction that changes nothing or gives no reason. Signed decisions and frozen package versions
are never corrected this way: they take addenda and new versions.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from disclosure import audit
from disclosure.audit import Actor, AuditCategory
from disclosure.db import Base, IdMixin, utcnow
from disclosure.errors import FormInvalid
from disclosure.forms import LONG, text
from disclosure.text import format_date, format_datetime

REASON = "reason"
"""The form field every correction page and API body carries its reason in."""


class Correction(IdMixin, Base):
    __tablename__ = "corrections"
    __table_args__ = (
        Index("ix_corrections_object", "object_type", "object_id", "corrected_at"),
        {"comment": "Facts amended after they were entered: the old and new values, why, who and when."},
    )

    object_type: Mapped[str] = mapped_column(String(40), comment="What was corrected: request, person, user.")
    object_id: Mapped[uuid.UUID] = mapped_column(comment="Its identifier.")
    field: Mapped[str] = mapped_column(String(60), comment="The field corrected.")
    label: Mapped[str] = mapped_column(String(200), comment="The field as users read it.")
    old_value: Mapped[str] = mapped_column(Text, comment="The value before, as shown to users.")
    new_value: Mapped[str] = mapped_column(Text, comment="The value after, as shown to users.")
    reason: Mapped[str] = mapped_column(Text, comment="Why it was corrected.")
    corrected_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id"), comment="Who corrected it (empty: the system)."
    )
    corrected_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When (UTC).")


@dataclass(frozen=True)
class Field:
    """A correctable field: its attribute, its label, and how its value is shown in the history."""

    name: str
    label: str
    show: Callable[[Any], str] | None = None

    def shown(self, value: Any) -> str:
        if self.show is not None:
            return self.show(value)
        if value is None or value == "":
            return "Not recorded"
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, datetime):
            return format_datetime(value)
        if isinstance(value, date):
            return format_date(value)
        return str(value)


def reason_from(values: dict[str, Any], errors: dict[str, str]) -> str:
    """The reason for a correction: required, at its field."""
    reason = text(values, REASON, limit=LONG)
    if not reason:
        errors[REASON] = "Enter why this is being corrected"
    elif len(reason) > LONG:
        errors[REASON] = f"The reason must be {LONG:,} characters or fewer"
    return reason


def amend(
    session: Session,
    actor: Actor,
    record: Any,
    fields: list[Field],
    new: Mapping[str, Any],
    reason: str,
    *,
    object_type: str,
    action: str,
    values: Mapping[str, Any],
    **details: Any,
) -> list[Correction]:
    """Set each field's new value on `record`, keeping the old in a `Correction`; one audit event lists the
    fields changed (their labels, never their values: those are case content, kept with the record). A
    correction that changes nothing is refused at the first field."""
    changed = [f for f in fields if f.name in new and getattr(record, f.name) != new[f.name]]
    if not changed:
        first = next((f.name for f in fields if f.name in new), REASON)
        raise FormInvalid({first: "Change at least one answer, or go back without saving"}, dict(values))
    made = []
    for field in changed:
        old = getattr(record, field.name)
        correction = Correction(
            object_type=object_type,
            object_id=record.id,
            field=field.name,
            label=field.label,
            old_value=field.shown(old),
            new_value=field.shown(new[field.name]),
            reason=reason,
            corrected_by_id=actor.user_id,
        )
        session.add(correction)
        setattr(record, field.name, new[field.name])
        made.append(correction)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=action,
        category=AuditCategory.ALTERATION,
        object_type=object_type,
        object_id=record.id,
        justification="Corrected: " + ", ".join(f.label.lower() for f in changed),
        details={"fields": [f.name for f in changed], **details},
    )
    return made


def history(session: Session, object_type: str, object_id: uuid.UUID) -> list[Correction]:
    """The record's corrections, newest first."""
    return list(
        session.scalars(
            select(Correction)
            .where(Correction.object_type == object_type, Correction.object_id == object_id)
            .order_by(Correction.corrected_at.desc())
        )
    )
