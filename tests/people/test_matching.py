"""Matching rules, without a database: names that sound or look alike, accents and punctuation, aliases,
transposed and year-out dates of birth, postcodes, and people who must not match."""

import uuid
from datetime import date

import pytest

from disclosure.people.matching import (
    Candidate,
    CandidateAddress,
    CandidateName,
    Probe,
    is_uk_postcode,
    lookup_family_keys,
    name_keys,
    normalise,
    normalise_postcode,
    outward_code,
    rank,
    score,
    transposed,
    year_either_side,
)
from disclosure.people.schemas import NameEntry, PersonDetails


def candidate(
    *names: tuple[str, str] | tuple[str, str, str], dob: date | None = None, postcodes: tuple[str, ...] = ()
) -> Candidate:
    """A stored person: the first name is primary, later ones aliases unless a kind is given."""
    rows = []
    for index, name in enumerate(names):
        given, family = name[0], name[1]
        kind = name[2] if len(name) == 3 else ("primary" if index == 0 else "alias")
        keys = name_keys(NameEntry(given, family))
        full = normalise(f"{given} {family}")
        rows.append(
            CandidateName(kind, given, family, full, keys.family_key1, keys.family_key2, keys.given_key1)
        )
    return Candidate(uuid.uuid4(), dob, tuple(rows), tuple(CandidateAddress(postcode=p) for p in postcodes))


def entered(given: str, family: str, **fields: object) -> Probe:
    return Probe.of(PersonDetails(given_names=given, family_name=family, **fields))  # type: ignore[arg-type]


def sounds_alike(a: str, b: str) -> bool:
    return bool(lookup_family_keys(NameEntry("", a)) & lookup_family_keys(NameEntry("", b)))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Smith", "Smyth"),
        ("Smith", "Schmidt"),
        ("Mohammed", "Muhammad"),
        ("Mohamed", "Muhammad"),
        ("Jon", "John"),
        ("Catherine", "Kathryn"),
        ("O'Brien", "OBrien"),
        ("O'Brien", "O Brien"),
        ("MacDonald", "Mac Donald"),
        ("José", "Jose"),
    ],
)
def test_names_that_sound_alike_share_a_phonetic_key(a: str, b: str) -> None:
    assert sounds_alike(a, b)


@pytest.mark.parametrize(("a", "b"), [("Smith", "Jones"), ("Shah", "Smith"), ("Patel", "Khan")])
def test_names_that_sound_different_share_no_key(a: str, b: str) -> None:
    assert not sounds_alike(a, b)


def test_normalisation_folds_case_accents_apostrophes_and_hyphens() -> None:
    assert normalise("José O'Brien-Smith") == "jose obrien smith"
    assert normalise("SIOBHÁN  Ní  Bhriain") == "siobhan ni bhriain"
    assert normalise("O\u2019Neill") == "oneill"
    assert normalise("Straße") == "strasse"


def test_a_hyphenated_family_name_is_keyed_on_its_first_part_and_found_by_either_part() -> None:
    stored = name_keys(NameEntry("Mary", "Smith-Jones"))
    assert stored.family_key1 == name_keys(NameEntry("Mary", "Smith")).family_key1
    assert stored.family_key1 in lookup_family_keys(NameEntry("Mary", "Smith Jones"))
    assert name_keys(NameEntry("", "Jones")).family_key1 in lookup_family_keys(NameEntry("", "Smith-Jones"))


def test_particles_alone_are_not_looked_up() -> None:
    keys = lookup_family_keys(NameEntry("Anna", "van der Berg"))
    assert name_keys(NameEntry("", "van")).family_key1 not in keys
    assert name_keys(NameEntry("", "Berg")).family_key1 in keys


def test_a_person_known_by_one_name_is_keyed_on_it() -> None:
    keys = name_keys(NameEntry("Siobhan", ""))
    assert keys.family_key1 == name_keys(NameEntry("", "Siobhan")).family_key1 and keys.given_key1 == ""


@pytest.mark.parametrize(
    ("typed", "stored", "reason"),
    [
        (("John", "Smith"), ("Jon", "Smyth"), "Name 'Jon Smyth' sounds like 'John Smith'"),
        (("Mohammed", "Khan"), ("Muhammad", "Khan"), "Name 'Muhammad Khan' sounds like 'Mohammed Khan'"),
        (("Mohamed", "Ali"), ("Mohammed", "Ali"), "Name 'Mohammed Ali' sounds like 'Mohamed Ali'"),
        (("Jose", "Garcia"), ("José", "García"), "Name 'José García' matches"),
        (("Siobhan", "OBrien"), ("Siobhán", "O'Brien"), "Name 'Siobhán O'Brien' matches"),
        (("Mary", "Smith Jones"), ("Mary", "Smith-Jones"), "Name 'Mary Smith-Jones' matches"),
        (("Paul", "Thompson"), ("Paul", "Thomson"), "Name 'Paul Thomson' is spelt like 'Paul Thompson'"),
        (("Siobhan", "Kelly"), ("Siobahn", "Kelly"), "Name 'Siobahn Kelly' sounds like 'Siobhan Kelly'"),
        (("Smith", "John"), ("John", "Smith"), "Name 'John Smith' is spelt like 'Smith John'"),
    ],
)
def test_alike_names_match_with_their_reason_in_words(
    typed: tuple[str, str], stored: tuple[str, str], reason: str
) -> None:
    match = score(entered(*typed), candidate(stored))
    assert match.score >= 85 and match.reasons == (reason,)


def test_schmidt_is_a_possible_smith_but_less_likely_than_smyth() -> None:
    probe = entered("Anna", "Smith")
    smyth, schmidt = score(probe, candidate(("Anna", "Smyth"))), score(probe, candidate(("Anna", "Schmidt")))
    assert smyth.score >= schmidt.score >= 85


def test_an_unrelated_name_scores_low_and_gives_no_reason() -> None:
    match = score(entered("Priya", "Shah"), candidate(("John", "Smith")))
    assert match.score < 40 and match.reasons == ()


def test_the_same_family_name_alone_is_not_enough() -> None:
    assert score(entered("Mary", "Smith"), candidate(("John", "Smith"))).score < 60


def test_an_alias_carries_the_match_and_says_so() -> None:
    match = score(entered("John", "Smith"), candidate(("Robert", "Brown"), ("Jon", "Smyth")))
    assert match.score >= 85
    assert match.reasons == ("Alias 'Jon Smyth' sounds like 'John Smith'",)


def test_an_entered_alias_is_compared_too() -> None:
    probe = Probe.of(
        PersonDetails(given_names="Robert", family_name="Brown", aliases=(NameEntry("Jon", "Smyth"),))
    )
    assert score(probe, candidate(("John", "Smith"))).score >= 85


def test_a_previous_name_is_labelled_as_one() -> None:
    match = score(entered("Kate", "Jones"), candidate(("Kate", "Evans"), ("Kate", "Jones", "previous")))
    assert match.reasons == ("Previous name 'Kate Jones' matches",)


def test_transposed_dates_of_birth() -> None:
    assert transposed(date(1990, 4, 3)) == date(1990, 3, 4)
    assert transposed(date(1990, 4, 13)) is None  # no 13th month
    assert transposed(date(1990, 4, 4)) is None  # the same date
    match = score(
        entered("Ann", "Lee", date_of_birth=date(1990, 4, 3)), candidate(("Ann", "Lee"), dob=date(1990, 3, 4))
    )
    assert "Date of birth matches with day and month swapped" in match.reasons and match.score >= 90


def test_a_date_of_birth_a_year_out_with_the_same_day_and_month_counts() -> None:
    assert year_either_side(date(1990, 4, 3)) == [date(1989, 4, 3), date(1991, 4, 3)]
    assert year_either_side(date(1992, 2, 29)) == [date(1991, 2, 28), date(1993, 2, 28)]
    match = score(
        entered("Ann", "Lee", date_of_birth=date(1990, 4, 3)), candidate(("Ann", "Lee"), dob=date(1991, 4, 3))
    )
    assert "Date of birth a year out, same day and month" in match.reasons and match.score >= 80


def test_the_date_of_birth_weighs_by_how_close_it_is() -> None:
    def with_dob(dob: date) -> int:
        return score(
            entered("Ann", "Lee", date_of_birth=date(1990, 4, 3)), candidate(("Ann", "Lee"), dob=dob)
        ).score

    exact, swapped, year_out = (
        with_dob(date(1990, 4, 3)),
        with_dob(date(1990, 3, 4)),
        with_dob(date(1991, 4, 3)),
    )
    same_year, different = with_dob(date(1990, 11, 20)), with_dob(date(1962, 8, 17))
    assert exact == 100 and exact > swapped > year_out > same_year > different
    assert different < 60  # the same name, plainly not the same birth: not a likely match


def test_a_missing_date_of_birth_neither_helps_nor_hurts() -> None:
    assert score(entered("Ann", "Lee"), candidate(("Ann", "Lee"), dob=date(1990, 4, 3))).score == 100


def test_the_same_birth_date_alone_is_not_a_match() -> None:
    match = score(
        entered("Priya", "Shah", date_of_birth=date(1990, 4, 3)),
        candidate(("John", "Smith"), dob=date(1990, 4, 3)),
    )
    assert match.score < 60 and match.reasons == ("Date of birth matches",)


def test_postcodes_are_normalised_and_checked_loosely() -> None:
    assert normalise_postcode(" sw1a1aa ") == "SW1A 1AA"
    assert normalise_postcode("ls1   4ap") == "LS1 4AP"
    assert is_uk_postcode("m1 1ae") and is_uk_postcode("B338TH") and is_uk_postcode("EC1A 1BB")
    assert not is_uk_postcode("12345") and not is_uk_postcode("SW1A") and not is_uk_postcode("")
    assert outward_code("SW1A 1AA") == "SW1A" and outward_code("nonsense") == ""


def test_the_same_postcode_or_district_adds_to_the_score() -> None:
    probe = entered("Sam", "Taylor", date_of_birth=date(1988, 5, 17), postcode="ls14ap")
    alone = score(probe, candidate(("Sam", "Tailor"), dob=date(1988, 5, 17))).score
    district = score(probe, candidate(("Sam", "Tailor"), dob=date(1988, 5, 17), postcodes=("LS1 9ZZ",)))
    same = score(probe, candidate(("Sam", "Tailor"), dob=date(1988, 5, 17), postcodes=("LS1 4AP",)))
    assert "Same postcode LS1 4AP" in same.reasons and "Same postcode district LS1" in district.reasons
    assert same.score > district.score > alone


def test_the_same_birth_date_and_address_under_another_name_is_worth_a_look() -> None:
    match = score(
        entered("Priya", "Shah", date_of_birth=date(1990, 4, 3), postcode="LS1 4AP"),
        candidate(("Jane", "Doe"), dob=date(1990, 4, 3), postcodes=("LS1 4AP",)),
    )
    assert match.score >= 60 and match.reasons == ("Date of birth matches", "Same postcode LS1 4AP")


def test_rank_keeps_those_over_the_threshold_best_first_and_at_most_the_limit() -> None:
    probe = entered("John", "Smith", date_of_birth=date(1980, 1, 2))
    exact = candidate(("John", "Smith"), dob=date(1980, 1, 2))
    close = candidate(("Jon", "Smyth"), dob=date(1980, 2, 1))
    other = candidate(("Priya", "Shah"), dob=date(1995, 6, 7))
    ranked = rank(probe, [other, close, exact], threshold=60, limit=10)
    assert [m.person_id for m in ranked] == [exact.person_id, close.person_id]
    assert [m.person_id for m in rank(probe, [close, exact], threshold=60, limit=1)] == [exact.person_id]
    assert rank(probe, [close, exact], threshold=99, limit=10)[0].person_id == exact.person_id
