"""Missing-person pages end to end through the web layer: errors at their fields with answers kept, the
episode journey, imports, exports, partners' notifications and protocol forms [issue 7]."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.audit import AuditEvent
from disclosure.db import utcnow
from disclosure.missing import notify, rules
from disclosure.missing.models import Episode, Notification, PendingMatch, ProtocolForm
from tests import samples
from tests.builders import make_user, principal_for, sign_in_as
from tests.missing.builders import (
    coordinator,
    episode_values,
    person,
    return_values,
    social_worker,
    when,
)
from tests.missing.test_feed import csv_of, line
from tests.pages import PageClient
from tests.samples import pdf


def _episode_id(response: Any) -> str:
    return str(response.headers["location"]).rsplit("/", 1)[-1]


def test_a_coordinator_records_reviews_closes_and_follows_up_an_episode(
    db: Session, client: PageClient
) -> None:
    actor = coordinator(db)
    sign_in_as(db, client, actor)
    assert client.get("/missing").status_code == 200
    assert client.get("/missing/new").status_code == 200
    values = {"given_names": "Jamie", "family_name": "Rivers", **episode_values(), "risk_rationale": ""}
    searched = client.submit("/missing/new", {**values, "action": "search"})
    assert searched.status_code == 200 and "No likely matches" in searched.text
    refused = client.submit("/missing/new", {**values, "action": "create"})
    assert refused.status_code == 400 and 'href="#risk_rationale"' in refused.text
    assert "Bus station, Leeds" in refused.text, "answers are kept"
    made = client.submit("/missing/new", {**values, "risk_rationale": "First episode", "action": "create"})
    assert made.status_code == 303
    episode_id = _episode_id(made)
    page = client.get(f"/missing/episodes/{episode_id}")
    assert page.status_code == 200 and "Missing: Jamie Rivers" in page.text and "First episode" in page.text

    risk = client.get(f"/missing/episodes/{episode_id}/risk")
    version = re.search(r'name="version" value="(\d+)"', risk.text).group(1)  # type: ignore[union-attr]
    bad = client.submit(f"/missing/episodes/{episode_id}/risk", {"risk_level": "high", "version": version})
    assert bad.status_code == 400 and 'href="#rationale"' in bad.text
    raised = client.submit(
        f"/missing/episodes/{episode_id}/risk",
        {
            "risk_level": "high",
            "rationale": "Seen with older males",
            "source": "CCTV",
            **when(utcnow(), "obtained"),
            "version": version,
        },
    )
    assert raised.status_code == 303
    stale = client.submit(
        f"/missing/episodes/{episode_id}/risk",
        {
            "risk_level": "low",
            "rationale": "x",
            "source": "y",
            **when(utcnow(), "obtained"),
            "version": version,
        },
    )
    assert (
        stale.status_code == 409
        and "Someone else changed" in stale.text
        and "govuk-error-summary" in stale.text
    )
    fresh = re.search(r'name="version" value="(\d+)"', stale.text).group(1)  # type: ignore[union-attr]
    assert fresh != version, "saving again applies the answers"

    episode = db.get(Episode, uuid.UUID(episode_id))
    assert episode is not None
    assert client.get(f"/missing/episodes/{episode_id}/close").status_code == 200
    closed = client.submit(
        f"/missing/episodes/{episode_id}/close", {**return_values(), "version": str(episode.version)}
    )
    assert closed.status_code == 303
    assert client.get(f"/missing/episodes/{episode_id}/risk", follow_redirects=False).status_code == 303
    twice = client.submit(f"/missing/episodes/{episode_id}/close", {**return_values(), "version": ""})
    assert twice.status_code == 409 and "already closed" in twice.text.lower()  # answers kept, reason at top
    interview = client.get(f"/missing/episodes/{episode_id}/interview")
    version = re.search(r'name="version" value="(\d+)"', interview.text).group(1)  # type: ignore[union-attr]
    saved = client.submit(
        f"/missing/episodes/{episode_id}/interview",
        {"outcome": "not_offered", "reason": "Moved out of area the next day", "version": version},
    )
    assert saved.status_code == 303
    page = client.get(f"/missing/episodes/{episode_id}")
    assert "Not offered" in page.text and "Moved out of area" in page.text
    history = client.get(f"/missing/people/{episode.person_id}")
    assert history.status_code == 200 and "Timeline" in history.text and "Risk Medium to High" in history.text
    assert "Missing history and timeline" in client.get(f"/people/{episode.person_id}").text


def test_the_partner_reads_and_acknowledges_its_digest(db: Session, client: PageClient) -> None:
    actor = coordinator(db)
    worker = social_worker(db)
    from disclosure.missing import service

    who = person(db, actor)
    service.record_episode(db, actor, who.id, episode_values(social_worker_id=str(worker.user_id)))
    digest = db.scalar(select(Notification).where(Notification.user_id == worker.user_id))
    assert digest is not None
    notify.dispatch(db, digest.period_end + timedelta(seconds=1))
    sign_in_as(db, client, worker)
    inbox = client.get("/partner/missing")
    assert inbox.status_code == 200 and "Jamie Rivers" in inbox.text and "To acknowledge" in inbox.text
    opened = client.get(f"/partner/missing/{digest.id}")
    assert opened.status_code == 200 and "Reported missing" in opened.text
    assert client.submit(f"/partner/missing/{digest.id}/acknowledge").status_code == 303
    db.refresh(digest)
    assert digest.acknowledged_at is not None
    link = f"/partner/missing/{digest.id}"
    waiting = client.get("/partner/missing")
    assert link not in waiting.text and "To acknowledge (0)" in waiting.text, "it leaves what waits"
    assert link in client.get("/partner/missing?view=done").text, "and is found under Acknowledged"
    other = social_worker(db, "other.worker")
    sign_in_as(db, client, other)
    assert client.get(f"/partner/missing/{digest.id}").status_code == 404


def test_an_uploaded_feed_reports_each_refused_row_and_a_match_is_confirmed(
    db: Session, client: PageClient
) -> None:
    actor = coordinator(db)
    person(db, actor)
    person(db, actor)  # the same details twice: the feed row must wait for a person to choose
    sign_in_as(db, client, actor)
    assert client.get("/missing/imports").status_code == 200
    empty = client.post(
        "/missing/imports/new",
        files={"file": ("feed.csv", b"", "text/csv")},
        data={"_csrf_token": client.csrf()},
    )
    assert empty.status_code == 400 and "The selected file is empty" in empty.text
    data = csv_of(line(), line(police_reference="MP/26/0002", risk_level="extreme"))
    done = client.post(
        "/missing/imports/new",
        files={"file": ("feed.csv", data, "text/csv")},
        data={"_csrf_token": client.csrf()},
        follow_redirects=False,
    )
    assert done.status_code == 303
    result = client.get(done.headers["location"])
    assert "Line" in result.text and "Risk level &#39;extreme&#39;" in result.text
    matches = client.get("/missing/matches")
    match_id = re.search(r'href="/missing/matches/([0-9a-f-]+)"', matches.text).group(1)  # type: ignore[union-attr]
    assert client.get(f"/missing/matches/{match_id}").status_code == 200
    refused = client.submit(f"/missing/matches/{match_id}", {})
    assert refused.status_code == 400
    assert client.submit(f"/missing/matches/{match_id}", {"person_id": "new"}).status_code == 303
    episode = db.scalar(select(Episode).where(Episode.police_reference == "MP/26/0001"))
    assert episode is not None and episode.person_id is not None


def test_the_export_is_audited_and_opens_as_csv_and_excel(db: Session, client: PageClient) -> None:
    actor = coordinator(db)
    from disclosure.missing import service

    who = person(db, actor, "=HYPERLINK(1)", "Rivers")
    service.record_episode(db, actor, who.id, episode_values(police_reference="MP/1"))
    sign_in_as(db, client, actor)
    assert client.get("/missing/export").status_code == 200
    refused = client.submit("/missing/export", {"format": "csv"})
    assert refused.status_code == 400 and 'href="#recipient"' in refused.text
    answer = {"recipient": "Children's services", "reason": "Monthly missing meeting", "days": "30"}
    as_csv = client.submit("/missing/export", {**answer, "format": "csv"})
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Police reference" and rows[1][0] == "MP/1" and rows[1][1].startswith("'=")
    as_xlsx = client.submit("/missing/export", {**answer, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None and sheet["A2"].value == "MP/1" and sheet["K2"].value == "No"
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "missing.export")).all()
    assert len(events) == 2 and events[0].recipients == "Children's services"


def test_protocol_forms_are_released_to_police_only_while_the_person_is_missing(
    db: Session, client: PageClient
) -> None:
    actor = coordinator(db)
    who = person(db, actor)
    born = who.date_of_birth
    assert born is not None
    carer = social_worker(db, "carer.home")
    sign_in_as(db, client, carer)
    assert client.get("/partner/protocol-forms").status_code == 200
    details = {
        "kind": "philomena",
        "given_names": "Jamie",
        "family_name": "Rivers",
        "date_of_birth-day": str(born.day),
        "date_of_birth-month": str(born.month),
        "date_of_birth-year": str(born.year),
    }
    lodged = client.post(
        "/partner/protocol-forms/new",
        files={"file": ("philomena.pdf", pdf(), "application/pdf")},
        data={**details, "_csrf_token": client.csrf()},
        follow_redirects=False,
    )
    assert lodged.status_code == 303
    form = db.scalar(select(ProtocolForm))
    assert form is not None and form.person_id == who.id
    sign_in_as(db, client, actor)
    assert client.get(f"/missing/protocol-forms/{form.id}").status_code == 403
    assert "1 form is held" in client.get(f"/missing/people/{who.id}").text
    from disclosure.missing import service

    service.record_episode(db, actor, who.id, episode_values())
    released = client.get(f"/missing/protocol-forms/{form.id}")
    assert released.status_code == 200 and released.content.startswith(b"%PDF")
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "missing.protocol_release"))


def test_a_protocol_form_carrying_anything_active_is_refused_and_nothing_kept(
    db: Session, client: PageClient
) -> None:
    """Partner users lodge forms that police later open [issue 14 §4]: as attacked, a Word file with a
    remote template, one with an INCLUDEPICTURE field and one with a renamed macro project."""
    person(db, coordinator(db))
    sign_in_as(db, client, social_worker(db, "carer.home"))
    details = {"kind": "herbert", "given_names": "Jamie", "family_name": "Rivers"}
    for attack in ("template", "field", "macro"):
        lodged = client.post(
            "/partner/protocol-forms/new",
            files={"file": ("form.docx", samples.active_docx(attack), samples.DOCX_TYPE)},
            data={**details, "_csrf_token": client.csrf()},
            follow_redirects=False,
        )
        assert lodged.status_code == 400 and 'href="#file"' in lodged.text, attack
        assert 'value="Rivers"' in lodged.text, "what was typed is kept"
    assert db.scalar(select(ProtocolForm)) is None


def test_administrators_set_the_rules_with_errors_at_their_fields(db: Session, client: PageClient) -> None:
    admin = principal_for(make_user(db, "administrator").user)
    sign_in_as(db, client, admin)
    page = client.get("/admin/missing")
    assert page.status_code == 200 and "Repeat missing" in page.text and "No mail server is set" in page.text
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)  # type: ignore[union-attr]
    bad = client.submit(
        "/admin/missing",
        {
            "repeat_episodes": "1",
            "repeat_days": "x",
            "digest_hours": "24",
            "escalate_hours": "2",
            "version": version,
        },
    )
    assert (
        bad.status_code == 400 and 'href="#repeat_episodes"' in bad.text and 'href="#repeat_days"' in bad.text
    )
    good = client.submit(
        "/admin/missing",
        {
            "repeat_episodes": "4",
            "repeat_days": "60",
            "digest_hours": "12",
            "escalate_hours": "1",
            "version": version,
        },
    )
    assert good.status_code == 303


def test_a_feed_over_the_upload_limit_is_refused_at_the_file_field(db: Session, client: PageClient) -> None:
    sign_in_as(db, client, coordinator(db))
    big = csv_of(line()) + b"x" * (2 * 1024 * 1024)
    response = client.post(
        "/missing/imports/new",
        data={"_csrf_token": client.csrf()},
        files={"file": ("feed.csv", big, "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/missing/imports?error=too-large"
    shown = client.get(response.headers["location"])
    assert shown.status_code == 400 and 'href="#file"' in shown.text and "smaller than 1 MB" in shown.text


def test_administrators_add_a_risk_level_and_reword_one(db: Session, client: PageClient) -> None:
    sign_in_as(db, client, principal_for(make_user(db, "administrator").user))
    bad = client.submit(
        "/admin/missing/risk-levels", {"new_code": "Very High!", "new_label": "", "new_rank": "x"}
    )
    assert bad.status_code == 400
    for field in ("new_code", "new_label", "new_rank"):
        assert f'href="#{field}"' in bad.text
    assert 'value="Very High!"' in bad.text, "answers are kept"
    added = client.submit(
        "/admin/missing/risk-levels",
        {"new_code": "very_high", "new_label": "Very high", "new_rank": "5", "new_urgent": "yes"},
    )
    assert added.status_code == 303

    level = next(level for level in rules.risk_levels(db) if level.code == "very_high")
    assert level.urgent and level.rank == 5
    duplicate = client.submit(
        "/admin/missing/risk-levels", {"new_code": "very_high", "new_label": "x", "new_rank": "6"}
    )
    assert duplicate.status_code == 400 and "already a risk level with this code" in duplicate.text
    reworded = client.submit(
        f"/admin/missing/risk-levels/{level.id}",
        {"label": "", "active": "yes", "version": str(level.version)},
    )
    assert reworded.status_code == 400 and f'href="#level-{level.id}-label"' in reworded.text


def test_long_lists_count_everyone_and_say_how_many_they_list(
    db: Session, client: PageClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The overview and the matches page list the first few hundred; their counts are of everyone, so a
    busy night never reads as fewer people missing than there are [issue 17]."""
    from disclosure.missing import protocols
    from disclosure.missing import service as missing
    from disclosure.missing.service import history

    monkeypatch.setattr(history, "OVERVIEW_LISTED", 2)
    monkeypatch.setattr(history, "INTERVIEWS_LISTED", 1)
    monkeypatch.setattr(protocols, "MATCHES_LISTED", 2)
    actor = coordinator(db)
    for _ in range(3):
        missing.record_episode(db, actor, person(db, actor).id, episode_values())
    for hours in (5, 6):
        episode = missing.record_episode(db, actor, person(db, actor).id, episode_values(hours_ago=hours + 2))
        missing.close_episode(db, actor, episode.id, return_values(hours_ago=hours))
    sign_in_as(db, client, actor)
    overview = client.get("/missing").text
    assert "Missing now: 3, highest risk first (the first 2 listed)" in overview
    assert "to follow up: 2, soonest due first (the first 1 listed)" in overview
    data = csv_of(*(line(police_reference=f"MP/26/010{n}", given_names=f"Alex{n}") for n in range(3)))
    client.post(
        "/missing/imports/new",
        files={"file": ("feed.csv", data, "text/csv")},
        data={"_csrf_token": client.csrf()},
    )
    matches = client.get("/missing/matches").text
    assert "3 to confirm (the 2 waiting longest listed" in matches


def test_people_to_confirm_who_share_a_likely_match_are_listed_together(
    db: Session, client: PageClient
) -> None:
    """A may be B and B may be C: the coordinator sees the entries together, marked, to settle at once."""
    from disclosure.missing import service as missing

    actor = coordinator(db)
    shared, other = person(db, actor, "Jamie", "Rivers"), person(db, actor, "Kit", "Marlowe")
    chain = person(db, actor, "Jaimie", "Rivres")
    rows = [
        ("Jamie", [shared.id]),
        ("Kit", [other.id]),
        ("Jaimy", [shared.id, chain.id]),
        ("Jayme", [chain.id]),
    ]
    for hours, (given, candidates) in enumerate(rows):
        missing_child = person(db, actor, "Pat", ("Ash", "Birch", "Cedar", "Dale")[hours])
        episode = missing.record_episode(db, actor, missing_child.id, episode_values(hours_ago=8 - hours))
        db.add(
            PendingMatch(
                episode_id=episode.id,
                given_names=given,
                family_name="Rivers",
                candidates=[{"person_id": str(c), "score": 50, "reasons": []} for c in candidates],
                created_at=utcnow() - timedelta(hours=8 - hours),
            )
        )
    db.flush()
    sign_in_as(db, client, actor)
    page = client.get("/missing/matches").text
    listed = re.findall(r">(\w+) Rivers</a>(<br><strong[^>]*>May be one person: (\d) of (\d))?", page)
    assert [(name, n, of) for name, _, n, of in listed] == [
        ("Jamie", "1", "3"),
        ("Jaimy", "2", "3"),
        ("Jayme", "3", "3"),
        ("Kit", "", ""),
    ]
