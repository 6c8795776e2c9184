"""Settings > Retention [issue 19]: administrators change a review group's periods (the schedule follows at
once, never bringing a reviewer's next review earlier) and the group each kind of record joins; refusals at
the field write nothing; only administrators reach it."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from disclosure.audit import AuditEvent
from disclosure.auth import Principal
from disclosure.clocks import uk_date
from disclosure.db import utcnow
from disclosure.requests import service as requests
from disclosure.retention import service
from disclosure.retention.models import RetentionDefault, RetentionGroup, RetentionRecord
from disclosure.retention.schedule import add_years, scan
from disclosure.storage import LocalFileStore
from tests.builders import make_session, make_user
from tests.pages import PageClient
from tests.research.builders import case_in_research
from tests.retention.builders import DUE, scheduled, withdrawn_case

GROUP_2 = {"name": "Other sexual, violent or serious matters", "rule": "review", "review_years": "10"}


def _events(db: Session, action: str) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_shorter_clear_period_moves_scheduled_records_but_never_a_reviewers_date(
    db: Session,
    client: PageClient,
    clerk: Principal,
    researcher: Principal,
    reviewer: Principal,
    store: LocalFileStore,
) -> None:
    first = scheduled(db, withdrawn_case(db, clerk, researcher, store).id)
    second = scheduled(db, withdrawn_case(db, clerk, researcher, store).id)
    service.retain(
        db,
        reviewer,
        second.id,
        {"rationale": "Linked to a live investigation", "next_review": add_years(DUE, 10).isoformat()},
        today=DUE,
    )
    db.commit()
    client.sign_in_as(make_session(db, make_user(db, Role.ADMINISTRATOR).user))
    assert "Reviewed 10 years after the last activity" in client.get("/admin/retention").text
    form = client.get("/admin/retention/groups/2")
    assert form.status_code == 200 and 'value="Other sexual, violent or serious matters"' in form.text

    refused = client.submit(
        "/admin/retention/groups/2",
        GROUP_2 | {"rule": "until_age", "clear_years": "ten", "version": "1"},
    )
    assert refused.status_code == 400
    assert "Years from the last activity to the first review must be a whole number" in refused.text
    assert "Enter the age the group&#39;s records are kept until" in refused.text
    db.expire_all()
    assert db.get(RetentionGroup, 2).clear_years == 10  # type: ignore[union-attr]
    assert _events(db, "retention.group.update") == []

    saved = client.submit("/admin/retention/groups/2", GROUP_2 | {"clear_years": "5", "version": "1"})
    assert saved.status_code == 303
    assert (
        "Group 2 saved: 1 scheduled record moved to its new dates"
        in client.get(saved.headers["location"]).text
    )
    db.expire_all()
    today = uk_date(utcnow())
    assert db.get(RetentionRecord, first.id).review_due_on == add_years(today, 5)  # type: ignore[union-attr]
    assert db.get(RetentionRecord, second.id).review_due_on == add_years(DUE, 10)  # type: ignore[union-attr]
    [event] = _events(db, "retention.group.update")
    assert '"clear_years": 10' in event.details and '"clear_years": 5' in event.details

    stale = client.submit("/admin/retention/groups/2", GROUP_2 | {"clear_years": "6", "version": "1"})
    assert stale.status_code == 409 and 'value="6"' in stale.text


def test_a_new_default_group_applies_to_records_that_join_from_now_on(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal, store: LocalFileStore
) -> None:
    before = scheduled(db, withdrawn_case(db, clerk, researcher, store).id)
    db.commit()
    client.sign_in_as(make_session(db, make_user(db, Role.ADMINISTRATOR).user))
    answers = {"default-dvds_case": "1", "default-csods_case": "1", "default-missing_episode": "3"}
    refused = client.submit("/admin/retention/defaults", answers | {"default-person": "9"})
    assert refused.status_code == 400 and "Select the group a person&#39;s record joins" in refused.text
    assert db.get(RetentionDefault, "dvds_case").group_id == 2  # type: ignore[union-attr]

    saved = client.submit("/admin/retention/defaults", answers | {"default-person": "3"})
    assert saved.status_code == 303
    [event] = _events(db, "retention.defaults.update")
    assert event.details == '{"after": {"dvds_case": 1}, "before": {"dvds_case": 2}}'
    case = case_in_research(db, clerk, researcher)
    requests.withdraw(db, clerk, case.id, {"reason": "applicant_withdrew", "notes": "No longer wishes to."})
    scan(db)
    joined = db.scalar(select(RetentionRecord).where(RetentionRecord.record_id == case.id))
    assert joined is not None and joined.group_id == 1
    db.refresh(before)
    assert before.group_id == 2


def test_only_administrators_change_retention(db: Session, client: PageClient) -> None:
    for role in (Role.RECORDS_REVIEWER, Role.DATA_ADMINISTRATOR, Role.AUDITOR):
        client.sign_in_as(make_session(db, make_user(db, role).user))
        assert client.get("/admin/retention").status_code == 403
        posted = client.submit("/admin/retention/groups/3", GROUP_2 | {"clear_years": "1"})
        assert posted.status_code == 403
    assert (
        db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("retention.%")))
        == 0
    )
    client.sign_in_as(make_session(db, make_user(db, Role.ADMINISTRATOR).user))
    assert client.get("/admin/retention/groups/9").status_code == 404
