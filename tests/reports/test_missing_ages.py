"""Who is a child in the missing-person return: the SQL that counts a year of episodes agrees with
`rules.adult_at`, the rule every other page applies, at its edges: the 18th birthday on the UK day (in the
first hour of a summer day, still the day before in UTC), a 29 February birthday, care and support needs,
and no date of birth [issue 18]."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from time_machine import TimeMachineFixture

from disclosure.db import utcnow
from disclosure.missing import rules
from disclosure.missing import service as missing
from disclosure.people import service as people
from disclosure.people.schemas import PersonDetails
from disclosure.reports import returns
from disclosure.reports.periods import FinancialYear, containing
from tests.builders import date_time_fields
from tests.missing.builders import coordinator, episode_values, return_values
from tests.reports.builders import YEAR, uk

EDGES = [
    # (date of birth, reported (UK time), care status)
    (date(YEAR - 18, 7, 15), uk(YEAR, 7, 15, 0, 30), "none"),  # 18 that UK day; 14 July in UTC
    (date(YEAR - 18, 7, 16), uk(YEAR, 7, 15, 23, 30), "none"),  # 18 tomorrow
    (date(YEAR - 18, 7, 15), uk(YEAR, 7, 14, 23, 59), "none"),  # 18 in a minute
    (date(2004, 2, 29), uk(2022, 2, 28, 12), "none"),  # a leap-day birthday: not yet 18
    (date(2004, 2, 29), uk(2022, 3, 1, 12), "none"),  # 18 on 1 March
    (date(2004, 3, 1), uk(2022, 2, 28, 12), "none"),
    (date(YEAR - 12, 1, 1), uk(YEAR, 6, 1), "adult_care_needs"),  # care and support needs: an adult's rules
    (None, uk(YEAR, 6, 1), "none"),  # no date of birth: a child's rules
    (date(YEAR - 30, 12, 31), uk(YEAR + 1, 1, 1, 0, 0), "none"),
    # The year's own edges: 18 on its first day, on its last, and the day after it.
    (date(YEAR - 18, 4, 1), uk(YEAR, 4, 1, 0, 30), "none"),
    (date(YEAR - 18, 3, 31), uk(YEAR, 4, 1, 0, 30), "none"),
    (date(YEAR + 1 - 18, 3, 31), uk(YEAR + 1, 3, 31, 0, 30), "none"),
    (date(YEAR + 1 - 18, 3, 31), uk(YEAR + 1, 3, 30, 23, 30), "none"),
    (date(YEAR + 1 - 18, 4, 1), uk(YEAR + 1, 3, 31, 23, 30), "none"),
]


def test_the_sql_classification_agrees_with_the_rule_at_every_edge(
    db: Session, time_machine: TimeMachineFixture
) -> None:
    actor, today = coordinator(db), utcnow()
    made: list[tuple[object, datetime, str, date | None]] = []
    for n, (born, reported, care) in enumerate(EDGES):
        who = people.create_person(
            db, actor, PersonDetails(given_names=f"Edge{n}", family_name="Case", date_of_birth=born)
        )
        time_machine.move_to(reported + timedelta(minutes=5), tick=True)
        values = {
            **episode_values(care_status=care, placement="Home"),
            **date_time_fields("reported", reported),
            **date_time_fields("last_seen", reported - timedelta(hours=1)),
        }
        episode = missing.record_episode(db, actor, who.id, values)
        made.append((episode.id, episode.reported_at, care, born))
    time_machine.move_to(today, tick=True)
    found = []
    for episode_id, reported_at, care, born in made:
        year = containing(reported_at)
        e = returns._episodes(db, year)
        adult = db.scalar(select(e.c.adult).where(e.c.id == episode_id))
        assert adult == int(rules.adult_at(care, born, reported_at)), (born, reported_at, care)
        found.append(adult)
    assert found == [1, 0, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 0, 0]


def test_two_first_episodes_at_the_same_moment_make_an_adult_if_either_is_an_adults(
    db: Session, time_machine: TimeMachineFixture
) -> None:
    """A ten-year-old reported twice at the same moment (the second record with care and support needs):
    one person, an adult at that first episode, none a child; each episode still counted on its own."""
    actor, today = coordinator(db), utcnow()
    who = people.create_person(
        db,
        actor,
        PersonDetails(given_names="Twice", family_name="Reported", date_of_birth=date(YEAR - 10, 1, 1)),
    )
    reported = uk(YEAR, 6, 1)
    episodes = []
    for care in ("none", "adult_care_needs"):
        time_machine.move_to(reported + timedelta(hours=2), tick=True)
        values = {
            **episode_values(care_status=care, placement="Home"),
            **date_time_fields("reported", reported),
            **date_time_fields("last_seen", reported - timedelta(hours=1)),
        }
        episode = missing.record_episode(db, actor, who.id, values)
        missing.close_episode(
            db,
            actor,
            episode.id,
            {**return_values(), **date_time_fields("returned", reported), "version": "1"},
        )
        episodes.append(episode)
    assert episodes[0].reported_at == episodes[1].reported_at
    time_machine.move_to(today, tick=True)
    found = returns.scheme_return(db, actor, FinancialYear(YEAR), "missing")
    assert [found.value(k) for k in ("episodes", "child-episodes", "adult-episodes")] == [2, 1, 1]
    assert [found.value(k) for k in ("people", "children", "adults")] == [1, 0, 1]
