"""The matching model: Fellegi-Sunter record linkage, as the Ministry of Justice's Splink does it for
government data [issue 20].

Each field of an entered person and of a candidate is compared into one of a few *levels* of agreement
(the family name matches, is spelt alike, sounds alike, shares a part, or differs; the date of birth
matches, has day and month swapped, differs in one part, or differs). Each level has two probabilities: m,
of that level among pairs that are the same person, and u, among pairs that are not. Its *match weight* is
log2(m / u): positive where agreement is likelier for the same person, negative where disagreement speaks
against it, and zero where a field is missing on either side (nothing is known, so nothing is counted). The
weights add up, with the prior odds that a candidate is the person, to a match probability.

An exact name is weighed by how common it is (term frequency): a shared "Smith" counts for less than a
shared "Featherstonehaugh", because u for that value is the share of names that are that value, not the
average over all names. A name shared only as an alias, or in the other order (given and family names
swapped), counts with the alignment that fits best, the swap with a small penalty.

The levels are code (what can be compared); m, u, the prior and the name frequencies are data (a
`Parameters`), shipped as sensible defaults (`SHIPPED`) and re-estimated from a force's own index by
`disclosure people train-matcher` (`disclosure.people.training`). Scoring reads nothing but its arguments.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

CLOSE_SPELLING = 0.92
"""Jaro-Winkler similarity at or above which two names are spelt alike (Jon/John, Smyth/Smith)."""
CLOSE_ADDRESS = 85
"""Token set similarity (0-100) at or above which two address lines are alike (Flat 2, 14 High St)."""
SWAP_PENALTY = 2.0
"""Bits taken off a name that fits only with given and family names swapped: a real but rarer error."""

# ------------------------------------------------------------------------------------------- levels


@dataclass(frozen=True)
class Level:
    """One level of agreement of a comparison: its name in the parameters and its words in a reason."""

    name: str
    words: str
    by_frequency: bool = False


@dataclass(frozen=True)
class Comparison:
    name: str
    label: str
    levels: tuple[Level, ...]

    def level(self, name: str) -> Level:
        return self.by_name[name]

    @functools.cached_property
    def by_name(self) -> dict[str, Level]:
        return {level.name: level for level in self.levels}


GIVEN = Comparison(
    "given_name",
    "Given name",
    (
        Level("exact", "matches", by_frequency=True),
        Level("close", "is spelt alike"),
        Level("sounds", "sounds alike"),
        Level("initial", "matches an initial or another given name"),
        Level("other", "differs"),
    ),
)
FAMILY = Comparison(
    "family_name",
    "Family name",
    (
        Level("exact", "matches", by_frequency=True),
        Level("close", "is spelt alike"),
        Level("part", "shares a part"),
        Level("sounds", "sounds alike"),
        Level("other", "differs"),
    ),
)
BIRTH = Comparison(
    "date_of_birth",
    "Date of birth",
    (
        Level("exact", "matches"),
        Level("swapped", "matches with day and month swapped"),
        Level("day", "differs in the day"),
        Level("month", "differs in the month"),
        Level("year", "differs in the year"),
        Level("other", "differs"),
    ),
)
ADDRESS = Comparison(
    "address",
    "Address",
    (
        Level("full", "matches"),
        Level("postcode", "has the same postcode"),
        Level("line", "has the same street address"),
        Level("sector", "is in the same postcode sector"),
        Level("district", "is in the same postcode district"),
        Level("town", "is in the same town"),
        Level("other", "differs"),
    ),
)
SEX = Comparison("sex", "Sex", (Level("exact", "matches"), Level("other", "differs")))

COMPARISONS = (GIVEN, FAMILY, BIRTH, ADDRESS, SEX)
BY_NAME = {c.name: c for c in COMPARISONS}
_BY_FREQUENCY = frozenset(
    (c.name, level.name) for c in COMPARISONS for level in c.levels if level.by_frequency
)


_VALUES_KEPT = 200_000
"""Frequency-weighed values whose weights a set of parameters keeps (then it starts again)."""


def _log_ratio(m: float, u: float) -> float:
    return math.log2(max(m, 1e-12) / max(u, 1e-12))


# --------------------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class Parameters:
    """m and u of every level, by comparison; the share of pairs that match among candidates of an index of
    `population` people (`prior`, which the index's size then scales); and, for the levels weighed by
    frequency, each common value's share of all values (values not listed are as rare as `rare`)."""

    m: Mapping[str, Mapping[str, float]]
    u: Mapping[str, Mapping[str, float]]
    prior: float = 0.5
    frequencies: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    rare: Mapping[str, float] = field(default_factory=dict)

    def weight(self, comparison: str, level: str, value: str = "", share_in: str = "") -> float:
        """log2(m/u) of a level; for a level weighed by frequency, u is the value's own share (among the
        values of `share_in`, the comparison's own by default). Worked out once per level (and value) for
        these parameters, which never change: scoring asks thousands of times a match."""
        if value and (comparison, level) in _BY_FREQUENCY:
            cache = self._value_weights
            among = share_in or comparison
            known = cache.get((comparison, level, value, among))
            if known is None:
                if len(cache) >= _VALUES_KEPT:
                    cache.clear()
                m = self.m[comparison][level]
                table = self.frequencies.get(among, {})
                u = table.get(value, self.rare.get(among, self.u[comparison][level]))
                known = cache[(comparison, level, value, among)] = _log_ratio(m, u)
            return known
        return self._weights[(comparison, level)]

    @functools.cached_property
    def _weights(self) -> dict[tuple[str, str], float]:
        return {
            (c.name, level.name): _log_ratio(self.m[c.name][level.name], self.u[c.name][level.name])
            for c in COMPARISONS
            for level in c.levels
        }

    @functools.cached_property
    def _value_weights(self) -> dict[tuple[str, str, str, str], float]:
        """Weights of frequency-weighed values met so far (names: a few thousand common, the rest rare)."""
        return {}

    def prior_bits(self, population: int) -> float:
        """Prior log2 odds that a candidate is the person entered: `prior` (the chance the person is in the
        index at all) spread over the index's `population`."""
        share = min(max(self.prior, 1e-9), 1 - 1e-9) / max(population, 1)
        share = min(share, 1 - 1e-9)
        return math.log2(share / (1 - share))

    def to_json(self) -> dict[str, Any]:
        return {
            "m": {k: dict(v) for k, v in self.m.items()},
            "u": {k: dict(v) for k, v in self.u.items()},
            "prior": self.prior,
            "frequencies": {k: dict(v) for k, v in self.frequencies.items()},
            "rare": dict(self.rare),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Parameters:
        parameters = cls(
            m=data["m"],
            u=data["u"],
            prior=float(data.get("prior", 0.5)),
            frequencies=data.get("frequencies", {}),
            rare=data.get("rare", {}),
        )
        parameters.check()
        return parameters

    def check(self) -> None:
        """Every level of every comparison has an m and a u strictly between 0 and 1 (ValueError if not)."""
        for comparison in COMPARISONS:
            for level in comparison.levels:
                for table in (self.m, self.u):
                    value = table.get(comparison.name, {}).get(level.name)
                    if not isinstance(value, int | float) or not 0 < value < 1:
                        raise ValueError(f"{comparison.name}.{level.name} needs m and u between 0 and 1")


# Shares of the commonest names in England and Wales (approximate, from published surname and first-name
# counts), so that a shared "Smith" counts for less than a rare name until a force trains its own.
COMMON_FAMILY_NAMES = {
    "smith": 0.0126,
    "jones": 0.0095,
    "williams": 0.0066,
    "taylor": 0.0054,
    "brown": 0.0050,
    "davies": 0.0046,
    "evans": 0.0037,
    "wilson": 0.0036,
    "thomas": 0.0035,
    "johnson": 0.0034,
    "roberts": 0.0033,
    "robinson": 0.0026,
    "thompson": 0.0026,
    "wright": 0.0026,
    "walker": 0.0025,
    "white": 0.0024,
    "edwards": 0.0024,
    "hughes": 0.0023,
    "green": 0.0023,
    "hall": 0.0022,
    "lewis": 0.0022,
    "harris": 0.0022,
    "clarke": 0.0021,
    "patel": 0.0021,
    "jackson": 0.0020,
    "wood": 0.0020,
    "turner": 0.0019,
    "martin": 0.0019,
    "cooper": 0.0018,
    "hill": 0.0018,
    "ward": 0.0017,
    "morris": 0.0017,
    "moore": 0.0017,
    "clark": 0.0017,
    "lee": 0.0016,
    "king": 0.0016,
    "baker": 0.0016,
    "harrison": 0.0016,
    "morgan": 0.0015,
    "allen": 0.0015,
    "james": 0.0015,
    "scott": 0.0015,
    "phillips": 0.0015,
    "watson": 0.0015,
    "davis": 0.0014,
    "parker": 0.0014,
    "price": 0.0014,
    "bennett": 0.0013,
    "young": 0.0013,
    "griffiths": 0.0013,
    "mitchell": 0.0013,
    "kelly": 0.0013,
    "cook": 0.0013,
    "carter": 0.0013,
    "richardson": 0.0012,
    "bailey": 0.0012,
    "collins": 0.0012,
    "bell": 0.0012,
    "shaw": 0.0012,
    "murphy": 0.0012,
    "miller": 0.0012,
    "cox": 0.0012,
    "richards": 0.0011,
    "khan": 0.0011,
    "marshall": 0.0011,
    "anderson": 0.0011,
    "simpson": 0.0011,
    "ellis": 0.0011,
    "adams": 0.0011,
    "singh": 0.0011,
    "begum": 0.0010,
    "wilkinson": 0.0010,
    "foster": 0.0010,
    "chapman": 0.0010,
    "powell": 0.0010,
    "webb": 0.0010,
    "rogers": 0.0010,
    "gray": 0.0010,
    "mason": 0.0010,
    "ali": 0.0010,
    "hunt": 0.0009,
    "hussain": 0.0009,
    "campbell": 0.0009,
    "matthews": 0.0009,
    "owen": 0.0009,
    "palmer": 0.0009,
    "holmes": 0.0009,
    "mills": 0.0009,
    "barnes": 0.0009,
    "knight": 0.0009,
    "lloyd": 0.0009,
    "butler": 0.0009,
    "russell": 0.0009,
}
COMMON_GIVEN_NAMES = {
    "david": 0.0150,
    "john": 0.0140,
    "michael": 0.0110,
    "james": 0.0100,
    "paul": 0.0090,
    "andrew": 0.0080,
    "peter": 0.0070,
    "robert": 0.0070,
    "mark": 0.0070,
    "sarah": 0.0070,
    "richard": 0.0060,
    "thomas": 0.0060,
    "christopher": 0.0060,
    "stephen": 0.0060,
    "susan": 0.0060,
    "daniel": 0.0050,
    "william": 0.0050,
    "margaret": 0.0050,
    "elizabeth": 0.0050,
    "mary": 0.0050,
    "matthew": 0.0040,
    "jack": 0.0040,
    "karen": 0.0040,
    "emma": 0.0040,
    "helen": 0.0040,
    "julie": 0.0040,
    "claire": 0.0040,
    "laura": 0.0040,
    "lisa": 0.0040,
    "jane": 0.0040,
    "mohammed": 0.0040,
    "ian": 0.0040,
    "gary": 0.0040,
    "kevin": 0.0040,
    "anthony": 0.0040,
    "alan": 0.0040,
    "simon": 0.0040,
    "jennifer": 0.0030,
    "jessica": 0.0030,
    "linda": 0.0030,
    "patricia": 0.0030,
    "ann": 0.0030,
    "anne": 0.0030,
    "joanne": 0.0030,
    "nicola": 0.0030,
    "rachel": 0.0030,
    "rebecca": 0.0030,
    "emily": 0.0030,
    "hannah": 0.0030,
    "oliver": 0.0030,
    "harry": 0.0030,
    "george": 0.0030,
    "joseph": 0.0030,
    "samuel": 0.0030,
    "adam": 0.0030,
    "lee": 0.0030,
    "jason": 0.0030,
    "martin": 0.0030,
    "brian": 0.0030,
    "barbara": 0.0030,
    "amy": 0.0030,
    "sophie": 0.0030,
    "charlotte": 0.0030,
    "olivia": 0.0020,
    "amelia": 0.0020,
    "ryan": 0.0020,
    "luke": 0.0020,
    "muhammad": 0.0020,
    "jacob": 0.0020,
    "lily": 0.0020,
    "grace": 0.0020,
}

# The defaults before a force trains its own: m from the kinds of error police and partner records carry
# (typing errors, respellings, aliases, moves, transposed dates), u from the chance that two different
# people agree (a day of birth in 60 years' of dates, a postcode among 1.7 million, a first name among the
# common few hundred).
SHIPPED = Parameters(
    m={
        "given_name": {"exact": 0.78, "close": 0.08, "sounds": 0.04, "initial": 0.05, "other": 0.05},
        "family_name": {"exact": 0.78, "close": 0.07, "sounds": 0.04, "part": 0.03, "other": 0.08},
        "date_of_birth": {
            "exact": 0.88,
            "swapped": 0.02,
            "day": 0.025,
            "month": 0.02,
            "year": 0.025,
            "other": 0.03,
        },
        "address": {
            "full": 0.45,
            "postcode": 0.10,
            "line": 0.04,
            "sector": 0.06,
            "district": 0.06,
            "town": 0.06,
            "other": 0.23,
        },
        "sex": {"exact": 0.97, "other": 0.03},
    },
    u={
        "given_name": {"exact": 0.01, "close": 0.004, "sounds": 0.006, "initial": 0.01, "other": 0.97},
        "family_name": {"exact": 0.004, "close": 0.002, "sounds": 0.004, "part": 0.0005, "other": 0.9895},
        "date_of_birth": {
            "exact": 0.00005,
            "swapped": 0.00004,
            "day": 0.0015,
            "month": 0.0005,
            "year": 0.0027,
            "other": 0.99525,
        },
        "address": {
            "full": 0.000001,
            "postcode": 0.00002,
            "line": 0.00001,
            "sector": 0.0003,
            "district": 0.003,
            "town": 0.02,
            "other": 0.976669,
        },
        "sex": {"exact": 0.5, "other": 0.5},
    },
    prior=0.5,
    frequencies={"family_name": COMMON_FAMILY_NAMES, "given_name": COMMON_GIVEN_NAMES},
    rare={"family_name": 0.0003, "given_name": 0.001},
)

# ------------------------------------------------------------------------------------- comparing


def jaro_winkler(a: str, b: str) -> float:
    return float(JaroWinkler.similarity(a, b))


def compare_given(
    entered: str, entered_key: str, theirs: str, their_key: str, their_others: tuple[str, ...] = ()
) -> str | None:
    """The given-name level of an entered first given name against a candidate's (with its phonetic key
    and the candidate's other given names); None when either is missing."""
    if not entered or not theirs:
        return None
    if entered == theirs:
        return "exact"
    if len(entered) > 1 and len(theirs) > 1 and jaro_winkler(entered, theirs) >= CLOSE_SPELLING:
        return "close"
    if entered_key and entered_key == their_key and len(entered) > 1 and len(theirs) > 1:
        return "sounds"
    one_is_initial = (len(entered) == 1 or len(theirs) == 1) and entered[0] == theirs[0]
    if one_is_initial or entered in their_others:
        return "initial"
    return "other"


def compare_family(
    entered: str, entered_keys: frozenset[str], theirs: str, their_keys: frozenset[str]
) -> str | None:
    """The family-name level; `entered`/`theirs` normalised (spaces between parts), keys phonetic."""
    if not entered or not theirs:
        return None
    if entered == theirs or entered.replace(" ", "") == theirs.replace(" ", ""):
        return "exact"
    if jaro_winkler(entered, theirs) >= CLOSE_SPELLING:
        return "close"
    if set(entered.split()) & set(theirs.split()):
        return "part"
    if entered_keys & their_keys:
        return "sounds"
    return "other"


def compare_birth(entered: date | None, theirs: date | None) -> str | None:
    """Exact; day and month swapped; one of day, month and year differs; otherwise differs."""
    if entered is None or theirs is None:
        return None
    if entered == theirs:
        return "exact"
    if (entered.day, entered.month, entered.year) == (theirs.month, theirs.day, theirs.year):
        return "swapped"
    same = (entered.year == theirs.year, entered.month == theirs.month, entered.day == theirs.day)
    return _ONE_PART_DIFFERS.get(same, "other")


_ONE_PART_DIFFERS = {(True, True, False): "day", (True, False, True): "month", (False, True, True): "year"}


def postcode_parts(postcode: str) -> tuple[str, str, str]:
    """(unit, sector, district) of a normalised postcode ("SW1A 1AA", "SW1A 1", "SW1A"); empty if none."""
    if " " not in postcode:
        return "", "", ""
    outward, inward = postcode.split(" ", 1)
    return postcode, f"{outward} {inward[:1]}", outward


@dataclass(frozen=True)
class Place:
    """An address as compared: its first line and town normalised, its postcode as stored."""

    line: str = ""
    town: str = ""
    postcode: str = ""


def compare_address(entered: Place, theirs: tuple[Place, ...]) -> str | None:
    """The best level of an entered address against any of the candidate's (current or previous): one
    comparison of line, postcode and town together, since they say the same thing (counted once, they do
    not double a household's weight). None when nothing is known on one side."""
    known = [t for t in theirs if t.line or t.town or t.postcode]
    if not (entered.line or entered.town or entered.postcode) or not known:
        return None
    ranks = [_address_level(entered, t) for t in known]
    return min(ranks, key=_ADDRESS_ORDER.index)


_ADDRESS_ORDER = [level.name for level in ADDRESS.levels] + [None]


@functools.lru_cache(maxsize=65536)
def _house_numbers(line: str) -> frozenset[int]:
    return frozenset(int(w) for w in line.split() if w.isdigit())


def _same_house(line: str, other: str) -> bool:
    """Whether two address lines' numbers agree ("097" is 97), one's within the other's where only one
    gives the flat ("14 High St", "Flat 2, 14 High Street"): a line spelt alike with another house number
    is a neighbour's, not the same address."""
    mine, theirs = _house_numbers(line), _house_numbers(other)
    return mine <= theirs or theirs <= mine


def _address_level(entered: Place, theirs: Place) -> str | None:
    unit, sector, district = postcode_parts(entered.postcode)
    their_unit, their_sector, their_district = postcode_parts(theirs.postcode)
    same_line = bool(entered.line and theirs.line) and (
        entered.line == theirs.line
        or (
            _same_house(entered.line, theirs.line)
            and fuzz.token_set_ratio(entered.line, theirs.line) >= CLOSE_ADDRESS
        )
    )
    same_unit = bool(unit) and unit == their_unit
    found = None
    if same_unit:
        found = "full" if same_line else "postcode"
    elif same_line:
        found = "line"
    elif unit and their_unit:
        found = "sector" if sector == their_sector else "district" if district == their_district else None
    if found is None and entered.town and theirs.town and entered.town == theirs.town:
        found = "town"
    if found is None and (
        (unit and their_unit) or (entered.line and theirs.line) or (entered.town and theirs.town)
    ):
        found = "other"
    return found


def sex_of(gender: str) -> str:
    """ "m", "f" or "" (not recorded, or recorded in words that say neither) from free-text gender."""
    word = gender.strip().casefold()
    if word in {"m", "male", "man", "boy"}:
        return "m"
    if word in {"f", "female", "woman", "girl"}:
        return "f"
    return ""


def compare_sex(entered: str, theirs: str) -> str | None:
    if not entered or not theirs:
        return None
    return "exact" if entered == theirs else "other"


# --------------------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Contribution:
    """One comparison's part in a match: its level, its words and its weight in bits."""

    comparison: str
    level: str
    words: str
    weight: float

    @property
    def reason(self) -> str:
        return f"{self.words} {self.weight:+.1f}"


def contribution(
    parameters: Parameters, comparison: Comparison, level: str, value: str = "", about: str = ""
) -> Contribution:
    words = f"{comparison.label} {comparison.level(level).words}{about}"
    return Contribution(comparison.name, level, words, parameters.weight(comparison.name, level, value))


def probability(bits: float) -> float:
    """The match probability of a total match weight (log2 odds)."""
    if bits > 60:
        return 1.0
    if bits < -60:
        return 0.0
    odds: float = math.pow(2.0, bits)
    return odds / (1 + odds)
