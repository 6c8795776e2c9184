"""Passwords (QUALITY.md check 5): argon2id at or above the library's defaults, rehash on sign-in when the
parameters rise, 12 to 1,024 characters of any Unicode with nothing truncated, common and personal
passwords refused."""

from __future__ import annotations

import unicodedata
from unittest import mock

import argon2
import pytest
from argon2 import PasswordHasher
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from disclosure.accounts import passwords, service
from disclosure.accounts.roles import Role
from disclosure.config import Settings
from disclosure.errors import FormInvalid
from tests.builders import PASSWORD, make_user

STRONG = "violet harbour lantern seven"
# Cheap parameters for property tests, which check normalisation and truncation, not cost.
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PERSONAL = ["gwen.pritchard", "Gwenllian Pritchard", "gwen.pritchard@police.example"]


@pytest.fixture
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """For tests of what is hashed (Unicode, length), not how hard: argon2id with the cheapest costs."""
    monkeypatch.setattr(passwords, "_hasher", FAST)


def _strong(hasher: PasswordHasher) -> PasswordHasher:
    return PasswordHasher(
        time_cost=hasher.time_cost + 1,
        memory_cost=hasher.memory_cost,
        parallelism=hasher.parallelism,
        hash_len=hasher.hash_len,
        salt_len=hasher.salt_len,
    )


# ---------------------------------------------------------------- the hash


def test_hashes_are_argon2id_version_19() -> None:
    stored = passwords.hash_password(STRONG)
    assert stored.startswith("$argon2id$v=19$")
    assert argon2.extract_parameters(stored).type is argon2.Type.ID


def test_hash_parameters_are_at_or_above_the_argon2_cffi_defaults() -> None:
    used = argon2.extract_parameters(passwords.hash_password(STRONG))
    defaults = PasswordHasher()
    assert used.memory_cost >= defaults.memory_cost >= 65536  # KiB: at least 64 MiB (RFC 9106 low memory)
    assert used.time_cost >= defaults.time_cost >= 3
    assert used.parallelism >= defaults.parallelism
    assert used.hash_len >= defaults.hash_len >= 32
    assert used.salt_len >= defaults.salt_len >= 16


def test_the_same_password_hashes_differently_each_time() -> None:
    first, second = passwords.hash_password(STRONG), passwords.hash_password(STRONG)
    assert first != second
    assert passwords.verify_password(first, STRONG) and passwords.verify_password(second, STRONG)


def test_the_password_itself_never_appears_in_the_hash() -> None:
    assert STRONG not in passwords.hash_password(STRONG)


@pytest.mark.parametrize(
    "weaker",
    [
        PasswordHasher(time_cost=1),
        PasswordHasher(memory_cost=8192),
        PasswordHasher(parallelism=1),
        PasswordHasher(type=argon2.Type.I),
    ],
    ids=["time", "memory", "parallelism", "argon2i"],
)
def test_a_hash_with_weaker_parameters_needs_rehashing(weaker: PasswordHasher) -> None:
    assert passwords.needs_rehash(weaker.hash(PASSWORD))


def test_a_hash_with_the_current_parameters_needs_no_rehashing() -> None:
    assert not passwords.needs_rehash(passwords.hash_password(PASSWORD))


def test_raising_the_parameters_makes_existing_hashes_need_rehashing() -> None:
    stored = passwords.hash_password(PASSWORD)
    with mock.patch.object(passwords, "_hasher", _strong(passwords._hasher)):
        assert passwords.needs_rehash(stored)
        assert passwords.verify_password(stored, PASSWORD)  # old hashes keep working meanwhile


def test_sign_in_replaces_a_weaker_hash_after_the_right_password(db: Session, settings: Settings) -> None:
    user = make_user(db, Role.RESEARCHER)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    user.user.password_hash = weak
    db.flush()
    service.sign_in(db, settings, user.user.username, PASSWORD)
    db.flush()
    db.refresh(user.user)
    stored = user.user.password_hash
    assert stored is not None and stored != weak
    assert stored.startswith("$argon2id$v=19$") and not passwords.needs_rehash(stored)
    assert passwords.verify_password(stored, PASSWORD)


def test_sign_in_rehashes_when_the_parameters_rise(db: Session, settings: Settings) -> None:
    user = make_user(db, Role.RESEARCHER)
    before = user.user.password_hash
    stronger = _strong(passwords._hasher)
    with mock.patch.object(passwords, "_hasher", stronger):
        service.sign_in(db, settings, user.user.username, PASSWORD)
    db.flush()
    db.refresh(user.user)
    assert user.user.password_hash != before
    assert argon2.extract_parameters(user.user.password_hash or "").time_cost == stronger.time_cost


def test_a_failed_sign_in_leaves_a_weaker_hash_alone(db: Session, settings: Settings) -> None:
    user = make_user(db, Role.RESEARCHER)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    user.user.password_hash = weak
    db.flush()
    with pytest.raises(FormInvalid):
        service.sign_in(db, settings, user.user.username, PASSWORD + "!")
    db.flush()
    db.refresh(user.user)
    assert user.user.password_hash == weak


def test_garbage_in_the_stored_hash_fails_closed() -> None:
    assert not passwords.verify_password("not a hash", PASSWORD)
    assert not passwords.verify_password("", PASSWORD)
    assert not passwords.verify_password(None, PASSWORD)


# ---------------------------------------------------------------- length and Unicode


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("kx7#Qm2!vLp", False),
        ("kx7#Qm2!vLp9", True),
        ("🦊🌲🦁🐯🐻🐼🐨🐸🐙🦄🐝", False),  # 44 bytes, but 11 characters
        ("🦊🌲🦁🐯🐻🐼🐨🐸🐙🦄🐝🐢", True),
        ((STRONG + " ") * 36, False),
        (((STRONG + " ") * 40)[:1024], True),
        (((STRONG + " ") * 40)[:1025], False),
    ],
    ids=["11", "12", "11-emoji", "12-emoji", "1044", "1024", "1025"],
)
def test_passwords_of_12_to_1024_characters_are_accepted(password: str, accepted: bool) -> None:
    problem = passwords.password_problem(password, personal=[])
    assert (problem is None) is accepted, problem
    if not accepted:
        assert problem and ("12 characters or more" in problem or "1,024 characters or fewer" in problem)


@pytest.mark.parametrize(
    "password",
    [
        "🦊🌲🏔️ llwybr mynydd 山道",
        "Mae hen wlad fy nhadau ŵŷâ",  # Welsh, with circumflexes
        "山の上の月と静かな海の夜明け",  # Japanese
        "我的密码很长而且很安全的",  # Chinese
        "ضوء القمر فوق البحر الهادئ",  # Arabic, right to left
        "पहाड़ों के ऊपर चाँद है",  # Devanagari, with combining marks
        "Ωμέγα φως πάνω στη θάλασσα",  # Greek
        " leading and trailing spaces ",
    ],
)
def test_any_unicode_is_accepted_and_verifies_exactly(password: str, fast_hashing: None) -> None:
    assert passwords.password_problem(password, personal=PERSONAL) is None
    stored = passwords.hash_password(password)
    assert passwords.verify_password(stored, password)
    assert not passwords.verify_password(stored, password[:-1])
    assert not passwords.verify_password(stored, password + " ")


def test_nothing_after_the_hundredth_or_thousandth_character_is_ignored(fast_hashing: None) -> None:
    base = ((STRONG + " ") * 40)[:1000]
    stored = passwords.hash_password(base[:100] + "a")
    assert passwords.verify_password(stored, base[:100] + "a")
    assert not passwords.verify_password(stored, base[:100] + "b")
    long_stored = passwords.hash_password(base + "a")
    assert not passwords.verify_password(long_stored, base + "b")
    assert not passwords.verify_password(long_stored, base)


def test_the_same_text_typed_composed_or_decomposed_matches(fast_hashing: None) -> None:
    composed = "Caerdydd ŵyr café glân"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert passwords.verify_password(passwords.hash_password(composed), decomposed)


@hypothesis_settings(max_examples=40, deadline=None)
@given(st.text(st.characters(exclude_categories=["Cs"]), min_size=12, max_size=300), st.data())
def test_any_password_that_passes_the_rules_verifies_and_a_one_character_change_fails(
    password: str, data: st.DataObject
) -> None:
    if passwords.password_problem(password, personal=[]) is not None:
        return
    index = data.draw(st.integers(0, len(password) - 1), label="index")
    replacement = data.draw(st.characters(exclude_categories=["Cs"]), label="replacement")
    changed = password[:index] + replacement + password[index + 1 :]
    with mock.patch.object(passwords, "_hasher", FAST):
        stored = passwords.hash_password(password)
        assert passwords.verify_password(stored, password)
        if passwords.normalise(changed) != passwords.normalise(password):
            assert not passwords.verify_password(stored, changed)
        else:
            assert passwords.verify_password(stored, changed)  # the same text, typed differently


@hypothesis_settings(max_examples=40, deadline=None)
@given(st.text(max_size=20) | st.text(min_size=60, max_size=1100))
def test_the_rules_answer_for_any_text_without_failing(password: str) -> None:
    problem = passwords.password_problem(password, personal=PERSONAL)
    assert problem is None or isinstance(problem, str)
    if not 12 <= len(password) <= 1024 or not password.strip():
        assert problem is not None


# ---------------------------------------------------------------- common and personal passwords


@pytest.mark.parametrize(
    "password", ["password1234", "PASSWORD1234", "qwertyuiop123", "123456789qwer", "thecakeisalie"]
)
def test_common_passwords_are_refused(password: str) -> None:
    problem = passwords.password_problem(password, personal=[])
    assert problem and "too common" in problem


@hypothesis_settings(max_examples=50, deadline=None)
@given(st.sampled_from(sorted(p for p in passwords._COMMON if len(p) >= passwords.MIN_LENGTH)))
def test_every_common_password_long_enough_to_try_is_refused(password: str) -> None:
    assert passwords.password_problem(password, personal=[]) is not None


@pytest.mark.parametrize(
    "password",
    [
        "gwenllianpritchard",
        "pritchard.gwenllian",
        "Gwenllian Pritchard 1987",
        "gwen.pritchard@police.example",
        "gwen.pritchard2024!",
        "GwenPritchardGwen",
    ],
)
def test_passwords_made_of_the_users_own_names_are_refused(password: str) -> None:
    problem = passwords.password_problem(password, personal=PERSONAL)
    assert problem is not None
    assert passwords.password_problem(password, personal=[]) is None or "guess" in problem


def test_a_strong_phrase_that_happens_to_hold_a_name_is_still_accepted() -> None:
    assert passwords.password_problem("gwenllian walks the harbour lantern", personal=PERSONAL) is None
    assert passwords.password_problem("police example lantern harbour", personal=PERSONAL) is None


@pytest.mark.parametrize(("password", "message"), [(" " * 20, "only spaces"), ("aaaaaaaaaaaaaaa", "guess")])
def test_blank_and_repetitive_passwords_are_refused(password: str, message: str) -> None:
    problem = passwords.password_problem(password, personal=[])
    assert problem and message in problem


def test_the_account_journeys_apply_the_rules_with_the_users_own_details(
    db: Session, settings: Settings
) -> None:
    from tests.builders import principal_for

    admin = make_user(db, Role.ADMINISTRATOR)
    user, link = service.create_user(
        db,
        principal_for(admin.user),
        settings,
        {
            "display_name": "Gwenllian Pritchard",
            "username": "gwen.pritchard",
            "email": "gwen.pritchard@police.example",
            "roles": ["researcher"],
        },
    )
    token = link.rsplit("/", 1)[1]
    with pytest.raises(FormInvalid) as refused:
        service.accept_invitation(
            db, token, {"password": "pritchard.gwenllian", "confirm_password": "pritchard.gwenllian"}
        )
    assert set(refused.value.errors) == {"password"}
    assert user.password_hash is None
