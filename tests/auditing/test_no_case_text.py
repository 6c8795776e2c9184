"""The audit trail holds no case text [issue 14 §6]: what people write about a case (a reviewer's notes,
why a package was reopened or a clock paused, a consideration's reason) stays on the case, and the audit
event says what happened and points at it. An auditor reads the trail, never the case."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.audit import AuditEvent
from disclosure.missing import service as missing
from disclosure.requests import service as requests_service
from disclosure.requests.vocabulary import PartyRole
from disclosure.research import service as research
from tests.builders import make_user, principal_for, sign_in_as
from tests.decisions.conftest import make_cast
from tests.missing.builders import coordinator, episode_values
from tests.pages import PageClient
from tests.requests.builders import add, make_request
from tests.research.builders import case_in_research, ready_to_submit

SECRET = "Neighbour saw him hit her on 3 May"


def _trail(db: Session) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


def test_no_audit_event_or_auditor_page_repeats_what_was_written_about_a_case(
    db: Session, client: PageClient
) -> None:
    cast = make_cast(db)
    case = case_in_research(db, cast.clerk, cast.researcher)
    research.send_for_review(db, cast.researcher, case.id, {"reviewer_id": str(cast.reviewer.user_id)})
    research.return_for_changes(db, cast.reviewer, case.id, {"review_notes": f"Notes: {SECRET}"})
    ready_to_submit(db, cast.researcher, cast.reviewer, case)
    research.submit(db, cast.researcher, case.id, {})
    research.reopen(db, cast.researcher, case.id, {"reason": f"Reopened: {SECRET}"})
    paused = make_request(db, cast.clerk)
    requests_service.pause_clock(db, cast.clerk, paused.id, {"reason": f"Paused: {SECRET}"})
    requests_service.resume_clock(db, cast.clerk, paused.id)
    requests_service.extend_deadline(
        db, cast.clerk, paused.id, {"days": "5", "reason": f"Extended: {SECRET}"}
    )
    actor = coordinator(db)
    linked = make_request(db, actor)
    subject = add(db, actor, linked, PartyRole.SUBJECT)
    missing.record_episode(db, actor, subject.id, episode_values())
    [consideration] = missing.considerations_for_case(db, linked.id)
    missing.decide_consideration(
        db, actor, consideration.id, {"decision": "accepted", "reason": f"Accepted: {SECRET}"}
    )

    package = research.package_for(db, case)
    assert SECRET in package.change_reason, "the text stays on the case"
    leaked = [(e.seq, e.action) for e in _trail(db) if SECRET in e.justification + (e.details or "")]
    assert leaked == []

    sign_in_as(db, client, principal_for(make_user(db, "auditor", username="aud.text").user))
    for event in _trail(db)[-40:]:
        page = client.get(f"/audit/events/{event.seq}")
        assert page.status_code == 200 and SECRET not in page.text
