"""What waits for each user [issue 16, "Be told what is waiting"]: each role's home page lists its work with
links and no names, the navigation counts it, and the waiting-work email says that work waits (kinds and
counts only) as soon as something new waits or once a day, as the user chooses."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from disclosure.accounts.roles import Role
from disclosure.agencies.models import OutboxMessage
from disclosure.audit import AuditEvent
from disclosure.auth import Principal
from disclosure.db import create_db_engine, create_session_factory, unit_of_work, utcnow
from disclosure.decisions import service as decisions
from disclosure.force.models import ForceProfile
from disclosure.missing import service as missing
from disclosure.requests.vocabulary import PartyRole
from disclosure.research import overview
from disclosure.research import service as research
from disclosure.waiting import mail, service
from disclosure.waiting.models import WaitingMail
from tests import fresh_db
from tests.builders import make_user, principal_for, sign_in_as
from tests.decisions.builders import disclose_values
from tests.decisions.conftest import Cast, Panel, cast, panel
from tests.missing.builders import coordinator, episode_values, person, return_values
from tests.pages import PageClient
from tests.requests.builders import add, make_person, make_request, triage
from tests.requests.test_api import api
from tests.research.builders import (
    agency,
    case_in_research,
    check_values,
    evidence_values,
    partner_user,
    subject_id,
    summary_values,
)

__all__ = ["api", "cast", "panel"]
fresh_database_url = fresh_db.fresh_database_url


def _kinds(db: Session, who: Principal, now: datetime | None = None) -> dict[str, list[str]]:
    return {t.kind: [line.text for line in t.lines] for t in service.tasks(db, who, now)}


@pytest.fixture
def clerk(db: Session) -> Principal:
    return principal_for(make_user(db, Role.DATA_ADMINISTRATOR, display_name="Dana Clerk").user)


@pytest.fixture
def researcher(db: Session) -> Principal:
    return principal_for(make_user(db, Role.RESEARCHER, display_name="Rory Research").user)


# ---------------------------------------------------------------- what waits, role by role


def test_a_logged_request_waits_for_triage_until_it_is_triaged(db: Session, clerk: Principal) -> None:
    case = make_request(db, clerk)
    assert _kinds(db, clerk)["triage"] == [case.reference]
    researcher = principal_for(make_user(db, Role.RESEARCHER).user)
    assert "triage" not in _kinds(db, researcher)  # intake is the data administrators' work
    triage(db, clerk, case)
    assert "triage" not in _kinds(db, clerk)


def test_a_case_past_its_deadline_waits_for_the_clerks_and_its_lead(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    assert "overdue" not in _kinds(db, clerk)
    later = utcnow() + timedelta(days=60)  # well past the 28-day whole-process limit [DVDS-2023]
    assert _kinds(db, clerk, later)["overdue"] == [case.reference]
    assert _kinds(db, researcher, later)["overdue"] == [case.reference]
    other = principal_for(make_user(db, Role.RESEARCHER).user)
    assert "overdue" not in _kinds(db, other, later)  # someone else's case


def test_research_waits_for_its_lead_and_a_package_for_its_reviewer(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    assert _kinds(db, researcher)["research"] == [case.reference]
    reviewer = principal_for(make_user(db, Role.RESEARCHER, display_name="Sue Supervisor").user)
    assert "research" not in _kinds(db, reviewer)
    for code in ("pnc", "pnd", "visor", "force-intelligence"):
        research.record_check(db, researcher, case.id, check_values(db, case, code))
    package = research.package_for(db, case)
    research.record_evidence(db, researcher, case.id, evidence_values(case))
    research.update_summary(db, researcher, case.id, summary_values(package.version))
    research.send_for_review(db, researcher, case.id, {"reviewer_id": str(reviewer.user_id)})
    assert _kinds(db, reviewer)["review"] == [case.reference]
    assert "research" not in _kinds(db, researcher)  # with the reviewer now


def test_a_partner_request_waits_for_the_agency_then_its_answer_for_the_researcher(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    sent = research.send_partner_request(
        db,
        researcher,
        case.id,
        {"agency_id": str(agency(db).id), "asked": "Any contact?", "person_ids": [subject_id(case)]},
    )
    partner = partner_user(db)
    elsewhere = partner_user(db, "health", username="hal.health")
    assert len(_kinds(db, partner)["partner_requests"]) == 1
    assert "partner_requests" not in _kinds(db, elsewhere)
    after_due = datetime.combine(
        sent.due_on + timedelta(days=1), datetime.min.time()
    ).astimezone() + timedelta(hours=12)
    assert _kinds(db, researcher, after_due)["chase"] == [case.reference]
    research.answer(
        db,
        partner,
        sent.id,
        {"result": "information_found", "response": "Supervised 2019-2021.", "onward_consent": "consents"},
    )
    assert "partner_requests" not in _kinds(db, partner)
    assert _kinds(db, researcher)["answers"] == [case.reference]
    overview.overview(db, researcher, case.id)  # the researcher opens the research page
    assert "answers" not in _kinds(db, researcher)


def test_panels_wait_for_their_members_and_a_drafted_decision_for_the_chair(
    db: Session, cast: Cast, panel: Panel
) -> None:
    meeting = panel.meeting
    # Panels from today on: looked at a minute after the meeting began (it began an hour ago, which just
    # after midnight is yesterday).
    begun = meeting.meets_at + timedelta(minutes=1)
    assert [f"/panels/{meeting.id}"] == [
        line.href for t in service.tasks(db, cast.probation, begun) if t.kind == "panels" for line in t.lines
    ]
    assert "panels" not in _kinds(db, cast.outsider)
    tomorrow = utcnow() + timedelta(days=1)
    assert "panels" not in _kinds(db, cast.probation, tomorrow + timedelta(days=1))  # it has been
    agencies = decisions.quorum(db, panel.item).agencies
    decisions.record_decision(
        db, cast.probation, meeting.id, panel.item.id, disclose_values(db, panel.case, cast.officer, agencies)
    )
    assert _kinds(db, cast.chair)["sign"] == [panel.case.reference]
    assert [f"/panels/{meeting.id}/items/{panel.item.id}/sign"] == [
        line.href for t in service.tasks(db, cast.chair) if t.kind == "sign" for line in t.lines
    ], "the line opens the sign-off form"
    assert "sign" not in _kinds(db, cast.probation)


def test_a_decided_case_waits_for_the_officer_named_to_deliver_it(
    db: Session, cast: Cast, panel: Panel
) -> None:
    agencies = decisions.quorum(db, panel.item).agencies
    decisions.record_decision(
        db,
        cast.probation,
        panel.meeting.id,
        panel.item.id,
        disclose_values(db, panel.case, cast.officer, agencies),
    )
    decision = decisions.decision_for(db, panel.item)
    assert decision is not None
    decisions.sign(db, cast.chair, panel.meeting.id, panel.item.id, {"version": str(decision.version)})
    assert _kinds(db, cast.officer)["deliver"] == [panel.case.reference]
    other = principal_for(make_user(db, Role.DISCLOSING_OFFICER).user)
    assert "deliver" not in _kinds(db, other)


def test_return_home_interviews_wait_and_turn_late_after_72_hours(db: Session) -> None:
    clerk = coordinator(db)
    child = person(db, clerk)
    episode = missing.record_episode(
        db, clerk, child.id, episode_values(hours_ago=30, police_reference="MP/26/4321")
    )
    missing.close_episode(db, clerk, episode.id, return_values(hours_ago=4))
    [task] = [t for t in service.tasks(db, clerk) if t.kind == "interviews"]
    assert task.count == 1 and task.late == 0
    [line] = task.lines
    assert line.href == f"/missing/episodes/{episode.id}/interview", "the line leads to the interview's form"
    assert line.text.startswith("MP/26/4321: due "), "named by its police reference"
    [late] = [t for t in service.tasks(db, clerk, utcnow() + timedelta(hours=73)) if t.kind == "interviews"]
    assert late.late == 1


def test_a_long_queue_keeps_its_first_lines_and_counts_every_one(
    db: Session, clerk: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every line counted in SQL, only the first KEPT built [issue 17]: the count and the late count are of
    the whole queue, the lines the oldest first."""
    monkeypatch.setattr(service, "KEPT", 2)
    cases = [make_request(db, clerk) for _ in range(5)]
    [task] = [t for t in service.tasks(db, clerk) if t.kind == "triage"]
    assert task.count == 5 and task.unlisted == 3
    assert [line.text for line in task.lines] == [c.reference for c in cases[:2]]
    later = utcnow() + timedelta(days=60)
    [overdue] = [t for t in service.tasks(db, clerk, later) if t.kind == "overdue"]
    assert (overdue.count, overdue.late, len(overdue.lines)) == (5, 5, 2)


def test_late_is_counted_over_the_whole_queue(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "KEPT", 1)
    clerk = coordinator(db)
    for hours in (100, 90, 10):  # two returned more than 72 hours ago: late
        child = person(db, clerk)
        episode = missing.record_episode(db, clerk, child.id, episode_values(hours_ago=hours + 2))
        missing.close_episode(db, clerk, episode.id, return_values(hours_ago=hours))
    [task] = [t for t in service.tasks(db, clerk) if t.kind == "interviews"]
    assert (task.count, task.late, len(task.lines)) == (3, 2, 1)


def test_the_administrator_has_a_set_up_checklist_until_the_settings_are_complete(db: Session) -> None:
    admin = principal_for(make_user(db, Role.ADMINISTRATOR).user)
    assert "The force's name" in _kinds(db, admin)["setup"]
    db.add(
        ForceProfile(
            name="Testshire Police",
            nation="england",
            address="1 High Street\nTesttown",
            phone="0300 123 4567",
            email="",
            changed_by="ada",
            logo=None,
            logo_type="",
        )
    )
    db.flush()
    assert "setup" not in _kinds(db, admin)


# ---------------------------------------------------------------- the pages


def test_the_home_page_lists_the_work_with_links_and_never_a_name(
    db: Session, client: PageClient, clerk: Principal
) -> None:
    case = make_request(db, clerk)
    add(db, clerk, case, PartyRole.SUBJECT, make_person(db, clerk, "Gareth", "Quennell"))
    sign_in_as(db, client, clerk)
    home = client.get("/").text
    assert "Requests to triage" in home and f'href="/requests/{case.id}"' in home
    assert "Quennell" not in home
    queue = client.get("/requests").text  # the navigation counts it on every page
    assert 'class="app-count">1<span class="govuk-visually-hidden"> waiting</span>' in queue


def test_the_navigation_count_follows_the_users_own_change_at_once(
    db: Session, client: PageClient, clerk: Principal
) -> None:
    first = make_request(db, clerk)
    make_request(db, clerk)
    db.commit()
    sign_in_as(db, client, clerk)
    assert 'app-count">2<' in client.get("/requests").text
    triage(db, clerk, first)
    db.commit()
    assert 'app-count">2<' in client.get("/requests").text  # others' changes show within the minute
    client.submit("/account/email", {"choice": "daily"})  # any change of the user's own ...
    assert 'app-count">1<' in client.get("/requests").text  # ... counts afresh


def test_the_partner_home_page_leads_to_the_agencys_requests(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    sent = research.send_partner_request(
        db,
        researcher,
        case.id,
        {"agency_id": str(agency(db).id), "asked": "Any contact?", "person_ids": [subject_id(case)]},
    )
    sign_in_as(db, client, partner_user(db))
    home = client.get("/").text
    assert "Requests for information to answer" in home and f'href="/partner/requests/{sent.id}"' in home
    assert case.reference not in home


def test_the_email_choice_is_kept_checked_and_audited(
    db: Session, client: PageClient, clerk: Principal
) -> None:
    sign_in_as(db, client, clerk)
    form = client.get("/account/email").text
    assert 'value="immediate" checked' in form
    refused = client.submit("/account/email", {"choice": "hourly"})
    assert refused.status_code == 400 and 'href="#choice"' in refused.text
    assert client.submit("/account/email", {"choice": "daily"}).status_code == 303
    assert mail.choice_of(db, clerk.user_id).value == "daily"
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "waiting.email_choice")) is not None


def test_the_api_lists_the_same_tasks(db: Session, api: PageClient) -> None:
    made = api.post(
        "/api/v1/requests",
        json={
            "route": "right_to_ask",
            "applicant_type": "person_at_risk",
            "first_contact": (utcnow() - timedelta(hours=1)).isoformat(),
            "channel": "online",
            "receiving_force": "Testshire Police",
        },
    )
    assert made.status_code == 201, made.text
    body = api.get("/api/v1/waiting").json()
    [task] = [t for t in body["tasks"] if t["kind"] == "triage"]
    assert task["count"] == 1 and task["lines"][0]["text"] == made.json()["reference"]


# ---------------------------------------------------------------- the email


def _messages(db: Session, to: str) -> list[OutboxMessage]:
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.to_address == to)))


def test_immediate_email_says_new_work_waits_once_with_no_personal_data(db: Session) -> None:
    made = make_user(db, Role.DATA_ADMINISTRATOR, display_name="Dana Clerk")
    clerk = principal_for(made.user)
    case = make_request(db, clerk)
    add(db, clerk, case, PartyRole.SUBJECT, make_person(db, clerk, "Gareth", "Quennell"))
    now = utcnow()
    assert mail.notify_all(db, now).queued >= 1
    [message] = _messages(db, made.user.email)
    assert "Requests to triage: 1" in message.body and "{base_url}/" in message.body
    assert "Quennell" not in message.body
    assert case.reference not in message.body and case.police_reference not in message.body
    second = make_request(db, clerk)
    mail.notify_all(db, now + timedelta(minutes=1))  # too soon after the last message
    assert len(_messages(db, made.user.email)) == 1
    mail.notify_all(db, now + mail.QUIET * 2)
    latest = _messages(db, made.user.email)
    assert len(latest) == 2
    assert "1 of these is new" in latest[-1].body and second.reference not in latest[-1].body
    mail.notify_all(db, now + mail.QUIET * 4)
    assert len(_messages(db, made.user.email)) == 2  # nothing new: no third message


def test_a_daily_summary_goes_once_a_day_from_seven_and_none_means_none(db: Session) -> None:
    made = make_user(db, Role.DATA_ADMINISTRATOR)
    clerk = principal_for(made.user)
    make_request(db, clerk)
    mail.choose(db, clerk, "daily")
    day = (utcnow() + timedelta(days=1)).astimezone(service.LONDON)
    early = day.replace(hour=6, minute=30)
    mail.notify_all(db, early)
    assert _messages(db, made.user.email) == []
    mail.notify_all(db, early.replace(hour=7, minute=5))
    [summary] = _messages(db, made.user.email)
    assert "daily summary" in summary.body
    mail.notify_all(db, early.replace(hour=15))
    assert len(_messages(db, made.user.email)) == 1
    mail.notify_all(db, early.replace(hour=7, minute=5) + timedelta(days=1))
    assert len(_messages(db, made.user.email)) == 2
    mail.choose(db, clerk, "none")
    mail.notify_all(db, early.replace(hour=8) + timedelta(days=2))
    assert len(_messages(db, made.user.email)) == 2
    row = db.get(WaitingMail, clerk.user_id)
    assert row is not None and row.choice == "none"


def test_the_dispatchers_round_queues_the_waiting_work_email(
    db: Session, session_factory: sessionmaker[Session], clerk: Principal
) -> None:
    from disclosure import wiring
    from disclosure.missing import dispatcher

    wiring.connect()
    assert mail.round_step in dispatcher.ROUND_STEPS
    make_request(db, clerk)
    db.flush()
    assert mail.round_step(session_factory) >= 1
    # The next look is EVERY away, for every worker: the turn is kept in the database.
    assert mail.round_step(session_factory) == 0


def test_new_work_beyond_the_lines_kept_is_still_news(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """The email remembers the first KEPT lines of a kind and how many more there were: one more beyond
    them is news too [issue 17]."""
    monkeypatch.setattr(service, "KEPT", 1)
    made = make_user(db, Role.DATA_ADMINISTRATOR)
    clerk = principal_for(made.user)
    make_request(db, clerk)
    make_request(db, clerk)
    now = utcnow()
    mail.notify_all(db, now)
    assert len(_messages(db, made.user.email)) == 1
    mail.notify_all(db, now + mail.QUIET * 2)
    assert len(_messages(db, made.user.email)) == 1  # nothing new
    make_request(db, clerk)  # the third, beyond the line kept
    mail.notify_all(db, now + mail.QUIET * 4)
    latest = _messages(db, made.user.email)
    assert len(latest) == 2 and "1 of these is new" in latest[-1].body


def test_two_workers_rounds_at_once_tell_each_user_once(fresh_database_url: str) -> None:
    """Four workers each run the dispatcher's round: at once, on PostgreSQL, they raced to add the same
    users' rows and three failed. One round holds the users at a time; the others skip [issue 17]."""
    engine = create_db_engine(fresh_database_url)
    factory = create_session_factory(engine)
    try:
        with unit_of_work(factory) as session:
            made = make_user(session, Role.DATA_ADMINISTRATOR)
            make_request(session, principal_for(made.user))
            address = made.user.email
        ready = threading.Barrier(2)
        # On PostgreSQL both transactions are open before either looks; SQLite's wait for one another.
        together = engine.dialect.name == "postgresql"
        failures: list[BaseException] = []

        def round_() -> None:
            try:
                if not together:
                    ready.wait(timeout=10)
                with unit_of_work(factory) as session:
                    session.execute(select(1))
                    if together:
                        ready.wait(timeout=10)
                    mail.notify_all(session)
            except BaseException as exc:
                failures.append(exc)

        threads = [threading.Thread(target=round_) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert failures == []
        with factory() as session:
            assert len(_messages(session, address)) == 1
    finally:
        engine.dispose()
