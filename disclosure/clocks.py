"""Clocks: working days, bank holidays by nation, pauses, and deadlines that explain themselves.

Used by requests (initial checks in 24 hours, the meeting in 10 working days, the whole process in 28 or 35
days) and later by partner-agency requests and missing-person return interviews. Pure Python: no database.
Rules: DOMAIN.md "Steps and timescales" [DVDS-2023][Sussex-2014][ASP-CSODS][Lancs][Northumbria].

Choices, stated once:
- hours are elapsed hours (a 24-hour rule across the October clock change is still 24 real hours);
- calendar and working days are UK days: the start day does not count, and a day-based deadline ends at
  23:59:59 UK time on the due day;
- a pause moves an open deadline by the time it covers (elapsed time for hours, whole days for calendar days,
  working days for working-day rules); overlapping pauses count once; pause time after the deadline does not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

import holidays

UK = ZoneInfo("Europe/London")
Unit = Literal["hours", "calendar_days", "working_days"]


class Nation(StrEnum):
    ENGLAND = "england"
    WALES = "wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern_ireland"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").title().replace("And", "and")


_SUBDIVISIONS = {
    Nation.ENGLAND: "ENG",
    Nation.WALES: "WLS",
    Nation.SCOTLAND: "SCT",
    Nation.NORTHERN_IRELAND: "NIR",
}


@lru_cache(maxsize=64)
def _national(nation: Nation, year: int) -> dict[date, str]:
    return dict(holidays.UK(subdiv=_SUBDIVISIONS[nation], years=year).items())


def bank_holidays(
    nation: Nation, years: Iterable[int], extra: Iterable[tuple[date, str]] = ()
) -> dict[date, str]:
    """The nation's bank holidays (the `holidays` library) plus any the force adds (a one-off holiday)."""
    found: dict[date, str] = {}
    for year in years:
        found.update(_national(nation, year))
    found.update(dict(extra))
    return found


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days: Monday to Friday, not a bank holiday of the force's nation."""

    nation: Nation = Nation.ENGLAND
    extra_holidays: tuple[tuple[date, str], ...] = ()

    def holiday(self, day: date) -> str | None:
        return bank_holidays(self.nation, [day.year], self.extra_holidays).get(day)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and self.holiday(day) is None

    def add_working_days(self, start: date, n: int) -> date:
        """The nth working day after `start` (the start day itself does not count)."""
        day, counted = start, 0
        while counted < n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`."""
        return sum(
            1 for i in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(days=i))
        )

    def holidays_between(self, start: date, end: date) -> list[tuple[date, str]]:
        days = (start + timedelta(days=i) for i in range(1, (end - start).days + 1))
        return [(d, name) for d in days if d.weekday() < 5 and (name := self.holiday(d)) is not None]


@dataclass(frozen=True)
class ClockRule:
    """One timescale, e.g. ClockRule("Whole process", 28, "calendar_days", "DVDS statutory guidance 2023")."""

    name: str
    amount: int
    unit: Unit
    source: str = ""


@dataclass(frozen=True)
class Pause:
    start: datetime
    end: datetime | None
    reason: str


@dataclass(frozen=True)
class Deadline:
    rule: ClockRule
    started_at: datetime
    due_at: datetime
    explanation: str
    paused_days: float = 0.0
    pauses: tuple[Pause, ...] = field(default=())


class DeadlineStatus(StrEnum):
    MET = "met"
    BREACHED = "breached"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    ON_TRACK = "on_track"


def _merged(pauses: Sequence[Pause], now: datetime) -> list[tuple[datetime, datetime, list[str]]]:
    """Pauses as non-overlapping intervals (an open pause runs to `now`), with the reasons they carry."""
    spans = sorted((p.start, p.end or now, p.reason) for p in pauses if (p.end or now) > p.start)
    merged: list[tuple[datetime, datetime, list[str]]] = []
    for start, end, reason in spans:
        if merged and start <= merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), [*last[2], reason])
        else:
            merged.append((start, end, [reason]))
    return merged


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=UK).astimezone(ZoneInfo("UTC"))


def _unpaused_due(rule: ClockRule, started_at: datetime, calendar: WorkingCalendar) -> datetime:
    if rule.unit == "hours":
        return started_at + timedelta(hours=rule.amount)
    start_day = started_at.astimezone(UK).date()
    if rule.unit == "calendar_days":
        return _end_of_day(start_day + timedelta(days=rule.amount))
    return _end_of_day(calendar.add_working_days(start_day, rule.amount))


def compute_deadline(
    rule: ClockRule,
    started_at: datetime,
    pauses: Sequence[Pause] = (),
    calendar: WorkingCalendar | None = None,
    *,
    now: datetime | None = None,
    event: str = "first contact",
) -> Deadline:
    """When the rule falls due, moved on by every pause that began before it fell due, with an explanation."""
    calendar = calendar or WorkingCalendar()
    now = now or datetime.now(ZoneInfo("UTC"))
    due = _unpaused_due(rule, started_at, calendar)
    counted: list[tuple[datetime, datetime, list[str], str]] = []
    paused_total = 0.0
    for start, end, reasons in _merged(pauses, now):
        if start >= due:
            break  # a pause after the deadline fell due cannot save it
        start = max(start, started_at)
        if rule.unit == "hours":
            shift = end - start
            due += shift
            amount = shift.total_seconds() / 86400
            words = _duration(shift)
        else:
            first, last = start.astimezone(UK).date(), end.astimezone(UK).date()
            if rule.unit == "calendar_days":
                days = max(1, (last - first).days)
                due = _end_of_day(due.astimezone(UK).date() + timedelta(days=days))
            else:
                days = max(1, calendar.working_days_between(first, last))
                due = _end_of_day(calendar.add_working_days(due.astimezone(UK).date(), days))
            amount = days
            unit_word = "working day" if rule.unit == "working_days" else "day"
            words = f"{days} {unit_word}{'s' if days != 1 else ''}"
        paused_total += amount
        counted.append((start, end, reasons, words))
    return Deadline(
        rule=rule,
        started_at=started_at,
        due_at=due,
        paused_days=paused_total,
        pauses=tuple(pauses),
        explanation=_explain(rule, started_at, due, counted, calendar, event),
    )


def _explain(
    rule: ClockRule,
    started_at: datetime,
    due: datetime,
    pauses: list[tuple[datetime, datetime, list[str], str]],
    calendar: WorkingCalendar,
    event: str,
) -> str:
    start_local = started_at.astimezone(UK)
    unit = {"hours": "hours", "calendar_days": "days", "working_days": "working days"}[rule.unit]
    if rule.unit == "hours":
        text = f"{rule.amount} {unit} from {event} at {_when(start_local)}"
    else:
        text = f"{rule.amount} {unit} from {event} on {_day(start_local.date(), weekday=rule.unit == 'working_days')}"
    if rule.unit == "working_days":
        skipped = calendar.holidays_between(start_local.date(), due.astimezone(UK).date())
        where = f"bank holidays in {calendar.nation.label}"
        if skipped:
            where += " (" + ", ".join(f"{name} {_day(d)}" for d, name in skipped) + ")"
        text += f", not counting weekends and {where}"
    for start, end, reasons, words in pauses:
        text += f", paused {words} for {' and '.join(r.rstrip('.') for r in reasons)} ({_range(start, end)})"
    due_local = due.astimezone(UK)
    text += f": due {_when(due_local)}" if rule.unit == "hours" else f": due {_day(due_local.date())}"
    if rule.source:
        text += f". Source: {rule.source}"
    return text + "."


def _day(day: date, *, weekday: bool = False) -> str:
    prefix = f"{day:%A} " if weekday else ""
    return f"{prefix}{day.day} {day:%B %Y}"


def _when(moment: datetime) -> str:
    local = moment.astimezone(UK)
    hour = local.strftime("%I").lstrip("0") or "12"
    return f"{hour}:{local:%M}{local.strftime('%p').lower()} on {_day(local.date())}"


def _range(start: datetime, end: datetime) -> str:
    first, last = start.astimezone(UK).date(), end.astimezone(UK).date()
    return _day(first) if first == last else f"{_day(first)} to {_day(last)}"


def _duration(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    if hours < 48:
        rounded = round(hours)
        return f"{rounded} hour{'s' if rounded != 1 else ''}"
    days = round(hours / 24)
    return f"{days} days"


def status(
    deadline: Deadline,
    now: datetime,
    *,
    completed_at: datetime | None = None,
    due_soon: timedelta = timedelta(days=3),
) -> DeadlineStatus:
    if completed_at is not None:
        return DeadlineStatus.MET if completed_at <= deadline.due_at else DeadlineStatus.BREACHED
    if now > deadline.due_at:
        return DeadlineStatus.OVERDUE
    if deadline.due_at - now <= due_soon:
        return DeadlineStatus.DUE_SOON
    return DeadlineStatus.ON_TRACK


def remaining(deadline: Deadline, now: datetime) -> str:
    """Time left in words: '2 days left', 'due today', '5 hours left', 'overdue by 3 days'."""
    gap = deadline.due_at - now
    if gap.total_seconds() < 0:
        late = -gap
        if late < timedelta(days=1):
            hours = max(1, round(late.total_seconds() / 3600))
            return f"overdue by {hours} hour{'s' if hours != 1 else ''}"
        days = late.days
        return f"overdue by {days} day{'s' if days != 1 else ''}"
    due_day, today = deadline.due_at.astimezone(UK).date(), now.astimezone(UK).date()
    if gap < timedelta(days=1):
        if deadline.rule.unit == "hours":
            hours = max(1, round(gap.total_seconds() / 3600))
            return f"{hours} hour{'s' if hours != 1 else ''} left"
        if due_day == today:
            return "due today"
    days = (due_day - today).days
    return "due today" if days <= 0 else f"{days} day{'s' if days != 1 else ''} left"
