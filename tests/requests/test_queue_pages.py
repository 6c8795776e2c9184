"""The work queue a page at a time, in the database's order [issue 17]: nearest deadline first (running
clocks, then those a pause holds), red before amber before green; cursors that walk it both ways without a row
lost or repeated; a count that stops at the cap; the same on the page and in the API."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session
from time_machine import TimeMachineFixture

from disclosure import paging
from disclosure.accounts import service as accounts
from disclosure.accounts.roles import Role
from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.requests import deadlines, service
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.queue import QUEUE_ORDER, QueueFilters, queue_statement, work_queue
from tests.builders import make_user, principal_for, sign_in_as
from tests.pages import PageClient
from tests.requests.builders import make_request, triage

PAUSE = {"reason_code": "applicant_request", "reason": "The applicant is abroad"}


def _cases(db: Session, clerk: Principal, hours_ago: list[int]) -> list[DisclosureRequest]:
    return [make_request(db, clerk, first_contact_at=utcnow() - timedelta(hours=h)) for h in hours_ago]


def _walk(db: Session, clerk: Principal, limit: int) -> list[list[str]]:
    pages, after = [], None
    while True:
        found = work_queue(db, clerk, QueueFilters(), after=after, limit=limit)
        pages.append([r.reference for r in found.items])
        if found.after is None:
            return pages
        after = found.after


def test_the_queue_orders_by_nearest_deadline_then_rag_and_pages_without_losing_a_case(
    db: Session, clerk: Principal
) -> None:
    late, soon, later = _cases(db, clerk, [30, 20, 1])
    at = utcnow() - timedelta(hours=5)
    same_a, same_b = (make_request(db, clerk, first_contact_at=at) for _ in range(2))
    triage(db, clerk, same_a, rag="green")
    triage(db, clerk, same_b, rag="red")
    db.flush()
    assert same_a.next_deadline_at == same_b.next_deadline_at, "the same deadline: red goes first"
    expected = [late, soon, same_b, same_a, later]
    pages = _walk(db, clerk, limit=2)
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [ref for page in pages for ref in page] == [c.reference for c in expected]

    found = work_queue(db, clerk, QueueFilters(), limit=2)
    assert (found.count, found.more, found.before) == (5, False, None), "the first page has none before it"
    second = work_queue(db, clerk, QueueFilters(), after=found.after, limit=2)
    third = work_queue(db, clerk, QueueFilters(), after=second.after, limit=2)
    back = work_queue(db, clerk, QueueFilters(), before=third.before, limit=2)
    assert [r.reference for r in back.items] == pages[1] and back.after is not None
    first = work_queue(db, clerk, QueueFilters(), before=back.before, limit=2)
    assert [r.reference for r in first.items] == pages[0] and first.before is None


def test_a_case_whose_clock_is_paused_follows_the_running_ones(
    db: Session, clerk: Principal, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(utcnow(), tick=False)
    paused, running = _cases(db, clerk, [3, 1])
    service.pause_clock(db, clerk, paused.id, PAUSE)
    rows = work_queue(db, clerk, QueueFilters()).items
    assert [r.reference for r in rows] == [running.reference, paused.reference]
    assert rows[1].paused and not rows[0].paused
    policy = deadlines.policies(db)[paused.clock_policy_code]
    shown = min(deadlines.deadlines(paused, policy, deadlines.calendar_for(db)), key=lambda d: d.due_at)
    time_machine.move_to(utcnow() + timedelta(hours=6), tick=False)
    [row] = [r for r in work_queue(db, clerk, QueueFilters()).items if r.id == paused.id]
    assert row.deadline is not None and row.deadline.due_at == shown.due_at + timedelta(hours=6), (
        "the row shows the deadline as it moves while paused"
    )


def test_a_cursor_that_cannot_be_read_opens_the_first_page(db: Session, clerk: Principal) -> None:
    _cases(db, clerk, [3, 2, 1])
    first = work_queue(db, clerk, QueueFilters(), limit=2)
    for cursor in ("nonsense", "W10", paging.encode([1, 2]), "%%%"):
        again = work_queue(db, clerk, QueueFilters(), after=cursor, limit=2)
        assert [r.id for r in again.items] == [r.id for r in first.items], cursor


def test_the_count_stops_at_the_cap(db: Session, clerk: Principal) -> None:
    _cases(db, clerk, [4, 3, 2, 1])
    statement = queue_statement(clerk, QueueFilters())
    assert paging.page(db, statement, QUEUE_ORDER, cap=3).count_text == "more than 3"
    assert paging.page(db, statement, QUEUE_ORDER, cap=4).count_text == "4"


def test_the_queue_page_links_to_the_next_and_previous_pages_keeping_the_filters(
    db: Session, client: PageClient, clerk: Principal
) -> None:
    _cases(db, clerk, [1] * (paging.LIMIT + 1))
    sign_in_as(db, client, clerk)
    first = client.get("/requests?route=right_to_ask")
    assert "51 open cases, nearest deadline first (50 on this page)" in first.text
    assert "govuk-pagination" in first.text and "Later deadlines" in first.text
    assert "Nearer deadlines" not in first.text
    link = first.text[first.text.index('href="/requests?whose=team&amp;route=right_to_ask&amp;after=') :]
    href = link[len('href="') : link.index('"', len('href="'))].replace("&amp;", "&")
    second = client.get(href)
    assert second.status_code == 200 and "(1 on this page)" in second.text
    assert "Nearer deadlines" in second.text and "Later deadlines" not in second.text


def test_the_api_pages_with_limit_and_cursors_and_refuses_a_limit_out_of_bounds(
    db: Session, client: PageClient, clerk: Principal
) -> None:
    _cases(db, clerk, [3, 2, 1])
    admin = principal_for(make_user(db, Role.ADMINISTRATOR, username="ada.tokens").user)
    client.headers["Authorization"] = f"Bearer {accounts.issue_api_token(db, admin, clerk.user_id, 'queue')}"
    first = client.get("/api/v1/requests?limit=2").json()
    assert (len(first["items"]), first["count"], first["previous_cursor"]) == (2, 3, None)
    second = client.get(f"/api/v1/requests?limit=2&after={first['next_cursor']}").json()
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    back = client.get(f"/api/v1/requests?limit=2&before={second['previous_cursor']}").json()
    assert back["items"] == first["items"]
    for bad in (0, paging.MAX_LIMIT + 1):
        refused = client.get(f"/api/v1/requests?limit={bad}")
        assert refused.status_code == 400, bad
