"""A panel's papers are for that panel [issue 14 §2], tested from the attacker's side: a data administrator
or a panel chair who has nothing to do with a meeting asks for one of its cases' package, panel pack,
minutes and decision, as they could before this rule, and is asked for a reason (or told there is no such
decision); the meeting's convener and chair, its members taking part and the case team read them; a member
who declared a conflict is refused even with a stated reason."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.accounts import service as accounts
from disclosure.accounts.roles import Role
from disclosure.audit import AuditEvent
from disclosure.auth import Principal
from disclosure.decisions import service
from disclosure.requests import access
from tests.builders import sign_in_as
from tests.decisions.builders import all_present, no_disclosure_values, person
from tests.decisions.conftest import Cast, Panel
from tests.pages import PageClient


def _papers(panel: Panel) -> dict[str, str]:
    item = f"/panels/{panel.meeting.id}/items/{panel.item.id}"
    return {"item": item, "package": f"{item}/package", "pack": f"{item}/panel-pack.pdf"}


def _minutes_text(client: PageClient, panel: Panel) -> str:
    minutes = client.get(f"/panels/{panel.meeting.id}/minutes.pdf")
    assert minutes.status_code == 200
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(minutes.content)).pages)


def _signed(db: Session, cast: Cast, panel: Panel) -> str:
    agencies = service.quorum(db, panel.item).agencies
    decision = service.record_decision(
        db, cast.probation, panel.meeting.id, panel.item.id, no_disclosure_values(db, agencies)
    )
    service.sign(db, cast.chair, panel.meeting.id, panel.item.id, {})
    return str(decision.id)


@pytest.mark.parametrize("role", [Role.DATA_ADMINISTRATOR, Role.PANEL_CHAIR])
def test_a_convener_role_alone_reads_no_panels_papers(
    db: Session, client: PageClient, cast: Cast, panel: Panel, admin_principal: Principal, role: Role
) -> None:
    decision_id = _signed(db, cast, panel)
    stranger = person(db, role, f"stranger.{role.value}", "Sam Stranger")
    sign_in_as(db, client, stranger)
    for name, path in _papers(panel).items():
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303, name
        assert answer.headers["location"] == f"/requests/{panel.case.id}/access?next={quote(path)}", name
    agenda = client.get(f"/panels/{panel.meeting.id}")
    assert agenda.status_code == 200 and "state a reason to open" in agenda.text
    assert "Decided:" not in agenda.text, "the outcome is part of the papers"
    assert panel.case.reference not in _minutes_text(client, panel)

    token = accounts.issue_api_token(db, admin_principal, stranger.user_id, "case system")
    client.headers["Authorization"] = f"Bearer {token}"
    assert client.get(f"/api/v1/decisions/{decision_id}").status_code == 404
    del client.headers["Authorization"]
    read = db.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == stranger.user_id)).all()
    assert "decisions.package.view" not in read and "decisions.decision.view" not in read

    reason = "Covering the MASH panel while the convener is on leave"
    stated = client.submit(
        f"/requests/{panel.case.id}/access", {"reason": reason, "next": _papers(panel)["package"]}
    )
    assert stated.headers["location"] == _papers(panel)["package"]
    assert client.get(_papers(panel)["package"]).status_code == 200
    assert client.get(_papers(panel)["pack"]).headers["content-type"] == "application/pdf"
    assert panel.case.reference in _minutes_text(client, panel)
    viewed = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "decisions.package.view", AuditEvent.actor_id == stranger.user_id
        )
    ).all()
    assert len(viewed) == 2, "the package page and the pack"
    assert all(e.justification.endswith("Stated reason (see access grant)") for e in viewed)


def test_the_meetings_convener_chair_members_and_the_case_team_read_its_papers(
    db: Session, client: PageClient, cast: Cast, panel: Panel
) -> None:
    lead = person(db, Role.DATA_ADMINISTRATOR, "lee.lead", "Lee Lead")
    access.add_member(db, panel.case, lead.user_id)
    db.flush()
    expected = {
        cast.clerk: "Convener of the meeting",
        cast.chair: "Chair of the meeting",
        cast.health: "Panel member taking part",
        lead: "Case team",
    }
    for reader, basis in expected.items():
        sign_in_as(db, client, reader)
        for name, path in _papers(panel).items():
            assert client.get(path).status_code == 200, (reader.username, name)
        assert panel.case.reference in _minutes_text(client, panel), reader.username
        assert service.papers_basis(db, reader, panel.item) == basis


def test_a_declared_conflict_closes_the_papers_even_with_a_stated_reason(
    db: Session, client: PageClient, cast: Cast, panel: Panel
) -> None:
    member = next(m for m in panel.meeting.members if m.user_id == cast.probation.user_id)
    conflicted = all_present(panel.meeting, **{str(member.id): "Supervised the subject's brother"})
    service.record_attendance(db, cast.clerk, panel.meeting.id, panel.item.id, conflicted)
    access.open_with_reason(db, cast.probation, panel.case.id, "Reading what the panel decided")
    sign_in_as(db, client, cast.probation)
    for name, path in _papers(panel).items():
        refused = client.get(path)
        assert refused.status_code == 403 and "declared a conflict of interest" in refused.text, name
    assert panel.case.reference not in _minutes_text(client, panel)
