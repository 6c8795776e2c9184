"""Data carried in and out of the people index: the details a user enters, and what pages show of people and
matches. Parsing a submitted form into `PersonDetails` lives here; the rules it must meet live in the service.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

MAX_NAME = 200
MAX_ALIASES = 20


@dataclass(frozen=True)
class NameEntry:
    """One name as entered: given names and family name, either may be empty."""

    given_names: str = ""
    family_name: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_names.strip(), self.family_name.strip()) if p)


@dataclass(frozen=True)
class AddressDetails:
    """An address as entered; the postcode is normalised (upper case, one space) when it is stored."""

    line_1: str = ""
    line_2: str = ""
    town: str = ""
    postcode: str = ""
    from_date: date | None = None
    to_date: date | None = None
    current: bool = True

    @property
    def is_empty(self) -> bool:
        return not (self.line_1 or self.line_2 or self.town or self.postcode)


@dataclass(frozen=True)
class PersonDetails:
    """What is known about a person while they are entered: the input of matching and of creation.

    For a subject DOMAIN.md asks for names and aliases, date of birth, current and previous addresses
    [Beds][Phoenix]; every field may be missing except a name.
    """

    given_names: str = ""
    family_name: str = ""
    aliases: tuple[NameEntry, ...] = ()
    date_of_birth: date | None = None
    gender: str = ""
    address_line_1: str = ""
    address_line_2: str = ""
    town: str = ""
    postcode: str = ""

    @property
    def name(self) -> NameEntry:
        return NameEntry(self.given_names, self.family_name)

    @property
    def names(self) -> list[NameEntry]:
        """The primary name first, then the aliases."""
        return [self.name, *self.aliases]

    @property
    def address(self) -> AddressDetails:
        return AddressDetails(self.address_line_1, self.address_line_2, self.town, self.postcode)


@dataclass(frozen=True)
class MatchView:
    """A possible match shown while a person is entered: who, how likely (a percentage, `likely` at or
    above the likely threshold) and why, each field's contribution in words with its weight."""

    person_id: uuid.UUID
    display_name: str
    date_of_birth: date | None
    score: int
    reasons: tuple[str, ...]
    other_names: tuple[str, ...] = ()
    address: str = ""
    likely: bool = False


@dataclass(frozen=True)
class PersonSummary:
    """One person as lists and case pages show them."""

    id: uuid.UUID
    display_name: str
    aliases: list[str] = field(default_factory=list)
    date_of_birth: date | None = None
    address: str = ""


def text_value(values: Mapping[str, Any], name: str) -> str:
    """A submitted field as trimmed text (forms may repeat a field: the first value wins)."""
    value = values.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "").strip()


def parse_person_form(values: Mapping[str, Any]) -> tuple[PersonDetails, dict[str, str]]:
    """Read the person fields of a form or API body. Returns the details and any parsing errors, keyed by
    field name (a date that is not a real date, a name that is too long); the service checks the rules."""
    errors: dict[str, str] = {}
    given, family = text_value(values, "given_names"), text_value(values, "family_name")
    for name, value, label in (("given_names", given, "Given names"), ("family_name", family, "Family name")):
        if len(value) > MAX_NAME:
            errors[name] = f"{label} must be {MAX_NAME} characters or fewer"
    aliases = parse_aliases(text_value(values, "aliases"))
    if len(aliases) > MAX_ALIASES:
        errors["aliases"] = f"Enter {MAX_ALIASES} other names or fewer"
    elif any(len(a.given_names) > MAX_NAME or len(a.family_name) > MAX_NAME for a in aliases):
        errors["aliases"] = f"Each other name must be {MAX_NAME} characters or fewer"
    dob = _date_of_birth(values, errors)
    details = PersonDetails(
        given_names=given[:MAX_NAME],
        family_name=family[:MAX_NAME],
        aliases=tuple(aliases[:MAX_ALIASES]),
        date_of_birth=dob,
        gender=text_value(values, "gender")[:40],
        address_line_1=text_value(values, "address_line_1")[:MAX_NAME],
        address_line_2=text_value(values, "address_line_2")[:MAX_NAME],
        town=text_value(values, "town")[:100],
        postcode=text_value(values, "postcode")[:20],
    )
    return details, errors


def parse_aliases(text: str) -> list[NameEntry]:
    """One name a line: "given names family name" (the last word is the family name), or "Family, Given"."""
    aliases = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        if "," in line:
            family, given = (p.strip() for p in line.split(",", 1))
            aliases.append(NameEntry(given, family))
        elif " " in line:
            given, family = line.rsplit(" ", 1)
            aliases.append(NameEntry(given, family))
        else:
            aliases.append(NameEntry("", line))
    return aliases


def _date_of_birth(values: Mapping[str, Any], errors: dict[str, str]) -> date | None:
    """From an ISO date (API) or the GOV.UK day, month and year inputs (`date_of_birth-day`, ...)."""
    iso = text_value(values, "date_of_birth")
    parts = {p: text_value(values, f"date_of_birth-{p}") for p in ("day", "month", "year")}
    if not iso and not any(parts.values()):
        return None
    missing = [p for p, v in parts.items() if not v]
    if not iso and missing:
        errors["date_of_birth"] = f"Date of birth must include a {' and '.join(missing)}"
        return None
    if not iso and len(parts["year"]) != 4:
        errors["date_of_birth"] = "Year of birth must include 4 numbers"
        return None
    try:
        if iso:
            return date.fromisoformat(iso)
        return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        errors["date_of_birth"] = "Date of birth must be a real date"
        return None
