"""Account journeys through HTTP: the first administrator, signing in with the security code, signing out,
invitations, re-authentication for role changes, disabling, resetting the authenticator, API tokens, and
forms that keep what was typed (never passwords) with the error at the field (QUALITY.md checks 5 to 9)."""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

import pyotp
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from disclosure.accounts import service
from disclosure.accounts.models import User
from disclosure.accounts.roles import Role
from disclosure.app import create_app
from disclosure.audit import AuditEvent
from disclosure.auth import SECURE_SESSION_COOKIE, SESSION_COOKIE
from disclosure.config import Settings
from tests.accounts.helpers import (
    error_summary,
    field_error,
    field_value,
    resolve,
    summary_links,
    text_of,
)
from tests.builders import PASSWORD, SampleUser, make_session, make_user
from tests.pages import PageClient

NEW_PASSWORD = "violet harbour lantern seven"
ENROL = "/sign-in/set-up-authenticator"
CODE = "/sign-in/security-code"


def _wrong_code(user: SampleUser) -> str:
    valid = {user.code(o) for o in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222") if c not in valid)


def _session_cookie(client: PageClient) -> str | None:
    return next((c.value for c in client.cookies.jar if c.name == SESSION_COOKIE), None)


def _enrol(client: PageClient, next_path: str = "/") -> str:
    """Read the key from the set-up page as a person would, and confirm it with the app's first code."""
    page = client.get(ENROL)
    assert page.status_code == 200
    key = text_of(page.text, "authenticator-key").replace(" ", "")
    done = client.submit(ENROL, {"code": pyotp.TOTP(key).now(), "next": next_path})
    assert done.status_code == 303, done.text
    assert done.headers["location"] == next_path
    return key


def _user(db: Session, user_id: object) -> User:
    db.expire_all()
    user = db.get(User, user_id)
    assert user is not None
    return user


# ---------------------------------------------------------------- first administrator and invitations


def test_the_first_administrator_sets_up_the_service_from_the_console_link(
    client: PageClient, db: Session, settings: Settings
) -> None:
    link = service.issue_setup_link(db, settings)
    assert link is not None
    path = urlsplit(link).path
    assert client.get(path).status_code == 200
    created = client.submit(
        path,
        {
            "display_name": "Ada Lovelace",
            "username": "ada.lovelace",
            "email": "ada@police.example",
            "password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert created.status_code == 303 and created.headers["location"] == ENROL
    cookie = created.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    half_signed_in = _session_cookie(client)
    assert client.get("/", follow_redirects=False).headers["location"] == CODE  # no pages before the code
    _enrol(client)
    assert _session_cookie(client) != half_signed_in  # a new session id once the code is in
    home = client.get("/")
    assert home.status_code == 200 and "Welcome, Ada Lovelace" in home.text and "Administrator" in home.text
    assert client.get(path).status_code == 404  # the link worked once
    client.cookies.clear()
    client.sign_in_as(half_signed_in or "")
    assert client.get("/", follow_redirects=False).headers["location"].startswith("/sign-in")


def test_an_invited_person_sets_a_password_enrols_and_lands_on_home(client: PageClient, db: Session) -> None:
    admin = make_user(db, Role.ADMINISTRATOR)
    client.sign_in_as(make_session(db, admin.user))
    assert client.get("/admin/users/new").status_code == 200
    added = client.submit(
        "/admin/users/new",
        {
            "display_name": "Nia Newcomer",
            "username": "nia.newcomer",
            "email": "nia.newcomer@police.uk",
            "roles": ["researcher", "panel_member"],
        },
    )
    assert added.status_code == 200 and "User added" in added.text
    link = text_of(added.text, "invitation-link")
    client.cookies.clear()
    path = urlsplit(link).path
    welcome = client.get(path)
    assert welcome.status_code == 200 and "nia.newcomer" in welcome.text
    set_password = client.submit(path, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert set_password.status_code == 303 and set_password.headers["location"] == ENROL
    _enrol(client)
    home = client.get("/")
    assert "Welcome, Nia Newcomer" in home.text and "Panel member, Researcher" in home.text
    assert client.get(path).status_code == 404


def test_a_used_or_unknown_link_shows_not_found(client: PageClient) -> None:
    for path in ("/invitation/not-a-real-token", "/setup/not-a-real-token"):
        page = client.get(path)
        assert page.status_code == 404 and "expired or has already been used" in page.text


# ---------------------------------------------------------------- signing in and out


def test_sign_in_asks_for_the_password_then_the_code(client: PageClient, db: Session) -> None:
    user = make_user(db, Role.RESEARCHER, username="sam.signin", display_name="Sam Signin")
    password = client.submit("/sign-in", {"username": "sam.signin", "password": PASSWORD, "next": "/account"})
    assert password.status_code == 303
    assert password.headers["location"] == f"{CODE}?next=/account"
    assert client.get(f"{CODE}?next=/account").status_code == 200
    wrong = client.submit(CODE, {"code": _wrong_code(user), "next": "/account"})
    assert wrong.status_code == 400
    assert error_summary(wrong.text) == [service.CODE_FAILED]
    assert field_error(wrong.text, "code") == service.CODE_FAILED
    assert wrong.text.count("<title>Error: ") == 1
    right = client.submit(CODE, {"code": user.code(), "next": "/account"})
    assert right.status_code == 303 and right.headers["location"] == "/account"
    assert "Sam Signin" in client.get("/account").text


def test_a_wrong_password_and_an_unknown_user_look_the_same(client: PageClient, db: Session) -> None:
    make_user(db, Role.RESEARCHER, username="known.person")
    answers = []
    for username, password in (("known.person", "a wrong password here"), ("no.such.person", PASSWORD)):
        page = client.submit("/sign-in", {"username": username, "password": password})
        assert page.status_code == 400
        assert field_value(page.text, "username") == username  # kept
        assert field_value(page.text, "password") == ""  # never echoed
        assert password not in page.text
        answers.append((error_summary(page.text), field_error(page.text, "username")))
    assert answers[0] == answers[1] == ([service.SIGN_IN_FAILED], service.SIGN_IN_FAILED)


def test_an_empty_sign_in_form_says_what_is_missing(client: PageClient) -> None:
    page = client.submit("/sign-in", {"username": "", "password": ""})
    assert page.status_code == 400
    assert error_summary(page.text) == ["Enter your user name", "Enter your password"]


def test_the_sign_in_page_locks_after_repeated_failures(
    client: PageClient, db: Session, settings: Settings
) -> None:
    make_user(db, Role.RESEARCHER, username="locked.out")
    for _ in range(settings.lockout_threshold):
        assert client.submit("/sign-in", {"username": "locked.out", "password": "wrong"}).status_code == 400
    locked = client.submit("/sign-in", {"username": "locked.out", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed attempts" in (field_error(locked.text, "username") or "")
    assert SESSION_COOKIE not in locked.headers.get("set-cookie", "")
    failures = db.scalars(select(AuditEvent.action).where(AuditEvent.action.like("sign_in.%"))).all()
    assert sorted(failures) == ["sign_in.failed"] * settings.lockout_threshold + ["sign_in.locked"]


def test_sign_in_redirects_only_within_the_site(client: PageClient, db: Session) -> None:
    user = make_user(db, Role.RESEARCHER, username="sam.safe")
    client.submit("/sign-in", {"username": "sam.safe", "password": PASSWORD, "next": "https://evil.example/"})
    done = client.submit(CODE, {"code": user.code(), "next": "//evil.example/"})
    assert done.status_code == 303 and done.headers["location"] == "/"


def test_sign_out_ends_the_session_on_the_server(client: PageClient, db: Session) -> None:
    user = make_user(db, Role.RESEARCHER)
    token = make_session(db, user.user)
    client.sign_in_as(token)
    assert client.get("/account").status_code == 200
    out = client.submit("/sign-out")
    assert out.status_code == 303 and out.headers["location"] == "/signed-out"
    assert client.get("/signed-out").status_code == 200
    client.cookies.clear()
    client.sign_in_as(token)  # the old cookie, replayed
    replay = client.get("/account", follow_redirects=False)
    assert replay.status_code == 303 and replay.headers["location"].startswith("/sign-in")


def test_over_https_the_session_cookie_is_secure_and_host_only(
    db: Session, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    secure = dataclasses.replace(settings, base_url="https://disclosure.example")
    app = create_app(secure, session_factory=session_factory)
    make_user(db, Role.RESEARCHER, username="sam.secure")
    with PageClient(app, base_url="https://disclosure.example") as client:
        response = client.submit("/sign-in", {"username": "sam.secure", "password": PASSWORD})
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SECURE_SESSION_COOKIE}=")
    lowered = cookie.lower()
    assert "secure" in lowered and "httponly" in lowered and "samesite=lax" in lowered
    assert "domain=" not in lowered


# ---------------------------------------------------------------- administration


def _admin_client(client: PageClient, db: Session, *, reauth: bool = True) -> SampleUser:
    admin = make_user(db, Role.ADMINISTRATOR, username="ada.admin", display_name="Ada Admin")
    client.sign_in_as(make_session(db, admin.user, reauth=reauth))
    return admin


def test_changing_roles_needs_a_recent_password_and_code(client: PageClient, db: Session) -> None:
    admin = _admin_client(client, db, reauth=False)
    target = make_user(db, Role.RESEARCHER)
    user_page = f"/admin/users/{target.user.id}"
    assert client.get(user_page).status_code == 200  # reading does not need it
    refused = client.submit(
        f"{user_page}/roles",
        {"roles": ["auditor"]},
        headers={"referer": f"http://testserver.local{user_page}"},
    )
    assert refused.status_code == 303 and refused.headers["location"] == f"/confirm-identity?next={user_page}"
    assert _user(db, target.user.id).role_set == {"researcher"}
    new_form = client.get("/admin/users/new", follow_redirects=False)
    assert new_form.headers["location"] == "/confirm-identity?next=/admin/users/new"
    assert client.get(f"/confirm-identity?next={user_page}").status_code == 200
    wrong = client.submit(
        "/confirm-identity", {"password": PASSWORD, "code": _wrong_code(admin), "next": user_page}
    )
    assert wrong.status_code == 400 and field_error(wrong.text, "code") == service.CODE_FAILED
    assert field_value(wrong.text, "password") == ""
    confirmed = client.submit(
        "/confirm-identity", {"password": PASSWORD, "code": admin.code(), "next": user_page}
    )
    assert confirmed.status_code == 303 and confirmed.headers["location"] == user_page
    saved = client.submit(f"{user_page}/roles", {"roles": ["auditor", "panel_chair"]})
    assert saved.status_code == 303
    assert _user(db, target.user.id).role_set == {"auditor", "panel_chair"}
    assert "Roles updated" in client.get(user_page).text


def test_an_administrator_cannot_change_their_own_roles_on_the_page(client: PageClient, db: Session) -> None:
    """The attacker's request [issue 14 §1]: an administrator adds a case role to their own account."""
    admin = _admin_client(client, db)
    own = client.get(f"/admin/users/{admin.user.id}")
    assert f'action="/admin/users/{admin.user.id}/roles"' not in own.text
    assert "Nobody changes their own roles" in own.text
    for roles in (["auditor"], ["administrator", "data_administrator"], ["data_administrator"]):
        page = client.submit(f"/admin/users/{admin.user.id}/roles", {"roles": roles})
        assert page.status_code == 403 and "Nobody changes their own roles" in page.text
        assert _user(db, admin.user.id).role_set == {"administrator"}


def test_an_administrator_account_is_never_given_a_role_that_reads_cases(
    client: PageClient, db: Session
) -> None:
    _admin_client(client, db)
    other = make_user(db, Role.ADMINISTRATOR, username="ada.other")
    for role in (
        "data_administrator",
        "researcher",
        "panel_member",
        "panel_chair",
        "disclosing_officer",
        "partner",
    ):
        page = client.submit(f"/admin/users/{other.user.id}/roles", {"roles": ["administrator", role]})
        assert page.status_code == 400, role
        assert (field_error(page.text, "roles") or "").startswith(
            "An administrator account cannot also read cases"
        )
    assert _user(db, other.user.id).role_set == {"administrator"}
    made = client.submit(
        "/admin/users/new",
        {
            "username": "two.hats",
            "display_name": "Two Hats",
            "email": "two@example.police.uk",
            "roles": ["administrator", "researcher"],
        },
    )
    assert made.status_code == 400 and (field_error(made.text, "roles") or "").startswith(
        "An administrator account"
    )


def test_disabling_a_user_signs_them_out_everywhere(
    client: PageClient, db: Session, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    _admin_client(client, db)
    target = make_user(db, Role.RESEARCHER)
    their_session = make_session(db, target.user)
    done = client.submit(f"/admin/users/{target.user.id}/disable")
    assert done.status_code == 303
    assert "Account disabled" in client.get(f"/admin/users/{target.user.id}").text
    assert resolve(session_factory, settings, their_session) is None
    client.cookies.clear()
    client.sign_in_as(their_session)
    assert client.get("/", follow_redirects=False).headers["location"].startswith("/sign-in")


def test_resetting_the_authenticator_makes_the_person_set_up_a_new_one(
    client: PageClient, db: Session
) -> None:
    _admin_client(client, db)
    target = make_user(db, Role.RESEARCHER, username="rhys.reset", display_name="Rhys Reset")
    their_session = make_session(db, target.user)
    assert client.submit(f"/admin/users/{target.user.id}/reset-security-code").status_code == 303
    assert _user(db, target.user.id).totp_secret is None
    client.cookies.clear()
    client.sign_in_as(their_session)
    assert client.get("/", follow_redirects=False).headers["location"].startswith("/sign-in")
    client.cookies.clear()
    signed = client.submit("/sign-in", {"username": "rhys.reset", "password": PASSWORD})
    assert signed.status_code == 303
    assert (
        client.get(signed.headers["location"], follow_redirects=False).headers["location"].startswith(ENROL)
    )
    new_key = _enrol(client)
    assert new_key != target.secret
    assert "Welcome, Rhys Reset" in client.get("/").text


def test_an_api_token_is_shown_once_works_and_stops_when_revoked(client: PageClient, db: Session) -> None:
    _admin_client(client, db)
    target = make_user(db, Role.AUDITOR, username="siem.feed")
    user_page = f"/admin/users/{target.user.id}"
    issued = client.submit(f"{user_page}/tokens", {"token_name": "SIEM export"})
    assert issued.status_code == 200
    raw = text_of(issued.text, "new-api-token")
    assert raw.startswith("dsc_")
    assert raw not in client.get(user_page).text  # only shown once
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200 and me.json()["username"] == "siem.feed"
    [token] = service.api_tokens(db, target.user.id)
    revoked = client.submit(f"{user_page}/tokens/{token.id}/revoke")
    assert revoked.status_code == 303
    after = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert after.status_code == 401
    assert after.headers["content-type"].startswith("application/problem+json")


def test_a_session_cookie_does_not_open_the_api(client: PageClient, db: Session) -> None:
    """The API takes bearer tokens only: a browser's cookie (sent cross-site, CSRF-free) must not work."""
    _admin_client(client, db)
    assert client.get("/api/v1/users").status_code == 401


# ---------------------------------------------------------------- forms keep what was typed


def test_the_new_user_form_keeps_values_and_shows_each_error_at_its_field(
    client: PageClient, db: Session
) -> None:
    _admin_client(client, db)
    page = client.submit(
        "/admin/users/new",
        {
            "display_name": "Nia <b>Newcomer</b>",
            "username": "n",
            "email": "not-an-email",
            "roles": ["auditor"],
        },
    )
    assert page.status_code == 400
    assert field_value(page.text, "display_name") == "Nia <b>Newcomer</b>"
    assert "<b>Newcomer</b>" not in page.text  # escaped
    assert field_value(page.text, "username") == "n"
    assert field_value(page.text, "email") == "not-an-email"
    assert 'value="auditor" checked' in page.text
    assert field_error(page.text, "username") and field_error(page.text, "email")
    assert field_error(page.text, "display_name") is None
    assert len(error_summary(page.text)) == 2


def test_the_setup_form_keeps_details_but_never_passwords(
    client: PageClient, db: Session, settings: Settings
) -> None:
    path = urlsplit(service.issue_setup_link(db, settings) or "").path
    page = client.submit(
        path,
        {
            "display_name": "Ada Lovelace",
            "username": "ada.lovelace",
            "email": "ada@police.example",
            "password": "password1234",
            "confirm_password": "password1234",
        },
    )
    assert page.status_code == 400
    assert field_value(page.text, "display_name") == "Ada Lovelace"
    assert field_value(page.text, "username") == "ada.lovelace"
    assert field_value(page.text, "password") == "" and field_value(page.text, "confirm_password") == ""
    assert "password1234" not in page.text
    assert "too common" in (field_error(page.text, "password") or "")


def test_the_setup_form_reports_every_problem_at_once_in_page_order(
    client: PageClient, db: Session, settings: Settings
) -> None:
    path = urlsplit(service.issue_setup_link(db, settings) or "").path
    page = client.submit(
        path,
        {"display_name": "", "username": "a", "email": "not-an-email", "password": "short"},
    )
    assert page.status_code == 400
    assert summary_links(page.text) == ["display_name", "username", "email", "password", "confirm_password"]
    assert field_error(page.text, "password") == "Password must be 12 characters or more"
    assert field_error(page.text, "confirm_password") == "Enter the password again to confirm it"
    assert field_value(page.text, "email") == "not-an-email"
    assert db.scalar(select(User.id)) is None


def test_the_setup_form_checks_the_password_against_the_names_typed_even_when_another_field_is_wrong(
    client: PageClient, db: Session, settings: Settings
) -> None:
    path = urlsplit(service.issue_setup_link(db, settings) or "").path
    page = client.submit(
        path,
        {
            "display_name": "Gwenllian Pritchard",
            "username": "gwen.pritchard",
            "email": "",
            "password": "gwenllian.pritchard",
            "confirm_password": "gwenllian.pritchard!",
        },
    )
    assert summary_links(page.text) == ["email", "password", "confirm_password"]
    assert "name" in (field_error(page.text, "password") or "")
    assert field_error(page.text, "confirm_password") == "Passwords must match"


def _invited(client: PageClient, db: Session) -> str:
    """An administrator invites Ivy; the invitation page's path, opened signed out."""
    _admin_client(client, db)
    added = client.submit(
        "/admin/users/new",
        {
            "display_name": "Ivy Invited",
            "username": "ivy.invited",
            "email": "ivy@police.uk",
            "roles": ["auditor"],
        },
    )
    path = urlsplit(text_of(added.text, "invitation-link")).path
    client.cookies.clear()
    return path


def test_the_invitation_form_reports_a_weak_password_and_a_mismatch_together(
    client: PageClient, db: Session
) -> None:
    path = _invited(client, db)
    page = client.submit(path, {"password": "password1234", "confirm_password": "password12345"})
    assert page.status_code == 400
    assert summary_links(page.text) == ["password", "confirm_password"]
    assert "too common" in (field_error(page.text, "password") or "")
    assert field_error(page.text, "confirm_password") == "Passwords must match"


def test_the_invitation_form_explains_a_mismatch(client: PageClient, db: Session) -> None:
    path = _invited(client, db)
    page = client.submit(path, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD + "!"})
    assert page.status_code == 400
    assert field_error(page.text, "confirm_password") == "Passwords must match"
    assert NEW_PASSWORD not in page.text
    assert client.get(path).status_code == 200  # still usable


def test_the_password_change_form_reports_a_wrong_current_password(client: PageClient, db: Session) -> None:
    user = make_user(db, Role.RESEARCHER)
    client.sign_in_as(make_session(db, user.user))
    page = client.submit(
        "/account/password",
        {"current_password": "a wrong guess", "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert page.status_code == 400
    assert field_error(page.text, "current_password") == "Enter your current password correctly"
    assert "a wrong guess" not in page.text and NEW_PASSWORD not in page.text
    changed = client.submit(
        "/account/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert changed.status_code == 303 and "Your password has been changed" in client.get("/account").text


def test_an_empty_token_name_is_shown_at_the_field(client: PageClient, db: Session) -> None:
    _admin_client(client, db)
    target = make_user(db, Role.AUDITOR)
    page = client.submit(f"/admin/users/{target.user.id}/tokens", {"token_name": "  "})
    assert page.status_code == 400
    assert field_error(page.text, "token_name") == "Enter what the token is for"


@pytest.mark.parametrize("code", ["١٢٣٤٥٦", "x" * 5000, "12\x0034"])
def test_strange_security_codes_are_refused_politely(client: PageClient, db: Session, code: str) -> None:
    user = make_user(db, Role.RESEARCHER)
    client.sign_in_as(make_session(db, user.user, mfa_done=False))
    page = client.submit(CODE, {"code": code})
    assert page.status_code == 400 and field_error(page.text, "code") == service.CODE_FAILED


# ---------------------------------------------------------------- who sees what


def test_administrators_manage_users_but_see_no_audit_trail_or_cases(client: PageClient, db: Session) -> None:
    _admin_client(client, db)
    assert client.get("/admin/users").status_code == 200
    assert client.get("/audit").status_code == 403
    assert client.get("/requests").status_code == 403
    home = client.get("/").text
    assert 'href="/admin/users"' in home and 'href="/audit"' not in home and 'href="/requests"' not in home


def test_other_roles_cannot_reach_user_administration(client: PageClient, db: Session) -> None:
    for role in Role:
        if role is Role.ADMINISTRATOR:
            continue
        client.cookies.clear()
        client.sign_in_as(make_session(db, make_user(db, role).user))
        assert client.get("/admin/users").status_code == 403, role
        assert client.submit("/admin/users/new", {"username": "x"}).status_code == 403, role
        assert 'href="/admin/users"' not in client.get("/").text


def test_the_user_page_shows_no_secrets(client: PageClient, db: Session) -> None:
    _admin_client(client, db)
    target = make_user(db, Role.RESEARCHER)
    page = client.get(f"/admin/users/{target.user.id}").text
    for field in ("password_hash", "totp_secret", "$argon2", target.secret or "-"):
        assert field not in page
