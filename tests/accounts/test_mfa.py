"""TOTP (QUALITY.md check 7): a current code is accepted once, one step either side, nothing else; wrong
codes are logged and count towards the lock; enrolment confirms the key with a first code."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from disclosure.accounts import mfa, service
from disclosure.accounts.models import SignInAttempt
from disclosure.accounts.roles import Role
from disclosure.audit import AuditEvent
from disclosure.config import Settings
from disclosure.errors import Conflict, FormInvalid
from tests.accounts.helpers import half_signed_in, resolve
from tests.builders import make_user

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
# The middle of a 30-second step, so ±1 step is unambiguous.
NOW = datetime.fromtimestamp(1_800_000_015, tz=UTC)


def _at(offset_steps: int) -> str:
    totp = pyotp.TOTP(SECRET)
    return totp.generate_otp(totp.timecode(NOW) + offset_steps)


def _now_step() -> int:
    return pyotp.TOTP(SECRET).timecode(NOW)


# ---------------------------------------------------------------- the code itself


def test_the_current_code_is_accepted_and_names_its_time_step() -> None:
    assert mfa.matching_step(SECRET, _at(0), NOW, None) == _now_step()


def test_a_code_is_accepted_only_once() -> None:
    step = mfa.matching_step(SECRET, _at(0), NOW, None)
    assert step is not None
    assert mfa.matching_step(SECRET, _at(0), NOW, step) is None
    assert mfa.matching_step(SECRET, _at(0), NOW + timedelta(seconds=10), step) is None


def test_an_older_code_is_refused_once_a_newer_one_was_used() -> None:
    newer = mfa.matching_step(SECRET, _at(1), NOW, None)
    assert newer == _now_step() + 1
    assert mfa.matching_step(SECRET, _at(0), NOW, newer) is None
    assert mfa.matching_step(SECRET, _at(-1), NOW, newer) is None


@pytest.mark.parametrize(("offset", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)])
def test_codes_one_step_either_side_are_accepted_and_no_further(offset: int, accepted: bool) -> None:
    step = mfa.matching_step(SECRET, _at(offset), NOW, None)
    assert (step == _now_step() + offset) if accepted else step is None


@pytest.mark.parametrize("offset", [-40, -20, -3, 3, 20, 40])
def test_codes_from_long_ago_or_the_future_are_refused(offset: int) -> None:
    assert mfa.matching_step(SECRET, _at(offset), NOW, None) is None


def test_spaces_and_full_width_digits_are_read_as_the_code() -> None:
    code = _at(0)
    assert mfa.matching_step(SECRET, f" {code[:3]} {code[3:]} ", NOW, None) == _now_step()
    full_width = "".join(chr(ord(c) - ord("0") + 0xFF10) for c in code)
    assert mfa.matching_step(SECRET, full_width, NOW, None) == _now_step()


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        " ",
        "abcdef",
        "12345",
        "1234567",
        "12345a",
        "-12345",
        "+12345",
        "١٢٣٤٥٦",  # Arabic-Indic digits: digits, but not ASCII
        "²³¹⁴⁵⁶x",
        "12\x0034",
        "9" * 10_000,
        "' OR 1=1 --",
    ],
)
def test_garbage_is_refused_without_failing(garbage: str) -> None:
    assert mfa.matching_step(SECRET, garbage, NOW, None) is None


def test_a_wrong_code_of_the_right_shape_is_refused() -> None:
    valid = {_at(o) for o in (-1, 0, 1)}
    wrong = next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)
    assert mfa.matching_step(SECRET, wrong, NOW, None) is None


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(max_size=20))
def test_only_the_codes_of_the_window_are_accepted(text: str) -> None:
    step = mfa.matching_step(SECRET, text, NOW, None)
    if step is None:
        return
    assert step - _now_step() in (-1, 0, 1)
    assert "".join(unicodedata.normalize("NFKC", text).split()) == _at(step - _now_step())


@hypothesis_settings(max_examples=100, deadline=None)
@given(st.from_regex(r"\A[0-9]{6}\Z"))
def test_six_digits_are_accepted_exactly_when_they_are_in_the_window(code: str) -> None:
    step = mfa.matching_step(SECRET, code, NOW, None)
    assert (step is not None) == (code in {_at(o) for o in (-1, 0, 1)})


def test_the_provisioning_link_and_qr_code_carry_the_key_for_the_app() -> None:
    uri = mfa.provisioning_uri(SECRET, "gwen.pritchard")
    assert uri.startswith("otpauth://totp/") and f"secret={SECRET}" in uri and "issuer=" in uri
    svg = mfa.qr_svg(uri)
    assert svg.startswith("<svg ") and 'role="img"' in svg and "aria-label=" in svg
    assert "data:" not in svg  # inline, so the CSP stays strict
    assert mfa.grouped("ABCDEFGHIJ") == "ABCD EFGH IJ"


def test_new_keys_are_random_and_long_enough() -> None:
    keys = {mfa.new_secret() for _ in range(20)}
    assert len(keys) == 20
    assert all(len(k) >= 32 for k in keys)  # 160 bits, as RFC 4226 recommends


# ---------------------------------------------------------------- in the service


def test_the_service_accepts_a_current_code_once(
    db: Session, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    user = make_user(db, Role.RESEARCHER)
    _, principal = half_signed_in(db, session_factory, settings, user)
    code = user.code()
    token = service.verify_code(db, settings, principal, code)
    db.flush()
    assert resolve(session_factory, settings, token) is not None
    _, again = half_signed_in(db, session_factory, settings, user)
    with pytest.raises(FormInvalid) as refused:
        service.verify_code(db, settings, again, code)
    assert refused.value.errors == {"code": service.CODE_FAILED}


@pytest.mark.parametrize("offset", [-1, 1])
def test_the_service_accepts_a_code_one_step_out(
    db: Session, settings: Settings, session_factory: sessionmaker[Session], offset: int
) -> None:
    user = make_user(db, Role.RESEARCHER)
    _, principal = half_signed_in(db, session_factory, settings, user)
    assert service.verify_code(db, settings, principal, user.code(offset))


@pytest.mark.parametrize("code", ["000000x", "", "١٢٣٤٥٦", "wrong"])
def test_a_wrong_code_is_refused_logged_and_counted(
    db: Session, settings: Settings, session_factory: sessionmaker[Session], code: str
) -> None:
    user = make_user(db, Role.RESEARCHER)
    _, principal = half_signed_in(db, session_factory, settings, user)
    with pytest.raises(FormInvalid):
        service.verify_code(db, settings, principal, code)
    logged = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "mfa.failed.sign_in", AuditEvent.actor_id == user.user.id
        )
    ).all()
    assert len(logged) == 1
    counted = db.scalar(
        select(func.count())
        .select_from(SignInAttempt)
        .where(SignInAttempt.username_key == user.user.username, SignInAttempt.succeeded.is_(False))
    )
    assert counted == 1


def test_repeated_wrong_codes_lock_the_account_even_with_the_right_password_done(
    db: Session, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    """Without this, anyone holding the password could try all million codes."""
    user = make_user(db, Role.RESEARCHER)
    for _ in range(settings.lockout_threshold):
        _, principal = half_signed_in(db, session_factory, settings, user)
        with pytest.raises(FormInvalid):
            service.verify_code(db, settings, principal, "000000" if user.code() != "000000" else "111111")
    _, principal = half_signed_in(db, session_factory, settings, user)
    with pytest.raises(service.SignInLocked):
        service.verify_code(db, settings, principal, user.code())
    with pytest.raises(service.SignInLocked):
        service.sign_in(db, settings, user.user.username, user.password)


def test_a_right_password_does_not_clear_the_count_of_wrong_codes(
    db: Session, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    user = make_user(db, Role.RESEARCHER)
    wrong = "000000" if user.code() != "000000" else "111111"
    for _ in range(settings.lockout_threshold - 1):
        service.sign_in(db, settings, user.user.username, user.password)
        _, principal = half_signed_in(db, session_factory, settings, user)
        with pytest.raises(FormInvalid):
            service.verify_code(db, settings, principal, wrong)
    service.sign_in(db, settings, user.user.username, user.password)
    _, principal = half_signed_in(db, session_factory, settings, user)
    with pytest.raises(FormInvalid):
        service.verify_code(db, settings, principal, wrong)
    with pytest.raises(service.SignInLocked):
        service.sign_in(db, settings, user.user.username, user.password)


def test_a_complete_sign_in_clears_the_count(
    db: Session, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    user = make_user(db, Role.RESEARCHER)
    wrong = "000000" if user.code() != "000000" else "111111"
    for _ in range(settings.lockout_threshold - 1):
        _, principal = half_signed_in(db, session_factory, settings, user)
        with pytest.raises(FormInvalid):
            service.verify_code(db, settings, principal, wrong)
    _, principal = half_signed_in(db, session_factory, settings, user)
    service.verify_code(db, settings, principal, user.code())
    for _ in range(settings.lockout_threshold - 1):
        _, principal = half_signed_in(db, session_factory, settings, user)
        with pytest.raises(FormInvalid):
            service.verify_code(db, settings, principal, wrong)
    _, principal = half_signed_in(db, session_factory, settings, user)
    assert service.verify_code(db, settings, principal, user.code(1))


# ---------------------------------------------------------------- enrolment


def test_enrolment_shows_one_key_until_a_code_confirms_it(
    db: Session, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    user = make_user(db, Role.RESEARCHER, mfa=False)
    old_token, principal = half_signed_in(db, session_factory, settings, user)
    key = service.start_enrolment(db, principal)
    assert service.start_enrolment(db, principal) == key
    with pytest.raises(FormInvalid):
        service.confirm_enrolment(
            db, settings, principal, "000000" if pyotp.TOTP(key).now() != "000000" else "1"
        )
    assert not user.user.mfa_enrolled
    code = pyotp.TOTP(key).now()
    new_token = service.confirm_enrolment(db, settings, principal, code)
    db.flush()
    assert user.user.totp_secret == key and user.user.totp_pending_secret is None
    assert resolve(session_factory, settings, old_token) is None
    resolved = resolve(session_factory, settings, new_token)
    assert resolved is not None and not resolved.mfa_pending
    with pytest.raises(Conflict):
        service.start_enrolment(db, resolved)
    _, again = half_signed_in(db, session_factory, settings, user)
    with pytest.raises(FormInvalid):
        service.verify_code(db, settings, again, code)  # the enrolment code is used up too


def test_enrolment_without_a_key_shown_refuses_any_code(
    db: Session, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    user = make_user(db, Role.RESEARCHER, mfa=False)
    _, principal = half_signed_in(db, session_factory, settings, user)
    with pytest.raises(FormInvalid):
        service.confirm_enrolment(db, settings, principal, "123456")


def test_a_user_without_an_app_cannot_pass_the_code_step(
    db: Session, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    user = make_user(db, Role.RESEARCHER, mfa=False)
    _, principal = half_signed_in(db, session_factory, settings, user)
    with pytest.raises(FormInvalid):
        service.verify_code(db, settings, principal, pyotp.TOTP(pyotp.random_base32()).now())
