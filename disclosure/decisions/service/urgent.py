"""Immediate protection at first contact [Beds] (DOMAIN.md: "Immediate risk: act at once; disclose at the
initial stage only if needed for immediate protection"): nothing is disclosed before the panel, except an
urgent disclosure when the triage records an immediate risk and the action taken. An officer holding the
urgent disclosure authority (role `urgent_authoriser`) authorises and records it: what was said, to whom (by
the recipient rules of the scheme) and why it could not wait. It then waits for the panel: the decision on
the case must say whether the panel ratifies it, and signing that decision records the answer on it.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import chronology
from disclosure.accounts.roles import Role
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.decisions.models import Decision, UrgentDisclosure
from disclosure.decisions.service.common import record
from disclosure.decisions.service.recipients import capacity, find_option, recipient_options
from disclosure.decisions.vocabulary import Ratification
from disclosure.errors import InvalidTransition, PermissionDenied
from disclosure.forms import (
    LONG,
    SHORT,
    choice,
    identifier,
    parse_datetime,
    raise_if,
    required_text,
    text,
    yes_no,
)
from disclosure.requests import service as requests_service
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.vocabulary import Scheme
from disclosure.requests.workflow import RequestStatus

NOT_AUTHORISED = (
    "Only an officer with the urgent disclosure authority can authorise a disclosure before the panel"
)
BEFORE_THE_PANEL = frozenset(
    {
        RequestStatus.LOGGED,
        RequestStatus.INITIAL_CHECKS_DONE,
        RequestStatus.MEETING_HELD,
        RequestStatus.IN_RESEARCH,
        RequestStatus.AWAITING_DECISION,
    }
)


def may_authorise(actor: Principal) -> bool:
    return Role.URGENT_AUTHORISER.value in actor.roles


def why_not(case: DisclosureRequest) -> str | None:
    """Why no urgent disclosure may be made on this case now, or None."""
    if RequestStatus(case.status) not in BEFORE_THE_PANEL:
        return "The panel has decided this case: an urgent disclosure is only made before the panel"
    if case.immediate_risk is not True or not case.immediate_risk_action:
        return (
            "Nothing is disclosed before the panel unless the triage records an immediate risk and the "
            "action taken on it"
        )
    return requests_service.disclosure_barred(case)


def authorise(
    session: Session, actor: Principal, request_id: uuid.UUID, values: dict[str, Any]
) -> UrgentDisclosure:
    """Record an urgent disclosure: the recipient by the scheme's recipient rules, what was said, why it
    could not wait, when and by whom, and the confidentiality warning given."""
    if not may_authorise(actor):
        raise PermissionDenied(NOT_AUTHORISED)
    case = requests_service.load_open(session, actor, request_id)
    problem = why_not(case)
    if problem:
        raise InvalidTransition(problem)
    errors: dict[str, str] = {}
    chosen = identifier(values, "recipient", "Select who was told", errors)
    option = find_option(recipient_options(session, case), chosen) if chosen else None
    told = capacity(Scheme(case.scheme), option) if option else None
    if chosen and option is None:
        errors["recipient"] = "Select someone on the case"
    elif option is not None and told is None:
        errors["recipient"] = (
            f"{option.name} cannot be told under {Scheme(case.scheme).label}: choose the person at risk, a "
            "parent, carer or guardian of the child, or the person best placed to protect"
        )
    said = required_text(values, "words", "Enter what was said, in the words used", errors, limit=LONG)
    reason = required_text(values, "reason", "Enter why it could not wait for the panel", errors, limit=LONG)
    said_by = required_text(values, "said_by", "Enter the officer who said it", errors, limit=SHORT)
    said_at = parse_datetime(values, "said_at", "When it was said", errors)
    chronology.check("decisions.urgent", {"first_contact": case.first_contact_at, "said_at": said_at}, errors)
    warned = yes_no(values, "confidentiality_warning", "the confidentiality warning was given", errors)
    if warned is False:
        errors["confidentiality_warning"] = (
            "Give the confidentiality warning with the disclosure: misuse may lead to action"
        )
    raise_if(errors, values)
    assert option is not None
    assert told is not None
    assert said_at is not None
    urgent = UrgentDisclosure(
        request_id=case.id,
        recipient_party_id=option.party_id,
        recipient_name=option.name,
        capacity=told.value,
        said=said,
        reason=reason,
        said_at=said_at,
        said_by=said_by,
        authorised_by_id=actor.user_id,
    )
    session.add(urgent)
    session.flush()
    record(
        session,
        actor,
        "urgent.authorise",
        AuditCategory.DISCLOSURE,
        "Urgent disclosure for immediate protection, to be ratified by the next panel",
        object_type="urgent_disclosure",
        object_id=urgent.id,
        recipients=option.name,
        reference=case.reference,
        request_id=str(case.id),
    )
    return urgent


def for_case(session: Session, request_id: uuid.UUID) -> list[UrgentDisclosure]:
    return list(
        session.scalars(
            select(UrgentDisclosure)
            .where(UrgentDisclosure.request_id == request_id)
            .order_by(UrgentDisclosure.said_at)
        )
    )


def awaiting(session: Session, request_id: uuid.UUID) -> list[UrgentDisclosure]:
    """The case's urgent disclosures the panel has not yet answered."""
    return [u for u in for_case(session, request_id) if not u.ratification]


def parse_ratification(
    session: Session, case: DisclosureRequest, values: dict[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    """The decision's answer on the case's urgent disclosures, when any await one: ratified, or not with
    why. Nothing to answer: empty."""
    if not awaiting(session, case.id):
        return {"urgent_ratification": "", "urgent_ratification_notes": ""}
    answer = choice(
        values,
        "urgent_ratification",
        Ratification,
        "Say whether the panel ratifies the urgent disclosure made before it",
        errors,
    )
    notes = text(values, "urgent_ratification_notes", limit=LONG)
    if answer is Ratification.NOT_RATIFIED and not notes:
        errors["urgent_ratification_notes"] = (
            "Give the panel's reasons for not ratifying the urgent disclosure"
        )
    return {"urgent_ratification": answer.value if answer else "", "urgent_ratification_notes": notes}


def ratify(session: Session, decision: Decision) -> None:
    """At sign-off: the decision's answer goes on each urgent disclosure it answered."""
    if not decision.urgent_ratification:
        return
    now = utcnow()
    for urgent in awaiting(session, decision.request_id):
        urgent.ratification = decision.urgent_ratification
        urgent.ratification_notes = decision.urgent_ratification_notes
        urgent.ratified_decision_id, urgent.ratified_at = decision.id, now
