"""Free text as the service keeps it: NFC-normalised, without control characters (PostgreSQL cannot store
NUL, and CR/LF or bidirectional overrides in a name can forge a log line or disguise one name as another).
Tabs and line breaks stay, because addresses and reasons span lines."""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SINGLE_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(value: str) -> str:
    """For multi-line text: controls removed except tab and line breaks."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", value))


def clean_line(value: str) -> str:
    """For one-line fields (names, references, filters): every control character removed."""
    return _SINGLE_LINE_CONTROL.sub("", unicodedata.normalize("NFC", value))
