"""Foundation journey: the first administrator from the console's set-up link, authenticator set-up, adding
a user, settings, signing out and in again; the invited user's first sign-in; an auditor's review. Every page
is checked with axe-core and photographed."""

import re

import pyotp
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from disclosure.accounts import service as accounts
from disclosure.accounts.models import User, UserRole
from disclosure.accounts.passwords import hash_password
from disclosure.config import Settings
from disclosure.db import unit_of_work, utcnow
from e2e.conftest import Visit, error_summary

PASSWORD = "paper lantern mountain river"


def _code(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def _fresh_code(secret: str, used: set[str]) -> str:
    """A code not yet used: codes are accepted once, so wait for the next step if needed."""
    import time

    code = _code(secret)
    while code in used:
        time.sleep(1)
        code = _code(secret)
    used.add(code)
    return code


def test_first_administrator_adds_a_user_and_the_user_signs_in(
    page: Page, visit: Visit, live_server: str, live_sessions: sessionmaker[Session]
) -> None:
    settings = Settings.from_env({}, environment="test", base_url=live_server)
    with unit_of_work(live_sessions) as session:
        link = accounts.issue_setup_link(session, settings)
    assert link is not None

    page.goto(link)
    expect(page.get_by_role("heading", name="Create the first administrator account")).to_be_visible()
    visit("setup form")
    page.get_by_label("Full name").fill("Ada Administrator")
    page.get_by_label("User name").fill("ada.admin")
    page.get_by_label("Work email address").fill("ada@police.example")
    page.get_by_label("Password", exact=True).fill("password12")
    page.get_by_label("Confirm password").fill("password12")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert any("12 characters" in e for e in error_summary(page))
    expect(page.get_by_label("User name")).to_have_value("ada.admin")
    visit("setup form with errors")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    visit("authenticator set-up")
    secret = page.locator("#authenticator-key").inner_text().replace(" ", "")
    used: set[str] = set()
    page.get_by_label("Security code").fill(_fresh_code(secret, used))
    page.get_by_role("button", name="Confirm and sign in").click()
    expect(page.get_by_role("heading", name="Welcome, Ada Administrator")).to_be_visible()
    visit("home")

    page.get_by_role("link", name="Users", exact=True).first.click()
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    visit("users")
    page.get_by_role("link", name="Add a user").click()
    expect(page.get_by_role("heading", name="Add a user")).to_be_visible()
    visit("add user")
    page.get_by_role("button", name="Add user").click()
    assert "Enter the person's full name" in error_summary(page)
    visit("add user with errors")
    page.get_by_label("Full name").fill("Rory Researcher")
    page.get_by_label("User name").fill("rory.research")
    page.get_by_label("Work email address").fill("rory@police.example")
    page.get_by_label("Researcher").check()
    page.get_by_label("Data administrator").check()
    page.get_by_role("button", name="Add user").click()
    expect(page.get_by_role("heading", name="User added")).to_be_visible()
    invitation = page.locator("#invitation-link").inner_text().strip()
    visit("invitation link")
    page.get_by_role("link", name="Go to Rory Researcher's page").click()
    expect(page.get_by_role("heading", name="Rory Researcher")).to_be_visible()
    visit("user page")

    page.get_by_role("link", name="Settings", exact=True).first.click()
    visit("settings")
    page.get_by_label("Force name").fill("Testshire Police")
    page.get_by_label("Wales").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved")).to_be_visible()
    expect(page.get_by_role("link", name="Testshire Police")).to_be_visible()
    visit("settings saved")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    visit("signed out")
    page.get_by_role("link", name="Sign in again").click()
    page.get_by_label("User name").fill("ada.admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    visit("security code")
    page.get_by_label("Security code").fill("000000" if _code(secret) != "000000" else "111111")
    page.get_by_role("button", name="Sign in").click()
    assert "Enter the current 6-digit code from your authenticator app" in error_summary(page)
    visit("security code error")
    page.get_by_label("Security code").fill(_fresh_code(secret, used))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Welcome, Ada Administrator")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The invited user sets a password and an authenticator app.
    page.goto(invitation)
    expect(page.get_by_role("heading", name="Set your password")).to_be_visible()
    visit("invitation")
    page.get_by_label("Password", exact=True).fill("copper kettle autumn harbour")
    page.get_by_label("Confirm password").fill("copper kettle autumn harbour")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    rory_secret = page.locator("#authenticator-key").inner_text().replace(" ", "")
    page.get_by_label("Security code").fill(_fresh_code(rory_secret, set()))
    page.get_by_role("button", name="Confirm and sign in").click()
    expect(page.get_by_role("heading", name="Welcome, Rory Researcher")).to_be_visible()
    expect(page.get_by_role("link", name="Users")).to_have_count(0)
    visit("invited user home")


def test_an_auditor_reviews_the_trail(
    page: Page, visit: Visit, live_server: str, live_sessions: sessionmaker[Session]
) -> None:
    secret = pyotp.random_base32()
    with unit_of_work(live_sessions) as session:
        user = User(
            username="audrey.audit",
            display_name="Audrey Auditor",
            email="audrey@police.example",
            password_hash=hash_password(PASSWORD),
            totp_secret=secret,
            password_changed_at=utcnow(),
        )
        user.roles = [UserRole(role="auditor")]
        session.add(user)

    page.goto(f"{live_server}/audit")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("User name").fill("audrey.audit")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Security code").fill(_code(secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    visit("audit trail")

    page.get_by_text("Filter events").click()
    page.get_by_label("From date").fill("not a date")
    page.get_by_role("button", name="Apply filters").click()
    assert any("real date" in e for e in error_summary(page))
    visit("audit filter error")
    page.get_by_label("From date").fill("")
    page.get_by_label("Action starts with").fill("sign_in")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("cell", name=re.compile(r"^sign_in"))).not_to_have_count(0)
    visit("audit filtered")
    page.get_by_role("row").nth(1).get_by_role("link").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Audit event \d+"))).to_be_visible()
    visit("audit event")
    page.goto(f"{live_server}/audit/chain")
    expect(page.get_by_text("The chain is intact")).to_be_visible()
    visit("audit chain")
