"""Clocks: working days by nation, deadlines in hours, calendar and working days, pauses and explanations."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from disclosure.clocks import (
    ClockRule,
    DeadlineStatus,
    Nation,
    Pause,
    WorkingCalendar,
    compute_deadline,
    remaining,
    status,
)

ENGLAND = WorkingCalendar(Nation.ENGLAND)
NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)


def at(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)


def test_christmas_and_new_year_are_skipped_with_the_substitute_boxing_day() -> None:
    # Friday 18 December 2026: Christmas Day is a Friday, Boxing Day a Saturday (substitute Monday 28th).
    assert ENGLAND.add_working_days(date(2026, 12, 18), 10) == date(2027, 1, 6)


@pytest.mark.parametrize(
    ("nation", "day", "working"),
    [
        (Nation.SCOTLAND, date(2026, 11, 30), False),  # St Andrew's Day
        (Nation.ENGLAND, date(2026, 11, 30), True),
        (Nation.NORTHERN_IRELAND, date(2026, 3, 17), False),  # St Patrick's Day
        (Nation.WALES, date(2026, 3, 17), True),
        (Nation.SCOTLAND, date(2026, 1, 2), False),
        (Nation.ENGLAND, date(2026, 1, 2), True),
        (Nation.ENGLAND, date(2026, 4, 6), False),  # Easter Monday
        (Nation.SCOTLAND, date(2026, 4, 6), True),
        (Nation.ENGLAND, date(2026, 11, 28), False),  # Saturday
    ],
)
def test_each_nation_has_its_own_bank_holidays(nation: Nation, day: date, working: bool) -> None:
    assert WorkingCalendar(nation).is_working_day(day) is working


def test_a_force_added_holiday_moves_a_deadline() -> None:
    rule = ClockRule("Face-to-face meeting", 10, "working_days")
    plain = compute_deadline(rule, at(2026, 11, 2), [], ENGLAND, now=NOW)
    extra = WorkingCalendar(Nation.ENGLAND, ((date(2026, 11, 5), "Royal event"),))
    moved = compute_deadline(rule, at(2026, 11, 2), [], extra, now=NOW)
    assert moved.due_at.date() == plain.due_at.date() + timedelta(days=1)
    assert "Royal event" in moved.explanation


def test_the_dvds_28_days_and_the_2016_35_days() -> None:
    start = at(2026, 11, 3)
    assert compute_deadline(
        ClockRule("Whole process", 28, "calendar_days"), start, now=NOW
    ).due_at.date() == date(2026, 12, 1)
    assert compute_deadline(
        ClockRule("Whole process", 35, "calendar_days"), start, now=NOW
    ).due_at.date() == date(2026, 12, 8)


def test_a_day_deadline_ends_at_the_end_of_the_uk_day() -> None:
    due = compute_deadline(ClockRule("Whole process", 28, "calendar_days"), at(2026, 7, 1), now=NOW).due_at
    assert due == datetime(2026, 7, 29, 22, 59, 59, tzinfo=UTC)  # 23:59:59 BST


def test_hours_are_elapsed_hours_across_the_clock_change() -> None:
    # Clocks go back at 02:00 BST on 25 October 2026.
    start = datetime(2026, 10, 24, 23, 30, tzinfo=UTC)
    due = compute_deadline(ClockRule("Initial checks", 24, "hours"), start, now=NOW).due_at
    assert due - start == timedelta(hours=24)


def test_a_pause_moves_the_deadline_and_is_explained() -> None:
    rule = ClockRule("Whole process", 28, "calendar_days", "DVDS statutory guidance 2023")
    pause = Pause(at(2026, 11, 10), at(2026, 11, 13), "awaiting partner information")
    deadline = compute_deadline(rule, at(2026, 11, 3), [pause], ENGLAND, now=NOW)
    assert deadline.due_at.date() == date(2026, 12, 4)
    text = deadline.explanation
    for part in (
        "28 days from first contact on 3 November 2026",
        "paused 3 days for awaiting partner information",
        "due 4 December 2026",
        "DVDS statutory guidance 2023",
    ):
        assert part in text


def test_overlapping_pauses_count_once() -> None:
    rule = ClockRule("Whole process", 28, "calendar_days")
    pauses = [
        Pause(at(2026, 11, 10), at(2026, 11, 13), "one"),
        Pause(at(2026, 11, 12), at(2026, 11, 14), "two"),
    ]
    deadline = compute_deadline(rule, at(2026, 11, 3), pauses, ENGLAND, now=NOW)
    assert deadline.due_at.date() == date(2026, 12, 5)
    assert deadline.paused_days == 4


def test_an_open_pause_counts_up_to_now() -> None:
    rule = ClockRule("Whole process", 28, "calendar_days")
    deadline = compute_deadline(
        rule, at(2026, 11, 3), [Pause(at(2026, 11, 20), None, "applicant abroad")], now=NOW
    )
    assert deadline.due_at.date() == date(2026, 12, 5)


def test_a_pause_after_the_deadline_cannot_save_it() -> None:
    rule = ClockRule("Initial checks", 24, "hours")
    late = Pause(at(2026, 11, 5), at(2026, 11, 6), "too late")
    assert compute_deadline(rule, at(2026, 11, 3), [late], now=NOW).due_at == at(2026, 11, 4)


def test_working_day_pauses_count_working_days() -> None:
    rule = ClockRule("Face-to-face meeting", 10, "working_days")
    plain = compute_deadline(rule, at(2026, 11, 2), [], ENGLAND, now=NOW)
    # Friday to Monday covers one working day (the Monday)
    paused = compute_deadline(
        rule, at(2026, 11, 2), [Pause(at(2026, 11, 6), at(2026, 11, 9), "x")], ENGLAND, now=NOW
    )
    assert ENGLAND.working_days_between(plain.due_at.date(), paused.due_at.date()) == 1
    assert "not counting weekends and bank holidays in England" in paused.explanation


def test_status_and_words_for_each_case() -> None:
    deadline = compute_deadline(ClockRule("Whole process", 28, "calendar_days"), at(2026, 11, 3), now=NOW)
    assert status(deadline, NOW) is DeadlineStatus.ON_TRACK
    assert status(deadline, at(2026, 11, 30)) is DeadlineStatus.DUE_SOON
    assert status(deadline, at(2026, 12, 3)) is DeadlineStatus.OVERDUE
    assert status(deadline, at(2026, 12, 3), completed_at=at(2026, 11, 20)) is DeadlineStatus.MET
    assert status(deadline, at(2026, 12, 3), completed_at=at(2026, 12, 2)) is DeadlineStatus.BREACHED
    assert remaining(deadline, NOW) == "7 days left"
    assert remaining(deadline, at(2026, 12, 1, 9)) == "due today"
    assert remaining(deadline, at(2026, 12, 4, 12)) == "overdue by 2 days"
    hours = compute_deadline(ClockRule("Initial checks", 24, "hours"), at(2026, 11, 24, 2), now=NOW)
    assert remaining(hours, NOW) == "14 hours left"


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=1, max_value=40),
    st.sampled_from(list(Nation)),
)
def test_adding_working_days_lands_on_a_working_day_n_working_days_later(
    start: date, n: int, nation: Nation
) -> None:
    calendar = WorkingCalendar(nation)
    result = calendar.add_working_days(start, n)
    assert result > start and calendar.is_working_day(result)
    assert calendar.working_days_between(start, result) == n


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=0, max_value=40),
    st.integers(min_value=0, max_value=20),
    st.sampled_from(["hours", "calendar_days", "working_days"]),
)
def test_pauses_never_make_a_deadline_earlier(offset: int, length: int, unit: str) -> None:
    rule = ClockRule("Rule", 10, unit)  # type: ignore[arg-type]
    start = at(2026, 6, 1)
    pause = Pause(start + timedelta(days=offset), start + timedelta(days=offset + length), "reason")
    plain = compute_deadline(rule, start, [], ENGLAND, now=start + timedelta(days=90))
    paused = compute_deadline(rule, start, [pause], ENGLAND, now=start + timedelta(days=90))
    assert paused.due_at >= plain.due_at
