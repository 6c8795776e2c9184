"""What users typed survives every refusal [issue 13 §8]: a form refused because the record's state no longer
allows it, or because someone else saved first, comes back with every answer and the reason at the top.

`tests.pages.PageClient` also refuses, on every page test, a typed form answered with a bare error page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from disclosure.db import utcnow
from disclosure.decisions import service as decisions
from disclosure.missing import rules
from disclosure.requests import service as requests_service
from tests.builders import make_user, principal_for, sign_in_as
from tests.decisions.builders import (
    all_present,
    disclose_values,
    no_disclosure_values,
    panel_with,
    submitted_case,
)
from tests.decisions.conftest import Cast, Panel, make_cast, make_panel
from tests.pages import PageClient
from tests.requests.builders import make_request, meeting_fields, ready_for_checks

PROBLEM = '<div class="govuk-error-summary"'


@pytest.fixture
def cast(db: Session) -> Cast:
    return make_cast(db)


@pytest.fixture
def panel(db: Session, cast: Cast) -> Panel:
    return make_panel(db, cast)


def _refused_with(response: object, status: int, *kept: str, reason: str) -> None:
    text = getattr(response, "text", "")
    assert getattr(response, "status_code", None) == status, text[:500]
    assert PROBLEM in text and reason in text, "the reason is at the top"
    for typed in kept:
        assert typed in text, f"{typed!r} was lost"


def test_a_second_pause_keeps_its_reason_and_says_the_clock_is_paused(
    db: Session, client: PageClient, cast: Cast
) -> None:
    case = make_request(db, cast.clerk)
    sign_in_as(db, client, cast.clerk)
    first = {"reason_code": "applicant_unreachable", "reason": "Applicant abroad"}
    assert client.submit(f"/requests/{case.id}/pause", first).status_code == 303
    again = client.submit(
        f"/requests/{case.id}/pause", {"reason_code": "other", "reason": "Waiting for the GP letter"}
    )
    _refused_with(again, 409, "Waiting for the GP letter", reason="The clock is already paused")


def test_the_identity_form_after_the_meeting_keeps_what_was_typed(
    db: Session, client: PageClient, cast: Cast
) -> None:
    case = make_request(db, cast.clerk, route="right_to_ask")
    ready_for_checks(db, cast.clerk, case)
    requests_service.complete_initial_checks(db, cast.clerk, case.id)
    requests_service.verify_identity(
        db, cast.clerk, case.id, meeting_fields(utcnow(), ["passport", "utility_bill"])
    )
    sign_in_as(db, client, cast.clerk)
    typed = meeting_fields(utcnow(), ["passport"], outcome="not_verified", notes="Second visit: no photo ID")
    again = client.submit(f"/requests/{case.id}/verify-identity", typed)
    assert again.status_code == 409 and PROBLEM in again.text
    assert "Second visit: no photo ID" in again.text


def test_the_decision_form_keeps_forty_answers_when_the_panel_falls_short_of_quorum(
    db: Session, client: PageClient, cast: Cast, panel: Panel
) -> None:
    members = {m.user_id: m for m in panel.meeting.members}
    attendance = all_present(panel.meeting)
    for absent in (cast.chair, cast.minute_taker):
        attendance[f"present-{members[absent.user_id].id}"] = "no"
    decisions.record_attendance(db, cast.clerk, panel.meeting.id, panel.item.id, attendance)
    agencies = decisions.quorum(db, panel.item).agencies
    form = no_disclosure_values(db, agencies, rationale="Nothing on record supports a pressing need to tell")
    sign_in_as(db, client, cast.probation)
    shown = client.submit(f"/panels/{panel.meeting.id}/items/{panel.item.id}/decision", form)
    _refused_with(
        shown,
        409,
        "Nothing on record supports a pressing need to tell",
        reason="The panel is not quorate for this case",
    )


def test_signing_off_before_the_meeting_begins_is_refused_on_the_sign_page(
    db: Session, client: PageClient, cast: Cast
) -> None:
    case = submitted_case(db, cast.clerk, cast.researcher, cast.reviewer)
    tomorrow = utcnow() + timedelta(days=1)
    meeting, [item] = panel_with(
        db, cast.clerk, cast.chair, [(cast.probation, "probation")], case, at=tomorrow
    )
    decisions.record_attendance(db, cast.clerk, meeting.id, item.id, all_present(meeting))
    agencies = decisions.quorum(db, item).agencies
    decision = decisions.record_decision(
        db, cast.probation, meeting.id, item.id, disclose_values(db, case, cast.officer, agencies)
    )
    sign_in_as(db, client, cast.chair)
    refused = client.submit(f"/panels/{meeting.id}/items/{item.id}/sign", {"version": str(decision.version)})
    _refused_with(refused, 409, reason="its decisions can be signed off once it has begun")
    kept = decisions.decision_for(db, item)
    assert kept is not None and kept.status == "draft"


def test_the_risk_level_editor_keeps_the_wording_typed_after_an_error_and_a_stale_save(
    db: Session, client: PageClient
) -> None:
    sign_in_as(db, client, principal_for(make_user(db, "administrator").user))
    level = rules.risk_levels(db)[0]
    blank = client.submit(
        f"/admin/missing/risk-levels/{level.id}",
        {"label": "", "description": "Typed meaning, kept", "version": str(level.version)},
    )
    assert blank.status_code == 400 and f'href="#level-{level.id}-label"' in blank.text
    assert "Typed meaning, kept" in blank.text
    stale = client.submit(
        f"/admin/missing/risk-levels/{level.id}",
        {"label": "Reworded, kept", "active": "yes", "version": str(level.version - 1)},
    )
    assert stale.status_code == 409 and PROBLEM in stale.text and 'value="Reworded, kept"' in stale.text
    saved = client.submit(
        f"/admin/missing/risk-levels/{level.id}",
        {"label": "Reworded, kept", "active": "yes", "version": str(level.version)},
    )
    assert saved.status_code == 303
