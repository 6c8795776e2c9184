"""The report-missing, risk-review and record-a-return forms: every error in one pass, listed in the order the
page asks, answers kept; and the times that are usually "now" start at now (issue 16)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.db import utcnow
from disclosure.missing import service
from disclosure.missing.models import Episode
from tests.accounts.helpers import error_summary, field_error, field_value, summary_links
from tests.builders import date_time_fields, sign_in_as
from tests.missing.builders import coordinator, episode_values, person, return_values
from tests.pages import PageClient

NOW_FIELDS = ("day", "month", "year", "time")


def _shown_now(get: Callable[[], Any], name: str) -> None:
    """The page's date and time boxes for `name` hold the clock's now (UK time, to the minute): read the
    clock either side of the request, so a minute turning over mid-test still passes."""
    before = date_time_fields(name, utcnow())
    page = get()
    after = date_time_fields(name, utcnow())
    assert page.status_code == 200
    shown = {f"{name}-{part}": field_value(page.text, f"{name}-{part}") for part in NOW_FIELDS}
    assert shown in (before, after), shown


def test_the_report_missing_form_starts_at_the_time_now(db: Session, client: PageClient) -> None:
    sign_in_as(db, client, coordinator(db))
    _shown_now(lambda: client.get("/missing/new"), "reported")
    page = client.get("/missing/new")
    assert field_value(page.text, "last_seen-day") == "", "when they were last seen is not assumed"


def test_the_record_a_return_form_starts_at_the_time_now(db: Session, client: PageClient) -> None:
    actor = coordinator(db)
    episode = service.record_episode(db, actor, person(db, actor).id, episode_values())
    sign_in_as(db, client, actor)
    _shown_now(lambda: client.get(f"/missing/episodes/{episode.id}/close"), "returned")


def test_the_risk_review_form_starts_at_the_time_now(db: Session, client: PageClient) -> None:
    actor = coordinator(db)
    episode = service.record_episode(db, actor, person(db, actor).id, episode_values())
    sign_in_as(db, client, actor)
    _shown_now(lambda: client.get(f"/missing/episodes/{episode.id}/risk"), "obtained")


def test_a_new_person_and_episode_with_everything_wrong_lists_every_error_at_once_in_page_order(
    db: Session, client: PageClient
) -> None:
    sign_in_as(db, client, coordinator(db))
    values = {
        "given_names": "",
        "family_name": "",
        "postcode": "not a postcode",
        "care_status": "",
        "reported-day": "31",
        "reported-month": "2",
        "reported-year": str(utcnow().year),
        "reported-time": "10:00",
        "reported_by": "",
        "risk_level": "",
        "risk_rationale": "",
        "risk_source": "",
        "action": "create",
    }
    page = client.submit("/missing/new", values)
    assert page.status_code == 400
    assert summary_links(page.text) == [
        "given_names",
        "postcode",
        "care_status",
        "reported",
        "reported_by",
        "risk_level",
        "risk_rationale",
        "risk_source",
    ]
    assert field_value(page.text, "postcode") == "not a postcode", "answers are kept"
    assert db.scalar(select(func.count()).select_from(Episode)) == 0


def test_a_person_with_an_open_episode_is_refused_with_the_episode_errors_in_the_same_pass(
    db: Session, client: PageClient
) -> None:
    actor = coordinator(db)
    missing = person(db, actor)
    service.record_episode(db, actor, missing.id, episode_values())
    sign_in_as(db, client, actor)
    values = {
        "given_names": "Jamie",
        "family_name": "Rivers",
        **episode_values(reported_by="", risk_source=""),
        "person_id": str(missing.id),
        "action": "link",
    }
    page = client.submit("/missing/new", values)
    assert page.status_code == 400
    assert summary_links(page.text) == ["person", "reported_by", "risk_source"]
    assert "already has an open missing episode" in page.text


def test_choosing_no_match_is_listed_last_with_the_episode_errors_before_it(
    db: Session, client: PageClient
) -> None:
    actor = coordinator(db)
    person(db, actor)
    sign_in_as(db, client, actor)
    values = {
        "given_names": "Jamie",
        "family_name": "Rivers",
        **episode_values(risk_level="", clothing="x"),
        "action": "link",
    }
    page = client.submit("/missing/new", values)
    assert page.status_code == 400
    assert summary_links(page.text) == ["risk_level", "person_id"]
    assert field_error(page.text, "person_id") == "Select a person or add a new one"


def test_a_time_reported_in_the_future_is_listed_where_the_field_is(db: Session, client: PageClient) -> None:
    sign_in_as(db, client, coordinator(db))
    values = {
        "given_names": "Jamie",
        "family_name": "Rivers",
        **episode_values(hours_ago=-48, police_reference="MP/1/" + uuid.uuid4().hex[:6], reported_by=""),
        "action": "create",
    }
    page = client.submit("/missing/new", values)
    assert page.status_code == 400
    assert summary_links(page.text) == ["reported", "reported_by", "last_seen"]
    assert error_summary(page.text)[0] == "The date reported must be now or in the past"


def test_a_return_with_everything_missing_lists_every_error_in_page_order(
    db: Session, client: PageClient
) -> None:
    actor = coordinator(db)
    episode = service.record_episode(db, actor, person(db, actor).id, episode_values())
    sign_in_as(db, client, actor)
    page = client.submit(
        f"/missing/episodes/{episode.id}/close",
        {
            **return_values(return_place="", safe_and_well=""),
            "returned-time": "",
            "version": str(episode.version),
        },
    )
    assert page.status_code == 400
    assert summary_links(page.text) == ["returned-time", "return_place", "safe_and_well"]
    earlier = client.submit(
        f"/missing/episodes/{episode.id}/close",
        {
            **return_values(hours_ago=5 + 24 * 3, return_place=""),
            "version": str(episode.version),
        },
    )
    assert summary_links(earlier.text) == ["returned", "return_place"], "before the report: at its field"
    assert episode.reported_at > utcnow() - timedelta(hours=5)
