"""Benchmark: likely-match search in the people index at national scale.

Builds N synthetic people (default 1,000,000) with UK-like name frequencies (a few very common family names,
a long tail of rare ones, common given names, second given names, aliases and previous names, a few accents
and apostrophes), dates of birth and postcodes, bulk-loaded into a fresh database. Then times
`people.service.find_matches` for 200 queries of four kinds (exact, misspelt, by alias, day and month of
birth transposed) and prints the insert rate, p50, p95 and max latency in milliseconds, and how often the
intended person was among the matches. It asserts no timings: it exits non-zero only on an error.

    python bench/people_matching.py --people 1000000
    python bench/people_matching.py --people 200000 --database-url postgresql+psycopg://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from disclosure import migrations
from disclosure.accounts.models import User
from disclosure.audit import SystemActor
from disclosure.db import create_db_engine, create_session_factory, new_id, unit_of_work, utcnow
from disclosure.people import matching, service
from disclosure.people.models import Person, PersonAddress, PersonName
from disclosure.people.schemas import NameEntry


def _words(text: str) -> list[str]:
    return text.split()


# Common family names in England and Wales, commonest first (frequencies fall off roughly as 1/rank).
FAMILY = _words(
    """
    Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright
    Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill
    Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker
    Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy
    Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman
    Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight
    Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham Pearson Ahmed Fletcher
    Walsh Kaur Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West
    Lawrence Cole Atkinson Bradley Spencer Gill Dawson Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant
    Wells Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page
    Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland Hawkins Harding Porter Robertson Newton Oliver
    Reed Kennedy Williamson Bird Gardner Shah Dean Lane Cooke Bates Henderson Parry Burgess Bishop Walton
    Burns Nicholson Shepherd Ross Cross Long Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates
    Hodgson Robson Curtis Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers O'Neill Griffin
    Sharp Hardy Wheeler Potter Osborne Johnston Gordon Doyle Wallace George Jordan Hutchinson Rowe Burke May
    Pritchard Gilbert Willis Higgins Read Miles Stevenson Stephenson Hammond Arnold Buckley Walters Hewitt
    Barber Nelson Slater Austin Sullivan Whitehead Mann Frost Lambert Stephens Blake Akhtar Lynch Goodwin
    Barton Woodward Thomson Cunningham Quinn Barnett Baxter Bibi Clayton Nash Greenwood Jennings Holt Kemp
    Poole Gallagher Bond Stokes Tucker Davidson Fowler Heath Norman Middleton Lawson Banks French Stanley
    Jarvis Gibbs Ferguson Hayward Carroll Douglas Dickinson Todd Barlow Peters Lucas Knowles Hartley Miah
    Simmons Morton Alexander Field Morrison Norris Townsend Preston Hancock Thornton Baldwin Burrows Briggs
    Storey Pickering Dobson Rahman Nowak Kowalski Wójcik Popescu Okafor Mensah Nguyen García Smith-Jones
    """
)
GIVEN = _words(
    """
    Oliver George Harry Jack Jacob Noah Charlie Muhammad Thomas Oscar William James Leo Alfie Henry Joshua
    Freddie Archie Ethan Isaac Alexander Joseph Edward Samuel Max Daniel Arthur Lucas Mohammed Logan Olivia
    Amelia Isla Ava Emily Isabella Mia Poppy Ella Lily Sophia Grace Evie Sophie Jessica Scarlett Chloe Ruby
    Daisy Freya Charlotte Alice Phoebe Florence Sienna Matilda Ivy Sarah Emma Laura Rebecca Hannah Rachel
    Michael David John Paul Mark Andrew Richard Robert Christopher Stephen Peter Anthony Kevin Gary Jason
    Lee Ian Craig Darren Stuart Wayne Dean Susan Karen Julie Helen Lisa Claire Nicola Joanne Amanda Tracey
    Michelle Kelly Louise Donna Dawn Priya Aisha Fatima Ayesha Zainab Amir Omar Ali Hassan Bilal Siobhán
    Niamh Ciarán Declan Aoife Rhys Dylan Gareth Cerys Megan Catherine Kathryn Jon Jonathan Mohamed José
    Katarzyna Piotr Chinedu Adebayo Mei
    """
)
# Spellings people mistake one for another: aliases and misspelt queries draw on them.
VARIANTS = {
    "Smith": "Smyth",
    "Thompson": "Thomson",
    "Clarke": "Clark",
    "Phillips": "Philips",
    "Davies": "Davis",
    "O'Brien": "OBrien",
    "McDonald": "MacDonald",
    "Stephen": "Steven",
    "John": "Jon",
    "Mohammed": "Muhammad",
    "Catherine": "Kathryn",
    "Siobhán": "Siobhan",
    "Sarah": "Sara",
    "Rebecca": "Rebekah",
    "Jonathan": "Johnathan",
}
NICKNAMES = {
    "Robert": "Bob",
    "William": "Bill",
    "Elizabeth": "Liz",
    "Margaret": "Maggie",
    "Anthony": "Tony",
    "Michael": "Mick",
    "Christopher": "Chris",
    "Alexander": "Alex",
    "Daniel": "Danny",
    "Susan": "Sue",
}
_ONSETS = _words("B Br C Ch Cr D Dr F G Gr H J K Kn L M N P Pr R S Sh St T Th Tr V W Wh Y")
_VOWELS = _words("a e i o u ai ea ee oo ou")
_CODAS = _words("b ck d ff g l ll m n nd ng nt p r rd rn rt s ss st t th tt w x")
_ENDINGS = _words(
    "by croft dale den field ford gate ham hurst ington land ley low more ridge shaw stone ton well wick wood"
    " worth"
)
POSTCODE_AREAS = _words(
    "AB B BD BN BS CF CV DN E EC EH G HU L LE LS M N NE NG NP NW OX PL S SA SE SR SW W WC YO"
)
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
TAIL_SIZE = 40_000  # distinct rarer family names
COMMON_SHARE = 0.35  # share of people carrying one of the common family names above
# Frequency falls with rank as rank ** -0.55: Smith about 1.3% of people, Jones 0.9%, the 300th 0.05%.
ZIPF_EXPONENT = 0.55
_CUMULATIVE = {
    id(words): list(accumulate(rank**-ZIPF_EXPONENT for rank in range(1, len(words) + 1)))
    for words in (FAMILY, GIVEN)
}


@dataclass
class Target:
    """A person the queries look for."""

    person_id: uuid.UUID
    given: str
    family: str
    born: date
    postcode: str
    alias: tuple[str, str] | None


class Population:
    """Draws names, dates and postcodes; keys every distinct name once (not once a row)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.tail = sorted(self._tail_names(TAIL_SIZE))
        self.postcodes = [self._postcode() for _ in range(120_000)]
        self._keys: dict[tuple[str, str], matching.NameKeys] = {}
        self._normalised: dict[str, str] = {}

    def _tail_names(self, count: int) -> set[str]:
        names: set[str] = set()
        while len(names) < count:
            stem = self.rng.choice(_ONSETS) + self.rng.choice(_VOWELS) + self.rng.choice(_CODAS)
            names.add((stem + self.rng.choice(_ENDINGS)).capitalize() if self.rng.random() < 0.7 else stem)
        return names

    def _postcode(self) -> str:
        rng = self.rng
        outward = f"{rng.choice(POSTCODE_AREAS)}{rng.randint(1, 30)}"
        return f"{outward} {rng.randint(0, 9)}{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"

    def _zipf(self, words: list[str]) -> str:
        return self.rng.choices(words, cum_weights=_CUMULATIVE[id(words)])[0]

    def family(self) -> str:
        name = self._zipf(FAMILY) if self.rng.random() < COMMON_SHARE else self.rng.choice(self.tail)
        return VARIANTS.get(name, name) if self.rng.random() < 0.05 else name

    def given(self) -> str:
        first = self._zipf(GIVEN)
        first = VARIANTS.get(first, first) if self.rng.random() < 0.05 else first
        return f"{first} {self._zipf(GIVEN)}" if self.rng.random() < 0.4 else first

    def born(self) -> date:
        return date(1935, 1, 1) + timedelta(days=self.rng.randrange(0, 365 * 80))

    def postcode(self) -> str:
        return self.rng.choice(self.postcodes)

    def alias_of(self, given: str, family: str) -> tuple[str, str, str]:
        """A previous family name, a nickname, or a variant spelling."""
        first = given.split(maxsplit=1)[0]
        roll = self.rng.random()
        if roll < 0.5:
            return "previous", given, self.family()
        if roll < 0.8 and first in NICKNAMES:
            return "alias", NICKNAMES[first], family
        variant = VARIANTS.get(first, first), VARIANTS.get(family, family)
        return ("alias", *variant) if variant != (first, family) else ("previous", given, self.family())

    def address_row(self, person_id: uuid.UUID, postcode: str, current: bool, now: Any) -> dict[str, Any]:
        return {
            "id": new_id(),
            "person_id": person_id,
            "line_1": f"{self.rng.randint(1, 200)} High Street",
            "line_2": "",
            "town": "",
            "postcode": postcode,
            "current": current,
            "from_date": None,
            "to_date": None,
            "created_at": now,
            "updated_at": now,
        }

    def name_row(self, person_id: uuid.UUID, kind: str, given: str, family: str, now: Any) -> dict[str, Any]:
        keys = self._keys.get((given, family))
        if keys is None:
            keys = self._keys[(given, family)] = matching.name_keys(NameEntry(given, family))
        full = f"{given} {family}"
        normalised = self._normalised.get(full)
        if normalised is None:
            normalised = self._normalised[full] = matching.normalise(full)
        return {
            "id": new_id(),
            "person_id": person_id,
            "kind": kind,
            "given_names": given,
            "family_name": family,
            "normalised": normalised,
            "family_key1": keys.family_key1,
            "family_key2": keys.family_key2,
            "given_key1": keys.given_key1,
            "created_at": now,
            "updated_at": now,
        }


def build(engine: Engine, people: int, targets_wanted: int, seed: int) -> tuple[list[Target], float]:
    """Bulk-load the synthetic people; returns the people to look for and the seconds it took."""
    rng = random.Random(seed)
    population = Population(rng)
    creator, now = new_id(), utcnow()
    with engine.begin() as connection:
        connection.execute(
            insert(User),
            [
                {
                    "id": creator,
                    "username": "bench",
                    "display_name": "Benchmark",
                    "email": "bench@example.invalid",
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            ],
        )
    targets: list[Target] = []
    started = time.perf_counter()
    batch = 25_000
    for offset in range(0, people, batch):
        person_rows: list[dict[str, Any]] = []
        name_rows: list[dict[str, Any]] = []
        address_rows: list[dict[str, Any]] = []
        for _ in range(min(batch, people - offset)):
            person_id, born = new_id(), population.born()
            given, family = population.given(), population.family()
            person_rows.append(
                {
                    "id": person_id,
                    "date_of_birth": born,
                    "gender": "",
                    "created_by_id": creator,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            name_rows.append(population.name_row(person_id, "primary", given, family, now))
            alias = None
            if rng.random() < 0.12:
                kind, alias_given, alias_family = population.alias_of(given, family)
                name_rows.append(population.name_row(person_id, kind, alias_given, alias_family, now))
                alias = (alias_given, alias_family)
            postcode = ""
            if rng.random() < 0.85:
                postcode = population.postcode()
                moves = [population.postcode()] if rng.random() < 0.2 else []
                address_rows.extend(
                    population.address_row(person_id, place, place == postcode, now)
                    for place in [postcode, *moves]
                )
            if rng.random() < targets_wanted / people:
                targets.append(Target(person_id, given, family, born, postcode, alias))
        with engine.begin() as connection:
            connection.execute(insert(Person), person_rows)
            connection.execute(insert(PersonName), name_rows)
            connection.execute(insert(PersonAddress), address_rows)
        done = offset + len(person_rows)
        if done % 200_000 < batch:
            print(f"  {done:>9,} people loaded ({done / (time.perf_counter() - started):,.0f} people/s)")
    return targets, time.perf_counter() - started


def misspell(rng: random.Random, word: str) -> str:
    """One typing slip: two letters swapped, one dropped, or one doubled."""
    if len(word) < 4:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 2)
    slips: list[Callable[[], str]] = [
        lambda: word[:i] + word[i + 1] + word[i] + word[i + 2 :],
        lambda: word[:i] + word[i + 1 :],
        lambda: word[: i + 1] + word[i:],
    ]
    return rng.choice(slips)()


def queries(
    targets: list[Target], rng: random.Random, count: int
) -> Iterator[tuple[str, Target, dict[str, str]]]:
    """Up to `count` queries, the four kinds in turn."""
    kinds = ["exact", "misspelt", "alias", "transposed date"]
    made = 0
    pools = {kind: list(targets) for kind in kinds}
    for pool in pools.values():
        rng.shuffle(pool)
    while made < count and any(pools.values()):
        for kind in kinds:
            pool = pools[kind]
            while pool:
                target = pool.pop()
                values = {
                    "given_names": target.given,
                    "family_name": target.family,
                    "date_of_birth": target.born.isoformat(),
                }
                if kind == "misspelt":
                    values["family_name"] = misspell(rng, target.family)
                elif kind == "alias":
                    if target.alias is None:
                        continue
                    values["given_names"], values["family_name"] = target.alias
                elif kind == "transposed date":
                    swapped = matching.transposed(target.born)
                    if swapped is None:
                        continue
                    values["date_of_birth"] = swapped.isoformat()
                yield kind, target, values
                made += 1
                break
            if made >= count:
                return


def percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, max(0, round(share * len(sorted_values)) - 1))]


def run(url: str, people: int, query_count: int, seed: int) -> None:
    migrations.upgrade(url)
    engine = create_db_engine(url)
    with engine.connect() as connection:
        if connection.execute(select(func.count()).select_from(Person)).scalar_one():
            raise SystemExit(f"{url} already holds people: give the benchmark an empty database")
    print(f"Loading {people:,} synthetic people into {engine.url.render_as_string(hide_password=True)}")
    targets, seconds = build(engine, people, targets_wanted=max(4 * query_count, 400), seed=seed)
    with engine.connect() as connection:
        names = connection.execute(select(func.count()).select_from(PersonName)).scalar_one()
        addresses = connection.execute(select(func.count()).select_from(PersonAddress)).scalar_one()
    if engine.dialect.name == "postgresql":
        # Autovacuum analyses new tables in time; straight after a bulk load the planner has no statistics
        # and guesses table scans for the lookups by person.
        with engine.begin() as connection:
            for table in ("people", "person_names", "person_addresses"):
                connection.execute(text(f"ANALYZE {table}"))
    rows = people + names + addresses
    print(
        f"Loaded {people:,} people, {names:,} names, {addresses:,} addresses in {seconds:.1f} s: "
        f"{people / seconds:,.0f} people/s, {rows / seconds:,.0f} rows/s"
    )

    factory = create_session_factory(engine)
    actor = SystemActor(label="benchmark")
    timings: dict[str, list[float]] = {}
    found: dict[str, int] = {}
    for kind, target, fields in queries(targets, random.Random(seed + 1), query_count):
        details = service.details_from_form(fields)
        with unit_of_work(factory) as session:
            started = time.perf_counter()
            matches = service.find_matches(session, actor, details)
            timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        found[kind] = found.get(kind, 0) + any(m.person_id == target.person_id for m in matches)
    engine.dispose()

    everything = sorted(t for times in timings.values() for t in times)
    print(f"find_matches over {people:,} people, {len(everything)} queries (each with its audit event):")
    print(summary_line("all", everything, sum(found.values())))
    for kind, times in timings.items():
        print(summary_line(kind, sorted(times), found[kind]))


def summary_line(label: str, values: list[float], found: int) -> str:
    """p50, p95 and max of sorted timings in milliseconds, and how many searches found their person."""
    return (
        f"  {label:16} p50 {statistics.median(values):6.1f} ms  p95 {percentile(values, 0.95):6.1f} ms  "
        f"max {values[-1]:6.1f} ms  found {found}/{len(values)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000, help="how many synthetic people (1,000,000)")
    parser.add_argument("--queries", type=int, default=200, help="how many searches to time (200)")
    parser.add_argument("--database-url", default="", help="an empty database (default: a new SQLite file)")
    parser.add_argument("--seed", type=int, default=7, help="random seed, for repeatable runs")
    args = parser.parse_args()
    if args.database_url:
        run(args.database_url, args.people, args.queries, args.seed)
        return
    with tempfile.TemporaryDirectory(prefix="disclosure-bench-") as folder:
        run(f"sqlite:///{Path(folder) / 'people.db'}", args.people, args.queries, args.seed)


if __name__ == "__main__":
    main()
