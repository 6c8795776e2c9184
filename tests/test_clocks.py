"""Clocks: bank holidays by nation, working days, deadlines in hours, calendar and working days, pauses,
explanations, status and time left. Dates are checked against the 2026 and 2027 UK bank holiday lists."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from disclosure.clocks import (
    ClockRule,
    DeadlineStatus,
    Nation,
    Pause,
    WorkingCalendar,
    bank_holidays,
    compute_deadline,
    plain_words,
    remaining,
    status,
)
from disclosure.force.models import NATIONS

UK = ZoneInfo("Europe/London")
ENGLAND = WorkingCalendar(Nation.ENGLAND)
SCOTLAND = WorkingCalendar(Nation.SCOTLAND)
NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)

DVDS_28 = ClockRule("Whole process", 28, "calendar_days", "DVDS statutory guidance 2023 [DVDS-2023]")
DVDS_35 = ClockRule("Whole process", 35, "calendar_days", "DVDS guidance 2016 [Lancs]")
MEETING = ClockRule("Face-to-face meeting", 10, "working_days", "[Sussex-2014]")
CSODS_MEETING = ClockRule("Interview", 10, "working_days", "[ASP-CSODS]")
CHECKS = ClockRule("Initial checks", 24, "hours", "[Sussex-2014]")


def at(y: int, m: int, d: int, h: int = 10, minute: int = 0) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=UTC)


def uk(y: int, m: int, d: int, h: int, minute: int = 0) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=UK)


# ---------------------------------------------------------------- nations and bank holidays


def test_nations_are_the_force_profile_nations() -> None:
    assert {n.value for n in Nation} == set(NATIONS)
    assert {n.label for n in Nation} == set(NATIONS.values())


@pytest.mark.parametrize(
    ("nation", "day", "name"),
    [
        (Nation.SCOTLAND, date(2026, 11, 30), "Saint Andrew's Day"),
        (Nation.SCOTLAND, date(2026, 1, 2), "New Year Holiday"),
        (Nation.NORTHERN_IRELAND, date(2026, 3, 17), "Saint Patrick's Day"),
        (Nation.NORTHERN_IRELAND, date(2026, 7, 13), "Battle of the Boyne (substitute day)"),
        (Nation.WALES, date(2026, 4, 6), "Easter Monday"),
        (Nation.ENGLAND, date(2026, 4, 6), "Easter Monday"),
        (Nation.ENGLAND, date(2026, 12, 28), "Boxing Day (substitute day)"),
        (Nation.ENGLAND, date(2023, 5, 8), "Coronation of Charles III"),
    ],
)
def test_each_nation_has_its_own_named_bank_holidays(nation: Nation, day: date, name: str) -> None:
    assert bank_holidays(nation, [day.year])[day] == name


@pytest.mark.parametrize(
    ("nation", "day"),
    [
        (Nation.ENGLAND, date(2026, 11, 30)),
        (Nation.WALES, date(2026, 3, 17)),
        (Nation.SCOTLAND, date(2026, 4, 6)),
        (Nation.ENGLAND, date(2026, 1, 2)),
        (Nation.WALES, date(2026, 1, 2)),
        (Nation.NORTHERN_IRELAND, date(2026, 11, 30)),
    ],
)
def test_another_nations_holiday_is_not_a_holiday(nation: Nation, day: date) -> None:
    assert day not in bank_holidays(nation, [day.year])
    assert WorkingCalendar(nation).is_working_day(day)


def test_bank_holidays_cover_the_years_asked_and_the_force_s_extra_days() -> None:
    extra = [
        (date(2026, 11, 5), "Royal event"),
        (date(2027, 2, 1), "Another year"),
        (date(2026, 12, 25), "X"),
    ]
    found = bank_holidays("england", [2026], extra)
    assert found[date(2026, 11, 5)] == "Royal event"
    assert date(2027, 2, 1) not in found  # not in the years asked
    assert found[date(2026, 12, 25)] == "Christmas Day"  # a national holiday keeps its name
    assert {d.year for d in bank_holidays(Nation.WALES, [2026, 2027])} == {2026, 2027}
    assert list(found) == sorted(found)


def test_an_unknown_nation_is_refused() -> None:
    with pytest.raises(ValueError, match="atlantis"):
        WorkingCalendar("atlantis")


# ---------------------------------------------------------------- working days


@pytest.mark.parametrize(
    ("nation", "day", "working"),
    [
        (Nation.SCOTLAND, date(2026, 11, 30), False),  # Saint Andrew's Day, a Monday
        (Nation.NORTHERN_IRELAND, date(2026, 3, 17), False),
        (Nation.SCOTLAND, date(2026, 1, 2), False),
        (Nation.ENGLAND, date(2026, 4, 6), False),
        (Nation.WALES, date(2026, 4, 6), False),
        (Nation.ENGLAND, date(2026, 11, 28), False),  # Saturday
        (Nation.ENGLAND, date(2026, 11, 29), False),  # Sunday
        (Nation.ENGLAND, date(2026, 12, 26), False),  # Boxing Day, a Saturday
        (Nation.ENGLAND, date(2026, 12, 28), False),  # its substitute Monday
        (Nation.ENGLAND, date(2026, 12, 29), True),
    ],
)
def test_working_days_exclude_weekends_and_the_nation_s_holidays(
    nation: Nation, day: date, working: bool
) -> None:
    assert WorkingCalendar(nation).is_working_day(day) is working


def test_ten_working_days_from_the_friday_before_christmas_skip_christmas_boxing_and_new_year() -> None:
    # Friday 18 December 2026: Christmas Day is a Friday, Boxing Day a Saturday (substitute Monday 28th),
    # New Year's Day a Friday. Counted: 21 22 23 24, 29 30 31, 4 5 6 January.
    assert ENGLAND.add_working_days(date(2026, 12, 18), 10) == date(2027, 1, 6)
    # Scotland also keeps 2 January (a Saturday in 2027, so Monday 4 January instead).
    assert SCOTLAND.add_working_days(date(2026, 12, 18), 10) == date(2027, 1, 7)
    assert ENGLAND.working_days_between(date(2026, 12, 18), date(2027, 1, 6)) == 10


def test_the_next_working_day_after_new_year_s_eve_is_the_monday() -> None:
    assert ENGLAND.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


@pytest.mark.parametrize(
    ("nation", "expected"),
    [
        (Nation.ENGLAND, date(2026, 4, 7)),  # Good Friday and Easter Monday
        (Nation.WALES, date(2026, 4, 7)),
        (Nation.NORTHERN_IRELAND, date(2026, 4, 7)),
        (Nation.SCOTLAND, date(2026, 4, 6)),  # Good Friday only
    ],
)
def test_easter_monday_is_a_holiday_everywhere_but_scotland(nation: Nation, expected: date) -> None:
    assert WorkingCalendar(nation).add_working_days(date(2026, 4, 2), 1) == expected


@pytest.mark.parametrize(
    ("nation", "expected"),
    [(Nation.ENGLAND, date(2026, 1, 2)), (Nation.SCOTLAND, date(2026, 1, 5))],
)
def test_scotland_keeps_the_second_of_january(nation: Nation, expected: date) -> None:
    assert WorkingCalendar(nation).add_working_days(date(2025, 12, 31), 1) == expected


@pytest.mark.parametrize("start", [date(2026, 12, 5), date(2026, 12, 6)])
def test_a_weekend_start_counts_from_the_monday(start: date) -> None:
    assert ENGLAND.add_working_days(start, 1) == date(2026, 12, 7)
    assert ENGLAND.add_working_days(start, 5) == date(2026, 12, 11)


def test_zero_working_days_is_the_start_day_and_negative_counts_are_refused() -> None:
    assert ENGLAND.add_working_days(date(2026, 12, 5), 0) == date(2026, 12, 5)
    with pytest.raises(ValueError, match="negative"):
        ENGLAND.add_working_days(date(2026, 12, 5), -1)


def test_working_days_between_counts_after_the_first_day_and_is_signed() -> None:
    assert ENGLAND.working_days_between(date(2026, 11, 2), date(2026, 11, 2)) == 0
    assert ENGLAND.working_days_between(date(2026, 11, 2), date(2026, 11, 9)) == 5
    assert ENGLAND.working_days_between(date(2026, 11, 9), date(2026, 11, 2)) == -5


def test_a_datetime_is_refused_where_a_uk_date_is_meant() -> None:
    # 23:30 UTC on 1 July is already 2 July in the UK: taking .date() silently would count the wrong day.
    with pytest.raises(TypeError, match="UK calendar date"):
        ENGLAND.add_working_days(datetime(2026, 7, 1, 23, 30, tzinfo=UTC), 1)


def test_a_force_added_holiday_is_skipped_and_listed() -> None:
    calendar = WorkingCalendar(Nation.ENGLAND, {date(2026, 11, 5): "Royal event"})
    assert not calendar.is_working_day(date(2026, 11, 5))
    assert calendar.holiday(date(2026, 11, 5)) == "Royal event"
    assert calendar.add_working_days(date(2026, 11, 2), 10) == date(2026, 11, 17)
    assert calendar.holidays_skipped(date(2026, 11, 2), date(2026, 11, 17)) == [
        (date(2026, 11, 5), "Royal event")
    ]


def test_calendars_with_the_same_nation_and_holidays_are_equal() -> None:
    day = date(2026, 11, 5)
    assert WorkingCalendar("england", {day: "Royal event"}) == WorkingCalendar(
        Nation.ENGLAND, [(day, "Royal event")]
    )
    assert hash(WorkingCalendar("wales")) == hash(WorkingCalendar(Nation.WALES))
    assert WorkingCalendar("wales") != WorkingCalendar("england")


# ---------------------------------------------------------------- deadlines without pauses


def test_the_dvds_28_days_and_the_2016_35_days_end_at_the_end_of_the_uk_day() -> None:
    start = at(2026, 11, 3)
    assert compute_deadline(DVDS_28, start, now=NOW).due_at == datetime(2026, 12, 1, 23, 59, 59, tzinfo=UTC)
    assert compute_deadline(DVDS_35, start, now=NOW).due_at == datetime(2026, 12, 8, 23, 59, 59, tzinfo=UTC)


def test_a_summer_deadline_ends_at_midnight_bst() -> None:
    due = compute_deadline(DVDS_28, at(2026, 7, 1), now=NOW).due_at
    assert due == datetime(2026, 7, 29, 22, 59, 59, tzinfo=UTC)
    assert due.astimezone(UK).strftime("%H:%M:%S") == "23:59:59"


def test_a_deadline_across_the_october_clock_change_ends_at_midnight_gmt() -> None:
    due = compute_deadline(DVDS_28, at(2026, 10, 1), now=NOW).due_at
    assert due == datetime(2026, 10, 29, 23, 59, 59, tzinfo=UTC)


def test_the_start_day_is_the_uk_day_of_the_start_event() -> None:
    # 23:30 UTC on 1 July is 00:30 BST on 2 July.
    deadline = compute_deadline(DVDS_28, at(2026, 7, 1, 23, 30), now=NOW)
    assert deadline.due_at.astimezone(UK).date() == date(2026, 7, 30)
    assert "first contact on 2 July 2026" in deadline.explanation


def test_csods_ten_working_days_and_the_dvds_meeting_use_the_force_s_nation() -> None:
    start = uk(2026, 11, 23, 9)  # Monday; Saint Andrew's Day is Monday 30 November
    assert compute_deadline(CSODS_MEETING, start, (), ENGLAND, now=NOW).due_at.date() == date(2026, 12, 7)
    scottish = compute_deadline(CSODS_MEETING, start, (), SCOTLAND, now=NOW)
    assert scottish.due_at.date() == date(2026, 12, 8)
    assert "bank holidays in Scotland (Saint Andrew's Day on 30 November 2026)" in scottish.explanation


def test_saint_patrick_s_day_moves_a_northern_irish_meeting() -> None:
    start = uk(2026, 3, 9, 9)
    wales = compute_deadline(MEETING, start, (), WorkingCalendar(Nation.WALES), now=NOW)
    ulster = compute_deadline(MEETING, start, (), WorkingCalendar(Nation.NORTHERN_IRELAND), now=NOW)
    assert (wales.due_at.date(), ulster.due_at.date()) == (date(2026, 3, 23), date(2026, 3, 24))
    assert "Saint Patrick's Day on 17 March 2026" in ulster.explanation


def test_a_working_day_deadline_over_christmas_explains_the_holidays_it_skipped() -> None:
    deadline = compute_deadline(MEETING, uk(2026, 12, 18, 15), (), ENGLAND, now=NOW)
    assert deadline.due_at == datetime(2027, 1, 6, 23, 59, 59, tzinfo=UTC)
    assert deadline.explanation == (
        "10 working days from first contact on Friday 18 December 2026, not counting weekends and bank "
        "holidays in England (Christmas Day on 25 December 2026, Boxing Day (substitute day) on 28 December "
        "2026, New Year's Day on 1 January 2027): due Wednesday 6 January 2027."
    )


def test_a_force_added_holiday_moves_a_deadline() -> None:
    plain = compute_deadline(MEETING, at(2026, 11, 2), (), ENGLAND, now=NOW)
    extra = WorkingCalendar(Nation.ENGLAND, [(date(2026, 11, 5), "Royal event")])
    moved = compute_deadline(MEETING, at(2026, 11, 2), (), extra, now=NOW)
    assert (plain.due_at.date(), moved.due_at.date()) == (date(2026, 11, 16), date(2026, 11, 17))
    assert "Royal event on 5 November 2026" in moved.explanation


def test_twenty_four_hours_are_a_day_later_at_the_same_time() -> None:
    deadline = compute_deadline(CHECKS, at(2026, 11, 3, 10, 15), now=NOW)
    assert deadline.due_at == at(2026, 11, 4, 10, 15)
    assert deadline.explanation == (
        "24 hours from first contact at 10:15am on Tuesday 3 November 2026: "
        "due 10:15am on Wednesday 4 November 2026."
    )


def test_hours_are_elapsed_hours_when_the_clocks_go_back() -> None:
    # 00:30 BST on Sunday 25 October 2026; the clocks go back at 02:00 BST. 24 elapsed hours later it is
    # 23:30 GMT the same Sunday, not 00:30 on Monday.
    start = uk(2026, 10, 25, 0, 30)
    deadline = compute_deadline(CHECKS, start, now=NOW)
    assert deadline.due_at == datetime(2026, 10, 25, 23, 30, tzinfo=UTC)
    assert deadline.due_at.astimezone(UK).timetuple()[:5] == (2026, 10, 25, 23, 30)
    assert "due 11:30pm on Sunday 25 October 2026" in deadline.explanation
    assert "the clocks went back an hour in between" in deadline.explanation


def test_hours_are_elapsed_hours_when_the_clocks_go_forward() -> None:
    # 00:30 GMT on Sunday 29 March 2026; the clocks go forward at 01:00 GMT: due 01:30 BST on Monday.
    deadline = compute_deadline(CHECKS, uk(2026, 3, 29, 0, 30), now=NOW)
    assert deadline.due_at.astimezone(UK).timetuple()[:5] == (2026, 3, 30, 1, 30)
    assert "the clocks went forward an hour in between" in deadline.explanation
    assert "clocks went" not in compute_deadline(CHECKS, at(2026, 3, 20), now=NOW).explanation


def test_midnight_and_midday_are_written_in_words() -> None:
    deadline = compute_deadline(
        ClockRule("Return interview", 72, "hours", event="return"), uk(2026, 11, 2, 0)
    )
    assert "72 hours from return at midnight at the start of Monday 2 November 2026" in deadline.explanation
    assert "due midnight at the start of Thursday 5 November 2026" in deadline.explanation
    assert "at midday" in compute_deadline(CHECKS, uk(2026, 11, 2, 12), now=NOW).explanation


@pytest.mark.parametrize(
    ("rule", "words"),
    [(CHECKS, "24 hours from"), (DVDS_28, "28 days from"), (MEETING, "10 working days from")],
)
def test_every_explanation_names_start_rule_pause_reason_due_date_and_source(
    rule: ClockRule, words: str
) -> None:
    pause = Pause(at(2026, 11, 3, 12), at(2026, 11, 5, 12), "waiting for the applicant's safe time")
    deadline = compute_deadline(rule, at(2026, 11, 3, 9), [pause], ENGLAND, now=NOW)
    due_day = deadline.due_at.astimezone(UK).date()
    text = deadline.explanation
    assert text.startswith(words) and "first contact" in text
    assert "3 November 2026" in text.split(": due ")[0]
    assert "waiting for the applicant's safe time" in text
    assert f"{due_day.day} {due_day:%B %Y}" in text.split(": due ")[1]
    source = plain_words(rule.source)  # a source given only as tags has no words to print
    assert text.endswith(f"Source: {source}." if source else "2026.") and "[" not in text


def test_rules_are_checked_when_made() -> None:
    with pytest.raises(ValueError, match="unit must be one of"):
        ClockRule("Whole process", 28, "weeks")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        ClockRule("Whole process", -1, "calendar_days")


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        compute_deadline(DVDS_28, datetime(2026, 11, 3, 10), now=NOW)  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone-aware"):
        Pause(datetime(2026, 11, 3, 10), None, "x")  # noqa: DTZ001
    with pytest.raises(ValueError, match="cannot end before it starts"):
        Pause(at(2026, 11, 3), at(2026, 11, 2), "x")


# ---------------------------------------------------------------- pauses


def test_a_pause_moves_the_deadline_by_the_days_it_covered_and_is_explained() -> None:
    pause = Pause(at(2026, 11, 10), at(2026, 11, 13), "awaiting partner information")
    deadline = compute_deadline(DVDS_28, at(2026, 11, 3), [pause], ENGLAND, now=NOW)
    assert deadline.due_at.date() == date(2026, 12, 4)
    assert deadline.paused_days == 3
    assert deadline.explanation == (
        "28 days from first contact on 3 November 2026, paused 3 days for awaiting partner information "
        "(10 to 13 November 2026): due 4 December 2026. Source: DVDS statutory guidance 2023."
    )


def test_overlapping_pauses_are_merged_and_never_counted_twice() -> None:
    pauses = [
        Pause(at(2026, 11, 12), at(2026, 11, 14), "applicant in hospital"),
        Pause(at(2026, 11, 10), at(2026, 11, 13), "awaiting partner information"),
    ]
    deadline = compute_deadline(DVDS_28, at(2026, 11, 3), pauses, ENGLAND, now=NOW)
    assert deadline.paused_days == 4  # 10 to 14 November, not 3 + 2
    assert deadline.due_at.date() == date(2026, 12, 5)
    assert (
        "paused 4 days for awaiting partner information and applicant in hospital (10 to 14 November 2026)"
        in (deadline.explanation)
    )
    twice = compute_deadline(DVDS_28, at(2026, 11, 3), [*pauses, *pauses], ENGLAND, now=NOW)
    assert twice.due_at == deadline.due_at


def test_a_pause_inside_another_adds_nothing() -> None:
    outer = Pause(at(2026, 11, 4, 9), at(2026, 11, 4, 20), "outer")
    inner = Pause(at(2026, 11, 4, 12), at(2026, 11, 4, 13), "inner")
    alone = compute_deadline(CHECKS, at(2026, 11, 3), [outer], now=NOW)
    both = compute_deadline(CHECKS, at(2026, 11, 3), [outer, inner], now=NOW)
    assert both.due_at == alone.due_at == at(2026, 11, 4, 21)


def test_separate_pauses_each_count() -> None:
    pauses = [
        Pause(at(2026, 11, 5), at(2026, 11, 7), "first"),
        Pause(at(2026, 11, 16), at(2026, 11, 17), "second"),
    ]
    deadline = compute_deadline(DVDS_28, at(2026, 11, 3), pauses, ENGLAND, now=NOW)
    assert deadline.due_at.date() == date(2026, 12, 4)
    assert "paused 2 days for first (5 to 7 November 2026), paused 1 day for second" in deadline.explanation


def test_an_open_pause_counts_up_to_now_and_keeps_moving_the_deadline() -> None:
    pauses = [Pause(at(2026, 11, 20), None, "applicant abroad")]
    deadline = compute_deadline(DVDS_28, at(2026, 11, 3), pauses, ENGLAND, now=NOW)
    assert deadline.due_at.date() == date(2026, 12, 5)  # 1 December plus 20 to 24 November
    assert deadline.is_paused
    assert (
        "paused 4 days so far for applicant abroad (since 20 November 2026, still paused)"
        in deadline.explanation
    )
    later = compute_deadline(DVDS_28, at(2026, 11, 3), pauses, ENGLAND, now=NOW + timedelta(days=10))
    assert later.due_at.date() == date(2026, 12, 15)
    assert status(later, NOW + timedelta(days=10)) is DeadlineStatus.ON_TRACK


def test_an_open_pause_on_an_hours_rule_counts_elapsed_time() -> None:
    pauses = [Pause(at(2026, 11, 3, 12), None, "applicant cannot talk safely")]
    deadline = compute_deadline(CHECKS, at(2026, 11, 3, 10), pauses, now=at(2026, 11, 3, 15, 30))
    assert deadline.due_at == at(2026, 11, 4, 13, 30)
    assert "paused 3 hours 30 minutes so far for applicant cannot talk safely" in deadline.explanation
    assert "(since midday on Tuesday 3 November 2026, still paused)" in deadline.explanation


def test_a_closed_pause_on_an_hours_rule_extends_by_its_duration() -> None:
    pauses = [Pause(at(2026, 11, 3, 12), at(2026, 11, 3, 14, 30), "risk assessor unavailable")]
    deadline = compute_deadline(CHECKS, at(2026, 11, 3, 10), pauses, now=NOW)
    assert deadline.due_at == at(2026, 11, 4, 12, 30)
    assert "paused 2 hours 30 minutes for risk assessor unavailable" in deadline.explanation
    assert "(midday to 2:30pm on Tuesday 3 November 2026)" in deadline.explanation
    assert not deadline.is_paused


@pytest.mark.parametrize("rule", [CHECKS, DVDS_28], ids=["hours", "calendar_days"])
def test_a_pause_after_the_deadline_has_passed_does_not_count(rule: ClockRule) -> None:
    late = Pause(at(2026, 12, 5), at(2026, 12, 9), "too late")
    plain = compute_deadline(rule, at(2026, 11, 3), [], ENGLAND, now=NOW)
    deadline = compute_deadline(rule, at(2026, 11, 3), [late], ENGLAND, now=NOW)
    assert deadline.due_at == plain.due_at
    assert deadline.paused_days == 0
    assert "A pause for too late" in deadline.explanation and "does not count" in deadline.explanation


def test_an_open_pause_after_the_deadline_does_not_hold_the_clock() -> None:
    deadline = compute_deadline(CHECKS, at(2026, 11, 3), [Pause(at(2026, 11, 5), None, "late")], now=NOW)
    assert deadline.due_at == at(2026, 11, 4)
    assert not deadline.is_paused
    assert status(deadline, NOW) is DeadlineStatus.OVERDUE


def test_a_pause_that_began_before_the_deadline_counts_in_full() -> None:
    pause = Pause(at(2026, 11, 4, 9), at(2026, 11, 5, 9), "applicant in hospital")
    assert compute_deadline(CHECKS, at(2026, 11, 3), [pause], now=NOW).due_at == at(2026, 11, 5, 10)


def test_a_pause_after_the_first_deadline_counts_when_an_earlier_pause_moved_it() -> None:
    pauses = [
        Pause(at(2026, 11, 3, 12), at(2026, 11, 4, 12), "first"),  # due moves from 4 Nov 10:00 to 5 Nov 10:00
        Pause(at(2026, 11, 4, 20), at(2026, 11, 4, 22), "second"),
    ]
    assert compute_deadline(CHECKS, at(2026, 11, 3), pauses, now=NOW).due_at == at(2026, 11, 5, 12)


def test_pauses_before_the_clock_started_are_clipped_or_ignored() -> None:
    clipped = Pause(at(2026, 11, 1), at(2026, 11, 5), "began before first contact")
    ignored = Pause(at(2026, 10, 1), at(2026, 10, 5), "an earlier case")
    deadline = compute_deadline(DVDS_28, at(2026, 11, 3), [clipped, ignored], ENGLAND, now=NOW)
    assert deadline.paused_days == 2  # 3 to 5 November
    assert "an earlier case" not in deadline.explanation


def test_a_pause_within_one_day_does_not_move_a_day_deadline_and_says_so() -> None:
    pause = Pause(at(2026, 11, 10, 9), at(2026, 11, 10, 17), "interpreter booked")
    deadline = compute_deadline(DVDS_28, at(2026, 11, 3), [pause], ENGLAND, now=NOW)
    assert deadline.due_at.date() == date(2026, 12, 1)
    assert "paused for interpreter booked (10 November 2026) but over no whole day" in deadline.explanation


def test_working_day_pauses_count_only_working_days() -> None:
    start = at(2026, 11, 2)  # Monday; unpaused due Monday 16 November
    friday_to_monday = Pause(at(2026, 11, 6), at(2026, 11, 9), "awaiting probation")
    deadline = compute_deadline(MEETING, start, [friday_to_monday], ENGLAND, now=NOW)
    assert deadline.due_at.date() == date(2026, 11, 17)
    assert "paused 1 working day for awaiting probation (6 to 9 November 2026)" in deadline.explanation
    weekend = Pause(at(2026, 11, 7), at(2026, 11, 8), "weekend")
    unmoved = compute_deadline(MEETING, start, [weekend], ENGLAND, now=NOW)
    assert unmoved.due_at.date() == date(2026, 11, 16)
    assert "over no working day, so the due date does not move" in unmoved.explanation


def test_a_working_day_pause_that_pushes_past_christmas_lists_the_new_holidays() -> None:
    pause = Pause(at(2026, 12, 7), at(2026, 12, 14), "applicant unwell")
    deadline = compute_deadline(MEETING, at(2026, 12, 1), [pause], ENGLAND, now=NOW)
    # Unpaused: Tuesday 15 December; five working days paused: Tuesday 22 December.
    assert deadline.due_at.date() == date(2026, 12, 22)
    pushed = compute_deadline(
        MEETING, at(2026, 12, 1), [Pause(at(2026, 12, 7), at(2026, 12, 21), "x")], now=NOW
    )
    assert pushed.due_at.date() == date(2026, 12, 31)
    assert "Christmas Day on 25 December 2026" in pushed.explanation


def test_pause_order_does_not_matter() -> None:
    pauses = [
        Pause(at(2026, 11, 16), at(2026, 11, 17), "b"),
        Pause(at(2026, 11, 5), at(2026, 11, 7), "a"),
    ]
    forward = compute_deadline(DVDS_28, at(2026, 11, 3), pauses, ENGLAND, now=NOW)
    backward = compute_deadline(DVDS_28, at(2026, 11, 3), pauses[::-1], ENGLAND, now=NOW)
    assert forward == backward


# ---------------------------------------------------------------- status and time left


def test_status_for_each_case() -> None:
    deadline = compute_deadline(DVDS_28, at(2026, 11, 3), now=NOW)  # due end of 1 December
    assert status(deadline, NOW) is DeadlineStatus.ON_TRACK
    assert status(deadline, at(2026, 11, 30)) is DeadlineStatus.DUE_SOON
    assert status(deadline, at(2026, 11, 30), due_soon=timedelta(hours=12)) is DeadlineStatus.ON_TRACK
    assert status(deadline, deadline.due_at) is DeadlineStatus.DUE_SOON
    assert status(deadline, at(2026, 12, 2)) is DeadlineStatus.OVERDUE
    assert status(deadline, at(2026, 12, 3), completed_at=at(2026, 11, 20)) is DeadlineStatus.MET
    assert status(deadline, at(2026, 12, 3), completed_at=deadline.due_at) is DeadlineStatus.MET
    assert status(deadline, at(2026, 12, 3), completed_at=at(2026, 12, 2)) is DeadlineStatus.BREACHED
    assert status(deadline, at(2026, 11, 4), completed_at=at(2026, 11, 4)) is DeadlineStatus.MET


@pytest.mark.parametrize(
    ("now", "words"),
    [
        (NOW, "7 days left"),
        (at(2026, 11, 30, 9), "1 day left"),
        (at(2026, 12, 1, 0, 5), "due today"),
        (at(2026, 12, 1, 23, 59), "due today"),
        (at(2026, 12, 2, 0, 1), "overdue by 1 day"),
        (at(2026, 12, 6, 12), "overdue by 5 days"),
    ],
)
def test_time_left_on_a_day_rule_counts_uk_days(now: datetime, words: str) -> None:
    deadline = compute_deadline(DVDS_28, at(2026, 11, 3), now=NOW)
    assert remaining(deadline, now) == words


def test_time_left_on_a_summer_day_rule_uses_the_uk_date() -> None:
    deadline = compute_deadline(DVDS_28, at(2026, 7, 1), now=NOW)  # end of 29 July BST = 22:59:59 UTC
    assert remaining(deadline, at(2026, 7, 29, 22, 30)) == "due today"
    assert remaining(deadline, at(2026, 7, 29, 23, 30)) == "overdue by 1 day"  # 00:30 BST on 30 July


@pytest.mark.parametrize(
    ("now", "words"),
    [
        (at(2026, 11, 3, 10), "24 hours left"),
        (at(2026, 11, 3, 20, 30), "13 hours left"),
        (at(2026, 11, 4, 9, 30), "less than an hour left"),
        (at(2026, 11, 4, 10, 30), "overdue by less than an hour"),
        (at(2026, 11, 4, 13, 59), "overdue by 3 hours"),
        (at(2026, 11, 23, 11), "overdue by 19 days"),
    ],
)
def test_time_left_on_an_hours_rule_counts_elapsed_time(now: datetime, words: str) -> None:
    deadline = compute_deadline(CHECKS, at(2026, 11, 3), now=NOW)
    assert remaining(deadline, now) == words


def test_a_72_hour_return_interview_shows_days_left() -> None:
    deadline = compute_deadline(ClockRule("Return interview", 72, "hours", event="return"), at(2026, 11, 3))
    assert remaining(deadline, at(2026, 11, 3)) == "3 days left"


# ---------------------------------------------------------------- properties

NATION_CALENDARS = st.builds(
    WorkingCalendar,
    st.sampled_from(list(Nation)),
    st.lists(st.tuples(st.dates(date(2020, 1, 1), date(2031, 12, 31)), st.just("Force holiday")), max_size=5),
)


@settings(max_examples=300, deadline=None)
@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)), st.integers(1, 60), NATION_CALENDARS
)
def test_adding_working_days_lands_on_a_working_day_n_working_days_later(
    start: date, n: int, calendar: WorkingCalendar
) -> None:
    result = calendar.add_working_days(start, n)
    assert result > start
    assert calendar.is_working_day(result)
    assert calendar.working_days_between(start, result) == n
    assert calendar.add_working_days(start, n - 1) < result


MOMENTS = st.datetimes(datetime(2026, 1, 1), datetime(2027, 3, 1), timezones=st.just(UTC))  # noqa: DTZ001
PAUSES = st.builds(
    lambda start, hours, open_: Pause(start, None if open_ else start + timedelta(hours=hours), "reason"),
    MOMENTS,
    st.integers(0, 24 * 20),
    st.booleans(),
)
RULES = st.builds(
    ClockRule,
    st.just("Rule"),
    st.integers(0, 40),
    st.sampled_from(["hours", "calendar_days", "working_days"]),
)


@settings(max_examples=300, deadline=None)
@given(RULES, MOMENTS, st.lists(PAUSES, max_size=4), PAUSES, NATION_CALENDARS, st.integers(0, 24 * 120))
def test_pauses_never_make_a_deadline_earlier(
    rule: ClockRule, start: datetime, pauses: list[Pause], extra: Pause, calendar: WorkingCalendar, later: int
) -> None:
    now = start + timedelta(hours=later)
    plain = compute_deadline(rule, start, [], calendar, now=now)
    paused = compute_deadline(rule, start, pauses, calendar, now=now)
    more = compute_deadline(rule, start, [*pauses, extra], calendar, now=now)
    assert plain.due_at <= paused.due_at <= more.due_at
    assert compute_deadline(rule, start, pauses * 2, calendar, now=now).due_at == paused.due_at
    assert compute_deadline(rule, start, pauses[::-1], calendar, now=now).due_at == paused.due_at
    assert paused.paused_days >= 0


def test_explanations_cite_sources_in_words_without_the_source_tags() -> None:
    """Pages read "Source: CSODS police guidance 2023; 24 hours, 10 days, 28 days", never "[ASP-CSODS]"."""
    assert plain_words("CSODS police guidance 2023 [CSODS-2023]; 24 hours, 10 days, 28 days [ASP-CSODS]") == (
        "CSODS police guidance 2023; 24 hours, 10 days, 28 days"
    )
    assert plain_words("Home Office [DVDS-2023][OMG]") == "Home Office"
    assert plain_words("[Sussex-2014]") == ""
    assert plain_words("Force policy (2026)") == "Force policy (2026)"
