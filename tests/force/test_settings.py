"""Force settings: the disclosure unit's telephone and email beside the name, nation and address, each save a
new version, audited; what the administrator must still set; and no placeholder ever stands for the name."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from disclosure.audit import AuditEvent
from disclosure.auth import Principal
from disclosure.errors import FormInvalid, PermissionDenied
from disclosure.force import service
from disclosure.force.models import ForceProfile
from tests import samples
from tests.builders import make_user, principal_for, sign_in_as
from tests.pages import PageClient

SETTINGS = {
    "name": "Testshire Police",
    "nation": "wales",
    "address": "Police Headquarters\n1 Station Road\nTesttown TE1 1ST",
    "phone": "0300 123 4567",
    "email": "disclosures@testshire.police.uk",
}


def _admin(db: Session) -> Principal:
    return principal_for(make_user(db, Role.ADMINISTRATOR).user)


def _versions(db: Session) -> list[ForceProfile]:
    return list(db.scalars(select(ForceProfile).order_by(ForceProfile.created_at)))


def test_the_units_telephone_and_email_are_saved_as_a_new_version_and_audited(db: Session) -> None:
    admin = _admin(db)
    first = service.update_profile(db, admin, SETTINGS)
    second = service.update_profile(db, admin, {**SETTINGS, "phone": "", "email": "dvds@testshire.police.uk"})
    assert [(v.phone, v.email) for v in _versions(db)] == [
        ("0300 123 4567", "disclosures@testshire.police.uk"),
        ("", "dvds@testshire.police.uk"),
    ]
    assert service.current_profile(db) is second and first.id != second.id
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "force_profile.update")).all()
    assert {e.object_id for e in events} == {str(first.id), str(second.id)}


def test_a_new_logo_keeps_the_units_telephone_and_email(db: Session) -> None:
    admin = _admin(db)
    service.update_profile(db, admin, SETTINGS)
    with_logo = service.update_logo(db, admin, "crest.png", samples.image("PNG", (40, 20)))
    assert (with_logo.name, with_logo.phone, with_logo.email, with_logo.nation) == (
        "Testshire Police",
        "0300 123 4567",
        "disclosures@testshire.police.uk",
        "wales",
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "call us", "Enter a telephone number, like 0300 123 4567 or +44 300 123 4567"),
        ("phone", "0300 123", "Enter a telephone number, like 0300 123 4567 or +44 300 123 4567"),
        ("phone", "1" * 41, "Telephone number must be 40 characters or fewer"),
        (
            "email",
            "disclosures.testshire.police.uk",
            "Enter an email address in the correct format, like disclosures@force.police.uk",
        ),
        ("email", "a@b", "Enter an email address in the correct format, like disclosures@force.police.uk"),
        ("email", "x" * 311 + "@police.uk", "Email address must be 320 characters or fewer"),
        ("name", service.OLD_PLACEHOLDER, "Enter the force's name"),
    ],
)
def test_a_wrong_telephone_number_or_email_is_refused_at_its_field(
    db: Session, field: str, value: str, message: str
) -> None:
    with pytest.raises(FormInvalid) as refused:
        service.update_profile(db, _admin(db), {**SETTINGS, field: value})
    assert refused.value.errors == {field: message}
    assert _versions(db) == []


@pytest.mark.parametrize("phone", ["0300 123 4567", "+44 (0)300 123-4567", "01632  960 001"])
def test_a_telephone_number_is_kept_as_written_with_its_spaces_tidied(db: Session, phone: str) -> None:
    saved = service.update_profile(db, _admin(db), {**SETTINGS, "phone": phone})
    assert saved.phone == " ".join(phone.split())


def test_only_an_administrator_changes_the_settings(db: Session) -> None:
    officer = principal_for(make_user(db, Role.DISCLOSING_OFFICER).user)
    with pytest.raises(PermissionDenied):
        service.update_profile(db, officer, SETTINGS)


def test_what_is_still_to_set_is_named_until_everything_is(db: Session) -> None:
    admin = _admin(db)
    everything = [service.NAME, service.NATION, service.ADDRESS, service.CONTACT]
    assert service.still_to_set(db) == everything
    assert service.still_to_set(db)[0] == "The force's name"
    service.update_logo(db, admin, "crest.png", samples.image("PNG", (40, 20)))  # a logo names nothing
    assert service.still_to_set(db) == everything
    service.update_profile(db, admin, {"name": "Testshire Police", "nation": "england"})
    assert service.still_to_set(db) == [service.ADDRESS, service.CONTACT]
    service.update_profile(db, admin, {**SETTINGS, "phone": "", "email": ""})
    assert service.still_to_set(db) == [service.CONTACT]
    service.update_profile(db, admin, {**SETTINGS, "phone": ""})
    assert service.still_to_set(db) == []
    service.update_profile(db, admin, {**SETTINGS, "email": ""})
    assert service.still_to_set(db) == []


def legacy_placeholder(db: Session) -> None:
    """A version saved by an earlier release, which kept its placeholder as the force's name."""
    db.add(
        ForceProfile(
            name=service.OLD_PLACEHOLDER,
            nation="wales",
            address="",
            changed_by="ada",
            logo=None,
            logo_type="",
        )
    )
    db.flush()


def test_a_profile_saved_with_the_old_placeholder_has_no_name(db: Session) -> None:
    legacy_placeholder(db)
    assert service.force_name(db) == "" and service.NAME in service.still_to_set(db)


def test_the_settings_page_asks_for_the_telephone_and_email_and_keeps_every_answer(
    db: Session, client: PageClient
) -> None:
    sign_in_as(db, client, _admin(db))
    form = client.get("/admin/settings")
    assert form.status_code == 200
    assert 'name="phone"' in form.text and 'name="email"' in form.text and 'type="tel"' in form.text
    assert "Still to set" in form.text and "Letters cannot be made until the force's name is set" in (
        form.text
    )
    assert service.OLD_PLACEHOLDER not in form.text
    assert (
        "checked" not in form.text.split('name="nation"', 1)[1].split("</fieldset>", 1)[0]
    )  # not chosen yet
    typed = {"name": "", "nation": "", "address": "1 Kept Street", "phone": "ring us", "email": "kept.at"}
    refused = client.submit("/admin/settings", typed)
    assert refused.status_code == 400
    summary = refused.text.split('class="govuk-error-summary', 1)[1].split("</ul>", 1)[0]
    assert [part.split('"', 1)[0] for part in summary.split('href="#')[1:]] == [
        "name",
        "nation",
        "phone",
        "email",
    ]
    assert "ring us" in refused.text and "kept.at" in refused.text and "1 Kept Street" in refused.text
    saved = client.submit("/admin/settings", SETTINGS)
    assert saved.status_code == 303
    page = client.get("/admin/settings").text
    assert (
        "0300 123 4567" in page and "disclosures@testshire.police.uk" in page and "Still to set" not in page
    )


def test_before_the_name_is_set_the_header_and_new_request_form_show_no_placeholder(
    db: Session, client: PageClient
) -> None:
    sign_in_as(db, client, principal_for(make_user(db, Role.DATA_ADMINISTRATOR).user))
    new = client.get("/requests/new")
    assert new.status_code == 200 and service.OLD_PLACEHOLDER not in new.text
    assert service.UNNAMED in new.text  # the header
    field = new.text.split('name="receiving_force"', 1)[1].split(">", 1)[0]
    assert 'value=""' in field or "value=" not in field
