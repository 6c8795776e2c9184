"""Matching the feed's people to the index: exact name and birth date at once, else by scoring."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.audit import Actor
from disclosure.missing import protocols
from disclosure.missing.feed.reader import FeedRow, _normalise
from disclosure.people import service as people
from disclosure.people.models import Person, PersonName


@dataclass
class _Resolution:
    person_id: uuid.UUID | None = None
    pending: list[dict[str, Any]] | None = None


class _Matcher:
    """Finds each distinct identity in the index once per import."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self.known: dict[tuple[str, str, date | None, str], _Resolution] = {}
        self.people_created = 0

    def resolve(self, rows: Iterable[FeedRow]) -> None:
        """Decide each identity not seen before in this import (in one batch of queries)."""
        fresh: dict[tuple[str, str, date | None, str], FeedRow] = {}
        for row in rows:
            if row.identity not in self.known:
                fresh.setdefault(row.identity, row)
        if not fresh:
            return
        exact = self._exact(list(fresh.values()))
        rest = [(key, row) for key, row in fresh.items() if key not in exact]
        for key, linked in exact.items():
            self.known[key] = _Resolution(person_id=linked)
        verdicts = protocols.judge_many(self.session, [row.details for _, row in rest])
        for (key, row), (found, likely) in zip(rest, verdicts, strict=True):
            self.known[key] = _Resolution(person_id=found or self._new(row, likely), pending=likely)

    def _new(self, row: FeedRow, likely: list[dict[str, Any]] | None) -> uuid.UUID | None:
        """Nobody close (no likely matches either): a new person; likely matches wait, with no person."""
        if likely is not None:
            return None
        self.people_created += 1
        return people.create_person(self.session, self.actor, row.details).id

    def _exact(self, rows: list[FeedRow]) -> dict[tuple[str, str, date | None, str], uuid.UUID]:
        """Identical name and date of birth held by exactly one person: linked without scoring. Found
        through the date-of-birth index (a few dozen people a day even in a million), names compared."""
        by_birth: dict[date, dict[str, list[FeedRow]]] = {}
        for row in rows:
            if row.details.date_of_birth is not None:
                name = _normalise(row.details.name.full_name)
                by_birth.setdefault(row.details.date_of_birth, {}).setdefault(name, []).append(row)
        found: dict[tuple[str, str, date | None, str], set[uuid.UUID]] = {}
        days = list(by_birth)
        for start in range(0, len(days), 500):
            hits = self.session.execute(
                select(PersonName.person_id, PersonName.normalised, Person.date_of_birth)
                .join(Person, Person.id == PersonName.person_id)
                .where(Person.date_of_birth.in_(days[start : start + 500]), Person.merged_into_id.is_(None))
            )
            for person_id, normalised, born in hits:
                for row in by_birth.get(born, {}).get(normalised, ()) if born else ():
                    found.setdefault(row.identity, set()).add(person_id)
        return {key: next(iter(ids)) for key, ids in found.items() if len(ids) == 1}
