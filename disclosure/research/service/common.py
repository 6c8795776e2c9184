"""What the research verbs share: opening a case for research (need to know), the package of a case, the
rule that only a draft package changes, version checks and audit events."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.accounts.directory import user_names
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.errors import InvalidTransition
from disclosure.requests import service as requests_service
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.vocabulary import PartyRole
from disclosure.requests.workflow import RequestStatus, require_open
from disclosure.research.models import ResearchPackage
from disclosure.research.workflow import (
    EDITABLE_STATUSES,
    MESSAGES,
    PackageStatus,
    PackageVerb,
    transition,
)

__all__ = ["user_names"]  # research modules import it from here

# Research happens while the request is in research; the package is read while a decision is awaited and
# after it (the panel's version stays readable).
RESEARCH_STATUSES = frozenset({RequestStatus.IN_RESEARCH})


def record(
    session: Session,
    actor: Principal,
    case: DisclosureRequest,
    action: str,
    category: AuditCategory,
    justification: str,
    *,
    object_type: str = "request",
    object_id: uuid.UUID | None = None,
    recipients: str | None = None,
    **details: Any,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"research.{action}",
        category=category,
        object_type=object_type,
        object_id=object_id or case.id,
        justification=justification,
        recipients=recipients,
        details={"reference": case.reference, **details},
    )


def roles_by_person(case: DisclosureRequest) -> dict[uuid.UUID, list[PartyRole]]:
    """Every role each person holds on the case, in the order the roles are listed: one person may be both
    the person at risk and the applicant (two `case_parties` rows), and every role counts."""
    order = list(PartyRole)
    found: dict[uuid.UUID, list[PartyRole]] = {}
    for party in case.parties:
        roles = found.setdefault(party.person_id, [])
        if PartyRole(party.role) not in roles:
            roles.append(PartyRole(party.role))
    return {person: sorted(roles, key=order.index) for person, roles in found.items()}


def role_words(roles: list[PartyRole]) -> str:
    """A person's roles in words: "Applicant and person at risk"."""
    labels = [role.label.lower() for role in roles]
    words = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"
    return words[:1].upper() + words[1:]


def open_case(session: Session, actor: Principal, request_id: uuid.UUID) -> DisclosureRequest:
    """The case, if the actor has a need to know (the requests feature decides; NeedToKnow otherwise)."""
    return requests_service.load(session, actor, request_id)


def case_to_change(session: Session, actor: Principal, request_id: uuid.UUID) -> DisclosureRequest:
    """The case, for a research verb that changes it: refused once the case is withdrawn or closed (the
    requests feature's rule, `requests.service.load_open`)."""
    return requests_service.load_open(session, actor, request_id)


def package_for(session: Session, case: DisclosureRequest) -> ResearchPackage:
    """The case's one evidence package, made on first use."""
    package = session.scalar(select(ResearchPackage).where(ResearchPackage.request_id == case.id))
    if package is None:
        package = ResearchPackage(request_id=case.id)
        session.add(package)
        session.flush()
    return package


def require_in_research(case: DisclosureRequest) -> None:
    require_open(case)
    if RequestStatus(case.status) not in RESEARCH_STATUSES:
        raise InvalidTransition(
            f"Research is closed for this case: it is '{RequestStatus(case.status).label}'"
        )


def begin_change(session: Session, actor: Principal, case: DisclosureRequest) -> ResearchPackage:
    """Before any change to checks, returns, evidence or the summary: the case must be in research and the
    package a draft. A change to a reviewed package voids the review, which must be given again."""
    require_in_research(case)
    package = package_for(session, case)
    status = PackageStatus(package.status)
    if status not in EDITABLE_STATUSES:
        raise InvalidTransition(MESSAGES[status])
    if status is PackageStatus.REVIEWED:
        package.status = transition(status, PackageVerb.REVISE).value
        package.reviewed_at = None
        record(
            session,
            actor,
            case,
            "package.review_voided",
            AuditCategory.ALTERATION,
            "The package changed after its review",
            object_type="research_package",
            object_id=package.id,
        )
    return package
