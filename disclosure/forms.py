"""Reading forms and API bodies, field by field: every error at its field (a GOV.UK sentence), every value
kept for the form shown again. Features parse with these and raise `FormInvalid` once, through `raise_if`.

`values` is the parsed form (`web.FormData`) or a JSON object; a field sent twice is a `text.Repeated`, read
here as its first value."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from disclosure.errors import FormInvalid
from disclosure.text import as_list, clean

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")

UK = ZoneInfo("Europe/London")
SHORT = 200
LONG = 20_000
_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s*$", re.IGNORECASE)


def text(values: dict[str, Any], name: str, *, limit: int = 2000) -> str:
    value = values.get(name, "")
    raw = value[0] if isinstance(value, list) and value else str(value or "")  # API lists: the first
    return clean(raw).strip()[: limit + 1]


YEARS = range(1000, 3000)
"""The years a date may fall in, on the pages and in the API alike: beyond them a date is a typing error, and
the clocks' arithmetic (a deadline 28 days on, a UK date of year 1) would leave the calendar."""


def _real(day: date) -> date:
    if day.year not in YEARS:
        raise ValueError(day)
    return day


def parse_date(
    values: dict[str, Any], name: str, label: str, errors: dict[str, str], *, required: bool = True
) -> date | None:
    """A GOV.UK date input (`name-day`, `name-month`, `name-year`) or an ISO date in `name` (the API)."""
    iso = text(values, name)
    parts = [text(values, f"{name}-{p}") for p in ("day", "month", "year")]
    if iso:
        try:
            return _real(date.fromisoformat(iso[:10]))
        except ValueError:
            errors[name] = f"{label} must be a real date"
            return None
    if not any(parts):
        if required:
            errors[name] = f"Enter the {label.lower()}"
        return None
    missing = [p for p, v in zip(("day", "month", "year"), parts, strict=True) if not v]
    if missing:
        errors[name] = f"{label} must include a {' and '.join(missing)}"
        return None
    try:
        day, month, year = (int(p) for p in parts)
        return _real(date(year, month, day))
    except ValueError:
        errors[name] = f"{label} must be a real date"
        return None


def parse_time(raw: str) -> time | None:
    match = _TIME.match(raw)
    if not match:
        return None
    hour, minute, meridiem = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def datetime_answers(name: str, moment: datetime | None) -> dict[str, str]:
    """A stored moment as the date and time inputs' answers (UK local time), for a form that edits it;
    empty boxes for none."""
    if moment is None:
        return {f"{name}-day": "", f"{name}-month": "", f"{name}-year": "", f"{name}-time": ""}
    at = moment.astimezone(UK)
    return {
        f"{name}-day": str(at.day),
        f"{name}-month": str(at.month),
        f"{name}-year": str(at.year),
        f"{name}-time": f"{at:%H:%M}",
    }


def parse_datetime(values: dict[str, Any], name: str, label: str, errors: dict[str, str]) -> datetime | None:
    """A date input plus `name-time` (UK local time, e.g. 14:30 or 2:30pm); the API may send ISO 8601."""
    iso = text(values, name)
    if "T" in iso:
        try:
            parsed = datetime.fromisoformat(iso)
            _real(parsed.date())
        except ValueError:
            errors[name] = f"{label} must be a real date and time"
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UK)
    day = parse_date(values, name, label, errors)
    raw_time = text(values, f"{name}-time")
    if not raw_time:
        if day is not None:
            errors[f"{name}-time"] = f"Enter the time of the {label.lower()}, like 14:30"
        return None
    at = parse_time(raw_time)
    if at is None:
        errors[f"{name}-time"] = f"Time of the {label.lower()} must be a real time, like 14:30 or 2:30pm"
        return None
    return datetime.combine(day, at, tzinfo=UK) if day else None


def yes_no(
    values: dict[str, Any], name: str, question: str, errors: dict[str, str], *, required: bool = True
) -> bool | None:
    raw = text(values, name).lower()
    if raw in ("yes", "true", "1", "on"):
        return True
    if raw in ("no", "false", "0"):
        return False
    if required:
        errors[name] = f"Select yes if {question}"
    return None


def integer(
    values: dict[str, Any], name: str, label: str, errors: dict[str, str], *, low: int, high: int
) -> int | None:
    raw = text(values, name)
    if not raw:
        return None
    try:
        number = int(raw)
    except ValueError:
        errors[name] = f"{label} must be a whole number"
        return None
    if not low <= number <= high:
        errors[name] = f"{label} must be between {low} and {high}"
        return None
    return number


def rows(
    values: dict[str, Any], prefix: str, fields: tuple[str, ...], errors: dict[str, str], *, limit: int
) -> list[int]:
    """The numbers of the repeated rows (`prefix-N-field`, N from 0) that hold anything, so a row left or
    cleared blank is dropped. A date field counts by its `-day`, `-month` and `-year` boxes too. More than
    `limit` rows is refused at the first row's first field."""

    def filled(n: int) -> bool:
        names = [f"{prefix}-{n}-{f}" for f in fields]
        parts = ("", "-day", "-month", "-year")
        return any(text(values, base + part) for base in names for part in parts)

    if filled(limit):
        errors[f"{prefix}-0-{fields[0]}"] = f"Enter at most {limit} rows"
    return [n for n in range(limit) if filled(n)]


def raise_if(errors: dict[str, str], values: dict[str, Any]) -> None:
    if errors:
        raise FormInvalid(errors, values)


STATED_REASON_HOURS = 8
"""How long a reason stated to open a record outside one's team lasts: one working shift [APP-MoPI]."""


def stated_reason(values: dict[str, Any], what: str) -> str:
    """A reason for opening a record outside one's team ("this case", "this person's record"): at least 10
    characters, so that it says something an auditor can review, and at most 2,000."""
    reason = text(values, "reason")
    if len(reason) < 10:
        message = f"Explain why you need to open {what} (at least 10 characters)"
        raise FormInvalid({"reason": message}, {"reason": reason})
    if len(reason) > 2000:
        raise FormInvalid({"reason": "Reason must be 2,000 characters or fewer"}, {"reason": reason})
    return reason


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


def in_page_order(errors: dict[str, str], fields: tuple[str, ...]) -> dict[str, str]:
    """The errors in the order their fields appear on the form (a date's boxes and its time with it), so
    the error summary reads down the page; anything unlisted follows, as found."""

    def position(name: str) -> int:
        for n, field in enumerate(fields):
            if name == field or name.startswith(f"{field}-"):
                return n
        return len(fields)

    return dict(sorted(errors.items(), key=lambda item: position(item[0])))
