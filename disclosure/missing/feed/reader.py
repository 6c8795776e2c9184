"""Reading the feed: the file decoded, each row checked into a FeedRow or every reason it cannot be."""

from __future__ import annotations

import csv
import functools
import io
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import chronology
from disclosure.agencies.models import Agency
from disclosure.db import utcnow
from disclosure.errors import FormInvalid
from disclosure.missing import rules
from disclosure.missing.feed.columns import FIELDS, REQUIRED, STANDARD_COLUMNS, Layout
from disclosure.missing.vocabulary import CareStatus, RiskFactor, SafeAndWell
from disclosure.people import matching
from disclosure.people import service as people
from disclosure.people.schemas import MAX_NAME, PersonDetails
from disclosure.text import clean_line

UK = ZoneInfo("Europe/London")


@dataclass
class FeedRow:
    line: int
    police_reference: str
    details: PersonDetails
    episode: dict[str, Any]
    risk_level: str
    returned: dict[str, Any] | None

    @property
    def identity(self) -> tuple[str, str, date | None, str]:
        return (
            _normalise(self.details.given_names),
            _normalise(self.details.family_name),
            self.details.date_of_birth,
            self.details.postcode,
        )


_UNDECODABLE = re.compile("[\udc80-\udcff]")
"""Bytes the file's encoding cannot read, kept by `surrogateescape` so that only their rows are refused."""
_BEYOND_ASCII = re.compile("[\u0080-\udc7f\udd00-\U0010ffff]")


def _decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark); a file with no UTF-8 beyond ASCII is Windows-1252. One
    stray byte does not turn a UTF-8 file's every accented name into mojibake: it refuses its own row."""
    decoded = data.decode("utf-8-sig", errors="surrogateescape")
    if _UNDECODABLE.search(decoded) and not _BEYOND_ASCII.search(decoded):
        return data.decode("cp1252", errors="surrogateescape")
    return decoded


_EARLIEST = datetime(1900, 1, 1, tzinfo=UK)


def _moment(raw: str) -> datetime | None:
    """A date and time as the feed writes it: ISO 8601, or day/month/year with a 24-hour time; UK time
    unless an offset is given. Anything else, a time before 1900 included, is a ValueError."""
    if not raw:
        return None
    try:
        if "/" in raw or (len(raw) > 2 and raw[2] == "-"):
            parsed = None
            for pattern in ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d-%m-%Y %H:%M"):
                try:
                    parsed = datetime.strptime(raw, pattern).replace(tzinfo=UK)
                    break
                except ValueError:
                    continue
        elif len(raw) > 10:
            parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UK)
        else:
            parsed = None
        if parsed is None or parsed < _EARLIEST:
            raise ValueError("not a date and time")
    except OverflowError as exc:
        raise ValueError("not a date and time") from exc
    return parsed


def _day(raw: str) -> date | None:
    if not raw:
        return None
    try:
        if "/" in raw:
            day, month, year = (int(part) for part in raw.split("/"))
            return date(year, month, day)
        return date.fromisoformat(raw[:10])
    except OverflowError as exc:
        raise ValueError("not a date") from exc


_normalise = functools.lru_cache(maxsize=100_000)(matching.normalise)
"""Feeds repeat the same names many times over: each is normalised once."""


def _sentence(message: str) -> str:
    return message[:1].lower() + message[1:]


class _Reader:
    """Turns one CSV row into a FeedRow or every reason it cannot be, with the session's reference data at
    hand. Each column is checked by its own parser, and no parser may raise: a value it cannot read is a
    reason, never the end of the file."""

    def __init__(self, session: Session, layout: Layout) -> None:
        self.layout = layout
        self.levels = {level.code for level in rules.risk_levels(session)}
        self.agencies: dict[str, uuid.UUID] = {}
        for agency_id, code, name in session.execute(select(Agency.id, Agency.code, Agency.name)):
            self.agencies[code.casefold()] = agency_id
            self.agencies[name.casefold()] = agency_id
        self.now = utcnow()

    def read(self, line: int, cells: Mapping[str, str]) -> FeedRow | str:
        """The row as an episode to load, or every reason it cannot be, in one sentence."""
        problems: list[str] = []
        row = dict(cells)
        for column in STANDARD_COLUMNS:
            value = row.get(column.name, "")
            if _UNDECODABLE.search(value):
                problems.append(f"{column.label} holds bytes that are not text (save the file as UTF-8)")
                row[column.name] = value = _UNDECODABLE.sub("\ufffd", value)
            if column.limit and len(value) > column.limit:
                problems.append(f"{column.label} is longer than {column.limit:,} characters")
        reference = row.get("police_reference", "").upper()
        if not reference:
            problems.append("no police reference")
        details = self._person(row, problems)
        moments = self._moments(row, problems)
        episode, risk = self._circumstances(row, problems)
        returned = self._returned(row, moments, problems)
        if problems:
            sentence = "; ".join(problems)
            return sentence[:1].upper() + sentence[1:]
        episode.update(
            reported_at=moments["reported_at"],
            last_seen_at=moments["last_seen_at"],
            reported_by=row.get("reported_by", ""),
            last_seen_place=row.get("last_seen_place", ""),
            clothing=row.get("clothing", ""),
            placement=row.get("placement", ""),
        )
        return FeedRow(line, reference, details, episode, risk, returned)

    def _person(self, row: Mapping[str, str], problems: list[str]) -> PersonDetails:
        """The person's details, refused by the rules every person in the index meets (the same check the
        intake pages and `people.create_person` apply, so a row the feed accepts is never refused later)."""
        born = None
        raw_birth = row.get("date_of_birth", "")
        try:
            born = _day(raw_birth)
        except ValueError:
            problems.append(f"date of birth '{raw_birth[:20]}' is not a date")
        details = PersonDetails(
            given_names=row.get("given_names", "")[:MAX_NAME],
            family_name=row.get("family_name", "")[:MAX_NAME],
            date_of_birth=born,
            gender=row.get("gender", ""),
            postcode=matching.normalise_postcode(row.get("postcode", "")),
        )
        problems.extend(_sentence(message) for message in people.validate_details(details).values())
        return details

    def _moments(self, row: Mapping[str, str], problems: list[str]) -> dict[str, datetime | None]:
        moments: dict[str, datetime | None] = {}
        for name, label in (
            ("reported_at", "reported at"),
            ("last_seen_at", "last seen at"),
            ("returned_at", "returned at"),
        ):
            raw = row.get(name, "")
            try:
                moment = _moment(raw)
            except ValueError:
                problems.append(f"{label} '{raw[:25]}' is not a date and time")
                moment = None
            moments[name] = moment
        if not row.get("reported_at"):
            problems.append("no reported at date and time")
        # The rules of the episode and close pages, in one place (a row is both).
        times = {name.removesuffix("_at"): moment for name, moment in moments.items()}
        for _, sentence in chronology.breaches(("missing.episode", "missing.close"), times, now=self.now):
            problems.append(_sentence(sentence))
        return moments

    def _circumstances(self, row: Mapping[str, str], problems: list[str]) -> tuple[dict[str, Any], str]:
        care = row.get("care_status", "").lower() or CareStatus.NONE.value
        if care not in _CARE:
            problems.append(f"care status '{care[:30]}' is not one of {', '.join(_CARE)}")
        placing = row.get("placing_authority", "")
        placing_id = self.agencies.get(placing.casefold()) if placing else None
        if placing and placing_id is None:
            problems.append(f"placing authority '{placing[:60]}' is not a partner agency")
        risk = row.get("risk_level", "").lower()
        if risk not in self.levels:
            problems.append(f"risk level '{risk[:30]}' is not one of {', '.join(sorted(self.levels))}")
        raw_factors = row.get("risk_factors", "").replace(",", ";").split(";")
        factors = {f.strip().lower() for f in raw_factors if f.strip()}
        unknown = factors - set(_FACTORS)
        if unknown:
            named = ", ".join(f[:30] for f in sorted(unknown)[:5])
            problems.append(f"unknown risk factor {named}{' and others' if len(unknown) > 5 else ''}")
        episode: dict[str, Any] = {"care_status": care, "placing_authority_id": placing_id}
        episode.update({factor: factor in factors for factor in _FACTORS})
        return episode, risk

    def _returned(
        self, row: Mapping[str, str], moments: dict[str, datetime | None], problems: list[str]
    ) -> dict[str, Any] | None:
        returned_at = moments["returned_at"]
        check = row.get("safe_and_well", "").lower()
        if check and check not in _CHECKS:
            problems.append(f"safe and well '{check[:30]}' is not one of {', '.join(sorted(_CHECKS))}")
        if returned_at is None:
            return None
        place = row.get("return_place", "")
        if not place:
            problems.append("returned at is given without the return place")
        if not check:
            problems.append("returned at is given without a safe and well outcome")
        return {
            "returned_at": returned_at,
            "return_place": place,
            "returned_with": row.get("returned_with", ""),
            "safe_and_well": check,
        }


_CARE = tuple(c.value for c in CareStatus)
_FACTORS = tuple(f.value for f in RiskFactor)
_CHECKS = frozenset(s.value for s in SafeAndWell)


def _cell(value: str) -> str:
    """A value as every form's value is kept: control characters removed, NFC, trimmed."""
    return clean_line(value).strip()


def _open(data: bytes, layout: Layout) -> tuple[Any, dict[str, int]]:
    """A CSV reader past the header, and which column holds each field; refuses missing required ones."""
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise FormInvalid({"file": "The file is empty"}) from None
    except csv.Error as exc:
        raise FormInvalid({"file": f"The header row is not CSV: {exc}"}) from None
    positions = {_cell(h).casefold(): i for i, h in enumerate(header)}
    index: dict[str, int] = {}
    for name in FIELDS:
        heading = _cell(layout.columns.get(name, name)).casefold()
        if heading in positions:
            index[name] = positions[heading]
    missing = [layout.columns.get(n, n) for n in REQUIRED if n not in index]
    if missing:
        raise FormInvalid(
            {"file": f"The file has no column headed {', '.join(missing)}: check the layout (see the README)"}
        )
    return reader, index


def check_headings(data: bytes, layout: Layout) -> None:
    """Before an import starts: the file is not empty and its header row has every required column."""
    if not data.strip():
        raise FormInvalid({"file": "The selected file is empty"})
    _open(data.split(b"\n", 1)[0], layout)


def read_rows(
    session: Session, data: bytes, layout: Layout
) -> tuple[list[FeedRow], list[tuple[int, str, str]], int]:
    """(good rows, problems as (line, reference, reason), data rows). Refuses only a file whose headings lack
    a required field, naming the headings expected; a row is numbered by the line it starts on."""
    reader, index = _open(data, layout)
    row_reader = _Reader(session, layout)
    translations = [(name, codes) for name, codes in layout.values.items() if codes]
    good: list[FeedRow] = []
    problems: list[tuple[int, str, str]] = []
    total = 0
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # the reader carries on at the next line: only this row is lost
            total += 1
            problems.append((start, "", f"The row is not valid CSV: {exc}"))
            start = reader.line_num + 1
            continue
        line, start = start, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        total += 1
        row = {name: _cell(cells[i]) if i < len(cells) else "" for name, i in index.items()}
        for name, codes in translations:
            if row.get(name):
                row[name] = codes.get(row[name].casefold(), row[name])
        result = row_reader.read(line, row)
        if isinstance(result, str):
            reference = _UNDECODABLE.sub("\ufffd", row.get("police_reference", "")).upper()[:40]
            problems.append((line, reference, result))
        else:
            good.append(result)
    return good, problems, total
