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
import math
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date

from doublemetaphone import doublemetaphone as _double_metaphone  # type: ignore[import-untyped]

from disclosure.people import model
from disclosure.people.schemas import NameEntry, PersonDetails

DEFAULT_THRESHOLD = 20
"""A possible match: shown for the user to judge, at or above this probability (per cent)."""
LIKELY_THRESHOLD = 90
"""A likely match: said so beside it; the feed links automatically only above this, clear of the next."""
KEY_LENGTH = 12

_APOSTROPHES = re.compile("['\u2018\u2019\u02bc`\u00b4]")
_PARTICLES = frozenset(
    {"a", "al", "ap", "bin", "da", "das", "de", "del", "della", "der", "des", "di", "dos", "du", "el", "ibn"}
    | {"la", "le", "mac", "mc", "o", "st", "te", "ten", "ter", "van", "von"}
)
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


# ------------------------------------------------------------------------------------------------ names


@functools.lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Lower case, accents removed (José -> jose), apostrophes joined (O'Brien -> obrien), hyphens and other
    punctuation turned into single spaces. Letters of any script are kept. Cached: towns and names recur."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = _APOSTROPHES.sub("", plain)
    return " ".join("".join(c if c.isalpha() else " " for c in plain).split())


@functools.lru_cache(maxsize=65536)
def double_metaphone(word: str) -> tuple[str, str]:
    """Primary and secondary Double Metaphone keys (the secondary is the primary when there is no other).
    Cached: scoring keys the same common names at every match."""
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
    """How likely the candidate is the person entered: the match probability as a whole percentage
    (`score`, never rounded up to a certainty it is not), its match weight in bits, and each field's
    contribution in words with its weight (`reasons`), in the order of the fields."""

    person_id: uuid.UUID
    score: int
    reasons: tuple[str, ...]
    probability: float = 0.0
    contributions: tuple[model.Contribution, ...] = ()


@dataclass(frozen=True)
class Scorer:
    """The parameters in use (the shipped defaults, or the force's own trained version) and the size of
    the index, which sets the prior odds that any one candidate is the person entered."""

    parameters: model.Parameters = model.SHIPPED
    population: int = 1
    version: int = 0


SHIPPED_SCORER = Scorer()


@dataclass(frozen=True)
class _Entered:
    label: str
    given: str
    given_key: str
    other_given: tuple[str, ...]
    family: str
    family_keys: frozenset[str]
    swapped_given_key: str = ""
    """The family name's key, for the alignment with given and family names swapped."""
    swapped_keys: frozenset[str] = frozenset()
    """The first given name's keys, for that alignment."""


@functools.lru_cache(maxsize=65536)
def name_parts(given_names: str, family_name: str) -> tuple[str, tuple[str, ...], str]:
    """(first given name, the other given names, family name), each normalised."""
    given = normalise(given_names).split()
    return (given[0] if given else ""), tuple(given[1:]), normalise(family_name)


_NOWHERE = model.Place()


@dataclass(frozen=True)
class Probe:
    """The entered details prepared once (normalised, keyed) and then scored against every candidate."""

    names: tuple[_Entered, ...]
    date_of_birth: date | None
    postcode: str
    place: model.Place = _NOWHERE
    sex: str = ""

    @classmethod
    def of(cls, details: PersonDetails) -> Probe:
        names = []
        for name in details.names:
            if not normalise(name.full_name):
                continue
            given, others, family = name_parts(name.given_names, name.family_name)
            names.append(
                _Entered(
                    label=name.full_name,
                    given=given,
                    given_key=double_metaphone(given)[0] if given else "",
                    other_given=others,
                    family=family,
                    family_keys=frozenset(lookup_family_keys(name)) if family else frozenset(),
                    swapped_given_key=double_metaphone(family)[0] if family else "",
                    swapped_keys=frozenset(k for k in double_metaphone(given) if k) if given else frozenset(),
                )
            )
        postcode = normalise_postcode(details.postcode) if is_uk_postcode(details.postcode) else ""
        return cls(
            tuple(names),
            details.date_of_birth,
            postcode,
            model.Place(normalise_address(details.address_line_1), normalise(details.town), postcode),
            model.sex_of(details.gender),
        )


_KIND_LABELS = {"primary": "name", "alias": "alias", "previous": "previous name"}


_STREET_WORDS = {
    "street": "st",
    "road": "rd",
    "avenue": "ave",
    "lane": "ln",
    "drive": "dr",
    "close": "cl",
    "court": "ct",
    "crescent": "cres",
    "gardens": "gdns",
    "place": "pl",
    "square": "sq",
    "terrace": "ter",
    "grove": "gr",
}


@functools.lru_cache(maxsize=65536)
def normalise_address(line: str) -> str:
    """An address line for comparison: lower case, punctuation gone, numbers kept, the usual street words
    abbreviated the Royal Mail way (14 High Street -> 14 high st). Cached: a household's line recurs."""
    decomposed = unicodedata.normalize("NFKD", line.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = "".join(c if c.isalnum() else " " for c in plain).split()
    return " ".join(_STREET_WORDS.get(w, w) for w in words)


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


def _their_keys(name: CandidateName) -> frozenset[str]:
    return frozenset(k for k in (name.family_key1, name.family_key2) if k)


_Part = tuple[model.Comparison | None, str, float, str]
"""One comparison's part before it is put in words: the comparison (None: given and family names swapped),
its level, its weight and what name it was ("(alias 'Jo Bloggs')"). Scoring every candidate needs only the
weights; the words are made for the few that are shown (`_contributions`)."""
_SWAPPED = "Given and family names swapped"


def _name_weight(
    parameters: model.Parameters, comparison: str, level: str, value: str, swapped: bool
) -> float:
    """A name part's weight, weighed by the value's share among the names of its kind. With given and family
    names swapped it is not known which record has them in their right places, so the part is weighed by
    the commoner reading: "Cross" matched as a given name counts for no more than Cross, a common family
    name, does (weighed as a rare given name, two namesakes' records, one typed swapped, looked certain)."""
    value = value.replace(" ", "")
    own = parameters.weight(comparison, level, value)
    if not swapped:
        return own
    other = model.FAMILY.name if comparison == model.GIVEN.name else model.GIVEN.name
    return min(own, parameters.weight(comparison, level, value, share_in=other))


def _name_parts_of(
    parameters: model.Parameters, entered: _Entered, theirs: CandidateName
) -> tuple[float, list[_Part]]:
    """The best alignment of an entered name with one of the candidate's: as written, or with given and
    family names swapped (less `SWAP_PENALTY`); its weight and parts."""
    given, others, family = name_parts(theirs.given_names, theirs.family_name)
    about = (
        "" if theirs.kind == "primary" else f" ({_KIND_LABELS.get(theirs.kind, 'name')} '{theirs.full_name}')"
    )
    best: tuple[float, list[_Part]] = (-math.inf, [])
    their_given_key = double_metaphone(given)[0] if given else ""
    their_keys = _their_keys(theirs)
    alignments = [(entered.given, entered.given_key, entered.family, entered.family_keys, 0.0)]
    if entered.given and entered.family:
        alignments.append(
            (
                entered.family,
                entered.swapped_given_key,
                entered.given,
                entered.swapped_keys,
                model.SWAP_PENALTY,
            )
        )
    for first, first_key, last, last_keys, penalty in alignments:
        found: list[_Part] = []
        weight = 0.0
        level = model.compare_given(first, first_key, given, their_given_key, others)
        if level:
            part = _name_weight(parameters, model.GIVEN.name, level, first, swapped=bool(penalty))
            found.append((model.GIVEN, level, part, about))
            weight += part
        level = model.compare_family(last, last_keys, family, their_keys)
        if level:
            part = _name_weight(parameters, model.FAMILY.name, level, last, swapped=bool(penalty))
            found.append((model.FAMILY, level, part, about))
            weight += part
        if penalty:
            found.append((None, "swapped", -penalty, ""))
            weight -= penalty
        if weight > best[0]:
            best = (weight, found)
    return best


def _contributions(parts: list[_Part]) -> tuple[model.Contribution, ...]:
    return tuple(
        model.Contribution("name_order", level, _SWAPPED, weight)
        if comparison is None
        else model.Contribution(
            comparison.name, level, f"{comparison.label} {comparison.level(level).words}{about}", weight
        )
        for comparison, level, weight, about in parts
    )


def _assess(probe: Probe, candidate: Candidate, scorer: Scorer) -> tuple[float, list[_Part]]:
    """A candidate's total match weight (with the prior) and its parts."""
    parameters = scorer.parameters
    names: tuple[float, list[_Part]] = (0.0, [])
    for entered in probe.names:
        for theirs in candidate.names:
            aligned = _name_parts_of(parameters, entered, theirs)
            if not names[1] or aligned[0] > names[0]:
                names = aligned
    found = list(names[1])
    bits = parameters.prior_bits(scorer.population) + (names[0] if names[1] else 0.0)
    places = tuple(
        model.Place(normalise_address(a.line_1), normalise(a.town), a.postcode) for a in candidate.addresses
    )
    for comparison, level in (
        (model.BIRTH, model.compare_birth(probe.date_of_birth, candidate.date_of_birth)),
        (model.ADDRESS, model.compare_address(probe.place, places)),
        (model.SEX, model.compare_sex(probe.sex, model.sex_of(candidate.gender))),
    ):
        if level:
            weight = parameters.weight(comparison.name, level)
            found.append((comparison, level, weight, ""))
            bits += weight
    return bits, found


def _percent(chance: float) -> int:
    return min(100, math.floor(chance * 100))


def _match(person_id: uuid.UUID, chance: float, parts: list[_Part]) -> Match:
    found = _contributions(parts)
    return Match(person_id, _percent(chance), tuple(c.reason for c in found), chance, found)


def score(probe: Probe, candidate: Candidate, scorer: Scorer = SHIPPED_SCORER) -> Match:
    """Fellegi-Sunter (`model`): the best-fitting pair of names (the entered name and aliases against the
    candidate's primary, alias and previous names), then date of birth, address (line, postcode and town
    against any of the candidate's addresses) and sex, each at its level of agreement; a field missing on
    either side counts for nothing. The weights and the prior odds make the match probability [issue 20]."""
    bits, parts = _assess(probe, candidate, scorer)
    return _match(candidate.person_id, model.probability(bits), parts)


def rank(
    probe: Probe,
    candidates: list[Candidate],
    *,
    threshold: int,
    limit: int,
    scorer: Scorer = SHIPPED_SCORER,
) -> list[Match]:
    """The candidates scoring at or above the threshold, most probable first, at most `limit` of them."""
    kept: list[tuple[float, Candidate, list[_Part]]] = []
    for candidate in candidates:
        bits, parts = _assess(probe, candidate, scorer)
        chance = model.probability(bits)
        if _percent(chance) >= threshold:
            kept.append((chance, candidate, parts))
    kept.sort(key=lambda found: -found[0])
    return [_match(candidate.person_id, chance, parts) for chance, candidate, parts in kept[:limit]]
