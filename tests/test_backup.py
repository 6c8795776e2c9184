"""`disclosure backup` and `disclosure restore` [issue 19; QUALITY.md check 24]: a round trip on the test's
engine (SQLite, and PostgreSQL when the suite runs there) gives back every table's rows, every attachment
file and the audit chain; a damaged, edited or mismatched backup is refused and a refused restore changes
nothing."""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from disclosure import backup, migrations
from disclosure.audit import AuditEvent
from disclosure.config import Settings
from disclosure.db import create_db_engine, create_session_factory, unit_of_work
from disclosure.research import service as research
from disclosure.research.models import Attachment
from disclosure.storage import store_for
from tests import fresh_db, samples
from tests.builders import make_user, principal_for
from tests.research.builders import case_in_research, evidence_values
from tests.test_cli import run

fresh_database_url = fresh_db.fresh_database_url


def environment(url: str, folder: Path, store: str = "local") -> dict[str, str]:
    return {
        "DISCLOSURE_ATTACHMENT_STORE": store,
        "DISCLOSURE_DATABASE_URL": url,
        "DISCLOSURE_ENVIRONMENT": "test",
        "DISCLOSURE_VAR_DIR": str(folder),
        "DISCLOSURE_ATTACHMENT_DIR": str(folder / "attachments"),
        "DISCLOSURE_BASE_URL": "https://disclosure.police.example",
    }


@pytest.fixture
def store_kind() -> str:
    """Where the services keep attachment files (a test may parametrize it)."""
    return "local"


@pytest.fixture
def source(fresh_database_url: str, tmp_path: Path, store_kind: str) -> dict[str, str]:
    """A service with a case in research holding two attachment files."""
    from disclosure.accounts.roles import Role

    env = environment(fresh_database_url, tmp_path / "source", store_kind)
    store = store_for(Settings.from_env(env))
    engine = create_db_engine(fresh_database_url)
    try:
        with unit_of_work(create_session_factory(engine)) as db:
            clerk = principal_for(make_user(db, Role.DATA_ADMINISTRATOR, username="dana.admin").user)
            researcher = principal_for(make_user(db, Role.RESEARCHER, username="rory.research").user)
            case = case_in_research(db, clerk, researcher)
            item = research.record_evidence(db, researcher, case.id, evidence_values(case))
            for name, data in (("PNC print.pdf", samples.pdf()), ("photo.png", samples.image())):
                research.add_attachment(
                    db, researcher, store, case.id, item.id, filename=name, data=data, max_bytes=10**6
                )
    finally:
        engine.dispose()
    return env


@pytest.fixture
def target(database_url: str, tmp_path: Path, store_kind: str) -> Iterator[dict[str, str]]:
    """An empty service of the same engine: a database with no tables and no attachment folder."""
    with fresh_db.fresh_database(database_url, tmp_path, migrated=False) as url:
        yield environment(url, tmp_path / "target", store_kind)


def contents(env: dict[str, str]) -> dict[str, Any]:
    """Every table's row count, the attachments' bytes and the audit events, as the service reads them."""
    settings = Settings.from_env(env)
    engine = create_db_engine(env["DISCLOSURE_DATABASE_URL"])
    store = store_for(settings)
    try:
        with Session(engine) as session:
            found = backup.census(session, settings)
            files = {
                a.filename: store.read(session, a.storage_key, sha256=a.sha256)
                for a in session.scalars(select(Attachment))
            }
            events = session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    finally:
        engine.dispose()
    return {"tables": found.tables, "files": files, "chain": found.audit_problems, "events": list(events)}


@pytest.mark.parametrize("store_kind", ["local", "database"])
def test_a_backup_restores_every_row_file_and_audit_event(
    source: dict[str, str], target: dict[str, str], tmp_path: Path
) -> None:
    before = contents(source)
    archive = tmp_path / "backups" / "service.tar"
    code, output = run(source, "backup", str(archive))
    assert code == 0, output
    assert "2 attachment files" in output and "chain verified" in output
    assert archive.stat().st_mode & 0o077 == 0  # it holds every record: the service's user only
    assert "backup.created" in contents(source)["events"]

    code, output = run(target, "restore", str(archive))
    assert code == 0, output
    after = contents(target)
    restored_event = {"audit_events": before["tables"]["audit_events"] + 1}
    assert after["tables"] == before["tables"] | restored_event
    assert after["files"] == before["files"] and len(after["files"]) == 2
    assert after["chain"] == []
    # the backup's own event follows its snapshot, so the restored trail has the restore's instead
    assert after["events"] == [*before["events"], "backup.restored"]
    assert after["tables"]["people"] == before["tables"]["people"] > 0


def test_a_backup_never_overwrites_a_file(source: dict[str, str], tmp_path: Path) -> None:
    archive = tmp_path / "taken.tar"
    archive.write_bytes(b"an earlier backup")
    code, output = run(source, "backup", str(archive))
    assert code == 1 and "exists already" in output
    assert archive.read_bytes() == b"an earlier backup"


def _rewritten(archive: Path, to: Path, change: Any) -> Path:
    """A copy of `archive` with each member passed through `change(name, data)`."""
    with tarfile.open(archive) as original, tarfile.open(to, "w") as copy:
        for member in original.getmembers():
            handle = original.extractfile(member)
            assert handle is not None
            data = change(member.name, handle.read())
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return to


def _flip(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


def _manifest(edit: Any) -> Any:
    def change(name: str, data: bytes) -> bytes:
        if name != backup.MANIFEST:
            return data
        raw = json.loads(data)
        edit(raw)
        return json.dumps(raw).encode()

    return change


def _other_engine(raw: dict[str, Any]) -> None:
    raw["engine"] = "postgresql" if raw["engine"] == "sqlite" else "sqlite"


def _unknown_migration(raw: dict[str, Any]) -> None:
    raw["census"]["revision"] = "9999_from_the_future"


def _more_people(raw: dict[str, Any]) -> None:
    raw["census"]["tables"]["people"] += 1


DAMAGE = [
    (
        lambda name, data: _flip(data) if name.startswith(backup.FILES) else data,
        "does not match its checksum",
    ),
    (
        lambda name, data: _flip(data) if name.startswith("database.") else data,
        "database copy does not match",
    ),
    (lambda name, data: b"{not json" if name == backup.MANIFEST else data, "manifest cannot be read"),
    (_manifest(_other_engine), "restore it into the same kind of database"),
    (_manifest(_unknown_migration), "does not know"),
    (_manifest(_more_people), "people has"),
]


@pytest.mark.parametrize(("change", "told"), DAMAGE)
def test_a_damaged_or_mismatched_backup_is_refused_and_changes_nothing(
    source: dict[str, str], target: dict[str, str], tmp_path: Path, change: Any, told: str
) -> None:
    archive = tmp_path / "service.tar"
    assert run(source, "backup", str(archive))[0] == 0
    damaged = _rewritten(archive, tmp_path / "damaged.tar", change)

    code, output = run(target, "restore", str(damaged))
    assert code == 1 and told in output, output
    assert not Path(target["DISCLOSURE_ATTACHMENT_DIR"]).exists()
    engine = create_db_engine(target["DISCLOSURE_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            assert inspect(connection).get_table_names() == []
    finally:
        engine.dispose()


def test_a_truncated_archive_is_refused(
    source: dict[str, str], target: dict[str, str], tmp_path: Path
) -> None:
    archive = tmp_path / "service.tar"
    assert run(source, "backup", str(archive))[0] == 0
    cut = tmp_path / "cut.tar"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 3])
    code, output = run(target, "restore", str(cut))
    assert code == 1 and ("damaged" in output or "is missing" in output), output
    code, output = run(target, "restore", "--check-only", str(archive))
    assert code == 0 and "is whole" in output


def test_a_restore_over_a_service_in_use_needs_replace_and_keeps_what_was_there(
    source: dict[str, str], tmp_path: Path
) -> None:
    archive = tmp_path / "service.tar"
    assert run(source, "backup", str(archive))[0] == 0
    before = contents(source)
    settings = Settings.from_env(source)
    made = run(
        source,
        "users",
        "create",
        "--username",
        "late.joiner",
        "--name",
        "Late Joiner",
        "--email",
        "late@police.example",
        "--role",
        "researcher",
    )  # a change after the backup
    assert made[0] == 0, made[1]
    changed = contents(source)

    code, output = run(source, "restore", str(archive))
    assert code == 1 and "--replace" in output and "Nothing was restored" in output
    assert contents(source)["tables"] == changed["tables"]

    code, output = run(source, "restore", "--replace", str(archive))
    assert code == 0, output
    assert "kept" in output
    restored = contents(source)
    assert restored["tables"]["users"] == before["tables"]["users"] == changed["tables"]["users"] - 1
    assert restored["files"] == before["files"]
    assert any(p.name.startswith("attachments.replaced-") for p in settings.attachment_dir.parent.iterdir())
    assert restored["chain"] == []


def test_a_backup_from_an_earlier_migration_restores_and_is_migrated(
    database_url: str, target: dict[str, str], tmp_path: Path
) -> None:
    """A backup taken before an upgrade restores into this version: verified at its own migration, then
    migrated to the latest."""
    with fresh_db.fresh_database(database_url, tmp_path, migrated=False) as url:
        migrations.upgrade(url, "0030")
        older = environment(url, tmp_path / "older")
        archive = tmp_path / "older.tar"
        code, output = run(older, "backup", str(archive))
        assert code == 0, output
    assert backup.verify_archive(archive).census.revision == "0030"
    code, output = run(target, "restore", str(archive))
    assert code == 0, output
    assert migrations.is_current(target["DISCLOSURE_DATABASE_URL"])
