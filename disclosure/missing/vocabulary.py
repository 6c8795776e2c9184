"""The words of missing-person coordination [APP-missing][Lewisham]: care status, risk factors, return
home interview outcomes, who is told, and what a notification is about. Risk levels themselves are data
(`missing_risk_levels`, seeded by migration 0009), because forces word the continuum differently."""

from __future__ import annotations

from disclosure.workflow import Labelled


class CareStatus(Labelled):
    """The person's care status when they went missing [APP-missing][Lewisham]."""

    NONE = "none", "None of these"
    LOOKED_AFTER = "looked_after", "Looked-after child"
    CP_PLAN = "cp_plan", "Child on a child-protection plan"
    CARE_LEAVER = "care_leaver"
    ADULT_CARE_NEEDS = "adult_care_needs", "Adult with care and support needs"


class RiskFactor(Labelled):
    """Risk factors recorded for an episode [APP-missing]."""

    EXPLOITATION = "exploitation", "Exploitation (sexual or criminal)"
    MENTAL_HEALTH = "mental_health"
    SELF_HARM = "self_harm", "Self-harm or suicide risk"
    MEDICATION = "medication", "Needs medication"


class SafeAndWell(Labelled):
    """The police safe-and-well check on return [APP-missing]."""

    COMPLETED = "completed"
    NO_CONCERNS = "no_concerns", "Completed, no concerns"
    CONCERNS = "concerns", "Completed, concerns found"
    NOT_COMPLETED = "not_completed"


class EpisodeStatus(Labelled):
    OPEN = "open", "Missing"
    CLOSED = "closed", "Returned"


class InterviewOutcome(Labelled):
    """Where a return home interview stands: it is offered after every episode, within 72 hours of the
    return; a decision not to offer one needs a reason [MissingPeople-2024][Lewisham]."""

    DUE = "due", "To be offered"
    OFFERED = "offered"
    COMPLETED = "completed"
    DECLINED = "declined"
    NOT_OFFERED = "not_offered"


class InterviewKind(Labelled):
    """Which interview follows a return: a child's return home interview (within 72 hours, a reason needed
    for not offering one) [MissingPeople-2024][Lewisham], or an adult's prevention interview, which is
    optional and has no clock. An adult is 18 or over when the episode is reported, or an adult with care
    and support needs (`rules.adult_at`)."""

    RETURN_HOME = "return_home", "Return home interview"
    PREVENTION = "prevention", "Prevention interview"


class PartnerRole(Labelled):
    """Who is told about an episode [Wales-SP][Lewisham]: children's social care's MASH mailbox stands in
    for a child with neither an allocated social worker nor a placing authority."""

    SOCIAL_WORKER = "social_worker", "Allocated social worker"
    PLACING_AUTHORITY = "placing_authority"
    SOCIAL_CARE = "social_care", "Children's social care (no social worker or placing authority)"
    SCHOOL = "school"
    HEALTH = "health"


class UnreachedReason(Labelled):
    """Why an urgent event reached nobody at once [Wales-SP]."""

    NO_RECIPIENT = "no_recipient", "Nobody is known to tell"
    NO_MAILBOX = "no_mailbox", "The partner told has no mailbox"
    PERSON_TO_CONFIRM = "person_to_confirm", "The person is still to be confirmed"


class ProtocolKind(Labelled):
    """Forms prepared in advance by a carer and released to police on a missing report: Philomena for
    children in care, Herbert for adults with dementia [Philomena][Herbert]."""

    PHILOMENA = "philomena", "Philomena protocol"
    HERBERT = "herbert", "Herbert protocol"


class ConsiderationStatus(Labelled):
    OPEN = "open", "To consider"
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"


class MatchStatus(Labelled):
    """A feed row whose person could not be matched with certainty waits for a person to confirm."""

    PENDING = "pending", "To confirm"
    LINKED = "linked"
    CREATED = "created", "New person"


class ImportStatus(Labelled):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"


UNFINISHED_IMPORT_STATUSES = (ImportStatus.QUEUED, ImportStatus.RUNNING)
"""An import whose page follows its progress."""
