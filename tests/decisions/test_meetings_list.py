"""The panels list [issue 17]: the scheduled meetings soonest first, then the past ones newest first a page at
a time, so years of weekly panels stay one page's read; a member sees only the meetings they sit on."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from disclosure import paging
from disclosure.db import utcnow
from disclosure.decisions import service
from tests.builders import sign_in_as
from tests.decisions.builders import meeting_values
from tests.decisions.conftest import Cast
from tests.pages import PageClient


def _closed(db: Session, cast: Cast, days_ago: int) -> object:
    meeting = service.convene(
        db, cast.clerk, meeting_values(cast.chair, at=utcnow() - timedelta(days=days_ago))
    )
    service.close_meeting(db, cast.clerk, meeting.id)
    return meeting


def test_past_meetings_come_newest_first_a_page_at_a_time(db: Session, cast: Cast) -> None:
    made = [_closed(db, cast, days) for days in (7, 21, 14, 28, 35)]
    soon = service.convene(db, cast.clerk, meeting_values(cast.chair, at=utcnow() + timedelta(days=2)))
    sooner = service.convene(db, cast.clerk, meeting_values(cast.chair, at=utcnow() + timedelta(days=1)))
    assert service.scheduled_meetings(db, cast.clerk).items == [sooner, soon]
    first = service.past_meetings(db, cast.clerk, limit=2)
    second = service.past_meetings(db, cast.clerk, after=first.after, limit=2)
    third = service.past_meetings(db, cast.clerk, after=second.after, limit=2)
    newest_first = [made[i] for i in (0, 2, 1, 3, 4)]
    assert first.items + second.items + third.items == newest_first
    assert third.after is None and first.before is None and first.count == 5
    assert service.past_meetings(db, cast.clerk, before=third.before, limit=2).items == second.items
    assert service.past_meetings(db, cast.health).items == [], "a member sees the meetings they sit on"


def test_the_panels_page_links_to_earlier_meetings(db: Session, cast: Cast, client: PageClient) -> None:
    for days in range(1, paging.LIMIT + 2):
        _closed(db, cast, days)
    service.convene(db, cast.clerk, meeting_values(cast.chair, at=utcnow() + timedelta(days=1)))
    sign_in_as(db, client, cast.clerk)
    page = client.get("/panels")
    assert "Scheduled meetings, soonest first" in page.text
    assert f"Past meetings, newest first: {paging.LIMIT + 1} (50 on this page)" in page.text
    assert "Earlier past meetings" in page.text and "Later past meetings" not in page.text
    href = page.text.split('href="/panels?list=past&amp;after=')[1].split('"')[0]
    older = client.get(f"/panels?list=past&after={href}")
    assert "(1 on this page)" in older.text and "Later past meetings" in older.text
    assert "Scheduled meetings, soonest first: 1" in older.text, "the other list keeps its first page"


def test_scheduled_meetings_come_soonest_first_a_page_at_a_time(
    db: Session, cast: Cast, client: PageClient
) -> None:
    made = [
        service.convene(db, cast.clerk, meeting_values(cast.chair, at=utcnow() + timedelta(days=days)))
        for days in (3, 1, 2)
    ]
    first = service.scheduled_meetings(db, cast.clerk, limit=2)
    second = service.scheduled_meetings(db, cast.clerk, after=first.after, limit=2)
    assert first.items + second.items == [made[1], made[2], made[0]]
    assert first.count == 3 and second.after is None
    for days in range(4, paging.LIMIT + 2):
        service.convene(db, cast.clerk, meeting_values(cast.chair, at=utcnow() + timedelta(days=days)))
    sign_in_as(db, client, cast.clerk)
    page = client.get("/panels")
    assert f"Scheduled meetings, soonest first: {paging.LIMIT + 1} (50 on this page)" in page.text
    href = page.text.split('href="/panels?list=scheduled&amp;after=')[1].split('"')[0]
    later = client.get(f"/panels?list=scheduled&after={href}")
    assert "(1 on this page)" in later.text and "Sooner meetings" in later.text
