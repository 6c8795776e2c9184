"""Input parsing for research forms and the API: every error at its field, every value kept."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any, TypeVar

from disclosure.requests.schemas import parse_date, parse_datetime, raise_if, text, yes_no
from disclosure.text import as_list

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")

SHORT = 200
LONG = 20_000


def required_text(
    values: dict[str, Any], name: str, message: str, errors: dict[str, str], *, limit: int = LONG
) -> str:
    """Free text that must be given; `message` is the GOV.UK "Enter ..." sentence."""
    value = text(values, name, limit=limit)
    if not value:
        errors[name] = message
    elif len(value) > limit:
        errors[name] = f"{message.removeprefix('Enter ').capitalize()} must be {limit:,} characters or fewer"
    return value


def optional_text(
    values: dict[str, Any], name: str, label: str, errors: dict[str, str], *, limit: int = SHORT
) -> str:
    value = text(values, name, limit=limit)
    if len(value) > limit:
        errors[name] = f"{label} must be {limit:,} characters or fewer"
    return value


def choice(
    values: dict[str, Any], name: str, kind: type[E], message: str, errors: dict[str, str]
) -> E | None:
    """One of an enumeration's values, or the GOV.UK "Select ..." message at the field."""
    raw = text(values, name)
    try:
        return kind(raw)
    except ValueError:
        errors[name] = message
        return None


def present(value: T | None) -> T:
    """A parsed value after `raise_if` has passed: its field had no error, so it is there."""
    if value is None:
        raise RuntimeError("a field without an error has no value")
    return value


def identifier(values: dict[str, Any], name: str, message: str, errors: dict[str, str]) -> uuid.UUID | None:
    try:
        return uuid.UUID(text(values, name))
    except ValueError:
        errors[name] = message
        return None


def identifiers(values: dict[str, Any], name: str) -> list[uuid.UUID]:
    """Ticked checkboxes (a list) or one value; anything that is not an id is ignored (and so refused by the
    caller's "select at least one" rule)."""
    found = []
    for item in as_list(values.get(name)):
        try:
            found.append(uuid.UUID(str(item)))
        except ValueError:
            continue
    return found


__all__ = [
    "choice",
    "identifier",
    "identifiers",
    "optional_text",
    "parse_date",
    "parse_datetime",
    "present",
    "raise_if",
    "required_text",
    "text",
    "yes_no",
]
