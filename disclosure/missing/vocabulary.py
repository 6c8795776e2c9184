"""The words of missing-person coordination [APP-missing][Lewisham]: care status, risk factors, return
home interview outcomes, who is told, and what a notification is about. Risk levels themselves are data
(`missing_risk_levels`, seeded by migration 0009), because forces word the continuum differently."""

from __future__ import annotations

from enum import StrEnum


class CareStatus(StrEnum):
    """The person's care status when they went missing [APP-missing][Lewisham]."""

    NONE = "none"
    LOOKED_AFTER = "looked_after"
    CP_PLAN = "cp_plan"
    CARE_LEAVER = "care_leaver"
    ADULT_CARE_NEEDS = "adult_care_needs"

    @property
    def label(self) -> str:
        return CARE_STATUS_LABELS[self]


CARE_STATUS_LABELS = {
    CareStatus.NONE: "None of these",
    CareStatus.LOOKED_AFTER: "Looked-after child",
    CareStatus.CP_PLAN: "Child on a child-protection plan",
    CareStatus.CARE_LEAVER: "Care leaver",
    CareStatus.ADULT_CARE_NEEDS: "Adult with care and support needs",
}


class RiskFactor(StrEnum):
    """Risk factors recorded for an episode [APP-missing]."""

    EXPLOITATION = "exploitation"
    MENTAL_HEALTH = "mental_health"
    SELF_HARM = "self_harm"
    MEDICATION = "medication"

    @property
    def label(self) -> str:
        return RISK_FACTOR_LABELS[self]


RISK_FACTOR_LABELS = {
    RiskFactor.EXPLOITATION: "Exploitation (sexual or criminal)",
    RiskFactor.MENTAL_HEALTH: "Mental health",
    RiskFactor.SELF_HARM: "Self-harm or suicide risk",
    RiskFactor.MEDICATION: "Needs medication",
}


class SafeAndWell(StrEnum):
    """The police safe-and-well check on return [APP-missing]."""

    COMPLETED = "completed"
    NO_CONCERNS = "no_concerns"
    CONCERNS = "concerns"
    NOT_COMPLETED = "not_completed"

    @property
    def label(self) -> str:
        return {
            "completed": "Completed",
            "no_concerns": "Completed, no concerns",
            "concerns": "Completed, concerns found",
            "not_completed": "Not completed",
        }[self.value]


class EpisodeStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"open": "Missing", "closed": "Returned"}[self.value]


class InterviewOutcome(StrEnum):
    """Where a return home interview stands: it is offered after every episode, within 72 hours of the
    return; a decision not to offer one needs a reason [MissingPeople-2024][Lewisham]."""

    DUE = "due"
    OFFERED = "offered"
    COMPLETED = "completed"
    DECLINED = "declined"
    NOT_OFFERED = "not_offered"

    @property
    def label(self) -> str:
        return {
            "due": "To be offered",
            "offered": "Offered",
            "completed": "Completed",
            "declined": "Declined",
            "not_offered": "Not offered",
        }[self.value]


class PartnerRole(StrEnum):
    """Who is told about an episode [Wales-SP][Lewisham]."""

    SOCIAL_WORKER = "social_worker"
    PLACING_AUTHORITY = "placing_authority"
    SCHOOL = "school"
    HEALTH = "health"

    @property
    def label(self) -> str:
        return {
            "social_worker": "Allocated social worker",
            "placing_authority": "Placing authority",
            "school": "School",
            "health": "Health",
        }[self.value]


class ProtocolKind(StrEnum):
    """Forms prepared in advance by a carer and released to police on a missing report: Philomena for
    children in care, Herbert for adults with dementia [Philomena][Herbert]."""

    PHILOMENA = "philomena"
    HERBERT = "herbert"

    @property
    def label(self) -> str:
        return {"philomena": "Philomena protocol", "herbert": "Herbert protocol"}[self.value]


class ConsiderationStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"

    @property
    def label(self) -> str:
        return {"open": "To consider", "accepted": "Accepted", "dismissed": "Dismissed"}[self.value]


class MatchStatus(StrEnum):
    """A feed row whose person could not be matched with certainty waits for a person to confirm."""

    PENDING = "pending"
    LINKED = "linked"
    CREATED = "created"

    @property
    def label(self) -> str:
        return {"pending": "To confirm", "linked": "Linked", "created": "New person"}[self.value]


class ImportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"


UNFINISHED_IMPORT_STATUSES = (ImportStatus.QUEUED, ImportStatus.RUNNING)
"""An import whose page follows its progress."""
