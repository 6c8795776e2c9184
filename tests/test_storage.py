"""Attachment stores: random keys, integrity checks, and no file left behind when its row is not."""

from __future__ import annotations

import hashlib
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from time_machine import TimeMachineFixture

from disclosure.config import Settings
from disclosure.errors import NotFound
from disclosure.storage import DamagedFile, DatabaseStore, LocalFileStore, StoredFile, store_for

DATA = b"%PDF-1.7 evidence"


@pytest.fixture
def local(tmp_path: Path) -> LocalFileStore:
    return LocalFileStore(tmp_path / "attachments")


def test_a_local_file_is_kept_under_a_random_key_readable_only_by_the_service(
    local: LocalFileStore, db: Session
) -> None:
    key = local.put(db, DATA)
    db.commit()
    path = local.path_for(key)
    assert len(key) == 64 and int(key, 16) >= 0
    assert path == local.root / key[:2] / key
    assert path.read_bytes() == DATA
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert local.read(db, key, sha256=hashlib.sha256(DATA).hexdigest()) == DATA
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".upload-")]


def test_keys_are_never_reused(local: LocalFileStore, db: Session) -> None:
    assert len({local.put(db, DATA) for _ in range(20)}) == 20


def test_a_rolled_back_unit_of_work_takes_its_files_with_it(local: LocalFileStore, db: Session) -> None:
    key = local.put(db, DATA)
    db.rollback()
    assert not local.path_for(key).exists()


def test_a_failed_commit_leaves_neither_file_nor_row(local: LocalFileStore, db: Session) -> None:
    key = local.put(db, DATA)
    db.add(StoredFile(key="f" * 64, content=b"", size=0, sha256=None))  # NOT NULL: the flush fails
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()
    assert not local.path_for(key).exists()


def test_a_committed_file_survives_later_rollbacks(local: LocalFileStore, db: Session) -> None:
    key = local.put(db, DATA)
    db.commit()
    local.put(db, b"second")
    db.rollback()
    assert local.path_for(key).read_bytes() == DATA


def test_a_changed_file_is_not_served(local: LocalFileStore, db: Session) -> None:
    key = local.put(db, DATA)
    db.commit()
    local.path_for(key).write_bytes(b"tampered")
    with pytest.raises(DamagedFile):
        local.read(db, key, sha256=hashlib.sha256(DATA).hexdigest())


@pytest.mark.parametrize("key", ["../../etc/passwd", "A" * 64, "0" * 63, ""])
def test_only_well_formed_keys_are_looked_up(local: LocalFileStore, db: Session, key: str) -> None:
    with pytest.raises(NotFound):
        local.read(db, key)


def test_a_missing_file_is_reported_plainly(local: LocalFileStore, db: Session) -> None:
    with pytest.raises(NotFound, match="missing from the attachment store"):
        local.read(db, "0" * 64)


def test_orphans_are_old_files_no_row_refers_to(local: LocalFileStore, db: Session) -> None:
    kept, orphan, young = (local.put(db, DATA) for _ in range(3))
    db.commit()
    for key in (kept, orphan):
        os.utime(local.path_for(key), (0, 0))
    assert local.orphans({kept}) == [orphan]
    assert sorted(local.orphans({kept}, older_than=timedelta(0))) == sorted([orphan, young])


@pytest.mark.parametrize("skew", [timedelta(days=366), -timedelta(days=366)], ids=["ahead", "behind"])
def test_file_ages_are_read_on_the_file_system_s_clock(
    local: LocalFileStore, db: Session, time_machine: TimeMachineFixture, skew: timedelta
) -> None:
    # A process clock a year out (a skewed server; faketime in CI) neither sweeps a file mid-upload nor
    # spares one left two hours ago. Both times come from the file system, which faketime does not fake.
    old, young = local.put(db, DATA), local.put(db, DATA)
    db.commit()
    written = local.path_for(young).stat().st_mtime
    os.utime(local.path_for(old), (written - 7200, written - 7200))
    time_machine.move_to(datetime.now(UTC) + skew)
    assert local.orphans(set()) == [old]


def test_the_database_store_keeps_contents_with_the_row(db: Session) -> None:
    store = DatabaseStore()
    key = store.put(db, DATA)
    db.flush()
    row = db.get(StoredFile, key)
    assert row is not None and row.size == len(DATA) and row.sha256 == hashlib.sha256(DATA).hexdigest()
    assert store.read(db, key, sha256=row.sha256) == DATA
    with pytest.raises(DamagedFile):
        store.read(db, key, sha256="0" * 64)


def test_the_database_store_rolls_back_with_the_unit_of_work(session_factory: sessionmaker[Session]) -> None:
    store = DatabaseStore()
    with session_factory() as session:
        key = store.put(session, DATA)
        session.rollback()
        with pytest.raises(NotFound):
            store.read(session, key)


def test_settings_choose_the_store(tmp_path: Path) -> None:
    local = store_for(Settings.from_env({}, environment="test", attachment_dir=tmp_path))
    assert isinstance(local, LocalFileStore) and local.root == tmp_path
    shared = store_for(Settings.from_env({}, environment="test", attachment_store="database"))
    assert isinstance(shared, DatabaseStore)
