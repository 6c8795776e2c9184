"""Clone template records many times over, by the schema's foreign keys [issue 17].

`capture` reads every row that the template roots (requests, meetings, episodes) reach through foreign keys,
in either direction, stopping at the tables that are shared (users, agencies, reference data) and at people
(whom each copy replaces). The rows fall into units: groups joined by foreign keys (a panel meeting with the
cases on its agenda, an episode with its interview and notifications). `Unit.copy` gives one unit's rows
again with new identifiers, its people swapped, every foreign key inside the unit repointed and every time
moved by one offset, so a copy is as consistent as the template: no table is named here, so a table added
later is cloned too (or the capture refuses it: see `SHARED` and `EXCLUDED`)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, DateTime, Table, select
from sqlalchemy.orm import Session

from disclosure.db import Base, new_id

PEOPLE = "people"
SHARED = frozenset(
    {
        "users",
        "agencies",
        "check_types",
        "clock_policies",
        "clock_reasons",
        "no_disclosure_reasons",
        "panel_agencies",
        "missing_risk_levels",
        "letter_templates",
        "force_profiles",
        "missing_imports",
        "missing_settings",
        "panel_policy",
        "deadline_basis",
        "reference_counters",
    }
)
"""Tables whose rows every copy shares: a foreign key to them is kept as it is."""
EXCLUDED = frozenset({"attachments", "generated_letters", "stored_files"})
"""Rows that hold files: never copied (each copy would share one file); a foreign key to them is emptied."""


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


@dataclass
class Unit:
    """Template rows joined by foreign keys, table by table (parents first), and the people they name."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    people: set[uuid.UUID] = field(default_factory=set)

    def count(self, table: str) -> int:
        return len(self.rows.get(table, []))

    def ids(self) -> set[uuid.UUID]:
        return {row["id"] for rows in self.rows.values() for row in rows if "id" in row}

    def copy(
        self,
        shift: timedelta,
        people: dict[uuid.UUID, uuid.UUID],
        fix: Callable[[str, dict[str, Any]], None],
    ) -> tuple[dict[str, list[dict[str, Any]]], dict[str, str]]:
        """The unit's rows again: new ids, people swapped by `people`, times moved by `shift`, then `fix`
        for what must differ between copies (references). Also the id map as strings, for the audit."""
        new_ids = {old: new_id() for old in self.ids()}
        remap: dict[uuid.UUID, uuid.UUID] = {**new_ids, **people}
        copied: dict[str, list[dict[str, Any]]] = {}
        for table in _tables():
            template = self.rows.get(table.name)
            if not template:
                continue
            kinds = _column_kinds(table)
            out = []
            for row in template:
                new = dict(row)
                for name, kind in kinds.items():
                    value = new.get(name)
                    if value is None:
                        continue
                    if kind == "key":
                        new[name] = remap.get(value, value)
                    elif kind == "drop":
                        new[name] = None
                    elif kind == "time":
                        new[name] = value + shift
                fix(table.name, new)
                out.append(new)
            copied[table.name] = out
        strings = {str(old): str(new) for old, new in remap.items()}
        strings |= {old.hex: new.hex for old, new in remap.items()}
        return copied, strings


def _column_kinds(table: Table) -> dict[str, str]:
    """How each column changes in a copy: a key (the row's id, or a foreign key into the unit or to a
    person), a foreign key to a file (emptied), a time (moved), or unchanged."""
    cached = _KINDS.get(table.name)
    if cached is not None:
        return cached
    kinds: dict[str, str] = {}
    for column in table.c:
        targets = {fk.column.table.name for fk in column.foreign_keys}
        if targets & EXCLUDED:
            kinds[column.name] = "drop"
        elif targets - SHARED or (column.primary_key and column.name == "id"):
            kinds[column.name] = "key"
        elif isinstance(column.type, DateTime | Date) or _is_time(column.type):
            kinds[column.name] = "time"
    _KINDS[table.name] = kinds
    return kinds


def _is_time(kind: Any) -> bool:
    python = getattr(kind, "impl", None)
    return isinstance(python, DateTime | Date) if python is not None else False


_KINDS: dict[str, dict[str, str]] = {}


def capture(session: Session, roots: dict[str, Iterable[uuid.UUID]]) -> list[Unit]:
    """The template rows reached from `roots` (table name: ids), split into units. Refuses a reached table
    that holds files (see `EXCLUDED`) when a template row points at one: the template must not make them."""
    tables = {t.name: t for t in _tables()}
    found: dict[str, dict[uuid.UUID, dict[str, Any]]] = defaultdict(dict)
    frontier: dict[str, set[uuid.UUID]] = {name: set(ids) for name, ids in roots.items()}
    for name, ids in frontier.items():
        _read(session, tables[name], tables[name].c.id.in_(ids), found)
    changed = True
    while changed:
        changed = False
        for table in tables.values():
            if table.name in SHARED or table.name in EXCLUDED or table.name in (PEOPLE, "audit_events"):
                continue
            for column in table.c:
                for fk in column.foreign_keys:
                    target = fk.column.table.name
                    if target in found and target not in SHARED:  # children of found rows
                        ids = set(found[target])
                        before = len(found[table.name])
                        _read(session, table, column.in_(ids), found)
                        changed |= len(found[table.name]) > before
            # Parents of found rows that are not shared: the unit needs them too.
            for column in table.c:
                for fk in column.foreign_keys:
                    target = fk.column.table.name
                    if target in SHARED or target in (PEOPLE, table.name):
                        continue
                    wanted = {row[column.name] for row in found.get(table.name, {}).values()}
                    wanted.discard(None)
                    missing = wanted - set(found.get(target, {}))
                    if missing and target not in EXCLUDED:
                        before = len(found[target])
                        _read(session, tables[target], tables[target].c.id.in_(missing), found)
                        changed |= len(found[target]) > before
    return _units(tables, found)


def _read(session: Session, table: Table, where: Any, found: dict[str, dict[Any, dict[str, Any]]]) -> None:
    for row in session.execute(select(table).where(where)).mappings():
        key = row["id"] if "id" in row else tuple(row[c.name] for c in table.primary_key.columns)
        found[table.name].setdefault(key, dict(row))


def _units(tables: dict[str, Table], found: dict[str, dict[Any, dict[str, Any]]]) -> list[Unit]:
    """Connected groups of the found rows (union-find over their foreign keys)."""
    parent: dict[Any, Any] = {}

    def root(node: Any) -> Any:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def join(a: Any, b: Any) -> None:
        parent[root(a)] = root(b)

    for name, rows in found.items():
        table = tables[name]
        for key, row in rows.items():
            node = (name, key)
            root(node)
            for column in table.c:
                for fk in column.foreign_keys:
                    target = fk.column.table.name
                    value = row.get(column.name)
                    if value is not None and target in found and value in found[target]:
                        join(node, (target, value))
    units: dict[Any, Unit] = {}
    for name, rows in found.items():
        for key, row in rows.items():
            unit = units.setdefault(root((name, key)), Unit())
            unit.rows.setdefault(name, []).append(row)
            for column in tables[name].c:
                if any(fk.column.table.name == PEOPLE for fk in column.foreign_keys) and row.get(column.name):
                    unit.people.add(row[column.name])
    return list(units.values())


def shift_of(value: datetime | date, shift: timedelta) -> datetime | date:
    return value + shift
