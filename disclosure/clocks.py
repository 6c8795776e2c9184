"""Clocks: the one place that says when a timescale falls due, and why, in words a reviewer can check.

Requests use it for the DVDS and CSODS timescales (initial checks in 24 hours, the face-to-face meeting in 10
working days, the whole process in 28 days, or 35 under the 2016 guidance), research for partner-agency
requests, and missing-person coordination for return interviews within 72 hours. The timescales themselves
are data (clock policies, versioned by guidance), passed in as `ClockRule`s: see DOMAIN.md "Steps and
timescales" [DVDS-2023][Sussex-2014][ASP-CSODS][Lancs][Northumbria][MissingPeople-2024]. Pure Python.

The counting rules, chosen once and applied everywhere:
- Hours are elapsed hours. A 24-hour rule that spans a clock change is still 24 real hours, so first contact
  at 00:30 BST on Sunday 25 October 2026 is due at 23:30 GMT the same day, not 00:30 the next day: an
  hours timescale exists because of immediate risk [Sussex-2014], and an hour of risk is an hour.
- Days are UK days (Europe/London). The day of the start event does not count, and a day-based deadline
  runs to the end of its due day (23:59:59 UK time), as a person would read "within 28 days" [DVDS-2023].
- Working days are Monday to Friday, less the bank holidays of the force's nation and any one-off holiday
  the force adds [Sussex-2014][ASP-CSODS].
- A pause stops the clock for a recorded reason. Overlapping pauses are merged first, so no time counts
  twice. Walking forward in time, a pause that begins before the deadline (as already moved) extends it by
  what it covered: its elapsed time for hours rules; for day rules the days from the day it began to the day
  it ended (the same counting as the clock itself), working days only for working-day rules. An open pause
  runs to `now`. A pause that begins after the deadline has passed cannot save it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import Literal, get_args
from zoneinfo import ZoneInfo

from holidays import country_holidays

from disclosure.workflow import Labelled

UK_TIME = ZoneInfo("Europe/London")
Unit = Literal["hours", "calendar_days", "working_days"]
UNITS: tuple[Unit, ...] = get_args(Unit)
HolidayInput = Mapping[date, str] | Iterable[tuple[date, str]]


class Nation(Labelled):
    """The UK nations: each has its own bank holidays. Values match `disclosure.force.models.NATIONS`."""

    ENGLAND = "england"
    WALES = "wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"


# The `holidays` library's subdivision of holidays.UK for each nation.
_SUBDIVISIONS = {
    Nation.ENGLAND: "ENG",
    Nation.WALES: "WLS",
    Nation.SCOTLAND: "SCT",
    Nation.NORTHERN_IRELAND: "NIR",
}


@lru_cache(maxsize=512)
def _national(nation: Nation, year: int) -> Mapping[date, str]:
    # GOV.UK calls a moved holiday a "substitute day"; the library says "observed".
    found = country_holidays("UK", subdiv=_SUBDIVISIONS[nation], years=year)  # holidays.UK, typed
    return MappingProxyType({d: n.replace("(observed)", "(substitute day)") for d, n in found.items()})


def _pairs(extra: HolidayInput) -> list[tuple[date, str]]:
    items = extra.items() if isinstance(extra, Mapping) else extra
    return [(day, name) for day, name in items]


def bank_holidays(nation: Nation | str, years: Iterable[int], extra: HolidayInput = ()) -> dict[date, str]:
    """The nation's bank holidays in `years` (weekend ones included), plus the force's one-off holidays.

    England and Wales share a list; Scotland adds 2 January and Saint Andrew's Day and has no Easter Monday;
    Northern Ireland adds Saint Patrick's Day and the Battle of the Boyne. A force-added day that is already a
    bank holiday keeps its national name."""
    wanted = set(years)
    found: dict[date, str] = {}
    for year in sorted(wanted):
        found.update(_national(Nation(nation), year))
    for day, name in _pairs(extra):
        if day.year in wanted:
            found.setdefault(day, name)
    return dict(sorted(found.items()))


@lru_cache(maxsize=512)
def _year(nation: Nation, extra: tuple[tuple[date, str], ...], year: int) -> Mapping[date, str]:
    return MappingProxyType(bank_holidays(nation, [year], extra))


@dataclass(frozen=True, init=False)
class WorkingCalendar:
    """Working days for one force: Monday to Friday, not a bank holiday of its nation nor a day it added.

    The face-to-face meeting (10 working days [Sussex-2014]) and partner responses are counted on it."""

    nation: Nation
    extra_holidays: tuple[tuple[date, str], ...]

    def __init__(self, nation: Nation | str = Nation.ENGLAND, extra_holidays: HolidayInput = ()) -> None:
        object.__setattr__(self, "nation", Nation(nation))
        object.__setattr__(self, "extra_holidays", tuple(sorted(_pairs(extra_holidays))))

    def holiday(self, day: date) -> str | None:
        """The holiday's name if `day` is one (even at a weekend), else None."""
        return _year(self.nation, self.extra_holidays, day.year).get(_plain(day))

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and self.holiday(day) is None

    def add_working_days(self, start: date, n: int) -> date:
        """The nth working day after `start`: the start day does not count, whatever day it is."""
        if n < 0:
            raise ValueError("count working days forwards: n must not be negative")
        day, counted = _plain(start), 0
        while counted < n:
            day += timedelta(days=1)
            counted += self.is_working_day(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`, so that
        `working_days_between(d, add_working_days(d, n)) == n`; negative when `end` is before `start`."""
        start, end = _plain(start), _plain(end)
        if end < start:
            return -self.working_days_between(end, start)
        return sum(self.is_working_day(d) for d in _days_after(start, end))

    def holidays_skipped(self, start: date, end: date) -> list[tuple[date, str]]:
        """Holidays on weekdays after `start` up to and including `end`: the ones a count had to skip."""
        found = ((d, self.holiday(d)) for d in _days_after(_plain(start), _plain(end)) if d.weekday() < 5)
        return [(d, name) for d, name in found if name is not None]


def _plain(day: date) -> date:
    if isinstance(day, datetime):
        raise TypeError("pass the UK calendar date, not a datetime (its date may be another day in the UK)")
    return day


def _days_after(start: date, end: date) -> Iterator[date]:
    return (start + timedelta(days=i) for i in range(1, (end - start).days + 1))


@dataclass(frozen=True)
class ClockRule:
    """One timescale, e.g. `ClockRule("Whole process", 28, "calendar_days", "DVDS statutory guidance 2023
    [DVDS-2023]")`. `event` names what starts the clock, for the explanation ("return" for an RHI)."""

    name: str
    amount: int
    unit: Unit
    source: str = ""
    event: str = "first contact"

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {self.unit!r}")
        if self.amount < 0:
            raise ValueError("a timescale cannot be negative")


@dataclass(frozen=True)
class Pause:
    """The clock stopped from `start` until `end` (None: still stopped) for a recorded reason [DVDS-2023]."""

    start: datetime
    end: datetime | None
    reason: str

    def __post_init__(self) -> None:
        _utc(self.start, "a pause's start")
        if self.end is not None and _utc(self.end, "a pause's end") < self.start:
            raise ValueError("a pause cannot end before it starts")


@dataclass(frozen=True)
class PausedSpan:
    """Merged pauses (one unbroken stop) and what they did: `moved_by` is in the rule's unit's days (working
    days for working-day rules, elapsed days for hours rules); `counted` is False when the span began after
    the deadline had passed."""

    start: datetime
    end: datetime
    reasons: tuple[str, ...]
    still_open: bool
    counted: bool
    moved_by: float


@dataclass(frozen=True)
class Deadline:
    """When a rule falls due (aware UTC), why in words, and how far pauses moved it (`paused_days`, in the
    rule's own days as `PausedSpan.moved_by`)."""

    rule: ClockRule
    started_at: datetime
    due_at: datetime
    explanation: str
    paused_days: float = 0.0
    spans: tuple[PausedSpan, ...] = ()

    @property
    def is_paused(self) -> bool:
        """True while an open pause holds the clock (the due time moves on day by day)."""
        return any(s.still_open and s.counted for s in self.spans)


class DeadlineStatus(StrEnum):
    """Where a step stands against its deadline: done in time or late, or not done and late, close or fine."""

    MET = "met"
    BREACHED = "breached"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    ON_TRACK = "on_track"


def compute_deadline(
    rule: ClockRule,
    started_at: datetime,
    pauses: Sequence[Pause] = (),
    calendar: WorkingCalendar | None = None,
    *,
    now: datetime | None = None,
) -> Deadline:
    """When `rule` falls due for a clock started at `started_at`, moved on by its pauses, with a plain English
    explanation naming the start, the rule, each pause and its reason, and the due date (module docstring
    for the counting rules). Every timescale in DOMAIN.md goes through here, so a reviewer sees one way of
    counting: the 28 days [DVDS-2023], 35 days [Lancs][Northumbria], 10 working days [Sussex-2014][ASP-CSODS].

    `now` ends open pauses (default: the current time); the calendar defaults to England's."""
    started_at = _utc(started_at, "started_at")
    now = _utc(now, "now") if now is not None else datetime.now(UTC)
    calendar = calendar or WorkingCalendar()
    due = _unpaused_due(rule, started_at, calendar)
    spans: list[PausedSpan] = []
    for start, end, reasons, still_open in _merged(pauses, started_at, now):
        if start >= due:
            spans.append(PausedSpan(start, end, reasons, still_open, counted=False, moved_by=0))
            continue
        due, moved = _extend(rule, due, start, end, calendar)
        spans.append(PausedSpan(start, end, reasons, still_open, counted=True, moved_by=moved))
    return Deadline(
        rule=rule,
        started_at=started_at,
        due_at=due,
        explanation=_explain(rule, started_at, due, spans, calendar),
        paused_days=sum(s.moved_by for s in spans),
        spans=tuple(spans),
    )


def _utc(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware: a naive time is ambiguous across clock changes")
    return moment.astimezone(UTC)


def uk_date(moment: datetime) -> date:
    """The UK calendar date of a moment: what a user means by "today" or "the day it happened". In British
    Summer Time it is a day ahead of the UTC date from midnight to 1am."""
    return _utc(moment, "moment").astimezone(UK_TIME).date()


def uk_today(now: datetime | None = None) -> date:
    """Today's date in the UK (default: now), the bound for every "today or in the past" rule."""
    return uk_date(now or datetime.now(UTC))


def start_of_uk_day(day: date) -> datetime:
    """The moment (UTC) a UK calendar day begins: midnight in London, 23:00 UTC the day before in summer."""
    return datetime.combine(day, time.min, tzinfo=UK_TIME).astimezone(UTC)


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=UK_TIME).astimezone(UTC)


def _unpaused_due(rule: ClockRule, started_at: datetime, calendar: WorkingCalendar) -> datetime:
    if rule.unit == "hours":
        return started_at + timedelta(hours=rule.amount)
    if rule.unit == "calendar_days":
        return _end_of_day(uk_date(started_at) + timedelta(days=rule.amount))
    return _end_of_day(calendar.add_working_days(uk_date(started_at), rule.amount))


def _merged(
    pauses: Sequence[Pause], started_at: datetime, now: datetime
) -> list[tuple[datetime, datetime, tuple[str, ...], bool]]:
    """Pauses as disjoint stops in time order (clipped to the clock's start; an open pause runs to `now`)."""
    spans = sorted(
        (
            (max(_utc(p.start, "a pause's start"), started_at), _utc(p.end, "end") if p.end else now, p)
            for p in pauses
        ),
        key=lambda span: (span[0], span[1]),
    )
    merged: list[tuple[datetime, datetime, tuple[str, ...], bool]] = []
    for start, end, pause in spans:
        if end <= start:
            continue  # wholly before the clock started, or no time at all
        reason, still_open = pause.reason.strip().rstrip("."), pause.end is None
        if merged and start <= merged[-1][1]:
            first, last, reasons, was_open = merged[-1]
            reasons = reasons if reason in reasons else (*reasons, reason)
            merged[-1] = (first, max(last, end), reasons, was_open or still_open)
        else:
            merged.append((start, end, (reason,), still_open))
    return merged


def _extend(
    rule: ClockRule, due: datetime, start: datetime, end: datetime, calendar: WorkingCalendar
) -> tuple[datetime, float]:
    if rule.unit == "hours":
        return due + (end - start), (end - start) / timedelta(days=1)
    first, last = uk_date(start), uk_date(end)
    if rule.unit == "calendar_days":
        days = (last - first).days
        return _end_of_day(uk_date(due) + timedelta(days=days)), days
    days = calendar.working_days_between(first, last)
    return _end_of_day(calendar.add_working_days(uk_date(due), days)), days


# ---------------------------------------------------------------- explanations


def _explain(
    rule: ClockRule, started_at: datetime, due: datetime, spans: list[PausedSpan], calendar: WorkingCalendar
) -> str:
    start_day, due_day = uk_date(started_at), uk_date(due)
    if rule.unit == "hours":
        text = f"{_count(rule.amount, 'hour')} from {rule.event} at {_when(started_at)}"
    elif rule.unit == "calendar_days":
        text = f"{_count(rule.amount, 'day')} from {rule.event} on {_day(start_day)}"
    else:
        text = f"{_count(rule.amount, 'working day')} from {rule.event} on {_day(start_day, weekday=True)}"
        text += f", not counting weekends and bank holidays in {calendar.nation.label}"
        skipped = calendar.holidays_skipped(start_day, due_day)
        if skipped:
            text += " (" + ", ".join(f"{name} on {_day(d)}" for d, name in skipped) + ")"
    late = [s for s in spans if not s.counted]
    text += "".join(_paused(rule, s) for s in spans if s.counted)
    if rule.unit == "hours":
        text += f": due {_when(due)}"
        shift = due.astimezone(UK_TIME).utcoffset() != started_at.astimezone(UK_TIME).utcoffset()
        if shift:
            went = "back" if due.astimezone(UK_TIME).dst() == timedelta(0) else "forward"
            text += f", counted in elapsed hours (the clocks went {went} an hour in between)"
    else:
        text += f": due {_day(due_day, weekday=rule.unit == 'working_days')}"
    for span in late:
        text += f". A pause for {_reasons(span)} ({_span_dates(rule, span)}) began after the deadline had"
        text += " passed, so it does not count"
    source = plain_words(rule.source)
    return text + (f". Source: {source}." if source else ".")


_SOURCE_TAG = re.compile(r"\s*\[[A-Za-z0-9&][A-Za-z0-9&.-]*\]")


def plain_words(source: str) -> str:
    """A citation as users read it: DOMAIN.md's source tags ("[DVDS-2023]") belong to docstrings, not to
    pages, so they are taken out ("DVDS statutory guidance 2023 [DVDS-2023]" reads "DVDS statutory guidance
    2023"); a citation that was only tags leaves nothing."""
    words = _SOURCE_TAG.sub("", source)
    words = re.sub(r"\s*;\s*(;\s*)*", "; ", words)
    return words.strip(" ;,.")


def _paused(rule: ClockRule, span: PausedSpan) -> str:
    if span.still_open:
        since = _when(span.start) if rule.unit == "hours" else _day(uk_date(span.start))
        when = f"since {since}, still paused"
    else:
        when = _span_dates(rule, span)
    if rule.unit == "hours":
        return f", paused {_duration(span.end - span.start)}{_so_far(span)} for {_reasons(span)} ({when})"
    if span.moved_by == 0:
        covered = "no working day" if rule.unit == "working_days" else "no whole day"
        return f", paused for {_reasons(span)} ({when}) but over {covered}, so the due date does not move"
    unit = "working day" if rule.unit == "working_days" else "day"
    return f", paused {_count(int(span.moved_by), unit)}{_so_far(span)} for {_reasons(span)} ({when})"


def _so_far(span: PausedSpan) -> str:
    return " so far" if span.still_open else ""


def _reasons(span: PausedSpan) -> str:
    names = list(span.reasons)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _span_dates(rule: ClockRule, span: PausedSpan) -> str:
    if rule.unit == "hours":
        same_day = uk_date(span.start) == uk_date(span.end)
        return f"{_clock(span.start) if same_day else _when(span.start)} to {_when(span.end)}"
    return _date_range(uk_date(span.start), uk_date(span.end))


def _date_range(first: date, last: date) -> str:
    """GOV.UK style ranges use "to", and say the month and year once: "10 to 13 November 2026"."""
    if first == last:
        return _day(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day} to {_day(last)}"
    if first.year == last.year:
        return f"{first.day} {_MONTHS[first.month - 1]} to {_day(last)}"
    return f"{_day(first)} to {_day(last)}"


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# fmt: off
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
# fmt: on


def _day(day: date, *, weekday: bool = False) -> str:
    """GOV.UK style dates ("Friday 18 December 2026"), with our own names so no locale can change them."""
    text = f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    return f"{_WEEKDAYS[day.weekday()]} {text}" if weekday else text


def _when(moment: datetime) -> str:
    """GOV.UK style times in UK time ("10am", "5:30pm", "midday"); midnight says which day it starts, since
    "due midnight on Thursday" is easily read a day late."""
    day = _day(uk_date(moment), weekday=True)
    clock = _clock(moment)
    return f"midnight at the start of {day}" if clock == "midnight" else f"{clock} on {day}"


def _clock(moment: datetime) -> str:
    local = moment.astimezone(UK_TIME)
    if (local.hour, local.minute) in {(0, 0), (12, 0)}:
        return "midnight" if local.hour == 0 else "midday"
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{local.hour % 12 or 12}{minutes}{'am' if local.hour < 12 else 'pm'}"


def _duration(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [_count(n, unit) for n, unit in ((days, "day"), (hours, "hour"), (minutes, "minute")) if n]
    return " ".join(parts) or "less than a minute"


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


# ---------------------------------------------------------------- status


def status(
    deadline: Deadline,
    now: datetime,
    *,
    completed_at: datetime | None = None,
    due_soon: timedelta = timedelta(days=3),
) -> DeadlineStatus:
    """Met or breached once the step is done (done at the due time itself is met); otherwise overdue after the
    due time, due soon within `due_soon` of it, else on track. FOI and inspection returns count cases done
    after 28 and 35 days [FOI-requests][BBC-2025], so "breached" is kept apart from "overdue"."""
    if completed_at is not None:
        late = _utc(completed_at, "completed_at") > deadline.due_at
        return DeadlineStatus.BREACHED if late else DeadlineStatus.MET
    left = deadline.due_at - _utc(now, "now")
    if left < timedelta(0):
        return DeadlineStatus.OVERDUE
    return DeadlineStatus.DUE_SOON if left <= due_soon else DeadlineStatus.ON_TRACK


def remaining(deadline: Deadline, now: datetime) -> str:
    """Time left in words for a queue: "2 days left", "due today", "overdue by 5 days".

    Day rules count UK calendar days (due tomorrow is "1 day left", the day after the due day is "overdue by
    1 day"). Hours rules count elapsed time, rounded down so time left is never overstated: hours under 48
    ("14 hours left", "overdue by 3 hours"), whole days beyond."""
    now = _utc(now, "now")
    gap = deadline.due_at - now
    if deadline.rule.unit == "hours":
        size = abs(gap)
        if size < timedelta(hours=1):
            amount = "less than an hour"
        elif size < timedelta(hours=48):
            amount = _count(size // timedelta(hours=1), "hour")
        else:
            amount = _count(size.days, "day")
        return f"overdue by {amount}" if gap < timedelta(0) else f"{amount} left"
    days = (uk_date(deadline.due_at) - uk_date(now)).days
    if gap < timedelta(0):
        return f"overdue by {_count(max(1, -days), 'day')}"
    return "due today" if days == 0 else f"{_count(days, 'day')} left"


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` earlier, or that month's last day where it is shorter
    (31 March less one month is 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))
