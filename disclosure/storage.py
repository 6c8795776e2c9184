"""Where attachment contents live: a folder on local disk (the default) or the database (for several servers).

Files are stored under random 64-hex-digit keys, never under a name a user chose, in a folder outside
anything the web server serves (QUALITY.md check 14). The row that points at a file is written in the same
unit of work as the file: the local store writes and fsyncs the file first, then removes it again if that
unit of work rolls back, so a failure leaves neither a row without its file nor (short of a crash between the
two) a file without its row; `LocalFileStore.orphans` finds what such a crash left behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Column, LargeBinary, String, delete, event, select
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column

from disclosure.config import Settings
from disclosure.db import Base, utcnow
from disclosure.errors import DisclosureError, NotFound

_KEY = re.compile(r"[0-9a-f]{64}")
_PENDING = "disclosure.storage.pending"
_DISCARDED = "disclosure.storage.discarded"
MISSING = "This file is missing from the attachment store. Tell your system administrator."


class StoredFile(Base):
    """An attachment's bytes, when the deployment keeps them in the database."""

    __tablename__ = "stored_files"
    __table_args__ = {
        "comment": "Attachment contents when the service keeps files in the database "
        "(DISCLOSURE_ATTACHMENT_STORE=database)."
    }

    key: Mapped[str] = mapped_column(String(64), primary_key=True, comment="Random storage key.")
    content: Mapped[bytes] = mapped_column(LargeBinary, comment="The file's bytes.")
    size: Mapped[int] = mapped_column(comment="Size in bytes.")
    sha256: Mapped[str] = mapped_column(String(64), comment="SHA-256 of the content, hex.")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When the file was stored (UTC).")


class DamagedFile(DisclosureError):
    """The stored bytes no longer match the SHA-256 taken at upload."""

    status_code = 500
    title = "The file could not be opened"


class AttachmentStore(Protocol):
    def put(self, session: Session, data: bytes) -> str:
        """Keep `data` and return its new random key; undone if `session`'s transaction rolls back."""
        ...

    def read(self, session: Session, key: str, *, sha256: str | None = None) -> bytes:
        """The bytes under `key`, checked against `sha256` when given."""
        ...

    def discard(self, session: Session, keys: Iterable[str]) -> None:
        """Remove the files under `keys` when `session`'s transaction commits (never if it rolls back)."""
        ...


def new_key() -> str:
    return secrets.token_hex(32)


def _checked(key: str) -> str:
    if not _KEY.fullmatch(key):
        raise NotFound("There is no such file.")
    return key


def _verified(data: bytes, sha256: str | None) -> bytes:
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        raise DamagedFile(
            "This file no longer matches the copy that was uploaded, so it has not been opened. "
            "Tell your system administrator."
        )
    return data


class LocalFileStore:
    """Files under `root/<first two hex digits>/<key>`, readable by the service's user only."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, key: str) -> Path:
        key = _checked(key)
        return self.root / key[:2] / key

    def put(self, session: Session, data: bytes) -> str:
        session.connection()  # begin the transaction whose end decides whether the file stays
        key = new_key()
        path = self.path_for(key)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        _sync_folder(path.parent)
        _remove_on_rollback(session, path)
        return key

    def read(self, session: Session, key: str, *, sha256: str | None = None) -> bytes:  # noqa: ARG002
        try:
            data = self.path_for(key).read_bytes()
        except FileNotFoundError:
            raise NotFound(MISSING) from None
        return _verified(data, sha256)

    def keys(self) -> Iterator[tuple[str, datetime]]:
        """Every stored key with the time its file was written, on the file system's clock."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if not folder.is_dir():
                continue
            for path in sorted(folder.iterdir()):
                if _KEY.fullmatch(path.name):
                    written = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
                    yield path.name, written

    def orphans(self, referenced: Iterable[str], *, older_than: timedelta = timedelta(hours=1)) -> list[str]:
        """Keys no row refers to, written more than `older_than` ago (younger ones may be mid-upload).

        Ages are read on the file system's clock, never this process's: the times a file carries are stamped
        by the file system (or the file server behind it), so "now" is the time it stamps on a probe file
        written in the store for the purpose. A process clock that disagrees with it (a skewed server, a
        faked clock in tests) would otherwise make a file just written look old and sweep it mid-upload."""
        if not self.root.is_dir():
            return []
        known = set(referenced)
        cutoff = self._file_system_now() - older_than
        return [key for key, written in self.keys() if key not in known and written < cutoff]

    def _file_system_now(self) -> datetime:
        with tempfile.NamedTemporaryFile(dir=self.root, prefix=".clock-") as probe:
            return datetime.fromtimestamp(os.fstat(probe.fileno()).st_mtime, tz=UTC)

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path_for(key).unlink()

    def discard(self, session: Session, keys: Iterable[str]) -> None:
        paths = [self.path_for(key) for key in keys]
        if paths:
            session.info.setdefault(_DISCARDED, []).extend(paths)
            if not event.contains(session, "after_commit", _remove_discarded):
                event.listen(session, "after_commit", _remove_discarded)
                event.listen(session, "after_soft_rollback", _forget_discarded)


class DatabaseStore:
    """Contents in the `stored_files` table: the row and the reference to it commit or roll back together."""

    def put(self, session: Session, data: bytes) -> str:
        key = new_key()
        digest = hashlib.sha256(data).hexdigest()
        session.add(StoredFile(key=key, content=data, size=len(data), sha256=digest))
        return key

    def read(self, session: Session, key: str, *, sha256: str | None = None) -> bytes:
        stored = session.scalar(select(StoredFile.content).where(StoredFile.key == _checked(key)))
        if stored is None:
            raise NotFound(MISSING)
        return _verified(stored, sha256)

    def discard(self, session: Session, keys: Iterable[str]) -> None:
        chosen = [_checked(key) for key in keys]
        for start in range(0, len(chosen), 500):
            session.execute(delete(StoredFile).where(StoredFile.key.in_(chosen[start : start + 500])))


def store_for(settings: Settings) -> AttachmentStore:
    """The store `DISCLOSURE_ATTACHMENT_STORE` names."""
    if settings.attachment_store == "database":
        return DatabaseStore()
    return LocalFileStore(settings.attachment_dir)


def _sync_folder(folder: Path) -> None:
    """Make the new directory entry durable too (the file's own fsync does not cover its name)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove_on_rollback(session: Session, path: Path) -> None:
    pending: list[Path] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = []
        event.listen(session, "after_commit", _forget_pending)
        event.listen(session, "after_transaction_end", _remove_pending)
    pending.append(path)


def _remove_discarded(session: Session) -> None:
    """After the commit that removed their rows: the files go too (a crash in between leaves orphans, which
    `LocalFileStore.orphans` finds, never a row without its file)."""
    for path in session.info.pop(_DISCARDED, []):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _forget_discarded(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_DISCARDED, None)


def _forget_pending(session: Session) -> None:
    session.info.get(_PENDING, []).clear()


def _remove_pending(session: Session, transaction: SessionTransaction, *_: Any) -> None:
    if transaction.parent is not None:
        return
    for path in session.info.get(_PENDING, []):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    _forget_pending(session)


def stored_file_columns() -> list[Column[Any]]:
    """Every column that holds a key into the attachment store, read from the metadata: the 64-character
    `*_key` columns (an evidence file's `storage_key`, a letter's `pdf_key` and `docx_key`, a protocol
    form's `file_key`), so a feature that stores files is covered without being listed here."""
    return [
        column
        for table in Base.metadata.sorted_tables
        if table.name != StoredFile.__tablename__
        for column in table.columns
        if column.name.endswith("_key") and isinstance(column.type, String) and column.type.length == 64
    ]


def stored_file_keys(session: Session) -> set[str]:
    """Every key a record holds into the attachment store."""
    found: set[str] = set()
    for column in stored_file_columns():
        found.update(key for key in session.scalars(select(column)) if key)
    return found
