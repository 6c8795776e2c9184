"""Backups: the database and the attachment files in one archive, restored only once it is verified
[issue 19; QUALITY.md check 24].

`disclosure backup FILE` takes one consistent snapshot while the service runs: SQLite's online backup API (a
copy of one committed state, page by page), or for PostgreSQL `pg_dump` on a snapshot exported from a
read-only repeatable-read transaction, within which the same counts and file keys are read. The archive (a
tar file) holds the database copy, every attachment file a record of that snapshot refers to (so never a
file still being uploaded), and a manifest: the migration the database is at, each table's row count, each
file's SHA-256, the audit chain's length and head, and the database copy's SHA-256.

`disclosure restore FILE` checks the whole archive against its manifest before it touches anything (a
damaged, truncated or edited archive is refused, as is one from the other engine or from a later migration
than this code knows), restores the database and the files, and then verifies what it restored: every
table's count, every file's checksum, and the audit chain from its first event, whose head must be the
manifest's. It restores only into an empty database and attachment folder; `--replace` first moves what is
there aside (the SQLite file and the attachment folder renamed, PostgreSQL's schema renamed), never deleting
it. On SQLite the restored copy is verified before it takes the database's place.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404  # pg_dump and pg_restore only, as argument lists (_run), never a shell
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, func, inspect, make_url, select, table, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from disclosure import audit, migrations
from disclosure.audit import AuditCategory, SystemActor
from disclosure.config import Settings
from disclosure.db import create_db_engine, utcnow
from disclosure.storage import LocalFileStore, StoredFile, stored_file_columns

FORMAT = 1
"""The archive layout's version, in its manifest."""

MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
FILES = "files/"
_CHUNK = 1024 * 1024


class BackupRefused(Exception):
    """A backup or restore that cannot be done safely, with what to do about it."""


@dataclass(frozen=True)
class Census:
    """What a database holds, as a backup records it and a restore checks it."""

    revision: str
    tables: dict[str, int]
    files: dict[str, str]
    """Every attachment-store key a record refers to, with its file's SHA-256 ("" if it was missing)."""
    audit_events: int
    audit_head_seq: int
    audit_head: str
    audit_problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Manifest:
    format: int
    created_at: str
    engine: str
    attachment_store: str
    database_member: str
    database_sha256: str
    census: Census

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            raw = json.loads(data)
            census = Census(**raw.pop("census"))
            manifest = cls(census=census, **raw)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise BackupRefused(f"The backup's manifest cannot be read ({exc}): it is not a backup.") from exc
        if manifest.format != FORMAT:
            raise BackupRefused(
                f"The backup is in format {manifest.format}; this version of the service reads "
                f"format {FORMAT}."
            )
        return manifest


@dataclass(frozen=True)
class Outcome:
    """A finished backup or restore: its manifest, where it is, and anything the operator must know."""

    manifest: Manifest
    path: Path
    notes: list[str]


# ----------------------------------------------------------------------------------------------- census


def census(session: Session, settings: Settings) -> Census:
    """Count every table, checksum every referenced file and verify the audit chain, in `session`'s view
    of the database."""
    names = sorted(inspect(session.connection()).get_table_names())  # what it holds, at whatever migration
    tables = {name: int(session.scalar(select(func.count()).select_from(table(name))) or 0) for name in names}
    keys = {
        key
        for column in stored_file_columns()
        if column.table.name in names  # an older migration may not have every table that holds files
        for key in session.scalars(select(column))
        if key
    }
    files = _file_sums(session, settings, sorted(keys))
    chain = audit.verify(session)
    context = MigrationContext.configure(session.connection())
    revision = ",".join(sorted(context.get_current_heads()))
    return Census(revision, tables, files, chain.checked, chain.head_seq, chain.head_hash, chain.problems)


def _file_sums(session: Session, settings: Settings, keys: list[str]) -> dict[str, str]:
    if settings.attachment_store == "database":
        rows = session.execute(select(StoredFile.key, StoredFile.content).where(StoredFile.key.in_(keys)))
        found = {key: hashlib.sha256(content).hexdigest() for key, content in rows}
        return {key: found.get(key, "") for key in keys}
    store = LocalFileStore(settings.attachment_dir)
    return {key: _sum_of(store.path_for(key)) for key in keys}


def _sum_of(path: Path) -> str:
    try:
        with path.open("rb") as file:
            return _digest(file)
    except FileNotFoundError:
        return ""


# ----------------------------------------------------------------------------------------------- backup


def backup(settings: Settings, destination: Path) -> Outcome:
    """Write one archive of the database and its attachment files to `destination` (never over a file that
    exists), then record that a backup was taken in the audit trail."""
    if destination.exists():
        raise BackupRefused(f"{destination} exists already: choose a new file name.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=destination.parent, prefix=".backup-") as work:
        snapshot = Path(work) / "snapshot"
        if settings.is_sqlite:
            found, member = _sqlite_snapshot(settings, snapshot), SQLITE_MEMBER
        else:
            found, member = _postgres_snapshot(settings, snapshot), POSTGRES_MEMBER
        if found.audit_problems:
            raise BackupRefused(
                "The audit trail does not verify, so a backup of it could not be trusted: "
                + "; ".join(found.audit_problems[:5])
                + ". Run `disclosure audit verify` and investigate first."
            )
        manifest = Manifest(
            FORMAT,
            utcnow().isoformat(),
            "sqlite" if settings.is_sqlite else "postgresql",
            settings.attachment_store,
            member,
            _sum_of(snapshot),
            found,
        )
        partial = Path(work) / "archive.tar"
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
            _add_bytes(archive, MANIFEST, manifest.to_json())
            archive.add(snapshot, arcname=member, recursive=False)
            if settings.attachment_store == "local":
                store = LocalFileStore(settings.attachment_dir)
                for key, sha256 in found.files.items():
                    if sha256:
                        _add_bytes(archive, FILES + key, _read_checked(store.path_for(key), sha256))
        partial.chmod(0o600)  # it holds every record: readable by the service's user only
        with partial.open("rb") as file:
            os.fsync(file.fileno())
        os.replace(partial, destination)
    notes = _missing_notes(found)
    _record(settings, "backup.created", destination, manifest, notes)
    return Outcome(manifest, destination, notes)


def _sqlite_path(settings: Settings) -> Path:
    database = make_url(settings.database_url).database
    if not database or database == ":memory:":
        raise BackupRefused("An in-memory SQLite database cannot be backed up or restored.")
    return Path(database)


def _sqlite_snapshot(settings: Settings, snapshot: Path) -> Census:
    source = _sqlite_path(settings)
    if not source.exists():
        raise BackupRefused(f"There is no database at {source}.")
    with (
        contextlib.closing(sqlite3.connect(source)) as live,
        contextlib.closing(sqlite3.connect(snapshot)) as copy,
    ):
        live.backup(copy)
    return _census(settings, f"sqlite:///{snapshot}")


def _libpq_environment(url: URL) -> dict[str, str]:
    """The connection as libpq's variables, so no password appears on a command line."""
    values = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password if isinstance(url.password, str) else None,
        "PGDATABASE": url.database,
    }
    return {**os.environ, **{k: v for k, v in values.items() if v}}


def _run(command: list[str], url: URL) -> None:
    if shutil.which(command[0]) is None:
        raise BackupRefused(f"`{command[0]}` is not installed: install PostgreSQL's client tools.")
    # An argument list naming pg_dump or pg_restore, no shell; the database URL goes in the environment.
    done = subprocess.run(command, env=_libpq_environment(url), capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    if done.returncode != 0:
        raise BackupRefused(f"`{command[0]}` failed: {done.stderr.strip() or done.returncode}")


def _postgres_snapshot(settings: Settings, snapshot: Path) -> Census:
    url = make_url(settings.database_url)
    engine = create_db_engine(settings.database_url)
    try:
        repeatable = engine.connect().execution_options(isolation_level="REPEATABLE READ")
        with repeatable as connection, connection.begin():
            connection.execute(text("SET TRANSACTION READ ONLY"))
            exported = connection.scalar(text("SELECT pg_export_snapshot()"))
            command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges"]
            _run([*command, f"--snapshot={exported}", f"--file={snapshot}"], url)
            with Session(bind=connection) as session:
                return census(session, settings)
    finally:
        engine.dispose()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(utcnow().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _read_checked(path: Path, sha256: str) -> bytes:
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise BackupRefused(
            f"The attachment file {path.name} changed while it was being backed up: try again."
        )
    return data


def _missing_notes(found: Census) -> list[str]:
    missing = [key for key, sha256 in found.files.items() if not sha256]
    if not missing:
        return []
    return [
        f"{len(missing)} attachment file(s) that records refer to were already missing from the store "
        f"(listed in the manifest with no checksum), for example {missing[0]}."
    ]


def _record(settings: Settings, action: str, path: Path, manifest: Manifest, notes: list[str]) -> None:
    """The audit event of a backup taken or restored: the file and what it held, never its content."""
    engine = create_db_engine(settings.database_url)
    try:
        with Session(engine) as session, session.begin():
            audit.record(
                session,
                actor=SystemActor(label="cli"),
                action=action,
                category=AuditCategory.ADMINISTRATION,
                object_type="backup",
                object_id=path.name,
                justification="Backup of the whole service (database and attachment files)",
                details={
                    "file": str(path),
                    "taken_at": manifest.created_at,
                    "audit_events": manifest.census.audit_events,
                    "files": len(manifest.census.files),
                    "notes": notes,
                },
            )
    finally:
        engine.dispose()


# ---------------------------------------------------------------------------------------------- restore


def verify_archive(source: Path) -> Manifest:
    """Read the whole archive and check every member against its manifest, without restoring anything."""
    with _open(source) as archive:
        manifest = _manifest(archive)
        _check_members(archive, manifest)
    return manifest


@contextlib.contextmanager
def _open(source: Path) -> Iterator[tarfile.TarFile]:
    if not source.is_file():
        raise BackupRefused(f"There is no backup at {source}.")
    try:
        with tarfile.open(source, "r:") as archive:
            yield archive
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupRefused(f"The backup {source} is damaged or not a backup ({exc}).") from exc


def _manifest(archive: tarfile.TarFile) -> Manifest:
    member = _member(archive, MANIFEST)
    if member is None:
        raise BackupRefused("The backup has no manifest: it is not a backup made by this service.")
    return Manifest.from_json(_extract(archive, member).read())


def _member(archive: tarfile.TarFile, name: str) -> tarfile.TarInfo | None:
    try:
        member = archive.getmember(name)
    except KeyError:
        return None
    return member if member.isfile() else None


def _extract(archive: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    handle = archive.extractfile(member)
    if handle is None:
        raise BackupRefused(f"The backup's {member.name} cannot be read.")
    return handle


def _check_members(archive: tarfile.TarFile, manifest: Manifest) -> None:
    problems: list[str] = []
    database = _member(archive, manifest.database_member)
    if database is None:
        problems.append("the database copy is missing")
    elif _digest(_extract(archive, database)) != manifest.database_sha256:
        problems.append("the database copy does not match its checksum")
    if manifest.attachment_store == "local":
        for key, sha256 in manifest.census.files.items():
            if not sha256:
                continue
            member = _member(archive, FILES + key)
            if member is None:
                problems.append(f"the file {key} is missing")
            elif _digest(_extract(archive, member)) != sha256:
                problems.append(f"the file {key} does not match its checksum")
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise BackupRefused(f"The backup is damaged: {shown}. Nothing was restored.")


def _digest(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := handle.read(_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def restore(settings: Settings, source: Path, *, replace: bool = False) -> Outcome:
    """Restore the archive at `source` into the configured database and attachment store, verified. What
    they hold now is refused, or with `replace` moved aside first (and named in the outcome's notes); all
    refusals come before anything is changed."""
    manifest = verify_archive(source)
    engine_name = "sqlite" if settings.is_sqlite else "postgresql"
    if manifest.engine != engine_name:
        raise BackupRefused(
            f"The backup is of a {manifest.engine} database and DISCLOSURE_DATABASE_URL is {engine_name}: "
            "restore it into the same kind of database."
        )
    if manifest.attachment_store != settings.attachment_store:
        raise BackupRefused(
            f"The backup kept attachments in the {manifest.attachment_store} store and this service keeps "
            f"them in the {settings.attachment_store} store: set DISCLOSURE_ATTACHMENT_STORE to match."
        )
    _check_revision(settings, manifest.census.revision)
    occupied = _occupied(settings)
    if occupied and not replace:
        raise BackupRefused(
            f"{' and '.join(occupied)} already. Restore into an empty service, or add --replace to move what "
            "is there aside first. Nothing was restored."
        )
    notes: list[str] = []
    undo: list[Callable[[], object]] = []
    try:
        with _open(source) as archive:
            if settings.is_sqlite:
                copy = _sqlite_copy(settings, archive, manifest)
                notes += _files_aside(settings, undo)
                notes += _swap_sqlite(settings, copy, undo)
            else:
                notes += _files_aside(settings, undo)
                notes += _restore_postgres(settings, archive, manifest, undo)
            if manifest.attachment_store == "local":
                _restore_files(settings, archive, manifest, undo)
        _compare(manifest, _census(settings))
    except BaseException as exc:
        for step in reversed(undo):
            step()
        if isinstance(exc, BackupRefused) and undo:
            raise BackupRefused(f"{exc}. What was there before is back in place.") from exc
        raise
    notes += _missing_notes(manifest.census)
    migrations.upgrade(settings.database_url)
    _record(settings, "backup.restored", source, manifest, notes)
    return Outcome(manifest, source, notes)


def _occupied(settings: Settings) -> list[str]:
    """What the service holds now that a restore would overwrite."""
    found = []
    if settings.is_sqlite:
        target = _sqlite_path(settings)
        if target.exists() and _sqlite_has_tables(target):
            found.append(f"The database {target} holds tables")
    else:
        with _connected(settings) as connection:
            if inspect(connection).get_table_names():
                found.append(f"The database {make_url(settings.database_url).database} holds tables")
    if settings.attachment_store == "local" and next(iter(_keys(settings)), None) is not None:
        found.append(f"the attachment folder {settings.attachment_dir} holds files")
    return found


def _keys(settings: Settings) -> Iterator[str]:
    return (key for key, _ in LocalFileStore(settings.attachment_dir).keys())  # noqa: SIM118 (not a dict)


def _check_revision(settings: Settings, revision: str) -> None:
    scripts = ScriptDirectory.from_config(migrations.alembic_config(settings.database_url))
    known = {script.revision for script in scripts.walk_revisions()}
    unknown = [r for r in revision.split(",") if r and r not in known]
    if unknown or not revision:
        raise BackupRefused(
            f"The backup's database is at migration {revision or 'none'}, which this version of the service "
            "does not know: restore it with the version that made it (or a later one)."
        )


def _stamp() -> str:
    return utcnow().strftime("%Y%m%dT%H%M%SZ")


def _files_aside(settings: Settings, undo: list[Callable[[], object]]) -> list[str]:
    folder = settings.attachment_dir
    if settings.attachment_store != "local" or next(iter(_keys(settings)), None) is None:
        return []
    aside = folder.with_name(f"{folder.name}.replaced-{_stamp()}")
    folder.rename(aside)

    def put_back() -> None:
        shutil.rmtree(folder, ignore_errors=True)
        aside.rename(folder)

    undo.append(put_back)
    return [f"The attachment folder that was there is kept at {aside}."]


def _restore_files(
    settings: Settings, archive: tarfile.TarFile, manifest: Manifest, undo: list[Callable[[], object]]
) -> None:
    store = LocalFileStore(settings.attachment_dir)
    if not settings.attachment_dir.exists():
        undo.append(functools.partial(shutil.rmtree, settings.attachment_dir, ignore_errors=True))
    for key, sha256 in manifest.census.files.items():
        member = _member(archive, FILES + key) if sha256 else None
        if member is None:
            continue
        path = store.path_for(key)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        data = _extract(archive, member).read()
        undo.append(functools.partial(path.unlink, missing_ok=True))
        with path.open("xb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        path.chmod(0o600)


def _sqlite_copy(settings: Settings, archive: tarfile.TarFile, manifest: Manifest) -> Path:
    """The backup's database written beside the target and verified there, before it replaces anything."""
    target = _sqlite_path(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    copy = target.with_name(f".{target.name}.restoring")
    copy.unlink(missing_ok=True)
    member = _member(archive, manifest.database_member)
    assert member is not None  # checked by verify_archive
    with copy.open("wb") as file:
        shutil.copyfileobj(_extract(archive, member), file, _CHUNK)
        file.flush()
        os.fsync(file.fileno())
    try:
        _compare(manifest, _census(settings, f"sqlite:///{copy}"), files=False)
    except BackupRefused:
        copy.unlink(missing_ok=True)
        raise
    return copy


def _swap_sqlite(settings: Settings, copy: Path, undo: list[Callable[[], object]]) -> list[str]:
    target = _sqlite_path(settings)
    notes = []
    if target.exists():
        aside = target.with_name(f"{target.name}.replaced-{_stamp()}")
        _checkpoint(target)
        target.rename(aside)
        undo.append(lambda: os.replace(aside, target))
        notes.append(f"The database that was there is kept at {aside}.")
    else:
        undo.append(lambda: target.unlink(missing_ok=True))
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(copy, target)
    return notes


def _sqlite_has_tables(path: Path) -> bool:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        found = connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
        return bool(found[0])


def _checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the database file, so the file moved aside is whole by itself."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _restore_postgres(
    settings: Settings, archive: tarfile.TarFile, manifest: Manifest, undo: list[Callable[[], object]]
) -> list[str]:
    """`pg_restore` in one transaction into an empty public schema (the one there renamed aside if it
    holds tables, and renamed back if the restore is refused)."""
    url = make_url(settings.database_url)
    notes = []
    aside = ""
    with _connected(settings) as connection:
        if inspect(connection).get_table_names():
            aside = f"replaced_{_stamp().lower()}"
            # nosemgrep: sql-bound-parameters-only (a schema name made from the clock; names cannot be bound)
            connection.execute(text(f'ALTER SCHEMA public RENAME TO "{aside}"'))
            connection.execute(text("CREATE SCHEMA public"))
            notes.append(f"The tables that were there are kept in the schema {aside}.")

    def put_back() -> None:
        with _connected(settings) as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(
                # nosemgrep: sql-bound-parameters-only (the schema name made above from the clock)
                text(f'ALTER SCHEMA "{aside}" RENAME TO public' if aside else "CREATE SCHEMA public")
            )

    undo.append(put_back)
    member = _member(archive, manifest.database_member)
    assert member is not None  # checked by verify_archive
    with tempfile.TemporaryDirectory(prefix="disclosure-restore-") as work:
        dump = Path(work) / POSTGRES_MEMBER
        with dump.open("wb") as file:
            shutil.copyfileobj(_extract(archive, member), file, _CHUNK)
        command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        _run([*command, f"--dbname={url.database}", str(dump)], url)
    return notes


@contextlib.contextmanager
def _connected(settings: Settings) -> Iterator[Connection]:
    engine = create_db_engine(settings.database_url)
    try:
        with engine.connect() as connection, connection.begin():
            yield connection
    finally:
        engine.dispose()


def _census(settings: Settings, url: str | None = None) -> Census:
    """The census of the configured database, or of the one at `url` (a copy being checked)."""
    engine = create_db_engine(url or settings.database_url)
    try:
        with Session(engine) as session:
            return census(session, settings)
    finally:
        engine.dispose()


def _compare(manifest: Manifest, found: Census, *, files: bool = True) -> None:
    """Refuse a restored database that is not the one backed up: counts, files, and the audit chain."""
    expected = manifest.census
    problems = [
        f"{table} has {found.tables.get(table)} rows, not {count}"
        for table, count in expected.tables.items()
        if found.tables.get(table) != count
    ]
    if files:
        problems += [
            f"the file {key} does not match its checksum"
            for key, sha256 in expected.files.items()
            if sha256 and found.files.get(key) != sha256
        ]
    problems += [f"the audit trail: {p}" for p in found.audit_problems[:5]]
    if (found.audit_events, found.audit_head) != (expected.audit_events, expected.audit_head):
        problems.append(
            f"the audit trail has {found.audit_events} events ending {found.audit_head[:12]}, not "
            f"{expected.audit_events} ending {expected.audit_head[:12]}"
        )
    if problems:
        raise BackupRefused("The restored service does not match its backup: " + "; ".join(problems[:8]))


def summary(outcome: Outcome) -> str:
    census_ = outcome.manifest.census
    rows = sum(census_.tables.values())
    kept = sum(1 for s in census_.files.values() if s)
    return (
        f"{rows:,} rows in {len(census_.tables)} tables, {kept:,} attachment files, "
        f"{census_.audit_events:,} audit events (chain verified, head {census_.audit_head[:12]})"
    )
