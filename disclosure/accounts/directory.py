"""Who holds which role: the lists behind pickers (case workers, reviewers, partner users, panel chairs,
disclosing officers; disabled accounts are never offered), and users' names for the records they made."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.accounts.models import User


def active_users_with(session: Session, roles: Iterable[str]) -> list[User]:
    """Active users holding at least one of `roles`, by name."""
    wanted = {str(role) for role in roles}
    users = session.scalars(select(User).where(User.disabled_at.is_(None)).order_by(User.display_name))
    return [user for user in users if user.role_set & wanted]


def user_names(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """Display names by user id, for the ids given (none: an empty map, without a query)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u.display_name for u in session.scalars(select(User).where(User.id.in_(wanted)))}
