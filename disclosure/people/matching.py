"""How alike an entered person and a record in the people index are: name normalisation, phonetic keys
(Double Metaphone), date-of-birth and postcode comparisons, and one score from 0 to 100 with its reasons in
plain English. Pure functions: `candidates` fetches the people worth scoring through indexes; `score` and
`rank` judge them here.

Names vary in spelling (Smith, Smyth), in transliteration (Mohammed, Muhammad), in accents (José, Jose),
punctuation (O'Brien, OBrien) and order; dates of birth are mistyped with day and month swapped (3/4 for 4/3)
or the wrong year. Matching must still show the one record a person already has, because every person is one
record shared by all cases and missing-person episodes, and a subject is recorded with names, aliases, date
of birth and addresses [Beds][Phoenix].
"""

from __future__ import annotations

import functools
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date

from doublemetaphone import doublemetaphone as _double_metaphone  # type: ignore[import-untyped]
from rapidfuzz import fuzz

from disclosure.people.schemas import NameEntry, PersonDetails

DEFAULT_THRESHOLD = 60
KEY_LENGTH = 12

_APOSTROPHES = re.compile("['\u2018\u2019\u02bc`\u00b4]")
_PARTICLES = frozenset(
    {"a", "al", "ap", "bin", "da", "das", "de", "del", "della", "der", "des", "di", "dos", "du", "el", "ibn"}
    | {"la", "le", "mac", "mc", "o", "st", "te", "ten", "ter", "van", "von"}
)
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
# Weights of the evidence: the name carries most, the date of birth confirms, an address adds a little.
_NAME_WEIGHT, _DOB_WEIGHT = 0.6, 0.4
# A date of birth known on both sides that plainly differs makes the same name less likely the same person.
_DOB_CONFLICT_PENALTY = 10
_SAME_POSTCODE_BONUS, _SAME_DISTRICT_BONUS = 10, 4


# ------------------------------------------------------------------------------------------------ names


def normalise(text: str) -> str:
    """Lower case, accents removed (José -> jose), apostrophes joined (O'Brien -> obrien), hyphens and other
    punctuation turned into single spaces. Letters of any script are kept."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = _APOSTROPHES.sub("", plain)
    return " ".join("".join(c if c.isalpha() else " " for c in plain).split())


def double_metaphone(word: str) -> tuple[str, str]:
    """Primary and secondary Double Metaphone keys (the secondary is the primary when there is no other)."""
    primary, secondary = _double_metaphone(word)
    first = str(primary or "")[:KEY_LENGTH]
    return first, str(secondary or first)[:KEY_LENGTH]


def family_key_text(family_name: str) -> str:
    """The part of a family name its stored key is made from: the first part of a hyphenated name, with
    spaces closed up (Smith-Jones -> smith; O Brien -> obrien; Mac Donald -> macdonald)."""
    for part in family_name.split("-"):
        joined = normalise(part).replace(" ", "")
        if joined:
            return joined
    return ""


def first_given_name(given_names: str) -> str:
    words = normalise(given_names).split()
    return words[0] if words else ""


@dataclass(frozen=True)
class NameKeys:
    """The phonetic keys stored on each name row and looked up through indexes."""

    family_key1: str
    family_key2: str
    given_key1: str


@functools.lru_cache(maxsize=65536)
def name_keys(name: NameEntry) -> NameKeys:
    """Keys of one name. A name with no family name is keyed on its first given name instead, so that a
    person known by one name is still found by it. Cached: imports key the same names over and over."""
    source = family_key_text(name.family_name) or first_given_name(name.given_names)
    family1, family2 = double_metaphone(source) if source else ("", "")
    given = first_given_name(name.given_names) if name.family_name.strip() else ""
    return NameKeys(family1, family2, double_metaphone(given)[0] if given else "")


@functools.lru_cache(maxsize=65536)
def lookup_family_keys(name: NameEntry) -> frozenset[str]:
    """Every family key worth looking up for an entered name: its stored key, and for a name in several
    parts each part and the parts run together (Smith-Jones also finds Smith and Jones; Smith Jones finds
    Smith-Jones). Particles (de, la, van, al, ...) are not looked up alone: they would find half the index."""
    stored = name_keys(name)
    keys = {stored.family_key1, stored.family_key2}
    parts = normalise(name.family_name).split()
    if len(parts) > 1:
        keys.update(double_metaphone("".join(parts)))
        for part in parts:
            if part not in _PARTICLES:
                keys.update(double_metaphone(part))
    return frozenset(keys - {""})


# ------------------------------------------------------------------------------------ dates and places


def transposed(day: date | None) -> date | None:
    """The date with day and month swapped, when that is a different real date (3 April <-> 4 March)."""
    if day is None or day.day > 12 or day.day == day.month:
        return None
    return date(day.year, day.day, day.month)


def year_either_side(day: date) -> list[date]:
    """The same day and month a year before and after (29 February falls back to the 28th)."""
    found = []
    for year in (day.year - 1, day.year + 1):
        try:
            found.append(day.replace(year=year))
        except ValueError:
            found.append(date(year, 2, 28))
    return found


def normalise_postcode(raw: str) -> str:
    """Upper case with one space before the inward code (sw1a1aa -> SW1A 1AA); other text is kept trimmed."""
    compact = "".join(raw.upper().split())
    match = _POSTCODE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else " ".join(raw.upper().split())


def is_uk_postcode(raw: str) -> bool:
    """Loosely a UK postcode: an outward code (area letters, district) and an inward code (digit, two
    letters), with or without the space. It does not check that the postcode exists."""
    return bool(_POSTCODE.match("".join(raw.upper().split())))


def outward_code(postcode: str) -> str:
    """The postcode district (SW1A of SW1A 1AA); empty for anything that is not a postcode."""
    match = _POSTCODE.match("".join(postcode.upper().split()))
    return match.group(1) if match else ""


# ------------------------------------------------------------------------------------------ scoring


@dataclass(frozen=True)
class CandidateName:
    """One of a candidate's names as stored: primary, alias or previous, with its keys."""

    kind: str
    given_names: str
    family_name: str
    normalised: str
    family_key1: str
    family_key2: str
    given_key1: str

    @property
    def full_name(self) -> str:
        return NameEntry(self.given_names, self.family_name).full_name


@dataclass(frozen=True)
class CandidateAddress:
    """One of a candidate's addresses as stored (current or previous)."""

    line_1: str = ""
    town: str = ""
    postcode: str = ""


@dataclass(frozen=True)
class Candidate:
    """A person fetched from the index, with just what scoring needs."""

    person_id: uuid.UUID
    date_of_birth: date | None
    names: tuple[CandidateName, ...]
    addresses: tuple[CandidateAddress, ...] = ()
    gender: str = ""

    @property
    def postcodes(self) -> tuple[str, ...]:
        return tuple(a.postcode for a in self.addresses if a.postcode)


@dataclass(frozen=True)
class Match:
    """How likely the candidate is the person entered (0-100) and the reasons, strongest first."""

    person_id: uuid.UUID
    score: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class _Entered:
    label: str
    full: str
    family: str
    family_keys: frozenset[str]
    given: str
    given_key: str


@dataclass(frozen=True)
class Probe:
    """The entered details prepared once (normalised, keyed) and then scored against every candidate."""

    names: tuple[_Entered, ...]
    date_of_birth: date | None
    postcode: str

    @classmethod
    def of(cls, details: PersonDetails) -> Probe:
        names = []
        for name in details.names:
            full = normalise(name.full_name)
            if not full:
                continue
            keys = name_keys(name)
            names.append(
                _Entered(
                    label=name.full_name,
                    full=full,
                    family=normalise(name.family_name),
                    family_keys=frozenset(lookup_family_keys(name)),
                    given=first_given_name(name.given_names),
                    given_key=keys.given_key1,
                )
            )
        postcode = normalise_postcode(details.postcode) if is_uk_postcode(details.postcode) else ""
        return cls(tuple(names), details.date_of_birth, postcode)


_KIND_LABELS = {"primary": "Name", "alias": "Alias", "previous": "Previous name"}


def candidate_of(key: uuid.UUID, full_name: str, date_of_birth: date | None = None) -> Candidate:
    """A name held outside the index (as a feed reported it, say) as a candidate scored like a person:
    the last word is the family name, the rest the given names."""
    *given, family = full_name.split() or [""]
    entry = NameEntry(" ".join(given), family)
    keys = name_keys(entry)
    name = CandidateName(
        "primary",
        entry.given_names,
        entry.family_name,
        normalise(entry.full_name),
        keys.family_key1,
        keys.family_key2,
        keys.given_key1,
    )
    return Candidate(key, date_of_birth, (name,))


# One rule a line, strongest first: it reads best as a ladder of returns.
def name_score(entered: _Entered, candidate: CandidateName) -> tuple[float, str | None]:  # noqa: PLR0911
    """0-100 for one entered name against one of the candidate's names, with the reason in words."""
    theirs = candidate.normalised
    if not theirs:
        return 0.0, None
    label = f"{_KIND_LABELS.get(candidate.kind, 'Name')} '{candidate.full_name}'"
    if theirs == entered.full:
        return 100.0, f"{label} matches"
    spelling = float(fuzz.token_sort_ratio(entered.full, theirs))
    family_sounds = bool(entered.family_keys & {candidate.family_key1, candidate.family_key2})
    their_initial = normalise(candidate.given_names.lstrip()[:1])
    given_sounds = bool(entered.given_key) and entered.given_key == candidate.given_key1
    one_side_has_no_given_name = not entered.given or not their_initial
    same_initial = bool(entered.given and their_initial) and entered.given[0] == their_initial
    sounds_like = f"{label} sounds like '{entered.label}'"
    if family_sounds and given_sounds:
        return max(spelling, 90.0), sounds_like
    if family_sounds and one_side_has_no_given_name:
        return max(spelling, 80.0), sounds_like
    if family_sounds and same_initial:
        return max(spelling, 75.0), f"{label}: family name sounds like '{entered.label}', same initial"
    if spelling >= 85:
        return spelling, f"{label} is spelt like '{entered.label}'"
    if family_sounds:
        # Same family name, different given name: a relative more often than the same person.
        return 50.0, f"{label}: family name sounds like '{entered.label}'"
    return spelling * 0.8, None


def dob_score(entered: date | None, theirs: date | None) -> tuple[float, str | None]:
    """Exact; day and month swapped; a year out with the same day and month; the same year only."""
    if entered is None or theirs is None:
        return 0.0, None
    if entered == theirs:
        return 100.0, "Date of birth matches"
    if transposed(entered) == theirs:
        return 85.0, "Date of birth matches with day and month swapped"
    if (entered.month, entered.day) == (theirs.month, theirs.day) and abs(entered.year - theirs.year) == 1:
        return 70.0, "Date of birth a year out, same day and month"
    if entered.year == theirs.year:
        return 30.0, "Same year of birth"
    return 0.0, None


def score(probe: Probe, candidate: Candidate) -> Match:
    """One score from 0 to 100: the best name against any of the candidate's names (primary, aliases,
    previous) weighs most, the date of birth confirms it (when both are known), and the same postcode or
    postcode district adds a little. A plainly different date of birth lowers the score."""
    best, name_reason = 0.0, None
    for entered in probe.names:
        for theirs in candidate.names:
            value, reason = name_score(entered, theirs)
            if value > best:
                best, name_reason = value, reason
    dob_value, dob_reason = dob_score(probe.date_of_birth, candidate.date_of_birth)
    if probe.date_of_birth is None or candidate.date_of_birth is None:
        total = best
    else:
        total = best * _NAME_WEIGHT + dob_value * _DOB_WEIGHT
        if dob_value == 0:
            total -= _DOB_CONFLICT_PENALTY
    reasons = [r for r in (name_reason, dob_reason) if r]
    if probe.postcode and probe.postcode in candidate.postcodes:
        total += _SAME_POSTCODE_BONUS
        reasons.append(f"Same postcode {probe.postcode}")
    elif probe.postcode and outward_code(probe.postcode) in {outward_code(p) for p in candidate.postcodes}:
        total += _SAME_DISTRICT_BONUS
        reasons.append(f"Same postcode district {outward_code(probe.postcode)}")
    return Match(candidate.person_id, max(0, min(100, round(total))), tuple(reasons))


def rank(probe: Probe, candidates: list[Candidate], *, threshold: int, limit: int) -> list[Match]:
    """The candidates scoring at or above the threshold, best first, at most `limit` of them."""
    scored = [m for m in (score(probe, c) for c in candidates) if m.score >= threshold]
    scored.sort(key=lambda m: -m.score)
    return scored[:limit]
