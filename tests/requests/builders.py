"""Builders for request tests: realistic requests and people, made through the service verbs."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from disclosure.auth import Principal
from disclosure.clocks import uk_today
from disclosure.db import utcnow
from disclosure.people import service as people
from disclosure.requests import parties, service
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.vocabulary import PartyRole
from tests.builders import date_time_fields


def contact_fields(at: datetime) -> dict[str, str]:
    return date_time_fields("first_contact", at)


def make_request(
    db: Session,
    actor: Principal,
    *,
    route: str = "right_to_ask",
    first_contact_at: datetime | None = None,
    **overrides: Any,
) -> DisclosureRequest:
    at = first_contact_at or utcnow() - timedelta(hours=2)
    values: dict[str, Any] = {
        "route": route,
        "applicant_type": {"right_to_ask": "person_at_risk", "csods_application": "parent_or_carer"}.get(
            route, ""
        ),
        **contact_fields(at),
        "channel": "101",
        "receiving_force": "Testshire Police",
        "police_reference": "OCC/123/26",
        "information_received": {
            "right_to_know": "Partner referral about controlling behaviour",
            "csods_proactive": "Intelligence that a registered sex offender has moved in with a family",
        }.get(route, ""),
        "alleged_crime": "no",
    }
    values.update(overrides)
    return service.log_request(db, actor, values)


def make_person(
    db: Session,
    actor: Principal,
    given: str = "Sam",
    family: str = "Taylor",
    dob: date | None = date(1988, 5, 17),
    postcode: str = "",
) -> Any:
    values = {"given_names": given, "family_name": family, "postcode": postcode}
    if dob:
        values.update(
            {
                "date_of_birth-day": str(dob.day),
                "date_of_birth-month": str(dob.month),
                "date_of_birth-year": str(dob.year),
            }
        )
    return people.create_person(db, actor, people.details_from_form(values))


def add(
    db: Session, actor: Principal, case: DisclosureRequest, role: PartyRole, person: Any = None, **fields: Any
) -> Any:
    """The person (a new one by default) on the case in the role; an applicant's safe contact is a call or
    a meeting, no messages, unless `fields` say otherwise."""
    if person is None:
        # A child is a child whenever the test runs: nine years old today.
        born = (
            uk_today().replace(year=uk_today().year - 9, day=1)
            if role is PartyRole.CHILD
            else date(1988, 5, 17)
        )
        person = make_person(db, actor, given=role.value.title().replace("_", ""), family="Example", dob=born)
    values: dict[str, Any] = {"role": role.value, **fields}
    if role is PartyRole.APPLICANT:
        values.setdefault("safe_channels", ["phone", "in_person"])
        values.setdefault("safe_phone", "07700 900123")
        values.setdefault("no_messages", "yes")
        values.setdefault("safe_times", "Weekdays 9am to 2pm")
    if role is PartyRole.BEST_PLACED_TO_PROTECT and case.route == "csods_proactive":
        values.setdefault("relationship_to_child", "parent")
    service.add_party(db, actor, case.id, person.id, values)
    return person


def triage(db: Session, actor: Principal, case: DisclosureRequest, **overrides: str) -> None:
    values = {"immediate_risk": "no", "dash_done": "yes", "dash_score": "6", "rag": "green", **overrides}
    service.record_triage(db, actor, case.id, values)


def ready_for_checks(db: Session, actor: Principal, case: DisclosureRequest) -> None:
    for role in parties.required_roles(case):
        add(db, actor, case, role)
    triage(db, actor, case)


def meeting_fields(
    at: datetime, documents: list[str], outcome: str = "verified", notes: str = ""
) -> dict[str, Any]:
    return {
        **date_time_fields("meeting", at),
        "documents": documents,
        "outcome": outcome,
        "notes": notes,
    }
