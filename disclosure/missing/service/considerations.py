"""Right to Know considerations where missing and disclosure work meet: raised, decided, merged."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.audit import Actor, AuditCategory
from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.errors import Conflict, NotFound
from disclosure.forms import present, raise_if, text
from disclosure.missing.models import Episode, LinkConsideration
from disclosure.missing.service.common import require_coordinator
from disclosure.missing.vocabulary import ConsiderationStatus
from disclosure.missing.workflow import CONSIDERATIONS, ConsiderationVerb
from disclosure.requests.models import CaseParty, DisclosureRequest
from disclosure.requests.vocabulary import PartyRole
from disclosure.requests.workflow import OPEN_REQUEST_STATUSES

LINKED_ROLES = (PartyRole.SUBJECT.value, PartyRole.PERSON_AT_RISK.value)
"""Roles on a disclosure case that make a missing episode worth a Right to Know consideration."""


# ------------------------------------------------------------------- Right to Know considerations


def raise_considerations(
    session: Session,
    actor: Actor,
    *,
    person_id: uuid.UUID,
    episode: Episode | None = None,
    request_id: uuid.UUID | None = None,
) -> list[LinkConsideration]:
    """A person in a missing episode who is a subject or person at risk on an open disclosure case (found
    from either side) raises one consideration per case and person for the data administrator."""
    if episode is None:
        episode = session.scalar(
            select(Episode)
            .where(Episode.person_id == person_id)
            .order_by(Episode.reported_at.desc())
            .limit(1)
        )
        if episode is None:
            return []
    statement = (
        select(CaseParty.request_id, CaseParty.role)
        .join(DisclosureRequest, DisclosureRequest.id == CaseParty.request_id)
        .where(
            CaseParty.person_id == person_id,
            CaseParty.role.in_(LINKED_ROLES),
            DisclosureRequest.status.in_([s.value for s in OPEN_REQUEST_STATUSES]),
        )
    )
    if request_id is not None:
        statement = statement.where(CaseParty.request_id == request_id)
    already = set(
        session.scalars(select(LinkConsideration.request_id).where(LinkConsideration.person_id == person_id))
    )
    raised = []
    for case_id, role in session.execute(statement).all():
        if case_id in already:
            continue
        already.add(case_id)
        consideration = LinkConsideration(
            request_id=case_id, person_id=person_id, episode_id=episode.id, party_role=role
        )
        session.add(consideration)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="missing.link_raised",
            category=AuditCategory.COMBINATION,
            object_type="disclosure_request",
            object_id=case_id,
            justification="Person in a missing episode is on a disclosure case: Right to Know to consider",
            details={"episode": str(episode.id), "person": str(person_id), "role": role},
        )
        raised.append(consideration)
    return raised


def on_party_added(session: Session, actor: Principal, party: CaseParty) -> None:
    """The reverse direction: a person with missing episodes added to a case as subject or person at risk."""
    if party.role in LINKED_ROLES:
        raise_considerations(session, actor, person_id=party.person_id, request_id=party.request_id)


def considerations_for_case(session: Session, request_id: uuid.UUID) -> list[LinkConsideration]:
    return list(
        session.scalars(
            select(LinkConsideration)
            .where(LinkConsideration.request_id == request_id)
            .order_by(LinkConsideration.created_at)
        )
    )


def considerations_for_person(session: Session, person_id: uuid.UUID) -> list[LinkConsideration]:
    return list(
        session.scalars(
            select(LinkConsideration)
            .where(LinkConsideration.person_id == person_id)
            .order_by(LinkConsideration.created_at)
        )
    )


def get_consideration(session: Session, actor: Principal, consideration_id: uuid.UUID) -> LinkConsideration:
    require_coordinator(actor)
    consideration = session.get(LinkConsideration, consideration_id)
    if consideration is None:
        raise NotFound("There is no such consideration")
    return consideration


def case_references(session: Session, request_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Case references by id, for pages that name the cases a consideration is about."""
    ids = list(set(request_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(DisclosureRequest.id, DisclosureRequest.reference).where(DisclosureRequest.id.in_(ids))
    )
    return dict(rows.all())


# The form's answer is the status it asks for.
_ANSWERS = {
    ConsiderationStatus.ACCEPTED.value: ConsiderationVerb.ACCEPT,
    ConsiderationStatus.DISMISSED.value: ConsiderationVerb.DISMISS,
}


def decide_consideration(
    session: Session, actor: Principal, consideration_id: uuid.UUID, values: dict[str, Any]
) -> LinkConsideration:
    """Accept (a Right to Know is worth pursuing) or dismiss a consideration, with a reason [DVDS-2023]."""
    consideration = get_consideration(session, actor, consideration_id)
    status = ConsiderationStatus(consideration.status)
    if not CONSIDERATIONS.allowed(status):  # decided: a Conflict (see CONSIDERATIONS)
        raise Conflict("This consideration has already been decided")
    errors: dict[str, str] = {}
    decision = text(values, "decision")
    verb = _ANSWERS.get(decision)
    if verb is None:
        errors["decision"] = "Select accept or dismiss"
    reason = text(values, "reason", limit=4000)
    if not reason:
        errors["reason"] = "Enter the reason for your decision"
    raise_if(errors, values)
    consideration.status = CONSIDERATIONS.next(status, present(verb)).value
    consideration.reason = reason
    consideration.decided_by_id = actor.user_id
    consideration.decided_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=f"missing.link_{decision}",
        category=AuditCategory.ALTERATION,
        object_type="disclosure_request",
        object_id=consideration.request_id,
        # The reason is case text: it stays on the consideration [issue 14 §6].
        justification=f"Right to Know consideration {decision} (reason on the consideration)",
        details={"episode": str(consideration.episode_id), "consideration": str(consideration.id)},
    )
    return consideration


def merge_considerations(session: Session, survivor_id: uuid.UUID, duplicate_id: uuid.UUID) -> None:
    """When two people are merged, one Right to Know consideration per case remains (the unique rule): the
    duplicate's goes where the survivor already has one for that case, unless only the duplicate's was
    decided, when the decision is kept in its place."""
    rows = session.scalars(
        select(LinkConsideration).where(LinkConsideration.person_id.in_([survivor_id, duplicate_id]))
    ).all()
    kept = {c.request_id: c for c in rows if c.person_id == survivor_id}
    for row in rows:
        theirs = kept.get(row.request_id)
        if row.person_id != duplicate_id or theirs is None:
            continue
        decided = row.status != ConsiderationStatus.OPEN and theirs.status == ConsiderationStatus.OPEN
        session.delete(theirs if decided else row)
    session.flush()
