"""Reliability under faults [issue 19; QUALITY.md checks 23 and 24]: `make check-reliability`.

1. kill -9 during a stream of acknowledged writes, many times over. A writer process adds people to the index
   through the service (each an audited unit of work) and prints each one's id once its commit returns (the
   acknowledgement); after a random moment it is killed with SIGKILL, mid-write or between writes. After
   every kill the database is opened again as a restarted service would: SQLite's `PRAGMA integrity_check`
   must say ok, every acknowledged person must be there, and the audit chain must verify.
2. Backup and restore: `disclosure backup` of the result and `disclosure restore` into an empty database,
   timed, with the restore's own verification (counts, file checksums, the audit chain).

Exit 1 if any acknowledged write was lost or any check failed. `--json` keeps the figures for
`docs/RELIABILITY.md`, which `--report` writes from these and from the load check's (bench/load.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from sqlalchemy import make_url, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pages import _user, fresh_postgres, principal
from disclosure import audit, migrations, wiring
from disclosure.accounts.roles import Role
from disclosure.db import create_db_engine, create_session_factory, unit_of_work
from disclosure.people import service as people
from disclosure.people.models import Person
from disclosure.people.service import PersonDetails

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def writer(url: str) -> None:
    """Add people one unit of work at a time, printing each id after its commit, until killed."""
    wiring.connect()
    engine = create_db_engine(url)
    factory = create_session_factory(engine)
    with unit_of_work(factory) as session:
        clerk = principal(_user(session, "reliability-clerk", Role.DATA_ADMINISTRATOR))
    draw = random.Random()
    while True:
        with unit_of_work(factory) as session:
            made = people.create_person(
                session,
                clerk,
                PersonDetails(given_names=f"Writer{draw.randrange(10**6)}", family_name="Reliability"),
            )
            made_id = made.id
        sys.stdout.write(f"{made_id}\n")
        sys.stdout.flush()


def _one_kill(url: str, hold: float) -> list[str]:
    """Start a writer, kill it `hold` seconds after its first acknowledgement; the ids it acknowledged."""
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, __file__, "--writer", url], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    acknowledged: list[str] = []
    first = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if line.endswith("\n"):
                acknowledged.append(line.strip())
                first.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not first.wait(timeout=60):
        process.kill()
        raise SystemExit("the writer acknowledged nothing within a minute")
    time.sleep(hold)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    reader.join(timeout=10)
    return acknowledged


def _check(url: str, acknowledged: set[str]) -> dict[str, Any]:
    """Open the database as a restarted service would, and check it."""
    engine = create_db_engine(url)
    try:
        with create_session_factory(engine)() as session:
            integrity = "ok"
            if url.startswith("sqlite"):
                integrity = str(session.execute(text("PRAGMA integrity_check")).scalar())
            present = {str(i) for i in session.scalars(select(Person.id))}
            chain = audit.verify(session)
    finally:
        engine.dispose()
    lost = {uuid.UUID(a) for a in acknowledged} - {uuid.UUID(p) for p in present}
    return {
        "integrity": integrity,
        "lost": len(lost),
        "chain_intact": chain.intact,
        "events": chain.checked,
        "people": len(present),
    }


def _disclosure(args: list[str], url: str, folder: Path) -> tuple[float, str]:
    env = {
        **os.environ,
        "DISCLOSURE_DATABASE_URL": url,
        "DISCLOSURE_ENVIRONMENT": "development",
        "DISCLOSURE_VAR_DIR": str(folder),
        "DISCLOSURE_ATTACHMENT_DIR": str(folder / "attachments"),
    }
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603
        [str(BIN / "disclosure"), *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"disclosure {' '.join(args)} failed: {done.stdout}{done.stderr}")
    return time.perf_counter() - started, done.stdout.strip()


def _restore_url(url: str, work: Path) -> str:
    if url.startswith("sqlite"):
        return f"sqlite:///{work / 'restored.db'}"
    restored = make_url(url).set(database=f"{make_url(url).database}_restored")
    text_url = restored.render_as_string(hide_password=False)
    fresh_postgres(text_url)
    return text_url


def report(figures_dir: Path, out: Path) -> None:
    """docs/RELIABILITY.md from the figures the runs kept (one JSON per engine and check: faults, load)."""
    kept = [json.loads(p.read_text()) for p in sorted(figures_dir.glob("*.json"))]
    runs = [run for run in kept if run.get("kind") != "load"]
    loads = [run for run in kept if run.get("kind") == "load"]
    if not runs:
        raise SystemExit(f"no figures in {figures_dir}: run `make check-reliability`")
    lines = [
        "# Reliability: faults injected and writes lost, load held, routes and inputs checked",
        "",
        "Regenerated by `make check-reliability` (`bench/reliability.py`, `bench/load.py`); do not edit by",
        "hand. QUALITY.md checks 23 (kill -9 during acknowledged writes) and 24 (backup and restore round",
        "trip), the load held with p50/p95 and errors, routes x roles asserted and the API's bad inputs",
        'tried ("Figures to publish"), each from a run on this machine.',
        "",
        "## Faults",
        "",
        "A writer process adds people through the service, one audited unit of work each, and prints each id",
        "once its commit returns; at a random moment (0.05 to 1.5 s after its first write) it is killed with",
        "SIGKILL. After every kill the database is opened again as a restarted service would and checked:",
        "SQLite's `PRAGMA integrity_check`, every acknowledged person present, the audit chain verified from",
        "its first event. Then `disclosure backup` of the result and `disclosure restore` into an empty",
        "database (which verifies counts, file checksums and the audit chain before it reports success).",
        "",
        "| engine | kills | writes acknowledged | writes lost | integrity failures | audit chain failures "
        "| audit events verified | backup | restore | archive |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {run['engine']} | {run['kills']} | {run['acknowledged']:,} | {run['lost']} | "
        f"{run['integrity_failures']} | {run['chain_failures']} | {run['audit_events_verified']:,} | "
        f"{run['backup_seconds']:.1f} s | {run['restore_seconds']:.1f} s | "
        f"{run['backup_bytes'] / 1e6:.1f} MB |"
        for run in runs
    ]
    lines += ["", "What each restore verified:", ""]
    lines += [f"- {run['engine']}: {run['restore_summary'].split('): ', 1)[-1]}" for run in runs]
    lines += _load_section(loads)
    lines += _checks_section(figures_dir / "checks.xml")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")


LOAD_METHOD = (
    "`bench/load.py` builds a force's data through the service's own verbs (`disclosure demo --scale`), "
    "starts `disclosure serve` on 127.0.0.1 and runs locust headless against it for a bounded time "
    "(`bench/locustfile.py`). The users are the service's groups in a working day, weighted 5:3:1:1:2: data "
    "administrators working the queue, opening cases, logging requests and adding their people; researchers "
    "reading research pages and recording checks; panel members reading agendas; auditors reading the audit "
    "trail; an API integration listing requests and what is waiting. Each waits 1 to 6 seconds between "
    "actions, reads a form before posting it and sends back its CSRF token, as a browser does. Any answer "
    "other than the page (200) or the redirect after a write (303) is an error. Then, with the server "
    "stopped, every write the load test was told succeeded must be in the database with its audit event "
    "(else it counts as missing), and the audit chain must verify from its first event. Times are locust's "
    "(rounded as it keeps them), in milliseconds, on this 2-core machine, which the server, the database "
    "and locust share."
)
WRITES = {"request": "requests logged", "party": "people added to cases", "check": "checks recorded"}


def _load_section(loads: list[dict[str, Any]]) -> list[str]:
    """The load table, what each run wrote, and each request's p50/p95 on each engine."""
    if not loads:
        return []
    lines = [
        "",
        "## Load",
        "",
        *textwrap.wrap(LOAD_METHOD, width=105),
        "",
        "| engine | workers | users | duration | requests | requests/s | p50 | p95 | errors "
        "| writes acknowledged | writes missing | audit chain verified |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {run['engine']} | {run['workers']} | {run['users']} | {run['seconds']} s | {run['requests']:,} | "
        f"{run['per_second']:,.1f} | {run['p50']:,.0f} ms | {run['p95']:,.0f} ms | {run['errors']} | "
        f"{run['acknowledged']:,} | {run['missing']} | "
        f"{'yes' if run['chain_intact'] else '**no**'} ({run['audit_events_verified']:,} events) |"
        for run in loads
    ]
    lines += ["", "What each run was told it wrote (each looked for afterwards, with its audit event):", ""]
    lines += [
        f"- {run['engine']}: "
        + ", ".join(f"{run['acknowledged_by_kind'].get(kind, 0):,} {words}" for kind, words in WRITES.items())
        + f" (over {run['synthetic_requests']:,} synthetic requests)"
        for run in loads
    ]
    names = list(dict.fromkeys(route["name"] for run in loads for route in run["routes"]))
    by_run = [{route["name"]: route for route in run["routes"]} for run in loads]
    lines += [
        "",
        "Each request under that load, p50 / p95 in milliseconds (requests made):",
        "",
        "| request | " + " | ".join(f"{run['engine']}, {run['workers']} worker(s)" for run in loads) + " |",
        "|---|" + "---|" * len(loads),
    ]
    for name in names:
        cells = []
        for routes in by_run:
            route = routes.get(name)
            cells.append(
                f"{route['p50']:,.0f} / {route['p95']:,.0f} ({route['requests']:,})" if route else "-"
            )
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def _properties(tree: ElementTree.ElementTree) -> dict[str, int]:
    """The figures the checks recorded (`record_property`), summed over their test cases."""
    totals: dict[str, int] = {}
    for prop in tree.iter("property"):
        name, value = prop.get("name", ""), prop.get("value", "")
        if value.isdigit():
            totals[name] = totals.get(name, 0) + int(value)
    return totals


CHECKS_METHOD = (
    "From one run of `tests/accounts/test_policy.py` (every registered route and method, sent as anonymous, "
    "as a user whose security code is still to come and as every role, each answer checked against the "
    "policy table) and `tests/test_api_fuzz.py` (schemathesis over the OpenAPI document, as every role and "
    "through its links, every check; derandomised, so each run tries the same cases)."
)


def _checks_section(junit: Path) -> list[str]:
    """Routes x principals asserted (QUALITY.md check 1) and the API's bad inputs tried (check 13), from the
    run of those two tests that `make check-reliability` makes (pytest's JUnit report, on this machine)."""
    if not junit.exists():
        return []
    tree = ElementTree.parse(junit)  # noqa: S314 (pytest's report, written by this run)
    found = _properties(tree)
    suites = list(tree.iter("testsuite"))
    failed = sum(int(suite.get("failures", 0)) + int(suite.get("errors", 0)) for suite in suites)
    pairs = found.get("route_method_pairs_asserted", 0)
    return [
        "",
        "## Checks",
        "",
        *textwrap.wrap(CHECKS_METHOD, width=105),
        "",
        "| check | figure |",
        "|---|---|",
        f"| route and method x principal answers asserted | {pairs:,} |",
        f"| API operation x role pairs fuzzed | {found.get('api_operation_roles', 0):,} |",
        f"| API requests generated and checked (valid and invalid) | {found.get('api_cases', 0):,} |",
        f"| API answers failing a check | {found.get('api_failures', 0):,} |",
        f"| test failures in these checks | {failed} |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writer", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--report", nargs=2, type=Path, metavar=("FIGURES", "OUT"), help="Write the doc.")
    parser.add_argument("--kills", type=int, default=30, help="Times to kill the writer (default 30).")
    parser.add_argument(
        "--database-url", help="PostgreSQL to use (dropped first); default a new SQLite file."
    )
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--json", type=Path, help="Write the figures here.")
    options = parser.parse_args()
    if options.writer:
        writer(options.writer)
        return
    if options.report:
        report(*options.report)
        return
    draw = random.Random(options.seed)
    with tempfile.TemporaryDirectory(prefix="reliability-", dir=ROOT / "var") as scratch:
        work = Path(scratch)
        url = options.database_url or f"sqlite:///{work / 'faults.db'}"
        if not url.startswith("sqlite"):
            fresh_postgres(url)
        migrations.upgrade(url)
        acknowledged: set[str] = set()
        rounds = []
        for n in range(options.kills):
            hold = draw.uniform(0.05, 1.5)
            acknowledged |= set(_one_kill(url, hold))
            found = _check(url, acknowledged)
            rounds.append(found)
            print(
                f"kill {n + 1:>3}/{options.kills} after {hold:.2f} s: {len(acknowledged):,} acknowledged, "
                f"{found['lost']} lost, integrity {found['integrity']}, audit chain "
                f"{'intact' if found['chain_intact'] else 'BROKEN'} ({found['events']:,} events)"
            )
        backup_seconds, backed = _disclosure(["backup", str(work / "backup.tar")], url, work)
        restored_url = _restore_url(url, work)
        restore_seconds, restored = _disclosure(
            ["restore", str(work / "backup.tar")], restored_url, work / "restored"
        )
        print(backed)
        print(restored)
        size = (work / "backup.tar").stat().st_size
    final = rounds[-1]
    figures = {
        "engine": "postgresql" if not url.startswith("sqlite") else "sqlite",
        "kills": options.kills,
        "acknowledged": len(acknowledged),
        "lost": sum(r["lost"] for r in rounds),
        "integrity_failures": sum(1 for r in rounds if r["integrity"] != "ok"),
        "chain_failures": sum(1 for r in rounds if not r["chain_intact"]),
        "audit_events_verified": final["events"],
        "backup_seconds": round(backup_seconds, 2),
        "restore_seconds": round(restore_seconds, 2),
        "backup_bytes": size,
        "restore_summary": restored,
    }
    print(json.dumps(figures, indent=2))
    if options.json:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        options.json.write_text(json.dumps(figures, indent=2) + "\n")
    if figures["lost"] or figures["integrity_failures"] or figures["chain_failures"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
