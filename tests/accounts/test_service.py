"""Account verbs (QUALITY.md checks 6 to 8): the first administrator's link, invitations, sign-in with the
same answer for every failure and a lock that needs no sleeping to test, sessions and their timeouts,
re-authentication, roles, disabling and API tokens."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from disclosure.accounts import service
from disclosure.accounts.models import ApiToken, OneTimeLink, SignInAttempt, User, UserSession
from disclosure.accounts.roles import Role
from disclosure.audit import AuditEvent, SystemActor
from disclosure.config import Settings
from disclosure.db import utcnow
from disclosure.errors import Conflict, FormInvalid, NotFound, PermissionDenied
from tests.accounts.helpers import half_signed_in, resolve, signed_in
from tests.builders import PASSWORD, SampleUser, make_session, make_user, principal_for

NEW_PASSWORD = "violet harbour lantern seven"


def _token(link: str) -> str:
    return link.rsplit("/", 1)[1]


def _events(db: Session, action: str) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def _session_row(db: Session, token: str) -> UserSession:
    """The row as stored now (other sessions, like the middleware's, may have changed it)."""
    db.flush()
    db.expire_all()
    row = db.scalar(select(UserSession).where(UserSession.token_hash == service.token_hash(token)))
    assert row is not None
    return row


def _first_admin_values(**overrides: str) -> dict[str, object]:
    return {
        "display_name": "Ada Lovelace",
        "username": "ada.lovelace",
        "email": "ada.lovelace@police.example",
        "password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
        **overrides,
    }


@pytest.fixture
def empty(db: Session) -> None:
    """The first-administrator tests need a database with no accounts (each test's data is rolled back)."""
    assert service.needs_first_administrator(db), "accounts left behind by another test"


# ---------------------------------------------------------------- the first administrator


def test_a_setup_link_is_issued_only_while_no_account_exists(
    db: Session, settings: Settings, empty: None
) -> None:
    link = service.issue_setup_link(db, settings)
    assert link and link.startswith(f"{settings.base_url}/setup/")
    assert len(_events(db, "setup_link.issue")) == 1
    make_user(db, Role.RESEARCHER)
    assert service.issue_setup_link(db, settings) is None
    with pytest.raises(NotFound):  # and the one issued before the account existed dies with it
        service.check_setup_link(db, _token(link))


def test_the_setup_link_creates_one_administrator_and_then_dies(
    db: Session, settings: Settings, empty: None
) -> None:
    token = _token(service.issue_setup_link(db, settings) or "")
    service.check_setup_link(db, token)
    user = service.create_first_administrator(db, token, {**_first_admin_values(), "roles": ["auditor"]})
    assert user.role_set == {Role.ADMINISTRATOR}  # whatever the form asked for
    assert user.password_hash and user.password_hash.startswith("$argon2id$")
    assert not user.mfa_enrolled
    [event] = _events(db, "user.create_first_administrator")
    assert event.object_id == str(user.id)
    with pytest.raises(NotFound):
        service.check_setup_link(db, token)
    with pytest.raises(NotFound):
        service.create_first_administrator(db, token, _first_admin_values(username="second.admin"))


def test_an_expired_setup_link_is_refused(db: Session, settings: Settings, empty: None) -> None:
    token = _token(service.issue_setup_link(db, settings) or "")
    link = db.scalar(select(OneTimeLink).where(OneTimeLink.token_hash == service.token_hash(token)))
    assert link is not None
    assert link.expires_at - utcnow() <= timedelta(minutes=settings.setup_link_minutes)
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.flush()
    with pytest.raises(NotFound):
        service.create_first_administrator(db, token, _first_admin_values())
    assert service.needs_first_administrator(db)


def test_a_new_setup_link_kills_the_earlier_ones(db: Session, settings: Settings, empty: None) -> None:
    first, second = service.issue_setup_link(db, settings), service.issue_setup_link(db, settings)
    assert first and second and first != second
    with pytest.raises(NotFound):
        service.check_setup_link(db, _token(first))
    service.check_setup_link(db, _token(second))


def test_the_setup_form_applies_the_password_rules_and_the_link_survives(
    db: Session, settings: Settings, empty: None
) -> None:
    token = _token(service.issue_setup_link(db, settings) or "")
    with pytest.raises(FormInvalid) as refused:
        service.create_first_administrator(
            db, token, _first_admin_values(password="password1234", confirm_password="password1234")
        )
    assert set(refused.value.errors) == {"password"}
    assert not any("password" in key for key in refused.value.values)  # never echoed back
    with pytest.raises(FormInvalid) as mismatched:
        service.create_first_administrator(db, token, _first_admin_values(confirm_password="something else"))
    assert set(mismatched.value.errors) == {"confirm_password"}
    service.check_setup_link(db, token)


# ---------------------------------------------------------------- invitations


def _invite(
    db: Session, settings: Settings, admin: SampleUser, username: str = "ivy.invited"
) -> tuple[User, str]:
    user, link = service.create_user(
        db,
        principal_for(admin.user),
        settings,
        {
            "display_name": "Ivy Invited",
            "username": username,
            "email": f"{username}@police.uk",
            "roles": ["researcher"],
        },
    )
    return user, _token(link)


def test_an_invitation_sets_the_password_once(db: Session, settings: Settings, admin: SampleUser) -> None:
    user, token = _invite(db, settings, admin)
    assert user.password_hash is None and service.check_invitation(db, token) is user
    service.accept_invitation(db, token, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert user.password_hash and user.password_hash.startswith("$argon2id$v=19$")
    assert len(_events(db, "user.accept_invitation")) == 1
    with pytest.raises(NotFound):
        service.accept_invitation(
            db, token, {"password": "another long phrase here", "confirm_password": "x"}
        )


def test_an_expired_invitation_is_refused(db: Session, settings: Settings, admin: SampleUser) -> None:
    user, token = _invite(db, settings, admin)
    row = db.scalar(select(OneTimeLink).where(OneTimeLink.user_id == user.id))
    assert row is not None
    assert row.expires_at - utcnow() <= timedelta(hours=settings.invitation_hours)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.flush()
    with pytest.raises(NotFound):
        service.accept_invitation(db, token, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})


@pytest.mark.parametrize(
    ("password", "confirm", "field"),
    [
        ("short", "short", "password"),
        ("password1234", "password1234", "password"),
        ("ivy.invited2024", "ivy.invited2024", "password"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "confirm_password"),
    ],
)
def test_an_invitation_refuses_a_weak_or_mismatched_password_and_stays_usable(
    db: Session, settings: Settings, admin: SampleUser, password: str, confirm: str, field: str
) -> None:
    user, token = _invite(db, settings, admin)
    with pytest.raises(FormInvalid) as refused:
        service.accept_invitation(db, token, {"password": password, "confirm_password": confirm})
    assert set(refused.value.errors) == {field}
    assert user.password_hash is None
    assert service.check_invitation(db, token) is user


def test_a_new_invitation_kills_the_earlier_one(db: Session, settings: Settings, admin: SampleUser) -> None:
    user, first = _invite(db, settings, admin)
    second = _token(service.reissue_invitation(db, principal_for(admin.user), settings, user.id))
    with pytest.raises(NotFound):
        service.check_invitation(db, first)
    service.accept_invitation(db, second, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    with pytest.raises(Conflict):  # the password is set: a new link would let someone else set another
        service.reissue_invitation(db, principal_for(admin.user), settings, user.id)


def test_a_disabled_persons_invitation_is_refused(db: Session, settings: Settings, admin: SampleUser) -> None:
    user, token = _invite(db, settings, admin)
    service.disable_user(db, principal_for(admin.user), user.id)
    with pytest.raises(NotFound):
        service.check_invitation(db, token)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("display_name", ""),
        ("display_name", "x" * 201),
        ("display_name", "Ivy\x00Invited"),
        ("display_name", "Ivy \u202eInvited"),  # right-to-left override: displays as another name
        ("username", ""),
        ("username", "iv"),
        ("username", "x" * 121),
        ("username", "ivy invited"),
        ("username", "\u0430da.admin"),  # Cyrillic a: looks like ada.admin in the audit trail
        ("username", "admin.one"),  # taken
        ("username", "ADMIN.ONE"),  # taken, in other letters
        ("email", ""),
        ("email", "ivy"),
        ("email", "ivy@"),
        ("email", "@police.uk"),
        ("email", "ivy@police@uk"),
        ("email", "ivy@police.uk\nBcc: x@example.com"),
        ("email", "a@" + "b" * 320 + ".uk"),
        ("roles", []),
        ("roles", ["superuser"]),
        ("roles", ["researcher", "root"]),
    ],
)
def test_a_new_account_is_refused_with_the_problem_at_its_field(
    db: Session, settings: Settings, admin: SampleUser, field: str, value: object
) -> None:
    values: dict[str, object] = {
        "display_name": "Ivy Invited",
        "username": "ivy.invited",
        "email": "ivy@police.uk",
        "roles": ["researcher"],
        field: value,
    }
    before = db.scalar(select(func.count()).select_from(User))
    with pytest.raises(FormInvalid) as refused:
        service.create_user(db, principal_for(admin.user), settings, values)
    assert set(refused.value.errors) == {field}
    assert refused.value.values["display_name"] == values["display_name"]  # the form keeps what was typed
    assert db.scalar(select(func.count()).select_from(User)) == before


def test_a_new_account_is_audited_with_its_roles(db: Session, settings: Settings, admin: SampleUser) -> None:
    user, _ = _invite(db, settings, admin, username="Mixed.Case-Name_1")
    assert user.username == "mixed.case-name_1"
    [event] = _events(db, "user.create")
    assert event.actor_id == admin.user.id and event.object_id == str(user.id)
    assert '"researcher"' in event.details


def test_only_administrators_or_the_console_create_accounts(db: Session, settings: Settings) -> None:
    values = {"display_name": "X Y", "username": "xy.z", "email": "x@police.uk", "roles": ["auditor"]}
    for role in Role:
        if role is Role.ADMINISTRATOR:
            continue
        with pytest.raises(PermissionDenied):
            service.create_user(db, principal_for(make_user(db, role).user), settings, values)
    user, _ = service.create_user(db, SystemActor(label="cli"), settings, values)
    assert user.role_set == {"auditor"}


# ---------------------------------------------------------------- signing in


def test_every_failure_gets_the_same_answer_and_is_logged(db: Session, settings: Settings) -> None:
    make_user(db, Role.RESEARCHER, username="known.user")
    make_user(db, Role.RESEARCHER, username="gone.user", disabled=True)
    make_user(db, Role.RESEARCHER, username="invited.user", password=None)
    tries = [
        ("known.user", "not the password at all"),
        ("nobody.here", PASSWORD),
        ("gone.user", PASSWORD),
        ("invited.user", PASSWORD),
        ("invited.user", ""),
        ("n\x00body", PASSWORD),
    ]
    for username, password in tries:
        with pytest.raises(FormInvalid) as refused:
            service.sign_in(db, settings, username, password)
        assert refused.value.errors == {"username": service.SIGN_IN_FAILED}
        assert refused.value.values == {"username": username}
    assert len(_events(db, "sign_in.failed")) == len(tries)
    assert db.scalar(select(func.count()).select_from(SignInAttempt)) == len(tries)


def test_sign_in_ignores_case_and_spaces_in_the_user_name_and_leaves_the_code_to_come(
    db: Session, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    make_user(db, Role.RESEARCHER, username="known.user")
    token = service.sign_in(db, settings, "  Known.User ", PASSWORD, client="Firefox\x00\n on Linux")
    db.flush()
    principal = signed_in(session_factory, settings, token)
    assert principal.mfa_pending and principal.username == "known.user"
    assert _session_row(db, token).client == "Firefox on Linux"
    assert len(_events(db, "sign_in.password")) == 1


def test_repeated_failures_lock_the_user_name_whatever_the_password(db: Session, settings: Settings) -> None:
    make_user(db, Role.RESEARCHER, username="locky")
    for _ in range(settings.lockout_threshold):
        with pytest.raises(FormInvalid):
            service.sign_in(db, settings, "locky", "not the password")
    with pytest.raises(service.SignInLocked) as locked:
        service.sign_in(db, settings, "locky", PASSWORD)
    assert f"Wait {settings.lockout_minutes} minutes" in locked.value.message
    assert len(_events(db, "sign_in.failed")) == settings.lockout_threshold
    assert len(_events(db, "sign_in.locked")) == 1  # refusals while locked are logged too


def test_unknown_user_names_lock_the_same_way(db: Session, settings: Settings) -> None:
    for _ in range(settings.lockout_threshold):
        with pytest.raises(FormInvalid):
            service.sign_in(db, settings, "ghost", "not the password")
    with pytest.raises(service.SignInLocked):
        service.sign_in(db, settings, "ghost", "not the password")
    assert [e.object_id for e in _events(db, "sign_in.locked")] == [None]


@pytest.mark.parametrize(
    ("failures_minutes_ago", "success_minutes_ago", "locked"),
    [
        ([1] * 5, None, True),
        ([1, 2, 3, 4, 14], None, True),
        ([1] * 4, None, False),  # one short of the threshold
        ([16] * 5, None, False),  # inside the window, but the lock has run its course
        ([1, 2, 3, 4, 50], None, True),  # locked for 15 minutes after the latest failure
        ([61] * 5, None, False),  # outside the window
        ([5] * 5, 1, False),  # a complete sign-in since clears the count
        ([5] * 5, 30, True),  # a sign-in before the failures does not
    ],
)
def test_the_lock_follows_failures_in_the_window_and_unlocks_by_itself(
    db: Session,
    settings: Settings,
    failures_minutes_ago: list[int],
    success_minutes_ago: int | None,
    locked: bool,
) -> None:
    settings = dataclasses.replace(
        settings, lockout_threshold=5, lockout_window_minutes=60, lockout_minutes=15
    )
    make_user(db, Role.RESEARCHER, username="timed")
    now = utcnow()
    db.add_all(
        SignInAttempt(username_key="timed", succeeded=False, occurred_at=now - timedelta(minutes=m))
        for m in failures_minutes_ago
    )
    if success_minutes_ago is not None:
        db.add(
            SignInAttempt(
                username_key="timed", succeeded=True, occurred_at=now - timedelta(minutes=success_minutes_ago)
            )
        )
    db.flush()
    if locked:
        with pytest.raises(service.SignInLocked):
            service.sign_in(db, settings, "timed", PASSWORD)
    else:
        assert service.sign_in(db, settings, "timed", PASSWORD)


def test_the_lock_belongs_to_one_user_name(db: Session, settings: Settings) -> None:
    make_user(db, Role.RESEARCHER, username="neighbour")
    db.add_all(
        SignInAttempt(username_key="locky", succeeded=False, occurred_at=utcnow())
        for _ in range(settings.lockout_threshold)
    )
    db.flush()
    assert service.sign_in(db, settings, "neighbour", PASSWORD)


# ---------------------------------------------------------------- sessions


def test_a_session_idle_too_long_ends(
    db: Session, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    user = make_user(db, Role.RESEARCHER)
    idle, fresh = make_session(db, user.user), make_session(db, user.user)
    _session_row(db, idle).last_seen_at = utcnow() - timedelta(
        minutes=settings.session_idle_minutes, seconds=5
    )
    _session_row(db, fresh).last_seen_at = utcnow() - timedelta(minutes=settings.session_idle_minutes - 1)
    db.flush()
    assert resolve(session_factory, settings, idle) is None
    assert _session_row(db, idle).end_reason == "idle"
    assert resolve(session_factory, settings, fresh) is not None
    assert utcnow() - _session_row(db, fresh).last_seen_at < timedelta(seconds=30)  # and it was touched


def test_a_session_ends_at_the_absolute_timeout_however_busy(
    db: Session, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    user = make_user(db, Role.RESEARCHER)
    token = make_session(db, user.user)
    _session_row(db, token).created_at = utcnow() - timedelta(
        hours=settings.session_absolute_hours, seconds=5
    )
    db.flush()
    assert resolve(session_factory, settings, token) is None
    assert _session_row(db, token).end_reason == "expired"
    assert resolve(session_factory, settings, token) is None  # and stays ended


def test_the_absolute_timeout_counts_from_the_password_not_the_code(
    db: Session, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    user = make_user(db, Role.RESEARCHER)
    token, principal = half_signed_in(db, session_factory, settings, user)
    _session_row(db, token).created_at = utcnow() - timedelta(
        hours=settings.session_absolute_hours, seconds=5
    )
    db.flush()
    renewed = service.verify_code(db, settings, principal, user.code())
    db.flush()
    assert resolve(session_factory, settings, renewed) is None


def test_the_session_id_changes_when_the_code_is_accepted(
    db: Session, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    user = make_user(db, Role.RESEARCHER)
    old, principal = half_signed_in(db, session_factory, settings, user)
    new = service.verify_code(db, settings, principal, user.code())
    db.flush()
    assert new != old
    assert resolve(session_factory, settings, old) is None
    assert _session_row(db, old).end_reason == "renewed"
    resolved = signed_in(session_factory, settings, new)
    assert not resolved.mfa_pending and resolved.recently_authenticated
    assert len(_events(db, "sign_in.complete")) == 1


def test_disabling_a_user_ends_their_sessions(
    db: Session, settings: Settings, session_factory: sessionmaker[Session], admin: SampleUser
) -> None:
    user = make_user(db, Role.RESEARCHER)
    tokens = [make_session(db, user.user), make_session(db, user.user, mfa_done=False)]
    service.disable_user(db, principal_for(admin.user), user.user.id)
    db.flush()
    for token in tokens:
        assert resolve(session_factory, settings, token) is None
        assert _session_row(db, token).end_reason == "disabled"
    late = make_session(db, user.user)  # even a session row made afterwards is refused
    assert resolve(session_factory, settings, late) is None
    assert len(_events(db, "user.disable")) == 1


def test_resetting_the_authenticator_ends_the_sessions_and_asks_for_a_new_one(
    db: Session, settings: Settings, session_factory: sessionmaker[Session], admin: SampleUser
) -> None:
    user = make_user(db, Role.RESEARCHER)
    token = make_session(db, user.user)
    service.reset_mfa(db, principal_for(admin.user), user.user.id)
    db.flush()
    assert resolve(session_factory, settings, token) is None
    assert _session_row(db, token).end_reason == "security code reset"
    assert user.user.totp_secret is None and not user.user.mfa_enrolled
    with pytest.raises(PermissionDenied):
        service.reset_mfa(db, principal_for(make_user(db, Role.AUDITOR).user), user.user.id)


def test_a_password_change_ends_the_other_sessions(
    db: Session, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    user = make_user(db, Role.RESEARCHER)
    this, other = make_session(db, user.user), make_session(db, user.user)
    principal = signed_in(session_factory, settings, this)
    values = {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    service.change_password(db, settings, principal, values)
    db.flush()
    assert resolve(session_factory, settings, this) is not None
    assert resolve(session_factory, settings, other) is None
    assert _session_row(db, other).end_reason == "password changed"
    assert service.sign_in(db, settings, user.user.username, NEW_PASSWORD)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (
            {"current_password": "wrong", "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
            "current_password",
        ),
        (
            {"current_password": PASSWORD, "password": "password1234", "confirm_password": "password1234"},
            "password",
        ),
        (
            {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm_password": "x"},
            "confirm_password",
        ),
    ],
)
def test_a_password_change_needs_the_current_password_and_a_good_new_one(
    db: Session,
    settings: Settings,
    session_factory: sessionmaker[Session],
    values: dict[str, str],
    field: str,
) -> None:
    user = make_user(db, Role.RESEARCHER)
    before = user.user.password_hash
    principal = signed_in(session_factory, settings, make_session(db, user.user))
    with pytest.raises(FormInvalid) as refused:
        service.change_password(db, settings, principal, values)
    assert set(refused.value.errors) == {field}
    assert user.user.password_hash == before


def test_wrong_current_passwords_are_logged_and_lock_like_sign_in_failures(
    db: Session, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    user = make_user(db, Role.RESEARCHER)
    principal = signed_in(session_factory, settings, make_session(db, user.user))
    values = {"current_password": "guess", "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    for _ in range(settings.lockout_threshold):
        with pytest.raises(FormInvalid):
            service.change_password(db, settings, principal, values)
    assert len(_events(db, "user.change_password.failed")) == settings.lockout_threshold
    with pytest.raises(service.SignInLocked):
        service.change_password(db, settings, principal, {**values, "current_password": PASSWORD})


def test_sign_out_ends_the_session_on_the_server(
    db: Session, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    user = make_user(db, Role.RESEARCHER)
    token = make_session(db, user.user)
    service.sign_out(db, signed_in(session_factory, settings, token))
    db.flush()
    assert resolve(session_factory, settings, token) is None
    assert _session_row(db, token).end_reason == "signed out"


@pytest.mark.parametrize("token", ["", "x", "y" * 201, "\x00", "🦊" * 50])
def test_unknown_or_malformed_tokens_resolve_to_nobody(
    settings: Settings, session_factory: sessionmaker[Session], token: str
) -> None:
    assert resolve(session_factory, settings, token) is None
    assert resolve(session_factory, settings, token, kind="api") is None


# ---------------------------------------------------------------- re-authentication


def test_reauthentication_needs_the_password_and_a_fresh_code(
    db: Session, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    user = make_user(db, Role.ADMINISTRATOR)
    token = make_session(db, user.user, reauth=False)
    principal = signed_in(session_factory, settings, token)
    assert not principal.recently_authenticated
    with pytest.raises(FormInvalid) as refused:
        service.reauthenticate(db, settings, principal, "wrong password", user.code())
    assert set(refused.value.errors) == {"password"}
    with pytest.raises(FormInvalid) as refused:
        service.reauthenticate(
            db, settings, principal, PASSWORD, "000000" if user.code() != "000000" else "1"
        )
    assert set(refused.value.errors) == {"code"}
    code = user.code()
    service.reauthenticate(db, settings, principal, PASSWORD, code)
    db.flush()
    assert signed_in(session_factory, settings, token).recently_authenticated
    with pytest.raises(FormInvalid) as reused:
        service.reauthenticate(db, settings, principal, PASSWORD, code)
    assert set(reused.value.errors) == {"code"}
    assert len(_events(db, "sign_in.reauthenticate")) == 1


def test_reauthentication_lasts_reauth_minutes(
    db: Session, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    user = make_user(db, Role.ADMINISTRATOR)
    token = make_session(db, user.user)
    assert signed_in(session_factory, settings, token).recently_authenticated
    _session_row(db, token).reauthenticated_at = utcnow() - timedelta(
        minutes=settings.reauth_minutes, seconds=1
    )
    db.flush()
    assert not signed_in(session_factory, settings, token).recently_authenticated


def test_reauthentication_failures_count_towards_the_lock(
    db: Session, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    user = make_user(db, Role.ADMINISTRATOR)
    principal = signed_in(session_factory, settings, make_session(db, user.user, reauth=False))
    for _ in range(settings.lockout_threshold):
        with pytest.raises(FormInvalid):
            service.reauthenticate(db, settings, principal, "a guess", "123")
    with pytest.raises(service.SignInLocked):
        service.reauthenticate(db, settings, principal, PASSWORD, user.code())


# ---------------------------------------------------------------- roles and disabling


def test_nobody_changes_their_own_roles_through_the_service(db: Session, admin: SampleUser) -> None:
    """Not to lock themselves out, nor to grant themselves a way into cases [issue 14 §1]."""
    for roles in (
        ["researcher", "auditor"],
        ["administrator", "auditor"],
        ["administrator", "data_administrator"],
    ):
        with pytest.raises(PermissionDenied, match="own roles"):
            service.set_roles(db, principal_for(admin.user), admin.user.id, roles)
        assert admin.user.role_set == {"administrator"}


@pytest.mark.parametrize("roles", [[], ["superuser"], ["researcher", "root"], ["Administrator"]])
def test_roles_must_come_from_the_list(db: Session, admin: SampleUser, roles: list[str]) -> None:
    other = make_user(db, Role.RESEARCHER)
    with pytest.raises(FormInvalid):
        service.set_roles(db, principal_for(admin.user), other.user.id, roles)
    assert other.user.role_set == {"researcher"}


def test_roles_are_replaced_and_the_change_audited(db: Session, admin: SampleUser) -> None:
    other = make_user(db, Role.RESEARCHER, Role.PANEL_MEMBER)
    service.set_roles(db, principal_for(admin.user), other.user.id, ["panel_member", "panel_chair"])
    db.flush()
    db.expire_all()
    assert db.get(User, other.user.id).role_set == {"panel_member", "panel_chair"}  # type: ignore[union-attr]
    service.set_roles(db, principal_for(admin.user), other.user.id, ["panel_member", "panel_chair"])
    db.flush()
    [first, _] = _events(db, "user.set_roles")
    assert '"before": ["panel_member", "researcher"]' in first.details
    assert '"after": ["panel_chair", "panel_member"]' in first.details


def test_only_administrators_change_roles(db: Session) -> None:
    target = make_user(db, Role.RESEARCHER)
    for role in Role:
        if role is not Role.ADMINISTRATOR:
            with pytest.raises(PermissionDenied):
                service.set_roles(db, principal_for(make_user(db, role).user), target.user.id, ["auditor"])
    with pytest.raises(NotFound):
        service.set_roles(
            db, principal_for(make_user(db, Role.ADMINISTRATOR).user), uuid.uuid4(), ["auditor"]
        )


def test_an_administrator_cannot_disable_themselves(db: Session, admin: SampleUser) -> None:
    with pytest.raises(Conflict):
        service.disable_user(db, principal_for(admin.user), admin.user.id)
    assert admin.user.is_active


def test_disable_and_enable_are_each_done_once(db: Session, admin: SampleUser) -> None:
    other = make_user(db, Role.RESEARCHER)
    actor = principal_for(admin.user)
    with pytest.raises(Conflict):
        service.enable_user(db, actor, other.user.id)
    service.disable_user(db, actor, other.user.id)
    with pytest.raises(Conflict):
        service.disable_user(db, actor, other.user.id)
    service.enable_user(db, actor, other.user.id)
    assert other.user.is_active
    assert [len(_events(db, a)) for a in ("user.disable", "user.enable")] == [1, 1]


# ---------------------------------------------------------------- API tokens


def test_an_api_token_is_shown_once_and_stored_only_as_a_hash(db: Session, admin: SampleUser) -> None:
    user = make_user(db, Role.AUDITOR)
    raw = service.issue_api_token(db, principal_for(admin.user), user.user.id, "SIEM export")
    assert raw.startswith("dsc_") and len(raw) >= 40
    [stored] = service.api_tokens(db, user.user.id)
    assert stored.token_hash == service.token_hash(raw) and raw not in stored.token_hash
    assert raw.startswith(stored.prefix) and len(stored.prefix) <= 12
    assert stored.expires_at - utcnow() <= timedelta(days=service.API_TOKEN_DAYS)
    [event] = _events(db, "api_token.issue")
    assert raw not in event.details + event.justification


def test_an_api_token_carries_its_users_current_roles(
    db: Session, settings: Settings, session_factory: sessionmaker[Session], admin: SampleUser
) -> None:
    user = make_user(db, Role.AUDITOR)
    raw = service.issue_api_token(db, principal_for(admin.user), user.user.id, "SIEM export")
    principal = resolve(session_factory, settings, raw, kind="api")
    assert principal is not None and principal.via_api_token and principal.roles == {"auditor"}
    assert resolve(session_factory, settings, raw, kind="session") is None  # not a cookie
    service.set_roles(db, principal_for(admin.user), user.user.id, ["researcher"])
    db.flush()
    principal = resolve(session_factory, settings, raw, kind="api")
    assert principal is not None and principal.roles == {"researcher"}
    db.expire_all()
    assert service.api_tokens(db, user.user.id)[0].last_used_at is not None


def test_revoked_and_expired_tokens_do_not_resolve(
    db: Session, settings: Settings, session_factory: sessionmaker[Session], admin: SampleUser
) -> None:
    user = make_user(db, Role.AUDITOR)
    actor = principal_for(admin.user)
    revoked = service.issue_api_token(db, actor, user.user.id, "one")
    expired = service.issue_api_token(db, actor, user.user.id, "two")
    rows = {t.name: t for t in service.api_tokens(db, user.user.id)}
    service.revoke_api_token(db, actor, user.user.id, rows["one"].id)
    rows["two"].expires_at = utcnow() - timedelta(seconds=1)
    db.flush()
    assert resolve(session_factory, settings, revoked, kind="api") is None
    assert resolve(session_factory, settings, expired, kind="api") is None
    with pytest.raises(Conflict):
        service.revoke_api_token(db, actor, user.user.id, rows["one"].id)
    with pytest.raises(NotFound):  # a token is revoked through its own user
        service.revoke_api_token(db, actor, admin.user.id, rows["two"].id)


def test_a_disabled_users_tokens_stop_and_stay_stopped(
    db: Session, settings: Settings, session_factory: sessionmaker[Session], admin: SampleUser
) -> None:
    user = make_user(db, Role.AUDITOR)
    actor = principal_for(admin.user)
    raw = service.issue_api_token(db, actor, user.user.id, "integration")
    service.disable_user(db, actor, user.user.id)
    db.flush()
    assert resolve(session_factory, settings, raw, kind="api") is None
    with pytest.raises(Conflict):
        service.issue_api_token(db, actor, user.user.id, "another")
    service.enable_user(db, actor, user.user.id)
    db.flush()
    assert resolve(session_factory, settings, raw, kind="api") is None  # re-enabling revives no old token


@pytest.mark.parametrize("name", ["", "   ", "x" * 121, "tab\there", "nul\x00"])
def test_a_token_needs_a_sensible_name(db: Session, admin: SampleUser, name: str) -> None:
    user = make_user(db, Role.AUDITOR)
    with pytest.raises(FormInvalid) as refused:
        service.issue_api_token(db, principal_for(admin.user), user.user.id, name)
    assert set(refused.value.errors) == {"token_name"}
    assert service.api_tokens(db, user.user.id) == []


def test_only_administrators_issue_or_revoke_tokens(db: Session, admin: SampleUser) -> None:
    user = make_user(db, Role.AUDITOR)
    raw = service.issue_api_token(db, principal_for(admin.user), user.user.id, "one")
    assert raw
    [row] = service.api_tokens(db, user.user.id)
    with pytest.raises(PermissionDenied):
        service.issue_api_token(db, principal_for(user.user), user.user.id, "mine")
    with pytest.raises(PermissionDenied):
        service.revoke_api_token(db, principal_for(user.user), user.user.id, row.id)
    assert db.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.user_id == user.user.id)) == 1


# ------------------------------------------- administrators read no cases [issue 14 §1]


def test_the_database_refuses_an_administrator_beside_a_role_that_reads_cases(db: Session) -> None:
    """Whichever comes second, a role row that would let an administrator account read cases is refused by
    the database itself, whatever code (or console) writes it."""
    from sqlalchemy.exc import DatabaseError

    from disclosure.accounts.models import UserRole
    from disclosure.accounts.roles import READS_CASES

    pairs = [(Role.ADMINISTRATOR.value, r.value) for r in READS_CASES]
    pairs += [(r.value, Role.ADMINISTRATOR.value) for r in READS_CASES]
    for first, second in pairs:
        user = make_user(db, first, username=f"two.{first}.{second}").user
        with pytest.raises(DatabaseError, match="holds no role that reads cases"), db.begin_nested():  # noqa: PT012
            db.add(UserRole(user_id=user.id, role=second))
            db.flush()
        db.expire(user)
        assert user.role_set == {first}


def test_every_grant_of_a_role_that_reads_cases_is_an_event_auditors_can_filter(
    db: Session, settings: Settings
) -> None:
    from disclosure.auditing import service as auditing

    admin = principal_for(make_user(db, Role.ADMINISTRATOR, username="ada.grants").user)
    values = {"username": "new.hire", "display_name": "New Hire", "email": "new@police.example"}
    hired, _ = service.create_user(db, admin, settings, {**values, "roles": ["researcher", "auditor"]})
    user = make_user(db, Role.AUDITOR, username="gina.grant").user
    service.set_roles(db, admin, user.id, ["auditor", "researcher"])
    service.set_roles(db, admin, user.id, ["researcher"])  # nothing newly granted
    service.set_roles(db, admin, user.id, ["researcher", "panel_chair", "auditor"])
    auditor = principal_for(make_user(db, Role.AUDITOR, username="aud.grants").user)
    found = auditing.search_events(
        db, auditor, auditing.parse_filter({"action": "user.grant_case_role"})
    ).items
    granted = [json.loads(event.details)["granted"] for event in found if event.object_id == str(user.id)]
    assert sorted(granted) == [["panel_chair"], ["researcher"]]
    assert [json.loads(e.details)["granted"] for e in found if e.object_id == str(hired.id)] == [
        ["researcher"]
    ]
