"""Import of the police missing-person feed (CSV) [issue 7].

The standard layout is `STANDARD_COLUMNS` (documented in the README); a force whose system writes other
headings or codes supplies a mapping (JSON: `columns`, our field to their heading, and `values`, their codes
to ours). Every row is validated on its own: a bad row is reported with its line number and reason while the
good rows load. The police reference is the key: a reference already loaded changes nothing, unless the row
now carries the return, which closes the open episode (so re-importing a file changes nothing at all).

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
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

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
from disclosure.people.schemas import PersonDetails
from disclosure.requests.models import CaseParty

UK = ZoneInfo("Europe/London")
BATCH_ROWS = 1000


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    required: bool = False


STANDARD_COLUMNS: tuple[Column, ...] = (
    Column("police_reference", "The police missing-person reference; unique, the import's key.", True),
    Column("given_names", "Given names of the missing person.", True),
    Column("family_name", "Family name.", True),
    Column("date_of_birth", "Date of birth: 2011-04-27 or 27/04/2011."),
    Column("gender", "Gender as recorded."),
    Column("postcode", "Home or placement postcode."),
    Column("care_status", "none, looked_after, cp_plan, care_leaver or adult_care_needs (empty: none)."),
    Column("placing_authority", "Placing authority: a partner agency's code or name."),
    Column("placement", "Where the person lives or is placed."),
    Column("reported_at", "When reported missing: 2026-11-03 14:30 or 03/11/2026 14:30 (UK time).", True),
    Column("reported_by", "Who reported it."),
    Column("last_seen_at", "When last seen (as reported_at)."),
    Column("last_seen_place", "Where last seen."),
    Column("clothing", "Clothing when last seen."),
    Column("risk_level", "A configured risk level code: no_apparent_risk, low, medium or high.", True),
    Column("risk_factors", "Any of exploitation, mental_health, self_harm, medication, separated by ;"),
    Column("returned_at", "When found or returned (empty while missing)."),
    Column("return_place", "Where found (needed with returned_at)."),
    Column("returned_with", "Who they were with."),
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
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise FormInvalid({"mapping": f"The mapping is not valid JSON: {exc}"}) from exc
        if not isinstance(data, dict):
            raise FormInvalid({"mapping": "The mapping must be a JSON object with columns and values"})
        columns = data.get("columns", {})
        values = data.get("values", {})
        unknown = sorted(set(columns) - set(FIELDS)) + sorted(set(values) - set(FIELDS))
        if unknown:
            raise FormInvalid({"mapping": f"The mapping names unknown fields: {', '.join(unknown)}"})
        if not all(isinstance(v, str) for v in columns.values()) or not all(
            isinstance(v, dict) for v in values.values()
        ):
            raise FormInvalid({"mapping": "Columns map field names to headings; values map codes to codes"})
        merged = {f: f for f in FIELDS} | {k: str(v) for k, v in columns.items()}
        translations = {
            k: {str(a).strip().casefold(): str(b) for a, b in v.items()} for k, v in values.items()
        }
        return cls(name=name[:40], columns=merged, values=translations)


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


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FormInvalid({"file": "The file must be text (CSV in UTF-8)"})


def _moment(raw: str) -> datetime | None:
    """A date and time as the feed writes it: ISO 8601, or day/month/year with a 24-hour time; UK time
    unless an offset is given."""
    raw = raw.strip()
    if not raw:
        return None
    if "/" in raw or (len(raw) > 2 and raw[2] == "-"):
        for pattern in ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d-%m-%Y %H:%M"):
            try:
                return datetime.strptime(raw, pattern).replace(tzinfo=UK)
            except ValueError:
                continue
        raise ValueError("not a date and time")
    if len(raw) <= 10:
        raise ValueError("no time")
    parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UK)


def _day(raw: str) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    if "/" in raw:
        day, month, year = (int(part) for part in raw.split("/"))
        return date(year, month, day)
    return date.fromisoformat(raw[:10])


_normalise = functools.lru_cache(maxsize=100_000)(matching.normalise)
"""Feeds repeat the same names many times over: each is normalised once."""


class _Reader:
    """Turns one CSV row into a FeedRow or a reason, with the session's reference data at hand."""

    def __init__(self, session: Session, layout: Layout) -> None:
        self.layout = layout
        self.levels = {level.code for level in rules.risk_levels(session)}
        self.agencies: dict[str, uuid.UUID] = {}
        for agency_id, code, name in session.execute(select(Agency.id, Agency.code, Agency.name)):
            self.agencies[code.casefold()] = agency_id
            self.agencies[name.casefold()] = agency_id
        self.now = utcnow()

    def read(self, line: int, row: Mapping[str, str]) -> FeedRow | str:
        """The row as an episode to load, or every reason it cannot be, in one sentence."""
        problems: list[str] = []
        reference = row.get("police_reference", "").upper()
        if not reference:
            problems.append("no police reference")
        elif len(reference) > 40:
            problems.append("police reference longer than 40 characters")
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
            reported_by=row.get("reported_by", "")[:200],
            last_seen_place=row.get("last_seen_place", "")[:300],
            clothing=row.get("clothing", "")[:2000],
            placement=row.get("placement", "")[:200],
        )
        return FeedRow(line, reference, details, episode, risk, returned)

    def _person(self, row: Mapping[str, str], problems: list[str]) -> PersonDetails:
        given, family = row.get("given_names", "")[:200], row.get("family_name", "")[:200]
        if not (_normalise(given) or _normalise(family)):
            problems.append("no name")
        born = None
        raw_birth = row.get("date_of_birth", "")
        try:
            born = _day(raw_birth)
        except ValueError:
            problems.append(f"date of birth '{raw_birth[:20]}' is not a date")
        if born and not (people.EARLIEST_BIRTH <= born <= self.now.date()):
            problems.append(f"date of birth {born:%d/%m/%Y} is not a real date of birth")
            born = None
        postcode = matching.normalise_postcode(row.get("postcode", ""))
        if postcode and not matching.is_uk_postcode(postcode):
            problems.append(f"postcode '{postcode[:10]}' is not a UK postcode")
            postcode = ""
        return PersonDetails(
            given_names=given,
            family_name=family,
            date_of_birth=born,
            gender=row.get("gender", "")[:40],
            postcode=postcode,
        )

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
        if moments["reported_at"] is None and not row.get("reported_at"):
            problems.append("no reported at date and time")
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
            problems.append(f"unknown risk factor {', '.join(sorted(unknown))}")
        episode: dict[str, Any] = {"care_status": care, "placing_authority_id": placing_id}
        episode.update({factor: factor in factors for factor in _FACTORS})
        return episode, risk

    def _returned(
        self, row: Mapping[str, str], moments: dict[str, datetime | None], problems: list[str]
    ) -> dict[str, Any] | None:
        returned_at, reported_at = moments["returned_at"], moments["reported_at"]
        if returned_at is None:
            return None
        place = row.get("return_place", "")[:300]
        check = row.get("safe_and_well", "").lower()
        if not place:
            problems.append("returned at is given without the return place")
        if check not in _CHECKS:
            problems.append("returned at is given without a safe and well outcome")
        if reported_at and returned_at < reported_at - timedelta(days=1):
            problems.append("returned before being reported missing")
        return {
            "returned_at": returned_at,
            "return_place": place,
            "returned_with": row.get("returned_with", "")[:300],
            "safe_and_well": check,
        }


_CARE = tuple(c.value for c in CareStatus)
_FACTORS = tuple(f.value for f in RiskFactor)
_CHECKS = frozenset(s.value for s in SafeAndWell)


def _open(data: bytes, layout: Layout) -> tuple[Any, dict[str, int]]:
    """A CSV reader past the header, and which column holds each field; refuses missing required ones."""
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise FormInvalid({"file": "The file is empty"}) from None
    except csv.Error as exc:
        raise FormInvalid({"file": f"The file is not CSV: {exc}"}) from None
    positions = {h.strip().casefold(): i for i, h in enumerate(header)}
    index: dict[str, int] = {}
    for name in FIELDS:
        heading = layout.columns.get(name, name).strip().casefold()
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
    """(good rows, problems as (line, reference, reason), data rows). Refuses a file whose headings lack a
    required field, naming the headings expected."""
    reader, index = _open(data, layout)
    row_reader = _Reader(session, layout)
    translations = [(name, codes) for name, codes in layout.values.items() if codes]
    good: list[FeedRow] = []
    problems: list[tuple[int, str, str]] = []
    total = 0
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            total += 1
            row = {name: cells[i].strip() if i < len(cells) else "" for name, i in index.items()}
            for name, codes in translations:
                if row.get(name):
                    row[name] = codes.get(row[name].casefold(), row[name])
            result = row_reader.read(line, row)
            if isinstance(result, str):
                problems.append((line, (row.get("police_reference") or "").strip()[:40], result))
            else:
                good.append(result)
    except csv.Error as exc:
        raise FormInvalid({"file": f"Line {reader.line_num} of the file is not valid CSV: {exc}"}) from None
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


def start_import(session: Session, actor: Actor, *, filename: str, data: bytes, layout: Layout) -> FeedImport:
    """The import's record, before any row is read (so the page can show its progress)."""
    if actor.user_id is None:
        raise FormInvalid({"file": "An import is started by a named user"})
    record = FeedImport(
        filename=filename[:200] or "feed.csv",
        sha256=hashlib.sha256(data).hexdigest(),
        layout=layout.name,
        started_by_id=actor.user_id,
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
    """Read, validate and load the file in batches; every row ends loaded, updated, unchanged or rejected."""
    commit = commit or session.flush
    good, problems, total = read_rows(session, data, layout)
    outcome = Outcome(total=total, rejected=len(problems), problems=problems)
    record.total_rows = total
    record.processed_rows = len(problems)
    for line, reference, reason in problems:
        session.add(
            ImportProblem(import_id=record.id, line=line, police_reference=reference, reason=reason[:2000])
        )
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


def _save(record: FeedImport, outcome: Outcome) -> None:
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
    new_rows = _split_batch(session, actor, batch, seen, outcome)
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
    batch: list[FeedRow],
    seen: dict[str, tuple[uuid.UUID, str]],
    outcome: Outcome,
) -> list[FeedRow]:
    """The batch's new rows; a known reference changes nothing unless it brings the return of an open
    episode. The same reference twice in a batch: the first row loads, taking the later row's return."""
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
            episode = session.get(Episode, known[0])
            if episode is None:
                raise RuntimeError(f"Episode {known[0]} vanished during the import")
            service.finish_episode(session, actor, episode, **row.returned)
            seen[row.police_reference] = (episode.id, EpisodeStatus.CLOSED.value)
            outcome.updated += 1
        else:
            outcome.unchanged += 1
    return list(new_rows.values())


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


def run_saved_import(
    factory: sessionmaker[Session], actor: Actor, import_id: uuid.UUID, data: bytes, layout: Layout
) -> None:
    """Load a large file in its own session (a background thread), committing each batch so the progress
    page can follow it; if it stops, the import records why."""
    with factory() as session:
        record = session.get(FeedImport, import_id)
        if record is None:
            raise NotFound("There is no such import")
        try:
            run_import(session, actor, record, data, layout, commit=session.commit)
        except Exception as exc:  # the page must show why, whatever it was
            session.rollback()
            fail_import(session, session.get_one(FeedImport, import_id), f"The import stopped: {exc}")
            session.commit()


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
