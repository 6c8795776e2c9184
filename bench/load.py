"""Load held and every acknowledged write kept [issue 19, QUALITY.md figures]: `make check-reliability`.

1. Builds a force's worth of synthetic data through the service's own verbs (`disclosure demo --scale N`, as
   bench/pages.py does), signs in the staff (a session or an API token each, straight in the database, as
   bench/pages.py does) and starts the real server (`disclosure serve`, W workers) on 127.0.0.1.
2. Runs locust headless against it, bounded in users and seconds (bench/locustfile.py: data administrators
   working the queue, opening cases, logging requests and adding their people; researchers reading research
   pages and recording checks; panel members reading agendas; auditors reading the audit trail; an API
   integration listing requests and what is waiting). Locust runs from its own environment (.tools/locust) as
   a subprocess; this script keeps its figures: requests, requests a second, p50, p95 and errors.
3. Stops the server and reconciles: every write the load test was told succeeded (a 303 to the record) must be
   in the database with its audit event, and the audit chain must verify from its first event.

Exit 1 on any error answer, any acknowledged write missing, a broken chain, or a run that wrote nothing.
`--json` keeps the figures (and locust's CSVs beside them) for `bench/reliability.py --report`.

    python bench/load.py --locust .tools/locust/bin/locust --users 24 --seconds 60
    python bench/load.py --locust .tools/locust/bin/locust --workers 4 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/disclosure_bench_load
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pages import BIN, ROOT, _env, _free_port, generate, sign_in
from disclosure import audit
from disclosure.accounts.models import User
from disclosure.auth import SESSION_COOKIE
from disclosure.db import create_db_engine, create_session_factory, utcnow
from disclosure.decisions.models import PanelMeeting
from disclosure.people.models import PersonName
from disclosure.requests.models import CaseParty, DisclosureRequest
from disclosure.requests.workflow import RequestStatus
from disclosure.research.models import Check, ResearchPackage
from disclosure.research.service.checks import check_types
from disclosure.research.workflow import EDITABLE_STATUSES

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"


def build_plan(url: str, acknowledged: Path) -> dict[str, Any]:
    """What the locust users need: signed-in sessions and a token, and the records each group works on."""
    cookies, tokens, _ = sign_in(url)
    engine = create_db_engine(url)
    try:
        with create_session_factory(engine).begin() as session:

            def user(username: str) -> User:
                found = session.scalar(select(User).where(User.username == username))
                assert found is not None, username
                return found

            clerk, researcher, chair = (
                user("synthetic-clerk-1"),
                user("synthetic-researcher-1"),
                user("synthetic-chair"),
            )
            cases = session.scalars(
                select(DisclosureRequest.id)
                .where(DisclosureRequest.closed_at.is_(None), DisclosureRequest.created_by_id == clerk.id)
                .order_by(DisclosureRequest.first_contact_at.desc())
                .limit(40)
            ).all()
            # Cases a researcher may still record checks on: in research, with no package yet or a draft one.
            researching = session.scalars(
                select(DisclosureRequest)
                .outerjoin(ResearchPackage, ResearchPackage.request_id == DisclosureRequest.id)
                .where(
                    DisclosureRequest.status == RequestStatus.IN_RESEARCH.value,
                    DisclosureRequest.assignee_id == researcher.id,
                    DisclosureRequest.closed_at.is_(None),
                    ResearchPackage.id.is_(None)
                    | ResearchPackage.status.in_([s.value for s in EDITABLE_STATUSES]),
                )
                .limit(20)
            ).all()
            research = [
                {"id": str(case.id), "check_types": [str(t.id) for t in check_types(session, case.scheme)]}
                for case in researching
            ]
            meetings = session.scalars(
                select(PanelMeeting.id)
                .where(PanelMeeting.chair_id == chair.id)
                .order_by(PanelMeeting.meets_at.desc())
                .limit(10)
            ).all()
    finally:
        engine.dispose()
    if not (cases and research and meetings and all(r["check_types"] for r in research)):
        raise SystemExit(
            f"the data is too small for the mix: {len(cases)} open cases, {len(research)} in research, "
            f"{len(meetings)} meetings (raise --requests)"
        )
    return {
        "session_cookie": SESSION_COOKIE,
        "cookies": cookies,
        "tokens": tokens,
        "cases": [str(c) for c in cases],
        "research": research,
        "meetings": [str(m) for m in meetings],
        "receiving_force": "Testshire Police",
        "acknowledged": str(acknowledged),
    }


@contextlib.contextmanager
def serve(url: str, workers: int, log: Path) -> Iterator[str]:
    """`disclosure serve` on a free port of 127.0.0.1, as bench/pages.py starts it; its address once
    /healthz answers, and stopped on leaving."""
    port = _free_port()
    with log.open("w") as output:
        server = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "disclosure"),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            env=_env(url),
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            else:
                raise SystemExit(f"the server did not answer /healthz within two minutes (see {log})")
            yield base
        finally:
            server.terminate()
            server.wait(timeout=30)


def run_locust(
    locust: Path, base: str, plan: Path, csv_prefix: Path, users: int, spawn: float, seconds: int
) -> None:
    """Locust, headless and bounded; its figures go to `csv_prefix`_stats.csv and _failures.csv."""
    subprocess.run(  # noqa: S603
        [
            str(locust),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(spawn),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--host",
            base,
            "--csv",
            str(csv_prefix),
            "--only-summary",
        ],
        env={**os.environ, "LOAD_PLAN": str(plan)},
        cwd=ROOT,
        check=False,  # locust exits 1 when any request failed: the figures below say which
        timeout=seconds + 120,
    )


def _number(value: str) -> float:
    return float(value) if value not in ("", "N/A") else 0.0


def read_stats(csv_prefix: Path) -> dict[str, Any]:
    """Locust's totals and each request's, from its CSVs."""
    rows = list(csv.DictReader(csv_prefix.with_name(csv_prefix.name + "_stats.csv").open()))
    routes = [
        {
            "name": row["Name"],
            "method": row["Type"],
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50": _number(row["50%"]),
            "p95": _number(row["95%"]),
        }
        for row in rows
        if row["Name"] != "Aggregated"
    ]
    total = next(row for row in rows if row["Name"] == "Aggregated")
    failures_file = csv_prefix.with_name(csv_prefix.name + "_failures.csv")
    failures = list(csv.DictReader(failures_file.open())) if failures_file.exists() else []
    # An exception inside a user's task is no failed request in locust's figures, but the load test did not
    # do what it says: it counts as an error too.
    exceptions_file = csv_prefix.with_name(csv_prefix.name + "_exceptions.csv")
    exceptions = list(csv.DictReader(exceptions_file.open())) if exceptions_file.exists() else []
    raised = sum(int(e["Count"]) for e in exceptions)
    return {
        "requests": int(total["Request Count"]),
        "errors": int(total["Failure Count"]) + raised,
        "failed_requests": int(total["Failure Count"]),
        "task_exceptions": raised,
        "per_second": round(_number(total["Requests/s"]), 1),
        "p50": _number(total["50%"]),
        "p95": _number(total["95%"]),
        "failures": [
            f"{f['Method']} {f['Name']}: {f['Error']} ({f['Occurrences']} times)" for f in failures[:20]
        ]
        + [f"a task raised ({e['Count']} times): {e['Message']}\n{e['Traceback']}" for e in exceptions[:5]],
        "routes": routes,
    }


def reconcile(url: str, acknowledged: list[dict[str, Any]]) -> dict[str, Any]:
    """Every acknowledged write in the database, each with its audit event, and the whole audit chain."""
    engine = create_db_engine(url)
    missing_rows: list[dict[str, Any]] = []
    unaudited: list[dict[str, Any]] = []
    try:
        with create_session_factory(engine)() as session:

            def events(action: str, object_id: object) -> list[dict[str, Any]]:
                return [
                    json.loads(details)
                    for details in session.scalars(
                        select(audit.AuditEvent.details).where(
                            audit.AuditEvent.action == action, audit.AuditEvent.object_id == str(object_id)
                        )
                    )
                ]

            for write in acknowledged:
                request_id = uuid.UUID(write["request_id"])
                if write["kind"] == "request":
                    found = session.scalar(
                        select(DisclosureRequest.id).where(
                            DisclosureRequest.id == request_id,
                            DisclosureRequest.police_reference == write["police_reference"],
                        )
                    )
                    audited = found is not None and bool(events("request.log", request_id))
                elif write["kind"] == "party":
                    people = dict(
                        session.execute(
                            select(CaseParty.role, CaseParty.person_id)
                            .join(PersonName, PersonName.person_id == CaseParty.person_id)
                            .where(
                                CaseParty.request_id == request_id,
                                CaseParty.role.in_(write["roles"]),
                                PersonName.kind == "primary",
                                PersonName.given_names == write["given_names"],
                                PersonName.family_name == write["family_name"],
                            )
                        ).all()
                    )
                    found = people if set(people) == set(write["roles"]) else None
                    logged = {
                        (e.get("role"), e.get("person")) for e in events("request.add_party", request_id)
                    }
                    audited = found is not None and all((r, str(p)) in logged for r, p in people.items())
                else:
                    found = session.scalar(
                        select(Check.id).where(
                            Check.request_id == request_id, Check.reference == write["reference"]
                        )
                    )
                    audited = found is not None and bool(events("research.check.record", found))
                if found is None:
                    missing_rows.append(write)
                elif not audited:
                    unaudited.append(write)
            chain = audit.verify(session)
    finally:
        engine.dispose()
    return {
        "acknowledged": len(acknowledged),
        "acknowledged_by_kind": dict(Counter(w["kind"] for w in acknowledged)),
        "missing": len(missing_rows) + len(unaudited),
        "missing_rows": len(missing_rows),
        "unaudited": len(unaudited),
        "missing_examples": (missing_rows + unaudited)[:10],
        "chain_intact": chain.intact,
        "audit_events_verified": chain.checked,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--locust", type=Path, required=True, help="The locust command (.tools/locust/bin/locust)."
    )
    parser.add_argument("--users", type=int, default=24, help="Simulated users at once (default 24).")
    parser.add_argument("--spawn-rate", type=float, default=4, help="Users started a second (default 4).")
    parser.add_argument("--seconds", type=int, default=60, help="How long the load runs (default 60).")
    parser.add_argument("--workers", type=int, default=1, help="Server worker processes (default 1).")
    parser.add_argument(
        "--requests", type=int, default=2000, help="Synthetic requests to build (default 2,000)."
    )
    parser.add_argument("--years", type=float, default=2, help="Spread over (default 2 years).")
    parser.add_argument(
        "--database-url", default="", help="PostgreSQL to use (dropped first); default a new SQLite file."
    )
    parser.add_argument("--json", type=Path, help="Keep the figures here, and locust's CSVs beside it.")
    options = parser.parse_args()
    (ROOT / "var").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="load-", dir=ROOT / "var") as scratch:
        work = Path(scratch)
        url = options.database_url or f"sqlite:///{work / 'load.db'}"
        engine = "postgresql" if url.startswith("postgresql") else "sqlite"
        print(
            f"load on {engine}, {options.workers} worker(s): {options.users} users for {options.seconds} s "
            f"over {options.requests:,} synthetic requests",
            flush=True,
        )
        generate(url, options.requests, options.years)
        acknowledged_file = work / "acknowledged.json"
        plan_file = work / "plan.json"
        plan_file.write_text(json.dumps(build_plan(url, acknowledged_file)))
        csv_prefix = options.json.with_suffix("") if options.json else work / "locust"
        csv_prefix.parent.mkdir(parents=True, exist_ok=True)
        server_log = work / "server.log"
        with serve(url, options.workers, server_log) as base:
            run_locust(
                options.locust,
                base,
                plan_file,
                csv_prefix,
                options.users,
                options.spawn_rate,
                options.seconds,
            )
        stats = read_stats(csv_prefix)
        acknowledged = json.loads(acknowledged_file.read_text()) if acknowledged_file.exists() else []
        found = reconcile(url, acknowledged)
        if stats["errors"]:
            print("".join(server_log.read_text().splitlines(keepends=True)[-60:]))
        with create_db_engine(url).connect() as connection:
            version = connection.execute(
                text("SHOW server_version" if engine == "postgresql" else "SELECT sqlite_version()")
            ).scalar_one()
    figures = {
        "kind": "load",
        "engine": engine,
        "workers": options.workers,
        "users": options.users,
        "spawn_rate": options.spawn_rate,
        "seconds": options.seconds,
        "synthetic_requests": options.requests,
        **{k: v for k, v in stats.items() if k != "routes"},
        **found,
        "routes": stats["routes"],
        "engine_version": version,
        "python": platform.python_version(),
        "at": utcnow().isoformat(timespec="seconds"),
    }
    print(
        f"  {figures['requests']:,} requests, {figures['per_second']:,.1f}/s, p50 {figures['p50']:.0f} ms, "
        f"p95 {figures['p95']:.0f} ms, {figures['errors']} errors; {figures['acknowledged']:,} writes "
        f"acknowledged ({figures['acknowledged_by_kind']}), {figures['missing']} missing; audit chain "
        f"{'verified' if figures['chain_intact'] else 'BROKEN'} ({figures['audit_events_verified']:,} events)"
    )
    for failure in figures["failures"]:
        print(f"    {failure}")
    for write in figures["missing_examples"]:
        print(f"    missing: {write}")
    if options.json:
        options.json.write_text(json.dumps(figures, indent=2) + "\n")
    if figures["errors"] or figures["missing"] or not figures["chain_intact"] or not figures["acknowledged"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
