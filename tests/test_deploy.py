"""`disclosure check --deploy`: a production configuration passes; each unsafe setting fails its own check,
names it and says how to put it right, and the command exits 1 [issue 19]."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, event

from disclosure import deploy
from disclosure.cli import main
from disclosure.config import EXAMPLE_SECRET, Settings
from disclosure.web import STATIC_DIR
from tests import fresh_db

fresh_database_url = fresh_db.fresh_database_url

SECRET = "Zq3v8Kp1Lw9Xr2Tn7Bc5Hd4Mf6Gj0Ys-AaEeIiOoUu"


@pytest.fixture
def production(fresh_database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "DISCLOSURE_DATABASE_URL": fresh_database_url,
        "DISCLOSURE_ENVIRONMENT": "production",
        "DISCLOSURE_SECRET_KEY": SECRET,
        "DISCLOSURE_BASE_URL": "https://disclosure.police.example",
        "DISCLOSURE_VAR_DIR": str(tmp_path),
        "DISCLOSURE_ATTACHMENT_DIR": str(tmp_path / "attachments"),
    }


def _check(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", *args], env=env)
    return result.exit_code, result.output


def _failed(settings: Settings) -> list[str]:
    return [c.name for c in deploy.checks(settings) if not c.passed]


def test_a_production_configuration_passes_every_check(production: dict[str, str]) -> None:
    code, output = _check(production, "--deploy")
    assert code == 0, output
    assert "FAIL" not in output and "checks passed" in output
    assert output.count("PASS") == len(deploy.checks(Settings.from_env(production)))


UNSAFE: list[tuple[dict[str, Any], str]] = [
    ({"environment": "development"}, "The service runs as production"),
    ({"secret_key": "short"}, "A strong secret key is set"),
    ({"secret_key": EXAMPLE_SECRET}, "A strong secret key is set"),
    ({"secret_key": "a" * 64}, "A strong secret key is set"),
    ({"base_url": "http://disclosure.police.example"}, "The service is reached over HTTPS"),
    ({"log_level": "DEBUG"}, "The log does not record debugging detail"),
    ({"smtp_host": "mail.example", "smtp_security": "none"}, "Mail to partners is encrypted in transit"),
    ({"attachment_dir": STATIC_DIR / "uploads"}, "Attachments are stored outside every served folder"),
]


@pytest.mark.parametrize(("change", "check"), UNSAFE, ids=[c for _, c in UNSAFE])
def test_each_unsafe_setting_fails_its_check(
    production: dict[str, str], change: dict[str, Any], check: str
) -> None:
    settings = replace(Settings.from_env(production), **change)
    assert check in _failed(settings)


def test_plain_http_in_development_fails_the_cookie_check_too(production: dict[str, str]) -> None:
    settings = replace(
        Settings.from_env(production), environment="development", base_url="http://127.0.0.1:8000"
    )
    assert "Session cookies are sent over HTTPS only (Secure)" in _failed(settings)


def test_an_unmigrated_database_fails_and_the_command_exits_1_saying_what_to_do(
    production: dict[str, str], tmp_path: Path
) -> None:
    env = {**production, "DISCLOSURE_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    code, output = _check(env, "--deploy")
    assert code == 1
    assert "FAIL  The database is at the latest migration" in output and "disclosure migrate" in output
    assert "1 of" in output and "checks failed" in output


def test_sqlite_without_wal_or_full_sync_fails(
    production: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if not production["DISCLOSURE_DATABASE_URL"].startswith("sqlite"):
        pytest.skip("the journal and sync checks are SQLite's")

    def careless_engine(url: str) -> Any:
        engine = create_engine(url)

        @event.listens_for(engine, "connect")
        def _pragmas(connection: Any, _: Any) -> None:
            connection.execute("PRAGMA journal_mode=DELETE")
            connection.execute("PRAGMA synchronous=NORMAL")

        return engine

    monkeypatch.setattr(deploy, "create_db_engine", careless_engine)
    failed = _failed(Settings.from_env(production))
    assert failed == [
        "SQLite writes ahead to a log (WAL)",
        "SQLite syncs every commit to disk (synchronous=FULL)",
    ]


def test_without_deploy_only_the_database_is_checked(production: dict[str, str]) -> None:
    code, output = _check({**production, "DISCLOSURE_ENVIRONMENT": "test"})
    assert code == 0, output
    assert output.count("PASS") == 2 and "production" not in output
