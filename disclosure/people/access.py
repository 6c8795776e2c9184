"""Need to know for the people index [issue 14 §3] [APP-MoPI]: a person's record (names, date of birth,
addresses, the cases and episodes they are on) is for users with access to a case or episode that involves
them, and for whoever entered the record. Anyone else with a case role states a reason first, which is
recorded, audited and lasts one shift, as for a case.

The index knows nothing of cases or episodes: the features that hold them answer through `ACCESS_HOOKS`
(registered in `disclosure.wiring`), each returning the basis on which the user may see the person through
that feature, or None. Matching at intake is not a read of the record: it shows only what intake needs to
see that a likely match exists (`service.find_matches`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from disclosure import grants
from disclosure.accounts.roles import require_case_role
from disclosure.auth import Principal
from disclosure.errors import NeedsStatedReason
from disclosure.people.models import Person, PersonAccessGrant

AccessHook = Callable[[Session, Principal, uuid.UUID], str | None]
ACCESS_HOOKS: list[AccessHook] = []
"""Features holding records about people answer (session, principal, person_id) with the basis on which the
principal may see that person through them ("Case team", "Missing-person coordinator"...), or None."""


class PersonNeedToKnow(NeedsStatedReason):
    """No case or episode of this user's involves the person: they may open the record after stating why."""

    title = "No case or episode of yours involves this person"

    def __init__(self, person_id: uuid.UUID) -> None:
        super().__init__(f"/people/{person_id}/access")
        self.message = "Say why you need to open this person's record. Your reason is recorded."
        self.person_id = person_id


def has_grant(session: Session, actor: Principal, person_id: uuid.UUID) -> bool:
    return grants.holds(session, actor, PersonAccessGrant, PersonAccessGrant.person_id == person_id)


def basis(session: Session, actor: Principal, person: Person) -> str | None:
    """Why this actor may read the person's record (the audit justification), or None."""
    for hook in ACCESS_HOOKS:
        found = hook(session, actor, person.id)
        if found:
            return found
    if person.created_by_id == actor.user_id:
        return "Entered this person's record"
    if has_grant(session, actor, person.id):
        return "Stated reason (see access grant)"
    return None


def require(session: Session, actor: Principal, person: Person) -> str:
    require_case_role(actor)
    found = basis(session, actor, person)
    if found is None:
        raise PersonNeedToKnow(person.id)
    return found


def open_with_reason(session: Session, actor: Principal, person: Person, values: dict[str, Any]) -> None:
    """Record a stated reason for opening a person's record; access lasts one working shift."""
    require_case_role(actor)
    row = PersonAccessGrant(person_id=person.id)
    grants.grant(
        session, actor, row, values, what="this person's record", object_type="person", object_id=person.id
    )
