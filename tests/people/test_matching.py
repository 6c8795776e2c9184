"""Matching rules: names that sound or look alike, aliases, transposed and near dates of birth, postcodes."""

from datetime import date

import pytest

from disclosure.people.matching import (
    NameEntry,
    dob_score,
    is_uk_postcode,
    name_score,
    normalise,
    normalise_postcode,
    phonetic_keys,
    score,
    swapped,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Smith", "Smyth"),
        ("Mohammed", "Muhammad"),
        ("Mohamed", "Muhammad"),
        ("Jon", "John"),
        ("Catherine", "Kathryn"),
        ("O'Brien", "OBrien"),
        ("Siobhan", "Siobhan"),
    ],
)
def test_names_that_sound_alike_share_a_phonetic_key(a: str, b: str) -> None:
    assert set(phonetic_keys(a)) & set(phonetic_keys(b))


def test_different_names_do_not_sound_alike() -> None:
    assert not set(phonetic_keys("Smith")) & set(phonetic_keys("Jones"))


def test_normalisation_removes_accents_apostrophes_and_hyphens() -> None:
    assert normalise("José O'Brien-Smith") == "jose obrien smith"


@pytest.mark.parametrize(
    ("entered", "candidate", "minimum"),
    [
        (NameEntry("John", "Smith"), NameEntry("Jon", "Smyth"), 85),
        (NameEntry("Mohammed", "Khan"), NameEntry("Muhammad", "Khan"), 85),
        (NameEntry("Jose", "Garcia"), NameEntry("José", "García"), 100),
        (NameEntry("Mary", "Smith-Jones"), NameEntry("Mary", "Smith Jones"), 100),
        (NameEntry("Paul", "Thompson"), NameEntry("Paul", "Thomson"), 80),
    ],
)
def test_alike_names_score_high_with_a_reason(entered: NameEntry, candidate: NameEntry, minimum: int) -> None:
    value, reason = name_score(entered, candidate)
    assert value >= minimum and reason


def test_unrelated_names_score_low() -> None:
    value, reason = name_score(NameEntry("Priya", "Shah"), NameEntry("John", "Smith"))
    assert value < 40 and reason is None


def test_dates_of_birth() -> None:
    assert dob_score(date(1990, 4, 3), date(1990, 4, 3))[0] == 100
    assert dob_score(date(1990, 4, 3), date(1990, 3, 4)) == (
        80.0,
        "Date of birth matches with day and month swapped",
    )
    assert dob_score(date(1990, 4, 3), date(1991, 4, 3))[0] == 60
    assert dob_score(date(1990, 4, 3), date(1975, 1, 1))[0] == 0
    assert swapped(date(1990, 4, 3)) == date(1990, 3, 4) and swapped(date(1990, 4, 13)) is None


def test_an_alias_can_carry_the_match() -> None:
    value, reasons = score(
        [NameEntry("Jon", "Smyth")],
        None,
        "",
        [NameEntry("Robert", "Brown"), NameEntry("John", "Smith")],
        None,
        [],
    )
    assert value >= 45 and any(r.startswith("Alias") for r in reasons)


def test_a_clearly_different_birth_date_lowers_the_score() -> None:
    same, _ = score(
        [NameEntry("John", "Smith")], date(1980, 1, 1), "", [NameEntry("John", "Smith")], date(1980, 1, 1), []
    )
    other, _ = score(
        [NameEntry("John", "Smith")], date(1980, 1, 1), "", [NameEntry("John", "Smith")], date(2001, 7, 9), []
    )
    assert same - other >= 40


def test_postcodes_are_normalised_and_count() -> None:
    assert normalise_postcode("sw1a1aa") == "SW1A 1AA" and is_uk_postcode(" sw1a 1aa ")
    assert not is_uk_postcode("12345")
    with_postcode, reasons = score(
        [NameEntry("Sam", "Taylor")], None, "LS1 4AP", [NameEntry("Sam", "Taylor")], None, ["LS1 4AP"]
    )
    assert "Same postcode LS1 4AP" in reasons and with_postcode > 60
