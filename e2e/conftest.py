"""Browser journeys: a live server on a fresh database, Debian's chromium driven by Playwright, axe-core on
every page, full-page screenshots for review.

Playwright cannot download its own browser here, so the launch uses the `chromium` on PATH
(`executable_path`). The server is uvicorn in a subprocess against a fresh SQLite file, or a fresh
PostgreSQL database created on the server DISCLOSURE_TEST_DATABASE_URL names (and dropped afterwards).
Test data that a journey does not create through the pages (a user with a known authenticator key, the
console's set-up link) comes from the services, against the same database.
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
from collections.abc import Generator, Iterator
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyotp
import pytest
from playwright.sync_api import Frame, Locator, Page, expect
from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.orm import Session, sessionmaker

from disclosure import migrations, wiring
from disclosure.accounts import service as accounts
from disclosure.accounts.models import User
from disclosure.agencies.models import OutboxMessage
from disclosure.audit import SystemActor
from disclosure.auth import Principal
from disclosure.config import PROJECT_ROOT, Settings
from disclosure.db import create_db_engine, create_session_factory, unit_of_work, utcnow
from disclosure.waiting import mail

E2E_DIR = Path(__file__).resolve().parent
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = E2E_DIR / "screenshots"
JOURNEYS = SCREENSHOTS / "journeys.json"
"""Each journey's length: the pages it visited and the fields it answered (see `count_answers`)."""
ANSWERING = (
    "fill",
    "check",
    "uncheck",
    "set_checked",
    "select_option",
    "set_input_files",
    "press_sequentially",
)
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
PASSWORD = "paper lantern mountain river"
UK = ZoneInfo("Europe/London")
SERVER_START_SECONDS = 30
FAILED_CALL = pytest.StashKey[bool]()

# What the journeys set up in this process runs the same hooks as the server's own verbs (a case's stored
# next deadline, a merge's re-pointing), as it does when `tests/` is collected first (`make test`).
wiring.connect()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser journey, whoever writes the next one. The journeys share one
    server, and the foundation journey starts from an empty service (the console's set-up link), so it goes
    before the journeys that add their own users, in whatever order the files were named."""
    slots = [i for i, item in enumerate(items) if item.path.is_relative_to(E2E_DIR)]
    journeys = sorted((items[i] for i in slots), key=lambda item: item.path.name != "test_foundation.py")
    for i, item in zip(slots, journeys, strict=True):
        item.add_marker(pytest.mark.e2e)
        items[i] = item


# ---------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: apt-get install chromium (make install does)")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # axe-core is injected as a script; the pages' CSP (rightly) forbids that, so the test browser ignores it.
    return {**browser_context_args, "bypass_csp": True, "viewport": {"width": 1280, "height": 900}}


# ---------------------------------------------------------------- the live server and its database


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_database_url() -> Iterator[str]:
    """A database of the e2e run's own, migrated; dropped (PostgreSQL) or deleted (SQLite) afterwards."""
    base = os.environ.get("DISCLOSURE_TEST_DATABASE_URL")
    if base and base.startswith("postgresql"):
        name = f"disclosure_e2e_{uuid.uuid4().hex[:12]}"
        admin = create_engine(make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            try:
                url = make_url(base).set(database=name).render_as_string(hide_password=False)
                migrations.upgrade(url)
                yield url
            finally:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            admin.dispose()
        return
    with tempfile.TemporaryDirectory(prefix="disclosure-e2e-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'e2e.db'}"
        migrations.upgrade(url)
        yield url


@pytest.fixture(scope="session")
def live_server(live_database_url: str) -> Iterator[str]:
    """uvicorn serving the app on a free port; its base URL. An error in its log fails the run."""
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
    command = [sys.executable, "-m", "uvicorn", "disclosure.app:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    with tempfile.TemporaryDirectory(prefix="disclosure-e2e-server-") as tmp:
        env["DISCLOSURE_ATTACHMENT_DIR"] = str(Path(tmp) / "attachments")
        log_path = Path(tmp) / "server.log"
        with log_path.open("wb") as log:
            server = subprocess.Popen(
                command, env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT
            )
            try:
                _wait_until_healthy(server, base_url, log_path)
                yield base_url
            finally:
                server.terminate()
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
        output = log_path.read_text(errors="replace")
    if "Traceback" in output or re.search(r"\b(ERROR|CRITICAL)\b", output):
        pytest.fail(f"the live server logged an error:\n{output[-4000:]}")


def _wait_until_healthy(server: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while True:
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=1) as response:  # noqa: S310 (our server)
                if response.status == 200:
                    return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"the server did not start:\n{log_path.read_text(errors='replace')}"
                ) from None
            time.sleep(0.1)


@pytest.fixture(scope="session")
def live_sessions(live_database_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions on the live server's database, for what a journey sets up through the services."""
    engine = create_db_engine(live_database_url)
    yield create_session_factory(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def live_settings(live_server: str, live_database_url: str) -> Settings:
    """The settings the live server runs with, as far as links and durations go."""
    return Settings.from_env({}, environment="test", base_url=live_server, database_url=live_database_url)


def setup_link(factory: sessionmaker[Session], settings: Settings) -> str:
    """The console's one-time link for the first administrator (what `disclosure setup-link` prints)."""
    with unit_of_work(factory) as session:
        link = accounts.issue_setup_link(session, settings)
    if link is None:
        raise AssertionError("an account already exists, so there is no set-up link")
    return link


class Authenticator:
    """An authenticator app holding one key. Each code is accepted once, and the service allows one time
    step of clock drift, so when this step's code is spent the next step's serves (no waiting)."""

    def __init__(self, secret: str) -> None:
        self.secret = secret.replace(" ", "")
        self._totp = pyotp.TOTP(self.secret)
        self._last_step: int | None = None

    def _now(self) -> int:
        return int(self._totp.timecode(datetime.now(UTC)))

    def code(self) -> str:
        step = self._now() if self._last_step is None else max(self._now(), self._last_step + 1)
        while step > self._now() + 1:  # two codes already spent this step: wait for the clock
            time.sleep(1)
        self._last_step = step
        return str(self._totp.generate_otp(step))

    def wrong_code(self) -> str:
        """Six digits that no step the service would accept produces."""
        now = self._now()
        valid = {self._totp.generate_otp(step) for step in range(now - 2, now + 3)}
        return next(c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c not in valid)


def live_principal(session: Session, username: str) -> Principal:
    """A principal for a live user, to drive services directly when a journey's earlier steps are covered
    elsewhere."""
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None
    return Principal(user.id, user.username, user.display_name, user.role_set, None)


def make_live_user(
    factory: sessionmaker[Session], settings: Settings, username: str, display_name: str, *roles: str
) -> Authenticator:
    """A user created as an operator would at the console, who has set `PASSWORD` from their invitation
    and whose authenticator key the test knows."""
    with unit_of_work(factory) as session:
        values = {
            "username": username,
            "display_name": display_name,
            "email": f"{username}@police.example",
            "roles": list(roles),
        }
        user, link = accounts.create_user(session, SystemActor(label="e2e"), settings, values)
        token = link.rsplit("/", 1)[1]
        accounts.accept_invitation(session, token, {"password": PASSWORD, "confirm_password": PASSWORD})
        authenticator = Authenticator(pyotp.random_base32())
        user.totp_secret = authenticator.secret
    return authenticator


# ---------------------------------------------------------------- accessibility and screenshots


class AxeViolations(AssertionError):
    """axe-core found WCAG A/AA faults on a page."""


_REVEAL = re.compile(
    r'^<input\b(?=[^>]*\btype="(?:radio|checkbox)")(?=[^>]*\baria-controls="conditional-)[^>]*>$'
)


def _without_conditional_reveals(violation: dict[str, Any]) -> dict[str, Any]:
    """The violation without GOV.UK Frontend's conditional reveals: its radios and checkboxes carry
    `aria-expanded`, which ARIA does not yet allow on those roles. The Design System keeps it on purpose,
    since screen readers announce it and research found it helps (alphagov/govuk-frontend#979, a documented
    known issue; w3c/aria#1404 would allow it). Only that attribute on such an input is set aside: any
    other disallowed attribute, or one on any other element, is still a violation."""
    if violation["id"] != "aria-allowed-attr":
        return violation

    def set_aside(node: dict[str, Any]) -> bool:
        messages = [check.get("message", "") for check in node.get("any", []) + node.get("all", [])]
        return bool(_REVEAL.match(node.get("html", ""))) and all(
            "aria-expanded" in m and m.count("aria-") == 1 for m in messages
        )

    return {**violation, "nodes": [n for n in violation["nodes"] if not set_aside(n)]}


class Axe:
    """Runs axe-core with the WCAG 2.x A and AA rules and fails on any violation, naming each."""

    def __init__(self) -> None:
        self.pages_checked = 0

    def check(self, page: Page, label: str) -> None:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async (tags) => await axe.run(document, {"
            "runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            WCAG_TAGS,
        )
        self.pages_checked += 1
        violations = [v for v in map(_without_conditional_reveals, result["violations"]) if v["nodes"]]
        if violations:
            lines = [
                f"- {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
                for v in violations
            ]
            raise AxeViolations(
                f"axe found {len(violations)} WCAG violations on {label}:\n" + "\n".join(lines)
            )


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


class Visit:
    """Photograph and check every page a journey reaches: a full-page screenshot saved as
    `e2e/screenshots/<test>-<step>-<label>.png`, then axe-core.

    It also notes every new document the tab commits to (a navigation commits before any of the new page can
    be found, so the note always precedes the visit), so that a page the journey passed through without a
    visit fails the test at the end. A move to a `#fragment` of the same page is no new page."""

    def __init__(self, page: Page, axe: Axe, name: str) -> None:
        self.page, self.axe, self.name, self.step = page, axe, name, 0
        self.answers = 0
        self.unchecked: list[str] = []
        self._pending: list[str] = []
        self._current: str | None = None
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame: Frame) -> None:
        if frame.parent_frame is not None:
            return
        url, current, self._current = frame.url, self._current, frame.url
        if "#" in url and current is not None and url.split("#")[0] == current.split("#")[0]:
            return
        self._pending.append(url)

    def __call__(self, label: str) -> None:
        self.step += 1
        self.unchecked += self._pending[:-1]
        self._pending.clear()
        self.screenshot(label)  # first, so that a failing page has its picture
        self.axe.check(self.page, f"{label} ({self.page.url})")

    def screenshot(self, label: str) -> Path:
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.name}-{self.step:02d}-{slug}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def missed(self) -> list[str]:
        return [url for url in self.unchecked + self._pending if not url.startswith("about:")]


def count_answers(visit: Visit, monkeypatch: pytest.MonkeyPatch) -> None:
    """Count every field the journey answers (each box of a date counts): a Playwright call that types,
    ticks, chooses or attaches, on a locator or the page, adds one to `visit.answers`."""
    for kind in (Locator, Page):
        for name in ANSWERING:
            original = getattr(kind, name, None)
            if original is None:
                continue

            def counted(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
                visit.answers += 1
                return _original(self, *args, **kwargs)

            monkeypatch.setattr(kind, name, counted)


def _note_length(visit: Visit) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    lengths = json.loads(JOURNEYS.read_text()) if JOURNEYS.exists() else {}
    lengths[visit.name] = {"pages": visit.step, "fields": visit.answers}
    JOURNEYS.write_text(json.dumps(lengths, indent=2, sort_keys=True))


@pytest.fixture
def visit(
    page: Page, axe: Axe, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Visit]:
    page.set_default_timeout(10_000)
    name = request.node.originalname.removeprefix("test_")
    for old in SCREENSHOTS.glob(f"{name}-*.png"):  # a shorter journey leaves no stale pictures behind
        old.unlink()
    visit = Visit(page, axe, name)
    count_answers(visit, monkeypatch)
    yield visit
    if not request.node.stash.get(FAILED_CALL, False):
        _note_length(visit)
    missed = visit.missed()
    if missed and not request.node.stash.get(FAILED_CALL, False):
        pytest.fail(f"pages loaded without an accessibility check and screenshot: {missed}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Note a failed test body, so that its unvisited pages are not reported on top of the failure."""
    report = yield
    if call.when == "call" and report.failed:
        item.stash[FAILED_CALL] = True
    return report


# ---------------------------------------------------------------- page helpers


def error_summary(page: Page) -> list[str]:
    """The messages in the GOV.UK error summary, which is an alert headed "There is a problem"."""
    return [t.strip() for t in _error_summary(page).get_by_role("link").all_inner_texts()]


def _error_summary(page: Page) -> Locator:
    heading = page.get_by_role("heading", name="There is a problem")
    summary = page.get_by_role("alert").filter(has=heading)
    expect(summary).to_be_visible()
    return summary


def fill_date_and_time(page: Page, date_group: str, time_label: str, moment: datetime) -> None:
    """Type `moment` into a GOV.UK date input (the group named `date_group`) and its time field, in UK time
    as the pages read them. Journeys take their moments from now (an hour ago, a day ago), never a fixed time
    of day, so they pass at any hour and on any date."""
    local = moment.astimezone(UK)
    group = page.get_by_role("group", name=date_group, exact=True)
    group.get_by_label("Day").fill(str(local.day))
    group.get_by_label("Month").fill(str(local.month))
    group.get_by_label("Year").fill(str(local.year))
    page.get_by_label(time_label, exact=True).fill(local.strftime("%H:%M"))


def earlier_today(ago: timedelta) -> datetime:
    """A moment `ago` before now, but never before today's UK midnight: for what the service insists is today
    or later (a panel meeting), so a journey run at 00:05 does not type yesterday."""
    now = utcnow()
    midnight = datetime.combine(now.astimezone(UK).date(), dtime(), tzinfo=UK).astimezone(UTC)
    return max(now - ago, midnight).replace(second=0, microsecond=0)


def home_task(page: Page, label: str) -> Locator:
    """On the home page, the "Waiting for you" card of one kind of work (its label, as the navigation and
    the email name it)."""
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    card = page.locator(".app-task").filter(has=page.get_by_role("heading", name=label))
    expect(card).to_have_count(1)
    return card


def waiting_email(
    factory: sessionmaker[Session], username: str, *, after_quiet: bool = False, to: str = ""
) -> str:
    """The newest waiting-work email to a user made by `make_live_user` (or to the address `to`), after a
    mail round run now (the dispatcher's round, without waiting for it), or once the quiet time since the
    user's last message is over (`after_quiet`: no one is written to twice in `mail.QUIET`). It names the
    kinds of work only."""
    with unit_of_work(factory) as session:
        mail.notify_all(session, utcnow() + mail.QUIET if after_quiet else None)
        sent = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == (to or f"{username}@police.example"))
            .order_by(OutboxMessage.created_at)
        ).all()
        assert sent, f"no waiting-work email to {username}"
        return sent[-1].body


def search(page: Page, visit: Visit, words: str) -> None:
    """From the navigation's Search: `words` typed and searched (the form checked and photographed first)."""
    navigation(page).get_by_role("link", name="Search").click()
    visit("search form")
    page.get_by_label("Name, reference or postcode").fill(words)
    page.get_by_role("button", name="Search").click()


def saved_with_history(
    page: Page,
    reason: str,
    was: str,
    now: str,
    *,
    label: str = "Why are you correcting this?",
    button: str = "Save the correction",
) -> None:
    """Give a correction's reason, save it, and find the old and the new value in the record's Corrections."""
    page.get_by_label(label).fill(reason)
    page.get_by_role("button", name=button).click()
    history = page.get_by_role("region", name="Corrections")
    for value in (was, now):
        expect(history.get_by_role("cell", name=value, exact=True)).to_be_visible()


def navigation(page: Page) -> Locator:
    """The service navigation (GOV.UK's `<nav>`, labelled "Menu")."""
    return page.get_by_role("navigation", name="Menu")


def sign_in(page: Page, visit: Visit, username: str, authenticator: Authenticator) -> None:
    """From the sign-in page: user name and password, then the security code."""
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    visit("sign in")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    visit("security code")
    page.get_by_label("Security code").fill(authenticator.code())
    page.get_by_role("button", name="Sign in").click()


def reflows_at_320_pixels(page: Page, visit: Visit, pages: list[tuple[str, str]]) -> None:
    """WCAG 1.4.10 (reflow): at 320 CSS pixels wide the page never scrolls sideways; a data table may, inside
    its own scrolling box. A failure names the elements that stick out."""
    size = page.viewport_size
    assert size is not None
    page.set_viewport_size({"width": 320, "height": 640})
    for url, heading in pages:
        page.goto(url)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        visit(f"{heading} at 320 pixels")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            wide = page.evaluate(STICKING_OUT)
            raise AssertionError(f"{url} scrolls sideways by {overflow}px at 320 pixels wide: {wide}")
    page.set_viewport_size(size)


STICKING_OUT = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .slice(0, 8)
    .map(e => [e.tagName.toLowerCase(), ...e.classList].join('.')
              + ` to ${Math.round(e.getBoundingClientRect().right)}px`)"""
