"""Configuration from `DISCLOSURE_*` variables: typed values, refusals that name the variable, production's
secret and HTTPS, the development secret kept on disk, and one line of documentation per field."""

from __future__ import annotations

import stat
from dataclasses import FrozenInstanceError, fields
from pathlib import Path

import pytest

from disclosure.config import EXAMPLE_SECRET, PROJECT_ROOT, ConfigurationError, Settings

SECRET = "k" * 43
PRODUCTION = {
    "DISCLOSURE_ENVIRONMENT": "production",
    "DISCLOSURE_SECRET_KEY": SECRET,
    "DISCLOSURE_BASE_URL": "https://disclosure.police.example",
}


def test_variables_are_read_with_their_types(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "DISCLOSURE_ENVIRONMENT": "test",
            "DISCLOSURE_DATABASE_URL": "postgresql+psycopg://svc@db.internal/disclosure",
            "DISCLOSURE_PORT": "8080",
            "DISCLOSURE_WORKERS": " 4 ",
            "DISCLOSURE_SESSION_IDLE_MINUTES": "20",
            "DISCLOSURE_VAR_DIR": str(tmp_path),
            "DISCLOSURE_LOG_LEVEL": "warning",
            "UNRELATED": "ignored",
        }
    )
    assert settings.port == 8080 and settings.workers == 4 and settings.session_idle_minutes == 20
    assert settings.var_dir == tmp_path and isinstance(settings.var_dir, Path)
    assert settings.database_url == "postgresql+psycopg://svc@db.internal/disclosure"
    assert not settings.is_sqlite
    assert settings.lockout_threshold == 5, "defaults fill the rest"


def test_overrides_win_over_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"DISCLOSURE_PORT": "8080", "DISCLOSURE_ENVIRONMENT": "test"}, port=9000, var_dir=tmp_path
    )
    assert settings.port == 9000


def test_settings_cannot_change_once_read(tmp_path: Path) -> None:
    settings = Settings.from_env({"DISCLOSURE_ENVIRONMENT": "test", "DISCLOSURE_VAR_DIR": str(tmp_path)})
    with pytest.raises(FrozenInstanceError):
        settings.port = 1  # type: ignore[misc]


def test_the_default_database_is_sqlite_in_var(tmp_path: Path) -> None:
    settings = Settings.from_env({"DISCLOSURE_ENVIRONMENT": "test"}, var_dir=tmp_path)
    assert (
        settings.is_sqlite and settings.database_url == f"sqlite:///{PROJECT_ROOT / 'var' / 'disclosure.db'}"
    )


# Refusals -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"DISCLOSURE_ENVIRONMENT": "staging"},
            "DISCLOSURE_ENVIRONMENT must be development, test or production",
        ),
        ({"DISCLOSURE_ENVIRONMENT": "Production"}, "DISCLOSURE_ENVIRONMENT must be"),
        ({"DISCLOSURE_PORT": "eighty"}, "DISCLOSURE_PORT must be a whole number, not 'eighty'"),
        ({"DISCLOSURE_PORT": "70000"}, "DISCLOSURE_PORT must be between 1 and 65535"),
        ({"DISCLOSURE_WORKERS": "0"}, "DISCLOSURE_WORKERS must be 1 or more"),
        ({"DISCLOSURE_SESSION_IDLE_MINUTES": "-5"}, "DISCLOSURE_SESSION_IDLE_MINUTES must be 1 or more"),
        ({"DISCLOSURE_LOCKOUT_THRESHOLD": "2.5"}, "DISCLOSURE_LOCKOUT_THRESHOLD must be a whole number"),
        ({"DISCLOSURE_LOG_LEVEL": "chatty"}, "DISCLOSURE_LOG_LEVEL must be one of"),
        ({"DISCLOSURE_BASE_URL": "disclosure.police.example"}, "DISCLOSURE_BASE_URL must start with http"),
    ],
)
def test_a_value_that_cannot_work_is_refused_naming_the_variable(
    tmp_path: Path, variables: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Settings.from_env({"DISCLOSURE_ENVIRONMENT": "test", **variables}, var_dir=tmp_path)


def test_production_without_a_secret_key_refuses_to_start(tmp_path: Path) -> None:
    variables = {k: v for k, v in PRODUCTION.items() if k != "DISCLOSURE_SECRET_KEY"}
    with pytest.raises(ConfigurationError, match="DISCLOSURE_SECRET_KEY is required in production"):
        Settings.from_env(variables, var_dir=tmp_path)
    assert not (tmp_path / "secret-key").exists(), "production never falls back to a generated secret"


@pytest.mark.parametrize("secret", ["short", EXAMPLE_SECRET, "x" * 31])
def test_production_refuses_a_weak_or_example_secret(tmp_path: Path, secret: str) -> None:
    with pytest.raises(ConfigurationError, match="DISCLOSURE_SECRET_KEY must be a random string"):
        Settings.from_env({**PRODUCTION, "DISCLOSURE_SECRET_KEY": secret}, var_dir=tmp_path)


def test_production_refuses_a_plain_http_address(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="DISCLOSURE_BASE_URL must use https:// in production"):
        Settings.from_env(
            {**PRODUCTION, "DISCLOSURE_BASE_URL": "http://disclosure.police.example"}, var_dir=tmp_path
        )


def test_production_with_its_secret_starts_with_secure_cookies(tmp_path: Path) -> None:
    settings = Settings.from_env(PRODUCTION, var_dir=tmp_path)
    assert settings.is_production and settings.secret_key == SECRET and settings.secure_cookies


# Secrets outside production -----------------------------------------------------------------------


def test_development_generates_a_secret_once_and_reuses_it(tmp_path: Path) -> None:
    first = Settings.from_env({}, var_dir=tmp_path / "var")
    path = tmp_path / "var" / "secret-key"
    assert first.environment == "development"
    assert len(first.secret_key) >= 32 and path.read_text() == first.secret_key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600, "only the service account may read it"
    again = Settings.from_env({}, var_dir=tmp_path / "var")
    assert again.secret_key == first.secret_key, "a restart keeps forms and flashes valid"
    elsewhere = Settings.from_env({}, var_dir=tmp_path / "other")
    assert elsewhere.secret_key != first.secret_key


def test_a_given_secret_is_used_and_nothing_is_written(tmp_path: Path) -> None:
    settings = Settings.from_env({"DISCLOSURE_SECRET_KEY": SECRET}, var_dir=tmp_path)
    assert settings.secret_key == SECRET and not (tmp_path / "secret-key").exists()


def test_tests_get_a_fresh_secret_and_write_nothing(tmp_path: Path) -> None:
    a = Settings.from_env({"DISCLOSURE_ENVIRONMENT": "test"}, var_dir=tmp_path)
    b = Settings.from_env({"DISCLOSURE_ENVIRONMENT": "test"}, var_dir=tmp_path)
    assert a.secret_key and b.secret_key and a.secret_key != b.secret_key
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("base_url", "environment", "secure"),
    [("http://127.0.0.1:8000", "development", False), ("https://d.example", "development", True)],
)
def test_cookies_are_secure_over_https(tmp_path: Path, base_url: str, environment: str, secure: bool) -> None:
    settings = Settings.from_env(
        {"DISCLOSURE_BASE_URL": base_url, "DISCLOSURE_ENVIRONMENT": environment}, var_dir=tmp_path
    )
    assert settings.secure_cookies is secure


# Documentation ------------------------------------------------------------------------------------


def test_every_field_is_documented_with_its_variable_and_default() -> None:
    rows = Settings.documented_fields()
    assert [name for name, _, _ in rows] == [f"DISCLOSURE_{f.name.upper()}" for f in fields(Settings)]
    undocumented = [name for name, _, doc in rows if len(doc) < 15]
    assert undocumented == []
    assert all("\n" not in doc and "  " not in doc for _, _, doc in rows), "one line each, for the table"
    defaults = {name: default for name, default, _ in rows}
    assert defaults["DISCLOSURE_PORT"] == "8000"
    assert defaults["DISCLOSURE_SECRET_KEY"] == "(none)"
    assert defaults["DISCLOSURE_DATABASE_URL"] == "sqlite:///<repo>/var/disclosure.db"
    assert str(PROJECT_ROOT) not in "".join(defaults.values()), "no machine-specific paths"


def test_the_readme_table_gives_each_default() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    rows = {
        line.split("|")[1].strip(" `"): line.split("|")[2].strip(" `")
        for line in readme.splitlines()
        if line.startswith("| `DISCLOSURE_")
    }
    assert {name: default for name, default, _ in Settings.documented_fields()} == rows
