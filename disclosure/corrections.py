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


def apply(
    session: Session,
    actor: Actor,
    record: Any,
    fields: list[Field],
    new: Mapping[str, Any],
    reason: str,
    *,
    object_type: str,
    object_id: uuid.UUID | None = None,
) -> list[Correction]:
    """Set each field's new value on `record`, keeping the old in a `Correction` filed under `object_type`
    and `object_id` (the record's own id unless given: a person's name row is filed under the person).
    Returns the corrections made; none when nothing changed."""
    changed = [f for f in fields if f.name in new and getattr(record, f.name) != new[f.name]]
    made = []
    for field in changed:
        correction = Correction(
            object_type=object_type,
            object_id=object_id or record.id,
            field=field.name,
            label=field.label,
            old_value=field.shown(getattr(record, field.name)),
            new_value=field.shown(new[field.name]),
            reason=reason,
            corrected_by_id=actor.user_id,
        )
        session.add(correction)
        setattr(record, field.name, new[field.name])
        made.append(correction)
    session.flush()
    return made


UNCHANGED = "Change at least one answer, or go back without saving"


def refuse_unchanged(made: list[Correction], first_field: str, values: Mapping[str, Any]) -> None:
    if not made:
        raise FormInvalid({first_field: UNCHANGED}, dict(values))


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
    unchanged_at: str | None = None,
    **details: Any,
) -> list[Correction]:
    """`apply` to one record, refusing a correction that changes nothing (at the form field `unchanged_at`,
    by default the first field's), then one audit event listing the fields changed: their labels, never
    their values (those are case content, kept with the record)."""
    made = apply(session, actor, record, fields, new, reason, object_type=object_type)
    refuse_unchanged(made, unchanged_at or next((f.name for f in fields if f.name in new), REASON), values)
    audit.record(
        session,
        actor=actor,
        action=action,
        category=AuditCategory.ALTERATION,
        object_type=object_type,
        object_id=record.id,
        justification=justification(made),
        details={"fields": [c.field for c in made], **details},
    )
    return made


def justification(made: list[Correction]) -> str:
    return "Corrected: " + ", ".join(c.label.lower() for c in made)


def history(session: Session, object_type: str, object_id: uuid.UUID, *also: uuid.UUID) -> list[Correction]:
    """The record's corrections, newest first (with those of `also`: records merged into it)."""
    return list(
        session.scalars(
            select(Correction)
            .where(Correction.object_type == object_type, Correction.object_id.in_([object_id, *also]))
            .order_by(Correction.corrected_at.desc())
        )
    )
