"""Benchmark: importing the police missing-person feed.

Builds a people index of N synthetic people (default 100,000, with the people benchmark's UK-like names),
then writes a feed of R rows (default 100,000) about P distinct people (default 17,000: about six episodes
each, as 70,250 episodes by 11,530 looked-after children in England in 2017/18 [CYPNow]). Of those people
70% are already in the index as recorded, 10% are in it but the feed misspells their family name, and 20%
are new. Episodes are spread over two years; those older than three days are closed with a return. It then
times `feed.run_import` on the file (batches
committed as the server does), the same file again (idempotent: nothing changes), and prints rows per
second, peak memory and what happened to every row. It asserts no timings: it exits non-zero only on an
error or a row not accounted for.

    python bench/missing_import.py
    python bench/missing_import.py --rows 100000 --database-url postgresql+psycopg://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import resource
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import people_matching

from disclosure import migrations
from disclosure.accounts.models import User, UserRole
from disclosure.audit import SystemActor
from disclosure.db import create_db_engine, create_session_factory, new_id, utcnow
from disclosure.missing import feed
from disclosure.missing.models import Episode, PendingMatch
from disclosure.people.models import Person
from disclosure.synthetic.population import Population, misspell


def write_feed(targets: list[people_matching.Target], rows: int, distinct: int, seed: int) -> bytes:
    rng = random.Random(seed)
    population = Population(rng)
    people: list[tuple[str, str, str, str]] = []
    for n in range(distinct):
        roll = rng.random()
        if roll < 0.8 and targets:
            target = targets[n % len(targets)]
            family = misspell(rng, target.family) if roll >= 0.7 else target.family
            people.append((target.given, family, target.born.isoformat(), target.postcode))
        else:
            born = utcnow().date() - timedelta(days=rng.randrange(365 * 11, 365 * 17))
            people.append((population.given(), population.family(), born.isoformat(), population.postcode()))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(feed.FIELDS)
    now = utcnow()
    for n in range(rows):
        given, family, born, postcode = people[rng.randrange(distinct)]
        reported = now - timedelta(minutes=rng.randrange(60, 60 * 24 * 730))
        returned = reported + timedelta(minutes=rng.randrange(30, 60 * 72))
        # Still missing: about one in ten of the episodes reported in the last three days.
        closed = reported < now - timedelta(days=3) or rng.random() < 0.9
        values = {
            "police_reference": f"MP/{n:07d}",
            "given_names": given,
            "family_name": family,
            "date_of_birth": born,
            "postcode": postcode,
            "care_status": rng.choice(("looked_after", "looked_after", "none", "cp_plan", "care_leaver")),
            "placing_authority": "childrens-social-care",
            "reported_at": reported.strftime("%Y-%m-%d %H:%M"),
            "reported_by": "Care home staff",
            "last_seen_place": "Town centre",
            "risk_level": rng.choice(("no_apparent_risk", "low", "medium", "medium", "high")),
            "risk_factors": rng.choice(("", "", "exploitation", "mental_health;self_harm")),
            "returned_at": returned.strftime("%Y-%m-%d %H:%M") if closed and returned < now else "",
            "return_place": "Home" if closed else "",
            "safe_and_well": "completed" if closed else "",
        }
        if not values["returned_at"]:
            values["return_place"] = values["safe_and_well"] = ""
        writer.writerow([values.get(name, "") for name in feed.FIELDS])
    return out.getvalue().encode()


def run(url: str, people: int, rows: int, distinct: int, seed: int) -> None:
    migrations.upgrade(url)
    engine = create_db_engine(url)
    with engine.connect() as connection:
        if connection.execute(select(func.count()).select_from(Person)).scalar_one():
            raise SystemExit(f"{url} already holds people: give the benchmark an empty database")
    print(f"Loading {people:,} synthetic people into {engine.url.render_as_string(hide_password=True)}")
    targets, seconds = people_matching.build(engine, people, targets_wanted=distinct, seed=seed)
    print(f"  index built in {seconds:.1f} s")
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            for table in ("people", "person_names", "person_addresses"):
                connection.execute(text(f"ANALYZE {table}"))
    user_id, now = new_id(), utcnow()
    with engine.begin() as connection:
        connection.execute(
            insert(User),
            [
                {
                    "id": user_id,
                    "username": "mash",
                    "display_name": "MASH",
                    "email": "mash@example.invalid",
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            ],
        )
        connection.execute(insert(UserRole), [{"user_id": user_id, "role": "data_administrator"}])
    data = write_feed(targets, rows, distinct, seed + 1)
    print(f"Feed: {rows:,} rows about {distinct:,} people, {len(data) / 1e6:.1f} MB")
    actor = SystemActor(label="benchmark", user_id=user_id)
    factory = create_session_factory(engine)
    for label in ("first import", "same file again"):
        with factory() as session:
            started = time.perf_counter()
            record = feed.start_import(session, actor, filename="bench.csv", data=data, layout=feed.Layout())
            outcome = feed.run_import(session, actor, record, data, feed.Layout(), commit=session.commit)
            elapsed = time.perf_counter() - started
        accounted = outcome.loaded + outcome.updated + outcome.unchanged + outcome.rejected
        print(
            f"  {label:16} {elapsed:6.1f} s  {rows / elapsed:8,.0f} rows/s  loaded {outcome.loaded:,} "
            f"(to confirm {outcome.to_confirm:,}), closed {outcome.updated:,}, "
            f"unchanged {outcome.unchanged:,}, "
            f"refused {outcome.rejected:,}, new people {outcome.people_created:,}"
        )
        if accounted != outcome.total or outcome.total != rows:
            raise SystemExit(f"rows not accounted for: {accounted} of {outcome.total} ({rows} written)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with engine.connect() as connection:
        episodes = connection.execute(select(func.count()).select_from(Episode)).scalar_one()
        pending = connection.execute(select(func.count()).select_from(PendingMatch)).scalar_one()
    print(f"  {episodes:,} episodes stored, {pending:,} people to confirm; peak memory {peak:,.0f} MB")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000, help="people in the index (100,000)")
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the feed (100,000)")
    parser.add_argument("--distinct", type=int, default=17_000, help="distinct people in the feed (17,000)")
    parser.add_argument("--database-url", default="", help="an empty database (default: a new SQLite file)")
    parser.add_argument("--seed", type=int, default=11, help="random seed, for repeatable runs")
    args = parser.parse_args()
    if args.database_url:
        run(args.database_url, args.people, args.rows, args.distinct, args.seed)
        return
    with tempfile.TemporaryDirectory(prefix="disclosure-bench-") as folder:
        run(f"sqlite:///{folder}/missing.db", args.people, args.rows, args.distinct, args.seed)


if __name__ == "__main__":
    main()
