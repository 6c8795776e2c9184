"""Builders for missing-person tests: a coordinator, partners, a person, episode and return form values."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from disclosure.agencies.models import Agency
from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.missing import rules, service
from disclosure.people import service as people
from disclosure.people.models import Person
from disclosure.people.schemas import PersonDetails
from tests.builders import date_time_fields, make_user, principal_for
from tests.research.builders import partner_user

UK = ZoneInfo("Europe/London")


def years_ago(years: int) -> date:
    """The UK date `years` before today (28 February for a 29 February that year lacks), so that who is a
    child and who an adult never changes with the date the tests run."""
    today = utcnow().astimezone(UK).date()
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


CHILD_BORN = years_ago(14).isoformat()
"""A child's date of birth: 14 today, whenever the tests run."""
ADULT_BORN = years_ago(30).isoformat()


def coordinator(db: Session, username: str = "dana.mash") -> Principal:
    return principal_for(
        make_user(db, Role.DATA_ADMINISTRATOR, username=username, display_name="Dana Mash").user
    )


def social_worker(db: Session, username: str = "sam.social") -> Principal:
    return partner_user(db, "childrens-social-care", username)


def agency_id(db: Session, code: str) -> str:
    return str(db.scalar(select(Agency.id).where(Agency.code == code)))


def agency(db: Session, code: str, kind: str = "childrens_social_care", mailbox: str = "") -> Agency:
    """A partner agency of `kind`, with `mailbox` as its contact email (empty: none)."""
    made = Agency(
        code=code,
        name=code.replace("-", " ").title(),
        kind=kind,
        response_working_days=5,
        contact_email=mailbox,
    )
    db.add(made)
    db.flush()
    return made


def name_childrens_social_care(db: Session, care: Agency | None) -> None:
    """The missing-person rules name `care` (or nobody) as children's social care, as an administrator
    does on the rules page."""
    saved = rules.current_settings(db)
    service.update_settings(
        db,
        principal_for(make_user(db, Role.ADMINISTRATOR).user),
        {
            "repeat_episodes": str(saved.repeat_episodes),
            "repeat_days": str(saved.repeat_days),
            "digest_hours": str(saved.digest_hours),
            "escalate_hours": str(saved.escalate_hours),
            "childrens_social_care_id": str(care.id) if care else "",
            "version": str(saved.version),
        },
    )


def person(
    db: Session, actor: Principal, given: str = "Jamie", family: str = "Rivers", born: str = CHILD_BORN
) -> Person:
    return people.create_person(
        db,
        actor,
        PersonDetails(
            given_names=given, family_name=family, date_of_birth=datetime.fromisoformat(born).date()
        ),
    )


def when(moment: datetime, name: str) -> dict[str, str]:
    return date_time_fields(name, moment)


def episode_values(hours_ago: float = 3, **overrides: Any) -> dict[str, Any]:
    reported = utcnow() - timedelta(hours=hours_ago)
    values: dict[str, Any] = {
        "care_status": "looked_after",
        "placement": "Oak House children's home",
        **when(reported, "reported"),
        "reported_by": "Oak House staff",
        **when(reported - timedelta(hours=1), "last_seen"),
        "last_seen_place": "Bus station, Leeds",
        "clothing": "Black hoodie, grey joggers",
        "risk_level": "medium",
        "risk_rationale": "Young, first episode this month, known associates in the city centre",
        "risk_source": "Call handler and care home manager",
        "risk_factors": ["exploitation"],
    }
    values.update(overrides)
    return values


def return_values(hours_ago: float = 1, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        **when(utcnow() - timedelta(hours=hours_ago), "returned"),
        "return_place": "Friend's flat, Armley",
        "returned_with": "Two older males",
        "safe_and_well": "concerns",
        "safe_and_well_notes": "Tired; said she had been given alcohol",
    }
    values.update(overrides)
    return values
