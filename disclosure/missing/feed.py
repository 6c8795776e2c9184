"""Import of the police missing-person feed (CSV) [issue 7].

The standard layout is `STANDARD_COLUMNS` (documented in the README); a force whose system writes other
headings or codes supplies a mapping (JSON: `columns`, our field to their heading, and `values`, their codes
to ours). Every row is validated on its own, each value cleaned of control characters (`text.clean_line`,
as the page forms do) and checked by the same rules as the pages (`people.validate_details` for the person):
a bad row is reported with its line number and every reason while the good rows load; only a file whose
header lacks a required column is refused as a whole. The police reference is the key: a reference already
loaded changes nothing, unless the row now carries the return, which closes the open episode (so
re-importing a file changes nothing at all).

People are matched to the index with the intake's scoring (`people.matching`): an identical name and date
of birth held by exactly one person links at once (one indexed query per batch of rows); any other row goes
through the intake's candidate search, linking when the best match is certain, queuing a `PendingMatch`
for a person to confirm when it is only likely, and adding a new person when nothing is close. Rows load
in batches, each committed by the caller's `commit`, so an interrupted import is restorable by running it
again (DPA 2018 s.66 [DPA-62]); `progress(done, total)` is called after every batch.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.agencies.models import Agency
from disclosure.audit import Actor, AuditCategory
from disclosure.auth import Principal
from disclosure.db import bulk_insert, new_id, utcnow
from disclosure.errors import FormInvalid, NotFound
from disclosure.missing import protocols, rules, service
from disclosure.missing.models import (
    Episode,
    FeedImport,
    ImportProblem,
    PendingMatch,
    ReturnInterview,
    RiskChange,
)
from disclosure.missing.vocabulary import CareStatus, EpisodeStatus, ImportStatus, RiskFactor, SafeAndWell
from disclosure.people import matching
from disclosure.people import service as people
from disclosure.people.models import Person, PersonName
from disclosure.people.schemas import MAX_NAME, PersonDetails
from disclosure.requests.models import CaseParty
from disclosure.text import clean_line, load_json

UK = ZoneInfo("Europe/London")
BATCH_ROWS = 1000


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


@dataclass
class Outcome:
    """Every row accounted for: total = loaded + updated + unchanged + rejected."""

    total: int = 0
    loaded: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    to_confirm: int = 0
    people_created: int = 0
    problems: list[tuple[int, str, str]] = field(default_factory=list)


# ----------------------------------------------------------------------------------- reading rows

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
        latest = self.now + timedelta(minutes=5)
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
            if moment is not None and moment > latest:
                problems.append(f"{label} is in the future")
            moments[name] = moment
        if not row.get("reported_at"):
            problems.append("no reported at date and time")
        reported_at, last_seen_at = moments["reported_at"], moments["last_seen_at"]
        if reported_at and last_seen_at and last_seen_at > reported_at:
            problems.append("last seen after being reported missing")
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
        returned_at, reported_at = moments["returned_at"], moments["reported_at"]
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
        if reported_at and returned_at < reported_at - timedelta(days=1):
            problems.append("returned before being reported missing")
        last_seen_at = moments["last_seen_at"]
        if last_seen_at and returned_at < last_seen_at:
            problems.append("returned before being last seen")
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


# ------------------------------------------------------------------------------------------ matching


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


# -------------------------------------------------------------------------------------- the import


Progress = Callable[[int, int], None]


def _no_progress(_done: int, _total: int) -> None:
    return None


def start_import(
    session: Session, actor: Actor, *, filename: str, data: bytes, layout: Layout, queued: bool = False
) -> FeedImport:
    """The import's record, before any row is read (so the page can show its progress). The file and its
    layout are kept with it until it finishes, so an import that stops can be run again; `queued` leaves it
    for the dispatcher (`missing.import_jobs`) to run."""
    if actor.user_id is None:
        raise FormInvalid({"file": "An import is started by a named user"})
    record = FeedImport(
        filename=clean_line(filename)[:200] or "feed.csv",
        sha256=hashlib.sha256(data).hexdigest(),
        layout=layout.name,
        started_by_id=actor.user_id,
        status=(ImportStatus.QUEUED if queued else ImportStatus.RUNNING).value,
        content=data,
        mapping=layout.as_mapping(),
        heartbeat_at=utcnow(),
    )
    session.add(record)
    session.flush()
    return record


def run_import(
    session: Session,
    actor: Actor,
    record: FeedImport,
    data: bytes,
    layout: Layout,
    *,
    progress: Progress = _no_progress,
    commit: Callable[[], None] | None = None,
) -> Outcome:
    """Read, validate and load the file in batches; every row ends loaded, updated, unchanged or rejected.

    Each commit holds a batch and the counts that include it, so an import that stopped part-way carries on
    after the last committed batch when it is run again (the file is the same: its rows are read again in
    the same order), its counts and refused rows as they were."""
    commit = commit or session.flush
    good, problems, total = read_rows(session, data, layout)
    resumed = record.total_rows > 0  # set by the first commit, with the refused rows
    if resumed:
        outcome = Outcome(
            total=total,
            loaded=record.loaded,
            updated=record.updated,
            unchanged=record.unchanged,
            rejected=record.rejected,
            to_confirm=record.to_confirm,
            problems=[(p.line, p.police_reference, p.reason) for p in problems_of(session, record.id)],
        )
        good = good[record.processed_rows - len(problems) :]
    else:
        outcome = Outcome(total=total, rejected=len(problems), problems=problems)
        record.total_rows = total
        record.processed_rows = len(problems)
        for line, reference, reason in problems:
            _add_problem(session, record, line, reference, reason)
    _save(record, outcome)
    commit()
    progress(record.processed_rows, total)
    matcher = _Matcher(session, actor)
    seen: dict[str, tuple[uuid.UUID, str]] = {}
    for start in range(0, len(good), BATCH_ROWS):
        batch = good[start : start + BATCH_ROWS]
        _load_batch(session, actor, record, batch, matcher, seen, outcome)
        record.processed_rows += len(batch)
        outcome.people_created = matcher.people_created
        _save(record, outcome)
        commit()
        progress(record.processed_rows, total)
    record.status = ImportStatus.FINISHED.value
    record.finished_at = utcnow()
    record.content = None  # the rows are in the service now; the file is not kept longer than needed
    audit.record(
        session,
        actor=actor,
        action="missing.import",
        category=AuditCategory.COLLECTION,
        object_type="missing_import",
        object_id=record.id,
        justification=f"Police missing-person feed imported from {record.filename}"[:2000],
        details={
            "sha256": record.sha256,
            "rows": total,
            "loaded": outcome.loaded,
            "updated": outcome.updated,
            "unchanged": outcome.unchanged,
            "rejected": outcome.rejected,
            "to_confirm": outcome.to_confirm,
            "people_created": outcome.people_created,
        },
    )
    commit()
    return outcome


def _add_problem(session: Session, record: FeedImport, line: int, reference: str, reason: str) -> None:
    session.add(
        ImportProblem(import_id=record.id, line=line, police_reference=reference, reason=reason[:2000])
    )


def _save(record: FeedImport, outcome: Outcome) -> None:
    record.heartbeat_at = utcnow()  # the import is alive: see `import_jobs.recover`
    record.loaded = outcome.loaded
    record.updated = outcome.updated
    record.unchanged = outcome.unchanged
    record.rejected = outcome.rejected
    record.to_confirm = outcome.to_confirm


def _load_batch(
    session: Session,
    actor: Actor,
    record: FeedImport,
    batch: list[FeedRow],
    matcher: _Matcher,
    seen: dict[str, tuple[uuid.UUID, str]],
    outcome: Outcome,
) -> None:
    """One batch: rows already loaded are left (or closed, when they bring the return); the new ones are
    matched, inserted in bulk, told to partners when current, and checked against disclosure cases."""
    new_rows = _split_batch(session, actor, record, batch, seen, outcome)
    if not new_rows:
        return
    matcher.resolve(new_rows)
    tables, to_notify = _new_records(session, actor, record, new_rows, matcher, seen, outcome)
    for table, rows in tables.items():  # the ORM's bookkeeping is not needed for rows nobody holds yet
        bulk_insert(session, table, rows)
    outcome.loaded += len(new_rows)
    # Partners hear about current episodes (open, or returned this period), not a backfill of history.
    for episode_id in to_notify:
        episode = session.get(Episode, episode_id)
        if episode is not None:
            service.after_new_episode(session, actor, episode)
    # Right to Know considerations: only people who are on a case at all are looked at one by one.
    notified = set(to_notify)
    linked = [e["person_id"] for e in tables[Episode.__table__] if e["person_id"] and e["id"] not in notified]
    for start in range(0, len(linked), 500):
        on_cases = session.scalars(
            select(CaseParty.person_id)
            .where(
                CaseParty.person_id.in_(linked[start : start + 500]), CaseParty.role.in_(service.LINKED_ROLES)
            )
            .distinct()
        ).all()
        for person_id in on_cases:
            service.raise_considerations(session, actor, person_id=person_id)


def _split_batch(
    session: Session,
    actor: Actor,
    record: FeedImport,
    batch: list[FeedRow],
    seen: dict[str, tuple[uuid.UUID, str]],
    outcome: Outcome,
) -> list[FeedRow]:
    """The batch's new rows; a known reference changes nothing unless it brings the return of an open
    episode (refused, as on the close page, when that return is before the episode was reported). The
    same reference twice in a batch: the first row loads, taking the later row's return."""
    references = [r.police_reference for r in batch if r.police_reference not in seen]
    for start in range(0, len(references), 500):
        chunk = references[start : start + 500]
        for episode_id, reference, status in session.execute(
            select(Episode.id, Episode.police_reference, Episode.status).where(
                Episode.police_reference.in_(chunk)
            )
        ):
            if reference is not None:
                seen[reference] = (episode_id, status)
    new_rows: dict[str, FeedRow] = {}
    for row in batch:
        known = seen.get(row.police_reference)
        earlier = new_rows.get(row.police_reference)
        if earlier is not None:
            if earlier.returned is None and row.returned is not None:
                earlier.returned = row.returned
            outcome.unchanged += 1
        elif known is None:
            new_rows[row.police_reference] = row
        elif known[1] == EpisodeStatus.OPEN.value and row.returned:
            reason = _close(session, actor, known[0], row.returned)
            if reason:
                _refuse(session, record, outcome, row, reason)
                continue
            seen[row.police_reference] = (known[0], EpisodeStatus.CLOSED.value)
            outcome.updated += 1
        else:
            outcome.unchanged += 1
    return list(new_rows.values())


def _close(session: Session, actor: Actor, episode_id: uuid.UUID, returned: dict[str, Any]) -> str:
    """Close a loaded episode with the row's return; the reason it cannot be, or nothing."""
    episode = session.get_one(Episode, episode_id)
    if returned["returned_at"] < episode.reported_at - timedelta(days=1):
        return "Returned before the episode already loaded was reported missing"
    if episode.last_seen_at and returned["returned_at"] < episode.last_seen_at:
        return "Returned before the episode already loaded was last seen"
    try:
        with session.begin_nested():  # a refusal undoes only this row's change
            service.finish_episode(session, actor, episode, **returned)
    except FormInvalid as exc:
        session.expire(episode)
        return "; ".join(exc.errors.values())
    return ""


def _refuse(session: Session, record: FeedImport, outcome: Outcome, row: FeedRow, reason: str) -> None:
    """A row refused while loading (against what is already stored) is listed like one refused on reading."""
    _add_problem(session, record, row.line, row.police_reference, reason)
    outcome.rejected += 1
    outcome.problems.append((row.line, row.police_reference, reason))


_NOT_RETURNED = {"returned_at": None, "return_place": "", "returned_with": "", "safe_and_well": None}


def _new_records(
    session: Session,
    actor: Actor,
    record: FeedImport,
    new_rows: list[FeedRow],
    matcher: _Matcher,
    seen: dict[str, tuple[uuid.UUID, str]],
    outcome: Outcome,
) -> tuple[dict[Any, list[dict[str, Any]]], list[uuid.UUID]]:
    """The rows to insert, by table, and the episodes partners are to hear about."""
    now = utcnow()
    current_cutoff = now - timedelta(hours=rules.current_settings(session).digest_hours)
    episodes: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    interviews: list[dict[str, Any]] = []
    pending: list[dict[str, Any]] = []
    to_notify: list[uuid.UUID] = []
    stamps = {"created_at": now, "updated_at": now}
    for row in new_rows:
        resolution = matcher.known[row.identity]
        episode_id = new_id()
        status = EpisodeStatus.CLOSED.value if row.returned else EpisodeStatus.OPEN.value
        episodes.append(
            {
                "id": episode_id,
                "police_reference": row.police_reference,
                "person_id": resolution.person_id,
                "reported_name": row.details.name.full_name[:400],
                "status": status,
                "risk_level": row.risk_level,
                "source": "feed",
                "import_id": record.id,
                "recorded_by_id": actor.user_id,
                "version": 1,
                "safe_and_well_notes": "",
                **stamps,
                **row.episode,
                **(row.returned or _NOT_RETURNED),
            }
        )
        changes.append(
            {
                "id": new_id(),
                "episode_id": episode_id,
                "level": row.risk_level,
                "previous_level": "",
                "rationale": "As given by the police missing-person feed",
                "source": f"Police feed import {record.filename}"[:300],
                "obtained_at": row.episode["reported_at"],
                "recorded_by_id": actor.user_id,
                "recorded_at": now,
            }
        )
        # The interview task is raised while it can still be done in time; an episode whose return was more
        # than 72 hours before the import is history, and would only flood the list with overdue tasks.
        returned_at = row.returned["returned_at"] if row.returned else None
        if returned_at and returned_at + service.INTERVIEW_DUE > now:
            interviews.append(
                {
                    "id": new_id(),
                    "episode_id": episode_id,
                    "due_at": returned_at + service.INTERVIEW_DUE,
                    "outcome": "due",
                    "reason": "",
                    "interviewer_name": "",
                    "interviewer_organisation": "",
                    "findings": "",
                    "shared_with": [],
                    "version": 1,
                    **stamps,
                }
            )
        if resolution.pending is not None:
            outcome.to_confirm += 1
            pending.append(_pending_row(record, row, episode_id, resolution.pending, stamps))
        elif returned_at is None or returned_at >= current_cutoff:
            to_notify.append(episode_id)
        seen[row.police_reference] = (episode_id, status)
    tables = {
        Episode.__table__: episodes,
        RiskChange.__table__: changes,
        ReturnInterview.__table__: interviews,
        PendingMatch.__table__: pending,
    }
    return tables, to_notify


def _pending_row(
    record: FeedImport,
    row: FeedRow,
    episode_id: uuid.UUID,
    likely: list[dict[str, Any]],
    stamps: dict[str, Any],
) -> dict[str, Any]:
    return {
        "id": new_id(),
        "episode_id": episode_id,
        "import_id": record.id,
        "line": row.line,
        "given_names": row.details.given_names,
        "family_name": row.details.family_name,
        "date_of_birth": row.details.date_of_birth,
        "gender": row.details.gender,
        "postcode": row.details.postcode,
        "candidates": likely,
        "status": "pending",
        **stamps,
    }


def get_import(session: Session, actor: Principal, import_id: uuid.UUID) -> FeedImport:
    service.require_coordinator(actor)
    record = session.get(FeedImport, import_id)
    if record is None:
        raise NotFound("There is no such import")
    return record


def recent_imports(session: Session, actor: Principal, *, limit: int = 20) -> list[FeedImport]:
    service.require_coordinator(actor)
    return list(session.scalars(select(FeedImport).order_by(FeedImport.started_at.desc()).limit(limit)))


def fail_import(session: Session, record: FeedImport, reason: str) -> None:
    record.status = ImportStatus.FAILED.value
    record.failure = reason[:4000]
    record.finished_at = utcnow()
    session.flush()


def problems_of(session: Session, import_id: uuid.UUID, *, limit: int = 1000) -> list[ImportProblem]:
    return list(
        session.scalars(
            select(ImportProblem)
            .where(ImportProblem.import_id == import_id)
            .order_by(ImportProblem.line)
            .limit(limit)
        )
    )


__all__ = [
    "FIELDS",
    "REQUIRED",
    "STANDARD_COLUMNS",
    "FeedImport",
    "Layout",
    "Outcome",
    "fail_import",
    "problems_of",
    "read_rows",
    "run_import",
    "start_import",
]
