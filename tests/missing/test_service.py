"""Episodes, risk history, closing, return home interviews, repeat missing, partner notifications and the
outbox, and Right to Know considerations [issue 7]."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.agencies import outbox
from disclosure.agencies.models import Agency, OutboxMessage
from disclosure.config import Settings
from disclosure.db import utcnow
from disclosure.errors import Conflict, FormInvalid, PermissionDenied
from disclosure.missing import (
    notify,
    panels,  # noqa: F401 (registers the hook on adding a person to a case)
    rules,
    service,
)
from disclosure.missing.models import Notification, RiskChange
from disclosure.missing.vocabulary import CareStatus
from disclosure.requests.vocabulary import PartyRole
from tests.builders import make_user, principal_for
from tests.missing.builders import (
    agency_id,
    coordinator,
    episode_values,
    person,
    return_values,
    social_worker,
    when,
)
from tests.requests.builders import add, make_request


def record(db: Session, actor: Any, **overrides: Any):  # type: ignore[no-untyped-def]
    who = overrides.pop("who", None) or person(db, actor)
    return service.record_episode(db, actor, who.id, episode_values(**overrides))


def test_an_episode_keeps_every_risk_review_with_rationale_source_and_time(db: Session) -> None:
    actor = coordinator(db)
    episode = record(db, actor)
    service.change_risk(
        db,
        actor,
        episode.id,
        {
            "risk_level": "high",
            "rationale": "Seen getting into a car with an older male",
            "source": "CCTV operator",
            **when(utcnow() - timedelta(minutes=30), "obtained"),
            "risk_factors": ["exploitation", "medication"],
            "version": str(episode.version),
        },
    )
    changes = db.scalars(
        select(RiskChange).where(RiskChange.episode_id == episode.id).order_by(RiskChange.recorded_at)
    ).all()
    assert [(c.previous_level, c.level) for c in changes] == [("", "medium"), ("medium", "high")]
    assert changes[1].source == "CCTV operator" and changes[1].rationale.startswith("Seen getting")
    assert episode.risk_level == "high" and episode.medication and episode.exploitation


def test_a_risk_review_needs_its_rationale_source_and_time(db: Session) -> None:
    actor = coordinator(db)
    episode = record(db, actor)
    with pytest.raises(FormInvalid) as refused:
        service.change_risk(db, actor, episode.id, {"risk_level": "extreme"})
    assert set(refused.value.errors) >= {"risk_level", "rationale", "source", "obtained"}


def test_a_risk_factor_outside_the_list_is_refused_not_dropped(db: Session) -> None:
    actor = coordinator(db)
    with pytest.raises(FormInvalid) as refused:
        record(db, actor, risk_factors=["exploitation", "flying"])
    assert refused.value.errors == {"risk_factors": "Select only the risk factors listed"}
    episode = record(db, actor)
    with pytest.raises(FormInvalid) as refused:
        service.change_risk(db, actor, episode.id, {"risk_factors": ["flying"]})
    assert "risk_factors" in refused.value.errors


def test_closing_needs_time_place_and_safe_and_well_and_starts_the_72_hour_interview(db: Session) -> None:
    actor = coordinator(db)
    episode = record(db, actor)
    with pytest.raises(FormInvalid) as refused:
        service.close_episode(db, actor, episode.id, {})
    assert set(refused.value.errors) >= {"returned", "return_place", "safe_and_well"}
    service.close_episode(db, actor, episode.id, return_values())
    assert episode.status == "closed" and episode.interview is not None
    assert episode.interview.due_at - episode.returned_at == timedelta(hours=72)
    assert service.interview_state(episode.interview) == "due"
    assert service.interview_state(episode.interview, episode.returned_at + timedelta(hours=73)) == "overdue"
    with pytest.raises(Conflict):
        service.close_episode(db, actor, episode.id, return_values())


def test_the_interview_needs_an_independent_interviewer_and_a_reason_when_not_offered(db: Session) -> None:
    actor = coordinator(db)
    episode = record(db, actor)
    service.close_episode(db, actor, episode.id, return_values())
    with pytest.raises(FormInvalid) as no_reason:
        service.record_interview(db, actor, episode.id, {"outcome": "not_offered"})
    assert "reason" in no_reason.value.errors
    done = {
        "outcome": "completed",
        **when(utcnow() - timedelta(minutes=40), "offered"),
        **when(utcnow() - timedelta(minutes=20), "completed"),
        "interviewer_name": "Robin Reyes",
        "interviewer_organisation": "Oak House",
        "independent": "yes",
        "findings": "Says she was taken to a flat in Armley",
        "shared_with": [agency_id(db, "childrens-social-care")],
    }
    with pytest.raises(FormInvalid) as same:
        service.record_interview(db, actor, episode.id, done)
    assert same.value.errors["interviewer_organisation"].endswith("independent of the placement")
    interview = service.record_interview(
        db, actor, episode.id, {**done, "interviewer_organisation": "Safer Futures"}
    )
    assert interview.outcome == "completed" and interview.shared_with == ["childrens-social-care"]


def test_repeat_missing_follows_the_configured_threshold(db: Session) -> None:
    actor = coordinator(db)
    who = person(db, actor)
    for hours in (300, 200):
        episode = record(db, actor, who=who, hours_ago=hours)
        service.close_episode(db, actor, episode.id, return_values(hours_ago=hours - 10))
    assert not service.repeat_status(db, who.id).flagged
    record(db, actor, who=who)
    status = service.repeat_status(db, who.id)
    assert status.flagged and status.count == 3 and status.days == 90
    settings = rules.current_settings(db)
    service.update_settings(
        db,
        principal_for(make_user(db, "administrator").user),
        {
            "repeat_episodes": "4",
            "repeat_days": "30",
            "digest_hours": "24",
            "escalate_hours": "2",
            "version": str(settings.version),
        },
    )
    assert not service.repeat_status(db, who.id).flagged


def test_only_one_open_episode_per_person(db: Session) -> None:
    actor = coordinator(db)
    who = person(db, actor)
    record(db, actor, who=who)
    with pytest.raises(FormInvalid) as refused:
        record(db, actor, who=who)
    assert "already has an open missing episode" in refused.value.errors["person"]


def test_only_data_administrators_coordinate(db: Session) -> None:
    researcher = principal_for(make_user(db, "researcher").user)
    with pytest.raises(PermissionDenied):
        service.record_episode(db, researcher, person(db, coordinator(db)).id, episode_values())


# ------------------------------------------------------------------------------------ notifications


def test_a_child_on_a_plan_missing_notifies_the_social_worker_at_once(db: Session) -> None:
    actor = coordinator(db)
    worker = social_worker(db)
    episode = record(db, actor, care_status=CareStatus.CP_PLAN.value, social_worker_id=str(worker.user_id))
    urgent = db.scalars(select(Notification).where(Notification.urgent.is_(True))).all()
    assert len(urgent) == 1 and urgent[0].user_id == worker.user_id and urgent[0].sent_at is not None
    assert db.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "sam.social@police.example"))
    message = db.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "sam.social@police.example"))
    assert message is not None and "Jamie" not in message.body and "Rivers" not in message.body
    assert episode.id in {i.episode_id for i in urgent[0].items}


def test_partners_get_one_digest_per_person_and_period_listing_every_change(db: Session) -> None:
    actor = coordinator(db)
    school = agency_id(db, "education")
    episode = record(db, actor, school_id=school, placing_authority_id=agency_id(db, "childrens-social-care"))
    service.change_risk(
        db,
        actor,
        episode.id,
        {
            "risk_level": "low",
            "rationale": "Called her mother",
            "source": "Mother",
            **when(utcnow(), "obtained"),
        },
    )
    service.close_episode(db, actor, episode.id, return_values(hours_ago=0.1))
    digests = db.scalars(select(Notification).where(Notification.agency_id == episode.school_id)).all()
    assert len(digests) == 1 and [i.kind for i in digests[0].items] == ["reported", "risk", "returned"]
    assert digests[0].sent_at is None
    placing = db.scalars(
        select(Notification).where(Notification.agency_id == episode.placing_authority_id)
    ).all()
    assert len(placing) == 1
    result = notify.dispatch(db, digests[0].period_end + timedelta(seconds=1))
    assert result.digests_sent == 2 and digests[0].sent_at is not None


def test_an_unacknowledged_urgent_notice_escalates_and_an_acknowledged_one_does_not(db: Session) -> None:
    actor = coordinator(db)
    worker = social_worker(db)
    record(db, actor, care_status=CareStatus.CP_PLAN.value, social_worker_id=str(worker.user_id))
    notice = db.scalar(select(Notification).where(Notification.urgent.is_(True)))
    assert notice is not None
    assert notify.dispatch(db, utcnow() + timedelta(minutes=30)).escalated == 0
    assert notify.dispatch(db, utcnow() + timedelta(hours=3)).escalated == 1
    assert notice.escalated_at is not None
    escalations = db.scalars(select(OutboxMessage).where(OutboxMessage.subject.like("Escalation%"))).all()
    assert {m.to_address for m in escalations} >= {"dana.mash@police.example"}
    assert notify.dispatch(db, utcnow() + timedelta(hours=6)).escalated == 0, "escalates once"


def test_a_partner_acknowledges_only_its_own_notifications(db: Session) -> None:
    actor = coordinator(db)
    worker = social_worker(db)
    school_user = social_worker(db, "sian.school")  # same agency kind, but not the named recipient
    record(db, actor, care_status=CareStatus.CP_PLAN.value, social_worker_id=str(worker.user_id))
    mine = notify.partner_notifications(db, worker).found.items
    assert len(mine) == 2  # the urgent notice and the digest collecting
    urgent = next(n for n in mine if n.urgent)
    assert mine[0] is urgent, "urgent notices first"
    assert urgent not in notify.partner_notifications(db, school_user).found.items
    notify.acknowledge(db, worker, urgent.id)
    assert urgent.acknowledged_by_id == worker.user_id
    with pytest.raises(Conflict):
        notify.acknowledge(db, worker, urgent.id)
    digest = next(n for n in mine if not n.urgent)
    with pytest.raises(Conflict):
        notify.acknowledge(db, worker, digest.id)


class FakeSMTP:
    sent: list[Any] = []

    def __init__(self, host: str, _port: int, timeout: int = 30) -> None:
        del timeout
        self.host = host

    def starttls(self, context: Any) -> None:
        pass

    def login(self, user: str, password: str) -> None:
        pass

    def send_message(self, message: Any) -> None:
        FakeSMTP.sent.append(message)

    def quit(self) -> None:
        pass


def test_the_outbox_writes_to_partners_and_users_only(db: Session) -> None:
    """Never to an applicant or a person at risk [issue 15]: their safe email is not an outbox address."""
    user = make_user(db, "data_administrator", username="dee.mail")
    agency = db.scalar(select(Agency).where(Agency.code == "probation"))
    assert agency is not None
    agency.contact_email = "MASH@Probation.example"
    db.flush()
    for address in ("mash@probation.example", user.user.email):
        outbox.queue(db, to=address, subject="Digest", body="Read it")
    for address in ("jane@example.org", "", "sw@council.example"):
        with pytest.raises(outbox.NotAPartner):
            outbox.queue(db, to=address, subject="Digest", body="Read it")


def test_the_outbox_sends_through_the_mail_server_and_waits_without_one(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user(db, "data_administrator", username="sw.council")
    outbox.queue(
        db,
        to=user.user.email,
        subject="Missing-person digest",
        body="Read it: {base_url}/partner/missing/1",
    )
    db.flush()
    assert outbox.send_pending(db, Settings(smtp_host="")).sent == 0
    monkeypatch.setattr("disclosure.agencies.outbox.smtplib.SMTP", FakeSMTP)
    FakeSMTP.sent = []
    result = outbox.send_pending(
        db, Settings(smtp_host="mail.example", base_url="https://disclosure.example")
    )
    assert result.sent >= 1 and result.waiting == 0
    assert "https://disclosure.example/partner/missing/1" in FakeSMTP.sent[-1].get_content()
    assert outbox.send_pending(db, Settings(smtp_host="mail.example")).sent == 0, "sent once"


# ----------------------------------------------------------------------------- Right to Know


def test_a_missing_subject_on_an_open_case_raises_a_consideration_to_decide(db: Session) -> None:
    actor = coordinator(db)
    case = make_request(db, actor)
    subject = add(db, actor, case, PartyRole.SUBJECT)
    episode = service.record_episode(db, actor, subject.id, episode_values())
    [consideration] = service.considerations_for_case(db, case.id)
    assert consideration.episode_id == episode.id and consideration.status == "open"
    assert consideration.party_role == "subject"
    with pytest.raises(FormInvalid) as refused:
        service.decide_consideration(db, actor, consideration.id, {"decision": "dismissed"})
    assert "reason" in refused.value.errors
    service.decide_consideration(
        db, actor, consideration.id, {"decision": "accepted", "reason": "Subject linked to exploitation"}
    )
    assert consideration.status == "accepted"
    assert service.raise_considerations(db, actor, person_id=subject.id) == [], "one per case and person"
    with pytest.raises(Conflict, match="already been decided"):
        service.decide_consideration(db, actor, consideration.id, {"decision": "dismissed", "reason": "No"})
    assert consideration.status == "accepted"


def test_adding_a_person_with_episodes_to_a_case_raises_one_too(db: Session) -> None:
    actor = coordinator(db)
    who = person(db, actor)
    record(db, actor, who=who)
    case = make_request(db, actor)
    add(db, actor, case, PartyRole.PERSON_AT_RISK, person=who)
    [consideration] = service.considerations_for_case(db, case.id)
    assert consideration.person_id == who.id and consideration.party_role == "person_at_risk"
    add(db, actor, case, PartyRole.APPLICANT)
    assert len(service.considerations_for_case(db, case.id)) == 1, "applicants do not raise one"


def test_two_events_at_once_still_make_one_digest(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """The digest's key is unique: an insert that loses the race finds the winner's digest instead."""
    actor = coordinator(db)
    episode = record(db, actor, school_id=agency_id(db, "education"))
    [digest] = db.scalars(select(Notification).where(Notification.agency_id == episode.school_id)).all()
    [recipient] = notify.recipients(db, episode)
    real_scalar = db.scalar
    calls = {"n": 0}

    def blind_first_lookup(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        return None if calls["n"] == 1 else real_scalar(*args, **kwargs)

    monkeypatch.setattr(db, "scalar", blind_first_lookup)
    again = notify._digest(db, recipient, episode.person_id, digest.period_start, digest.period_end)
    monkeypatch.undo()
    assert again.id == digest.id
    assert len(db.scalars(select(Notification).where(Notification.agency_id == episode.school_id)).all()) == 1


def test_overlong_answers_are_refused_at_their_fields_not_truncated_or_crashed(db: Session) -> None:
    actor = coordinator(db)
    with pytest.raises(FormInvalid) as refused:
        record(db, actor, risk_source="x" * 301, reported_by="y" * 201)
    assert set(refused.value.errors) >= {"risk_source", "reported_by"}
    episode = record(db, actor)
    service.close_episode(db, actor, episode.id, return_values())
    with pytest.raises(FormInvalid) as interview:
        service.record_interview(
            db,
            actor,
            episode.id,
            {
                "outcome": "offered",
                **when(utcnow(), "offered"),
                "interviewer_name": "z" * 201,
                "interviewer_organisation": "Safer Futures",
                "independent": "yes",
            },
        )
    assert "interviewer_name" in interview.value.errors
