"""The records reviewer's pages and API [issue 19]: the queue and what waits, the review page (counts, never
names), decisions with their refusals at the field and every answer kept, holds, and disposal that asks
for the password and code again; the API over the same verbs."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.accounts import service as accounts
from disclosure.accounts.roles import Role
from disclosure.audit import AuditEvent
from disclosure.auth import Principal
from disclosure.clocks import uk_date
from disclosure.db import utcnow
from disclosure.people.models import PersonName
from disclosure.requests.models import CaseParty, DisclosureRequest
from disclosure.retention.models import RetentionRecord, RetentionReview
from disclosure.retention.schedule import add_years
from disclosure.storage import LocalFileStore
from tests.builders import date_fields, make_session, make_user, principal_for
from tests.pages import PageClient
from tests.retention.builders import due_today, withdrawn_case


def _names(db: Session, case_id: object) -> list[str]:
    people = select(CaseParty.person_id).where(CaseParty.request_id == case_id)
    return [n.family_name for n in db.scalars(select(PersonName).where(PersonName.person_id.in_(people)))]


def _events(db: Session, action: str) -> int:
    return db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)) or 0


def test_a_reviewer_finds_what_is_due_reads_counts_not_names_and_retains_it(
    db: Session,
    client: PageClient,
    clerk: Principal,
    researcher: Principal,
    store: LocalFileStore,
) -> None:
    case = withdrawn_case(db, clerk, researcher, store)
    record = due_today(db, case.id)
    reviewer = make_user(db, Role.RECORDS_REVIEWER, display_name="Rhiannon Reviewer")
    client.sign_in_as(make_session(db, reviewer.user))

    home = client.get("/")
    assert "Records due for review" in home.text and record.label in home.text
    queue = client.get("/retention")
    assert queue.status_code == 200 and f'href="/retention/{record.id}"' in queue.text
    assert "1 record, longest due first" in queue.text

    shown = client.get(f"/retention/{record.id}")
    assert shown.status_code == 200 and "Clare&#39;s Law case under review" in shown.text
    assert "Dispose of this record" in shown.text and "1 stored file" in shown.text
    assert not any(name in shown.text for name in _names(db, case.id))
    assert _events(db, "retention.view") == 1

    today = uk_date(utcnow())
    latest = add_years(today, 10)
    refused = client.submit(
        f"/retention/{record.id}",
        {
            "version": str(record.version),
            "decision": "retain",
            "rationale": "Short",
            **date_fields("next_review", latest + timedelta(days=1)),
        },
    )
    assert refused.status_code == 400
    assert "Enter why the record is still needed in at least 10 characters" in refused.text
    assert f"no later than {latest.day} {latest:%B %Y}" in refused.text
    assert 'value="Short"' not in refused.text and ">Short</textarea>" in refused.text
    assert db.scalar(select(func.count()).select_from(RetentionReview)) == 0

    kept = client.submit(
        f"/retention/{record.id}",
        {
            "version": str(record.version),
            "decision": "retain",
            "rationale": "Subject now under a multi-agency plan; still relevant",
            **date_fields("next_review", latest),
        },
    )
    assert kept.status_code == 303
    assert "Record retained until its next review" in client.get(kept.headers["location"]).text
    db.refresh(record)
    assert record.review_due_on == latest
    assert "No record is due for review." in client.get("/retention").text
    assert "Records due for review" not in client.get("/").text


def test_a_hold_blocks_disposal_and_disposal_asks_who_you_are_then_removes_the_case(
    db: Session,
    client: PageClient,
    clerk: Principal,
    researcher: Principal,
    store: LocalFileStore,
) -> None:
    case = withdrawn_case(db, clerk, researcher, store)
    case_id = case.id
    record = due_today(db, case_id)
    record_id = record.id
    reviewer = make_user(db, Role.RECORDS_REVIEWER)
    client.sign_in_as(make_session(db, reviewer.user, reauth=False))

    nothing = client.submit(f"/retention/{record.id}", {"version": str(record.version)})
    assert nothing.status_code == 400 and "Select what you decide" in nothing.text
    held = client.submit(
        f"/retention/{record.id}",
        {"version": str(record.version), "decision": "hold", "rationale": "Civil claim lodged: keep all"},
    )
    assert held.status_code == 303
    assert record.label in client.get("/retention?view=held").text
    page = client.get(f"/retention/{record.id}")
    assert "A legal hold blocks disposal: release the hold first." in page.text
    assert "Release the legal hold" in page.text and "Place a legal hold" not in page.text
    db.refresh(record)
    stale = client.submit(
        f"/retention/{record.id}",
        {"version": str(record.version - 1), "decision": "release", "rationale": "The claim was settled"},
    )
    assert stale.status_code == 409 and "The claim was settled" in stale.text
    released = client.submit(
        f"/retention/{record.id}",
        {"version": str(record.version), "decision": "release", "rationale": "The claim was settled"},
    )
    assert released.status_code == 303

    asked = client.get(f"/retention/{record.id}/dispose", follow_redirects=False)
    assert asked.status_code == 303 and asked.headers["location"].startswith("/confirm-identity?next=")
    client.sign_in_as(make_session(db, reviewer.user))
    db.refresh(record)
    form = client.get(f"/retention/{record.id}/dispose")
    assert form.status_code == 200 and "Disposal cannot be undone" in form.text
    unconfirmed = client.submit(f"/retention/{record.id}/dispose", {"version": str(record.version)})
    assert unconfirmed.status_code == 400 and db.get(DisclosureRequest, case_id) is not None
    gone = client.submit(
        f"/retention/{record.id}/dispose", {"version": str(record.version), "confirm": "yes"}
    )
    assert gone.status_code == 303 and gone.headers["location"] == "/retention"
    assert "rows and 1 files removed" in client.get("/retention").text
    db.expire_all()
    assert db.get(DisclosureRequest, case_id) is None
    assert _events(db, "retention.dispose") == 1
    assert client.get(f"/retention/{record_id}").status_code == 404


def test_only_records_reviewers_reach_the_review_pages(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal, store: LocalFileStore
) -> None:
    record = due_today(db, withdrawn_case(db, clerk, researcher, store).id)
    for role in (Role.DATA_ADMINISTRATOR, Role.AUDITOR, Role.ADMINISTRATOR):
        client.sign_in_as(make_session(db, make_user(db, role).user))
        assert client.get("/retention").status_code == 403
        assert client.get(f"/retention/{record.id}").status_code == 403
        assert 'href="/retention"' not in client.get("/").text


def test_the_api_lists_reads_decides_and_disposes_with_the_reviewers_code(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal, store: LocalFileStore
) -> None:
    case = withdrawn_case(db, clerk, researcher, store)
    case_id = case.id
    record = due_today(db, case_id)
    reviewer = make_user(db, Role.RECORDS_REVIEWER)
    admin = principal_for(make_user(db, Role.ADMINISTRATOR).user)
    token = accounts.issue_api_token(db, admin, reviewer.user.id, "records system")
    db.commit()
    client.headers["Authorization"] = f"Bearer {token}"

    listed = client.get("/api/v1/retention/records")
    assert listed.status_code == 200 and [r["id"] for r in listed.json()["records"]] == [str(record.id)]
    assert client.get("/api/v1/retention/records?view=held").json()["records"] == []
    one = client.get(f"/api/v1/retention/records/{record.id}")
    detail = one.json()
    assert one.status_code == 200 and detail["disposal"]["files"] == 1 and detail["disposal"]["refusal"] == ""
    assert detail["record"]["kind"] == "dvds_case" and detail["disposal"]["tables"]["requests"] == 1

    url = f"/api/v1/retention/records/{record.id}"
    bad = client.post(f"{url}/decisions", json={"decision": "regroup", "rationale": "Belongs elsewhere"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"group"}
    held = client.post(
        f"{url}/decisions", json={"decision": "hold", "rationale": "Inquiry ordered by the IOPC"}
    )
    assert held.status_code == 201 and held.json()["record"]["held"] is True
    again = client.post(
        f"{url}/decisions",
        json={
            "decision": "hold",
            "rationale": "Inquiry ordered by the IOPC",
            "version": held.json()["record"]["version"],
        },
    )
    assert again.status_code == 409 and "already under a legal hold" in again.json()["detail"]
    refused = client.post(
        f"{url}/disposal",
        json={"confirm": True, "password": reviewer.password, "code": reviewer.code()},
    )
    assert refused.status_code == 409 and "legal hold" in refused.json()["detail"]
    client.post(f"{url}/decisions", json={"decision": "release", "rationale": "The inquiry has closed"})
    wrong = client.post(f"{url}/disposal", json={"confirm": True, "password": "not it", "code": "000000"})
    assert wrong.status_code == 400 and set(wrong.json()["errors"]) == {"password", "code"}
    done = client.post(
        f"{url}/disposal",
        json={"confirm": True, "password": reviewer.password, "code": reviewer.code(1)},
    )
    assert done.status_code == 200 and done.json()["files"] == 1
    db.expire_all()
    assert db.get(DisclosureRequest, case_id) is None
    assert db.scalar(select(func.count()).select_from(RetentionRecord)) == 0
