"""Text as the service keeps and shows it.

Free text is kept NFC-normalised and without control characters (PostgreSQL cannot store NUL, and CR/LF or
bidirectional overrides in a name can forge a log line or disguise one name as another); tabs and line
breaks stay, because addresses and reasons span lines. Dates are shown in GOV.UK style, in UK time."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SINGLE_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(value: str) -> str:
    """For multi-line text: controls removed except tab and line breaks."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", value))


def has_control(value: str) -> bool:
    """Whether `clean` would take something out of `value` (a control character other than tab and line
    breaks, or a bidirectional override)."""
    return _CONTROL.search(value) is not None


def clean_line(value: str) -> str:
    """For one-line fields (names, references, filters): every control character removed."""
    return _SINGLE_LINE_CONTROL.sub("", unicodedata.normalize("NFC", value))


def format_datetime(value: Any) -> str:
    """GOV.UK style: 24 November 2026 at 2:05pm (UK time). Accepts ISO 8601 text (frozen snapshots)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    local = value.astimezone(ZoneInfo("Europe/London"))
    hour = local.strftime("%I").lstrip("0") or "12"
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{local:%p}".replace("AM", "am").replace("PM", "pm")


def format_date(value: Any) -> str:
    """GOV.UK style: 24 November 2026. Accepts ISO 8601 text (frozen snapshots)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return f"{value.day} {value:%B %Y}"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe (CSV injection); other values
    pass unchanged. For every export opened in Excel (CSV or XLSX)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class Repeated(str):
    """A form field sent more than once. The one rule for repeated fields: read as one value it is the
    first value sent (so no code that expects one value meets a list); `as_list` gives every value (ticked
    checkboxes)."""

    values: tuple[str, ...]

    def __new__(cls, values: list[str]) -> Repeated:
        made = super().__new__(cls, values[0] if values else "")
        made.values = tuple(values)
        return made


def as_list(value: Any) -> list[str]:
    """A form field that may come as one value or several (checkboxes), as a list; empty is none."""
    if isinstance(value, Repeated):
        return list(value.values)
    if value is None or value == "":
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


MAX_JSON_DEPTH = 32
"""Deeper than any document the service reads or answers (an API body, a feed mapping): a deeper one is an
attack on the parser's recursion, refused before it can become a 500."""


def json_depth_exceeded(raw: bytes | str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether brackets nest deeper than `limit` outside strings: one linear pass, no recursion."""
    data = raw.encode() if isinstance(raw, str) else raw
    depth = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def load_json(raw: bytes | str, limit: int = MAX_JSON_DEPTH) -> Any:
    """`json.loads` that refuses (ValueError) what nests deeper than `limit` instead of recursing into a
    RecursionError."""
    if json_depth_exceeded(raw, limit):
        raise ValueError(f"the JSON nests deeper than {limit} levels")
    return json.loads(raw)
