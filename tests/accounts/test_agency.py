"""A partner user's agency is chosen on their user page and through the API, by one audited verb; only a
partner agency user answers for an agency (issue 16)."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.accounts import service
from disclosure.accounts.roles import Role
from disclosure.agencies import service as agencies
from disclosure.audit import AuditEvent
from tests.accounts.helpers import field_error, summary_links
from tests.builders import make_user, principal_for, sign_in_as
from tests.pages import PageClient
from tests.research.builders import agency


def _events(db: Session, user_id: uuid.UUID) -> list[AuditEvent]:
    return list(
        db.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "user.set_agency", AuditEvent.object_id == str(user_id))
            .order_by(AuditEvent.seq)
        )
    )


def _moves(db: Session, user_id: uuid.UUID) -> list[tuple[str | None, str | None]]:
    """The (before, after) agency of each audited change."""
    return [(json.loads(e.details)["before"], json.loads(e.details)["after"]) for e in _events(db, user_id)]


def _selected(html: str) -> str:
    """The agency the user page's select shows chosen."""
    start = html.index('name="agency_id"')
    block = html[start : html.index("</select>", start)]
    chosen = block.split("selected", 1)[0].rsplit('value="', 1)[1].split('"', 1)[0]
    return chosen if "selected" in block else ""


def test_an_administrator_chooses_moves_and_removes_a_partner_users_agency_on_their_page(
    db: Session, client: PageClient
) -> None:
    admin = principal_for(make_user(db, Role.ADMINISTRATOR).user)
    partner = make_user(db, Role.PARTNER, username="pat.partner", display_name="Pat Partner").user
    probation, health = agency(db, "probation"), agency(db, "health")
    sign_in_as(db, client, admin)
    page = client.get(f"/admin/users/{partner.id}")
    assert page.status_code == 200 and _selected(page.text) == ""

    chosen = client.submit(f"/admin/users/{partner.id}/agency", {"agency_id": str(probation.id)})
    assert chosen.status_code == 303
    assert agencies.agency_of(db, partner.id) == probation
    page = client.get(f"/admin/users/{partner.id}")
    assert _selected(page.text) == str(probation.id)
    assert f"Pat Partner now answers for {probation.name}" in page.text

    assert (
        client.submit(f"/admin/users/{partner.id}/agency", {"agency_id": str(health.id)}).status_code == 303
    )
    assert client.submit(f"/admin/users/{partner.id}/agency", {"agency_id": ""}).status_code == 303
    db.expire_all()
    assert agencies.agency_of(db, partner.id) is None
    assert _moves(db, partner.id) == [
        (None, str(probation.id)),
        (str(probation.id), str(health.id)),
        (str(health.id), None),
    ]
    assert all(e.actor_id == admin.user_id for e in _events(db, partner.id))


def test_saving_the_same_agency_again_records_nothing(db: Session) -> None:
    admin = principal_for(make_user(db, Role.ADMINISTRATOR).user)
    partner = make_user(db, Role.PARTNER, username="pat.partner").user
    probation = agency(db, "probation")
    service.set_agency(db, admin, partner.id, {"agency_id": str(probation.id)})
    service.set_agency(db, admin, partner.id, {"agency_id": str(probation.id)})
    assert len(_events(db, partner.id)) == 1


def test_a_user_without_the_partner_role_is_offered_the_reason_instead_of_a_choice(
    db: Session, client: PageClient
) -> None:
    admin = principal_for(make_user(db, Role.ADMINISTRATOR).user)
    researcher = make_user(db, Role.RESEARCHER, username="rory.research").user
    sign_in_as(db, client, admin)
    page = client.get(f"/admin/users/{researcher.id}")
    assert 'name="agency_id"' not in page.text
    assert "Only a partner agency user answers for an agency" in page.text
    refused = client.submit(
        f"/admin/users/{researcher.id}/agency", {"agency_id": str(agency(db, "probation").id)}
    )
    assert refused.status_code == 400
    assert summary_links(refused.text) == ["agency_id"]
    assert agencies.agency_of(db, researcher.id) is None and not _events(db, researcher.id)


def test_an_unknown_agency_is_refused_at_the_field(db: Session, client: PageClient) -> None:
    admin = principal_for(make_user(db, Role.ADMINISTRATOR).user)
    partner = make_user(db, Role.PARTNER, username="pat.partner").user
    sign_in_as(db, client, admin)
    for bad in (str(uuid.uuid4()), "not-an-id"):
        refused = client.submit(f"/admin/users/{partner.id}/agency", {"agency_id": bad})
        assert refused.status_code == 400
        assert field_error(refused.text, "agency_id") == "Select an agency from the list"
    assert not _events(db, partner.id)


def test_a_user_who_lost_the_partner_role_can_still_be_taken_off_their_agency(
    db: Session, client: PageClient
) -> None:
    admin = principal_for(make_user(db, Role.ADMINISTRATOR).user)
    partner = make_user(db, Role.PARTNER, Role.AUDITOR, username="pat.partner").user
    probation = agency(db, "probation")
    service.set_agency(db, admin, partner.id, {"agency_id": str(probation.id)})
    service.set_roles(db, admin, partner.id, [Role.AUDITOR.value])
    sign_in_as(db, client, admin)
    page = client.get(f"/admin/users/{partner.id}")
    assert f"They still answer for {probation.name}" in page.text
    removed = client.submit(f"/admin/users/{partner.id}/agency", {"agency_id": ""})
    assert removed.status_code == 303
    assert agencies.agency_of(db, partner.id) is None


def test_the_api_sets_and_shows_a_partner_users_agency(db: Session, client: PageClient) -> None:
    admin = make_user(db, Role.ADMINISTRATOR)
    integration = make_user(db, Role.ADMINISTRATOR, username="admin.integration")
    raw = service.issue_api_token(db, principal_for(admin.user), integration.user.id, "directory sync")
    headers = {"Authorization": f"Bearer {raw}"}
    partner = make_user(db, Role.PARTNER, username="pat.partner").user
    researcher = make_user(db, Role.RESEARCHER, username="rory.research").user
    probation = agency(db, "probation")

    set_ = client.post(
        f"/api/v1/users/{partner.id}/agency", json={"agency_id": str(probation.id)}, headers=headers
    )
    assert set_.status_code == 200, set_.text
    assert set_.json()["agency_id"] == str(probation.id)
    assert client.get(f"/api/v1/users/{partner.id}", headers=headers).json()["agency_id"] == str(probation.id)
    listed = {u["id"]: u["agency_id"] for u in client.get("/api/v1/users", headers=headers).json()}
    assert listed[str(partner.id)] == str(probation.id) and listed[str(researcher.id)] is None

    refused = client.post(
        f"/api/v1/users/{researcher.id}/agency", json={"agency_id": str(probation.id)}, headers=headers
    )
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["agency_id"]
    unknown = client.post(f"/api/v1/users/{partner.id}/agency", json={"agency": "x"}, headers=headers)
    assert unknown.status_code == 400

    cleared = client.post(f"/api/v1/users/{partner.id}/agency", json={"agency_id": None}, headers=headers)
    assert cleared.status_code == 200 and cleared.json()["agency_id"] is None
    assert len(_events(db, partner.id)) == 2


def test_the_openapi_document_describes_setting_a_users_agency(client: PageClient) -> None:
    document = client.get("/api/v1/schema/openapi.json").json()
    operation = document["paths"]["/api/v1/users/{user_id}/agency"]["post"]
    assert "SetAgencyForm" in str(operation["requestBody"]) and "400" in operation["responses"]
    form = document["components"]["schemas"]["SetAgencyForm"]
    assert (
        "agency_id" in form["properties"]
        and "agency_id" in document["components"]["schemas"]["UserView"]["properties"]
    )
