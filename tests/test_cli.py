"""The command line against a real (throwaway) database: migrations, the set-up link, users, audit
verification (exit 1 naming the event), the synthetic demo set, and configuration errors told plainly."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from disclosure.accounts.mfa import matching_step
from disclosure.accounts.models import User, UserSession
from disclosure.audit import AuditEvent
from disclosure.cli import main
from disclosure.config import PROJECT_ROOT
from disclosure.db import create_db_engine, create_session_factory, unit_of_work, utcnow
from disclosure.demo import DEMO_USERS, demo_secret
from disclosure.requests.models import DisclosureRequest
from tests import fresh_db

fresh_database_url = fresh_db.fresh_database_url


@pytest.fixture
def cli_env(fresh_database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "DISCLOSURE_DATABASE_URL": fresh_database_url,
        "DISCLOSURE_ENVIRONMENT": "test",
        "DISCLOSURE_VAR_DIR": str(tmp_path),
        "DISCLOSURE_BASE_URL": "https://disclosure.police.example",
    }


def run(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def read(env: dict[str, str], statement: Any) -> list[Any]:
    engine = create_db_engine(env["DISCLOSURE_DATABASE_URL"])
    try:
        with unit_of_work(create_session_factory(engine)) as session:
            return list(session.scalars(statement))
    finally:
        engine.dispose()


def create(env: dict[str, str], username: str, *roles: str, email: str | None = None) -> tuple[int, str]:
    role_args = [a for r in roles for a in ("--role", r)]
    return run(
        env,
        "users",
        "create",
        "--username",
        username,
        "--name",
        f"{username.title()} Example",
        "--email",
        email or f"{username}@police.example",
        *role_args,
    )


# migrate ------------------------------------------------------------------------------------------


def test_migrate_is_idempotent(cli_env: dict[str, str]) -> None:
    assert run(cli_env, "migrate") == (0, "Database is up to date.\n")
    assert run(cli_env, "migrate") == (0, "Database is up to date.\n")
    assert run(cli_env, "deadlines", "recompute") == (0, "Deadlines recomputed: 0 moved.\n")


def test_migrate_builds_a_new_sqlite_database_in_a_new_folder(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'new.db'}"
    env = {
        "DISCLOSURE_DATABASE_URL": url,
        "DISCLOSURE_ENVIRONMENT": "test",
        "DISCLOSURE_VAR_DIR": str(tmp_path / "var"),
    }
    assert run(env, "migrate")[0] == 0
    assert read(env, select(User)) == []
    assert run(env, "audit", "verify")[0] == 0


# setup-link ---------------------------------------------------------------------------------------


def test_setup_link_only_while_no_account_exists(cli_env: dict[str, str]) -> None:
    code, output = run(cli_env, "setup-link")
    assert code == 0
    assert re.search(r"https://disclosure\.police\.example/setup/[\w-]{20,}", output)
    assert "expires in 60 minutes" in output
    assert [e.action for e in read(cli_env, select(AuditEvent))] == ["setup_link.issue"]
    create(cli_env, "ada", "administrator")
    code, output = run(cli_env, "setup-link")
    assert code == 0 and "no set-up link is needed" in output and "/setup/" not in output


def test_each_setup_link_replaces_the_last(cli_env: dict[str, str]) -> None:
    first = re.search(r"/setup/([\w-]+)", run(cli_env, "setup-link")[1])
    second = re.search(r"/setup/([\w-]+)", run(cli_env, "setup-link")[1])
    assert first and second and first.group(1) != second.group(1)


# users --------------------------------------------------------------------------------------------


def test_users_create_prints_an_invitation_and_is_audited(cli_env: dict[str, str]) -> None:
    code, output = create(cli_env, "Rory", "researcher", "data_administrator")
    assert code == 0
    assert "Created rory." in output
    assert re.search(r"https://disclosure\.police\.example/invitation/[\w-]{20,}", output)
    events = read(cli_env, select(AuditEvent).where(AuditEvent.action == "user.create"))
    assert [(e.actor_label, e.actor_id) for e in events] == [("cli", None)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--username", "rory", "--name", "Again", "--email", "x@police.example", "--role", "researcher"],
            "already taken",
        ),
        (
            ["--username", "new", "--name", "New", "--email", "not-an-email", "--role", "researcher"],
            "correct format",
        ),
        (["--username", "new", "--name", "", "--email", "n@police.example", "--role", "researcher"], "Enter"),
        (
            ["--username", "new", "--name", "New", "--email", "n@police.example", "--role", "wizard"],
            "'wizard' is not one of",
        ),
        (["--username", "new", "--name", "New", "--email", "n@police.example"], "Missing option '--role'"),
    ],
)
def test_users_create_refuses_bad_input_plainly(
    cli_env: dict[str, str], args: list[str], message: str
) -> None:
    create(cli_env, "rory", "researcher")
    code, output = run(cli_env, "users", "create", *args)
    assert code != 0
    assert message in output
    assert "Traceback" not in output
    assert [u.username for u in read(cli_env, select(User))] == ["rory"]


def test_users_list_shows_roles_and_status(cli_env: dict[str, str]) -> None:
    run(cli_env, "demo", "load")
    create(cli_env, "rory", "researcher", "data_administrator")
    code, output = run(cli_env, "users", "list")
    assert code == 0
    lines = {line.split()[0]: line.split()[1:] for line in output.splitlines()}
    assert lines["rory"] == ["invited", "data_administrator,researcher"]
    assert lines["demo-admin"] == ["active", "administrator"]
    assert len(lines) == len(DEMO_USERS) + 1


def test_reset_mfa_forgets_the_authenticator_and_ends_sessions(cli_env: dict[str, str]) -> None:
    run(cli_env, "demo", "load")
    engine = create_db_engine(cli_env["DISCLOSURE_DATABASE_URL"])
    with unit_of_work(create_session_factory(engine)) as session:
        user = session.scalar(select(User).where(User.username == "demo-officer"))
        assert user is not None
        session.add(UserSession(token_hash="a" * 64, user_id=user.id, mfa_completed_at=utcnow()))
    code, output = run(cli_env, "users", "reset-mfa", "Demo-Officer")
    assert code == 0 and "reset" in output
    with unit_of_work(create_session_factory(engine)) as session:
        user = session.scalar(select(User).where(User.username == "demo-officer"))
        assert user is not None and user.totp_secret is None
        assert session.scalar(select(UserSession.ended_at).where(UserSession.user_id == user.id)) is not None
        assert (
            session.scalar(select(AuditEvent.actor_label).where(AuditEvent.action == "user.reset_mfa"))
            == "cli"
        )
    engine.dispose()
    code, output = run(cli_env, "users", "reset-mfa", "nobody")
    assert code != 0 and "No user called nobody" in output


# audit verify -------------------------------------------------------------------------------------


def _tamper(env: dict[str, str], statement: str) -> None:
    engine = create_db_engine(env["DISCLOSURE_DATABASE_URL"])
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER audit_events_no_update"))
            connection.execute(text("DROP TRIGGER audit_events_no_delete"))
        connection.execute(text(statement))
    engine.dispose()


def test_audit_verify_exits_0_on_an_intact_chain(cli_env: dict[str, str]) -> None:
    run(cli_env, "demo", "load")
    code, output = run(cli_env, "audit", "verify")
    events = len(read(cli_env, select(AuditEvent)))
    assert code == 0
    assert events > len(DEMO_USERS)  # the users, then the synthetic requests and their people
    assert f"Audit chain intact: {events} events; head {events} " in output


@pytest.mark.parametrize(
    ("statement", "named"),
    [
        ("UPDATE audit_events SET justification = 'forged' WHERE seq = 3", "event 3 ("),
        ("DELETE FROM audit_events WHERE seq = 3", "event 3 is missing"),
    ],
)
def test_audit_verify_names_a_tampered_event_and_exits_1(
    cli_env: dict[str, str], statement: str, named: str
) -> None:
    run(cli_env, "demo", "load")
    _tamper(cli_env, statement)
    code, output = run(cli_env, "audit", "verify")
    assert code == 1
    assert "Audit chain BROKEN" in output and named in output


# demo ---------------------------------------------------------------------------------------------


def test_demo_load_creates_one_user_per_role_once(cli_env: dict[str, str]) -> None:
    code, output = run(cli_env, "demo", "load")
    assert code == 0 and f"({len(DEMO_USERS)} new users, 3 new requests)" in output
    users = read(cli_env, select(User))
    roles = {r for u in users for r in u.role_set}
    assert roles == {r.value for _, rs in DEMO_USERS.values() for r in rs}
    assert all("(synthetic)" in u.display_name for u in users)
    assert "(0 new users, 0 new requests)" in run(cli_env, "demo", "load")[1]
    assert len(read(cli_env, select(User))) == len(DEMO_USERS)
    requests = read(cli_env, select(DisclosureRequest))
    assert sorted(r.police_reference for r in requests) == ["DEMO-1", "DEMO-2", "DEMO-3"]


def test_demo_code_prints_a_code_the_sign_in_accepts(cli_env: dict[str, str]) -> None:
    code, output = run(cli_env, "demo", "code", "demo-admin")
    assert code == 0 and re.fullmatch(r"\d{6}\n", output)
    assert matching_step(demo_secret("demo-admin"), output.strip(), utcnow(), None) is not None
    code, output = run(cli_env, "demo", "code", "somebody-real")
    assert code != 0 and "not a demo user" in output


def test_demo_load_is_refused_in_production(cli_env: dict[str, str]) -> None:
    env = {**cli_env, "DISCLOSURE_ENVIRONMENT": "production", "DISCLOSURE_SECRET_KEY": "x" * 40}
    code, output = run(env, "demo", "load")
    assert code != 0 and "cannot be loaded in production" in output
    assert read(cli_env, select(User)) == []


# configuration errors and the module entry point --------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DISCLOSURE_ENVIRONMENT": "production"}, "DISCLOSURE_SECRET_KEY is required in production"),
        ({"DISCLOSURE_ENVIRONMENT": "staging"}, "DISCLOSURE_ENVIRONMENT must be"),
        ({"DISCLOSURE_PORT": "eighty"}, "DISCLOSURE_PORT must be a whole number"),
    ],
)
def test_a_bad_configuration_is_told_plainly(
    cli_env: dict[str, str], overrides: dict[str, str], message: str
) -> None:
    code, output = run({**cli_env, **overrides}, "users", "list")
    assert code != 0 and message in output and "Traceback" not in output


def test_a_database_that_is_not_migrated_is_told_plainly(tmp_path: Path) -> None:
    env = {"DISCLOSURE_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}", "DISCLOSURE_ENVIRONMENT": "test"}
    code, output = run(env, "users", "list")
    assert code == 1
    assert "The database cannot be used" in output and "disclosure migrate" in output
    assert "Traceback" not in output


def test_an_unreachable_database_is_told_plainly(cli_env: dict[str, str]) -> None:
    env = {**cli_env, "DISCLOSURE_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/nothing"}
    for command in (["migrate"], ["audit", "verify"]):
        code, output = run(env, *command)
        assert code == 1 and "The database cannot be" in output and "Traceback" not in output


def test_python_dash_m_disclosure_is_the_same_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "disclosure", "--help"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for command in ("migrate", "setup-link", "serve", "users", "audit", "demo"):
        assert re.search(rf"^\s+{command}\s", result.stdout, re.MULTILINE), command


def test_attachment_orphans_are_listed_then_removed_with_an_audit_event(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    import os

    from disclosure.storage import LocalFileStore

    run(cli_env, "migrate")
    env = {**cli_env, "DISCLOSURE_ATTACHMENT_DIR": str(tmp_path / "files")}
    store = LocalFileStore(tmp_path / "files")
    engine = create_db_engine(env["DISCLOSURE_DATABASE_URL"])
    try:
        with unit_of_work(create_session_factory(engine)) as session:
            orphan = store.put(session, b"left by a crash")
            young = store.put(session, b"mid-upload")
    finally:
        engine.dispose()
    os.utime(store.path_for(orphan), (0, 0))

    code, listed = run(env, "attachments", "orphans")
    assert code == 0 and orphan in listed and young not in listed and "Found 1 file(s)" in listed
    assert store.path_for(orphan).exists()
    code, removed = run(env, "attachments", "orphans", "--remove")
    assert code == 0 and "Removed 1 file(s)" in removed
    assert not store.path_for(orphan).exists() and store.path_for(young).exists()
    actions = read(env, select(AuditEvent.action).where(AuditEvent.action == "attachments.orphans_removed"))
    assert actions == ["attachments.orphans_removed"]


CRASH_MID_UPLOAD = """
import os, signal, sys
from pathlib import Path
from disclosure.db import create_db_engine, create_session_factory, unit_of_work
from disclosure.storage import LocalFileStore
store = LocalFileStore(Path(sys.argv[2]))
with unit_of_work(create_session_factory(create_db_engine(sys.argv[1]))) as session:
    print(store.put(session, b"an upload the process died writing"), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # after the file, before its row commits
"""


def test_a_process_killed_between_a_file_and_its_row_leaves_an_orphan_the_sweep_removes(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    """QUALITY.md check 22 under a real crash: the writer is killed with SIGKILL after its file is stored
    and before the row that would refer to it commits. No row survives; the file is an orphan that the
    sweep lists once it is old enough (a younger one may be mid-upload) and removes."""
    import os

    from disclosure.storage import LocalFileStore

    run(cli_env, "migrate")
    folder = tmp_path / "files"
    crashed = subprocess.run(  # noqa: S603 (this test's own script, its own paths)
        [sys.executable, "-c", CRASH_MID_UPLOAD, cli_env["DISCLOSURE_DATABASE_URL"], str(folder)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=False,
    )
    assert crashed.returncode == -9, crashed.stderr
    key = crashed.stdout.strip()
    store = LocalFileStore(folder)
    assert store.path_for(key).exists(), "the file was written before the kill"
    env = {**cli_env, "DISCLOSURE_ATTACHMENT_DIR": str(folder)}
    code, listed = run(env, "attachments", "orphans")
    assert code == 0 and key not in listed, "too young to be told from an upload in progress"
    os.utime(store.path_for(key), (0, 0))
    code, removed = run(env, "attachments", "orphans", "--remove")
    assert code == 0 and "Removed 1 file(s)" in removed and not store.path_for(key).exists()


def test_attachment_orphans_in_the_database_store_need_no_sweep(cli_env: dict[str, str]) -> None:
    run(cli_env, "migrate")
    code, output = run({**cli_env, "DISCLOSURE_ATTACHMENT_STORE": "database"}, "attachments", "orphans")
    assert code == 0 and "nothing to sweep" in output


def test_the_command_line_makes_no_administrator_that_reads_cases(cli_env: dict[str, str]) -> None:
    """The attacker's request at the console [issue 14 §1]: one account with both hats."""
    code, output = create(cli_env, "twohats", "administrator", "data_administrator")
    assert code != 0 and "An administrator account cannot also read cases" in output
    assert "Traceback" not in output and read(cli_env, select(User)) == []


def test_the_matcher_commands_say_plainly_what_they_did_or_why_not(cli_env: dict[str, str]) -> None:
    """An index too small to train on is refused in words; thresholds make a version, listed as in use;
    an unknown version is refused; an earlier version goes back in use [issue 20]."""
    assert run(cli_env, "migrate")[0] == 0
    assert run(cli_env, "people", "matcher-versions") == (
        0,
        "No versions yet: matching uses the shipped defaults.\n",
    )
    code, output = run(cli_env, "people", "train-matcher")
    assert code == 1 and "Training needs at least 1,000 people in the index; it has 0" in output
    code, output = run(cli_env, "people", "matcher-thresholds", "--possible", "70", "--likely", "40")
    assert code == 1 and "no more than the likely one" in output
    assert run(cli_env, "people", "matcher-thresholds", "--possible", "30", "--likely", "95") == (
        0,
        "Matching model version 1 in use: possible 30%, likely 95%.\n",
    )
    assert run(cli_env, "people", "matcher-thresholds", "--possible", "25", "--likely", "90")[0] == 0
    code, output = run(cli_env, "people", "use-matcher", "7")
    assert code == 1 and "There is no matching model version 7" in output
    assert run(cli_env, "people", "use-matcher", "1") == (0, "Matching model version 1 is in use.\n")
    listed = run(cli_env, "people", "matcher-versions")[1].splitlines()
    assert listed[0].startswith("     2  thresholds") and "possible 25%" in listed[0]
    assert listed[1].startswith("*    1  thresholds") and "likely 95%" in listed[1]
