"""Correcting a missing episode's report and return, with its history [issue 16, "Correct any record"]: the
old value is kept and shown, the change is audited, what follows from the times follows the correction (the
return home interview's due time, the first risk assessment, the repeat-missing count, the partners told),
and a refused correction writes nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.audit import AuditEvent
from disclosure.auth import Principal
from disclosure.corrections import Correction
from disclosure.db import utcnow
from disclosure.errors import FormInvalid
from disclosure.missing import service
from disclosure.missing.models import Episode, NotificationItem
from disclosure.text import format_datetime
from tests.builders import sign_in_as
from tests.missing.builders import agency_id, coordinator, episode_values, person, return_values, when
from tests.pages import PageClient
from tests.requests.test_api import api

__all__ = ["api"]

REASON = "The call log shows otherwise."


def _correct(db: Session, actor: Principal, episode: Episode, **changes: Any) -> Episode:
    values = {**service.correctable_values(episode), "reason": REASON, **changes}
    return service.correct_episode(db, actor, episode.id, values)


def _episode(db: Session, actor: Principal, *, closed: bool = False, **overrides: Any) -> Episode:
    who = overrides.pop("who", None) or person(db, actor)
    episode = service.record_episode(db, actor, who.id, episode_values(hours_ago=30, **overrides))
    if closed:
        service.close_episode(db, actor, episode.id, return_values(hours_ago=4))
    return episode


def _corrections(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Correction)) or 0


def test_a_corrected_return_moves_the_interview_due_time_keeps_the_old_value_and_is_audited(
    db: Session,
) -> None:
    actor = coordinator(db)
    episode = _episode(db, actor, closed=True, school_id=agency_id(db, "education"))
    assert episode.interview is not None and episode.returned_at is not None
    earlier = episode.returned_at - timedelta(hours=10)
    _correct(db, actor, episode, return_place="Leeds bus station", **when(earlier, "returned"))
    assert abs(episode.returned_at - earlier) < timedelta(minutes=1)
    assert episode.interview.due_at == episode.returned_at + timedelta(hours=72)
    assert episode.return_place == "Leeds bus station"
    history = service.episode_history(db, episode)
    assert {c.field for c in history} == {"returned_at", "return_place"}
    assert {(c.old_value, c.new_value) for c in history if c.field == "return_place"} == {
        ("Friend's flat, Armley", "Leeds bus station")
    }
    assert all(c.reason == REASON and c.corrected_by_id == actor.user_id for c in history)
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "missing.correct")).one()
    assert json.loads(event.details)["fields"] == ["returned_at", "return_place"]
    assert "Leeds" not in event.details and "call log" not in event.justification
    told = db.scalars(select(NotificationItem).where(NotificationItem.kind == "corrected")).all()
    assert [item.summary.split(" (was")[0] for item in told] == [
        "Corrected: found or returned " + format_datetime(episode.returned_at)
    ], "the school, told of the return, is told of the corrected time"


def test_a_corrected_report_moves_the_first_assessment_and_the_repeat_count(db: Session) -> None:
    actor = coordinator(db)
    who = person(db, actor)
    old = service.record_episode(db, actor, who.id, episode_values(hours_ago=24 * 120))
    service.close_episode(db, actor, old.id, return_values(hours_ago=24 * 119))
    for hours in (24 * 40, 24 * 20):
        earlier = service.record_episode(db, actor, who.id, episode_values(hours_ago=hours))
        service.close_episode(db, actor, earlier.id, return_values(hours_ago=hours - 10))
    assert not service.repeat_status(db, who.id).flagged, "two in the last 90 days"
    reported = utcnow() - timedelta(days=60)
    _correct(
        db,
        actor,
        old,
        **when(reported, "reported"),
        **when(reported - timedelta(hours=1), "last_seen"),
        **when(reported + timedelta(hours=10), "returned"),
    )
    assert service.repeat_status(db, who.id).flagged, "the corrected report is within the 90 days"
    assert old.risk_changes[0].obtained_at == old.reported_at


def test_a_correction_needs_a_reason_a_change_and_sound_times_and_a_refusal_writes_nothing(
    db: Session,
) -> None:
    actor = coordinator(db)
    episode = _episode(db, actor, closed=True)
    other = _episode(db, actor, police_reference="MP/26/0777", who=person(db, actor, given="Kit"))
    before = episode.returned_at
    with pytest.raises(FormInvalid) as no_reason:
        _correct(db, actor, episode, return_place="Home", reason="")
    assert no_reason.value.errors == {"reason": "Enter why this is being corrected"}
    with pytest.raises(FormInvalid) as nothing:
        _correct(db, actor, episode)
    assert nothing.value.errors == {"reported": "Change at least one answer, or go back without saving"}
    assert episode.reported_at is not None
    with pytest.raises(FormInvalid) as bad:
        _correct(
            db,
            actor,
            episode,
            police_reference=other.police_reference,
            reported_by="",
            return_place="",
            **when(episode.reported_at - timedelta(hours=3), "returned"),
            **when(utcnow() + timedelta(days=1), "last_seen"),
        )
    assert bad.value.errors == {
        "police_reference": "An episode with this police reference is already recorded",
        "reported_by": "Enter who reported the person missing",
        "last_seen": "The date last seen must be now or in the past",
        "returned": bad.value.errors["returned"],
        "return_place": "Enter where the person was found or returned to",
    }
    assert bad.value.errors["returned"].startswith("The return must be after the person was")
    db.expire_all()
    assert _corrections(db) == 0 and episode.returned_at == before and episode.return_place


def test_the_return_cannot_move_after_the_interview_was_offered(db: Session) -> None:
    actor = coordinator(db)
    episode = _episode(db, actor, closed=True)
    assert episode.interview is not None
    episode.interview.offered_at = utcnow() - timedelta(hours=2)
    with pytest.raises(FormInvalid) as refused:
        _correct(db, actor, episode, **when(utcnow() - timedelta(hours=1), "returned"))
    assert refused.value.errors["returned"].startswith("The return must be before the interview was offered")


def test_a_feed_episode_keeps_the_feeds_police_reference(db: Session) -> None:
    actor = coordinator(db)
    episode = _episode(db, actor, police_reference="MP/26/0100")
    episode.source = "feed"
    _correct(db, actor, episode, police_reference="MP/26/9999", placement="Foster carer, Otley")
    assert episode.police_reference == "MP/26/0100" and episode.placement == "Foster carer, Otley"


def test_the_correction_page_prefills_keeps_what_was_typed_and_shows_the_history(
    db: Session, client: PageClient
) -> None:
    actor = coordinator(db)
    episode = _episode(db, actor, closed=True, police_reference="MP/26/0042")
    sign_in_as(db, client, actor)
    page = client.get(f"/missing/episodes/{episode.id}")
    assert "Correct the report or the return" in page.text and "Corrections" not in page.text
    form = client.get(f"/missing/episodes/{episode.id}/correct")
    assert 'value="MP/26/0042"' in form.text and 'value="Friend&#39;s flat, Armley"' in form.text
    typed = {**service.correctable_values(episode), "return_place": "Otley Road", "reason": ""}
    refused = client.submit(f"/missing/episodes/{episode.id}/correct", typed)
    assert refused.status_code == 400 and "Enter why this is being corrected" in refused.text
    assert 'value="Otley Road"' in refused.text, "nothing typed is lost"
    saved = client.submit(f"/missing/episodes/{episode.id}/correct", {**typed, "reason": "Misheard"})
    assert saved.status_code == 303
    page = client.get(f"/missing/episodes/{episode.id}")
    assert "Corrections" in page.text and "Friend&#39;s flat, Armley" in page.text and "Misheard" in page.text


def test_the_api_corrects_only_what_it_is_given(db: Session, api: PageClient) -> None:
    actor = coordinator(db, "dana.api")
    episode = _episode(db, actor, closed=True)
    db.commit()
    url = f"/api/v1/missing/episodes/{episode.id}/corrections"
    assert episode.reported_at is not None
    refused = api.post(
        url, json={"reason": "CAD", "returned": (episode.reported_at - timedelta(hours=1)).isoformat()}
    )
    assert refused.status_code == 400 and set(refused.json()["errors"]) == {"returned"}
    earlier = utcnow() - timedelta(hours=6)
    saved = api.post(url, json={"reason": "CAD log", "returned": earlier.isoformat()})
    assert saved.status_code == 200, saved.text
    assert saved.json()["returned_at"].startswith(earlier.isoformat()[:16])
    db.expire_all()
    assert [c.field for c in service.episode_history(db, episode)] == ["returned_at"]
