"""Deployment checks: `disclosure check --deploy` refuses settings unsafe for real records [issue 19].

Each check reads the settings as the service would start with them (and, for SQLite, a connection as the
service opens it), and says what is wrong and which variable puts it right. The service's own start-up
refuses what cannot work at all (`Settings.check`); these are the settings that work but are unsafe:
QUALITY.md 8 (cookies), 14 (uploads outside any served folder), 23 (SQLite's WAL and full sync), and the
NCSC's secure configuration principle (no debug, a strong secret, TLS everywhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from disclosure import migrations
from disclosure.config import EXAMPLE_SECRET, MIN_SECRET_LENGTH, Settings
from disclosure.db import create_db_engine
from disclosure.web import STATIC_DIR

SYNCHRONOUS_FULL = 2
"""SQLite's `PRAGMA synchronous` for FULL (EXTRA is 3)."""


@dataclass(frozen=True)
class Check:
    """One deployment check: what it asks, whether it passed, and what to do when it did not."""

    name: str
    passed: bool
    advice: str = ""


def _inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def _secret(settings: Settings) -> Check:
    key = settings.secret_key
    weak = len(key) < MIN_SECRET_LENGTH or key == EXAMPLE_SECRET or len(set(key)) < MIN_SECRET_LENGTH // 4
    return Check(
        "A strong secret key is set",
        bool(key) and not weak,
        f"Set DISCLOSURE_SECRET_KEY to a random string of {MIN_SECRET_LENGTH} characters or more "
        '(python -c "import secrets; print(secrets.token_urlsafe(48))").',
    )


def _sqlite(settings: Settings) -> list[Check]:
    """WAL and full sync as a connection of the service reads them back (the engine sets both)."""
    engine = create_db_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            journal = str(connection.execute(text("PRAGMA journal_mode")).scalar()).lower()
            synchronous = int(connection.execute(text("PRAGMA synchronous")).scalar() or 0)
    finally:
        engine.dispose()
    return [
        Check(
            "SQLite writes ahead to a log (WAL)",
            journal == "wal",
            f"The database is in {journal} journal mode: put it on a local disk that supports WAL (not a "
            "network share).",
        ),
        Check(
            "SQLite syncs every commit to disk (synchronous=FULL)",
            synchronous >= SYNCHRONOUS_FULL,
            "Each commit must reach the disk before it is acknowledged: synchronous must be FULL.",
        ),
    ]


def database(settings: Settings) -> list[Check]:
    """The database can be reached and is at the latest migration."""
    try:
        current = migrations.is_current(settings.database_url)
    except OperationalError as exc:
        return [Check("The database can be reached", False, f"{exc.orig}: check DISCLOSURE_DATABASE_URL.")]
    return [
        Check("The database can be reached", True),
        Check("The database is at the latest migration", current, "Run `disclosure migrate`."),
    ]


def checks(settings: Settings) -> list[Check]:
    """Every deployment check of these settings, in the order an operator would fix them."""
    served = [settings.asset_dir, settings.frontend_dir, STATIC_DIR]
    found = [
        Check(
            "The service runs as production",
            settings.is_production,
            "Set DISCLOSURE_ENVIRONMENT=production (development shows error details and makes its own "
            "secret).",
        ),
        _secret(settings),
        Check(
            "The service is reached over HTTPS",
            settings.base_url.startswith("https://"),
            "Set DISCLOSURE_BASE_URL to the https:// address users reach (behind a TLS-terminating proxy).",
        ),
        Check(
            "Session cookies are sent over HTTPS only (Secure)",
            settings.secure_cookies,
            "Cookies are Secure in production or with an https:// base URL: set both as above.",
        ),
        Check(
            "The log does not record debugging detail",
            settings.log_level.upper() != "DEBUG",
            "Set DISCLOSURE_LOG_LEVEL to INFO or above: debugging output can carry what users typed.",
        ),
        Check(
            "Mail to partners is encrypted in transit",
            not settings.smtp_host or settings.smtp_security != "none",
            "Set DISCLOSURE_SMTP_SECURITY to starttls or tls: notifications name people at risk.",
        ),
        Check(
            "Attachments are stored outside every served folder",
            settings.attachment_store == "database"
            or not any(_inside(settings.attachment_dir, folder) for folder in served),
            "Move DISCLOSURE_ATTACHMENT_DIR out of the folders served under /assets "
            f"({', '.join(str(f) for f in served)}).",
        ),
    ]
    found += database(settings)
    if settings.is_sqlite and found[-1].passed:
        found += _sqlite(settings)
    return found
