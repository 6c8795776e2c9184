"""An administrator corrects an account's full name or email, with a reason and its history [issue 16];
the user name never changes, and the page keeps the roles form's ticks when the correction is refused."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.accounts import service
from disclosure.accounts.roles import Role
from disclosure.corrections import Correction
from disclosure.errors import FormInvalid, PermissionDenied
from tests.builders import make_session, make_user, principal_for
from tests.pages import PageClient


def test_a_name_and_email_are_corrected_with_their_history(db: Session) -> None:
    admin = principal_for(make_user(db, Role.ADMINISTRATOR, username="ada.admin").user)
    target = make_user(db, Role.RESEARCHER, username="rob.research", display_name="Rob Reserch").user
    values = {"display_name": "Rob Research", "email": target.email, "reason": "Misspelt at set-up"}
    service.correct_user(db, admin, target.id, values)
    assert (target.display_name, target.username) == ("Rob Research", "rob.research")
    [change] = service.user_history(db, target)
    assert (change.label, change.old_value, change.new_value) == ("Full name", "Rob Reserch", "Rob Research")


def test_a_correction_is_checked_needs_a_reason_and_a_refusal_writes_nothing(db: Session) -> None:
    admin = principal_for(make_user(db, Role.ADMINISTRATOR, username="ada.admin").user)
    target = make_user(db, Role.RESEARCHER, username="rob.research").user
    with pytest.raises(FormInvalid) as refused:
        service.correct_user(
            db, admin, target.id, {"display_name": "", "email": "not-an-email", "reason": ""}
        )
    assert set(refused.value.errors) == {"display_name", "email", "reason"}
    with pytest.raises(FormInvalid) as unchanged:
        service.correct_user(
            db, admin, target.id, {"display_name": target.display_name, "email": target.email, "reason": "x"}
        )
    assert unchanged.value.errors == {"display_name": "Change at least one answer, or go back without saving"}
    researcher = principal_for(target)
    with pytest.raises(PermissionDenied):
        service.correct_user(
            db, researcher, target.id, {"display_name": "Me", "email": target.email, "reason": "x"}
        )
    assert db.scalar(select(func.count()).select_from(Correction)) == 0


def test_the_user_page_corrects_and_keeps_the_roles_ticked_on_an_error(
    client: PageClient, db: Session
) -> None:
    admin = make_user(db, Role.ADMINISTRATOR, username="ada.admin", display_name="Ada Admin")
    target = make_user(db, Role.RESEARCHER, username="rob.research", display_name="Rob Reserch").user
    client.sign_in_as(make_session(db, admin.user, reauth=True))
    url = f"/admin/users/{target.id}"
    refused = client.submit(
        f"{url}/details", {"display_name": "Rob Research", "email": target.email, "reason": ""}
    )
    assert refused.status_code == 400 and 'value="Rob Research"' in refused.text
    ticked = re.findall(r'<input[^>]*name="roles"[^>]*value="(\w+)"[^>]*checked', refused.text)
    assert ticked == ["researcher"], "the roles form keeps the user's roles"
    saved = client.submit(
        f"{url}/details",
        {"display_name": "Rob Research", "email": target.email, "reason": "Misspelt at set-up"},
    )
    assert saved.status_code == 303
    page = client.get(url)
    assert "Corrections" in page.text and "Rob Reserch" in page.text and "Misspelt at set-up" in page.text
