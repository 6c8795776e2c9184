"""The people, the file store and the clock every retention test works with."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from disclosure.auth import Principal
from disclosure.storage import LocalFileStore
from tests.builders import make_user, principal_for
from tests.retention.builders import NOON


@pytest.fixture(autouse=True)
def noon() -> Iterator[None]:
    """The clock at noon of the suite's first day, ticking: `DUE` then holds for a suite run over midnight."""
    with time_machine.travel(NOON, tick=True):
        yield


@pytest.fixture
def store(tmp_path: Path) -> LocalFileStore:
    return LocalFileStore(tmp_path / "files")


@pytest.fixture
def clerk(db: Session) -> Principal:
    return principal_for(make_user(db, Role.DATA_ADMINISTRATOR).user)


@pytest.fixture
def researcher(db: Session) -> Principal:
    return principal_for(make_user(db, Role.RESEARCHER).user)


@pytest.fixture
def reviewer(db: Session) -> Principal:
    return principal_for(make_user(db, Role.RECORDS_REVIEWER).user)
