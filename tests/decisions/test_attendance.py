"""Attendance in one answer when everyone is there or nothing changed since the last case, errors that name
the member, and a meeting date that has passed refused unless the meeting is recorded as held [issue 16]."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.audit import AuditEvent
from disclosure.db import utcnow
from disclosure.decisions import service
from disclosure.decisions.models import AgendaItem, Attendance, PanelMeeting
from disclosure.errors import FormInvalid
from tests.builders import sign_in_as
from tests.decisions.builders import all_present, meeting_values, panel_with, submitted_case
from tests.decisions.conftest import Cast
from tests.pages import PageClient


def _errors(call: Any) -> dict[str, str]:
    with pytest.raises(FormInvalid) as refused:
        call()
    return refused.value.errors


def _two_cases(db: Session, cast: Cast) -> tuple[PanelMeeting, list[AgendaItem]]:
    cases = [submitted_case(db, cast.clerk, cast.researcher, cast.reviewer) for _ in range(2)]
    return panel_with(
        db, cast.clerk, cast.chair, [(cast.probation, "probation"), (cast.health, "health")], *cases
    )


def _presence(db: Session, item: AgendaItem) -> dict[str, tuple[bool, bool]]:
    names = {s.member.id: s.name for s in service.seats(db, item.meeting)}
    rows = db.scalars(select(Attendance).where(Attendance.agenda_item_id == item.id))
    return {names[r.member_id]: (r.present, r.conflict) for r in rows}


def test_everyone_present_is_one_answer_and_conflicts_are_still_declared(db: Session, cast: Cast) -> None:
    meeting, [first, _] = _two_cases(db, cast)
    health = next(m for m in meeting.members if m.user_id == cast.health.user_id)
    values = {
        "attendance": "everyone",
        f"present-{health.id}": "no",  # hidden under "record each member": ignored
        f"conflict-{health.id}": "yes",
        f"conflict-note-{health.id}": "Treats the subject's partner",
    }
    service.record_attendance(db, cast.clerk, meeting.id, first.id, values)
    assert _presence(db, first) == {
        "Chris Chair": (True, False),
        "Pam Probation": (True, False),
        "Hana Health": (True, True),
    }
    assert service.quorum(db, first).met


def test_the_same_as_the_case_before_copies_presence_but_never_a_conflict(db: Session, cast: Cast) -> None:
    meeting, [first, second] = _two_cases(db, cast)
    assert [first.position, second.position] == [1, 2], "cases added in one go take their own places"
    assert service.previous_attendance(db, first) is None
    assert service.previous_attendance(db, second) is None, "nothing recorded for the first case yet"
    health = next(m for m in meeting.members if m.user_id == cast.health.user_id)
    probation = next(m for m in meeting.members if m.user_id == cast.probation.user_id)
    values = all_present(meeting, **{str(probation.id): "Supervised the subject"})
    values[f"present-{health.id}"] = "no"
    service.record_attendance(db, cast.clerk, meeting.id, first.id, values)
    previous = service.previous_attendance(db, second)
    assert previous is not None and previous.number == 1
    assert previous.summary == "Present: Chris Chair, Pam Probation. Absent: Hana Health."
    service.record_attendance(db, cast.clerk, meeting.id, second.id, {"attendance": "previous"})
    assert _presence(db, second) == {
        "Chris Chair": (True, False),
        "Pam Probation": (True, False),
        "Hana Health": (False, False),
    }


def test_the_case_before_is_not_copied_once_a_member_has_joined_since(db: Session, cast: Cast) -> None:
    meeting, [first, second] = _two_cases(db, cast)
    service.record_attendance(db, cast.clerk, meeting.id, first.id, {"attendance": "everyone"})
    service.add_member(
        db,
        cast.clerk,
        meeting.id,
        {
            "user_id": str(cast.minute_taker.user_id),
            "panel_agency_id": str(meeting.members[0].panel_agency_id),
        },
    )
    db.refresh(meeting)
    assert service.previous_attendance(db, second) is None
    errors = _errors(
        lambda: service.record_attendance(db, cast.clerk, meeting.id, second.id, {"attendance": "previous"})
    )
    assert errors == {
        "attendance": "No earlier case on this agenda has attendance for every member: record each member"
    }


def test_each_error_names_the_member_it_is_about_in_page_order(db: Session, cast: Cast) -> None:
    meeting, [first, _] = _two_cases(db, cast)
    assert _errors(lambda: service.record_attendance(db, cast.clerk, meeting.id, first.id, {})) == {
        "attendance": "Select who is present for this case"
    }
    chair, probation, health = meeting.members
    values = {
        "attendance": "each",
        f"present-{chair.id}": "yes",
        f"conflict-{chair.id}": "yes",
        f"conflict-{health.id}": "yes",
        f"conflict-note-{health.id}": "x" * 2001,
    }
    errors = _errors(lambda: service.record_attendance(db, cast.clerk, meeting.id, first.id, values))
    assert list(errors.items()) == [
        (
            f"present-{probation.id}",
            "Select whether Pam Probation (Probation Service) is present for this case",
        ),
        (f"present-{health.id}", "Select whether Hana Health (Health) is present for this case"),
        (f"conflict-note-{chair.id}", "Describe the conflict of interest Chris Chair (Police) declared"),
        (
            f"conflict-note-{health.id}",
            "The conflict of interest Hana Health (Health) declared must be 2,000 characters or fewer",
        ),
    ]


def test_the_attendance_page_offers_the_shortcuts_and_keeps_every_answer(
    db: Session, client: PageClient, cast: Cast
) -> None:
    meeting, [first, second] = _two_cases(db, cast)
    sign_in_as(db, client, cast.clerk)
    url = f"/panels/{meeting.id}/items/{{}}/attendance"
    page = client.get(url.format(first.id))
    assert page.status_code == 200
    assert "Everyone is present" in page.text and "The same members as for case" not in page.text
    assert client.submit(url.format(first.id), {"attendance": "everyone"}).status_code == 303
    page = client.get(url.format(second.id))
    assert "The same members as for case 1 on the agenda" in page.text
    assert "Present: Chris Chair, Pam Probation, Hana Health." in page.text
    health = next(m for m in meeting.members if m.user_id == cast.health.user_id)
    refused = client.submit(
        url.format(second.id),
        {"attendance": "each", f"conflict-{health.id}": "yes", f"conflict-note-{health.id}": ""},
    )
    assert refused.status_code == 400
    assert "Select whether Chris Chair (Police) is present for this case" in refused.text
    assert "Describe the conflict of interest Hana Health (Health) declared" in refused.text
    assert 'value="each" checked' in refused.text
    assert client.submit(url.format(second.id), {"attendance": "previous"}).status_code == 303
    again = client.get(url.format(second.id))
    assert 'value="each" checked' in again.text, "recorded attendance is shown member by member"


def test_the_agenda_offers_the_convener_attendance_for_each_case_until_it_is_recorded(
    db: Session, client: PageClient, cast: Cast
) -> None:
    meeting, [first, second] = _two_cases(db, cast)
    link = f'href="/panels/{meeting.id}/items/{{}}/attendance"'
    sign_in_as(db, client, cast.probation)
    assert link.format(first.id) not in client.get(f"/panels/{meeting.id}").text, "a member does not convene"
    sign_in_as(db, client, cast.clerk)
    page = client.get(f"/panels/{meeting.id}").text
    assert link.format(first.id) in page and link.format(second.id) in page
    service.record_attendance(db, cast.clerk, meeting.id, first.id, {"attendance": "everyone"})
    page = client.get(f"/panels/{meeting.id}").text
    assert link.format(first.id) not in page, "recorded: changed from the case's own page"
    assert link.format(second.id) in page


# ---------------------------------------------------------------- the meeting's date


def test_a_meeting_dated_in_the_past_is_refused_unless_recorded_as_held(db: Session, cast: Cast) -> None:
    last_week = utcnow() - timedelta(days=7)
    values = meeting_values(cast.chair, at=last_week, held="")
    errors = _errors(lambda: service.convene(db, cast.clerk, values))
    assert list(errors) == ["meets_at"]
    assert errors["meets_at"].startswith("The date of the meeting has passed (today is ")
    assert "recording a meeting that has already taken place" in errors["meets_at"]
    meeting = service.convene(db, cast.clerk, {**values, "held": "yes"})
    assert meeting.meets_at == last_week.replace(second=0, microsecond=0)
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "decisions.meeting.convene"))
    assert event is not None and json.loads(event.details)["recorded_after_it_was_held"] is True


def test_a_meeting_earlier_today_or_later_needs_no_answer(db: Session, cast: Cast) -> None:
    soon = utcnow() + timedelta(days=2)
    assert service.convene(db, cast.clerk, meeting_values(cast.chair, at=soon)).meets_at > utcnow()
    started = utcnow() - timedelta(minutes=1)
    service.convene(db, cast.clerk, meeting_values(cast.chair, at=started, held=""))


def test_a_meeting_in_the_future_cannot_be_recorded_as_held(db: Session, cast: Cast) -> None:
    values = meeting_values(cast.chair, at=utcnow() + timedelta(days=2), held="yes")
    errors = _errors(lambda: service.convene(db, cast.clerk, values))
    assert list(errors) == ["held"] and "has not taken place yet" in errors["held"]


def test_a_past_meeting_keeps_its_date_when_other_details_change(db: Session, cast: Cast) -> None:
    last_week = utcnow() - timedelta(days=7)
    meeting = service.convene(db, cast.clerk, meeting_values(cast.chair, at=last_week))
    unchanged = {**meeting_values(cast.chair, at=last_week, held="", location="Room 4")}
    service.update_meeting(db, cast.clerk, meeting.id, {**unchanged, "version": str(meeting.version)})
    assert meeting.location == "Room 4"
    moved = meeting_values(cast.chair, at=last_week - timedelta(days=1), held="")
    errors = _errors(
        lambda: service.update_meeting(db, cast.clerk, meeting.id, {**moved, "version": str(meeting.version)})
    )
    assert list(errors) == ["meets_at"]


def test_the_convene_page_says_why_a_past_date_is_refused_at_the_field(
    db: Session, client: PageClient, cast: Cast
) -> None:
    sign_in_as(db, client, cast.clerk)
    page = client.get("/panels/new")
    assert "This meeting has already taken place: I am recording it afterwards" in page.text
    values = meeting_values(cast.chair, at=utcnow() - timedelta(days=3), held="", location="Room 9")
    refused = client.submit("/panels", values)
    assert refused.status_code == 400
    assert 'href="#meets_at"' in refused.text and "The date of the meeting has passed" in refused.text
    assert 'value="Room 9"' in refused.text
    assert client.submit("/panels", {**values, "held": "yes"}).status_code == 303
