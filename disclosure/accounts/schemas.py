"""Data shapes for the accounts API (data only, no behaviour)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from disclosure.accounts.models import User


@dataclass
class UserView:
    id: uuid.UUID
    username: str
    display_name: str
    email: str
    roles: list[str]
    active: bool
    mfa_enrolled: bool
    invited: bool
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> UserView:
        return cls(
            id=user.id,
            username=user.username,
            display_name=user.display_name,
            email=user.email,
            roles=sorted(user.role_set),
            active=user.is_active,
            mfa_enrolled=user.mfa_enrolled,
            invited=user.password_hash is None,
            created_at=user.created_at,
        )


@dataclass
class MeView:
    id: uuid.UUID
    username: str
    display_name: str
    roles: list[str]


@dataclass
class CreateUserForm:
    username: str
    display_name: str
    email: str
    roles: list[str] = field(default_factory=list)


@dataclass
class CreatedUserView:
    user: UserView
    invitation_link: str
