"""A clearly marked synthetic demo data set: one demo user per role, so anyone can try every role.

Refused in production. Every demo account's name says it is synthetic; passwords and authenticator keys
are public (in the README), which is why they must never exist on a live service.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.accounts import passwords
from disclosure.accounts.models import User, UserRole
from disclosure.accounts.roles import Role
from disclosure.audit import SYSTEM, AuditCategory
from disclosure.config import Settings
from disclosure.db import utcnow
from disclosure.errors import DisclosureError

DEMO_PASSWORD = "synthetic demo only"  # noqa: S105 (published on purpose: demo accounts only)
DEMO_USERS = {
    "demo-admin": ("Demo Administrator (synthetic)", [Role.ADMINISTRATOR]),
    "demo-data-admin": ("Demo Data Administrator (synthetic)", [Role.DATA_ADMINISTRATOR]),
    "demo-researcher": ("Demo Researcher (synthetic)", [Role.RESEARCHER]),
    "demo-panel-member": ("Demo Panel Member (synthetic)", [Role.PANEL_MEMBER]),
    "demo-panel-chair": ("Demo Panel Chair (synthetic)", [Role.PANEL_CHAIR, Role.PANEL_MEMBER]),
    "demo-officer": ("Demo Disclosing Officer (synthetic)", [Role.DISCLOSING_OFFICER]),
    "demo-auditor": ("Demo Auditor (synthetic)", [Role.AUDITOR]),
}


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


def current_code(username: str, at: datetime | None = None) -> str:
    if username not in DEMO_USERS:
        raise DisclosureError(f"{username} is not a demo user")
    return pyotp.TOTP(demo_secret(username)).at(at or utcnow())
