"""A clearly marked synthetic demo data set: one demo user per role, so anyone can try every role.

Refused in production. Every demo account's name says it is synthetic; passwords and authenticator keys
are public (in the README), which is why they must never exist on a live service.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timedelta

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.accounts import passwords
from disclosure.accounts.models import User, UserRole
from disclosure.accounts.roles import Role
from disclosure.agencies.models import Agency, AgencyMember
from disclosure.audit import SYSTEM, AuditCategory
from disclosure.config import Settings
from disclosure.db import utcnow
from disclosure.errors import DisclosureError

DEMO_PASSWORD = "synthetic demo only"  # noqa: S105 (published on purpose: demo accounts only)  # nosec B105
DEMO_USERS = {
    "demo-admin": ("Demo Administrator (synthetic)", [Role.ADMINISTRATOR]),
    "demo-data-admin": ("Demo Data Administrator (synthetic)", [Role.DATA_ADMINISTRATOR]),
    "demo-researcher": ("Demo Researcher (synthetic)", [Role.RESEARCHER]),
    "demo-panel-member": ("Demo Panel Member (synthetic)", [Role.PANEL_MEMBER]),
    "demo-panel-chair": ("Demo Panel Chair (synthetic)", [Role.PANEL_CHAIR, Role.PANEL_MEMBER]),
    "demo-officer": ("Demo Disclosing Officer (synthetic)", [Role.DISCLOSING_OFFICER]),
    "demo-auditor": ("Demo Auditor (synthetic)", [Role.AUDITOR]),
    "demo-partner": ("Demo Probation Partner (synthetic)", [Role.PARTNER]),
}
# Demo partner users answer for this agency (seeded by migration 0006).
DEMO_PARTNER_AGENCY = "probation"


def demo_secret(username: str) -> str:
    """A fixed authenticator key per demo user, so `disclosure demo code` can print a valid code."""
    return base64.b32encode(hashlib.sha256(f"disclosure-demo:{username}".encode()).digest()[:20]).decode()


def load(session: Session, settings: Settings) -> list[str]:
    """Create the demo users that do not exist yet; returns the user names created."""
    if settings.is_production:
        raise DisclosureError("The synthetic demo data set cannot be loaded in production")
    created = []
    password_hash = passwords.hash_password(DEMO_PASSWORD)
    for username, (name, roles) in DEMO_USERS.items():
        if session.scalar(select(User.id).where(User.username == username)):
            continue
        user = User(
            username=username,
            display_name=name,
            email=f"{username}@example.invalid",
            password_hash=password_hash,
            password_changed_at=utcnow(),
            totp_secret=demo_secret(username),
        )
        user.roles = [UserRole(role=r.value) for r in roles]
        session.add(user)
        session.flush()
        if Role.PARTNER in roles:
            agency = session.scalar(select(Agency).where(Agency.code == DEMO_PARTNER_AGENCY))
            if agency is not None:
                session.add(AgencyMember(user_id=user.id, agency_id=agency.id))
        audit.record(
            session,
            actor=SYSTEM,
            action="demo.load_user",
            category=AuditCategory.ADMINISTRATION,
            object_type="user",
            object_id=user.id,
            justification="Synthetic demo data set loaded",
        )
        created.append(username)
    return created


DEMO_REFERENCE = "DEMO"
"""Police reference on every synthetic request, so they are recognisable (and loaded once)."""


def load_requests(session: Session) -> int:
    """Three synthetic requests led by the demo data administrator, at different stages, so every case role
    has something to open. Skipped once loaded; the people's names say they are synthetic."""
    from disclosure.auth import Principal
    from disclosure.people import service as people
    from disclosure.people.models import Person
    from disclosure.requests import service as requests
    from disclosure.requests.models import DisclosureRequest

    lead = session.scalar(select(User).where(User.username == "demo-data-admin"))
    already = session.scalar(
        select(DisclosureRequest.id)
        .where(DisclosureRequest.police_reference.startswith(DEMO_REFERENCE))
        .limit(1)
    )
    if lead is None or already is not None:
        return 0
    actor = Principal(lead.id, lead.username, lead.display_name, lead.role_set, session_id=None)

    def person(given: str, family: str, born: str) -> Person:
        details = people.details_from_form(
            {"given_names": given, "family_name": family, "date_of_birth": born}
        )
        return people.create_person(session, actor, details)

    def contact(days_ago: int) -> dict[str, str]:
        from zoneinfo import ZoneInfo

        at = (utcnow() - timedelta(days=days_ago, hours=2)).astimezone(ZoneInfo("Europe/London"))
        return {
            "first_contact-day": str(at.day),
            "first_contact-month": str(at.month),
            "first_contact-year": str(at.year),
            "first_contact-time": at.strftime("%H:%M"),
        }

    common = {"channel": "101", "receiving_force": "Demo Constabulary (synthetic)", "alleged_crime": "no"}
    subject = person("Synthetic", "Subject-Demo", "1984-06-02")
    ask = requests.log_request(
        session,
        actor,
        {
            **common,
            **contact(3),
            "route": "right_to_ask",
            "applicant_type": "person_at_risk",
            "police_reference": f"{DEMO_REFERENCE}-1",
        },
    )
    applicant = person("Synthetic", "Applicant-Demo", "1991-03-14")
    requests.add_party(
        session,
        actor,
        ask.id,
        applicant.id,
        {
            "role": "applicant",
            "safe_channels": ["phone"],
            "safe_phone": "07700 900000",
            "no_messages": "yes",
            "safe_contact_method": "Synthetic: use a withheld number",
            "safe_times": "Weekdays 9am to 2pm",
        },
    )
    requests.add_party(session, actor, ask.id, applicant.id, {"role": "person_at_risk"})
    requests.add_party(session, actor, ask.id, subject.id, {"role": "subject"})
    requests.record_triage(
        session,
        actor,
        ask.id,
        {"immediate_risk": "no", "dash_done": "yes", "dash_score": "11", "rag": "amber"},
    )
    know = requests.log_request(
        session,
        actor,
        {
            **common,
            **contact(20),
            "route": "right_to_know",
            "police_reference": f"{DEMO_REFERENCE}-2",
            "information_received": "Synthetic partner referral: concerning behaviour towards a new partner",
        },
    )
    requests.add_party(session, actor, know.id, subject.id, {"role": "subject"})
    requests.log_request(
        session,
        actor,
        {
            **common,
            **contact(0),
            "route": "csods_application",
            "applicant_type": "parent_or_carer",
            "police_reference": f"{DEMO_REFERENCE}-3",
        },
    )
    return 3


def current_code(username: str, at: datetime | None = None) -> str:
    if username not in DEMO_USERS:
        raise DisclosureError(f"{username} is not a demo user")
    return pyotp.TOTP(demo_secret(username)).at(at or utcnow())
