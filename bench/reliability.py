"""Reliability under faults [issue 19; QUALITY.md checks 23 and 24]: `make check-reliability`.

1. kill -9 during a stream of acknowledged writes, many times over. A writer process adds people to the index
   through the service (each an audited unit of work) and prints each one's id once its commit returns (the
   acknowledgement); after a random moment it is killed with SIGKILL, mid-write or between writes. After
   every kill the database is opened again as a restarted service would: SQLite's `PRAGMA integrity_check`
   must say ok, every acknowledged person must be there, and the audit chain must verify.
2. Backup and restore: `disclosure backup` of the result and `disclosure restore` into an empty database,
   timed, with the restore's own verification (counts, file checksums, the audit chain).

Exit 1 if any acknowledged write was lost or any check failed. `--json` keeps the figures for
`docs/RELIABILITY.md`.
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
import threading
import time
import uuid
from pathlib import Path
from typing import Any

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
    """docs/RELIABILITY.md from the figures the runs kept (one JSON per engine)."""
    runs = [json.loads(p.read_text()) for p in sorted(figures_dir.glob("*.json"))]
    if not runs:
        raise SystemExit(f"no figures in {figures_dir}: run `make check-reliability`")
    lines = [
        "# Reliability: faults injected and writes lost",
        "",
        "Regenerated by `make check-reliability` (`bench/reliability.py`); do not edit by hand. QUALITY.md",
        "checks 23 (kill -9 during acknowledged writes) and 24 (backup and restore round trip).",
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
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")


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
