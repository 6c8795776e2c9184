"""Synthetic people with UK-like names [issue 17]: a few very common family names and a long tail of rare
ones (frequency falling with rank), common given names and second given names, nicknames, variant
spellings, previous names, a few accents and apostrophes, dates of birth and postcodes. Shared by
`disclosure demo --scale` and the benchmarks; the rare names are built from syllables."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from disclosure.db import new_id
from disclosure.people import blocking, cards, matching
from disclosure.people.schemas import NameEntry


def _words(text: str) -> list[str]:
    return text.split()


# Common family names in England and Wales, commonest first (frequencies fall off roughly as 1/rank).
FAMILY = _words(
    """
    Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright
    Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill
    Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker
    Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy
    Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman
    Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight
    Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham Pearson Ahmed Fletcher
    Walsh Kaur Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West
    Lawrence Cole Atkinson Bradley Spencer Gill Dawson Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant
    Wells Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page
    Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland Hawkins Harding Porter Robertson Newton Oliver
    Reed Kennedy Williamson Bird Gardner Shah Dean Lane Cooke Bates Henderson Parry Burgess Bishop Walton
    Burns Nicholson Shepherd Ross Cross Long Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates
    Hodgson Robson Curtis Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers O'Neill Griffin
    Sharp Hardy Wheeler Potter Osborne Johnston Gordon Doyle Wallace George Jordan Hutchinson Rowe Burke May
    Pritchard Gilbert Willis Higgins Read Miles Stevenson Stephenson Hammond Arnold Buckley Walters Hewitt
    Barber Nelson Slater Austin Sullivan Whitehead Mann Frost Lambert Stephens Blake Akhtar Lynch Goodwin
    Barton Woodward Thomson Cunningham Quinn Barnett Baxter Bibi Clayton Nash Greenwood Jennings Holt Kemp
    Poole Gallagher Bond Stokes Tucker Davidson Fowler Heath Norman Middleton Lawson Banks French Stanley
    Jarvis Gibbs Ferguson Hayward Carroll Douglas Dickinson Todd Barlow Peters Lucas Knowles Hartley Miah
    Simmons Morton Alexander Field Morrison Norris Townsend Preston Hancock Thornton Baldwin Burrows Briggs
    Storey Pickering Dobson Rahman Nowak Kowalski Wójcik Popescu Okafor Mensah Nguyen García Smith-Jones
    """
)
GIVEN = _words(
    """
    Oliver George Harry Jack Jacob Noah Charlie Muhammad Thomas Oscar William James Leo Alfie Henry Joshua
    Freddie Archie Ethan Isaac Alexander Joseph Edward Samuel Max Daniel Arthur Lucas Mohammed Logan Olivia
    Amelia Isla Ava Emily Isabella Mia Poppy Ella Lily Sophia Grace Evie Sophie Jessica Scarlett Chloe Ruby
    Daisy Freya Charlotte Alice Phoebe Florence Sienna Matilda Ivy Sarah Emma Laura Rebecca Hannah Rachel
    Michael David John Paul Mark Andrew Richard Robert Christopher Stephen Peter Anthony Kevin Gary Jason
    Lee Ian Craig Darren Stuart Wayne Dean Susan Karen Julie Helen Lisa Claire Nicola Joanne Amanda Tracey
    Michelle Kelly Louise Donna Dawn Priya Aisha Fatima Ayesha Zainab Amir Omar Ali Hassan Bilal Siobhán
    Niamh Ciarán Declan Aoife Rhys Dylan Gareth Cerys Megan Catherine Kathryn Jon Jonathan Mohamed José
    Katarzyna Piotr Chinedu Adebayo Mei
    """
)
# Spellings people mistake one for another: aliases and misspelt queries draw on them.
VARIANTS = {
    "Smith": "Smyth",
    "Thompson": "Thomson",
    "Clarke": "Clark",
    "Phillips": "Philips",
    "Davies": "Davis",
    "O'Brien": "OBrien",
    "McDonald": "MacDonald",
    "Stephen": "Steven",
    "John": "Jon",
    "Mohammed": "Muhammad",
    "Catherine": "Kathryn",
    "Siobhán": "Siobhan",
    "Sarah": "Sara",
    "Rebecca": "Rebekah",
    "Jonathan": "Johnathan",
}
NICKNAMES = {
    "Robert": "Bob",
    "William": "Bill",
    "Elizabeth": "Liz",
    "Margaret": "Maggie",
    "Anthony": "Tony",
    "Michael": "Mick",
    "Christopher": "Chris",
    "Alexander": "Alex",
    "Daniel": "Danny",
    "Susan": "Sue",
}
_ONSETS = _words("B Br C Ch Cr D Dr F G Gr H J K Kn L M N P Pr R S Sh St T Th Tr V W Wh Y")
_VOWELS = _words("a e i o u ai ea ee oo ou")
_CODAS = _words("b ck d ff g l ll m n nd ng nt p r rd rn rt s ss st t th tt w x")
_ENDINGS = _words(
    "by croft dale den field ford gate ham hurst ington land ley low more ridge shaw stone ton well wick wood"
    " worth"
)
POSTCODE_AREAS = _words(
    "AB B BD BN BS CF CV DN E EC EH G HU L LE LS M N NE NG NP NW OX PL S SA SE SR SW W WC YO"
)
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
TAIL_SIZE = 40_000  # distinct rarer family names
COMMON_SHARE = 0.35  # share of people carrying one of the common family names above
# Frequency falls with rank as rank ** -0.55: Smith about 1.3% of people, Jones 0.9%, the 300th 0.05%.
ZIPF_EXPONENT = 0.55
_CUMULATIVE = {
    id(words): list(accumulate(rank**-ZIPF_EXPONENT for rank in range(1, len(words) + 1)))
    for words in (FAMILY, GIVEN)
}


class Population:
    """Draws names, dates and postcodes; keys every distinct name once (not once a row)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.tail = sorted(self._tail_names(TAIL_SIZE))
        self.postcodes = [self._postcode() for _ in range(120_000)]
        self._keys: dict[tuple[str, str], matching.NameKeys] = {}
        self._normalised: dict[str, str] = {}

    def _tail_names(self, count: int) -> set[str]:
        names: set[str] = set()
        while len(names) < count:
            stem = self.rng.choice(_ONSETS) + self.rng.choice(_VOWELS) + self.rng.choice(_CODAS)
            names.add((stem + self.rng.choice(_ENDINGS)).capitalize() if self.rng.random() < 0.7 else stem)
        return names

    def _postcode(self) -> str:
        rng = self.rng
        outward = f"{rng.choice(POSTCODE_AREAS)}{rng.randint(1, 30)}"
        return f"{outward} {rng.randint(0, 9)}{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"

    def _zipf(self, words: list[str]) -> str:
        return self.rng.choices(words, cum_weights=_CUMULATIVE[id(words)])[0]

    def family(self) -> str:
        name = self._zipf(FAMILY) if self.rng.random() < COMMON_SHARE else self.rng.choice(self.tail)
        return VARIANTS.get(name, name) if self.rng.random() < 0.05 else name

    def given(self) -> str:
        first = self._zipf(GIVEN)
        first = VARIANTS.get(first, first) if self.rng.random() < 0.05 else first
        return f"{first} {self._zipf(GIVEN)}" if self.rng.random() < 0.4 else first

    def born(self) -> date:
        return date(1935, 1, 1) + timedelta(days=self.rng.randrange(0, 365 * 80))

    def postcode(self) -> str:
        return self.rng.choice(self.postcodes)

    def alias_of(self, given: str, family: str) -> tuple[str, str, str]:
        """A previous family name, a nickname, or a variant spelling."""
        first = given.split(maxsplit=1)[0]
        roll = self.rng.random()
        if roll < 0.5:
            return "previous", given, self.family()
        if roll < 0.8 and first in NICKNAMES:
            return "alias", NICKNAMES[first], family
        variant = VARIANTS.get(first, first), VARIANTS.get(family, family)
        return ("alias", *variant) if variant != (first, family) else ("previous", given, self.family())

    def address_row(self, person_id: uuid.UUID, postcode: str, current: bool, now: Any) -> dict[str, Any]:
        return {
            "id": new_id(),
            "person_id": person_id,
            "line_1": f"{self.rng.randint(1, 200)} High Street",
            "line_2": "",
            "town": "",
            "postcode": postcode,
            "current": current,
            "from_date": None,
            "to_date": None,
            "created_at": now,
            "updated_at": now,
        }

    def name_row(self, person_id: uuid.UUID, kind: str, given: str, family: str, now: Any) -> dict[str, Any]:
        keys = self._keys.get((given, family))
        if keys is None:
            keys = self._keys[(given, family)] = matching.name_keys(NameEntry(given, family))
        full = f"{given} {family}"
        normalised = self._normalised.get(full)
        if normalised is None:
            normalised = self._normalised[full] = matching.normalise(full)
        return {
            "id": new_id(),
            "person_id": person_id,
            "kind": kind,
            "given_names": given,
            "family_name": family,
            "normalised": normalised,
            "family_key1": keys.family_key1,
            "family_key2": keys.family_key2,
            "given_key1": keys.given_key1,
            "created_at": now,
            "updated_at": now,
        }


def misspell(rng: random.Random, word: str) -> str:
    """One typing slip: two letters swapped, one dropped, or one doubled."""
    if len(word) < 4:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 2)
    slips: list[Callable[[], str]] = [
        lambda: word[:i] + word[i + 1] + word[i] + word[i + 2 :],
        lambda: word[:i] + word[i + 1 :],
        lambda: word[: i + 1] + word[i:],
    ]
    return rng.choice(slips)()


class Drawn:
    """One synthetic person as drawn, for a benchmark to look for or a generator to place on a case."""

    __slots__ = ("alias", "born", "family", "given", "person_id", "postcode")

    def __init__(
        self,
        person_id: uuid.UUID,
        given: str,
        family: str,
        born: date,
        postcode: str,
        alias: tuple[str, str] | None,
    ) -> None:
        self.person_id, self.given, self.family = person_id, given, family
        self.born, self.postcode, self.alias = born, postcode, alias


class Batch:
    """Rows for `people`, `person_names`, `person_addresses`, `person_match_keys` and `person_match_cards`
    (the blocking keys and match cards the flush hook would have made, issue 20), ready for a bulk insert."""

    def __init__(self) -> None:
        self.people: list[dict[str, Any]] = []
        self.names: list[dict[str, Any]] = []
        self.addresses: list[dict[str, Any]] = []
        self.keys: list[dict[str, Any]] = []
        self.cards: list[dict[str, Any]] = []
        self.drawn: list[Drawn] = []


def draw_people(
    population: Population,
    count: int,
    creator: uuid.UUID,
    now: Any,
    *,
    born: Callable[[], date] | None = None,
    duplicates: float = 0.0,
) -> Batch:
    """`count` people: about one in eight with an alias or previous name, 85% with an address (a fifth of
    those with a previous one: they moved), and a share `duplicates` recorded twice, the second time with a
    typing slip in the family name and no date of birth half the time (the duplicates a MASH holds)."""
    rng = population.rng
    batch = Batch()
    while len(batch.drawn) < count:
        given, family = population.given(), population.family()
        date_of_birth = born() if born else population.born()
        postcode = population.postcode() if rng.random() < 0.85 else ""
        alias = None
        if rng.random() < 0.12:
            kind, alias_given, alias_family = population.alias_of(given, family)
            alias = (kind, alias_given, alias_family)
        copies: list[tuple[str, date | None]] = [(family, date_of_birth)]
        if rng.random() < duplicates and len(batch.drawn) + 1 < count:
            copies.append((misspell(rng, family), date_of_birth if rng.random() < 0.5 else None))
        for family_as_typed, dob in copies:
            person_id = new_id()
            batch.people.append(
                {
                    "id": person_id,
                    "date_of_birth": dob,
                    "gender": "",
                    "created_by_id": creator,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            name_rows = [population.name_row(person_id, "primary", given, family_as_typed, now)]
            names = [NameEntry(given, family_as_typed)]
            if alias is not None:
                name_rows.append(population.name_row(person_id, alias[0], alias[1], alias[2], now))
                names.append(NameEntry(alias[1], alias[2]))
            places: list[str] = []
            address_rows: list[dict[str, Any]] = []
            if postcode:
                places = [postcode, *([population.postcode()] if rng.random() < 0.2 else [])]
                address_rows = [
                    population.address_row(person_id, place, place == postcode, now) for place in places
                ]
            batch.names.extend(name_rows)
            batch.addresses.extend(address_rows)
            keys = blocking.match_keys(names, dob, places)
            batch.keys.extend({"key": key, "person_id": person_id} for key in sorted(keys))
            card = cards.card_of(dob, "", name_rows, address_rows)
            batch.cards.append({"person_id": person_id, "card": card})
            drawn_alias = (alias[1], alias[2]) if alias else None
            batch.drawn.append(
                Drawn(person_id, given, family_as_typed, dob or date_of_birth, postcode, drawn_alias)
            )
    return batch
