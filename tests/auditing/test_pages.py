"""The auditor's pages through HTTP: browse, filter and page the trail, one event, the chain check, the CSV
export (re-authentication, audited with reason and row count, formula cells neutralised), and refusal for
every other role (QUALITY.md checks 3, 16, 17, 19)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from disclosure.audit import AuditEvent
from tests.auditing.builders import api_token, newer_href, older_href, record, seqs_on, signed_in
from tests.builders import SampleUser, make_user
from tests.pages import PageClient

AUDIT_PAGES = [
    "/audit",
    "/audit/events/1",
    "/audit/chain",
    "/audit/export",
    "/audit/export.csv?object_id=x&reason=y",
]


def _last_event(db: Session, action: str) -> AuditEvent:
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq.desc()))
    assert event is not None, f"no {action} event"
    return event


# Browsing and filtering ---------------------------------------------------------------------------


def test_the_auditor_pages_through_the_trail_newest_first(
    client: PageClient, db: Session, auditor: SampleUser
) -> None:
    events = record(db, 55, action="test.paging")
    signed_in(client, db, auditor)
    first = client.get("/audit?action=test.paging")
    assert first.status_code == 200
    assert "55 events (50 on this page)" in first.text
    assert seqs_on(first.text) == [e.seq for e in reversed(events)][:50]
    assert newer_href(first.text) is None
    older = older_href(first.text)
    assert older is not None and "action=test.paging" in older, "the link keeps the filter"
    second = client.get(older)
    assert seqs_on(second.text) == [e.seq for e in reversed(events[:5])]
    assert older_href(second.text) is None and (newer := newer_href(second.text)) is not None
    assert seqs_on(client.get(newer).text) == seqs_on(first.text), "and back again"
    lost = client.get("/audit?action=test.paging&after=not-a-cursor")
    assert seqs_on(lost.text) == seqs_on(first.text), "a cursor that cannot be read opens the first page"


def test_unfiltered_trail_lists_the_latest_events(
    client: PageClient, db: Session, auditor: SampleUser
) -> None:
    latest = record(db, 3, action="test.latest")[-1]
    signed_in(client, db, auditor)
    response = client.get("/audit")
    assert response.status_code == 200
    assert seqs_on(response.text)[0] == latest.seq


def test_a_search_with_filters_is_itself_recorded(
    client: PageClient, db: Session, auditor: SampleUser
) -> None:
    signed_in(client, db, auditor)
    client.get("/audit?object_type=person&object_id=P-9")
    event = _last_event(db, "audit.search")
    assert event.actor_label == "audrey.auditor" and event.category == "consultation"
    assert json.loads(event.details) == {"object_type": "person", "object_id": "P-9"}


# One event and the chain check --------------------------------------------------------------------


def test_the_auditor_sees_one_event_in_full(client: PageClient, db: Session, auditor: SampleUser) -> None:
    event = record(db, action="test.one", justification="Panel meeting 12", recipients="Chief Inspector")[0]
    signed_in(client, db, auditor)
    response = client.get(f"/audit/events/{event.seq}")
    assert response.status_code == 200
    for shown in (
        f"Audit event {event.seq}",
        "Unlisted action: test one (test.one)",
        "<code>test.one</code>",
        "Panel meeting 12",
        "Chief Inspector",
        event.hash,
        event.prev_hash,
        event.occurred_at.isoformat(),
    ):
        assert shown in response.text
    assert client.get("/audit/events/999999999").status_code == 404


def test_the_chain_check_reports_an_intact_chain_and_is_recorded(
    client: PageClient, db: Session, auditor: SampleUser
) -> None:
    record(db, 3, action="test.chain")
    signed_in(client, db, auditor)
    response = client.get("/audit/chain")
    assert response.status_code == 200
    assert "The chain is intact" in response.text
    event = _last_event(db, "audit.verify")
    assert event.category == "security" and json.loads(event.details)["intact"] is True


def test_the_chain_check_names_an_edited_event(
    client: PageClient, db: Session, connection: Connection, auditor: SampleUser
) -> None:
    target = record(db, 3, action="test.tampered")[1]
    signed_in(client, db, auditor)
    if connection.dialect.name == "postgresql":
        connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
    else:
        connection.execute(text("DROP TRIGGER audit_events_no_update"))
    db.execute(text("UPDATE audit_events SET justification = 'forged' WHERE seq = :s"), {"s": target.seq})
    response = client.get("/audit/chain")
    assert response.status_code == 200
    assert "The chain is broken" in response.text
    assert f"event {target.seq} (" in response.text and "edited" in response.text


# Export -------------------------------------------------------------------------------------------


def test_the_export_form_renders(client: PageClient, db: Session, auditor: SampleUser) -> None:
    signed_in(client, db, auditor)
    response = client.get("/audit/export")
    assert response.status_code == 200
    assert 'action="/audit/export.csv"' in response.text and 'name="reason"' in response.text


def test_the_export_needs_a_recent_password_and_code(
    client: PageClient, db: Session, auditor: SampleUser
) -> None:
    record(db, action="test.export")
    before = db.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    signed_in(client, db, auditor, reauth=False)
    response = client.get("/audit/export.csv?action=test.export&reason=SAR-1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/confirm-identity?next=/audit/export.csv")
    after = db.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    assert after == before, "nothing exported, nothing recorded"


def test_the_export_is_a_csv_and_is_audited_with_reason_and_row_count(
    client: PageClient, db: Session, auditor: SampleUser
) -> None:
    made = record(db, 3, action="test.export", object_type="person", object_id="P-42")
    record(db, action="test.export", object_type="person", object_id="P-other")
    signed_in(client, db, auditor)
    response = client.get("/audit/export.csv?object_type=person&object_id=P-42&reason=SAR+2026%2F118")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["cache-control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [int(r["seq"]) for r in rows] == [e.seq for e in made]
    assert {r["object_id"] for r in rows} == {"P-42"}
    exported = _last_event(db, "audit.export")
    assert exported.justification == "SAR 2026/118"
    assert exported.category == "disclosure" and exported.recipients == "audrey.auditor"
    assert json.loads(exported.details) == {"object_type": "person", "object_id": "P-42", "rows": 3}


@pytest.mark.parametrize("formula", ['=HYPERLINK("http://evil.example")', "+1+1", "-2+3", "@SUM(A1)", "\tx"])
def test_exported_cells_never_run_as_formulas(
    client: PageClient, db: Session, auditor: SampleUser, formula: str
) -> None:
    record(db, action="test.injection", object_id="INJ-1", justification=formula)
    signed_in(client, db, auditor)
    response = client.get("/audit/export.csv?object_id=INJ-1&reason=check")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["justification"] for r in rows] == ["'" + formula]
    assert all(not cell.startswith(("=", "+", "@")) for r in rows for cell in r.values())


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("object_id=R-1&reason=", "reason", "Enter why you are exporting"),
        ("reason=because", "reference", "Enter a case reference, person, user name, record or date range"),
        (
            "object_id=R-1&reason=x&date_from-day=31&date_from-month=2&date_from-year=2026",
            "date_from",
            "From date must be a real date",
        ),
    ],
)
def test_an_export_without_a_reason_or_scope_is_refused_with_the_values_kept(
    client: PageClient, db: Session, auditor: SampleUser, query: str, field: str, message: str
) -> None:
    signed_in(client, db, auditor)
    before = db.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    response = client.get(f"/audit/export.csv?{query}")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert message in response.text and f'href="#{field}"' in response.text
    if "R-1" in query:
        assert 'value="R-1"' in response.text
    assert db.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)) == before


# Who may see it -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.RESEARCHER, Role.DATA_ADMINISTRATOR])
@pytest.mark.parametrize("path", AUDIT_PAGES)
def test_other_roles_are_refused_every_audit_page(
    client: PageClient, db: Session, role: Role, path: str
) -> None:
    record(db, action="test.refused")
    signed_in(client, db, make_user(db, role))
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 403
    assert "test.refused" not in response.text


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.RESEARCHER, Role.DATA_ADMINISTRATOR])
def test_other_roles_are_refused_the_audit_api(client: PageClient, db: Session, role: Role) -> None:
    record(db, action="test.refused")
    response = client.get("/api/v1/audit/events", headers=api_token(db, make_user(db, role)))
    assert response.status_code == 403
    assert "test.refused" not in response.text


def test_anonymous_visitors_are_sent_to_sign_in(client: PageClient) -> None:
    response = client.get("/audit", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/sign-in?next=/audit")


@pytest.mark.parametrize("path", ["/admin/users", "/admin/settings", "/requests"])
def test_the_auditor_is_refused_administration_and_case_work(
    client: PageClient, db: Session, auditor: SampleUser, path: str
) -> None:
    signed_in(client, db, auditor)
    assert client.get(path).status_code == 403


def test_the_auditor_reads_the_trail_through_the_api(
    client: PageClient, db: Session, auditor: SampleUser
) -> None:
    made = record(db, 2, action="test.api")
    headers = api_token(db, auditor)
    response = client.get("/api/v1/audit/events?action=test.api", headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and [e["seq"] for e in body["events"]] == [e.seq for e in reversed(made)]
    assert client.get("/api/v1/audit/events").status_code == 401, "no token, no trail"
    bad = client.get("/api/v1/audit/events?date_from=not-a-date", headers=headers)
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("application/problem+json")
