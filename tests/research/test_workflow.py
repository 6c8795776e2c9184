"""The package and partner-request transition tables: every row is walked, every other pair refused."""

from __future__ import annotations

import itertools

import pytest

from disclosure.errors import InvalidTransition
from disclosure.research.workflow import (
    PARTNER_TRANSITIONS,
    TRANSITIONS,
    PackageStatus,
    PackageVerb,
    PartnerRequestStatus,
    PartnerVerb,
    partner_transition,
    transition,
)


@pytest.mark.parametrize(("pair", "target"), list(TRANSITIONS.items()), ids=str)
def test_every_package_transition_in_the_table_applies(
    pair: tuple[PackageStatus, PackageVerb], target: PackageStatus
) -> None:
    assert transition(*pair) is target


@pytest.mark.parametrize(
    "pair", [p for p in itertools.product(PackageStatus, PackageVerb) if p not in TRANSITIONS], ids=str
)
def test_every_other_package_pair_is_refused(pair: tuple[PackageStatus, PackageVerb]) -> None:
    with pytest.raises(InvalidTransition, match="Possible now"):
        transition(*pair)


def test_only_submission_locks_and_only_reopening_unlocks() -> None:
    into_submitted = [pair for pair, target in TRANSITIONS.items() if target is PackageStatus.SUBMITTED]
    out_of_submitted = [pair for pair in TRANSITIONS if pair[0] is PackageStatus.SUBMITTED]
    assert into_submitted == [(PackageStatus.REVIEWED, PackageVerb.SUBMIT)]
    assert out_of_submitted == [(PackageStatus.SUBMITTED, PackageVerb.REOPEN)]


@pytest.mark.parametrize(("pair", "target"), list(PARTNER_TRANSITIONS.items()), ids=str)
def test_every_partner_request_transition_applies(
    pair: tuple[PartnerRequestStatus, PartnerVerb], target: PartnerRequestStatus
) -> None:
    assert partner_transition(*pair) is target


@pytest.mark.parametrize(
    "pair",
    [p for p in itertools.product(PartnerRequestStatus, PartnerVerb) if p not in PARTNER_TRANSITIONS],
    ids=str,
)
def test_an_answered_or_closed_request_cannot_change(pair: tuple[PartnerRequestStatus, PartnerVerb]) -> None:
    with pytest.raises(InvalidTransition, match="cannot be"):
        partner_transition(*pair)


def test_every_research_word_has_its_own_label_even_where_codes_coincide() -> None:
    from disclosure.research import vocabulary
    from disclosure.workflow import Labelled

    kinds = [
        value
        for value in vars(vocabulary).values()
        if isinstance(value, type) and value.__module__ == vocabulary.__name__ and issubclass(value, Labelled)
    ]
    assert len(kinds) >= 10
    for kind in kinds:
        assert all(member.label for member in kind)
    assert vocabulary.SourceGrade.C.label == "Not reliable"
    assert vocabulary.HandlingCode.CONDITIONS.label == "Lawful sharing permitted subject to conditions"
    assert vocabulary.grading("C", "5", "C")[1] == (
        "Source: not reliable (C); information: suspected to be false (5); "
        "handling: lawful sharing permitted subject to conditions (C)"
    )
