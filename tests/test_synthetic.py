"""`disclosure demo --scale N` [issue 17]: the synthetic force is as consistent as the service's own records
(every foreign key holds, the audit chain verifies, stored deadlines are current, references are unique and
of their year), copies reach every table the template cases fill, each copy has its own people, and it is
refused in production."""

from __future__ import annotations

import dataclasses
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from disclosure import audit
from disclosure.config import Settings
from disclosure.db import Base, utcnow
from disclosure.decisions.models import PanelMeeting
from disclosure.errors import DisclosureError
from disclosure.missing.models import Notification, ReturnInterview
from disclosure.requests import stored_deadlines
from disclosure.requests.models import CaseParty, DisclosureRequest
from disclosure.synthetic import cloning, generate, journeys

UK = ZoneInfo("Europe/London")
SCALE = 60
DRAWN = {"people", "person_names", "person_addresses", "person_match_keys", "person_match_cards"}
"""Tables each copy fills from the population rather than from the templates."""
NOT_IN_TEMPLATES = {
    "access_grants": "restricted cases are few; their grants are made by hand",
    "person_access_grants": "restricted people likewise",
    "triage_incidents": "an immediate risk at triage goes to the control room, not into the queue",
    "urgent_disclosures": "an urgent disclosure happens a few times a year",
    "protocol_forms": "Herbert and Philomena forms are lodged by partners, one per person at most",
    "missing_pending_matches": "an imported report that matches no one for sure waits for a person",
    "missing_link_considerations": "made when exploitation links cases, by hand",
    "missing_unreached_notices": "only when an urgent notice has nobody to go to",
    "subject_access_requests": "a person's request for what is held about them: a few a month, by hand",
}
"""Tables about a case, an episode, a meeting or a person that no template journey fills, and why."""


@pytest.fixture
def made(session_factory: sessionmaker[Session], settings: Settings) -> generate.Made:
    return generate.generate(session_factory, settings, SCALE, years=3)


def test_a_synthetic_force_is_consistent(db: Session, made: generate.Made) -> None:
    assert SCALE <= made.requests < SCALE + 5, "a unit of cases is copied whole: a few more at most"
    cases = db.scalars(select(DisclosureRequest)).all()
    assert len(cases) == made.requests
    report = audit.verify(db)
    assert report.intact and report.checked == made.audit_events
    assert stored_deadlines.recompute_all(db) == 0, "every open case's stored deadline is current"
    if db.get_bind().dialect.name == "sqlite":  # PostgreSQL checks foreign keys as rows go in
        assert db.execute(text("PRAGMA foreign_key_check")).all() == []
    references = Counter(c.reference for c in cases)
    assert max(references.values()) == 1
    for case in cases:
        year = case.first_contact_at.astimezone(UK).year
        assert case.reference.startswith(f"{case.scheme.upper()}-{year}-"), case.reference
    opened = [c for c in cases if c.closed_at is None]
    assert len(opened) >= round(SCALE * generate.OPEN_SHARE)
    oldest = min(c.first_contact_at for c in cases)
    assert (utcnow() - oldest).days > 365, "closed cases spread over the years asked for"
    assert all((utcnow() - c.first_contact_at).days < 60 for c in opened), "open cases are recent"


def test_the_past_was_dealt_with_at_the_time(db: Session, made: generate.Made) -> None:
    """No ten-year backlog for the dispatcher or the home page: notifications of before the last week were
    sent and acknowledged, their return home interviews held, and panels closed; the last week's may still
    wait."""
    settled = utcnow() - generate.SETTLED
    assert made.episodes and db.scalar(select(func.count()).select_from(Notification))
    unsent = select(func.count()).where(Notification.sent_at.is_(None), Notification.period_end <= utcnow())
    assert db.scalar(unsent) == 0
    waiting = select(func.count()).where(
        Notification.acknowledged_at.is_(None), Notification.sent_at < settled
    )
    assert db.scalar(waiting) == 0
    due = select(func.count()).where(ReturnInterview.outcome == "due", ReturnInterview.due_at < settled)
    assert db.scalar(due) == 0
    assert db.scalar(select(func.count()).where(ReturnInterview.outcome == "completed"))
    closed = select(func.count()).where(PanelMeeting.status == "closed")
    assert db.scalar(closed), "a panel whose every case is signed off is closed, so the panels list is short"


def test_copies_reach_every_table_the_templates_fill(db: Session, made: generate.Made) -> None:
    """Walks every table that refers to a request, an episode, a meeting or a person: the templates fill
    it (or it is named below with the reason), the copies add to it, and the rows are there."""
    not_made = {
        *cloning.EXCLUDED,  # files: never copied
        *NOT_IN_TEMPLATES,
    }
    roots = {"requests", "missing_episodes", "panel_meetings", "people"}
    problems = []
    for table in Base.metadata.sorted_tables:
        name = table.name
        if name in cloning.SHARED or not any(fk.column.table.name in roots for fk in table.foreign_keys):
            continue
        rows = db.scalar(select(func.count()).select_from(table)) or 0
        if name in DRAWN:  # the templates' own people are there too
            if not made.copied[name] or rows < made.copied[name]:
                problems.append(f"{name}: {rows} rows, {made.copied[name]} drawn")
            continue
        if rows != made.templates[name] + made.copied[name]:
            problems.append(f"{name}: {rows} rows, not the {made.templates[name]} + {made.copied[name]} made")
        elif name in not_made:
            if made.templates[name]:
                problems.append(f"{name} is made now: take it off the list")
        elif not made.templates[name]:
            problems.append(f"the template journeys make no {name}")
        elif made.copied[name] < made.templates[name]:
            problems.append(f"{name}: {made.copied[name]} copied of {made.templates[name]}")
    assert not problems, "\n".join(problems)


def test_each_copy_has_people_of_its_own(db: Session, made: generate.Made) -> None:
    on_cases = db.execute(select(CaseParty.request_id, CaseParty.person_id)).all()
    people = {person for _, person in on_cases}
    requests = {request for request, _ in on_cases}
    assert len(people) > len(requests), "copies are not about the template's people"
    assert made.people >= round(SCALE * generate.PEOPLE_PER_REQUEST)
    staff = set(journeys.STAFF)
    assert staff <= {u for (u,) in db.execute(text("SELECT username FROM users")).all()}


def test_refused_in_production(session_factory: sessionmaker[Session], settings: Settings) -> None:
    live = dataclasses.replace(settings, environment="production")
    with pytest.raises(DisclosureError, match="production"):
        generate.generate(session_factory, live, 10)
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(DisclosureRequest)) == 0, "nothing written"
