"""Data shapes for the accounts API (data only, no behaviour)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

import msgspec

from disclosure.accounts.models import User


@dataclass
class UserView:
    """An account. `agency_id`: the partner agency a partner user answers for (null for none)."""

    id: uuid.UUID
    username: str
    display_name: str
    email: str
    roles: list[str]
    active: bool
    mfa_enrolled: bool
    invited: bool
    created_at: datetime
    agency_id: uuid.UUID | None = None

    @classmethod
    def of(cls, user: User, agency_id: uuid.UUID | None = None) -> UserView:
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
            agency_id=agency_id,
        )


@dataclass
class MeView:
    id: uuid.UUID
    username: str
    display_name: str
    roles: list[str]


class CreateUserForm(msgspec.Struct, forbid_unknown_fields=True):
    """Unknown fields are refused rather than ignored, so a misspelt field never passes silently."""

    username: Annotated[str, msgspec.Meta(max_length=120)]
    display_name: Annotated[str, msgspec.Meta(max_length=200)]
    email: Annotated[str, msgspec.Meta(max_length=320)]
    roles: Annotated[list[Annotated[str, msgspec.Meta(max_length=40)]], msgspec.Meta(max_length=20)] = []


class SetAgencyForm(msgspec.Struct, forbid_unknown_fields=True):
    """The partner agency the user answers for; null (or left out) for none."""

    agency_id: uuid.UUID | None = None


@dataclass
class CreatedUserView:
    user: UserView
    invitation_link: str
