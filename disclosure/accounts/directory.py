"""Who holds which role: the lists behind pickers (case workers, reviewers, partner users, panel chairs,
disclosing officers). Disabled accounts are never offered."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.accounts.models import User


def active_users_with(session: Session, roles: Iterable[str]) -> list[User]:
    """Active users holding at least one of `roles`, by name."""
    wanted = {str(role) for role in roles}
    users = session.scalars(select(User).where(User.disabled_at.is_(None)).order_by(User.display_name))
    return [user for user in users if user.role_set & wanted]
