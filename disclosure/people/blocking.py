"""The blocking keys of a person in the people index [issue 20]: short strings, stored in `person_match_keys`
and looked up by equality, that two records of the same person share even when one of them was typed with a
slip, has given and family names swapped, is known by one name, or has a wrong date of birth. Candidate
search (`candidates`) looks up the keys of the person being entered; scoring them is `matching`'s job.

A subject is recorded with names, aliases, previous names, date of birth and addresses [Beds][Phoenix]
(DOMAIN.md), and any of them may be the one a duplicate shares. Each key starts with its kind:

- `nn:JN|SM0` the Double Metaphone keys of the first given name and of the family name as an unordered
  pair, primary and secondary keys, and each part of a family name in several parts (John Smith meets Smith
  John and John Smith-Jones);
- `fd:smth|JN` the family name with one letter left out (and as it is), with the first given name's key:
  two spellings one slip apart (a letter dropped, doubled, swapped or mistyped) share one of these, even when
  the slip changes the family name's sound;
- `fg:SM0|j` the family name's key with the given initial (a slip in the given name);
- `one:MTN` and `od:madona` a person known by one name (Madonna), in either field, by its key and one slip
  away;
- `psf:SW1A 1|s` and `psg:SW1A 1|j` the postcode sector of each address with the family or given initial;
- `ym:1990-04|s` the year and month of birth with the family initial (a wrong day of birth).

Pure functions: the same details always give the same keys, so a backfill, the flush hook and a bulk load
agree.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from datetime import date

from disclosure.people import matching
from disclosure.people.schemas import NameEntry

KEY_LENGTH = 60
_FAMILY_TEXT = 40
# Leaving a letter out of a short name finds too many others, and a slip in it rarely keeps the given name.
_SHORTEST_FOR_DELETIONS = 4
_SECTOR = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ([0-9])[A-Z]{2}$")

PAIR, SLIP, GIVEN_SLIP, ONE_NAME, ONE_SLIP = "nn", "fd", "fg", "one", "od"
SECTOR_FAMILY, SECTOR_GIVEN, BIRTH_MONTH = "psf", "psg", "ym"
KINDS = (PAIR, SLIP, GIVEN_SLIP, ONE_NAME, ONE_SLIP, SECTOR_FAMILY, SECTOR_GIVEN, BIRTH_MONTH)
"""Every kind of key, as its prefix."""


def kind_of(key: str) -> str:
    return key.split(":", 1)[0]


def postcode_sector(postcode: str) -> str:
    """The postcode sector (SW1A 1 of SW1A 1AA); empty for anything that is not a postcode."""
    match = _SECTOR.match(matching.normalise_postcode(postcode))
    return f"{match.group(1)} {match.group(2)}" if match else ""


def _initial(text: str) -> str:
    return text[:1]


def _one_slip(word: str) -> set[str]:
    """The word and, when it is long enough, the word with each one letter left out."""
    found = {word}
    if len(word) >= _SHORTEST_FOR_DELETIONS:
        found.update(word[:i] + word[i + 1 :] for i in range(len(word)))
    return found


@functools.lru_cache(maxsize=65536)
def name_match_keys(name: NameEntry) -> frozenset[str]:
    """The keys of one name (primary, alias or previous). Cached: bulk loads key the same names again."""
    given = matching.first_given_name(name.given_names)
    family_text = matching.family_key_text(name.family_name)[:_FAMILY_TEXT]
    keys: set[str] = set()
    if not (given and family_text):
        single = given or family_text
        if single:
            keys.update(f"{ONE_NAME}:{k}" for k in set(matching.double_metaphone(single)) - {""})
            keys.update(f"{ONE_SLIP}:{variant}" for variant in _one_slip(single[:_FAMILY_TEXT]))
        return frozenset(keys)
    given_keys = set(matching.double_metaphone(given)) - {""}
    family_keys = set(matching.lookup_family_keys(name))
    for g in given_keys:
        for f in family_keys:
            keys.add(f"{PAIR}:{min(g, f)}|{max(g, f)}")
    given_key = matching.double_metaphone(given)[0]
    if given_key:
        keys.update(f"{SLIP}:{variant}|{given_key}" for variant in _one_slip(family_text))
    keys.update(f"{GIVEN_SLIP}:{f}|{_initial(given)}" for f in set(matching.double_metaphone(family_text)))
    return frozenset(keys)


def match_keys(names: Iterable[NameEntry], date_of_birth: date | None, postcodes: Iterable[str]) -> set[str]:
    """Every blocking key of a person: of each of their names, of each address's postcode sector with their
    initials, and of their month of birth with their family initial."""
    keys: set[str] = set()
    family_initials: set[str] = set()
    given_initials: set[str] = set()
    for name in names:
        keys |= name_match_keys(name)
        family_text = matching.family_key_text(name.family_name)
        given = matching.first_given_name(name.given_names)
        if family_text or given:
            family_initials.add(_initial(family_text or given))
        if given:
            given_initials.add(_initial(given))
    for postcode in postcodes:
        sector = postcode_sector(postcode)
        if sector:
            keys.update(f"{SECTOR_FAMILY}:{sector}|{i}" for i in family_initials)
            keys.update(f"{SECTOR_GIVEN}:{sector}|{i}" for i in given_initials)
    if date_of_birth is not None:
        month = f"{date_of_birth.year:04d}-{date_of_birth.month:02d}"
        keys.update(f"{BIRTH_MONTH}:{month}|{i}" for i in family_initials)
    return {k[:KEY_LENGTH] for k in keys}
