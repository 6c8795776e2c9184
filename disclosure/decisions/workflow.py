"""The decision's lifecycle and the panel meeting's: ONE table each of (status, verb) -> next status.

A member taking part drafts the decision and may change the draft; the chair of the meeting signs it off
after re-authentication, and a signed decision never changes again: a correction is an addendum and the
original stays (DOMAIN.md "Decision", "No disclosure" [DVDS-2023][ASP-CSODS][Bexley][issue 5]). Signing a
signed decision is refused as a `Conflict` ("This decision is already signed off": it has been done), as it
always was: `service.sign` asks `DECISIONS.can` first and raises it, then takes the next status from the
table into its conditional UPDATE, so two concurrent sign-offs have one effect.

A panel meeting is scheduled until its convener closes it, once every case on its agenda has a signed
decision or has been taken off [issue 5]; nothing reopens a closed meeting.

Preconditions beyond the status (quorum, the chair signing, the signer not the drafter) are checked by the
service verb before it asks for the next status.
"""

from __future__ import annotations

from enum import StrEnum

from disclosure.decisions.vocabulary import DecisionStatus, MeetingStatus
from disclosure.workflow import Workflow


class DecisionVerb(StrEnum):
    SIGN_OFF = "sign_off"


DECISIONS: Workflow[DecisionStatus, DecisionVerb] = Workflow(
    "decision", {(DecisionStatus.DRAFT, DecisionVerb.SIGN_OFF): DecisionStatus.SIGNED}
)


class MeetingVerb(StrEnum):
    CLOSE = "close"


def _meeting_refusal(status: MeetingStatus, _verb: MeetingVerb) -> str:
    return f"This meeting is {status.label.lower()}"


MEETINGS: Workflow[MeetingStatus, MeetingVerb] = Workflow(
    "meeting",
    {(MeetingStatus.SCHEDULED, MeetingVerb.CLOSE): MeetingStatus.CLOSED},
    refusal=_meeting_refusal,
)
