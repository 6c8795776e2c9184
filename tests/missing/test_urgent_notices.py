"""An urgent missing-person event reaches someone or says that it did not [Wales-SP] [issue 15]: a child
on a child-protection plan with no social worker is told at once to the placing authority's MASH mailbox, or
without one to children's social care's (named in the rules); typed in or brought by the feed; an urgent
event with nobody to tell is recorded, audited and listed, until a later notice reaches someone."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.agencies.models import OutboxMessage
from disclosure.audit import AuditEvent
from disclosure.db import utcnow
from disclosure.errors import FormInvalid, StaleRecord
from disclosure.missing import protocols, rules, service, unreached
from disclosure.missing.models import Episode, Notification, UnreachedNotice
from disclosure.missing.vocabulary import CareStatus
from tests.builders import make_user, principal_for, sign_in_as
from tests.missing.builders import (
    ADULT_BORN,
    CHILD_BORN,
    agency,
    agency_id,
    coordinator,
    episode_values,
    name_childrens_social_care,
    person,
    social_worker,
    when,
)
from tests.missing.test_feed import csv_of, line, run
from tests.pages import PageClient

PLAN = CareStatus.CP_PLAN.value


def _born(born: str) -> dict[str, str]:
    day = date.fromisoformat(born)
    return {
        "date_of_birth-day": str(day.day),
        "date_of_birth-month": str(day.month),
        "date_of_birth-year": str(day.year),
    }


def _record(db: Session, actor: Any, born: str = CHILD_BORN, **overrides: Any) -> Episode:
    who = person(db, actor, born=born)
    return service.record_episode(db, actor, who.id, episode_values(**overrides))


def _urgent(db: Session, episode: Episode) -> list[Notification]:
    return [
        n
        for n in db.scalars(select(Notification).where(Notification.urgent.is_(True)))
        if any(i.episode_id == episode.id for i in n.items)
    ]


def _mail_to(db: Session, address: str) -> list[OutboxMessage]:
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address)))


def test_a_child_on_a_plan_with_no_social_worker_is_recorded_and_told_to_the_placing_authority(
    db: Session,
) -> None:
    actor = coordinator(db)
    placing = agency(db, "leeds-placements", mailbox="mash@leeds-placements.example")
    episode = _record(db, actor, care_status=PLAN, placing_authority_id=str(placing.id))
    [notice] = _urgent(db, episode)
    assert (notice.agency_id, notice.user_id, notice.role) == (placing.id, None, "placing_authority")
    assert notice.sent_at is not None and len(_mail_to(db, "mash@leeds-placements.example")) == 1
    assert unreached.for_episode(db, episode.id) == []


def test_without_a_placing_authority_childrens_social_care_named_in_the_rules_is_told_at_once(
    db: Session,
) -> None:
    actor = coordinator(db)
    care = agency(db, "leeds-childrens-mash", mailbox="mash@leeds-childrens.example")
    name_childrens_social_care(db, care)
    school = agency_id(db, "education")
    episode = _record(db, actor, care_status=PLAN, school_id=school)
    [notice] = _urgent(db, episode)
    assert (notice.agency_id, notice.role) == (care.id, "social_care"), "never the school"
    assert len(_mail_to(db, "mash@leeds-childrens.example")) == 1
    # It hears what follows too: the return joins its digest.
    service.close_episode(
        db,
        actor,
        episode.id,
        {
            **when(utcnow() - timedelta(minutes=5), "returned"),
            "return_place": "Home",
            "safe_and_well": "completed",
        },
    )
    digest = db.scalar(
        select(Notification).where(Notification.agency_id == care.id, Notification.urgent.is_(False))
    )
    assert digest is not None and [i.kind for i in digest.items] == ["reported", "returned"]
    assert unreached.for_episode(db, episode.id) == []


def test_a_child_with_a_placing_authority_is_not_also_told_to_childrens_social_care(db: Session) -> None:
    actor = coordinator(db)
    care = agency(db, "leeds-childrens-mash", mailbox="mash@leeds-childrens.example")
    name_childrens_social_care(db, care)
    _record(db, actor, care_status=PLAN, placing_authority_id=agency_id(db, "childrens-social-care"))
    told = {n.agency_id for n in db.scalars(select(Notification))}
    assert care.id not in told and len(told) == 1


def test_an_urgent_event_with_nobody_to_tell_is_recorded_audited_and_listed(db: Session) -> None:
    actor = coordinator(db)
    episode = _record(db, actor, care_status=PLAN, school_id=agency_id(db, "education"))
    assert _urgent(db, episode) == [], "the school is not told in the social worker's place"
    [record] = unreached.for_episode(db, episode.id)
    assert record.reason == "no_recipient" and record.kind == "reported" and record.resolved_at is None
    assert [(r.id, e.id) for r, e in unreached.still_missing(db)] == [(record.id, episode.id)]
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "missing.urgent_unreached"))
    assert event is not None and event.object_id == str(episode.id)
    assert "Jamie" not in event.justification + event.details, "no case text"


def test_an_urgent_risk_rise_with_nobody_to_tell_is_recorded_too(db: Session) -> None:
    actor = coordinator(db)
    episode = _record(db, actor)  # looked after, no partner at all
    assert unreached.for_episode(db, episode.id) == [], "a report that is not urgent is not listed"
    service.change_risk(
        db,
        actor,
        episode.id,
        {
            "risk_level": "high",
            "rationale": "Seen with older males",
            "source": "CCTV",
            **when(utcnow() - timedelta(minutes=10), "obtained"),
            "version": str(episode.version),
        },
    )
    assert [(r.kind, r.reason) for r in unreached.for_episode(db, episode.id)] == [("risk", "no_recipient")]


def test_a_recipient_without_a_mailbox_keeps_the_notice_in_its_inbox_and_says_so(db: Session) -> None:
    actor = coordinator(db)
    placing = agency(db, "no-mailbox-council")
    episode = _record(db, actor, care_status=PLAN, placing_authority_id=str(placing.id))
    [notice] = _urgent(db, episode)
    [record] = unreached.for_episode(db, episode.id)
    assert (record.reason, record.agency_id, record.notification_id) == ("no_mailbox", placing.id, notice.id)


def test_a_later_notice_that_reaches_someone_settles_the_earlier_ones(db: Session) -> None:
    actor = coordinator(db)
    episode = _record(db, actor, care_status=PLAN)
    assert len(unreached.for_episode(db, episode.id)) == 1
    name_childrens_social_care(db, agency(db, "leeds-childrens-mash", mailbox="mash@leeds-childrens.example"))
    service.change_risk(
        db,
        actor,
        episode.id,
        {
            "risk_level": "high",
            "rationale": "Phone switched off",
            "source": "Mother",
            **when(utcnow() - timedelta(minutes=10), "obtained"),
            "version": str(episode.version),
        },
    )
    assert unreached.for_episode(db, episode.id) == []
    assert unreached.still_missing(db) == []
    [record] = db.scalars(select(UnreachedNotice).where(UnreachedNotice.episode_id == episode.id)).all()
    assert record.resolved_at is not None, "kept, settled"


def test_an_adult_is_never_told_to_childrens_social_care(db: Session) -> None:
    actor = coordinator(db)
    name_childrens_social_care(db, agency(db, "leeds-childrens-mash", mailbox="mash@leeds-childrens.example"))
    episode = _record(db, actor, born=ADULT_BORN, care_status="none", risk_level="high")
    assert db.scalars(select(Notification)).all() == []
    assert [r.reason for r in unreached.for_episode(db, episode.id)] == ["no_recipient"]


def test_the_allocated_social_worker_still_comes_first(db: Session) -> None:
    actor = coordinator(db)
    name_childrens_social_care(db, agency(db, "leeds-childrens-mash", mailbox="mash@leeds-childrens.example"))
    worker = social_worker(db)
    placing = agency(db, "leeds-placements", mailbox="mash@leeds-placements.example")
    episode = _record(
        db,
        actor,
        care_status=PLAN,
        social_worker_id=str(worker.user_id),
        placing_authority_id=str(placing.id),
    )
    [notice] = _urgent(db, episode)
    assert (notice.user_id, notice.role) == (worker.user_id, "social_worker")
    assert _mail_to(db, "mash@leeds-childrens.example") == []


# ------------------------------------------------------------------------------------------- feed


def test_a_feed_row_for_a_child_on_a_plan_tells_the_placing_authority_or_childrens_social_care(
    db: Session,
) -> None:
    actor = coordinator(db)
    care = agency(db, "leeds-childrens-mash", mailbox="mash@leeds-childrens.example")
    name_childrens_social_care(db, care)
    placing = agency(db, "leeds-placements", mailbox="mash@leeds-placements.example")
    run(
        db,
        actor,
        csv_of(
            line(police_reference="MP/1", care_status=PLAN, placing_authority="leeds-placements"),
            line(
                police_reference="MP/2",
                given_names="Olu",
                family_name="Adeyemi",
                care_status=PLAN,
                placing_authority="",
            ),
        ),
    )
    told = {
        e.police_reference: [(n.agency_id, n.role) for n in _urgent(db, e)]
        for e in db.scalars(select(Episode).where(Episode.police_reference.in_(["MP/1", "MP/2"])))
    }
    assert told == {"MP/1": [(placing.id, "placing_authority")], "MP/2": [(care.id, "social_care")]}


def test_a_feed_row_with_nobody_to_tell_is_listed(db: Session) -> None:
    actor = coordinator(db)
    run(db, actor, csv_of(line(care_status=PLAN, placing_authority="")))
    episode = db.scalar(select(Episode).where(Episode.police_reference == "MP/26/0001"))
    assert episode is not None
    assert [r.reason for r in unreached.for_episode(db, episode.id)] == ["no_recipient"]


def test_a_feed_row_awaiting_its_person_is_listed_until_confirmed_and_then_told(db: Session) -> None:
    actor = coordinator(db)
    person(db, actor)
    person(db, actor)  # two identical records: the row waits for a person to be chosen
    placing = agency(db, "leeds-placements", mailbox="mash@leeds-placements.example")
    run(db, actor, csv_of(line(care_status=PLAN, placing_authority="leeds-placements")))
    episode = db.scalar(select(Episode).where(Episode.police_reference == "MP/26/0001"))
    assert episode is not None and episode.person_id is None
    assert [r.reason for r in unreached.for_episode(db, episode.id)] == ["person_to_confirm"]
    [pending] = protocols.pending_matches(db, actor)
    protocols.confirm_match(db, actor, pending.id, {"person_id": "new"})
    assert [(n.agency_id, n.role) for n in _urgent(db, episode)] == [(placing.id, "placing_authority")]
    assert unreached.for_episode(db, episode.id) == []


# ------------------------------------------------------------------------------------- the rules


def test_administrators_name_childrens_social_care_versioned_and_audited(db: Session) -> None:
    admin = principal_for(make_user(db, "administrator").user)
    saved = rules.current_settings(db)
    base = {
        "repeat_episodes": "3",
        "repeat_days": "90",
        "digest_hours": "24",
        "escalate_hours": "2",
        "version": str(saved.version),
    }
    with pytest.raises(FormInvalid) as refused:
        service.update_settings(db, admin, {**base, "childrens_social_care_id": agency_id(db, "education")})
    assert "childrens_social_care_id" in refused.value.errors
    care = agency_id(db, "childrens-social-care")
    service.update_settings(db, admin, {**base, "childrens_social_care_id": care})
    assert str(rules.current_settings(db).childrens_social_care_id) == care
    with pytest.raises(StaleRecord):
        service.update_settings(db, admin, {**base, "childrens_social_care_id": ""})
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "missing.settings")).all()[-1]
    details = json.loads(event.details)
    assert (details["before"]["childrens_social_care_id"], details["after"]["childrens_social_care_id"]) == (
        "",
        care,
    )


# ------------------------------------------------------------------------------------------- pages


def test_the_episode_and_the_data_administrators_home_page_say_in_red_that_nobody_was_told(
    db: Session, client: PageClient
) -> None:
    actor = coordinator(db)
    sign_in_as(db, client, actor)
    values = {
        "given_names": "Robin",
        "family_name": "Hale",
        **_born(CHILD_BORN),
        **episode_values(care_status=PLAN),
        "action": "create",
    }
    made = client.submit("/missing/new", values)
    assert made.status_code == 303, "a child on a plan with no social worker is recorded"
    episode_id = str(made.headers["location"]).rsplit("/", 1)[-1]
    page = client.get(f"/missing/episodes/{episode_id}")
    assert "govuk-tag--red" in page.text and "Nobody told" in page.text
    assert "nobody is known to tell" in page.text
    home = client.get("/")
    assert "Nobody told" in home.text and f'href="/missing/episodes/{episode_id}">Robin Hale</a>' in home.text
    sign_in_as(db, client, principal_for(make_user(db, "researcher").user))
    assert "Nobody told" not in client.get("/").text, "only data administrators coordinate missing people"


def test_the_home_page_is_quiet_when_every_urgent_notice_reached_someone(
    db: Session, client: PageClient
) -> None:
    actor = coordinator(db)
    placing = agency(db, "leeds-placements", mailbox="mash@leeds-placements.example")
    _record(db, actor, care_status=PLAN, placing_authority_id=str(placing.id))
    sign_in_as(db, client, actor)
    home = client.get("/")
    assert home.status_code == 200 and "Nobody told" not in home.text and "Missing people" in home.text


def test_administrators_name_childrens_social_care_on_the_rules_page(db: Session, client: PageClient) -> None:
    sign_in_as(db, client, principal_for(make_user(db, "administrator").user))
    page = client.get("/admin/missing")
    assert page.status_code == 200 and "Children&#39;s social care MASH mailbox" in page.text
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)  # type: ignore[union-attr]
    rules_now = {"repeat_episodes": "3", "repeat_days": "90", "digest_hours": "24", "escalate_hours": "2"}
    bad = client.submit(
        "/admin/missing",
        {**rules_now, "childrens_social_care_id": agency_id(db, "education"), "version": version},
    )
    assert bad.status_code == 400 and 'href="#childrens_social_care_id"' in bad.text
    assert "govuk-error-summary" in bad.text
    care = agency_id(db, "childrens-social-care")
    saved = client.submit(
        "/admin/missing", {**rules_now, "childrens_social_care_id": care, "version": version}
    )
    assert saved.status_code == 303
    again = client.get("/admin/missing")
    assert f'<option value="{care}" selected' in again.text
    assert "has no mailbox" in again.text, "the seeded agency has none yet: the page says so"
