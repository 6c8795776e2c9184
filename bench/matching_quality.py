"""Benchmark: how well the people index finds the record a person already has [issue 20, "Proof"].

Generates N en-GB people with Faker (names, sex, date of birth, street, town, postcode; seeded, so runs
repeat), loads them through `people.service.create_person` (every derived row written as in production),
and makes duplicates of a share of them, each with one or two corruptions recorded by kind: a typing slip,
a sound-alike respelling, a nickname, a married name, given and family names swapped, day and month
swapped, one part of the date wrong, a wholly wrong date, no date of birth, no given name, no postcode, a
move. A sample of fresh people from the same generator, not in the index, is also searched for: everything
suggested for them is a false pair. For every probe it measures:

- blocking: whether `candidates.candidate_ids` brings in the original at all (pairs completeness);
- ranking: whether `matching.rank` puts the original first (recall@1) or in the top 5 (recall@5);
- pairs: precision, recall and F1 of the suggested pairs at the service's `MATCH_THRESHOLD` (from
  `service.find_matches`, as intake shows them) and at a sweep of thresholds (the top 5 of `matching.rank`
  and of `find_matches` at threshold 0, which scores with the service's own scorer);
- automatic links: how many of the feed's certain links (`missing.protocols.judge`) were wrong;
- p50, p95 and max milliseconds per match and per `find_matches` call;

with recall by corruption kind, so the weak spots show. It asserts nothing: it exits non-zero only on an
error.

    python bench/matching_quality.py --people 10000 --duplicate-rate 0.1 --json var/matching-quality.json
    python bench/matching_quality.py --people 20000 --duplicate-rate 0.2 --fresh 2000 --seed 3
    python bench/matching_quality.py --people 20000 --database-url postgresql+psycopg://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from faker import Faker
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pages import fresh_postgres
from bench.people_matching import bench_user
from disclosure import migrations
from disclosure.audit import SystemActor
from disclosure.db import create_db_engine, create_session_factory, unit_of_work
from disclosure.missing import protocols
from disclosure.people import candidates, matching, service, training
from disclosure.people.matching import Probe
from disclosure.people.models import Person
from disclosure.people.schemas import PersonDetails

THRESHOLDS = (20, 30, 40, 50, 60, 70, 80, 90)
"""Thresholds the suggested pairs are also counted at, besides the service's own."""
TOP = 5
BATCH = 1000

# ------------------------------------------------------------------------------------------ population


@dataclass(frozen=True)
class Record:
    """One generated person (or a corrupted copy of one)."""

    given: str
    family: str
    sex: str
    born: date | None
    line_1: str
    town: str
    postcode: str

    @property
    def details(self) -> PersonDetails:
        return PersonDetails(
            given_names=self.given,
            family_name=self.family,
            date_of_birth=self.born,
            gender=self.sex,
            address_line_1=self.line_1,
            town=self.town,
            postcode=self.postcode,
        )


class Generator:
    """en-GB people from Faker, seeded: the same seed gives the same people on any day."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)

    def given(self, sex: str) -> str:
        first = self.fake.first_name_female() if sex == "Female" else self.fake.first_name_male()
        if self.rng.random() < 0.3:
            second = self.fake.first_name_female() if sex == "Female" else self.fake.first_name_male()
            return f"{first} {second}" if second != first else first
        return first

    def family(self) -> str:
        return str(self.fake.last_name())

    def born(self) -> date:
        # Not Faker's date_of_birth: that counts back from today, so the population would change daily.
        return date(1935, 1, 1) + timedelta(days=self.rng.randrange(365 * 75))

    def address(self) -> tuple[str, str, str]:
        postcode = ""
        while not matching.is_uk_postcode(postcode):
            postcode = matching.normalise_postcode(str(self.fake.postcode()))
        line = f"{self.fake.building_number()} {self.fake.street_name()}"
        return line, str(self.fake.city()), postcode

    def person(self) -> Record:
        sex = "Female" if self.rng.random() < 0.5 else "Male"
        line, town, postcode = self.address()
        return Record(self.given(sex), self.family(), sex, self.born(), line, town, postcode)


# ------------------------------------------------------------------------------------------ corruption

NICKNAMES = {
    "Robert": ("Bob", "Rob", "Bobby"),
    "William": ("Bill", "Will", "Billy"),
    "Elizabeth": ("Liz", "Beth", "Lizzie"),
    "Margaret": ("Maggie", "Peggy", "Meg"),
    "Richard": ("Rick", "Dick", "Richie"),
    "James": ("Jim", "Jimmy", "Jamie"),
    "John": ("Jack", "Johnny"),
    "Thomas": ("Tom", "Tommy"),
    "Michael": ("Mike", "Mick"),
    "Christopher": ("Chris", "Kit"),
    "Anthony": ("Tony",),
    "Andrew": ("Andy", "Drew"),
    "Daniel": ("Dan", "Danny"),
    "David": ("Dave", "Davy"),
    "Edward": ("Ed", "Ted", "Eddie"),
    "Joseph": ("Joe",),
    "Samuel": ("Sam",),
    "Stephen": ("Steve",),
    "Steven": ("Steve",),
    "Benjamin": ("Ben",),
    "Alexander": ("Alex", "Sandy"),
    "Matthew": ("Matt",),
    "Nicholas": ("Nick",),
    "Peter": ("Pete",),
    "Katherine": ("Kate", "Katie", "Kath"),
    "Catherine": ("Cathy", "Kate"),
    "Susan": ("Sue", "Susie"),
    "Deborah": ("Debbie", "Deb"),
    "Rebecca": ("Becky", "Becca"),
    "Jennifer": ("Jenny", "Jen"),
    "Patricia": ("Pat", "Trish"),
    "Victoria": ("Vicky", "Tori"),
    "Jessica": ("Jess",),
    "Abigail": ("Abby",),
    "Charlotte": ("Lottie", "Charlie"),
    "Frederick": ("Fred", "Freddie"),
    "Henry": ("Harry", "Hal"),
}
FORMAL = {nick: formal for formal, nicks in NICKNAMES.items() for nick in nicks}
# Respellings that sound the same: (pattern, replacement), tried in a random order.
SOUND_ALIKE = [
    (r"ph", "f"),
    (r"f", "ph"),
    (r"y", "i"),
    (r"i(?=[^aeiou])", "y"),
    (r"([bdfglmnprst])\1", r"\1"),
    (r"(?<=[aeiou])([dlmnrt])(?=[aeiouy])", r"\1\1"),
    (r"son$", "sen"),
    (r"sen$", "son"),
    (r"ck", "k"),
    (r"c(?=[aou])", "k"),
    (r"ee", "ea"),
    (r"ey$", "ie"),
    (r"ie$", "y"),
    (r"ou", "ow"),
    (r"ai", "ay"),
    (r"z", "s"),
    (r"s(?=[aeiou])", "z"),
    (r"th", "t"),
]
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def slip(rng: random.Random, word: str) -> str:
    """One typing error: a letter inserted, dropped, replaced, or two neighbours transposed."""
    i = rng.randrange(1, len(word)) if len(word) > 1 else 0
    kind = rng.choice(("insert", "delete", "substitute", "transpose") if len(word) > 2 else ("insert",))
    if kind == "insert":
        return word[:i] + rng.choice(LETTERS) + word[i:]
    if kind == "delete":
        return word[:i] + word[i + 1 :]
    if kind == "substitute":
        return word[:i] + rng.choice(LETTERS.replace(word[i].lower(), "")) + word[i + 1 :]
    i = min(i, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def respell(rng: random.Random, word: str) -> str | None:
    """The word respelt as it sounds (Stephenson -> Stevensen, Philips -> Fillips), or None if no rule
    applies."""
    rules = list(SOUND_ALIKE)
    rng.shuffle(rules)
    for pattern, replacement in rules:
        found = list(re.finditer(pattern, word[1:].lower()))
        if found:
            at = rng.choice(found)
            start, end = at.start() + 1, at.end() + 1
            return word[:start] + at.expand(replacement) + word[end:]
    return None


def _named(record: Record, part: str, value: str) -> Record:
    return replace(record, given=value) if part == "given" else replace(record, family=value)


def _with_first_given(record: Record, first: str) -> Record:
    rest = record.given.split()[1:]
    return replace(record, given=" ".join([first, *rest]))


def _typo(rng: random.Random, _gen: Generator, r: Record, touched: set[str]) -> Record | None:
    choices = [p for p in ("given", "family") if p not in touched and getattr(r, p)]
    if not choices:
        return None
    part = rng.choice(choices)
    touched.add(part)
    return _named(r, part, slip(rng, getattr(r, part)))


def _phonetic(rng: random.Random, _gen: Generator, r: Record, touched: set[str]) -> Record | None:
    parts = [p for p in ("family", "given") if p not in touched and getattr(r, p)]
    rng.shuffle(parts)
    for part in parts:
        respelt = respell(rng, getattr(r, part))
        if respelt is not None and respelt != getattr(r, part):
            touched.add(part)
            return _named(r, part, respelt)
    return None


def _nickname(rng: random.Random, _gen: Generator, r: Record, touched: set[str]) -> Record | None:
    first = r.given.split()[0] if r.given else ""
    if "given" in touched or not (first in NICKNAMES or first in FORMAL):
        return None
    touched.add("given")
    return _with_first_given(r, rng.choice(NICKNAMES[first]) if first in NICKNAMES else FORMAL[first])


def _married(_rng: random.Random, gen: Generator, r: Record, touched: set[str]) -> Record | None:
    if r.sex != "Female" or "family" in touched:
        return None
    touched.add("family")
    family = r.family
    while family == r.family:
        family = gen.family()
    return replace(r, family=family)


def _swapped(_rng: random.Random, _gen: Generator, r: Record, touched: set[str]) -> Record | None:
    if touched & {"given", "family"} or not r.given:
        return None
    touched |= {"given", "family"}
    return replace(r, given=r.family, family=r.given.split()[0])


def _transposed(_rng: random.Random, _gen: Generator, r: Record, touched: set[str]) -> Record | None:
    swapped = matching.transposed(r.born)
    if swapped is None or "born" in touched:
        return None
    touched.add("born")
    return replace(r, born=swapped)


def _date_part(rng: random.Random, _gen: Generator, r: Record, touched: set[str]) -> Record | None:
    if r.born is None or "born" in touched:
        return None
    touched.add("born")
    born = r.born
    while born == r.born:
        part = rng.choice(("day", "month", "year"))
        if part == "day":
            born = r.born.replace(day=rng.randint(1, 28))
        elif part == "month":
            born = r.born.replace(day=min(r.born.day, 28), month=rng.randint(1, 12))
        else:
            born = r.born.replace(
                day=min(r.born.day, 28), year=r.born.year + rng.choice((-10, -2, -1, 1, 2, 10))
            )
    return replace(r, born=born)


def _wrong_date(_rng: random.Random, gen: Generator, r: Record, touched: set[str]) -> Record | None:
    if r.born is None or "born" in touched:
        return None
    touched.add("born")
    return replace(r, born=gen.born())


def _no_date(_rng: random.Random, _gen: Generator, r: Record, touched: set[str]) -> Record | None:
    if r.born is None or "born" in touched:
        return None
    touched.add("born")
    return replace(r, born=None)


def _no_given(_rng: random.Random, _gen: Generator, r: Record, touched: set[str]) -> Record | None:
    if "given" in touched or not r.family:
        return None
    touched.add("given")
    return replace(r, given="")


def _no_postcode(_rng: random.Random, _gen: Generator, r: Record, touched: set[str]) -> Record | None:
    if "address" in touched or not r.postcode:
        return None
    touched.add("address")
    return replace(r, postcode="")


def _moved(_rng: random.Random, gen: Generator, r: Record, touched: set[str]) -> Record | None:
    if "address" in touched:
        return None
    touched.add("address")
    line, town, postcode = gen.address()
    return replace(r, line_1=line, town=town, postcode=postcode)


Corruption = Callable[[random.Random, Generator, Record, set[str]], Record | None]
CORRUPTIONS: dict[str, Corruption] = {
    "typing error": _typo,
    "sound-alike spelling": _phonetic,
    "nickname": _nickname,
    "married name": _married,
    "names swapped": _swapped,
    "day and month swapped": _transposed,
    "one part of date wrong": _date_part,
    "wrong date": _wrong_date,
    "no date of birth": _no_date,
    "no given name": _no_given,
    "no postcode": _no_postcode,
    "moved": _moved,
}


def corrupt(gen: Generator, original: Record) -> tuple[Record, tuple[str, ...]]:
    """A duplicate of the person with one or two corruptions (never two on the same field), and their
    kinds."""
    rng = gen.rng
    wanted = 1 if rng.random() < 0.5 else 2
    kinds = list(CORRUPTIONS)
    rng.shuffle(kinds)
    record, touched, applied = original, set[str](), list[str]()
    for kind in kinds:
        changed = CORRUPTIONS[kind](rng, gen, record, touched)
        if changed is not None:
            record = changed
            applied.append(kind)
            if len(applied) == wanted:
                break
    return record, tuple(applied)


# ------------------------------------------------------------------------------------------ measuring


@dataclass
class Outcome:
    """What one probe found: for a duplicate `original` is the person it copies; fresh people have none."""

    kinds: tuple[str, ...]
    original: uuid.UUID | None
    in_candidates: bool = False
    candidates: int = 0
    ranked: list[tuple[uuid.UUID, int]] = field(default_factory=list)
    shown: list[uuid.UUID] = field(default_factory=list)
    service_ranked: list[tuple[uuid.UUID, int]] = field(default_factory=list)
    linked: uuid.UUID | None = None
    match_ms: float = 0.0
    find_ms: float = 0.0
    judge_ms: float = 0.0

    def rank_of_original(self, service_scored: bool = False) -> int | None:
        ranked = self.service_ranked if service_scored else self.ranked
        return next((i for i, (pid, _) in enumerate(ranked, 1) if pid == self.original), None)


def probe(session: Session, actor: SystemActor, details: PersonDetails, outcome: Outcome) -> None:
    """Search for one probe the three ways (the ranking by hand, intake's find_matches, the feed's judge)
    and note what each found and how long it took."""
    started = time.perf_counter()
    ids = candidates.candidate_ids(session, details)
    ranked = matching.rank(
        Probe.of(details), candidates.load_candidates(session, ids), threshold=0, limit=TOP
    )
    outcome.match_ms = (time.perf_counter() - started) * 1000
    outcome.in_candidates = outcome.original in ids
    outcome.candidates = len(ids)
    outcome.ranked = [(m.person_id, m.score) for m in ranked]
    started = time.perf_counter()
    shown = service.find_matches(session, actor, details)
    outcome.find_ms = (time.perf_counter() - started) * 1000
    outcome.shown = [m.person_id for m in shown]
    # The service's own scorer may differ from `rank`'s default (prior odds from the index size): its top
    # five at any score show the threshold's effect as intake would see it.
    everything = service.find_matches(session, actor, details, threshold=0, limit=TOP)
    outcome.service_ranked = [(m.person_id, m.score) for m in everything]
    started = time.perf_counter()
    outcome.linked, _ = protocols.judge(session, details)
    outcome.judge_ms = (time.perf_counter() - started) * 1000


def percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, max(0, round(share * len(sorted_values)) - 1))]


def timing(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(percentile(ordered, 0.95), 2),
        "max_ms": round(ordered[-1], 2),
    }


def pair_figures(true_pairs: int, suggested: int, right: int) -> dict[str, float | int]:
    precision = right / suggested if suggested else 1.0
    recall = right / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "suggested": suggested,
        "true": right,
        "false": suggested - right,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def figures(outcomes: list[Outcome]) -> dict[str, Any]:
    dupes = [o for o in outcomes if o.original is not None]
    fresh = [o for o in outcomes if o.original is None]
    n = len(dupes)
    by_threshold: dict[str, dict[str, dict[str, float | int]]] = {"rank": {}, "find_matches": {}}
    for threshold in sorted({*THRESHOLDS, service.MATCH_THRESHOLD}):
        for source, table in by_threshold.items():
            pairs = [
                (o, pid, s)
                for o in outcomes
                for pid, s in (o.service_ranked if source != "rank" else o.ranked)
            ]
            suggested = sum(1 for _, _, s in pairs if s >= threshold)
            right = sum(1 for o, pid, s in pairs if s >= threshold and pid == o.original)
            table[str(threshold)] = pair_figures(n, suggested, right)
    shown = sum(len(o.shown) for o in outcomes)
    shown_right = sum(1 for o in dupes if o.original in o.shown)
    links = [o for o in outcomes if o.linked is not None]
    wrong = [o for o in links if o.linked != o.original]
    kinds: dict[str, dict[str, Any]] = {}
    for kind in CORRUPTIONS:
        group = [o for o in dupes if kind in o.kinds]
        kinds[kind] = {
            "duplicates": len(group),
            "alone": sum(1 for o in group if o.kinds == (kind,)),
            "pairs_completeness": share(sum(o.in_candidates for o in group), len(group)),
            "recall_at_1": share(sum(o.rank_of_original() == 1 for o in group), len(group)),
            "recall_at_5": share(sum(o.rank_of_original() is not None for o in group), len(group)),
            "shown_by_find_matches": share(sum(o.original in o.shown for o in group), len(group)),
            "linked_automatically": share(sum(o.linked == o.original for o in group), len(group)),
        }
    return {
        "duplicates": n,
        "fresh_probes": len(fresh),
        "candidates_per_probe": {
            "mean": round(statistics.fmean(o.candidates for o in outcomes), 1),
            "max": max(o.candidates for o in outcomes),
        },
        "pairs_completeness": share(sum(o.in_candidates for o in dupes), n),
        "recall_at_1": share(sum(o.rank_of_original() == 1 for o in dupes), n),
        "recall_at_5": share(sum(o.rank_of_original() is not None for o in dupes), n),
        "find_matches_recall_at_1": share(
            sum(o.rank_of_original(service_scored=True) == 1 for o in dupes), n
        ),
        "find_matches_recall_at_5": share(
            sum(o.rank_of_original(service_scored=True) is not None for o in dupes), n
        ),
        "pairs_by_threshold_top5": by_threshold,
        "find_matches_pairs": {
            "threshold": service.MATCH_THRESHOLD,
            "limit": service.MAX_MATCHES,
            **pair_figures(n, shown, shown_right),
            "fresh_probes_with_a_suggestion": sum(1 for o in fresh if o.shown),
        },
        "automatic_links": {
            "certain_score": protocols.CERTAIN_SCORE,
            "clear_margin": protocols.CLEAR_MARGIN,
            "links": len(links),
            "right": len(links) - len(wrong),
            "wrong": len(wrong),
            "wrong_on_duplicates": sum(1 for o in wrong if o.original is not None),
            "wrong_on_fresh_people": sum(1 for o in wrong if o.original is None),
            "duplicates_linked_automatically": share(sum(o.linked == o.original for o in dupes), n),
        },
        "timings": {
            "match": timing([o.match_ms for o in outcomes]),
            "find_matches": timing([o.find_ms for o in outcomes]),
            "judge": timing([o.judge_ms for o in outcomes]),
        },
        "by_corruption": kinds,
    }


# ------------------------------------------------------------------------------------------ running


@dataclass(frozen=True)
class Settings:
    """One run's choices, echoed in the report and the JSON."""

    people: int
    duplicate_rate: float
    seed: int
    fresh: int
    train: bool = False


def load(
    factory: sessionmaker[Session], actor: SystemActor, originals: list[Record]
) -> tuple[list[uuid.UUID], float]:
    """Every original through `create_person`, committed a batch at a time; their ids and the seconds."""
    ids: list[uuid.UUID] = []
    started = time.perf_counter()
    for offset in range(0, len(originals), BATCH):
        with unit_of_work(factory) as session:
            ids.extend(
                service.create_person(session, actor, r.details).id
                for r in originals[offset : offset + BATCH]
            )
        if (offset // BATCH) % 5 == 4:
            done = len(ids)
            print(f"  {done:>7,} people created ({done / (time.perf_counter() - started):,.0f} people/s)")
    return ids, time.perf_counter() - started


def train(
    factory: sessionmaker[Session],
    actor: SystemActor,
    gen: Generator,
    originals: list[Record],
    probed: set[int],
    settings: Settings,
) -> None:
    """As a force would: the index holds its own duplicates (of people not probed, at the same rate), then
    `disclosure people train-matcher` estimates the model from it and puts it in use."""
    others = [i for i in range(len(originals)) if i not in probed]
    held = gen.rng.sample(others, min(len(others), round(len(originals) * settings.duplicate_rate)))
    load(factory, actor, [corrupt(gen, originals[i])[0] for i in held])
    started = time.perf_counter()
    with unit_of_work(factory) as session:
        trained = training.train(session, seed=settings.seed)
        version = training.record_training(session, actor, trained)
        number = version.number
    figures = trained.summary
    print(
        f"Trained version {number} on {figures['people']:,} people (with {len(held):,} duplicates of "
        f"people not probed) in {time.perf_counter() - started:.1f} s: "
        + ", ".join(
            f"{rule.name} {figures[f'{rule.name}_pairs']:,} pairs, {figures[f'{rule.name}_iterations']} "
            f"iterations, matched share {figures[f'{rule.name}_matched_share']}"
            for rule in training.SESSIONS
        )
        + f"; {figures['m_kept']} comparisons kept their m"
    )


def run(url: str, settings: Settings) -> dict[str, Any]:
    migrations.upgrade(url)
    engine = create_db_engine(url)
    with engine.connect() as connection:
        if connection.execute(select(func.count()).select_from(Person)).scalar_one():
            raise SystemExit(f"{url} already holds people: give the benchmark an empty database")
    gen = Generator(settings.seed)
    originals = [gen.person() for _ in range(settings.people)]
    chosen = sorted(gen.rng.sample(range(settings.people), round(settings.people * settings.duplicate_rate)))
    duplicates = [(i, *corrupt(gen, originals[i])) for i in chosen]
    fresh = [gen.person() for _ in range(settings.fresh)]

    user_id = bench_user(engine)
    actor = SystemActor(label="benchmark", user_id=user_id)
    factory = create_session_factory(engine)
    where = engine.url.render_as_string(hide_password=True)
    print(f"Creating {settings.people:,} en-GB people through create_person in {where}")
    ids, seconds = load(factory, actor, originals)
    if engine.dialect.name == "postgresql":
        # Straight after a bulk load the planner has no statistics and guesses table scans.
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    print(f"Created {len(ids):,} people in {seconds:.1f} s ({len(ids) / seconds:,.0f} people/s)")
    if settings.train:
        train(factory, actor, gen, originals, set(chosen), settings)
    print(f"Searching for {len(duplicates):,} duplicates and {len(fresh):,} people not in the index")

    outcomes = [Outcome(kinds, ids[i]) for i, _, kinds in duplicates] + [Outcome((), None) for _ in fresh]
    probes = [d.details for _, d, _ in duplicates] + [f.details for f in fresh]
    for outcome, details in zip(outcomes, probes, strict=True):
        with unit_of_work(factory) as session:
            probe(session, actor, details, outcome)
    engine.dispose()
    return {
        "settings": asdict(settings),
        "database": engine.dialect.name,
        "load": {
            "people": len(ids),
            "seconds": round(seconds, 1),
            "people_per_second": round(len(ids) / seconds),
        },
        **figures(outcomes),
    }


def pct(value: float) -> str:
    return f"{value * 100:5.1f}%"


def report(result: dict[str, Any]) -> None:
    console = Console(width=120)
    s = result["settings"]
    console.print(
        f"\n[bold]Matching quality[/bold]: {s['people']:,} people, {result['duplicates']:,} duplicates "
        f"({s['duplicate_rate']:.0%}), {result['fresh_probes']:,} people not in the index, seed {s['seed']}, "
        f"{result['database']}"
    )
    c = result["candidates_per_probe"]
    console.print(
        f"Blocking: pairs completeness {pct(result['pairs_completeness'])} "
        f"(candidates per probe: mean {c['mean']}, max {c['max']})\n"
        f"Ranking (matching.rank): recall@1 {pct(result['recall_at_1'])}, recall@{TOP} "
        f"{pct(result['recall_at_5'])}; as find_matches scores: recall@1 "
        f"{pct(result['find_matches_recall_at_1'])}, recall@{TOP} {pct(result['find_matches_recall_at_5'])}"
    )
    f = result["find_matches_pairs"]
    console.print(
        f"find_matches (threshold {f['threshold']}, up to {f['limit']}): {f['suggested']:,} suggested, "
        f"{f['true']:,} true, {f['false']:,} false; precision {pct(f['precision'])}, recall "
        f"{pct(f['recall'])}, F1 {f['f1']:.3f}; {f['fresh_probes_with_a_suggestion']:,} of "
        f"{result['fresh_probes']:,} people not in the index were offered someone"
    )
    a = result["automatic_links"]
    console.print(
        f"Automatic links (judge: score >= {a['certain_score']}, clear by {a['clear_margin']}): "
        f"{a['links']:,} links, {a['right']:,} right, [bold]{a['wrong']:,} wrong[/bold] "
        f"({a['wrong_on_duplicates']} to the wrong person, {a['wrong_on_fresh_people']} of people not in "
        "the index); "
        f"{pct(a['duplicates_linked_automatically'])} of duplicates linked automatically"
    )
    table = Table(title=f"Suggested pairs by threshold (each probe's top {TOP})")
    table.add_column("threshold", justify="right")
    for source in ("rank", "service"):
        for column in ("suggested", "false", "precision", "recall", "F1"):
            label = {"suggested": f"{source}\npairs", "precision": "prec."}.get(column, column)
            table.add_column(label, justify="right")
    pairs = result["pairs_by_threshold_top5"]
    for threshold, by_rank in pairs["rank"].items():
        mark = " *" if int(threshold) == service.MATCH_THRESHOLD else ""
        cells = [threshold + mark]
        for row in (by_rank, pairs["find_matches"][threshold]):
            cells += [
                f"{row['suggested']:,}",
                f"{row['false']:,}",
                pct(row["precision"]),
                pct(row["recall"]),
                f"{row['f1']:.3f}",
            ]
        table.add_row(*cells)
    console.print(table)
    table = Table(title="Duplicates found, by corruption (a duplicate has one or two)")
    for column in (
        "corruption",
        "dupes",
        "alone",
        "blocked in",
        "recall@1",
        f"recall@{TOP}",
        "shown",
        "linked",
    ):
        table.add_column(column, justify="left" if column == "corruption" else "right")
    for kind, row in result["by_corruption"].items():
        table.add_row(
            kind,
            f"{row['duplicates']:,}",
            f"{row['alone']:,}",
            pct(row["pairs_completeness"]),
            pct(row["recall_at_1"]),
            pct(row["recall_at_5"]),
            pct(row["shown_by_find_matches"]),
            pct(row["linked_automatically"]),
        )
    console.print(table)
    table = Table(title="Milliseconds per probe")
    for column in ("call", "p50", "p95", "max"):
        table.add_column(column, justify="right")
    labels = {
        "match": "candidate_ids + load_candidates + rank",
        "find_matches": "service.find_matches",
        "judge": "protocols.judge",
    }
    for key, row in result["timings"].items():
        table.add_row(labels[key], f"{row['p50_ms']:.1f}", f"{row['p95_ms']:.1f}", f"{row['max_ms']:.1f}")
    console.print(table)
    console.print(
        "blocked in: the original among candidate_ids; shown: among find_matches' matches; linked: judge "
        "linked the duplicate to its original. * the service's MATCH_THRESHOLD. rank: matching.rank with "
        "its default scorer; find_matches: the service's scorer, at threshold 0."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000, help="how many people in the index (10,000)")
    parser.add_argument("--duplicate-rate", type=float, default=0.1, help="share of people duplicated (0.1)")
    parser.add_argument(
        "--fresh", type=int, default=0, help="people not in the index to search for (as many as duplicates)"
    )
    parser.add_argument("--seed", type=int, default=20, help="random seed, for repeatable runs")
    parser.add_argument("--database-url", default="", help="an empty database (default: a new SQLite file)")
    parser.add_argument(
        "--recreate",
        action="store_true",
        help="drop and make again the PostgreSQL database given first (as make bench does)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--train",
        action="store_true",
        help="hold duplicates of other people in the index too and train the matcher on it first",
    )
    args = parser.parse_args()
    if not 0 < args.duplicate_rate <= 1:
        parser.error("--duplicate-rate must be more than 0 and at most 1")
    duplicates = round(args.people * args.duplicate_rate)
    settings = Settings(args.people, args.duplicate_rate, args.seed, args.fresh or duplicates, args.train)
    if args.recreate and args.database_url.startswith("postgresql"):
        fresh_postgres(args.database_url)
    if args.database_url:
        result = run(args.database_url, settings)
    else:
        with tempfile.TemporaryDirectory(prefix="disclosure-bench-") as folder:
            result = run(f"sqlite:///{Path(folder) / 'people.db'}", settings)
    report(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"Figures written to {args.json}")


if __name__ == "__main__":
    main()
