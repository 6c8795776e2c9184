"""The foundation journey: the first administrator from the console's set-up link and the authenticator
app, led by her home page's set-up checklist (and its email) to the force's settings; adding a user and
correcting his mistyped email (the old value in the account's history); the invited user's first sign-in;
an auditor finding the correction in the trail by user and kind of event. Every page is checked with
axe-core and photographed, and a few are checked again at 320 pixels wide for reflow."""

import re
from datetime import datetime, timedelta

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from disclosure.config import Settings
from e2e.conftest import (
    PASSWORD,
    UK,
    Authenticator,
    Visit,
    error_summary,
    home_task,
    make_live_user,
    navigation,
    reflows_at_320_pixels,
    saved_with_history,
    setup_link,
    sign_in,
    waiting_email,
)

ROLE_CHECKBOXES = ("Data administrator", "Researcher")


def test_an_administrator_sets_up_the_service_invites_a_user_and_an_auditor_reviews_the_trail(
    page: Page, visit: Visit, live_server: str, live_sessions: sessionmaker[Session], live_settings: Settings
) -> None:
    _first_administrator(page, visit, setup_link(live_sessions, live_settings))
    email = waiting_email(live_sessions, "ada.admin", to="ada@police.example")
    assert "Finish setting up the service:" in email
    _follow_the_set_up_checklist(page, visit)
    invitation, rory_page = _add_a_user(page, visit)
    reflows_at_320_pixels(
        page,
        visit,
        [
            (f"{live_server}/admin/users", "Users"),
            (rory_page, "Rory Researcher"),
            (f"{live_server}/admin/settings", "Settings"),
            (f"{live_server}/account", "Your account"),
        ],
    )
    _sign_out(page, visit, "admin signed out")
    _accept_the_invitation(page, visit, invitation)
    auditor = make_live_user(live_sessions, live_settings, "audrey.audit", "Audrey Auditor", "auditor")
    _review_the_audit_trail(page, visit, live_server, auditor)
    reflows_at_320_pixels(
        page, visit, [(f"{live_server}/", "Welcome, Audrey Auditor"), (f"{live_server}/audit", "Audit trail")]
    )


def _first_administrator(page: Page, visit: Visit, link: str) -> Authenticator:
    page.goto(link)
    expect(page.get_by_role("heading", name="Create the first administrator account")).to_be_visible()
    visit("setup form")
    page.get_by_label("Full name").fill("Ada Administrator")
    page.get_by_label("User name").fill("ada.admin")
    page.get_by_label("Work email address").fill("ada@police.example")
    page.get_by_label("Password", exact=True).fill("password12")
    page.get_by_label("Confirm password").fill("password12")
    page.get_by_role("button", name="Create account").click()
    assert any("12 characters" in message for message in error_summary(page))
    expect(page.get_by_label("User name")).to_have_value("ada.admin")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    visit("setup form with errors")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box is not None and 150 <= box["width"] <= 260 and box["width"] == box["height"]
    visit("authenticator set-up")
    admin = Authenticator(page.get_by_role("code").inner_text())
    page.get_by_label("Security code").fill(admin.wrong_code())
    page.get_by_role("button", name="Confirm and sign in").click()
    assert error_summary(page) == ["Enter the current 6-digit code from your authenticator app"]
    visit("authenticator set-up with a wrong code")
    page.get_by_label("Security code").fill(admin.code())
    page.get_by_role("button", name="Confirm and sign in").click()

    expect(page.get_by_role("heading", name="Welcome, Ada Administrator")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    visit("home")
    return admin


def _add_a_user(page: Page, visit: Visit) -> tuple[str, str]:
    navigation(page).get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", name="Users", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Ada Administrator")).to_be_visible()
    visit("users")
    page.get_by_role("link", name="Add a user").click()
    expect(page.get_by_role("heading", name="Add a user")).to_be_visible()
    visit("add a user")
    page.get_by_label("Full name").fill("Rory Researcher")
    page.get_by_label("User name").fill("rory.research")
    page.get_by_label("Work email address").fill("rory@polce.example")  # mistyped: corrected below
    for role in ROLE_CHECKBOXES:
        page.get_by_role("checkbox", name=role, exact=True).check()
    page.get_by_role("button", name="Add user").click()

    expect(page.get_by_role("heading", name="User added")).to_be_visible()
    invitation = page.get_by_role("code").inner_text().strip()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/invitation/[\w-]{40,}", invitation)
    visit("invitation link")
    page.get_by_role("link", name="Go to Rory Researcher's page").click()
    expect(page.get_by_role("heading", name="Rory Researcher")).to_be_visible()
    for role in ROLE_CHECKBOXES:
        expect(page.get_by_role("checkbox", name=role, exact=True)).to_be_checked()
    expect(page.get_by_role("checkbox", name="Administrator", exact=True)).not_to_be_checked()
    visit("user page")
    # The email was mistyped: corrected on his page, the old value kept in the account's history.
    page.get_by_label("Email", exact=True).fill("rory@police.example")
    saved_with_history(
        page,
        "Typing error when the account was added",
        "rory@polce.example",
        "rory@police.example",
        label="Why are you changing them?",
        button="Save name and email",
    )
    visit("user's email corrected")
    return invitation, page.url


def _follow_the_set_up_checklist(page: Page, visit: Visit) -> None:
    # Until the force's details are set, the home page lists them and the navigation counts them.
    checklist = home_task(page, "Finish setting up the service")
    for item in ("The force's name", "Postal address"):
        expect(checklist.get_by_role("link", name=item)).to_be_visible()
    expect(navigation(page).get_by_role("link", name=re.compile(r"^Settings\b"))).to_contain_text("waiting")
    checklist.get_by_role("link", name="The force's name").click()
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    visit("settings")
    page.get_by_label("Force name").fill("Testshire Police")
    page.get_by_role("radio", name="Wales").check()
    page.get_by_label("Postal address").fill("Police Headquarters\nTesttown TE1 1ST")
    page.get_by_label("Telephone number").fill("0300 123 4567")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Settings saved")
    expect(page.get_by_role("banner").get_by_role("link", name="Testshire Police")).to_be_visible()
    expect(page).to_have_title(re.compile(r"\u2013 Testshire Police$"))  # an en dash before the force
    expect(navigation(page).get_by_role("link", name=re.compile(r"^Settings\b"))).not_to_contain_text(
        "waiting"
    )
    visit("settings saved: nothing left to set")


def _sign_out(page: Page, visit: Visit, label: str) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    visit(label)


def _accept_the_invitation(page: Page, visit: Visit, invitation: str) -> None:
    page.goto(invitation)
    expect(page.get_by_role("heading", name="Set your password")).to_be_visible()
    visit("invitation")
    page.get_by_label("Password", exact=True).fill("copper kettle autumn harbour")
    page.get_by_label("Confirm password").fill("copper kettle autumn harbour")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    visit("invited user's authenticator set-up")
    rory = Authenticator(page.get_by_role("code").inner_text())
    page.get_by_label("Security code").fill(rory.code())
    page.get_by_role("button", name="Confirm and sign in").click()
    expect(page.get_by_role("heading", name="Welcome, Rory Researcher")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("with the roles: Data administrator, Researcher")
    expect(navigation(page).get_by_role("link", name="Users")).to_have_count(0)
    visit("invited user's home")
    _sign_out(page, visit, "invited user signed out")


def _review_the_audit_trail(page: Page, visit: Visit, live_server: str, auditor: Authenticator) -> None:
    page.goto(f"{live_server}/audit")
    sign_in(page, visit, "audrey.audit", auditor)
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    visit("audit trail")

    _fits_the_page(page)

    # The filters sit in a <details>; its <summary> has no ARIA role, so it is found by its text.
    page.get_by_text("Filter events", exact=True).click()
    since = datetime.now(UK) - timedelta(days=1)  # every event of this journey, at any hour
    from_date = page.get_by_role("group", name="From date", exact=True)
    from_date.get_by_label("Day").fill(str(since.day))
    from_date.get_by_label("Month").fill(str(since.month))
    from_date.get_by_label("Year").fill(str(since.year))
    page.get_by_label("User name").fill("ada.admin")
    page.get_by_label("What happened").select_option(label="Corrected a user's full name or email")
    page.get_by_role("button", name="Apply filters").click()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.first).to_be_visible()
    corrected = page.get_by_role("cell", name=re.compile(r"^Corrected a user's full name or email"))
    expect(corrected).to_have_count(1)
    assert rows.count() - 1 == 1  # one header row; the one event listed is ada.admin's correction
    expect(page.get_by_role("cell", name=re.compile(r"user\.correct"))).to_have_count(0)  # words, not codes
    expect(page.get_by_role("group", name="From date", exact=True).get_by_label("Day")).to_have_value(
        str(since.day)
    )
    _fits_the_page(page)
    visit("audit trail filtered")
    rows.nth(1).get_by_role("link").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Audit event \d+$"))).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text="ada.admin")).not_to_have_count(0)
    expect(page.get_by_role("definition").filter(has_text="Corrected: email")).not_to_have_count(0)
    visit("audit event")
    page.get_by_role("link", name="Back to the audit trail").click()
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    visit("audit trail again")
    page.get_by_role("link", name="Check the chain is intact").click()
    expect(page.get_by_role("heading", name="Audit chain check")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"The chain is intact: \d+ events checked"))
    visit("audit chain check")


def _fits_the_page(page: Page) -> None:
    """The audit trail's table fits a 1280-pixel window: nothing to scroll sideways, in the page or in the
    table's own region (which scrolls only on a narrow screen)."""
    region = page.get_by_role("region", name=re.compile(r"^[\d,]+ events?$"))
    assert region.evaluate("e => e.scrollWidth - e.clientWidth") <= 0
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
