"""Missing-person coordination's status machines: ONE table each of (status, verb) -> next status, for the
episode, the Right to Know consideration, the feed import and the feed's uncertain match of a person.

- An episode is open while the person is missing and is closed by their return, with when and where they
  were found and the police safe-and-well check [APP-missing], typed in or brought by the feed; closing
  sets the return home interview going, due 72 hours after the return [MissingPeople-2024][Lewisham].
  Nothing reopens a closed episode. A feed row that arrives already returned is loaded closed.
- A Right to Know consideration is raised when a person in a missing episode is a subject or person at risk
  on an open disclosure case; a coordinator accepts or dismisses it, with a reason, once [DVDS-2023].
- A feed import starts queued (a file too large to load while the user waits) or running; one dispatcher
  claims a queued import and runs it; it finishes, or fails (it stopped, or was cut off: its heartbeat
  stopped); a failed import whose file is still kept is queued again and carries on after its last
  committed batch (DPA 2018 s.66 [DPA-62]).
- A feed row whose person could not be matched with certainty waits for a coordinator to link it to a
  person or to confirm that it is someone new.

Four refusals stay a `Conflict` ("This has already been done"), as they always were: closing a closed
episode, deciding a decided consideration, confirming a confirmed match, and running again an import that
has not stopped. The service verb asks the table (`can`, `allowed`) before it checks the form, and raises
the `Conflict` in its own words; every other move outside a table is the table's `InvalidTransition`.
"""

from __future__ import annotations

from enum import StrEnum

from disclosure.missing.vocabulary import ConsiderationStatus, EpisodeStatus, ImportStatus, MatchStatus
from disclosure.workflow import Workflow


class EpisodeVerb(StrEnum):
    CLOSE = "close"


EPISODES: Workflow[EpisodeStatus, EpisodeVerb] = Workflow(
    "missing episode", {(EpisodeStatus.OPEN, EpisodeVerb.CLOSE): EpisodeStatus.CLOSED}
)


class ConsiderationVerb(StrEnum):
    ACCEPT = "accept"
    DISMISS = "dismiss"


CONSIDERATIONS: Workflow[ConsiderationStatus, ConsiderationVerb] = Workflow(
    "Right to Know consideration",
    {
        (ConsiderationStatus.OPEN, ConsiderationVerb.ACCEPT): ConsiderationStatus.ACCEPTED,
        (ConsiderationStatus.OPEN, ConsiderationVerb.DISMISS): ConsiderationStatus.DISMISSED,
    },
)


class ImportVerb(StrEnum):
    CLAIM = "claim"
    FINISH = "finish"
    FAIL = "fail"
    RUN_AGAIN = "run_again"


IMPORTS: Workflow[ImportStatus, ImportVerb] = Workflow(
    "feed import",
    {
        (ImportStatus.QUEUED, ImportVerb.CLAIM): ImportStatus.RUNNING,
        (ImportStatus.RUNNING, ImportVerb.FINISH): ImportStatus.FINISHED,
        (ImportStatus.RUNNING, ImportVerb.FAIL): ImportStatus.FAILED,
        (ImportStatus.FAILED, ImportVerb.RUN_AGAIN): ImportStatus.QUEUED,
    },
)


class MatchVerb(StrEnum):
    LINK = "link"
    CREATE_PERSON = "create_person"


MATCHES: Workflow[MatchStatus, MatchVerb] = Workflow(
    "match to confirm",
    {
        (MatchStatus.PENDING, MatchVerb.LINK): MatchStatus.LINKED,
        (MatchStatus.PENDING, MatchVerb.CREATE_PERSON): MatchStatus.CREATED,
    },
)
