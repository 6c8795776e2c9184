"""`disclosure demo --scale N`: a synthetic force of N requests, for trying the service at size and for the
benchmark [issue 17]. Refused in production.

How: `journeys.build` works a set of template cases and episodes through the service's verbs; `cloning`
copies them, by the schema's foreign keys, as many times as the size needs, each copy moved back in time and
given people drawn by `population` (aliases, typing slips, previous addresses; subjects who come back, and
children missing again and again); the copies' audit events extend the hash chain, so it still verifies.
Rows go in by `db.bulk_insert` (COPY on PostgreSQL) a batch at a time, each batch one transaction.

Proportions, per request: 10/3 people and 10/3 missing episodes (a million of each beside 300,000 requests,
the country's year); 5% of requests open, the rest closed over the `years` before today; 0.3% of
episodes still open. Every open case's stored deadline is recomputed at the end."""

from __future__ import annotations

import random
import re
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from disclosure.audit import GENESIS_HASH, AuditEvent
from disclosure.config import Settings
from disclosure.db import Base, bulk_insert, utcnow
from disclosure.decisions.models import Decision
from disclosure.decisions.vocabulary import DecisionStatus
from disclosure.errors import DisclosureError
from disclosure.missing.vocabulary import InterviewOutcome
from disclosure.people.models import Person
from disclosure.requests import stored_deadlines
from disclosure.requests.models import ReferenceCounter
from disclosure.synthetic import cloning, journeys
from disclosure.synthetic.population import Drawn, Population, draw_people

UK = ZoneInfo("Europe/London")
PEOPLE_PER_REQUEST = 10 / 3
EPISODES_PER_REQUEST = 10 / 3
OPEN_SHARE = 0.05
OPEN_EPISODE_SHARE = 0.003
RETURNING_ADULT = 0.1
"""Share of a copy's adults who are someone already on an earlier copy (a subject with a new partner)."""
REPEAT_MISSING = 0.6
"""Share of a copy's children who were missing before."""
DUPLICATES = 0.02
"""Share of drawn people recorded twice, the second time with a typing slip."""
BATCH_ROWS = 40_000
SETTLED = timedelta(days=7)
"""Partner notifications and return home interviews older than this were dealt with at the time: a force's
past is not a backlog of ten years' unacknowledged notices (only the last week's still wait)."""
UUID_TEXT = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}")
AUDIT_COLUMNS = [c.name for c in AuditEvent.__table__.c]


@dataclass
class Made:
    """What a generation holds: template cases included."""

    requests: int = 0
    open_requests: int = 0
    episodes: int = 0
    people: int = 0
    audit_events: int = 0
    templates: Counter[str] = field(default_factory=Counter)
    """Rows per table of the template cases, meetings and episodes."""
    copied: Counter[str] = field(default_factory=Counter)
    """Rows per table that the copies (and the people drawn for them) added."""


@dataclass
class _Job:
    unit: cloning.Unit
    shift: timedelta
    events: list[dict[str, Any]]


Progress = Callable[[int, int], None]
"""Told (requests made, requests wanted) after each batch."""


def generate(
    factory: sessionmaker[Session],
    settings: Settings,
    scale: int,
    *,
    years: float = 10,
    seed: int = 17,
    progress: Progress | None = None,
) -> Made:
    """Add a synthetic force of about `scale` requests (a unit of cases is copied whole, so a few more)."""
    if settings.is_production:
        raise DisclosureError("Synthetic data cannot be generated in production")
    if scale < 1 or years <= 0:
        raise DisclosureError("Give the number of requests (1 or more) and a number of years above 0")
    rng = random.Random(seed)  # nosec B311  # made-up data, seeded to be reproducible: no secret depends on it
    with factory.begin() as session:
        before = session.scalar(select(func.coalesce(func.max(AuditEvent.seq), 0))) or 0
        templates = journeys.build(session)
        units = cloning.capture(
            session,
            {
                "requests": templates.open_cases + templates.closed_cases,
                "panel_meetings": templates.meetings,
                "missing_episodes": templates.episodes,
            },
        )
        template_people = [p for unit in units for p in unit.people]
        chosen = select(Person.id, Person.date_of_birth).where(Person.id.in_(template_people))
        born = dict(session.execute(chosen).all())
        events = [
            {name: getattr(e, name) for name in AUDIT_COLUMNS}
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.seq > before).order_by(AuditEvent.seq)
            )
        ]
    made = Made(
        requests=len(templates.open_cases) + len(templates.closed_cases),
        open_requests=len(templates.open_cases),
        episodes=len(templates.episodes),
        people=len(template_people),
        audit_events=len(events),
        templates=sum((Counter({t: len(r) for t, r in u.rows.items()}) for u in units), Counter()),
    )
    jobs = _plan(units, events, scale, rng, years, made)
    assert templates.staff_id is not None
    copier = _Copier(factory, rng, templates.staff_id, born, made)
    for done, job in enumerate(jobs, 1):
        copier.copy(job, done)
        if copier.pending >= BATCH_ROWS:
            copier.flush()
            if progress:
                progress(made.requests, scale)
    copier.top_up(round(scale * PEOPLE_PER_REQUEST))
    copier.flush()
    with factory.begin() as session:
        for prefix, number in copier.counters.items():
            session.merge(ReferenceCounter(prefix=prefix, last_number=number))
        stored_deadlines.recompute_all(session)
        session.execute(text("ANALYZE"))
    if progress:
        progress(made.requests, scale)
    return made


def _open_requests(unit: cloning.Unit) -> int:
    return sum(1 for row in unit.rows.get("requests", []) if row["closed_at"] is None)


def _open_episodes(unit: cloning.Unit) -> int:
    return sum(1 for row in unit.rows.get("missing_episodes", []) if row["returned_at"] is None)


def _plan(
    units: list[cloning.Unit],
    events: list[dict[str, Any]],
    scale: int,
    rng: random.Random,
    years: float,
    made: Made,
) -> list[_Job]:
    """The copies to make, oldest first (so the audit chain runs roughly in time order)."""
    by_unit = _events_by_unit(units, events)
    kinds: dict[str, list[int]] = {"open": [], "closed": [], "missing now": [], "returned": []}
    for n, unit in enumerate(units):
        if unit.count("requests"):
            kinds["open" if _open_requests(unit) else "closed"].append(n)
        elif unit.count("missing_episodes"):
            kinds["missing now" if _open_episodes(unit) else "returned"].append(n)
    span = timedelta(days=365 * years)
    recent = min(timedelta(days=14), span)
    older = min(timedelta(days=30), span)
    jobs: list[_Job] = []

    def add(
        kind: str,
        counter: Callable[[cloning.Unit], int],
        wanted: int,
        made_so_far: int,
        early: timedelta,
        late: timedelta,
    ) -> int:
        picks = kinds[kind]
        weights = [counter(units[n]) for n in picks]  # a unit of five cases is five times as likely
        first = iter(picks)  # each template once before any twice, so every kind of record is copied
        while picks and made_so_far < wanted:
            n = next(first, None)
            if n is None:
                n = rng.choices(picks, weights)[0]
            seconds = rng.uniform(early.total_seconds(), late.total_seconds())
            jobs.append(_Job(units[n], -timedelta(seconds=int(seconds)), by_unit[n]))
            made_so_far += counter(units[n])
        return made_so_far

    open_wanted = max(1, round(scale * OPEN_SHARE))
    add("open", _open_requests, open_wanted, made.open_requests, timedelta(0), recent)
    total = made.requests + sum(j.unit.count("requests") for j in jobs)
    add("closed", lambda u: u.count("requests"), scale, total, older, span)
    episodes = round(scale * EPISODES_PER_REQUEST)
    still = sum(_open_episodes(units[n]) for n in kinds["missing now"])
    add(
        "missing now",
        _open_episodes,
        max(1, round(episodes * OPEN_EPISODE_SHARE)),
        still,
        timedelta(0),
        recent,
    )
    so_far = made.episodes + sum(j.unit.count("missing_episodes") for j in jobs)
    add("returned", lambda u: u.count("missing_episodes"), episodes, so_far, timedelta(days=1), span)
    jobs.sort(key=lambda job: job.shift)
    return jobs


def _events_by_unit(units: list[cloning.Unit], events: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Each template audit event under the unit whose record (or person) it names; events about nothing
    copied (the synthetic staff being made) stay with the template."""
    owner: dict[str, int] = {}
    for n, unit in enumerate(units):
        for key in unit.ids() | unit.people:
            owner[str(key)] = owner[key.hex] = n
    by_unit: list[list[dict[str, Any]]] = [[] for _ in units]
    for event in events:
        named = UUID_TEXT.findall(f"{event['object_id'] or ''} {event['details']}")
        found = next((owner[u] for u in named if u in owner), None)
        if found is not None:
            by_unit[found].append(event)
    return by_unit


class _Copier:
    """Copies units into a buffer of rows and writes the buffer a batch at a time."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        rng: random.Random,
        staff_id: uuid.UUID,
        born: dict[uuid.UUID, date | None],
        made: Made,
    ) -> None:
        self.factory, self.rng, self.staff_id, self.made = factory, rng, staff_id, made
        self.population = Population(rng)
        self.now = utcnow()
        self.children = {
            p for p, b in born.items() if b is not None and (self.now.date() - b).days < 18 * 365
        }
        self.buffer: dict[str, list[dict[str, Any]]] = {}
        self.pending = 0
        self.adults: list[Drawn] = []
        self.young: list[Drawn] = []
        self.seen_adults: list[Drawn] = []
        self.seen_young: list[Drawn] = []
        with factory.begin() as session:
            tail = session.execute(
                select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
            ).first()
            self.seq, self.hash = (tail[0], tail[1]) if tail else (0, GENESIS_HASH)
            counters = session.execute(select(ReferenceCounter.prefix, ReferenceCounter.last_number))
            self.counters = dict(counters.all())
            self.episode_number = session.scalar(text("SELECT count(*) FROM missing_episodes")) or 0

    def _add(self, table: str, rows: list[dict[str, Any]]) -> None:
        self.buffer.setdefault(table, []).extend(rows)
        self.pending += len(rows)
        self.made.copied[table] += len(rows)

    def _batch(self, count: int, *, child: bool) -> list[Drawn]:
        today = self.now.date()

        def young() -> date:
            return today - timedelta(days=self.rng.randrange(365 * 8, 365 * 17))

        batch = draw_people(
            self.population,
            count,
            self.staff_id,
            self.now,
            born=young if child else None,
            duplicates=DUPLICATES,
        )
        self._add("people", batch.people)
        self._add("person_names", batch.names)
        self._add("person_addresses", batch.addresses)
        self._add("person_match_keys", batch.keys)
        self._add("person_match_cards", batch.cards)
        self.made.people += len(batch.people)
        return batch.drawn

    def _draw(self, *, child: bool) -> Drawn:
        queue = self.young if child else self.adults
        if not queue:
            queue.extend(reversed(self._batch(2_000, child=child)))
        return queue.pop()

    def _person(self, *, child: bool) -> Drawn:
        seen = self.seen_young if child else self.seen_adults
        again = REPEAT_MISSING if child else RETURNING_ADULT
        if seen and self.rng.random() < again:
            return self.rng.choice(seen)
        drawn = self._draw(child=child)
        seen.append(drawn)
        if len(seen) > 5_000:
            seen.pop(0)
        return drawn

    def copy(self, job: _Job, number: int) -> None:
        people = {p: self._person(child=p in self.children) for p in job.unit.people}

        def fix(table: str, row: dict[str, Any]) -> None:
            if table == "requests":
                year = row["first_contact_at"].astimezone(UK).year
                prefix = f"{row['scheme'].upper()}-{year}"
                self.counters[prefix] = self.counters.get(prefix, 0) + 1
                row["reference"] = f"{prefix}-{self.counters[prefix]:06d}"
            elif table == "missing_episodes":
                self.episode_number += 1
                if row["police_reference"] is not None:
                    row["police_reference"] = f"SYN-MP/{self.episode_number:08d}"
                who = next(d for d in people.values() if d.person_id == row["person_id"])
                row["reported_name"] = f"{who.given} {who.family}"
            elif table == "missing_notifications":
                if row["digest_key"] is not None:
                    row["digest_key"] = f"{row['digest_key']}~{number}"
                self._settle_notification(row)
            elif table == "return_interviews":
                self._settle_interview(row)

        rows, names = job.unit.copy(job.shift, {old: d.person_id for old, d in people.items()}, fix)
        for table, copied in rows.items():
            self._add(table, copied)
        self.made.requests += len(rows.get("requests", []))
        self.made.open_requests += sum(1 for r in rows.get("requests", []) if r["closed_at"] is None)
        self.made.episodes += len(rows.get("missing_episodes", []))
        self._events(job, names)

    def _settle_notification(self, row: dict[str, Any]) -> None:
        """Sent when its period ended, and acknowledged within two days, unless it is from the last week."""
        if row["sent_at"] is None and row["period_end"] <= self.now:
            row["sent_at"] = row["period_end"]
        if (
            row["sent_at"] is not None
            and row["acknowledged_at"] is None
            and row["sent_at"] < self.now - SETTLED
        ):
            row["acknowledged_at"] = row["sent_at"] + timedelta(minutes=self.rng.randrange(10, 48 * 60))
            row["acknowledged_by_id"] = row["user_id"]

    def _settle_interview(self, row: dict[str, Any]) -> None:
        """An interview due before the last week was offered and held within its 72 hours."""
        due = row["due_at"]
        if row["outcome"] == InterviewOutcome.DUE.value and due is not None and due < self.now - SETTLED:
            row["outcome"] = InterviewOutcome.COMPLETED.value
            row["offered_at"] = due - timedelta(hours=self.rng.randrange(48, 70))
            row["completed_at"] = due - timedelta(hours=self.rng.randrange(1, 24))
            row["interviewer_name"] = row["interviewer_name"] or "Return home interview service"

    def _events(self, job: _Job, names: dict[str, str]) -> None:
        def swap(found: re.Match[str]) -> str:
            return names.get(found.group(0), found.group(0))

        out = []
        for template in job.events:
            self.seq += 1
            event = AuditEvent(
                **{
                    **template,
                    "seq": self.seq,
                    "id": uuid.uuid4(),
                    "occurred_at": template["occurred_at"] + job.shift,
                    "object_id": names.get(template["object_id"], template["object_id"]),
                    "details": UUID_TEXT.sub(swap, template["details"]),
                    "prev_hash": self.hash,
                }
            )
            event.hash = self.hash = event.compute_hash()
            out.append({name: getattr(event, name) for name in AUDIT_COLUMNS})
        self._add("audit_events", out)
        self.made.audit_events += len(out)

    def top_up(self, wanted: int) -> None:
        """People in the index who are on no copied case (known from elsewhere), up to `wanted`."""
        while self.made.people < wanted:
            self._batch(min(2_000, wanted - self.made.people), child=self.rng.random() < 0.2)
            if self.pending >= BATCH_ROWS:
                self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        # A signed decision's agency views cannot be added (a trigger refuses them): the copies go in as
        # drafts, their views after them, and are then signed, as the chair's sign-off does.
        signed = [
            row["id"] for row in self.buffer.get("decisions", []) if row["status"] == DecisionStatus.SIGNED
        ]
        for row in self.buffer.get("decisions", []):
            row["status"] = DecisionStatus.DRAFT.value
        with self.factory.begin() as session:
            for table in Base.metadata.sorted_tables:
                rows = self.buffer.get(table.name)
                if rows:
                    bulk_insert(session, table, rows)
            for start in range(0, len(signed), 500):
                session.execute(
                    update(Decision)
                    .where(Decision.id.in_(signed[start : start + 500]))
                    .values(status=DecisionStatus.SIGNED.value, updated_at=Decision.updated_at)
                    .execution_options(synchronize_session=False)
                )
        self.buffer.clear()
        self.pending = 0
