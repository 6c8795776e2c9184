"""Browser journey for missing-person coordination [issue 7]: a MASH data administrator records an episode
for a person already in the index (who has been missing twice before, so the repeat flag shows), raises the
risk, records the return, finds the return home interview waiting on her home page (and in her email),
records it, corrects the report's time, finds the person again by a misspelt name and reads the timeline;
the allocated social worker is led from his home page to the one consolidated digest and acknowledges it. A
feed file with good, bad and duplicate rows is imported through the page. The times recorded as they
happen start at now (issue 16), so the journey types none of them."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import FilePayload, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from disclosure.agencies.models import Agency, AgencyMember
from disclosure.config import Settings
from disclosure.db import unit_of_work, utcnow
from disclosure.missing import notify, service
from disclosure.missing.models import Notification
from disclosure.people import service as people
from disclosure.people.schemas import PersonDetails
from e2e.conftest import (
    Visit,
    error_summary,
    fill_date_and_time,
    home_task,
    live_principal,
    make_live_user,
    navigation,
    search,
    sign_in,
    waiting_email,
)
from tests.missing.builders import episode_values, return_values, years_ago
from tests.missing.test_feed import csv_of, line

KAYLA_BORN = years_ago(15)
"""Kayla is 15 whenever the journey runs, so her episode is a child's with a return home interview."""


def _earlier_episodes(factory: sessionmaker[Session], social_worker: str) -> None:
    """Kayla has been missing twice in the last three months (returned each time)."""
    with unit_of_work(factory) as session:
        mash = live_principal(session, "mo.mash")
        worker = live_principal(session, social_worker)
        care = session.scalar(select(Agency).where(Agency.code == "childrens-social-care"))
        assert care is not None
        session.add(AgencyMember(user_id=worker.user_id, agency_id=care.id))
        session.flush()
        kayla = people.create_person(
            session,
            mash,
            PersonDetails(given_names="Kayla", family_name="Morgan", date_of_birth=KAYLA_BORN),
        )
        for days in (60, 20):
            episode = service.record_episode(
                session,
                mash,
                kayla.id,
                episode_values(hours_ago=days * 24, social_worker_id=str(worker.user_id)),
            )
            service.close_episode(session, mash, episode.id, return_values(hours_ago=days * 24 - 12))


def test_a_coordinator_follows_an_episode_and_the_social_worker_reads_the_digest(
    page: Page, visit: Visit, live_server: str, live_sessions: sessionmaker[Session], live_settings: Settings
) -> None:
    mo = make_live_user(live_sessions, live_settings, "mo.mash", "Mo Mash", "data_administrator")
    sw = make_live_user(live_sessions, live_settings, "sol.worker", "Sol Worker", "partner")
    _earlier_episodes(live_sessions, "sol.worker")
    now = utcnow()  # the report, risk review and return start at the time each form opens, in that order

    page.goto(f"{live_server}/missing")
    sign_in(page, visit, "mo.mash", mo)
    expect(page.get_by_role("heading", name="Missing people")).to_be_visible()
    visit("missing people")
    page.get_by_role("link", name="Record a missing episode").click()
    visit("record an episode")
    page.get_by_label("Given names").fill("Kayla")
    page.get_by_label("Family name").fill("Morgan")
    birth = page.get_by_role("group", name="Date of birth")
    birth.get_by_label("Day").fill(str(KAYLA_BORN.day))
    birth.get_by_label("Month").fill(str(KAYLA_BORN.month))
    birth.get_by_label("Year").fill(str(KAYLA_BORN.year))
    page.get_by_label("Police reference").fill("MP/26/7001")
    page.get_by_label("Looked-after child").check()
    page.get_by_label("Placing authority").select_option(label="Children's Social Care")
    page.get_by_label("Where they live or are placed").fill("Birch Lodge children's home")
    page.get_by_label("Who reported them missing?").fill("Birch Lodge night staff")
    page.get_by_label("Where were they last seen?").fill("Leeds bus station")
    page.get_by_label("Clothing when last seen").fill("Red puffer jacket")
    page.get_by_role("group", name="Risk level").get_by_label("Medium").check()
    page.get_by_label("Where did the information come from?").fill("Night staff")
    page.get_by_label("Exploitation (sexual or criminal)").check()
    page.get_by_label("Allocated social worker").select_option(label="Sol Worker (Children's Social Care)")
    page.get_by_role("button", name="Find the person").click()
    visit("matches")
    page.get_by_role("button", name="Record for the selected person").click()
    messages = error_summary(page)
    assert "Select a person or add a new one" in messages
    assert "Enter why this risk level was given" in messages
    visit("errors shown, answers kept")
    expect(page.get_by_label("Where were they last seen?")).to_have_value("Leeds bus station")
    page.get_by_label("Why this risk level?").fill("Third time this quarter; known older associates")
    page.get_by_role("radio", name="Kayla Morgan").check()
    page.get_by_role("button", name="Record for the selected person").click()
    expect(page.get_by_role("heading", name="Missing: Kayla Morgan")).to_be_visible()
    expect(page.get_by_text("Repeat missing").first).to_be_visible()
    visit("episode recorded with repeat flag")

    page.get_by_role("link", name="Review the risk").click()
    visit("risk review")
    page.get_by_role("group", name="Risk level now").get_by_label("High").check()
    page.get_by_label("Why is the risk at this level?").fill("Seen getting into a car with two older men")
    page.get_by_label("Where did the information come from?").fill("CCTV, Leeds bus station")
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("Risk reviewed")).to_be_visible()
    expect(page.get_by_role("cell", name="Seen getting into a car with two older men")).to_be_visible()
    visit("risk raised")

    page.get_by_role("link", name="Record the return").click()
    visit("return form")
    page.get_by_label("Where?").fill("A flat in Armley")
    page.get_by_label("Who were they with?").fill("Two older males")
    page.get_by_label("Completed, concerns found").check()
    page.get_by_role("button", name="Close the episode").click()
    expect(page.get_by_text("the return home interview is due within 72 hours")).to_be_visible()
    visit("episode closed")

    # The interview waits on her home page, counted in the navigation, and her email says so (no names).
    navigation(page).get_by_role("link", name="Home").click()
    interviews = home_task(page, "Return home interviews due")
    expect(
        navigation(page).get_by_role("link", name=re.compile(r"^Missing people \d+ waiting$"))
    ).to_be_visible()
    visit("home page: the interview is due")
    email = waiting_email(live_sessions, "mo.mash")
    assert "Return home interviews due:" in email and "Kayla" not in email and "Morgan" not in email
    interviews.get_by_role("link", name="MP/26/7001: due").click()
    visit("interview form")
    page.get_by_role("group", name="Where does the interview stand?").get_by_label("Completed").check()
    held = utcnow()  # after the return, which was recorded at the time its form opened
    fill_date_and_time(page, "When was it offered?", "Time offered", held)
    fill_date_and_time(page, "When did it take place?", "Time of the interview", held)
    page.get_by_label("Interviewer", exact=True).fill("Robin Reyes")
    page.get_by_label("Interviewer's organisation").fill("Birch Lodge")
    page.get_by_label("The interviewer is independent of the placement").check()
    page.get_by_label("What the interview found").fill("Says she was given alcohol and a phone")
    page.get_by_role("button", name="Save the interview").click()
    assert "The interviewer must be independent of the placement" in error_summary(page)
    visit("interviewer not independent")
    page.get_by_label("Interviewer's organisation").fill("Safer Futures (independent)")
    page.get_by_role("button", name="Save the interview").click()
    expect(page.get_by_text("Return home interview recorded")).to_be_visible()
    visit("interview recorded")

    # The report came in four hours before it was typed in: corrected, with the old time in the history.
    page.get_by_role("link", name="Correct the report or the return").click()
    visit("correction form")
    fill_date_and_time(page, "When were they reported missing?", "Time reported", now - timedelta(hours=4))
    page.get_by_label("Why are you correcting this?").fill("The 101 log shows the call four hours earlier")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_text("Correction saved")).to_be_visible()
    expect(page.get_by_role("cell", name="The 101 log shows the call four hours earlier")).to_be_visible()
    visit("episode with its correction")

    # Found again by a misspelt name from the search page.
    search(page, visit, "Kaila Morgen")
    expect(page.get_by_role("link", name="Kayla Morgan").first).to_be_visible()
    expect(page.get_by_role("table", name="Missing episodes (3)")).to_be_visible()
    visit("search results")
    page.get_by_role("table", name="Missing episodes (3)").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Missing: Kayla Morgan")).to_be_visible()
    visit("episode found by search")

    page.get_by_role("link", name="Full missing history").click()
    expect(page.get_by_role("heading", name="Missing history: Kayla Morgan")).to_be_visible()
    expect(page.get_by_text("Repeat missing").first).to_be_visible()
    expect(page.get_by_role("heading", name="Risk Medium to High")).to_be_visible()
    visit("history and timeline")

    # The feed: good, bad and duplicate rows, each accounted for.
    navigation(page).get_by_role("link", name=re.compile(r"^Missing people")).click()
    visit("missing people after the episode")
    page.get_by_role("link", name="Import the police feed").click()
    visit("import form")
    feed = csv_of(
        line(
            police_reference="MP/26/8001",
            given_names="Tyler",
            family_name="Quinlan",
            date_of_birth="2009-03-02",
        ),
        line(police_reference="MP/26/8002", risk_level="extreme"),
        line(
            police_reference="MP/26/8001",
            given_names="Tyler",
            family_name="Quinlan",
            date_of_birth="2009-03-02",
        ),
    )
    page.get_by_label("The feed (CSV)").set_input_files(
        files=[FilePayload(name="police-feed.csv", mimeType="text/csv", buffer=feed)]
    )
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Finished: all 3 rows dealt with")).to_be_visible()
    expect(
        page.get_by_role(
            "cell", name="Risk level 'extreme' is not one of high, low, medium, no_apparent_risk"
        )
    ).to_be_visible()
    visit("import result")
    page.get_by_role("button", name="Sign out").click()
    visit("signed out")

    # The social worker: one digest for Kayla listing the episode and every change.
    with unit_of_work(live_sessions) as session:
        worker = live_principal(session, "sol.worker")
        digest = session.scalar(
            select(Notification)
            .where(Notification.user_id == worker.user_id, Notification.urgent.is_(False))
            .order_by(Notification.period_start.desc())
        )
        assert digest is not None
        kinds = [item.kind for item in digest.items]
        notify.dispatch(session, digest.period_end + timedelta(seconds=1))
    assert {"reported", "repeat", "risk", "returned", "interview"} <= set(kinds), kinds
    email = waiting_email(live_sessions, "sol.worker")
    assert f"/partner/missing/{digest.id}" in email and "Kayla" not in email, "the digest's own email"
    page.goto(live_server)
    sign_in(page, visit, "sol.worker", sw)
    notices = home_task(page, "Missing-person notifications to acknowledge")
    visit("partner home page: the digest waits")
    notices.locator(f'a[href="/partner/missing/{digest.id}"]').click()
    expect(page.get_by_role("heading", name="Missing-person digest")).to_be_visible()
    expect(page.get_by_text("Risk raised to High")).to_be_visible()
    visit("the digest")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Acknowledged").first).to_be_visible()
    visit("digest acknowledged")


def test_protocol_forms_matches_considerations_export_and_rules(
    page: Page, visit: Visit, live_server: str, live_sessions: sessionmaker[Session], live_settings: Settings
) -> None:
    """The other pages of the feature, each checked with axe: a carer lodges a Philomena form, the MASH
    sees in red on its home page that an urgent notice reached nobody, confirms an uncertain match, decides
    a Right to Know consideration, exports for partners, and an administrator changes the rules."""
    mia = make_live_user(live_sessions, live_settings, "mia.mash", "Mia Mash", "data_administrator")
    cara = make_live_user(live_sessions, live_settings, "cara.carer", "Cara Carer", "partner")
    ada = make_live_user(live_sessions, live_settings, "ada.rules", "Ada Rules", "administrator")
    with unit_of_work(live_sessions) as session:
        mash = live_principal(session, "mia.mash")
        carer = live_principal(session, "cara.carer")
        home = session.scalar(select(Agency).where(Agency.code == "childrens-social-care"))
        assert home is not None
        session.add(AgencyMember(user_id=carer.user_id, agency_id=home.id))
        for _ in range(2):  # two records with the same details: the feed cannot tell which
            people.create_person(
                session,
                mash,
                PersonDetails(given_names="Rowan", family_name="Ashby", date_of_birth=date(2012, 1, 9)),
            )
        from disclosure.requests.vocabulary import PartyRole
        from tests.requests.builders import add, make_request

        case = make_request(session, mash)
        noah = people.create_person(
            session,
            mash,
            PersonDetails(given_names="Noah", family_name="Penrose", date_of_birth=date(2009, 5, 1)),
        )
        add(session, mash, case, PartyRole.PERSON_AT_RISK, person=noah)
        service.record_episode(session, mash, noah.id, episode_values())
        # A child on a child-protection plan with no social worker, placing authority or children's social
        # care named: the urgent notice reaches nobody, and the MASH is told so in red [Wales-SP].
        ellis = people.create_person(
            session,
            mash,
            PersonDetails(given_names="Ellis", family_name="Thorne", date_of_birth=years_ago(13)),
        )
        service.record_episode(session, mash, ellis.id, episode_values(care_status="cp_plan"))

    # The carer lodges a Philomena form.
    page.goto(f"{live_server}/partner/protocol-forms")
    sign_in(page, visit, "cara.carer", cara)
    expect(page.get_by_role("heading", name="Philomena and Herbert protocol forms")).to_be_visible()
    visit("protocol forms")
    page.get_by_role("button", name="Lodge the form").click()
    assert "Select Philomena or Herbert protocol" in error_summary(page)
    visit("protocol form errors")
    page.get_by_label("Philomena protocol").check()
    page.get_by_label("Given names").fill("Noah")
    page.get_by_label("Family name").fill("Penrose")
    birth = page.get_by_role("group", name="Date of birth")
    birth.get_by_label("Day").fill("1")
    birth.get_by_label("Month").fill("5")
    birth.get_by_label("Year").fill("2009")
    page.get_by_label("The completed form").set_input_files(
        files=[FilePayload(name="philomena.pdf", mimeType="application/pdf", buffer=_pdf())]
    )
    page.get_by_role("button", name="Lodge the form").click()
    expect(page.get_by_text("Form lodged")).to_be_visible()
    visit("form lodged")
    page.get_by_role("button", name="Sign out").click()
    visit("carer signed out")

    # The MASH: the feed's uncertain match, the released form, the consideration, the export.
    page.goto(f"{live_server}/")
    sign_in(page, visit, "mia.mash", mia)
    expect(
        page.get_by_role("heading", name="Urgent missing-person notices that reached nobody")
    ).to_be_visible()
    visit("home page: an urgent notice reached nobody")
    page.get_by_role("link", name="Ellis Thorne").click()
    expect(page.get_by_role("heading", name="Missing: Ellis Thorne")).to_be_visible()
    expect(page.get_by_text("Nobody told")).to_be_visible()
    visit("episode: nobody told")
    page.goto(f"{live_server}/missing/imports")
    visit("imports")
    page.get_by_label("The feed (CSV)").set_input_files(
        files=[
            FilePayload(
                name="feed.csv",
                mimeType="text/csv",
                buffer=csv_of(
                    line(
                        police_reference="MP/26/9001",
                        given_names="Rowan",
                        family_name="Ashby",
                        date_of_birth="2012-01-09",
                    )
                ),
            )
        ]
    )
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Finished: all 1 rows dealt with")).to_be_visible()
    visit("feed with a match to confirm")
    page.get_by_role("link", name="1 with a person to confirm").click()
    visit("people to confirm")
    page.get_by_role("link", name="Rowan Ashby").click()
    visit("confirm the person")
    page.get_by_role("button", name="Confirm").click()
    assert "Select the matching person, or that this is someone new" in error_summary(page)
    visit("confirm errors")
    page.get_by_role("radio").first.check()
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Person confirmed")).to_be_visible()
    visit("person confirmed")

    page.goto(f"{live_server}/missing")
    visit("overview with a consideration")
    page.get_by_role("link", name="consider a Right to Know").first.click()
    visit("consideration")
    page.get_by_label("Accept: consider a Right to Know disclosure").check()
    page.get_by_role("button", name="Save the decision").click()
    assert "Enter the reason for your decision" in error_summary(page)
    visit("consideration errors")
    page.get_by_label("Reason").fill("Person at risk on a live Clare's Law case has gone missing twice")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Right to Know consideration accepted")).to_be_visible()
    visit("episode after the consideration")
    page.get_by_role("link", name="Philomena protocol form: philomena.pdf").wait_for()
    page.get_by_role("link", name="Full missing history").click()
    visit("history with a released form")

    page.goto(f"{live_server}/missing/export")
    visit("export")
    page.get_by_label("Who is it for?").fill("Children's services missing coordinator")
    page.get_by_label("Why do they need it?").fill("Weekly missing-children meeting")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    page.get_by_role("button", name="Sign out").click()
    visit("coordinator signed out")

    # The administrator's rules.
    page.goto(f"{live_server}/admin/missing")
    sign_in(page, visit, "ada.rules", ada)
    expect(page.get_by_role("heading", name="Missing-person rules")).to_be_visible()
    visit("rules")
    page.get_by_label("Episodes", exact=True).fill("1")
    page.get_by_role("button", name="Save the rules").click()
    assert "Episodes that make a repeat must be between 2 and 50" in error_summary(page)
    visit("rules errors")
    page.get_by_label("Episodes", exact=True).fill("3")
    page.get_by_role("button", name="Save the rules").click()
    expect(page.get_by_text("Missing-person rules saved")).to_be_visible()
    visit("rules saved")


def _pdf() -> bytes:
    from tests.samples import pdf

    return pdf()
