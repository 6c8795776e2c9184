"""Browser journeys: a live server on a fresh database, Debian's chromium driven by Playwright, axe-core on
every page, screenshots for review.

Playwright cannot download its own browser here, so the launch uses the `chromium` on PATH
(`executable_path`). The server is uvicorn in a subprocess against a fresh SQLite file, or a fresh
PostgreSQL database when DISCLOSURE_TEST_DATABASE_URL is set (as CI's second run does).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from disclosure import migrations
from disclosure.config import PROJECT_ROOT
from disclosure.db import create_db_engine, create_session_factory

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = PROJECT_ROOT / "e2e" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "Debian's chromium is not installed: run `make test` (it installs it) or apt-get install chromium"
        )
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # axe-core is injected as a script; the page's CSP (rightly) forbids that, so the test browser bypasses it.
    return {**browser_context_args, "bypass_csp": True, "viewport": {"width": 1280, "height": 900}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_database_url() -> Iterator[str]:
    """A database of the e2e run's own, migrated; dropped afterwards."""
    base = os.environ.get("DISCLOSURE_TEST_DATABASE_URL")
    if base and base.startswith("postgresql"):
        name = f"disclosure_e2e_{uuid.uuid4().hex[:8]}"
        admin = create_engine(make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(base).set(database=name).render_as_string(hide_password=False)
        try:
            migrations.upgrade(url)
            yield url
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
        return
    with tempfile.TemporaryDirectory(prefix="disclosure-e2e-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'e2e.db'}"
        migrations.upgrade(url)
        yield url


@pytest.fixture(scope="session")
def live_server(live_database_url: str) -> Iterator[str]:
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DISCLOSURE_DATABASE_URL": live_database_url,
        "DISCLOSURE_ENVIRONMENT": "test",
        "DISCLOSURE_BASE_URL": base_url,
        "DISCLOSURE_LOG_LEVEL": "WARNING",
    }
    env.pop("DISCLOSURE_TEST_DATABASE_URL", None)
    log = tempfile.NamedTemporaryFile(prefix="disclosure-e2e-server-", suffix=".log", delete=False)  # noqa: SIM115
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "disclosure.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base_url}/healthz", timeout=1) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {Path(log.name).read_text()}") from None
                time.sleep(0.2)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
        Path(log.name).unlink(missing_ok=True)


@pytest.fixture(scope="session")
def live_sessions(live_database_url: str) -> Iterator[sessionmaker[Session]]:
    """Write set-up data (users with known authenticator keys) straight into the live server's database."""
    engine = create_db_engine(live_database_url)
    yield create_session_factory(engine)
    engine.dispose()


class Axe:
    """Runs axe-core with the WCAG 2.x A and AA rules and fails on any violation, naming each."""

    def __init__(self) -> None:
        self.pages_checked = 0

    def check(self, page: Page, label: str) -> None:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        violations = result["violations"]
        self.pages_checked += 1
        if violations:
            lines = [
                f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
                for v in violations
            ]
            raise AssertionError(
                f"axe found {len(violations)} WCAG violations on {label}:\n" + "\n".join(lines)
            )


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


class Visit:
    """Check and photograph every page a journey reaches: axe first, then a full-page screenshot."""

    def __init__(self, page: Page, axe: Axe, name: str) -> None:
        self.page, self.axe, self.name, self.step = page, axe, name, 0

    def __call__(self, label: str) -> None:
        self.step += 1
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(
            path=str(SCREENSHOTS / f"{self.name}-{self.step:02d}-{slug}.png"), full_page=True
        )
        self.axe.check(self.page, f"{label} ({self.page.url})")


@pytest.fixture
def visit(page: Page, axe: Axe, request: pytest.FixtureRequest) -> Visit:
    page.set_default_timeout(10_000)
    return Visit(page, axe, request.node.name.removeprefix("test_"))


def error_summary(page: Page) -> list[str]:
    return [t.strip() for t in page.locator(".govuk-error-summary__list li").all_inner_texts()]


__all__ = ["Axe", "Visit", "error_summary", "json"]


PASSWORD = "paper lantern mountain river"


def make_live_user(factory: sessionmaker[Session], username: str, display_name: str, *roles: str) -> str:
    """A user with a known password and authenticator key in the live database; returns the key."""
    import pyotp

    from disclosure.accounts.models import User, UserRole
    from disclosure.accounts.passwords import hash_password
    from disclosure.db import unit_of_work, utcnow

    secret = pyotp.random_base32()
    with unit_of_work(factory) as session:
        user = User(
            username=username,
            display_name=display_name,
            email=f"{username}@police.example",
            password_hash=hash_password(PASSWORD),
            totp_secret=secret,
            password_changed_at=utcnow(),
        )
        user.roles = [UserRole(role=r) for r in roles]
        session.add(user)
    return secret


def sign_in(page: Page, base_url: str, username: str, secret: str, target: str = "/") -> None:
    import pyotp

    page.goto(f"{base_url}{target}")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Security code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Sign in").click()
