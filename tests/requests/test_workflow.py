"""The request lifecycle table: every row is allowed, every other (status, verb) pair is refused."""

import pytest

from disclosure.errors import InvalidTransition
from disclosure.requests.workflow import (
    CLOSED_REQUEST_STATUSES,
    OPEN_REQUEST_STATUSES,
    TRANSITIONS,
    RequestStatus,
    Verb,
    allowed_verbs,
    transition,
)

ALL_PAIRS = [(s, v) for s in RequestStatus for v in Verb]
REFUSED = [pair for pair in ALL_PAIRS if pair not in TRANSITIONS]


@pytest.mark.parametrize(("status", "verb"), list(TRANSITIONS), ids=str)
def test_every_row_of_the_table_moves_the_request_on(status: RequestStatus, verb: Verb) -> None:
    assert transition(status, verb) is TRANSITIONS[(status, verb)]


@pytest.mark.parametrize(("status", "verb"), REFUSED, ids=str)
def test_every_other_pair_is_refused_with_what_is_possible(status: RequestStatus, verb: Verb) -> None:
    with pytest.raises(InvalidTransition) as refused:
        transition(status, verb)
    assert status.label in refused.value.message


def test_withdrawal_is_possible_from_every_open_stage_and_no_closed_one() -> None:
    assert {s for s in RequestStatus if Verb.WITHDRAW in allowed_verbs(s)} == set(OPEN_REQUEST_STATUSES)
    assert all(not allowed_verbs(s) for s in CLOSED_REQUEST_STATUSES)


@pytest.mark.parametrize("decision", [Verb.DECIDE_TO_DISCLOSE, Verb.DECIDE_NOT_TO_DISCLOSE])
def test_the_happy_path_reaches_closed(decision: Verb) -> None:
    status = RequestStatus.LOGGED
    for verb in (
        Verb.COMPLETE_INITIAL_CHECKS,
        Verb.RECORD_MEETING,
        Verb.START_RESEARCH,
        Verb.SUBMIT_FOR_DECISION,
        decision,
        Verb.RECORD_OUTCOME_DELIVERED,
        Verb.CLOSE,
    ):
        status = transition(status, verb)
    assert status is RequestStatus.CLOSED


def test_the_table_has_refusals_to_test() -> None:
    # 10 statuses x 11 verbs; guards against the table silently allowing everything
    assert len(REFUSED) > 60
