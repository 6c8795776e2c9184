"""Return home interviews are for children; an adult (18 or over when the episode is reported, or an adult
with care and support needs) is offered an optional prevention interview instead, with no 72-hour clock,
never overdue and no reason needed for not offering one [MissingPeople-2024] [issue 15]. Every list that
says where interviews stand (the episode, the overview, the person's history, the export, the API and the
partners' digests) tells the two apart; a child's rules stay as they were."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.db import utcnow
from disclosure.errors import FormInvalid
from disclosure.missing import export, rules, service
from disclosure.missing.models import Episode, NotificationItem, ReturnInterview
from tests.builders import sign_in_as
from tests.missing.builders import (
    ADULT_BORN,
    CHILD_BORN,
    agency_id,
    coordinator,
    episode_values,
    person,
    return_values,
    when,
    years_ago,
)
from tests.missing.test_feed import _ago, csv_of, line, run
from tests.pages import PageClient


def _closed(
    db: Session,
    actor: Any,
    born: str,
    *,
    returned_hours_ago: float = 1,
    given: str = "Jamie",
    **overrides: Any,
) -> Episode:
    who = person(db, actor, given=given, born=born)
    episode = service.record_episode(
        db, actor, who.id, episode_values(hours_ago=returned_hours_ago + 5, **overrides)
    )
    service.close_episode(db, actor, episode.id, return_values(hours_ago=returned_hours_ago))
    return episode


@pytest.mark.parametrize(
    ("born", "reported_utc", "adult"),
    [
        (date(2008, 6, 15), datetime(2026, 6, 15, 9, 0, tzinfo=UTC), True),  # the 18th birthday
        (date(2008, 6, 16), datetime(2026, 6, 15, 9, 0, tzinfo=UTC), False),  # the day before it
        # 23:30 UTC on 14 June is 00:30 on the 15th in the UK (summer time): already 18 there.
        (date(2008, 6, 15), datetime(2026, 6, 14, 23, 30, tzinfo=UTC), True),
        (date(2008, 2, 29), datetime(2026, 2, 28, 12, 0, tzinfo=UTC), False),  # a leap-day birthday
        (date(2008, 2, 29), datetime(2026, 3, 1, 12, 0, tzinfo=UTC), True),
        (None, datetime(2026, 6, 15, 9, 0, tzinfo=UTC), False),  # no date of birth: a child's rules
    ],
)
def test_an_adult_is_18_or_over_on_the_uk_day_the_episode_is_reported(
    born: date | None, reported_utc: datetime, adult: bool
) -> None:
    assert rules.adult_at("none", born, reported_utc) is adult


def test_an_adult_with_care_needs_is_an_adult_whatever_the_date_of_birth() -> None:
    assert rules.adult_at("adult_care_needs", date(2015, 1, 1), datetime(2026, 6, 1, tzinfo=UTC))
    assert rules.adult_at("adult_care_needs", None, datetime(2026, 6, 1, tzinfo=UTC))


def test_an_adults_episode_has_an_optional_prevention_interview_never_overdue(db: Session) -> None:
    actor = coordinator(db)
    episode = _closed(db, actor, ADULT_BORN, care_status="none")
    interview = episode.interview
    assert interview is not None and interview.kind == "prevention" and interview.due_at is None
    far_later = utcnow() + timedelta(days=30)
    assert service.interview_state(interview, far_later) == "optional"


def test_an_adult_with_care_needs_gets_a_prevention_interview(db: Session) -> None:
    actor = coordinator(db)
    episode = _closed(db, actor, years_ago(17).isoformat(), care_status="adult_care_needs")
    assert episode.interview is not None and episode.interview.kind == "prevention"


def test_a_child_keeps_the_72_hour_return_home_interview(db: Session) -> None:
    actor = coordinator(db)
    episode = _closed(db, actor, years_ago(17).isoformat())
    interview = episode.interview
    assert interview is not None and interview.kind == "return_home" and episode.returned_at is not None
    assert interview.due_at == episode.returned_at + timedelta(hours=72)
    assert service.interview_state(interview, episode.returned_at + timedelta(hours=73)) == "overdue"


def test_not_offering_needs_a_reason_for_a_child_only(db: Session) -> None:
    actor = coordinator(db)
    child = _closed(db, actor, CHILD_BORN)
    adult = _closed(db, actor, ADULT_BORN, given="Alex", care_status="none")
    with pytest.raises(FormInvalid) as refused:
        service.record_interview(db, actor, child.id, {"outcome": "not_offered"})
    assert "reason" in refused.value.errors
    interview = service.record_interview(db, actor, adult.id, {"outcome": "not_offered"})
    assert interview.outcome == "not_offered" and interview.reason == ""
    with pytest.raises(FormInvalid) as bad:
        service.record_interview(db, actor, adult.id, {"outcome": "due"})
    assert "outcome" in bad.value.errors, "bad input is still refused at its field"


def test_lists_export_and_digests_never_count_an_adult_as_an_overdue_return_home_interview(
    db: Session,
) -> None:
    actor = coordinator(db)
    school = agency_id(db, "education")
    child = _closed(db, actor, CHILD_BORN, returned_hours_ago=80, police_reference="MP/C", school_id=school)
    adult = _closed(
        db,
        actor,
        ADULT_BORN,
        returned_hours_ago=80,
        given="Alex",
        care_status="none",
        police_reference="MP/A",
        school_id=school,
    )
    assert [e.id for e in service.overview(db, actor).interviews_due] == [child.id]
    rows = {row[0]: row for row in export.rows(db, utcnow() - timedelta(days=5))}
    column = export.HEADINGS.index("Return home interview")
    due = export.HEADINGS.index("Interview due by")
    assert rows["MP/C"][column] == "Overdue" and rows["MP/C"][due]
    assert (rows["MP/A"][column], rows["MP/A"][due]) == ("Prevention interview: optional, not recorded", "")
    service.record_interview(
        db,
        actor,
        adult.id,
        {
            "outcome": "declined",
            **when(utcnow() - timedelta(hours=2), "offered"),
            "interviewer_organisation": "Safer Futures",
            "independent": "yes",
        },
    )
    summaries = [
        i.summary
        for i in db.scalars(
            select(NotificationItem).where(
                NotificationItem.episode_id == adult.id, NotificationItem.kind == "interview"
            )
        )
    ]
    assert summaries == ["Prevention interview: declined"]
    [entry] = [t for t in service.timeline(db, [adult]) if "interview" in t.title]
    assert entry.title == "Prevention interview declined"


def test_a_feed_row_for_an_adult_raises_a_prevention_interview(db: Session) -> None:
    actor = coordinator(db)
    returned = {"returned_at": _ago(2), "return_place": "Home", "safe_and_well": "completed"}
    run(
        db,
        actor,
        csv_of(
            line(police_reference="MP/A", date_of_birth=ADULT_BORN, reported_at=_ago(20), **returned),
            line(police_reference="MP/C", given_names="Olu", reported_at=_ago(20), **returned),
        ),
    )
    kinds = dict(
        db.execute(
            select(Episode.police_reference, ReturnInterview.kind).join(
                ReturnInterview, ReturnInterview.episode_id == Episode.id
            )
        ).all()
    )
    assert kinds == {"MP/A": "prevention", "MP/C": "return_home"}
    adult = db.scalar(select(ReturnInterview).join(Episode).where(Episode.police_reference == "MP/A"))
    assert adult is not None and adult.due_at is None


def test_a_return_from_the_feed_for_an_adult_raises_a_prevention_interview(db: Session) -> None:
    actor = coordinator(db)
    run(db, actor, csv_of(line(date_of_birth=ADULT_BORN, reported_at=_ago(20))))
    run(
        db,
        actor,
        csv_of(
            line(
                date_of_birth=ADULT_BORN,
                reported_at=_ago(20),
                returned_at=_ago(2),
                return_place="Home",
                safe_and_well="completed",
            )
        ),
    )
    episode = db.scalar(select(Episode).where(Episode.police_reference == "MP/26/0001"))
    assert episode is not None and episode.interview is not None and episode.interview.kind == "prevention"


# ------------------------------------------------------------------------------------------- pages


def test_an_adults_episode_page_offers_an_optional_prevention_interview(
    db: Session, client: PageClient
) -> None:
    actor = coordinator(db)
    adult = _closed(db, actor, ADULT_BORN, care_status="none")
    child = _closed(db, actor, CHILD_BORN, given="Kai")
    sign_in_as(db, client, actor)
    page = client.get(f"/missing/episodes/{adult.id}")
    assert page.status_code == 200 and "Record a prevention interview" in page.text
    assert 'Due by</dt><dd class="govuk-summary-list__value">No time limit' in page.text
    assert "72 hours after the return" not in page.text and "the return home interview" not in page.text
    assert "Record the return home interview" in client.get(f"/missing/episodes/{child.id}").text
    form = client.get(f"/missing/episodes/{adult.id}/interview")
    assert form.status_code == 200 and '<h1 class="govuk-heading-l">Prevention interview</h1>' in form.text
    version = re.search(r'name="version" value="(\d+)"', form.text).group(1)  # type: ignore[union-attr]
    bad = client.submit(f"/missing/episodes/{adult.id}/interview", {"outcome": "", "version": version})
    assert bad.status_code == 400 and 'href="#outcome"' in bad.text
    saved = client.submit(
        f"/missing/episodes/{adult.id}/interview", {"outcome": "not_offered", "version": version}
    )
    assert saved.status_code == 303
    assert "Not offered" in client.get(f"/missing/episodes/{adult.id}").text
    overview = client.get("/missing")
    assert (
        f"/missing/episodes/{child.id}" in overview.text
        and f"/missing/episodes/{adult.id}" not in overview.text
    )
    exported = client.submit(
        "/missing/export", {"format": "csv", "recipient": "Adult services", "reason": "Review", "days": "2"}
    )
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert "Prevention interview: not offered" in {row[8] for row in rows[1:]}
