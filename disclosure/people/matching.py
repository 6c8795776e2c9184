"""Name and date matching for the people index: normalisation, phonetic keys (Double Metaphone) and scores
(rapidfuzz). Pure functions: `service.find_matches` fetches candidates by index and scores them here."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from doublemetaphone import doublemetaphone
from rapidfuzz import fuzz

_NOT_LETTERS = re.compile(r"[^a-z ]+")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def normalise(text: str) -> str:
    """Lower case, accents removed (José -> jose), apostrophes joined (O'Brien -> obrien), hyphens spaced."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("'", "").replace("\u2019", "").replace("-", " ")
    return " ".join(_NOT_LETTERS.sub(" ", plain).split())


def phonetic_keys(word: str) -> tuple[str, str]:
    """Double Metaphone primary and secondary keys of a (family) name; hyphenated names use their first part."""
    first = normalise(word).split(" ")[0] if normalise(word) else ""
    if not first:
        return "", ""
    primary, secondary = doublemetaphone(first)
    return primary[:12], (secondary or primary)[:12]


def first_given_key(given_names: str) -> str:
    return phonetic_keys(given_names)[0]


def normalise_postcode(raw: str) -> str:
    """Upper case with one space before the inward code (sw1a1aa -> SW1A 1AA); other text is kept trimmed."""
    compact = "".join(raw.upper().split())
    match = _POSTCODE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else raw.strip().upper()[:10]


def is_uk_postcode(raw: str) -> bool:
    return bool(_POSTCODE.match("".join(raw.upper().split())))


def swapped(day: date | None) -> date | None:
    """The date with day and month swapped, if that is a real different date (3 April <-> 4 March)."""
    if day is None or day.day > 12 or day.day == day.month:
        return None
    try:
        return date(day.year, day.day, day.month)
    except ValueError:
        return None


@dataclass(frozen=True)
class NameEntry:
    given_names: str
    family_name: str

    @property
    def full(self) -> str:
        return normalise(f"{self.given_names} {self.family_name}")


@dataclass(frozen=True)
class Match:
    person_id: object
    display_name: str
    date_of_birth: date | None
    score: int
    reasons: tuple[str, ...]


def name_score(entered: NameEntry, candidate: NameEntry) -> tuple[float, str | None]:
    """Best of spelling similarity and sound-alike family and given names, with the reason in words."""
    a, b = entered.full, candidate.full
    if not a or not b:
        return 0.0, None
    spelling = fuzz.token_sort_ratio(a, b)
    same_family_sound = bool(
        set(phonetic_keys(entered.family_name)) & set(phonetic_keys(candidate.family_name)) - {""}
    )
    same_given_sound = bool(first_given_key(entered.given_names)) and (
        first_given_key(entered.given_names) == first_given_key(candidate.given_names)
    )
    label = " ".join(p for p in (candidate.given_names, candidate.family_name) if p)
    if a == b:
        return 100.0, f"Name '{label}' is the same"
    if same_family_sound and same_given_sound:
        return max(spelling, 88.0), f"'{label}' sounds like the name entered"
    if same_family_sound:
        return max(spelling * 0.9, 60.0), f"Family name '{candidate.family_name}' sounds the same"
    if spelling >= 80:
        return spelling, f"'{label}' is spelt similarly"
    return spelling * 0.6, None


def dob_score(entered: date | None, candidate: date | None) -> tuple[float, str | None]:
    if entered is None or candidate is None:
        return 0.0, None
    if entered == candidate:
        return 100.0, "Date of birth matches"
    if swapped(entered) == candidate:
        return 80.0, "Date of birth matches with day and month swapped"
    if (entered.month, entered.day) == (candidate.month, candidate.day) and abs(
        entered.year - candidate.year
    ) == 1:
        return 60.0, "Date of birth one year apart, same day and month"
    if entered.year == candidate.year and entered.month == candidate.month:
        return 40.0, "Born in the same month and year"
    return 0.0, None


def score(
    names: list[NameEntry],
    dob: date | None,
    postcode: str,
    candidate_names: list[NameEntry],
    candidate_dob: date | None,
    candidate_postcodes: list[str],
) -> tuple[int, list[str]]:
    """0-100: names weigh most (each entered name against each of the candidate's names and aliases), then
    date of birth, then address. A date of birth that plainly differs lowers the score."""
    best_name, name_reason = 0.0, None
    for entered in names:
        for candidate in candidate_names:
            value, reason = name_score(entered, candidate)
            if value > best_name:
                best_name, name_reason = value, reason
                if candidate is not candidate_names[0] and reason:
                    name_reason = f"Alias: {reason[0].lower()}{reason[1:]}"
    dob_value, dob_reason = dob_score(dob, candidate_dob)
    reasons = [r for r in (name_reason, dob_reason) if r]
    total = best_name * 0.6 + dob_value * 0.3
    if dob and candidate_dob and dob_value == 0:
        total -= 15
    if postcode and postcode in candidate_postcodes:
        total += 10
        reasons.append(f"Same postcode {postcode}")
    elif postcode and any(p.split(" ")[0] == postcode.split(" ", maxsplit=1)[0] for p in candidate_postcodes if p):
        total += 4
        reasons.append(f"Same postcode area {postcode.split(' ', maxsplit=1)[0]}")
    return max(0, min(100, round(total))), reasons
