"""Benchmark: every page and API list a user waits for, at a force's size and at the country's [issue 17].

Builds a fresh database of N synthetic requests with `disclosure demo --scale N` (timed), starts the real
server (`disclosure serve`, W workers) on it, signs in the synthetic staff (a session or an API token each,
straight in the database: the sign-in journey has its own tests), then requests every route R times in
turn, one at a time, and prints p50 and p95 in milliseconds beside the cheapest route measured in the same
run (`/healthz`), so each figure is also a ratio; then the server's memory (RSS now and at its peak, over
all its processes). `--json FILE` keeps the figures for `bench/performance.py`, which writes
docs/PERFORMANCE.md. It asserts no timings: it exits non-zero only when a route answers other than 200.

    python bench/pages.py --requests 10000
    python bench/pages.py --requests 300000 --years 1 --json var/bench/sqlite-national.json
    python bench/pages.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench --workers 4

A PostgreSQL database named by `--database-url` is dropped and made again first (unless `--reuse`). With
`--mix S`, the same routes are then requested by several clients at once (two per worker) for S seconds, in a
shuffled mix: every answer must be a 200, and the throughput and p95 under load are kept too.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import make_url, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from disclosure.accounts.models import User, UserRole, UserSession
from disclosure.accounts.roles import Role
from disclosure.accounts.service.administration import issue_api_token
from disclosure.accounts.service.common import token_hash
from disclosure.auth import SESSION_COOKIE, Principal
from disclosure.db import create_db_engine, create_session_factory, utcnow
from disclosure.decisions.models import PanelMeeting
from disclosure.missing.models import Episode
from disclosure.people.models import PersonName
from disclosure.reports.periods import FinancialYear, containing
from disclosure.requests.models import CaseParty, DisclosureRequest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass
class Figure:
    route: str
    path: str
    p50: float
    p95: float


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DISCLOSURE_DATABASE_URL": url,
        "DISCLOSURE_ENVIRONMENT": "development",
        "DISCLOSURE_SECRET_KEY": secrets.token_urlsafe(32),
    }


def run_command(args: list[str], url: str) -> float:
    started = time.perf_counter()
    subprocess.run([str(BIN / "disclosure"), *args], check=True, env=_env(url), cwd=ROOT)  # noqa: S603
    return time.perf_counter() - started


def fresh_postgres(url: str) -> None:
    """Drop and make again the benchmark's PostgreSQL database (through the server's `postgres` one)."""
    target = make_url(url)
    name = target.database
    if not name or name == "postgres":
        raise SystemExit("give the benchmark a PostgreSQL database of its own: it is dropped first")
    admin = create_db_engine(target.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def _user(session: Any, username: str, role: Role) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(username=username, display_name=username, email=f"{username}@example.invalid")
        user.roles = [UserRole(role=role.value)]
        session.add(user)
        session.flush()
    return user


def principal(user: User) -> Principal:
    return Principal(user.id, user.username, user.display_name, user.role_set, session_id=None)


def sign_in(url: str) -> tuple[dict[str, str], dict[str, str], dict[str, Any]]:
    """Session cookies and API tokens for the readers, and the records the routes open."""
    engine = create_db_engine(url)
    factory = create_session_factory(engine)
    with factory.begin() as session:
        users = {
            "clerk": session.scalar(select(User).where(User.username == "synthetic-clerk-1")),
            "researcher": session.scalar(select(User).where(User.username == "synthetic-researcher-1")),
            "chair": session.scalar(select(User).where(User.username == "synthetic-chair")),
            "partner": session.scalar(select(User).where(User.username == "synthetic-partner")),
            "social_worker": session.scalar(select(User).where(User.username == "synthetic-social-worker")),
            "auditor": _user(session, "bench-auditor", Role.AUDITOR),
            "admin": _user(session, "bench-admin", Role.ADMINISTRATOR),
        }
        cookies, tokens = {}, {}
        for name, user in users.items():
            assert user is not None, name
            token = secrets.token_urlsafe(32)
            now = utcnow()
            session.add(
                UserSession(
                    token_hash=token_hash(token),
                    user_id=user.id,
                    mfa_completed_at=now,
                    reauthenticated_at=now,
                )
            )
            cookies[name] = token
            tokens[name] = issue_api_token(session, principal(users["admin"]), user.id, "benchmark")
        clerk, researcher = users["clerk"], users["researcher"]
        case = session.scalar(
            select(DisclosureRequest)
            .where(DisclosureRequest.closed_at.is_(None), DisclosureRequest.created_by_id == clerk.id)
            .order_by(DisclosureRequest.first_contact_at)
            .limit(1)
        )
        research = session.scalar(
            select(DisclosureRequest.id)
            .where(DisclosureRequest.status == "in_research", DisclosureRequest.assignee_id == researcher.id)
            .limit(1)
        )
        person = session.scalar(
            select(CaseParty.person_id).where(CaseParty.request_id == case.id, CaseParty.role == "subject")
        )
        meeting = session.scalar(
            select(PanelMeeting.id)
            .where(PanelMeeting.chair_id == users["chair"].id)
            .order_by(PanelMeeting.meets_at.desc())
            .limit(1)
        )
        episode = session.scalar(select(Episode.id).order_by(Episode.reported_at.desc()).limit(1))
        subject = session.execute(
            select(PersonName.given_names, PersonName.family_name).where(
                PersonName.person_id == person, PersonName.kind == "primary"
            )
        ).first()
        records = {
            "case": case.id,
            "open_case": case.id,
            "research": research,
            "person": person,
            "meeting": meeting,
            "episode": episode,
            "given": subject[0] if subject else "Sam",
            "family": subject[1] if subject else "Smith",
        }
    engine.dispose()
    return cookies, tokens, records


Route = tuple[str, str, str, str]
"""A name, who reads it, `page` or `api`, and its path."""


def routes(records: dict[str, Any]) -> list[Route]:
    r = records
    last = FinancialYear(containing().start - 1).slug  # the year a force files, with the data's dates
    return [
        ("cheapest route (/healthz)", "clerk", "page", "/healthz"),
        ("home page", "clerk", "page", "/"),
        ("work queue, mine", "clerk", "page", "/requests?whose=mine"),
        ("work queue, team", "clerk", "page", "/requests"),
        ("work queue, filtered (in research)", "clerk", "page", "/requests?status=in_research"),
        ("work queue, a late page", "clerk", "page", "LATE:/requests"),
        ("case page", "clerk", "page", f"/requests/{r['case']}"),
        ("person page", "clerk", "page", f"/people/{r['person']}"),
        ("search", "clerk", "page", f"/search?q={r['family']}"),
        ("match at intake", "clerk", "page", f"MATCH:/requests/{r['open_case']}/people/add"),
        ("research page", "researcher", "page", f"/requests/{r['research']}/research"),
        ("panels list", "chair", "page", "/panels"),
        ("panel agenda", "chair", "page", f"/panels/{r['meeting']}"),
        ("missing overview", "clerk", "page", "/missing"),
        ("missing episode", "clerk", "page", f"/missing/episodes/{r['episode']}"),
        ("audit trail, first page", "auditor", "page", "/audit"),
        ("audit trail, filtered by action", "auditor", "page", "/audit?action=request.view"),
        ("audit trail, a late page", "auditor", "page", "LATE:/audit"),
        ("partner inbox", "partner", "page", "/partner"),
        ("partner's missing notifications", "social_worker", "page", "/partner/missing"),
        ("researcher's partner requests", "researcher", "page", "/research/partner-requests"),
        ("returns (last year)", "clerk", "page", f"/reports/returns/{last}"),
        ("timeliness (last year)", "clerk", "page", "/reports/timeliness"),
        ("workload now", "clerk", "page", "/reports/workload"),
        ("performance summary (last year)", "clerk", "page", f"/reports/summary/{last}"),
        ("API: requests", "clerk", "api", "/api/v1/requests"),
        ("API: waiting", "clerk", "api", "/api/v1/waiting"),
        ("API: missing episodes", "clerk", "api", "/api/v1/missing/episodes"),
        ("API: audit events", "auditor", "api", "/api/v1/audit/events"),
        ("API: users", "admin", "api", "/api/v1/users"),
        ("API: partner requests", "partner", "api", "/api/v1/partner/requests"),
        ("API: returns (last year)", "clerk", "api", f"/api/v1/returns/{last}"),
    ]


LATER = re.compile(r'href="([^"]*\bafter=[^"]*)"')
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def _late(client: httpx.Client, path: str, pages: int = 20) -> str:
    """The page reached by following the next-page link `pages` times."""
    for _ in range(pages):
        found = LATER.search(client.get(path).text)
        if not found:
            break
        path = found.group(1).replace("&amp;", "&")
    return path


Call = tuple[str, str, str, dict[str, str] | None]
"""A route resolved for the mix: reader, kind, path and form data (a POST) or None (a GET)."""


def measure(
    base: str, cookies: dict[str, str], tokens: dict[str, str], records: dict[str, Any], runs: int
) -> tuple[list[Figure], list[Call]]:
    figures = []
    resolved: list[Call] = []
    clients: dict[tuple[str, str], httpx.Client] = {}

    def client(reader: str, kind: str) -> httpx.Client:
        key = (reader, kind)
        if key not in clients:
            made = httpx.Client(base_url=base, timeout=120)
            if kind == "api":
                made.headers["Authorization"] = f"Bearer {tokens[reader]}"
            else:
                made.cookies.set(SESSION_COOKIE, cookies[reader])
            clients[key] = made
        return clients[key]

    for name, reader, kind, route in routes(records):
        path = route
        http = client(reader, kind)
        call: Callable[[], httpx.Response]
        if path.startswith("LATE:"):
            path = _late(http, path.removeprefix("LATE:"))
        if path.startswith("MATCH:"):
            path = path.removeprefix("MATCH:")
            form = http.get(path)
            found = CSRF.search(form.text)
            data = {
                "_csrf_token": found.group(1) if found else "",
                "action": "search",
                "given_names": records["given"],
                "family_name": records["family"][:-1] + records["family"][-1] * 2,  # a typing slip
                "role": "subject",
            }
            call = lambda http=http, path=path, data=data: http.post(path, data=data)  # noqa: E731
            resolved.append((reader, kind, path, data))
        else:
            call = lambda http=http, path=path: http.get(path)  # noqa: E731
            resolved.append((reader, kind, path, None))
        first = call()
        if first.status_code not in (200, 400) or (
            first.status_code == 400 and not path.endswith("/people/add")
        ):
            raise SystemExit(f"{name}: {path} answered {first.status_code}")
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            answer = call()
            times.append((time.perf_counter() - started) * 1000)
            answer.raise_for_status() if not path.endswith("/people/add") else None
        times.sort()
        figures.append(
            Figure(name, path, statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))])
        )
        print(f"  {name:<40} p50 {figures[-1].p50:8.1f} ms   p95 {figures[-1].p95:8.1f} ms", flush=True)
    for made in clients.values():
        made.close()
    return figures, resolved


@dataclass
class Mix:
    clients: int
    seconds: float
    answers: int
    failures: list[str]
    per_second: float
    p50: float
    p95: float


def mix(
    base: str,
    cookies: dict[str, str],
    tokens: dict[str, str],
    calls: list[Call],
    clients: int,
    seconds: float,
) -> Mix:
    """`clients` threads, each with its own connections, requesting the routes in a shuffled order until
    `seconds` have passed. A CSRF-protected POST re-reads its form (each client has its own session cookie
    jar, but the sessions are shared: the token is the session's, so it stays valid)."""
    times: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(n: int) -> None:
        rng = random.Random(n)
        made: dict[tuple[str, str], httpx.Client] = {}
        while time.perf_counter() < stop:
            reader, kind, path, data = rng.choice(calls)
            http = made.get((reader, kind))
            if http is None:
                http = made[(reader, kind)] = httpx.Client(base_url=base, timeout=120)
                if kind == "api":
                    http.headers["Authorization"] = f"Bearer {tokens[reader]}"
                else:
                    http.cookies.set(SESSION_COOKIE, cookies[reader])
            started = time.perf_counter()
            try:
                answer = http.post(path, data=data) if data is not None else http.get(path)
                ok = answer.status_code == 200 or (data is not None and answer.status_code == 400)
                outcome = "" if ok else f"{path} answered {answer.status_code}"
            except httpx.HTTPError as error:
                outcome = f"{path}: {error!r}"
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                times.append(elapsed)
                if outcome:
                    failures.append(outcome)
        for http in made.values():
            http.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times.sort()
    return Mix(
        clients,
        seconds,
        len(times),
        failures[:20],
        len(times) / seconds,
        statistics.median(times) if times else 0.0,
        times[min(len(times) - 1, int(len(times) * 0.95))] if times else 0.0,
    )


def _print_mix(load: Mix) -> None:
    print(
        f"  mix of every route, {load.clients} clients for {load.seconds:g} s: {load.answers:,} answers, "
        f"{load.per_second:,.1f}/s, p50 {load.p50:.1f} ms, p95 {load.p95:.1f} ms, {len(load.failures)} failed"
    )
    for failure in load.failures:
        print(f"    {failure}")


def rss(pid: int) -> tuple[int, int]:
    """The server's resident memory now and at its peak (kB), summed over the process and its children."""
    now = peak = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        status = Path(f"/proc/{p}/status").read_text()
        now += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        peak += int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    return now, peak


def data_arguments(description: str, requests: int, years: float, runs: int) -> argparse.ArgumentParser:
    """The options every benchmark over generated data takes: its size, the database, where to keep the
    figures."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=requests)
    parser.add_argument("--years", type=float, default=years)
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--database-url", default="", help="An empty database (default: a new SQLite file)")
    parser.add_argument("--reuse", action="store_true", help="The database already holds the data")
    parser.add_argument("--json", type=Path, help="Keep the figures here")
    return parser


def keep(path: Path | None, figures: dict[str, Any]) -> None:
    """Write a run's figures as JSON for `bench/performance.py` (nothing without `--json`)."""
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(figures, indent=1))


def generate(url: str, requests: int, years: float) -> float:
    """A fresh database (PostgreSQL's dropped and made again) migrated and filled by `disclosure demo`;
    the seconds the generation took."""
    if url.startswith("postgresql"):
        fresh_postgres(url)
    run_command(["migrate"], url)
    generated = run_command(["demo", f"--scale={requests}", f"--years={years}"], url)
    print(f"  generated in {generated:,.0f} s")
    settle(url)
    return generated


def settle(url: str) -> None:
    """What a running PostgreSQL does by itself after a bulk load: autovacuum marks the new rows visible,
    so index-only scans need not read them again (measured at once, the national missing-person return
    read every episode's row and took twice as long). The generator has gathered statistics already."""
    if not url.startswith("postgresql"):
        return
    engine = create_db_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM"))
    finally:
        engine.dispose()


def main() -> None:
    parser = data_arguments(__doc__ or "", requests=10_000, years=10, runs=30)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--mix", type=float, default=0, help="Seconds of concurrent load after the timings")
    parser.add_argument(
        "--generated-seconds",
        type=float,
        default=0,
        help="With --reuse: how long the earlier run took to generate the data, to keep with the figures",
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="disclosure-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    engine = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"{engine}, {args.requests:,} requests over {args.years:g} year{'s' if args.years != 1 else ''}, {args.workers} worker(s)")
    generated = args.generated_seconds if args.reuse else generate(url, args.requests, args.years)
    cookies, tokens, records = sign_in(url)
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "disclosure"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ],
        env=_env(url),
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        figures, calls = measure(base, cookies, tokens, records, args.runs)
        load = None
        if args.mix:
            load = mix(base, cookies, tokens, calls, 2 * args.workers, args.mix)
            _print_mix(load)
        now, peak = rss(server.pid)
        print(f"  server memory: {now / 1024:,.0f} MB now, {peak / 1024:,.0f} MB at its peak")
    finally:
        server.terminate()
        server.wait(timeout=30)
    if load and load.failures:
        raise SystemExit("the mix had failures (above)")
    with create_db_engine(url).connect() as connection:
        version = connection.execute(
            text("SHOW server_version" if engine == "PostgreSQL" else "SELECT sqlite_version()")
        ).scalar_one()
        counts = {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
            for table in ("requests", "people", "missing_episodes", "audit_events", "panel_meetings")
        }
    keep(
        args.json,
        {
            "engine": engine,
            "requests": args.requests,
            "years": args.years,
            "workers": args.workers,
            "generated_seconds": generated,
            "counts": counts,
            "rss_mb": round(now / 1024),
            "peak_rss_mb": round(peak / 1024),
            "figures": [asdict(f) for f in figures],
            "mix": asdict(load) if load else None,
            "engine_version": version,
            "python": platform.python_version(),
            "at": utcnow().isoformat(timespec="seconds"),
        },
    )


if __name__ == "__main__":
    main()
