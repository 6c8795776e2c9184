"""The words of retention: how a group's records reach review, the kinds of record reviewed, and what a
reviewer may decide."""

from __future__ import annotations

from disclosure.workflow import Labelled


class Rule(Labelled):
    """How a review group's records reach review [APP-MoPI][NPCC] (DOMAIN.md "Law that shapes the
    software")."""

    UNTIL_AGE = "until_age", "Kept until the subject reaches an age, reviewed at intervals"
    REVIEW = "review", "Reviewed after a clear period"
    DISPOSE = "dispose", "Disposed of after a clear period"


class RecordKind(Labelled):
    """What a retention record is about. Attachments, letters, evidence and panel records are part of their
    case and are reviewed and disposed of with it; a person's record goes with the last record about them,
    and is reviewed on its own only when nothing else refers to it."""

    DVDS_CASE = "dvds_case", "Clare's Law case"
    CSODS_CASE = "csods_case", "Sarah's Law case"
    MISSING_EPISODE = "missing_episode", "Missing episode"
    PERSON = "person", "Person's record"


class Decision(Labelled):
    RETAIN = "retain", "Retained"
    REGROUP = "regroup", "Moved to another group"
    HOLD = "hold", "Legal hold placed"
    RELEASE = "release", "Legal hold released"
