"""Benchmark: each Home Office return, the timeliness tables, the workload and the performance summary at
the country's size [issue 18].

The country's year is about 60,000 Clare's Law requests and 300,000 missing episodes (DOMAIN.md "Scale",
"Statistics the service must produce"); `disclosure demo --scale 180000 --years 2` makes two such years
(10/3 episodes a request), so the last financial year that has ended is a whole national year among other
years' records, as a live database holds it. A force's ten years is `--scale 20000 --years 10`.

Each report is called in-process through its service function (what the page and the API call), once cold
and then `--runs` times: the figure is the median, with the slowest. The records each report covers are
counted and printed beside it. It asserts no timings (issue 18's target, each return under 2 seconds, is
read from the figures by `bench/performance.py`).

    python bench/reports.py --requests 180000 --years 2 --json var/bench/reports/sqlite-national.json
    python bench/reports.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/reports_bench
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pages import data_arguments, generate, keep, principal, settle
from disclosure.accounts.models import User
from disclosure.db import create_db_engine, create_session_factory
from disclosure.letters.models import Delivery
from disclosure.missing.models import Episode
from disclosure.reports import returns, summary, timeliness, workload
from disclosure.reports.periods import FinancialYear, containing
from disclosure.requests.models import DisclosureRequest


def _measure(factory: Any, call: Callable[[Any], object], runs: int) -> dict[str, float]:
    """Seconds for one cold call and the median and slowest of `runs` more, each in its own session."""
    times = []
    for _ in range(runs + 1):
        with factory() as session:
            started = time.perf_counter()
            call(session)
            times.append(time.perf_counter() - started)
            session.rollback()  # the PDF's audit event is not kept
    return {"cold": times[0], "median": statistics.median(times[1:]), "slowest": max(times[1:])}


def _sizes(session: Any, year: FinancialYear) -> dict[str, int]:
    def count(column: Any) -> int:
        return int(session.scalar(select(func.count()).where(column >= year.begins, column < year.ends)) or 0)

    return {
        "requests first contacted in the year": count(DisclosureRequest.first_contact_at),
        "outcomes delivered in the year": count(Delivery.occurred_at),
        "missing episodes reported in the year": count(Episode.reported_at),
        "requests in the database": int(session.scalar(select(func.count(DisclosureRequest.id))) or 0),
        "missing episodes in the database": int(session.scalar(select(func.count(Episode.id))) or 0),
    }


def main() -> None:
    args = data_arguments(__doc__ or "", requests=180_000, years=2, runs=5).parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp(prefix='disclosure-bench-')) / 'bench.db'}"
    engine_name = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"{engine_name}, {args.requests:,} requests over {args.years:g} years")
    generated = 0.0 if args.reuse else generate(url, args.requests, args.years)
    if args.reuse:
        settle(url)  # generate() has; a database kept from an earlier run may not have been
    engine = create_db_engine(url)
    factory = create_session_factory(engine)
    year = FinancialYear(containing().start - 1)
    with factory() as session:
        clerk = session.scalar(select(User).where(User.username == "synthetic-clerk-1"))
        assert clerk is not None, "the synthetic data has a clerk"
        actor = principal(clerk)
        sizes = _sizes(session, year)
    for what, n in sizes.items():
        print(f"  {what} ({year.label}): {n:,}" if "year" in what else f"  {what}: {n:,}")
    period = timeliness.Selection(timeliness.Period.of_year(year))
    reports: dict[str, Callable[[Any], object]] = {
        "Clare's Law return": lambda s: returns.scheme_return(s, actor, year, "dvds"),
        "Sarah's Law return": lambda s: returns.scheme_return(s, actor, year, "csods"),
        "missing people return": lambda s: returns.scheme_return(s, actor, year, "missing"),
        "the returns page (all three and late corrections)": lambda s: (
            returns.returns(s, actor, year),
            returns.late_corrections(s, actor, year),
        ),
        "timeliness (the year, every route)": lambda s: timeliness.timeliness(s, actor, period),
        "workload now": lambda s: workload.workload(s, actor),
        "performance summary": lambda s: summary.summary(s, actor, year),
        "performance summary PDF": lambda s: summary.summary_pdf(s, actor, year),
    }
    figures = {}
    for name, call in reports.items():
        figures[name] = _measure(factory, call, args.runs)
        f = figures[name]
        print(
            f"  {name:52} median {f['median']:6.2f} s  slowest {f['slowest']:6.2f} s  cold {f['cold']:6.2f} s"
        )
    engine.dispose()
    keep(
        args.json,
        {
            "engine": engine_name,
            "requests": args.requests,
            "years": args.years,
            "year": year.label,
            "generated_seconds": generated,
            "sizes": sizes,
            "runs": args.runs,
            "reports": figures,
        },
    )


if __name__ == "__main__":
    main()
