"""The audit trail holds no case text [issue 14 §6]: what people write about a case (a reviewer's notes,
why a package was reopened or a clock paused, a consideration's reason) stays on the case, and the audit
event says what happened and points at it. An auditor reads the trail, never the case."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.audit import AuditEvent
from disclosure.decisions import service as decisions
from disclosure.missing import service as missing
from disclosure.people import service as people
from disclosure.requests import service as requests_service
from disclosure.requests.vocabulary import PartyRole
from disclosure.research import service as research
from tests.builders import make_user, principal_for, sign_in_as
from tests.decisions.builders import no_disclosure_values, submitted_case
from tests.decisions.conftest import make_cast, make_panel
from tests.missing.builders import coordinator, episode_values
from tests.pages import PageClient
from tests.requests.builders import add, make_request
from tests.research.builders import (
    agency,
    case_in_research,
    check_values,
    evidence_values,
    ready_to_submit,
    subject_id,
)

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
    requests_service.pause_clock(
        db, cast.clerk, paused.id, {"reason_code": "other", "reason": f"Paused: {SECRET}"}
    )
    requests_service.resume_clock(db, cast.clerk, paused.id)
    requests_service.extend_deadline(
        db, cast.clerk, paused.id, {"days": "5", "reason_code": "other", "reason": f"Extended: {SECRET}"}
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
    _nowhere_in_the_trail(db, client)


def test_strike_outs_closures_addenda_and_merges_keep_their_reasons_on_the_record(
    db: Session, client: PageClient
) -> None:
    cast = make_cast(db)
    case = case_in_research(db, cast.clerk, cast.researcher)
    check = research.record_check(
        db,
        cast.researcher,
        case.id,
        {**check_values(db, case, "pnc"), "check_type_id": "other", "name": SECRET, "kind": "police_system"},
    )
    research.remove_check(db, cast.researcher, case.id, check.id, {"reason": f"Struck: {SECRET}"})
    item = research.record_evidence(db, cast.researcher, case.id, evidence_values(case))
    research.remove_evidence(db, cast.researcher, case.id, item.id, {"reason": f"Struck: {SECRET}"})
    sent = research.send_partner_request(
        db,
        cast.researcher,
        case.id,
        {
            "agency_id": str(agency(db, "probation").id),
            "asked": "Any contact?",
            "person_ids": [subject_id(case)],
        },
    )
    research.close_without_answer(db, cast.researcher, case.id, sent.id, {"reason": f"Closed: {SECRET}"})

    panel = make_panel(db, cast)
    agencies = decisions.quorum(db, panel.item).agencies
    decisions.record_decision(
        db, cast.probation, panel.meeting.id, panel.item.id, no_disclosure_values(db, agencies)
    )
    decisions.sign(db, cast.chair, panel.meeting.id, panel.item.id, {})
    decisions.add_addendum(
        db,
        cast.probation,
        panel.meeting.id,
        panel.item.id,
        {"text": "Advice given in Polish.", "reason": f"Added: {SECRET}"},
    )
    second = submitted_case(db, cast.clerk, cast.researcher, cast.reviewer)
    decisions.add_to_agenda(db, cast.clerk, panel.meeting.id, {"request_id": str(second.id)})
    db.refresh(panel.meeting)
    [later] = [i for i in panel.meeting.items if i.request_id == second.id]
    decisions.remove_from_agenda(db, cast.clerk, panel.meeting.id, later.id, {"reason": f"Off: {SECRET}"})

    survivor, duplicate = (uuid.UUID(subject_id(c)) for c in (case, second))
    people.merge_people(db, cast.clerk, survivor, duplicate, f"Merged: {SECRET}")

    assert (check.removed_reason, item.removed_reason, sent.closed_reason) == (
        f"Struck: {SECRET}",
        f"Struck: {SECRET}",
        f"Closed: {SECRET}",
    ), "the text stays on the case"
    _nowhere_in_the_trail(db, client)


def _nowhere_in_the_trail(db: Session, client: PageClient) -> None:
    leaked = [(e.seq, e.action) for e in _trail(db) if SECRET in e.justification + (e.details or "")]
    assert leaked == []
    sign_in_as(db, client, principal_for(make_user(db, "auditor", username="aud.text").user))
    for event in _trail(db)[-40:]:
        page = client.get(f"/audit/events/{event.seq}")
        assert page.status_code == 200 and SECRET not in page.text
