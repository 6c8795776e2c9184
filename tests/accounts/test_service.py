"""Account verbs (QUALITY.md 5-8): passwords, TOTP once only, lockout, sessions and their timeouts,
one-time links, roles, API tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from disclosure.accounts import passwords, service
from disclosure.accounts.models import OneTimeLink, SignInAttempt, User, UserSession
from disclosure.accounts.roles import Role
from disclosure.audit import AuditEvent
from disclosure.config import Settings
from disclosure.db import utcnow
from disclosure.errors import Conflict, FormInvalid, NotFound, PermissionDenied
from tests.builders import PASSWORD, SampleUser, make_session, make_user, principal_for


def _pending(db: Session, settings: Settings, user: SampleUser, sessions: sessionmaker[Session]):  # type: ignore[no-untyped-def]
    token = service.sign_in(db, settings, user.user.username, PASSWORD)
    db.flush()
    principal = service._resolve_session(db, settings, token)
    assert principal is not None
    return token, principal


def test_passwords_are_argon2id_at_or_above_the_library_defaults() -> None:
    stored = passwords.hash_password("a long and unusual passphrase")
    assert stored.startswith("$argon2id$v=19$")
    defaults = PasswordHasher()
    assert f"m={defaults.memory_cost},t={defaults.time_cost},p={defaults.parallelism}" in stored


@pytest.mark.parametrize(
    "password", ["🦊🌲🏔️ llwybr mynydd 山道", "x" * 1024, " leading and trailing spaces "]
)
def test_any_unicode_up_to_1024_characters_is_accepted_untruncated(password: str) -> None:
    stored = passwords.hash_password(password)
    assert passwords.verify_password(stored, password)
    assert not passwords.verify_password(stored, password[:-1] + ("y" if password[-1] != "y" else "z"))


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass", "12 characters or more"),
        ("password1234", "too common"),
        ("x" * 1025, "1,024 characters"),
        ("aaaaaaaaaaaaaaa", "too easy to guess"),
        ("alexexample2026", "too easy to guess"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, message: str) -> None:
    problem = passwords.password_problem(password, personal=["alexexample", "Alex Example"])
    assert problem and message in problem


def test_wrong_password_and_unknown_user_get_the_same_answer(db: Session, settings: Settings) -> None:
    make_user(db, Role.RESEARCHER, username="known.user")
    answers = []
    for username, password in (("known.user", "wrong password here"), ("nobody.here", PASSWORD)):
        with pytest.raises(FormInvalid) as refused:
            service.sign_in(db, settings, username, password)
        answers.append(refused.value.errors)
    assert answers[0] == answers[1] == {"username": service.SIGN_IN_FAILED}
    failures = db.scalars(select(AuditEvent.action).where(AuditEvent.action == "sign_in.failed")).all()
    assert len(failures) == 2


def test_repeated_failures_lock_the_user_name_and_it_unlocks_later(db: Session, settings: Settings) -> None:
    make_user(db, Role.RESEARCHER, username="locky")
    for _ in range(settings.lockout_threshold):
        with pytest.raises(FormInvalid):
            service.sign_in(db, settings, "locky", "not the password")
    with pytest.raises(service.SignInLocked):
        service.sign_in(db, settings, "locky", PASSWORD)  # even the right password waits
    with pytest.raises(service.SignInLocked):
        for _ in range(settings.lockout_threshold + 1):  # unknown names lock the same way
            try:
                service.sign_in(db, settings, "ghost", "not the password")
            except FormInvalid:
                pass
    past = utcnow() - timedelta(minutes=settings.lockout_minutes + 1)
    for attempt in db.scalars(select(SignInAttempt).where(SignInAttempt.username_key == "locky")):
        attempt.occurred_at = past
    db.flush()
    assert service.sign_in(db, settings, "locky", PASSWORD)


def test_a_code_is_accepted_once(
    db: Session, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    user = make_user(db, Role.RESEARCHER)
    _, principal = _pending(db, settings, user, session_factory)
    code = user.code()
    service.verify_code(db, principal, code)
    _, again = _pending(db, settings, user, session_factory)
    with pytest.raises(FormInvalid):
        service.verify_code(db, again, code)


def test_the_session_id_changes_after_the_code(
    db: Session, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    user = make_user(db, Role.RESEARCHER)
    old_token, principal = _pending(db, settings, user, session_factory)
    new_token = service.verify_code(db, principal, user.code())
    db.flush()
    assert service._resolve_session(db, settings, old_token) is None
    resolved = service._resolve_session(db, settings, new_token)
    assert resolved is not None and not resolved.mfa_pending


def test_idle_and_absolute_timeouts_end_sessions(db: Session, settings: Settings) -> None:
    user = make_user(db, Role.RESEARCHER)
    idle, old = make_session(db, user.user), make_session(db, user.user)
    rows = {
        r.token_hash: r for r in db.scalars(select(UserSession).where(UserSession.user_id == user.user.id))
    }
    rows[service.token_hash(idle)].last_seen_at = utcnow() - timedelta(
        minutes=settings.session_idle_minutes + 1
    )
    rows[service.token_hash(old)].created_at = utcnow() - timedelta(hours=settings.session_absolute_hours + 1)
    db.flush()
    assert service._resolve_session(db, settings, idle) is None
    assert service._resolve_session(db, settings, old) is None
    assert {r.end_reason for r in rows.values()} == {"idle", "expired"}


def test_disabling_a_user_ends_their_sessions_and_tokens(
    db: Session, settings: Settings, admin: SampleUser
) -> None:
    user = make_user(db, Role.RESEARCHER)
    token = make_session(db, user.user)
    api = service.issue_api_token(db, principal_for(admin.user), user.user.id, "integration")
    service.disable_user(db, principal_for(admin.user), user.user.id)
    assert service._resolve_session(db, settings, token) is None
    assert service._resolve_api_token(db, api) is None
    with pytest.raises(Conflict):
        service.disable_user(db, principal_for(admin.user), admin.user.id)


def test_sign_out_ends_the_session_on_the_server(db: Session, settings: Settings) -> None:
    user = make_user(db, Role.RESEARCHER)
    token = make_session(db, user.user)
    principal = service._resolve_session(db, settings, token)
    assert principal is not None
    service.sign_out(db, principal)
    assert service._resolve_session(db, settings, token) is None


def test_a_password_change_ends_the_other_sessions(db: Session, settings: Settings) -> None:
    user = make_user(db, Role.RESEARCHER)
    this, other = make_session(db, user.user), make_session(db, user.user)
    principal = service._resolve_session(db, settings, this)
    assert principal is not None
    service.change_password(
        db,
        principal,
        {
            "current_password": PASSWORD,
            "password": "violet harbour lantern seven",
            "confirm_password": "violet harbour lantern seven",
        },
    )
    assert service._resolve_session(db, settings, this) is not None
    assert service._resolve_session(db, settings, other) is None


def test_sign_in_rehashes_a_weaker_hash(db: Session, settings: Settings) -> None:
    user = make_user(db, Role.RESEARCHER)
    user.user.password_hash = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    db.flush()
    service.sign_in(db, settings, user.user.username, PASSWORD)
    assert not passwords.needs_rehash(user.user.password_hash)


def test_the_setup_link_works_once_only_while_no_account_exists(db: Session, settings: Settings) -> None:
    if db.scalar(select(User.id).limit(1)):
        pytest.skip("the shared test database already holds users")
    first = service.issue_setup_link(db, settings)
    second = service.issue_setup_link(db, settings)
    assert first and second
    with pytest.raises(NotFound):
        service.check_setup_link(db, first.rsplit("/", 1)[1])  # an earlier link dies when a new one is issued
    token = second.rsplit("/", 1)[1]
    service.create_first_administrator(
        db,
        settings,
        token,
        {
            "display_name": "Ada",
            "username": "ada",
            "email": "ada@police.uk",
            "password": PASSWORD + " x",
            "confirm_password": PASSWORD + " x",
        },
    )
    with pytest.raises(NotFound):
        service.check_setup_link(db, token)
    assert service.issue_setup_link(db, settings) is None


def test_an_expired_invitation_is_refused(db: Session, settings: Settings, admin: SampleUser) -> None:
    user, link = service.create_user(
        db,
        principal_for(admin.user),
        settings,
        {"display_name": "Ivy", "username": "ivy", "email": "ivy@police.uk", "roles": ["researcher"]},
    )
    token = link.rsplit("/", 1)[1]
    row = db.scalar(select(OneTimeLink).where(OneTimeLink.user_id == user.id))
    assert row is not None
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.flush()
    with pytest.raises(NotFound):
        service.accept_invitation(db, token, {"password": PASSWORD, "confirm_password": PASSWORD})


def test_roles_cannot_lock_out_the_last_administrator_or_include_unknowns(
    db: Session, admin: SampleUser
) -> None:
    principal = principal_for(admin.user)
    with pytest.raises(FormInvalid):
        service.set_roles(db, principal, admin.user.id, ["researcher"])
    with pytest.raises(FormInvalid):
        service.set_roles(db, principal, admin.user.id, ["administrator", "superuser"])
    other = make_user(db, Role.RESEARCHER)
    service.set_roles(db, principal, other.user.id, ["auditor"])
    assert other.user.role_set == {"auditor"}


def test_only_administrators_manage_accounts(db: Session, settings: Settings) -> None:
    clerk = principal_for(make_user(db, Role.DATA_ADMINISTRATOR).user)
    with pytest.raises(PermissionDenied):
        service.create_user(
            db,
            clerk,
            settings,
            {"display_name": "X", "username": "xx1", "email": "x@p.uk", "roles": ["auditor"]},
        )


def test_api_tokens_are_stored_hashed_and_stop_when_revoked(db: Session, admin: SampleUser) -> None:
    user = make_user(db, Role.AUDITOR)
    raw = service.issue_api_token(db, principal_for(admin.user), user.user.id, "SIEM export")
    stored = service.api_tokens(db, user.user.id)[0]
    assert raw not in (stored.token_hash, stored.prefix) and stored.token_hash == service.token_hash(raw)
    assert service._resolve_api_token(db, raw) is not None
    service.revoke_api_token(db, principal_for(admin.user), user.user.id, stored.id)
    assert service._resolve_api_token(db, raw) is None
