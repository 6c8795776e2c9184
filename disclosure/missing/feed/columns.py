"""The feed's standard columns, and a force's layout: its headings and codes mapped to ours."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from disclosure.errors import FormInvalid
from disclosure.people.schemas import MAX_NAME
from disclosure.text import clean_line, load_json


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    required: bool = False
    limit: int = 0
    """The longest value kept (the column's width); 0 when the column's own parser bounds it."""

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")


STANDARD_COLUMNS: tuple[Column, ...] = (
    Column("police_reference", "The police missing-person reference; unique, the import's key.", True, 40),
    Column("given_names", "Given names of the missing person.", True, MAX_NAME),
    Column("family_name", "Family name.", True, MAX_NAME),
    Column("date_of_birth", "Date of birth: 2011-04-27 or 27/04/2011."),
    Column("gender", "Gender as recorded (up to 40 characters)."),
    Column("postcode", "Home or placement postcode."),
    Column("care_status", "none, looked_after, cp_plan, care_leaver or adult_care_needs (empty: none)."),
    Column("placing_authority", "Placing authority: a partner agency's code or name."),
    Column("placement", "Where the person lives or is placed.", limit=200),
    Column("reported_at", "When reported missing: 2026-11-03 14:30 or 03/11/2026 14:30 (UK time).", True),
    Column("reported_by", "Who reported it.", limit=200),
    Column("last_seen_at", "When last seen (as reported_at; not after it)."),
    Column("last_seen_place", "Where last seen.", limit=300),
    Column("clothing", "Clothing when last seen.", limit=2000),
    Column("risk_level", "A configured risk level code: no_apparent_risk, low, medium or high.", True),
    Column("risk_factors", "Any of exploitation, mental_health, self_harm, medication, separated by ;"),
    Column("returned_at", "When found or returned (empty while missing)."),
    Column("return_place", "Where found (needed with returned_at).", limit=300),
    Column("returned_with", "Who they were with.", limit=300),
    Column("safe_and_well", "completed, no_concerns, concerns or not_completed (needed with returned_at)."),
)
FIELDS = tuple(c.name for c in STANDARD_COLUMNS)
REQUIRED = tuple(c.name for c in STANDARD_COLUMNS if c.required)


@dataclass(frozen=True)
class Layout:
    """Which heading holds each field, and how other codes translate to ours."""

    name: str = "standard"
    columns: Mapping[str, str] = field(default_factory=lambda: {f: f for f in FIELDS})
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, raw: str | bytes, name: str = "mapping") -> Layout:
        """A mapping file: {"columns": {"police_reference": "MISPER REF", ...}, "values": {"risk_level":
        {"H": "high"}}}. Fields it leaves out keep their standard heading."""
        try:
            data = load_json(raw)  # bounded depth: a deeply nested file is refused, not a RecursionError
        except ValueError as exc:  # UnicodeDecodeError and json.JSONDecodeError are ValueErrors
            raise FormInvalid({"mapping": f"The mapping is not valid JSON: {exc}"}) from exc
        columns = data.get("columns", {}) if isinstance(data, dict) else None
        values = data.get("values", {}) if isinstance(data, dict) else None
        if not isinstance(columns, dict) or not isinstance(values, dict):
            raise FormInvalid({"mapping": "The mapping must be a JSON object with columns and values"})
        unknown = sorted(set(columns) - set(FIELDS)) + sorted(set(values) - set(FIELDS))
        if unknown:
            named = ", ".join(clean_line(u)[:40] for u in unknown[:10])
            raise FormInvalid({"mapping": f"The mapping names unknown fields: {named}"})
        if not all(isinstance(v, str) for v in columns.values()) or not all(
            isinstance(v, dict) and all(isinstance(code, str) for code in v.values()) for v in values.values()
        ):
            raise FormInvalid({"mapping": "Columns map field names to headings; values map codes to codes"})
        merged = {f: f for f in FIELDS} | {k: clean_line(v).strip() for k, v in columns.items()}
        translations = {
            k: {clean_line(a).strip().casefold(): clean_line(b).strip() for a, b in v.items()}
            for k, v in values.items()
        }
        return cls(name=name[:40], columns=merged, values=translations)

    def as_mapping(self) -> str:
        """The layout as a mapping file again (kept with a background import, to run it later)."""
        return json.dumps(
            {"columns": dict(self.columns), "values": {k: dict(v) for k, v in self.values.items()}}
        )
