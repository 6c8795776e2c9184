"""Matching rules, without a database: names that sound or look alike, accents and punctuation, aliases,
transposed and year-out dates of birth, postcodes, and people who must not match."""

import math
import uuid
from dataclasses import replace
from datetime import date

import pytest

from disclosure.people.matching import (
    Candidate,
    CandidateAddress,
    CandidateName,
    Match,
    Probe,
    Scorer,
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
from disclosure.people.model import SHIPPED, Parameters
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


def levels(match: Match) -> dict[str, str]:
    """Each field's level of agreement in a match, by comparison."""
    return {c.comparison: c.level for c in match.contributions}


@pytest.mark.parametrize(
    ("typed", "stored", "given", "family"),
    [
        (("John", "Smith"), ("Jon", "Smyth"), "close", "sounds"),
        (("Mohammed", "Khan"), ("Muhammad", "Khan"), "sounds", "exact"),
        (("Jose", "Garcia"), ("José", "García"), "exact", "exact"),
        (("Siobhan", "OBrien"), ("Siobhán", "O'Brien"), "exact", "exact"),
        (("Mary", "Smith Jones"), ("Mary", "Smith-Jones"), "exact", "exact"),
        (("Paul", "Thompson"), ("Paul", "Thomson"), "exact", "close"),
        (("Stephen", "Kelly"), ("Steven", "Kelly"), "sounds", "exact"),
        (("Catherine", "Fairclough"), ("Katherine", "Fairclough"), "close", "exact"),
        (("Mary", "Fairclough"), ("Mary", "Fairclough-Hughes"), "exact", "part"),
        (("J", "Fairclough"), ("James", "Fairclough"), "initial", "exact"),
    ],
)
def test_alike_names_are_compared_at_their_level_and_say_so(
    typed: tuple[str, str], stored: tuple[str, str], given: str, family: str
) -> None:
    match = score(entered(*typed), candidate(stored))
    assert levels(match) == {"given_name": given, "family_name": family}
    assert match.score >= 90
    assert all(w in " ".join(match.reasons) for w in ("Given name", "Family name"))


def test_each_reason_says_the_field_its_level_and_its_weight_in_bits() -> None:
    match = score(entered("Stephen", "Kelly"), candidate(("Steven", "Kelly")))
    given, family = match.contributions
    assert match.reasons == (
        f"Given name sounds alike {given.weight:+.1f}",
        f"Family name matches {family.weight:+.1f}",
    )
    assert given.weight == pytest.approx(
        math.log2(SHIPPED.m["given_name"]["sounds"] / SHIPPED.u["given_name"]["sounds"])
    )


def test_the_probability_is_the_prior_and_the_weights_together() -> None:
    """log2 odds add up: the prior (the chance the person is one of `population`) and each field's weight."""
    probe, stored = (
        entered("Ann", "Lee", date_of_birth=date(1990, 4, 3)),
        candidate(("Ann", "Lee"), dob=date(1990, 4, 3)),
    )
    alone = score(probe, stored)
    in_a_million = score(probe, stored, Scorer(population=1_000_000))
    bits = SHIPPED.prior_bits(1_000_000) + sum(c.weight for c in in_a_million.contributions)
    assert in_a_million.probability == pytest.approx(2**bits / (1 + 2**bits))
    assert alone.probability > in_a_million.probability > 0.99
    assert in_a_million.score == math.floor(in_a_million.probability * 100)


def test_a_common_family_name_counts_for_less_than_a_rare_one() -> None:
    parameters = replace(
        SHIPPED, frequencies={"family_name": {"smith": 0.012}}, rare={"family_name": 0.00001}
    )
    scorer = Scorer(parameters, population=100_000)
    smith = score(entered("Ann", "Smith"), candidate(("Ann", "Smith")), scorer)
    rare = score(entered("Ann", "Featherstonehaugh"), candidate(("Ann", "Featherstonehaugh")), scorer)
    assert smith.contributions[1].weight == pytest.approx(
        math.log2(SHIPPED.m["family_name"]["exact"] / 0.012)
    )
    assert rare.contributions[1].weight > smith.contributions[1].weight + 8
    assert rare.probability > 0.9 > smith.probability


def test_an_unrelated_name_scores_low() -> None:
    match = score(entered("Priya", "Shah"), candidate(("John", "Smith")), Scorer(population=1000))
    assert match.score < 5 and levels(match) == {"given_name": "other", "family_name": "other"}


def test_the_same_family_name_alone_is_not_enough() -> None:
    assert score(entered("Mary", "Smith"), candidate(("John", "Smith")), Scorer(population=1000)).score < 50


def test_a_married_name_with_the_same_given_name_and_birth_is_a_likely_match() -> None:
    """The given name counts on its own when the family names differ (lily bishop, now lily priest)."""
    born = date(1991, 7, 12)
    match = score(
        entered("Lily", "Bishop", date_of_birth=born),
        candidate(("Lily", "Priest"), dob=born),
        Scorer(population=10_000),
    )
    assert levels(match) == {"given_name": "exact", "family_name": "other", "date_of_birth": "exact"}
    assert match.contributions[0].weight > 0 and match.score >= 60


def test_given_and_family_names_swapped_still_match_with_a_penalty() -> None:
    swapped = score(entered("Smith", "John"), candidate(("John", "Smith")))
    assert levels(swapped) == {"given_name": "exact", "family_name": "exact", "name_order": "swapped"}
    assert "Given and family names swapped -2.0" in swapped.reasons
    assert swapped.probability < score(entered("John", "Smith"), candidate(("John", "Smith"))).probability
    assert swapped.score >= 90


def test_a_swapped_name_is_weighed_by_its_commoner_reading_either_way_round() -> None:
    """Two namesakes' records, one typed "Cross Martyn": weighed as if Cross were a rare given name, the
    names alone made them certain."""
    parameters = replace(
        SHIPPED,
        frequencies={"given_name": {"martyn": 0.002}, "family_name": {"cross": 0.004}},
        rare={"given_name": 0.00001, "family_name": 0.00001},
    )
    scorer = Scorer(parameters, population=10_000)
    natural = score(entered("Martyn", "Cross"), candidate(("Martyn", "Cross")), scorer)
    for probe, theirs in (
        (entered("Martyn", "Cross"), ("Cross", "Martyn")),
        (entered("Cross", "Martyn"), ("Martyn", "Cross")),
    ):
        swapped = score(probe, candidate(theirs), scorer)
        assert levels(swapped) == {"given_name": "exact", "family_name": "exact", "name_order": "swapped"}
        names = sum(c.weight for c in swapped.contributions if c.comparison != "name_order")
        assert names <= sum(c.weight for c in natural.contributions) + 1e-9
    given = next(c for c in swapped.contributions if c.comparison == "given_name")
    assert given.weight == pytest.approx(math.log2(SHIPPED.m["given_name"]["exact"] / 0.002))


def test_an_alias_carries_the_match_and_says_so() -> None:
    match = score(entered("John", "Smith"), candidate(("Robert", "Brown"), ("Jon", "Smyth")))
    assert match.score >= 85
    assert match.reasons[0].startswith("Given name is spelt alike (alias 'Jon Smyth')")


def test_an_entered_alias_is_compared_too() -> None:
    probe = Probe.of(
        PersonDetails(given_names="Robert", family_name="Brown", aliases=(NameEntry("Jon", "Smyth"),))
    )
    assert score(probe, candidate(("John", "Smith"))).score >= 85


def test_a_previous_name_is_labelled_as_one() -> None:
    match = score(entered("Kate", "Jones"), candidate(("Kate", "Evans"), ("Kate", "Jones", "previous")))
    assert levels(match) == {"given_name": "exact", "family_name": "exact"}
    assert "Family name matches (previous name 'Kate Jones')" in match.reasons[1]


def test_transposed_dates_of_birth() -> None:
    assert transposed(date(1990, 4, 3)) == date(1990, 3, 4)
    assert transposed(date(1990, 4, 13)) is None  # no 13th month
    assert transposed(date(1990, 4, 4)) is None  # the same date
    match = score(
        entered("Ann", "Lee", date_of_birth=date(1990, 4, 3)), candidate(("Ann", "Lee"), dob=date(1990, 3, 4))
    )
    assert levels(match)["date_of_birth"] == "swapped" and match.score >= 90


def test_a_year_either_side_keeps_the_day_and_month() -> None:
    assert year_either_side(date(1990, 4, 3)) == [date(1989, 4, 3), date(1991, 4, 3)]
    assert year_either_side(date(1992, 2, 29)) == [date(1991, 2, 28), date(1993, 2, 28)]


@pytest.mark.parametrize(
    ("theirs", "level"),
    [
        (date(1990, 4, 3), "exact"),
        (date(1990, 3, 4), "swapped"),
        (date(1990, 4, 30), "day"),
        (date(1990, 9, 3), "month"),
        (date(1980, 4, 3), "year"),
        (date(1962, 8, 17), "other"),
        (None, None),
    ],
)
def test_the_date_of_birth_is_compared_by_its_parts(theirs: date | None, level: str | None) -> None:
    match = score(
        entered("Ann", "Lee", date_of_birth=date(1990, 4, 3)), candidate(("Ann", "Lee"), dob=theirs)
    )
    assert levels(match).get("date_of_birth") == level


def test_the_nearer_the_date_of_birth_the_likelier_the_match() -> None:
    def with_dob(dob: date) -> float:
        probe = entered("Ann", "Lee", date_of_birth=date(1990, 4, 3))
        return score(probe, candidate(("Ann", "Lee"), dob=dob), Scorer(population=10_000)).probability

    exact, swapped, one_part, different = (
        with_dob(date(1990, 4, 3)),
        with_dob(date(1990, 3, 4)),
        with_dob(date(1991, 4, 3)),
        with_dob(date(1962, 8, 17)),
    )
    assert exact > swapped > one_part > different
    assert different < 0.5  # the same common-enough name, plainly not the same birth: not a likely match


def test_identical_names_at_the_same_address_survive_a_wrong_date_of_birth() -> None:
    """A wholly different date of birth weighs against, but not so much that identical names at the same
    address are lost (a record keyed with another person's date)."""
    probe = entered(
        "Ann", "Lee", date_of_birth=date(1990, 4, 3), address_line_1="14 High Street", postcode="LS1 4AP"
    )
    stored = Candidate(
        uuid.uuid4(),
        date(1971, 11, 23),
        candidate(("Ann", "Lee")).names,
        (CandidateAddress("14 High St", "Leeds", "LS1 4AP"),),
    )
    match = score(probe, stored, Scorer(population=100_000))
    assert levels(match)["date_of_birth"] == "other" and levels(match)["address"] == "full"
    assert match.score >= 60


def test_a_missing_date_of_birth_neither_helps_nor_hurts() -> None:
    without = score(entered("Ann", "Lee"), candidate(("Ann", "Lee"), dob=date(1990, 4, 3)))
    assert "date_of_birth" not in levels(without)
    assert without.probability == score(entered("Ann", "Lee"), candidate(("Ann", "Lee"))).probability


def test_a_person_with_one_name_is_matched_on_it() -> None:
    match = score(
        entered("", "Okafor", date_of_birth=date(2009, 1, 5)),
        candidate(("Ada", "Okafor"), dob=date(2009, 1, 5)),
    )
    assert levels(match) == {"family_name": "exact", "date_of_birth": "exact"}
    assert match.score >= 90


def test_the_same_birth_date_alone_is_not_a_match() -> None:
    match = score(
        entered("Priya", "Shah", date_of_birth=date(1990, 4, 3)),
        candidate(("John", "Smith"), dob=date(1990, 4, 3)),
        Scorer(population=1000),
    )
    assert match.score < 50


@pytest.mark.parametrize(
    ("theirs", "level"),
    [
        (("LS1 4AP",), "postcode"),
        (("LS1 4ZZ",), "sector"),
        (("LS1 9ZZ",), "district"),
        (("M1 1AE",), "other"),
        ((), None),
    ],
)
def test_the_postcode_is_compared_by_unit_sector_and_district(
    theirs: tuple[str, ...], level: str | None
) -> None:
    match = score(entered("Sam", "Taylor", postcode="ls14ap"), candidate(("Sam", "Taylor"), postcodes=theirs))
    assert levels(match).get("address") == level


def test_any_of_the_addresses_counts_a_previous_one_too() -> None:
    stored = Candidate(
        uuid.uuid4(),
        None,
        candidate(("Sam", "Taylor")).names,
        (
            CandidateAddress("2 Mill Lane", "York", "YO1 7HH"),
            CandidateAddress("Flat 3, 9 Park Road", "Leeds", "LS6 2AB"),
        ),
    )
    probe = entered("Sam", "Taylor", address_line_1="9 park rd", town="LEEDS", postcode="LS6 2AB")
    assert levels(score(probe, stored)) == {
        "given_name": "exact",
        "family_name": "exact",
        "address": "full",
    }


@pytest.mark.parametrize(
    ("typed", "theirs", "level"),
    [
        (("14 High St", "Leeds", "LS1 4AP"), ("Flat 2, 14 High Street", "Leeds", "LS1 4AP"), "full"),
        (("14 High St", "Leeds", ""), ("14 High Street", "Leeds", "LS1 4AP"), "line"),
        (("59 Matthews Cliffs", "Leeds", ""), ("097 Matthews Cliff", "York", ""), "other"),
        (("97 Matthews Cliffs", "Leeds", ""), ("097 Matthews Cliff", "York", ""), "line"),
        (("", "Leeds", ""), ("14 High Street", "Leeds", "LS1 4AP"), "town"),
        (("", "York", ""), ("14 High Street", "Leeds", "LS1 4AP"), "other"),
        (("", "", "LS1 4AP"), ("14 High Street", "Leeds", ""), None),
    ],
)
def test_the_address_is_one_comparison_of_line_postcode_and_town(
    typed: tuple[str, str, str], theirs: tuple[str, str, str], level: str | None
) -> None:
    """Line, postcode and town say the same thing: counted once, a household is not weighed three times."""
    stored = Candidate(uuid.uuid4(), None, candidate(("Sam", "Taylor")).names, (CandidateAddress(*theirs),))
    probe = entered("Sam", "Taylor", address_line_1=typed[0], town=typed[1], postcode=typed[2])
    assert levels(score(probe, stored)).get("address") == level


def test_sex_counts_where_both_record_it() -> None:
    stored = Candidate(uuid.uuid4(), None, candidate(("Sam", "Taylor")).names, (), "Female")
    assert levels(score(entered("Sam", "Taylor", gender="female"), stored))["sex"] == "exact"
    assert levels(score(entered("Sam", "Taylor", gender="M"), stored))["sex"] == "other"
    assert "sex" not in levels(score(entered("Sam", "Taylor", gender="prefers not to say"), stored))


def test_the_shipped_parameters_have_every_level_and_refuse_a_broken_version() -> None:
    SHIPPED.check()
    assert Parameters.from_json(SHIPPED.to_json()) == Parameters.from_json(SHIPPED.to_json())
    broken = SHIPPED.to_json()
    del broken["m"]["address"]["sector"]
    with pytest.raises(ValueError, match=r"address\.sector"):
        Parameters.from_json(broken)


def test_postcodes_are_normalised_and_checked_loosely() -> None:
    assert normalise_postcode(" sw1a1aa ") == "SW1A 1AA"
    assert normalise_postcode("ls1   4ap") == "LS1 4AP"
    assert is_uk_postcode("m1 1ae") and is_uk_postcode("B338TH") and is_uk_postcode("EC1A 1BB")
    assert not is_uk_postcode("12345") and not is_uk_postcode("SW1A") and not is_uk_postcode("")
    assert outward_code("SW1A 1AA") == "SW1A" and outward_code("nonsense") == ""


def test_rank_keeps_those_over_the_threshold_best_first_and_at_most_the_limit() -> None:
    probe = entered("John", "Smith", date_of_birth=date(1980, 1, 2))
    exact = candidate(("John", "Smith"), dob=date(1980, 1, 2))
    close = candidate(("Jon", "Smyth"), dob=date(1980, 2, 1))
    other = candidate(("Priya", "Shah"), dob=date(1995, 6, 7))
    ranked = rank(probe, [other, close, exact], threshold=60, limit=10, scorer=Scorer(population=1000))
    assert [m.person_id for m in ranked] == [exact.person_id, close.person_id]
    assert [m.person_id for m in rank(probe, [close, exact], threshold=60, limit=1)] == [exact.person_id]
    assert rank(probe, [close, exact], threshold=99, limit=10)[0].person_id == exact.person_id
