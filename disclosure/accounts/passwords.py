"""Password hashing (argon2id) and the password rules (QUALITY.md check 5).

Length 12 to 1,024 characters, any Unicode, never truncated; common or guessable passwords are refused using
zxcvbn's frequency lists and estimator, with the user's own names counted as guessable.
"""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 12
MAX_LENGTH = 1024
# zxcvbn's cost grows quickly with length; beyond this many characters a password is not guessable anyway.
_SCORED_PREFIX = 100

# zxcvbn's list of the 30,000 most common leaked passwords.
_COMMON = frozenset(FREQUENCY_LISTS["passwords"])

_hasher = PasswordHasher()  # argon2-cffi's defaults: argon2id, RFC 9106 low-memory profile
# Verifying against this when the user name is unknown keeps timing the same as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password, only for equal timing")


def normalise(password: str) -> str:
    """NFKC so the same password typed on different keyboards matches (NIST SP 800-63B 5.1.1.2)."""
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    return _hasher.hash(normalise(password))


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant work whether or not there is a hash to check against."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, normalise(password)) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the stored hash used weaker parameters than the hasher's current ones."""
    return _hasher.check_needs_rehash(stored_hash)


def password_problem(password: str, *, personal: list[str]) -> str | None:
    """The first reason this password is refused, in words for the error message, or None."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH:,} characters or fewer"
    if not password.strip():
        return "Password must not be only spaces"
    if normalise(password).lower() in _COMMON:
        return "Password is too common. Choose a password that other people are unlikely to use"
    result = zxcvbn(normalise(password)[:_SCORED_PREFIX], user_inputs=[p for p in personal if p])
    if result["score"] < 3:
        suggestion = (result["feedback"].get("warning") or "").rstrip(".")
        reason = f" ({suggestion.lower()})" if suggestion else ""
        return f"Password is too easy to guess{reason}. Try a longer phrase of unrelated words"
    return None
