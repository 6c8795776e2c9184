"""The request lifecycle: ONE table of (status, verb) -> next status, and the function that applies it.

Steps from DOMAIN.md "Steps and timescales": initial contact -> initial checks and risk assessment ->
face-to-face meeting with identity verification (Right to Ask and Sarah's Law) -> research -> multi-agency
decision -> disclosure in person or outcome communicated -> closed [DVDS-2023][ASP-CSODS]. Right to Know has
no applicant and so no meeting. Withdrawal is possible at any open stage, with a reason.

Preconditions beyond the status (required people present, identity verified, ...) are checked by the service
verb before it calls `transition`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from disclosure.errors import InvalidTransition
from disclosure.requests.vocabulary import ClosureReason
from disclosure.text import format_datetime
from disclosure.workflow import Labelled, Workflow

if TYPE_CHECKING:
    from disclosure.requests.models import DisclosureRequest


class RequestStatus(Labelled):
    LOGGED = "logged", "Logged"
    INITIAL_CHECKS_DONE = "initial_checks_done", "Initial checks done"
    MEETING_HELD = "meeting_held", "Meeting held"
    IN_RESEARCH = "in_research", "In research"
    AWAITING_DECISION = "awaiting_decision", "Awaiting decision"
    TO_DISCLOSE = "to_disclose", "Decided: disclosure to deliver"
    OUTCOME_TO_COMMUNICATE = "outcome_to_communicate", "Decided: no disclosure, outcome to communicate"
    OUTCOME_DELIVERED = "outcome_delivered", "Disclosure delivered or outcome communicated"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


# A finished case: nothing on it changes again and it produces no letters (`require_open`).
CLOSED_REQUEST_STATUSES = frozenset({RequestStatus.CLOSED, RequestStatus.WITHDRAWN})
OPEN_REQUEST_STATUSES = frozenset(RequestStatus) - CLOSED_REQUEST_STATUSES
# Until the outcome reaches the recipient the whole-process clock runs.
CLOCK_RUNNING_STATUSES = OPEN_REQUEST_STATUSES - {RequestStatus.OUTCOME_DELIVERED}


class Verb(StrEnum):
    COMPLETE_INITIAL_CHECKS = "complete_initial_checks"
    RECORD_MEETING = "record_meeting"
    START_RESEARCH = "start_research"
    SUBMIT_FOR_DECISION = "submit_for_decision"
    DECIDE_TO_DISCLOSE = "decide_to_disclose"
    DECIDE_NOT_TO_DISCLOSE = "decide_not_to_disclose"
    RETURN_TO_RESEARCH = "return_to_research"
    RECORD_OUTCOME_DELIVERED = "record_outcome_delivered"
    CLOSE = "close"
    CLOSE_OUT_OF_SCOPE = "close_out_of_scope"
    WITHDRAW = "withdraw"


S, V = RequestStatus, Verb

TRANSITIONS: dict[tuple[RequestStatus, Verb], RequestStatus] = {
    (S.LOGGED, V.COMPLETE_INITIAL_CHECKS): S.INITIAL_CHECKS_DONE,
    (S.INITIAL_CHECKS_DONE, V.RECORD_MEETING): S.MEETING_HELD,
    # Right to Ask and Sarah's Law go to research after the meeting; Right to Know straight after checks.
    (S.MEETING_HELD, V.START_RESEARCH): S.IN_RESEARCH,
    (S.INITIAL_CHECKS_DONE, V.START_RESEARCH): S.IN_RESEARCH,
    (S.IN_RESEARCH, V.SUBMIT_FOR_DECISION): S.AWAITING_DECISION,
    # The panel's signed decision: disclose (delivery in person follows), do not disclose (the outcome is
    # communicated, with safety advice), or defer for more information (back to research) [DVDS-2023].
    (S.AWAITING_DECISION, V.DECIDE_TO_DISCLOSE): S.TO_DISCLOSE,
    (S.AWAITING_DECISION, V.DECIDE_NOT_TO_DISCLOSE): S.OUTCOME_TO_COMMUNICATE,
    (S.AWAITING_DECISION, V.RETURN_TO_RESEARCH): S.IN_RESEARCH,
    (S.TO_DISCLOSE, V.RECORD_OUTCOME_DELIVERED): S.OUTCOME_DELIVERED,
    (S.OUTCOME_TO_COMMUNICATE, V.RECORD_OUTCOME_DELIVERED): S.OUTCOME_DELIVERED,
    (S.OUTCOME_DELIVERED, V.CLOSE): S.CLOSED,
    # Out-of-scope Sarah's Law enquiries close early with a reason [ASP-CSODS].
    (S.LOGGED, V.CLOSE_OUT_OF_SCOPE): S.CLOSED,
    (S.INITIAL_CHECKS_DONE, V.CLOSE_OUT_OF_SCOPE): S.CLOSED,
    **{(status, V.WITHDRAW): S.WITHDRAWN for status in OPEN_REQUEST_STATUSES},
}


REQUESTS: Workflow[RequestStatus, Verb] = Workflow("request", TRANSITIONS)
allowed_verbs = REQUESTS.allowed
transition = REQUESTS.next


def finished_reason(request: DisclosureRequest) -> str:
    """Why a withdrawn or closed case can no longer change, naming how and when it finished (empty while
    the case is open)."""
    status = RequestStatus(request.status)
    if status not in CLOSED_REQUEST_STATUSES:
        return ""
    how = "withdrawn" if status is RequestStatus.WITHDRAWN else "closed"
    if status is RequestStatus.CLOSED and request.closure_reason == ClosureReason.OUT_OF_SCOPE.value:
        how = "closed as out of scope"
    when = f" on {format_datetime(request.closed_at)}" if request.closed_at else ""
    return f"This case was {how}{when}: it cannot be changed and produces no letters"


def require_open(request: DisclosureRequest) -> None:
    """Every verb that changes a case or produces one of its letters calls this first (through
    `service.load_open`, in every feature): a finished case is refused, saying how and when it finished."""
    reason = finished_reason(request)
    if reason:
        raise InvalidTransition(reason)
