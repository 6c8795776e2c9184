"""The evidence package lifecycle: ONE table of (status, verb) -> next status.

A researcher drafts the package; a supervisor or second researcher reviews it (never its drafter); a
reviewed package is submitted for decision, which locks it and freezes a numbered version for the panel.
Any change after that reopens it with a reason and makes a new version; the old one stays readable, and the
panel always sees which version it decided on. A change to a reviewed package voids the review.
"""

from __future__ import annotations

from enum import StrEnum

from disclosure.errors import InvalidTransition


class PackageStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    REVIEWED = "reviewed"
    SUBMITTED = "submitted"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    PackageStatus.DRAFT: "Draft",
    PackageStatus.IN_REVIEW: "With the reviewer",
    PackageStatus.REVIEWED: "Reviewed",
    PackageStatus.SUBMITTED: "Submitted for decision",
}

# The researcher may change checks, evidence and the summary only in these statuses (a change to a
# reviewed package sends it back to draft).
EDITABLE_STATUSES = frozenset({PackageStatus.DRAFT, PackageStatus.REVIEWED})


class PackageVerb(StrEnum):
    SEND_FOR_REVIEW = "send_for_review"
    APPROVE = "approve"
    RETURN_FOR_CHANGES = "return_for_changes"
    REVISE = "revise"
    SUBMIT = "submit"
    REOPEN = "reopen"


S, V = PackageStatus, PackageVerb

TRANSITIONS: dict[tuple[PackageStatus, PackageVerb], PackageStatus] = {
    (S.DRAFT, V.SEND_FOR_REVIEW): S.IN_REVIEW,
    (S.IN_REVIEW, V.APPROVE): S.REVIEWED,
    (S.IN_REVIEW, V.RETURN_FOR_CHANGES): S.DRAFT,
    (S.REVIEWED, V.REVISE): S.DRAFT,
    (S.REVIEWED, V.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, V.REOPEN): S.DRAFT,
}

MESSAGES = {
    S.IN_REVIEW: "The package is with the reviewer. Ask them to return it before changing it",
    S.SUBMITTED: "The package was submitted for decision and is locked. Reopen it with a reason to change it",
}


def allowed_verbs(status: PackageStatus) -> list[PackageVerb]:
    return [verb for (source, verb) in TRANSITIONS if source is status]


def transition(status: PackageStatus, verb: PackageVerb) -> PackageStatus:
    """The next status, or `InvalidTransition` saying what is possible instead."""
    try:
        return TRANSITIONS[(status, verb)]
    except KeyError:
        possible = ", ".join(v.value.replace("_", " ") for v in allowed_verbs(status)) or "nothing"
        raise InvalidTransition(
            f"A package that is '{status.label}' cannot '{verb.value.replace('_', ' ')}'. "
            f"Possible now: {possible}"
        ) from None


class PartnerRequestStatus(StrEnum):
    """An information request to a partner agency: open until the partner answers or the researcher closes
    it without an answer, with a reason (submission is refused while one is open [issue 4])."""

    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"open": "Awaiting answer", "answered": "Answered", "closed": "Closed without an answer"}[self]


class PartnerVerb(StrEnum):
    CHASE = "chase"
    ANSWER = "answer"
    CLOSE = "close"


P, PV = PartnerRequestStatus, PartnerVerb

PARTNER_TRANSITIONS: dict[tuple[PartnerRequestStatus, PartnerVerb], PartnerRequestStatus] = {
    (P.OPEN, PV.CHASE): P.OPEN,
    (P.OPEN, PV.ANSWER): P.ANSWERED,
    (P.OPEN, PV.CLOSE): P.CLOSED,
}


def partner_transition(status: PartnerRequestStatus, verb: PartnerVerb) -> PartnerRequestStatus:
    try:
        return PARTNER_TRANSITIONS[(status, verb)]
    except KeyError:
        done = {PV.CHASE: "chased", PV.ANSWER: "answered", PV.CLOSE: "closed"}[verb]
        message = f"This request is '{status.label.lower()}': it cannot be {done} now"
        raise InvalidTransition(message) from None
