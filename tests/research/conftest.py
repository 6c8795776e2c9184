"""Fixtures for research tests: a data administrator, a researcher and a reviewer."""

import pytest
from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from disclosure.auth import Principal
from tests.builders import make_user, principal_for
from tests.research.builders import second_researcher


@pytest.fixture
def clerk(db: Session) -> Principal:
    return principal_for(
        make_user(db, Role.DATA_ADMINISTRATOR, username="dana.admin", display_name="Dana Clerk").user
    )


@pytest.fixture
def researcher(db: Session) -> Principal:
    return principal_for(
        make_user(db, Role.RESEARCHER, username="rory.research", display_name="Rory Research").user
    )


@pytest.fixture
def reviewer(db: Session) -> Principal:
    return second_researcher(db)
