"""What the auditor's pages, export and API carry: the filter they share, an event as an auditor reads it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import date, datetime

from disclosure.auditing import words

DATE_FIELDS = ("date_from", "date_to")
FILTER_FIELDS = (
    "reference",
    "person",
    "actor",
    "action",
    "category",
    "object_type",
    "object_id",
    *DATE_FIELDS,
)
# The GOV.UK date inputs' boxes (`date_from-day`...), as the page's form sends them.
DATE_PARTS = tuple(f"{name}-{part}" for name in DATE_FIELDS for part in ("day", "month", "year"))


@dataclass(frozen=True)
class EventFilter:
    """One search of the trail. `actor` ending in `*` matches every user name that starts with the rest."""

    reference: str = ""
    person: str = ""
    actor: str = ""
    action: str = ""
    category: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @property
    def is_empty(self) -> bool:
        return self == EventFilter()

    def as_dict(self) -> dict[str, str]:
        """The filters set, dates as YYYY-MM-DD: for the search's own audit event and the API."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items() if v}

    def as_form(self) -> dict[str, str]:
        """The filters as the page's form holds them: each date in its day, month and year boxes."""
        values = {k: v for k, v in self.as_dict().items() if k not in DATE_FIELDS}
        for name in DATE_FIELDS:
            day: date | None = getattr(self, name)
            if day is not None:
                values |= {f"{name}-day": str(day.day), f"{name}-month": str(day.month)}
                values[f"{name}-year"] = str(day.year)
        return values


@dataclass(frozen=True)
class EventView:
    """An event as an auditor reads it: what happened in words, and its record named where an auditor may
    know the name (a case's reference, a user name); never a person's name, which is case content."""

    seq: int
    id: uuid.UUID
    occurred_at: datetime
    actor: str
    actor_roles: str
    category: str
    category_words: str
    action: str
    what_happened: str
    object_type: str
    record_kind: str
    object_id: str | None
    reference: str | None
    username: str | None
    justification: str
    recipients: str | None
    details: str
    details_items: tuple[tuple[str, str], ...]
    hash: str
    prev_hash: str

    @property
    def roles_words(self) -> str:
        """The actor's roles then, as users read them ("Data administrator, Researcher")."""
        return words.role_words(self.actor_roles)

    @property
    def record(self) -> str:
        """ "Case DVDS-2026-000123", "Evidence item, case DVDS-2026-000123", "User account rory.r"."""
        if self.reference:
            return (
                f"{self.record_kind} {self.reference}"
                if self.record_kind == "Case"
                else f"{self.record_kind}, case {self.reference}"
            )
        if self.username:
            return f"{self.record_kind} {self.username}"
        return self.record_kind

    @property
    def is_person(self) -> bool:
        return self.object_type == "person" and bool(self.object_id)
