"""Where missing-person work shows on other pages, registered through their hooks (in `disclosure.wiring`)
so those features stay ignorant of this one: the disclosure case page lists the Right to Know considerations
raised for its people, the person page shows their missing history in brief, the data administrators' home
page lists in red the urgent notices that reached nobody about people still missing [Wales-SP], and adding
a subject or person at risk to a case raises a consideration when they have missing episodes [issue 7]."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from disclosure.auth import Principal
from disclosure.missing import service, unreached
from disclosure.missing.vocabulary import ConsiderationStatus, UnreachedReason
from disclosure.people import service as people
from disclosure.people.models import Person
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.vocabulary import PartyRole


def case_panel(session: Session, case: DisclosureRequest) -> dict[str, Any]:
    considerations = service.considerations_for_case(session, case.id)
    if not considerations:
        return {}
    names = people.summaries(session, [c.person_id for c in considerations])
    return {
        "missing_links": [
            {
                "id": c.id,
                "episode_id": c.episode_id,
                "name": names[c.person_id].display_name,
                "role": PartyRole(c.party_role).label,
                "status": ConsiderationStatus(c.status).label,
                "open": c.status == ConsiderationStatus.OPEN,
                "reason": c.reason,
            }
            for c in considerations
        ]
    }


def person_panel(session: Session, principal: Principal, person: Person) -> dict[str, Any]:
    if not principal.has_any(Role.DATA_ADMINISTRATOR.value):
        return {}
    episodes = service.person_episodes(session, person.id)
    if not episodes:
        return {}
    return {
        "missing_summary": {
            "episodes": len(episodes),
            "open": any(e.is_open for e in episodes),
            "repeat": service.repeat_status(session, person.id),
        }
    }


def home_panel(session: Session, principal: Principal) -> dict[str, Any]:
    """For a data administrator: each urgent event that reached nobody, about a person still missing,
    newest first, with the person's name and a link to the episode [Wales-SP]."""
    if not principal.has_any(Role.DATA_ADMINISTRATOR.value):
        return {}
    rows = unreached.still_missing(session)
    if not rows:
        return {}
    names = people.summaries(session, [e.person_id for _, e in rows if e.person_id])
    return {
        "missing_unreached": [
            {
                "episode_id": episode.id,
                "name": names[episode.person_id].display_name
                if episode.person_id in names
                else f"{episode.reported_name} (to confirm)",
                "event": "reported missing" if record.kind == "reported" else "risk raised",
                "reason": UnreachedReason(record.reason).label.lower(),
                "at": record.created_at,
            }
            for record, episode in rows
        ]
    }
