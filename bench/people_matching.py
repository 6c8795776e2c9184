"""Benchmark: duplicate detection in the people index at national scale.

Builds N synthetic people (default 1,000,000) with realistic UK name frequencies, aliases, dates of birth and
postcodes in a fresh database, then times `find_matches` for queries of four kinds (exact, misspelt, alias,
transposed date of birth) and reports p50, p95 and max latency, and how often the intended person was found.

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
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from disclosure import migrations
from disclosure.accounts.models import User
from disclosure.audit import SystemActor
from disclosure.db import create_db_engine, create_session_factory, new_id, unit_of_work, utcnow
from disclosure.people import matching, service
from disclosure.people.models import Person, PersonAddress, PersonName

FAMILY = ["Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox", "Richards", "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh", "Begum", "Wilkinson", "Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason", "Ali", "Hunt", "Hussain", "Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills", "Barnes", "Knight", "Lloyd", "Butler", "Russell", "Barker", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon", "Harvey", "Graham", "Pearson", "Ahmed", "Fletcher", "Walsh", "Kaur", "Gibson", "Howard", "Andrews", "Stewart", "Elliott", "Reynolds", "Saunders", "Payne", "Fox", "Ford", "Pearce", "Day", "Brooks", "West", "Lawrence", "Cole", "Atkinson", "Bradley", "Spencer", "Gill", "Dawson", "Ball", "Burton", "OBrien", "Watts", "Rose", "Booth", "Perry", "Ryan", "Grant", "Wells", "Armstrong", "Francis", "Rees", "Hayes", "Hart", "Hudson", "Newman", "Barrett", "Webster", "Hunter", "Gregory", "Carr", "Lowe", "Page", "Marsh", "Riley", "Dunn", "Woods", "Parsons", "Berry", "Stone", "Reid", "Holland", "Hawkins", "Harding", "Porter", "Robertson", "Newton", "Oliver", "Reed", "Kennedy", "Williamson", "Bird", "Gardner", "Shah", "Dean", "Lane", "Cooke", "Bates", "Henderson", "Parry", "Burgess", "Bishop", "Walton", "Burns", "Nicholson", "Shepherd", "Ross", "Cross", "Long", "Freeman", "Warren", "Nicholls", "Hamilton", "Byrne", "Sutton", "McDonald", "Yates", "Hodgson", "Robson", "Curtis", "Hopkins", "OConnor", "Harper", "Coleman", "Watkins", "Moss", "McCarthy", "Chambers", "ONeill", "Griffin", "Sharp", "Hardy", "Wheeler", "Potter", "Osborne", "Johnston", "Gordon", "Doyle", "Wallace", "George", "Jordan", "Hutchinson", "Rowe", "Burke", "May", "Pritchard", "Gilbert", "Willis", "Higgins", "Read", "Miles", "Stevenson", "Stephenson", "Hammond", "Arnold", "Buckley", "Walters", "Hewitt", "Barber", "Nelson", "Slater", "Austin", "Sullivan", "Whitehead", "Mann", "Frost", "Lambert", "Stephens", "Blake", "Akhtar", "Lynch", "Goodwin", "Barton", "Woodward", "Thomson", "Cunningham", "Quinn", "Barnett", "Baxter", "Bibi", "Clayton", "Nash", "Greenwood", "Jennings", "Holt", "Kemp", "Poole", "Gallagher", "Bond", "Stokes", "Tucker", "Davidson", "Fowler", "Heath", "Norman", "Middleton", "Lawson", "Banks", "French", "Stanley", "Jarvis", "Gibbs", "Ferguson", "Hayward", "Carroll", "Douglas", "Dickinson", "Todd", "Barlow", "Peters", "Lucas", "Knowles", "Hartley", "Miah", "Simmons", "Morton", "Alexander", "Field", "Morrison", "Norris", "Townsend", "Preston", "Hancock", "Thornton", "Baldwin", "Burrows", "Briggs", "Storey", "Pickering", "Dobson", "Rahman", "Nowak", "Kowalski", "Wojcik", "Popescu", "Oyelaran", "Okafor", "Mensah", "Nguyen"]
GIVEN = ["Oliver", "George", "Harry", "Jack", "Jacob", "Noah", "Charlie", "Muhammad", "Thomas", "Oscar", "William", "James", "Leo", "Alfie", "Henry", "Joshua", "Freddie", "Archie", "Ethan", "Isaac", "Alexander", "Joseph", "Edward", "Samuel", "Max", "Daniel", "Arthur", "Lucas", "Mohammed", "Logan", "Olivia", "Amelia", "Isla", "Ava", "Emily", "Isabella", "Mia", "Poppy", "Ella", "Lily", "Sophia", "Grace", "Evie", "Sophie", "Jessica", "Scarlett", "Chloe", "Ruby", "Daisy", "Freya", "Charlotte", "Alice", "Phoebe", "Florence", "Sienna", "Matilda", "Ivy", "Sarah", "Emma", "Laura", "Rebecca", "Hannah", "Rachel", "Michael", "David", "John", "Paul", "Mark", "Andrew", "Richard", "Robert", "Christopher", "Stephen", "Peter", "Anthony", "Kevin", "Gary", "Jason", "Lee", "Ian", "Craig", "Darren", "Stuart", "Wayne", "Dean", "Susan", "Karen", "Julie", "Helen", "Lisa", "Claire", "Nicola", "Joanne", "Amanda", "Tracey", "Michelle", "Kelly", "Louise", "Donna", "Dawn", "Priya", "Aisha", "Fatima", "Ayesha", "Zainab", "Amir", "Omar", "Ali", "Hassan", "Bilal", "Siobhan", "Niamh", "Ciaran", "Declan", "Aoife", "Rhys", "Dylan", "Gareth", "Cerys", "Megan", "Catherine", "Kathryn", "Jon", "Jonathan", "Mohamed"]
POSTCODE_AREAS = (
    ["LS", "M", "B", "L", "S", "E", "N", "SW", "SE", "NW", "W", "EC", "WC", "CF", "SA", "NP", "G", "EH", "AB", "BT", "BS", "OX", "CB", "NE", "SR", "DH", "YO", "HU", "DN", "NG", "LE", "CV"]
)
_KEYS: dict[str, tuple[str, str]] = {}


def keys(word: str) -> tuple[str, str]:
    if word not in _KEYS:
        _KEYS[word] = matching.phonetic_keys(word)
    return _KEYS[word]


def zipf_choice(rng: random.Random, words: list[str]) -> str:
    """Common names are much commoner: rank r drawn with weight 1/r."""
    index = min(int(rng.paretovariate(1.1)) - 1, len(words) - 1)
    return words[index] if rng.random() < 0.85 else rng.choice(words)


def build(url: str, people: int, seed: int = 7) -> list[dict[str, object]]:
    """Bulk-load synthetic people; returns a sample of them to query for."""
    rng = random.Random(seed)
    engine = create_db_engine(url)
    creator = new_id()
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
                    "created_at": utcnow(),
                    "updated_at": utcnow(),
                }
            ],
        )
    sample: list[dict[str, object]] = []
    batch = 20_000
    started = time.perf_counter()
    now = utcnow()
    for offset in range(0, people, batch):
        person_rows, name_rows, address_rows = [], [], []
        for _ in range(min(batch, people - offset)):
            pid = uuid.uuid4()
            dob = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 70))
            given, family = zipf_choice(rng, GIVEN), zipf_choice(rng, FAMILY)
            person_rows.append(
                {
                    "id": pid,
                    "date_of_birth": dob,
                    "dob_swapped": matching.swapped(dob),
                    "created_by_id": creator,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            names = [("primary", given, family)]
            if rng.random() < 0.1:
                names.append(("alias", zipf_choice(rng, GIVEN), zipf_choice(rng, FAMILY)))
            for kind, g, f in names:
                k1, k2 = keys(f)
                name_rows.append(
                    {
                        "id": uuid.uuid4(),
                        "person_id": pid,
                        "kind": kind,
                        "given_names": g,
                        "family_name": f,
                        "normalised": f"{g} {f}".lower(),
                        "family_key1": k1,
                        "family_key2": k2,
                        "given_key1": keys(g)[0],
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            postcode = ""
            if rng.random() < 0.5:
                postcode = f"{rng.choice(POSTCODE_AREAS)}{rng.randint(1, 20)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
                address_rows.append(
                    {
                        "id": uuid.uuid4(),
                        "person_id": pid,
                        "line_1": "1 High Street",
                        "line_2": "",
                        "town": "",
                        "postcode": postcode,
                        "current": True,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            if rng.random() < 200 / people:
                sample.append(
                    {
                        "id": pid,
                        "given": given,
                        "family": family,
                        "dob": dob,
                        "postcode": postcode,
                        "alias": names[1] if len(names) > 1 else None,
                    }
                )
        with engine.begin() as connection:
            connection.execute(insert(Person), person_rows)
            connection.execute(insert(PersonName), name_rows)
            if address_rows:
                connection.execute(insert(PersonAddress), address_rows)
    elapsed = time.perf_counter() - started
    print(f"loaded {people:,} people in {elapsed:.1f} s ({people / elapsed:,.0f} people/s)")
    engine.dispose()
    return sample


def misspell(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def query_cases(
    sample: list[dict[str, object]], rng: random.Random
) -> list[tuple[str, object, dict[str, str]]]:
    cases = []
    for person in sample:
        dob: date = person["dob"]  # type: ignore[assignment]
        base = {
            "given_names": str(person["given"]),
            "family_name": str(person["family"]),
            "date_of_birth": dob.isoformat(),
        }
        cases.append(("exact", person["id"], base))
        cases.append(
            ("misspelt", person["id"], {**base, "family_name": misspell(rng, str(person["family"]))})
        )
        swapped = matching.swapped(dob)
        if swapped:
            cases.append(("transposed date", person["id"], {**base, "date_of_birth": swapped.isoformat()}))
        if person["alias"]:
            _, g, f = person["alias"]  # type: ignore[misc]
            cases.append(
                (
                    "alias",
                    person["id"],
                    {"given_names": g, "family_name": f, "date_of_birth": dob.isoformat()},
                )
            )
    return cases


def run(url: str, people: int, queries: int) -> None:
    migrations.upgrade(url)
    sample = build(url, people)
    rng = random.Random(11)
    cases = query_cases(sample, rng)[:queries]
    engine = create_db_engine(url)
    factory = create_session_factory(engine)
    actor = SystemActor(label="bench")
    timings: dict[str, list[float]] = {}
    found: dict[str, int] = {}
    for kind, person_id, values in cases:
        with unit_of_work(factory) as session:
            details = service.details_from_form(values)
            started = time.perf_counter()
            matches = service.find_matches(session, actor, details)
            timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
            found[kind] = found.get(kind, 0) + any(m.person_id == person_id for m in matches)
    engine.dispose()
    everything = sorted(t for ts in timings.values() for t in ts)
    print(f"find_matches over {people:,} people, {len(everything)} queries:")
    print(
        f"  all: p50 {statistics.median(everything):.1f} ms, p95 {everything[int(len(everything) * 0.95) - 1]:.1f} ms, "
        f"max {everything[-1]:.1f} ms"
    )
    for kind, values in timings.items():
        values.sort()
        print(
            f"  {kind:16} n={len(values):3}  p50 {statistics.median(values):6.1f} ms  "
            f"p95 {values[max(0, int(len(values) * 0.95) - 1)]:6.1f} ms  found {found[kind]}/{len(values)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    if args.database_url:
        run(args.database_url, args.people, args.queries)
        return
    with tempfile.TemporaryDirectory(prefix="disclosure-bench-") as tmp:
        run(f"sqlite:///{Path(tmp) / 'bench.db'}", args.people, args.queries)


if __name__ == "__main__":
    main()
