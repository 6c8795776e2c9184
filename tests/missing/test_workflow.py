"""Missing-person coordination's tables: episodes, Right to Know considerations, feed imports and matches."""

from __future__ import annotations

import pytest

from disclosure.errors import InvalidTransition
from disclosure.missing.vocabulary import ConsiderationStatus, EpisodeStatus, ImportStatus, MatchStatus
from disclosure.missing.workflow import (
    CONSIDERATIONS,
    EPISODES,
    IMPORTS,
    MATCHES,
    ConsiderationVerb,
    EpisodeVerb,
    ImportVerb,
    MatchVerb,
)


def test_an_open_episode_is_closed_by_the_return_and_a_closed_one_cannot_be_closed_again() -> None:
    assert EPISODES.next(EpisodeStatus.OPEN, EpisodeVerb.CLOSE) is EpisodeStatus.CLOSED
    assert EPISODES.allowed(EpisodeStatus.CLOSED) == []
    with pytest.raises(InvalidTransition, match="'Returned' cannot 'close'"):
        EPISODES.next(EpisodeStatus.CLOSED, EpisodeVerb.CLOSE)


@pytest.mark.parametrize("verb", list(ConsiderationVerb))
@pytest.mark.parametrize("decided", [ConsiderationStatus.ACCEPTED, ConsiderationStatus.DISMISSED])
def test_a_consideration_is_decided_once(decided: ConsiderationStatus, verb: ConsiderationVerb) -> None:
    assert CONSIDERATIONS.allowed(ConsiderationStatus.OPEN) == [
        ConsiderationVerb.ACCEPT,
        ConsiderationVerb.DISMISS,
    ]
    with pytest.raises(InvalidTransition):
        CONSIDERATIONS.next(decided, verb)


def test_an_import_runs_once_claimed_and_only_a_failed_one_runs_again() -> None:
    status = ImportStatus.QUEUED
    for verb, expected in (
        (ImportVerb.CLAIM, ImportStatus.RUNNING),
        (ImportVerb.FAIL, ImportStatus.FAILED),
        (ImportVerb.RUN_AGAIN, ImportStatus.QUEUED),
        (ImportVerb.CLAIM, ImportStatus.RUNNING),
        (ImportVerb.FINISH, ImportStatus.FINISHED),
    ):
        status = IMPORTS.next(status, verb)
        assert status is expected
    assert {s for s in ImportStatus if IMPORTS.can(s, ImportVerb.RUN_AGAIN)} == {ImportStatus.FAILED}
    assert IMPORTS.allowed(ImportStatus.FINISHED) == []


def test_a_match_is_confirmed_once_as_a_known_person_or_someone_new() -> None:
    assert MATCHES.next(MatchStatus.PENDING, MatchVerb.LINK) is MatchStatus.LINKED
    assert MATCHES.next(MatchStatus.PENDING, MatchVerb.CREATE_PERSON) is MatchStatus.CREATED
    assert MATCHES.allowed(MatchStatus.LINKED) == MATCHES.allowed(MatchStatus.CREATED) == []
