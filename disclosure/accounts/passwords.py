"""Password hashing (argon2id) and the password rules (QUALITY.md check 5).

Length 12 to 1,024 characters, any Unicode, never truncated; common or guessable passwords are refused using
zxcvbn's frequency lists and estimator, with the user's own names counted as guessable.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn  # type: ignore[import-untyped]
from zxcvbn.frequency_lists import FREQUENCY_LISTS  # type: ignore[import-untyped]

MIN_LENGTH = 12
MAX_LENGTH = 1024
# zxcvbn's cost grows quickly with length (seconds at 100 characters), so it scores at most its own default
# of 72; beyond that a password that passed is not guessable anyway.
_SCORED_PREFIX = 72
# zxcvbn's scale: 3 is "safely unguessable: moderate protection from offline slow-hash scenario".
_STRONG_SCORE = 3
_ZXCVBN_LOCK = threading.Lock()

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


def personal_words(personal: list[str]) -> list[str]:
    """The user's names as zxcvbn should know them: whole, each part, and the parts run together.

    zxcvbn matches a user input only as one dictionary word, so "Gwen Pritchard" alone would not catch
    "gwenpritchard"; the parts and their run-together forms do."""
    words: list[str] = []
    for text in personal:
        lowered = normalise(text or "").lower()
        own = lowered.partition("@")[0]  # an email's domain is the force's, not the person's
        parts = [p for p in re.split(r"[\W_]+", own) if p]
        words += [lowered, *parts, "".join(parts), "".join(reversed(parts))]
    return list(dict.fromkeys(w for w in words if len(w) >= 2))


def password_problem(password: str, *, personal: list[str]) -> str | None:
    """The first reason this password is refused, in words for the error message, or None."""
    if problem := _shape_problem(password):
        return problem
    normalised = normalise(password)
    if normalised.lower() in _COMMON:
        return "Password is too common. Choose a password that other people are unlikely to use"
    words = personal_words(personal)
    result = _score(normalised, words)
    if result["score"] < _STRONG_SCORE:
        suggestion = (result["feedback"].get("warning") or "").rstrip(".")
        reason = f" ({suggestion.lower()})" if suggestion else ""
        return f"Password is too easy to guess{reason}. Try a longer phrase of unrelated words"
    # zxcvbn scores "pritchard.gwen" as several words and so as strong; what is left without the user's
    # own names must be strong on its own.
    rest = normalised.lower()
    for word in sorted((w for w in words if len(w) >= 3), key=len, reverse=True):
        rest = rest.replace(word, " ")
    if rest != normalised.lower() and _score(rest, words)["score"] < _STRONG_SCORE:
        return "Password must not be based on your name, user name or email address"
    return None


def _shape_problem(password: str) -> str | None:
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH:,} characters or fewer"
    if not password.strip():
        return "Password must not be only spaces"
    return None


def _score(password: str, words: list[str]) -> dict[str, Any]:
    """zxcvbn over the scored prefix. zxcvbn refuses more than `max_length` characters (72 unless told),
    and keeps the user's words in a module global, so calls take turns."""
    with _ZXCVBN_LOCK:
        result: dict[str, Any] = zxcvbn(
            password[:_SCORED_PREFIX], user_inputs=words, max_length=_SCORED_PREFIX
        )
    return result
