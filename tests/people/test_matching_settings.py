"""Settings -> Matching [issue 20]: administrators see the matching model's versions and the one in use,
change its thresholds (a new version, audited) with every answer kept when refused, and put an earlier
version back in use; no one else reaches the page."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from disclosure.audit import AuditEvent
from disclosure.auth import Principal
from disclosure.errors import FormInvalid
from disclosure.people import scoring, training
from tests.builders import make_user, principal_for, sign_in_as
from tests.pages import PageClient


@pytest.fixture
def admin(db: Session) -> Principal:
    return principal_for(
        make_user(db, Role.ADMINISTRATOR, username="ada.matching", display_name="Ada Matching").user
    )


@pytest.mark.parametrize(
    ("possible", "likely", "field", "message"),
    [
        ("", "90", "possible", "Enter the possible match threshold"),
        ("20", "", "likely", "Enter the likely match threshold"),
        ("twenty", "90", "possible", "The possible match threshold must be a whole number from 1 to 100"),
        ("20", "101", "likely", "The likely match threshold must be a whole number from 1 to 100"),
        ("0", "90", "possible", "The possible match threshold must be a whole number from 1 to 100"),
        ("2.5", "90", "possible", "The possible match threshold must be a whole number from 1 to 100"),
    ],
)
def test_thresholds_typed_are_whole_percentages(possible: str, likely: str, field: str, message: str) -> None:
    with pytest.raises(FormInvalid) as refused:
        training.thresholds_from({"possible": possible, "likely": likely})
    assert refused.value.errors == {field: message}


def test_a_percent_sign_and_spaces_are_allowed() -> None:
    assert training.thresholds_from({"possible": " 25 % ", "likely": "95%"}) == (25, 95)


def test_the_page_changes_thresholds_keeps_what_was_typed_and_puts_a_version_back(
    db: Session, client: PageClient, admin: Principal
) -> None:
    sign_in_as(db, client, admin)
    first = client.get("/admin/matching")
    assert first.status_code == 200 and "The shipped defaults" in first.text
    assert 'value="20"' in first.text and 'value="90"' in first.text, "the form starts from what is in use"
    assert "No version has been made" in first.text

    refused = client.submit("/admin/matching/thresholds", {"possible": "60", "likely": "40"})
    assert refused.status_code == 400 and "no more than the likely one" in refused.text
    assert 'value="60"' in refused.text and 'value="40"' in refused.text, "nothing typed is lost"
    assert training.versions(db) == [], "a refused change writes nothing"
    wrong = client.submit("/admin/matching/thresholds", {"possible": "lots", "likely": "90"})
    assert wrong.status_code == 400 and 'value="lots"' in wrong.text
    assert 'href="#possible"' in wrong.text, "the error summary links to the field"

    saved = client.submit("/admin/matching/thresholds", {"possible": "30", "likely": "95"})
    assert saved.status_code == 303
    assert scoring.matcher(db).possible == 30 and scoring.matcher(db).likely == 95
    client.submit("/admin/matching/thresholds", {"possible": "40", "likely": "95"})
    listed = client.get("/admin/matching")
    assert 'Put back in use<span class="govuk-visually-hidden"> version 1</span>' in listed.text
    assert "Ada Matching" in listed.text, "who made each version is shown"

    back = client.submit("/admin/matching/versions/1/use", {})
    assert back.status_code == 303 and scoring.matcher(db).possible == 30
    assert client.submit("/admin/matching/versions/99/use", {}).status_code == 404
    actions = list(
        db.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "matcher_version")
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
        )
    )
    assert sorted(actions) == ["matcher.thresholds", "matcher.thresholds", "matcher.use"]


@pytest.mark.parametrize("role", [Role.DATA_ADMINISTRATOR, Role.RESEARCHER, Role.AUDITOR])
def test_only_administrators_reach_the_page(db: Session, client: PageClient, role: Role) -> None:
    sign_in_as(db, client, principal_for(make_user(db, role).user))
    assert client.get("/admin/matching").status_code == 403
    assert client.submit("/admin/matching/thresholds", {"possible": "30", "likely": "95"}).status_code == 403
    assert training.versions(db) == []
