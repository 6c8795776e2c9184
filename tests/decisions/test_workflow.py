"""The decision and panel meeting tables: a signed decision is final and a closed meeting stays closed."""

from __future__ import annotations

import pytest

from disclosure.decisions.vocabulary import DecisionStatus, MeetingStatus
from disclosure.decisions.workflow import DECISIONS, MEETINGS, DecisionVerb, MeetingVerb
from disclosure.errors import InvalidTransition


def test_a_draft_is_signed_off_once_and_a_signed_decision_cannot_be_signed_again() -> None:
    assert DECISIONS.next(DecisionStatus.DRAFT, DecisionVerb.SIGN_OFF) is DecisionStatus.SIGNED
    assert DECISIONS.allowed(DecisionStatus.SIGNED) == []
    with pytest.raises(InvalidTransition, match="'Signed off' cannot 'sign off'"):
        DECISIONS.next(DecisionStatus.SIGNED, DecisionVerb.SIGN_OFF)


def test_a_scheduled_meeting_is_closed_and_a_closed_one_cannot_be_closed_again() -> None:
    assert MEETINGS.next(MeetingStatus.SCHEDULED, MeetingVerb.CLOSE) is MeetingStatus.CLOSED
    assert MEETINGS.allowed(MeetingStatus.CLOSED) == []
    with pytest.raises(InvalidTransition) as refused:
        MEETINGS.next(MeetingStatus.CLOSED, MeetingVerb.CLOSE)
    assert refused.value.message == "This meeting is closed"
