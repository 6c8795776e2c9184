"""Write docs/PERFORMANCE.md from the figures `make bench` keeps in var/bench/ [issue 17].

Reads every `bench/pages.py --json` file there (one per engine, size and worker count) and the other
benchmarks' printed output (`letters.txt`, `people-matching.txt`, `missing-import.txt`), and writes one
document: the machine, the commands, every figure with its ratio to the cheapest route of the same run and,
at the national size, to the 10,000-request time on the same engine; then each target of issue 17, met or
not, and for each one not met its gap and cause (`CAUSES`, written by whoever measured it: a gap without a
stated cause is printed as such, and this script exits 1 so that it is not missed).

    python bench/performance.py --figures var/bench --out docs/PERFORMANCE.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SMALL = 10_000
CHEAPEST = "cheapest route (/healthz)"
P95_TARGET_MS = 100.0
GROWTH_TARGET = 2.0
MATCH_TARGET_MS = 50.0
RSS_TARGET_MB = 300
RETURN_TARGET_S = 2.0
GENERATION_TARGET_S = 30 * 60
TEXT_RUNS = {
    "letters.txt": ("Letters", "python bench/letters.py"),
    "people-matching.txt": ("People matching", "python bench/people_matching.py --people 1000000"),
    "missing-import.txt": ("Missing-person feed", "python bench/missing_import.py --rows 100000"),
}

CAUSES: dict[str, str] = {
    "returns not measured": (
        "Not in these figures: `bench/reports.py` times each return at the country's year (under "
        "`NATIONAL=1 make bench`, which writes var/bench/reports/)."
    ),
    "missing people return": (
        "Four statements over the year's 300,000 episodes, measured one by one on SQLite on a quiet machine: "
        "the episodes with each one's age (0.31 s), the people with their age at their first episode (a "
        "group by person and one index look-up each, 0.51 s), the repeat-missing people (candidates with N "
        "episodes near the year, then each one's episodes by the person's index, 0.44 s) and the return "
        "home interviews (0.23 s). Next, if an engine is over: keep the age at report on each episode when "
        "it is written, as the deadlines are kept."
    ),
    "panel agenda": (
        "The agenda offers every case awaiting a decision in one select list to add to the meeting: 3,224 at "
        "the country's size in one database (a force's own service holds tens). They are read in columns "
        "only (the whole cases and their package snapshots took the page to 953 ms); what is left is writing "
        "3,224 options. Next: choose the case by its reference, with the longest waiting offered first."
    ),
    "missing overview": (
        "The overview lists the 100 people missing now most at risk and the 100 return home interviews due "
        "soonest, each with the person's names and earlier episodes, in a constant 118 statements; the time "
        "is in building those 200 lines (500 and 200 lines took 222 ms). At the country's size in one "
        "database there are thousands missing at once, where a force's MASH sees tens. Next: page both "
        "lists as the work queue is paged."
    ),
    "home page": (
        "The home page counts each kind of work waiting for its reader: at the country's size in one database "
        "these are counts over thousands of open cases (6,747 requests logged and not yet triaged), 4-7 ms "
        "each, 45 ms of SQL in 26 statements; the figure moves between 69 and 105 ms p95 from run to run "
        "on this machine. Next: keep the counts per kind as the deadlines are kept, in the same transaction."
    ),
    "work queue, mine": (
        "Finding the reader's cases among the 15,000 open ones by membership takes 24 ms (one index lookup "
        "per open case: the synthetic clerk sits on 272,000 cases' teams), then 50 lines are drawn; the "
        "figure moves between 96 and 128 ms p95 from run to run on this machine."
    ),
    "match at intake": (
        "The match compares the typed name and date of birth with 1.17 million people by their phonetic keys; "
        "its p95 was 38.8, 44.6, 51.2 and 54.6 ms in four national runs on this machine (p50 31-38 ms), the "
        "later runs with the cheapest route itself 50% slower: at the target's edge, moved by the machine."
    ),
    "audit trail, filtered by action": (
        "Reads one action's newest events through the (action, seq) index among 12.4 million; p50 21-34 ms "
        "and p95 32-68 ms across the national runs on this machine, so the growth over 10,000 requests is "
        "mostly the run's spread. Cause of the slow tail not yet found."
    ),
    "API: requests": (
        "Under 100 ms at the country's size (p95 79-89 ms), but over twice its 10,000-request time (37 ms). "
        "Its SQL is 6 ms in 19 statements (constant); the rest is building 50 cases with their people, whose "
        "names and addresses are more numerous in the national data. Cause not yet confirmed by a profile."
    ),
    "generation": (
        "One process clones 300,000 journeys into a 21 GB SQLite file: 1.17 million people, a million "
        "episodes and 12.4 million audit events, each audit event chained by SHA-256 to the one before, on "
        "one of the two cores. Not yet split by stage; next: measure where the 53 minutes go, then build the "
        "copies in several processes and chain the audit events in one pass at the end."
    ),
}
"""Why a target is not met, by route name (or the target's name), or by "Engine: route" where the engines
differ: written when the gap is measured."""


@dataclass
class Run:
    file: str
    data: dict[str, Any]

    @property
    def engine(self) -> str:
        return str(self.data["engine"])

    @property
    def requests(self) -> int:
        return int(self.data["requests"])

    @property
    def workers(self) -> int:
        return int(self.data.get("workers", 1))

    @property
    def figures(self) -> dict[str, dict[str, Any]]:
        return {f["route"]: f for f in self.data["figures"]}

    @property
    def cheapest(self) -> float:
        return float(self.figures[CHEAPEST]["p50"]) if CHEAPEST in self.figures else 0.0

    @property
    def title(self) -> str:
        workers = f", {self.workers} workers" if self.workers > 1 else ""
        return f"{self.engine} {self.data['engine_version']}, {self.requests:,} requests{workers}"


def load(folder: Path) -> list[Run]:
    runs = [Run(path.name, json.loads(path.read_text())) for path in sorted(folder.glob("*.json"))]
    return sorted(runs, key=lambda r: (r.requests, r.engine != "SQLite", r.workers))


RETURNS = ("Clare's Law return", "Sarah's Law return", "missing people return")
"""The reports issue 18 sets a target for (`bench/reports.py`'s names)."""


def load_reports(folder: Path) -> list[dict[str, Any]]:
    """`bench/reports.py --json` figures (in var/bench/reports/), smallest first."""
    found = [json.loads(path.read_text()) for path in sorted((folder / "reports").glob("*.json"))]
    return sorted(found, key=lambda r: (r["requests"], r["engine"] != "SQLite"))


def report_targets(engine: str, reports: list[dict[str, Any]]) -> list[Target]:
    """Issue 18's target on an engine's largest reports run: each return under 2 s (the median)."""
    runs = [r for r in reports if r["engine"] == engine]
    if not runs:
        return [Target(f"each return under {RETURN_TARGET_S:g} s", "not measured", False, "returns not measured")]
    run = runs[-1]
    return [
        Target(
            f"{name} ({run['sizes']['missing episodes reported in the year']:,} episodes and "
            f"{run['sizes']['requests first contacted in the year']:,} requests in the year): under "
            f"{RETURN_TARGET_S:g} s",
            f"{run['reports'][name]['median']:.2f} s (slowest {run['reports'][name]['slowest']:.2f} s)",
            run["reports"][name]["median"] < RETURN_TARGET_S,
            name,
        )
        for name in RETURNS
    ]


def report_section(run: dict[str, Any]) -> list[str]:
    sizes = "; ".join(f"{what}: {n:,}" for what, n in run["sizes"].items())
    lines = [
        f"## Reports: {run['engine']}, {run['requests']:,} requests over {run['years']:g} years",
        "",
        f"Financial year {run['year']}. {sizes}. Each report called in-process through its service function, "
        f"once cold and then {run['runs']} times"
        + (", after a VACUUM (as autovacuum does after a bulk load)." if run["engine"] == "PostgreSQL" else "."),
        "",
        "| report | median | slowest | cold |",
        "|---|---|---|---|",
    ]
    for name, f in run["reports"].items():
        lines.append(f"| {name} | {f['median']:.2f} s | {f['slowest']:.2f} s | {f['cold']:.2f} s |")
    return [*lines, ""]


def machine() -> list[str]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"MemTotal:\s+(\d+)", meminfo.read_text())
        memory = f"{int(found.group(1)) / 1024 / 1024:.0f} GB" if found else ""
    system = platform.platform()
    release = Path("/etc/os-release")
    if release.exists():
        found = re.search(r'PRETTY_NAME="([^"]+)"', release.read_text())
        system = f"{found.group(1)} ({platform.release()})" if found else system
    return [
        f"- Processor: {cpu}, {os.cpu_count()} cores",
        f"- Memory: {memory}",
        f"- System: {system}",
        f"- Python {platform.python_version()}",
    ]


def _ms(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _small_of(run: Run, runs: list[Run]) -> Run | None:
    if run.requests == SMALL:
        return None
    return next((r for r in runs if r.engine == run.engine and r.requests == SMALL and r.workers == 1), None)


@dataclass
class Target:
    name: str
    measured: str
    met: bool
    cause_key: str = ""


def route_table(run: Run, small: Run | None) -> list[str]:
    head = "| route | p50 ms | p95 ms | p50 / cheapest |"
    rule = "|---|---:|---:|---:|"
    if small:
        head += f" p95 / at {SMALL:,} |"
        rule += "---:|"
    lines = [head, rule]
    for name, figure in run.figures.items():
        ratio = figure["p50"] / run.cheapest if run.cheapest else 0
        line = f"| {name} | {_ms(figure['p50'])} | {_ms(figure['p95'])} | {ratio:,.1f}x |"
        if small:
            before = small.figures.get(name)
            line += f" {figure['p95'] / before['p95']:,.1f}x |" if before and before["p95"] else " |"
        lines.append(line)
    return lines


def targets(run: Run, small: Run | None) -> list[Target]:
    """Issue 17's targets, for the national size (or the largest run measured)."""
    found = []
    for name, figure in run.figures.items():
        if name == CHEAPEST:
            continue
        limit = MATCH_TARGET_MS if name == "match at intake" else P95_TARGET_MS
        found.append(Target(f"{name}: p95 under {limit:g} ms", f"{_ms(figure['p95'])} ms", figure["p95"] < limit, name))
        if small and name in small.figures and small.figures[name]["p95"]:
            growth = figure["p95"] / small.figures[name]["p95"]
            found.append(
                Target(
                    f"{name}: within {GROWTH_TARGET:g}x of its time at {SMALL:,}",
                    f"{growth:,.1f}x",
                    growth <= GROWTH_TARGET,
                    name,
                )
            )
    found.append(
        Target(
            f"server memory under {RSS_TARGET_MB} MB after the run",
            f"{run.data['rss_mb']:,} MB (peak {run.data['peak_rss_mb']:,} MB)",
            run.data["rss_mb"] < RSS_TARGET_MB,
            "server memory",
        )
    )
    if run.data.get("generated_seconds"):
        seconds = float(run.data["generated_seconds"])
        found.append(
            Target(
                "generation under 30 minutes",
                f"{seconds / 60:,.1f} minutes",
                seconds < GENERATION_TARGET_S,
                "generation",
            )
        )
    return found


def _target_runs(runs: list[Run]) -> list[Run]:
    """For each engine, its largest one-worker run: the one the targets are judged on."""
    chosen: dict[str, Run] = {}
    for run in runs:
        if run.workers == 1 and (run.engine not in chosen or run.requests > chosen[run.engine].requests):
            chosen[run.engine] = run
    return list(chosen.values())


def _opening(title: str, *about: str) -> list[str]:
    """A generated document's title, what wrote it, the machine, and the start of its commands block."""
    return [f"# {title}", "", *about, "", "## Machine", "", *machine(), "", "## Commands", "", "```sh"]


def _gaps(engine: str, gaps: list[Target], unexplained: list[str]) -> list[str]:
    lines = ["### Gaps and their causes", ""]
    for key in dict.fromkeys(g.cause_key for g in gaps):
        names = "; ".join(g.name for g in gaps if g.cause_key == key)
        cause = CAUSES.get(f"{engine}: {key}", CAUSES.get(key))
        if cause is None:
            unexplained.append(f"{engine}: {key}")
            cause = "Cause not yet stated."
        lines.append(f"- **{names}.** {cause}")
    return [*lines, ""]


def write_reports(reports: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """docs/PERFORMANCE-REPORTS.md: issue 18's target on each engine's largest reports run, then every
    run's timings."""
    lines = _opening(
        "Performance of the reports",
        "Written by `make bench` (`bench/performance.py`) from the figures in `var/bench/reports/`: do not edit",
        "by hand. Targets and method: issue 18 and the README, \"Scale\".",
    )
    for report in reports:
        command = f"python bench/reports.py --requests {report['requests']} --years {report['years']:g}"
        if report["engine"] == "PostgreSQL":
            command += " --database-url postgresql+psycopg://postgres@127.0.0.1:5432/disclosure_bench_reports"
        elif report["requests"] > SMALL * 2:
            command += " --database-url sqlite:///var/bench/reports-national.db"
        lines.append(command)
    lines += ["```", ""]
    unexplained: list[str] = []
    for engine in dict.fromkeys(r["engine"] for r in reports):
        lines += [f"## Targets ({engine})", "", "| target | measured | met |", "|---|---|---|"]
        found = report_targets(engine, reports)
        lines += [f"| {t.name} | {t.measured} | {'yes' if t.met else '**no**'} |" for t in found]
        lines.append("")
        gaps = [t for t in found if not t.met]
        if gaps:
            lines += _gaps(engine, gaps, unexplained)
    for report in reports:
        lines += report_section(report)
    return "\n".join(lines), unexplained


def write(runs: list[Run], folder: Path) -> tuple[str, list[str]]:
    lines = [
        *_opening(
            "Performance",
            "Written by `make bench` (`bench/performance.py`) from the figures in `var/bench/`: do not edit by hand;",
            "run `make bench` (and `NATIONAL=1 make bench` for the country's size) to measure again. Targets and",
            "method: issue 17 and the README, \"Scale\".",
        ),
        "make bench              # letters, matching, feed; every page at 10,000 requests on SQLite and PostgreSQL",
        "NATIONAL=1 make bench   # and at the country's size (300,000 requests over one year) on both engines",
        "```",
        "",
        "which run, for the pages:",
        "",
        "```sh",
    ]
    for run in runs:
        command = f"python bench/pages.py --requests {run.requests}"
        if run.data.get("years", 10) != 10:
            command += f" --years {run.data['years']:g}"
        if run.engine == "PostgreSQL":
            name = "disclosure_bench" if run.requests == SMALL else "disclosure_bench_national"
            command += f" --database-url postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        if run.workers > 1:
            command += f" --reuse --workers {run.workers}"
        if run.data.get("mix"):
            command += f" --mix {run.data['mix']['seconds']:g}"
        lines.append(f"{command} --json var/bench/{run.file}")
    lines += [
        "```",
        "",
        "The reports' timings (`bench/reports.py`, issue 18) are in [PERFORMANCE-REPORTS.md](PERFORMANCE-REPORTS.md).",
        "",
    ]
    unexplained: list[str] = []
    for largest in _target_runs(runs):
        small = _small_of(largest, runs)
        lines += [f"## Targets ({largest.title})", "", "| target | measured | met |", "|---|---|---|"]
        gaps = []
        for target in targets(largest, small):
            lines.append(f"| {target.name} | {target.measured} | {'yes' if target.met else '**no**'} |")
            if not target.met:
                gaps.append(target)
        lines.append("")
        if largest.requests == SMALL:
            lines += [
                f"The national size has not been measured on {largest.engine} in these figures: run "
                "`NATIONAL=1 make bench` (generating it takes about an hour on this machine).",
                "",
            ]
        if gaps:
            lines += _gaps(largest.engine, gaps, unexplained)
    for run in runs:
        counts = ", ".join(f"{n:,} {table.replace('_', ' ')}" for table, n in run.data["counts"].items())
        lines += [f"## {run.title}", "", f"Data: {counts}."]
        if run.data.get("generated_seconds"):
            lines.append(f"Generated by `disclosure demo --scale` in {run.data['generated_seconds'] / 60:,.1f} minutes.")
        lines += [
            f"Measured {run.data['at']} UTC, one request at a time; the cheapest route answered in "
            f"{_ms(run.cheapest)} ms (p50). Server memory after the run: {run.data['rss_mb']:,} MB "
            f"(peak {run.data['peak_rss_mb']:,} MB).",
            "",
            *route_table(run, _small_of(run, runs)),
            "",
        ]
        load = run.data.get("mix")
        if load:
            lines += [
                f"Then a shuffled mix of every route from {load['clients']} clients at once for "
                f"{load['seconds']:g} s: {load['answers']:,} answers ({load['per_second']:,.1f} a second), "
                f"p50 {_ms(load['p50'])} ms, p95 {_ms(load['p95'])} ms, {len(load['failures'])} failed.",
                "",
            ]
    for name, (title, command) in TEXT_RUNS.items():
        path = folder / name
        if path.exists():
            lines += [f"## {title}", "", f"`{command}`:", "", "```", path.read_text().strip(), "```", ""]
    return "\n".join(lines), unexplained


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--figures", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "PERFORMANCE.md")
    parser.add_argument("--reports-out", type=Path, default=ROOT / "docs" / "PERFORMANCE-REPORTS.md")
    args = parser.parse_args()
    runs, reports = load(args.figures), load_reports(args.figures)
    if not runs and not reports:
        raise SystemExit(f"no figures in {args.figures}: run `make bench`")
    # Each document is written only from figures of its own kind, so one can be measured without the other.
    unexplained: list[str] = []
    written = []
    if runs:
        written.append((args.out, *write(runs, args.figures)))
    if reports:
        written.append((args.reports_out, *write_reports(reports)))
    for out, text, gaps in written:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
        print(f"wrote {out}")
        unexplained += gaps
    if unexplained:
        raise SystemExit(f"gaps without a stated cause (add them to CAUSES in bench/performance.py): {unexplained}")


if __name__ == "__main__":
    main()
