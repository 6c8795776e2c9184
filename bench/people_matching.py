"""Benchmark: likely-match search in the people index at national scale.

Builds N synthetic people (default 1,000,000) with UK-like name frequencies (a few very common family names,
a long tail of rare ones, common given names, second given names, aliases and previous names, a few accents
and apostrophes), dates of birth and postcodes, bulk-loaded into a fresh database. Then times
`people.service.find_matches` for 200 queries of four kinds (exact, misspelt, by alias, day and month of
birth transposed), twice over (straight after the load, then warm), and prints the insert rate, p50, p95 and
max latency in milliseconds, and how often the intended person was among the matches. It asserts no timings:
it exits non-zero only on an error.

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
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pages import fresh_postgres
from disclosure import migrations
from disclosure.accounts.models import User
from disclosure.audit import SystemActor
from disclosure.db import create_db_engine, create_session_factory, new_id, unit_of_work, utcnow
from disclosure.people import matching, service
from disclosure.people.models import Person, PersonAddress, PersonMatchCard, PersonMatchKey, PersonName
from disclosure.synthetic.population import Drawn, Population, draw_people, misspell

Target = Drawn
"""A person the queries look for."""


def bench_user(engine: Engine) -> uuid.UUID:
    """The user the benchmarks' people are created by; its id."""
    user_id, now = new_id(), utcnow()
    with engine.begin() as connection:
        connection.execute(
            insert(User),
            [
                {
                    "id": user_id,
                    "username": "bench",
                    "display_name": "Benchmark",
                    "email": "bench@example.invalid",
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            ],
        )
    return user_id


def build(engine: Engine, people: int, targets_wanted: int, seed: int) -> tuple[list[Target], float]:
    """Bulk-load the synthetic people; returns the people to look for and the seconds it took."""
    rng = random.Random(seed)
    population = Population(rng)
    creator, now = bench_user(engine), utcnow()
    targets: list[Target] = []
    started = time.perf_counter()
    batch = 25_000
    for offset in range(0, people, batch):
        drawn = draw_people(population, min(batch, people - offset), creator, now)
        targets.extend(d for d in drawn.drawn if rng.random() < targets_wanted / people)
        with engine.begin() as connection:
            connection.execute(insert(Person), drawn.people)
            connection.execute(insert(PersonName), drawn.names)
            connection.execute(insert(PersonAddress), drawn.addresses)
            connection.execute(insert(PersonMatchKey), drawn.keys)
            connection.execute(insert(PersonMatchCard), drawn.cards)
        done = offset + len(drawn.people)
        if done % 200_000 < batch:
            print(f"  {done:>9,} people loaded ({done / (time.perf_counter() - started):,.0f} people/s)")
    return targets, time.perf_counter() - started


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
            for table in (
                "people",
                "person_names",
                "person_addresses",
                "person_match_keys",
                "person_match_cards",
            ):
                connection.execute(text(f"ANALYZE {table}"))
    rows = people + names + addresses
    print(
        f"Loaded {people:,} people, {names:,} names, {addresses:,} addresses in {seconds:.1f} s: "
        f"{people / seconds:,.0f} people/s, {rows / seconds:,.0f} rows/s"
    )

    factory = create_session_factory(engine)
    actor = SystemActor(label="benchmark")
    searches = list(queries(targets, random.Random(seed + 1), query_count))
    # Twice over: straight after the bulk load the database's pages are still on their way into memory;
    # the second pass is a running server's steady state.
    for label in ("straight after the load", "again, warm"):
        timings: dict[str, list[float]] = {}
        found: dict[str, int] = {}
        for kind, target, fields in searches:
            details = service.details_from_form(fields)
            with unit_of_work(factory) as session:
                started = time.perf_counter()
                matches = service.find_matches(session, actor, details)
                timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
            found[kind] = found.get(kind, 0) + any(m.person_id == target.person_id for m in matches)
        everything = sorted(t for times in timings.values() for t in times)
        print(
            f"find_matches over {people:,} people, {len(everything)} queries "
            f"(each with its audit event), {label}:"
        )
        print(summary_line("all", everything, sum(found.values())))
        for kind, times in timings.items():
            print(summary_line(kind, sorted(times), found[kind]))
    engine.dispose()


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
    parser.add_argument(
        "--recreate",
        action="store_true",
        help="drop and make again the PostgreSQL database given first (as make bench does)",
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed, for repeatable runs")
    args = parser.parse_args()
    if args.recreate and args.database_url.startswith("postgresql"):
        fresh_postgres(args.database_url)
    if args.database_url:
        run(args.database_url, args.people, args.queries, args.seed)
        return
    with tempfile.TemporaryDirectory(prefix="disclosure-bench-") as folder:
        run(f"sqlite:///{Path(folder) / 'people.db'}", args.people, args.queries, args.seed)


if __name__ == "__main__":
    main()
