"""The command line against a real (throwaway) database: migrations, the set-up link, users, audit
verification (exit 1 naming the event), the synthetic demo set."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from disclosure.accounts.mfa import matching_step
from disclosure.cli import main
from disclosure.config import PROJECT_ROOT
from disclosure.db import utcnow
from disclosure.demo import DEMO_USERS, demo_secret
from tests.fresh_db import fresh_database


@pytest.fixture
def cli_env(database_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    with fresh_database(database_url, tmp_path) as url:
        yield {"DISCLOSURE_DATABASE_URL": url, "DISCLOSURE_ENVIRONMENT": "test", "DISCLOSURE_VAR_DIR": str(tmp_path)}


def run(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.output


def test_migrate_is_idempotent(cli_env: dict[str, str]) -> None:
    assert run(cli_env, "migrate") == (0, "Database is up to date.\n")
    assert run(cli_env, "migrate")[0] == 0


def test_setup_link_only_while_no_account_exists(cli_env: dict[str, str]) -> None:
    code, output = run(cli_env, "setup-link")
    assert code == 0 and re.search(r"/setup/[\w-]{20,}", output)
    run(cli_env, "users", "create", "--username", "ada", "--name", "Ada", "--email", "ada@police.uk", "--role",
        "administrator")
    code, output = run(cli_env, "setup-link")
    assert code == 0 and "no set-up link is needed" in output


def test_users_create_prints_an_invitation_and_refuses_bad_input(cli_env: dict[str, str]) -> None:
    code, output = run(cli_env, "users", "create", "--username", "rory", "--name", "Rory Research",
                       "--email", "rory@police.uk", "--role", "researcher", "--role", "data_administrator")
    assert code == 0 and "/invitation/" in output
    code, output = run(cli_env, "users", "create", "--username", "rory", "--name", "Again", "--email", "not-an-email",
                       "--role", "researcher")
    assert code != 0 and "already taken" in output and "correct format" in output
    code, output = run(cli_env, "users", "list")
    assert "rory" in output and "invited" in output and "data_administrator,researcher" in output


def test_audit_verify_names_a_tampered_event_and_exits_1(cli_env: dict[str, str]) -> None:
    run(cli_env, "demo", "load")
    assert run(cli_env, "audit", "verify")[0] == 0
    engine = create_engine(cli_env["DISCLOSURE_DATABASE_URL"])
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER audit_events_no_update"))
        connection.execute(text("UPDATE audit_events SET justification = 'forged' WHERE seq = 3"))
    engine.dispose()
    code, output = run(cli_env, "audit", "verify")
    assert code == 1
    assert "event 3 " in output and "edited" in output


def test_demo_load_creates_one_user_per_role_once_and_codes_work(cli_env: dict[str, str]) -> None:
    code, output = run(cli_env, "demo", "load")
    assert code == 0 and f"({len(DEMO_USERS)} new users)" in output
    assert "(0 new users)" in run(cli_env, "demo", "load")[1]
    code, output = run(cli_env, "demo", "code", "demo-admin")
    assert code == 0 and matching_step(demo_secret("demo-admin"), output.strip(), utcnow(), None) is not None


def test_demo_load_is_refused_in_production(cli_env: dict[str, str]) -> None:
    env = {**cli_env, "DISCLOSURE_ENVIRONMENT": "production", "DISCLOSURE_SECRET_KEY": "x" * 40}
    code, output = run(env, "demo", "load")
    assert code != 0 and "cannot be loaded in production" in output


def test_reset_mfa_forgets_the_authenticator(cli_env: dict[str, str]) -> None:
    run(cli_env, "demo", "load")
    code, output = run(cli_env, "users", "reset-mfa", "demo-officer")
    assert code == 0 and "reset" in output
    assert run(cli_env, "users", "reset-mfa", "nobody")[0] != 0


def test_python_dash_m_disclosure_is_the_same_command() -> None:
    result = subprocess.run([sys.executable, "-m", "disclosure", "--help"], capture_output=True, text=True,  # noqa: S603
                            cwd=PROJECT_ROOT, check=False)
    assert result.returncode == 0 and "audit" in result.stdout and "users" in result.stdout
