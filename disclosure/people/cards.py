"""Match cards [issue 20]: for each person not merged into another, everything scoring needs (date of birth,
sex, every name with its sound keys, every address) in one row of `person_match_cards`, so that a match loads
its few hundred candidates by primary key in one statement rather than three. At a million people that is
5 ms a match rather than 17 (`bench/people_matching.py`).

A card is made from the rows as stored, by the same function wherever people are written: the flush hook in
`models` (intake, corrections, merges, the feed), the synthetic population's bulk rows and the migration
that made the cards of people already in the index. `candidate_of` reads one back.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from disclosure.people.matching import Candidate, CandidateAddress, CandidateName

NAME_FIELDS = ("kind", "given_names", "family_name", "normalised", "family_key1", "family_key2", "given_key1")
"""A name row's columns on the card, in `CandidateName`'s order."""
ADDRESS_FIELDS = ("line_1", "town", "postcode")
"""An address row's columns on the card, in `CandidateAddress`'s order."""


def card_of(
    born: date | None,
    gender: str | None,
    names: Iterable[Mapping[str, Any]],
    addresses: Iterable[Mapping[str, Any]],
) -> str:
    """A person's card from their date of birth, recorded sex and name and address rows (mappings with at
    least `NAME_FIELDS` and `ADDRESS_FIELDS`): compact JSON, the same whatever order the rows came in."""
    named = sorted([str(row[f] or "") for f in NAME_FIELDS] for row in names)
    named.sort(key=lambda n: n[0] != "primary")  # stable: the primary name first, the rest as sorted
    placed = sorted([str(row[f] or "") for f in ADDRESS_FIELDS] for row in addresses)
    payload = [born.isoformat() if born else None, gender or "", named, placed]
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def candidate_of(person_id: uuid.UUID, card: str) -> Candidate:
    """The candidate a card describes."""
    born, gender, names, addresses = json.loads(card)
    return Candidate(
        person_id,
        date.fromisoformat(born) if born else None,
        tuple(CandidateName(*name) for name in names),
        tuple(CandidateAddress(*address) for address in addresses),
        gender,
    )
