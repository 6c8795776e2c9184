"""The evidence package lifecycle: ONE table of (status, verb) -> next status.

A researcher drafts the package; a supervisor or second researcher reviews it (never its drafter); a
reviewed package is submitted for decision, which locks it and freezes a numbered version for the panel.
Any change after that reopens it with a reason and makes a new version; the old one stays readable, and the
panel always sees which version it decided on. A change to a reviewed package voids the review.
"""

from __future__ import annotations

from enum import StrEnum

from disclosure.workflow import Labelled, Workflow


class PackageStatus(Labelled):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "With the reviewer"
    REVIEWED = "reviewed", "Reviewed"
    SUBMITTED = "submitted", "Submitted for decision"


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


PACKAGES: Workflow[PackageStatus, PackageVerb] = Workflow("package", TRANSITIONS)
allowed_verbs = PACKAGES.allowed
transition = PACKAGES.next


class PartnerRequestStatus(Labelled):
    """An information request to a partner agency: open until the partner answers or the researcher closes
    it without an answer, with a reason (submission is refused while one is open [issue 4])."""

    OPEN = "open", "Awaiting answer"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed without an answer"


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


def _partner_refusal(status: PartnerRequestStatus, verb: PartnerVerb) -> str:
    done = {PV.CHASE: "chased", PV.ANSWER: "answered", PV.CLOSE: "closed"}[verb]
    return f"This request is '{status.label.lower()}': it cannot be {done} now"


PARTNER_REQUESTS: Workflow[PartnerRequestStatus, PartnerVerb] = Workflow(
    "partner request", PARTNER_TRANSITIONS, refusal=_partner_refusal
)
partner_transition = PARTNER_REQUESTS.next
