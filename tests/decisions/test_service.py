"""Every decision rule, refusals included [issue 5]."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from disclosure.audit import AuditEvent
from disclosure.auth import Principal
from disclosure.decisions import service
from disclosure.decisions.models import Addendum, Decision, PanelAgency
from disclosure.errors import Conflict, FormInvalid, InvalidTransition, NotFound, PermissionDenied
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.vocabulary import PartyRole
from disclosure.requests.workflow import RequestStatus
from disclosure.research import service as research
from disclosure.research.workflow import PackageStatus
from tests.decisions.builders import (
    agency,
    all_present,
    disclose_values,
    meeting_values,
    no_disclosure_values,
    panel_with,
    submitted_case,
    views,
)
from tests.decisions.conftest import Cast, Panel
from tests.research.builders import case_in_research, ready_to_submit


def _agencies(db: Session, panel: Panel) -> list[PanelAgency]:
    return service.quorum(db, panel.item).agencies


def _draft(db: Session, cast: Cast, panel: Panel, values: Mapping[str, Any]) -> Decision:
    return service.record_decision(db, cast.probation, panel.meeting.id, panel.item.id, dict(values))


def _errors(call: object) -> dict[str, str]:
    with pytest.raises(FormInvalid) as refused:
        call()  # type: ignore[operator]
    return refused.value.errors


def _events(db: Session, action: str) -> int:
    return db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)) or 0


# ---------------------------------------------------------------- panels


def test_convening_needs_a_convener_and_a_real_chair(db: Session, cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        service.convene(db, cast.researcher, meeting_values(cast.chair))
    errors = _errors(lambda: service.convene(db, cast.clerk, meeting_values(cast.probation, forum="")))
    assert errors == {
        "forum": "Select the forum",
        "chair_id": "Select an active user with the panel chair role",
    }
    meeting = service.convene(db, cast.clerk, meeting_values(cast.chair))
    assert [(m.user_id, m.agency.code) for m in meeting.members] == [(cast.chair.user_id, "police")]


def test_the_agenda_offers_cases_awaiting_a_decision_once(db: Session, cast: Cast) -> None:
    case = submitted_case(db, cast.clerk, cast.researcher, cast.reviewer)
    assert [c.reference for c in service.agenda_candidates(db, cast.clerk)] == [case.reference]
    meeting, items = panel_with(db, cast.clerk, cast.chair, [], case)
    assert items[0].request_id == case.id
    assert service.agenda_candidates(db, cast.clerk) == []
    errors = _errors(lambda: service.add_to_agenda(db, cast.clerk, meeting.id, {"request_id": str(case.id)}))
    assert "not already on an agenda" in errors["request_id"]


def test_members_see_only_the_cases_they_take_part_in(db: Session, cast: Cast, panel: Panel) -> None:
    probation_member = next(m for m in panel.meeting.members if m.user_id == cast.probation.user_id)
    conflicted = all_present(panel.meeting, **{str(probation_member.id): "Supervised the subject's brother"})
    service.record_attendance(db, cast.clerk, panel.meeting.id, panel.item.id, conflicted)
    with pytest.raises(PermissionDenied, match="declared a conflict of interest"):
        service.package_for_item(db, cast.probation, panel.meeting.id, panel.item.id)
    [line] = service.agenda(db, cast.probation, panel.meeting)
    assert not line.visible and line.reference == "" and line.about == ()
    [theirs] = service.agenda(db, cast.health, panel.meeting)
    assert theirs.readable and theirs.about, "a member taking part sees who the case is about"
    assert all(" (" in who for who in theirs.about)
    _, case, frozen = service.package_for_item(db, cast.health, panel.meeting.id, panel.item.id)
    assert case.id == panel.case.id and frozen.number == 1
    assert _events(db, "decisions.package.view") == 1
    with pytest.raises(NotFound):
        service.package_for_item(db, cast.outsider, panel.meeting.id, panel.item.id)
    assert service.scheduled_meetings(db, cast.outsider).items == []
    assert service.past_meetings(db, cast.outsider).items == []


def test_a_conflict_needs_describing(db: Session, cast: Cast, panel: Panel) -> None:
    values = all_present(panel.meeting)
    member = panel.meeting.members[1]
    values[f"conflict-{member.id}"] = "yes"
    errors = _errors(
        lambda: service.record_attendance(db, cast.clerk, panel.meeting.id, panel.item.id, values)
    )
    assert errors == {
        f"conflict-note-{member.id}": "Describe the conflict of interest Mo Police (Police) declared"
    }


# ---------------------------------------------------------------- quorum


def test_no_decision_without_attendance(db: Session, cast: Cast) -> None:
    case = submitted_case(db, cast.clerk, cast.researcher, cast.reviewer)
    meeting, [item] = panel_with(db, cast.clerk, cast.chair, [(cast.probation, "probation")], case)
    with pytest.raises(InvalidTransition, match="Record who is present"):
        service.record_decision(db, cast.probation, meeting.id, item.id, {})


def test_the_quorum_needs_the_chair_police_and_another_agency(db: Session, cast: Cast, panel: Panel) -> None:
    members = {m.user_id: m for m in panel.meeting.members}

    def attend(*absent: Principal) -> list[str]:
        values = all_present(panel.meeting)
        for who in absent:
            values[f"present-{members[who.user_id].id}"] = "no"
        service.record_attendance(db, cast.clerk, panel.meeting.id, panel.item.id, values)
        return service.quorum(db, panel.item).problems

    assert attend(cast.chair, cast.minute_taker, cast.health) == [
        "The chair must take part in this case",
        "Police must take part in this case",
    ]
    with pytest.raises(InvalidTransition, match="not quorate"):
        _draft(db, cast, panel, {})
    assert attend(cast.probation, cast.health) == ["At least 1 other agency must take part in this case"]
    assert attend() == []


def test_the_quorum_is_configurable(db: Session, cast: Cast, panel: Panel, admin_principal: object) -> None:
    policy = service.current_policy(db)
    service.update_policy(
        db,
        admin_principal,  # type: ignore[arg-type]
        {
            "required_agency_codes": ["police", "probation"],
            "min_other_agencies": "2",
            "signer_not_drafter": "yes",
        },
    )
    assert policy.required_agency_codes == ["police", "probation"]
    assert service.quorum(db, panel.item).problems == [
        "At least 2 other agencies must take part in this case"
    ]


# ---------------------------------------------------------------- the decision record


def test_a_disclosure_cannot_be_saved_without_the_legal_tests(db: Session, cast: Cast, panel: Panel) -> None:
    values = disclose_values(db, panel.case, cast.officer, _agencies(db, panel))
    for test in ("lawful", "necessary", "proportionate", "pressing_need"):
        values.pop(f"test-{test}")
    values.pop("article8")
    values["test-lawful-reasoning"] = ""
    errors = _errors(lambda: _draft(db, cast, panel, values))
    assert errors["test-lawful"] == "Select yes if the lawful test is met"
    assert errors["test-pressing_need"] == "Select yes if the pressing need test is met"
    assert errors["article8"] == "Enter the Article 8 balance and its reasoning"


def test_every_test_must_be_met_and_reasoned_to_disclose(db: Session, cast: Cast, panel: Panel) -> None:
    values = disclose_values(
        db, panel.case, cast.officer, _agencies(db, panel), **{"test-proportionate": "no"}
    )
    values["test-lawful-reasoning"] = ""
    errors = _errors(lambda: _draft(db, cast, panel, values))
    assert errors["test-proportionate"].startswith("A disclosure needs the proportionate test met")
    assert errors["test-lawful-reasoning"] == "Give the reasoning for the lawful test"


def test_a_disclosure_settles_wording_recipients_delivery_and_safety(
    db: Session, cast: Cast, panel: Panel
) -> None:
    values = disclose_values(
        db,
        panel.case,
        cast.researcher,  # not a disclosing officer
        _agencies(db, panel),
        wording="",
        recipients=[],
        safety_plan="",
        subject_told="",
        safeguarding=["other"],
    )
    errors = _errors(lambda: _draft(db, cast, panel, values))
    assert errors == {
        "wording": "Enter the exact words to be disclosed",
        "recipients": "Select who will be told",
        "deliverer_id": "Select an active user with the disclosing officer role",
        "subject_told": "Select yes if the subject will be told of the disclosure",
        "safety_plan": "Enter the safety plan",
        "safeguarding_details": "Describe the other safeguarding action",
    }


def test_the_subject_and_children_are_never_recipients(db: Session, cast: Cast, panel: Panel) -> None:
    roles = {o.role.value for o in service.recipient_options(db, panel.case)}
    assert "subject" not in roles and "child" not in roles


def test_a_third_party_is_told_only_with_a_reason(db: Session, cast: Cast) -> None:
    from tests.requests.builders import add

    case = case_in_research(db, cast.clerk, cast.researcher)
    add(db, cast.clerk, case, PartyRole.THIRD_PARTY)
    ready_to_submit(db, cast.researcher, cast.reviewer, case)
    research.submit(db, cast.researcher, case.id, {"version": str(research.package_for(db, case).version)})
    meeting, [item] = panel_with(db, cast.clerk, cast.chair, [(cast.probation, "probation")], case)
    service.record_attendance(db, cast.clerk, meeting.id, item.id, all_present(meeting))
    third = next(o for o in service.recipient_options(db, case) if o.role.value == "third_party")
    agencies = service.quorum(db, item).agencies
    values = disclose_values(db, case, cast.officer, agencies, recipients=[str(third.party_id)])
    errors = _errors(lambda: service.record_decision(db, cast.probation, meeting.id, item.id, values))
    assert errors == {
        "recipient_reasons": (
            "Say why each recipient other than the person at risk is best placed to protect them"
        )
    }
    values["recipient_reasons"] = "The neighbour is her only contact outside the home."
    decision = service.record_decision(db, cast.probation, meeting.id, item.id, values)
    assert decision.recipients[0]["capacity"] == "best_placed_to_protect"


def test_sarahs_law_tells_only_a_parent_carer_or_guardian(db: Session, cast: Cast) -> None:
    case = submitted_case(db, cast.clerk, cast.researcher, cast.reviewer, route="csods_application")
    meeting, [item] = panel_with(db, cast.clerk, cast.chair, [(cast.probation, "probation")], case)
    service.record_attendance(db, cast.clerk, meeting.id, item.id, all_present(meeting))
    values = disclose_values(db, case, cast.officer, service.quorum(db, item).agencies)
    errors = _errors(lambda: service.record_decision(db, cast.probation, meeting.id, item.id, values))
    assert errors == {
        "recipient_reasons": "Say how each recipient is a parent, carer or guardian of the child, or best "
        "placed to protect them"
    }
    values["recipient_reasons"] = "She is the child's mother."
    decision = service.record_decision(db, cast.probation, meeting.id, item.id, values)
    assert {r["capacity"] for r in decision.recipients} == {"parent_carer_guardian"}


def test_dissent_needs_reasons_and_every_agency_a_view(db: Session, cast: Cast, panel: Panel) -> None:
    agencies = _agencies(db, panel)
    values = disclose_values(db, panel.case, cast.officer, agencies)
    health = agency(db, "health")
    values[f"view-{health.id}"] = "dissent"
    values.pop(f"view-{agency(db, 'probation').id}")
    errors = _errors(lambda: _draft(db, cast, panel, values))
    assert errors == {
        f"view-{health.id}-reasons": "Give the reasons for Health's dissent",
        f"view-{agency(db, 'probation').id}": "Select the view of Probation Service",
    }


def test_no_disclosure_needs_a_listed_reason_safety_advice_and_the_applicants_words(
    db: Session, cast: Cast
) -> None:
    case = submitted_case(db, cast.clerk, cast.researcher, cast.reviewer, route="right_to_ask")
    meeting, [item] = panel_with(db, cast.clerk, cast.chair, [(cast.probation, "probation")], case)
    service.record_attendance(db, cast.clerk, meeting.id, item.id, all_present(meeting))
    agencies = service.quorum(db, item).agencies
    values = no_disclosure_values(
        db, agencies, no_disclosure_reason_id="", safety_advice="", applicant_told=""
    )
    errors = _errors(lambda: service.record_decision(db, cast.probation, meeting.id, item.id, values))
    assert errors == {
        "no_disclosure_reason_id": "Select the reason for not disclosing",
        "safety_advice": "Enter the safety advice still to be given",
        "applicant_told": "Enter what the applicant will be told",
    }


def test_a_rationale_is_always_required(db: Session, cast: Cast, panel: Panel) -> None:
    values = no_disclosure_values(db, _agencies(db, panel), rationale="")
    assert _errors(lambda: _draft(db, cast, panel, values)) == {"rationale": "Enter the chair's rationale"}


def test_only_members_taking_part_draft(db: Session, cast: Cast, panel: Panel) -> None:
    values = no_disclosure_values(db, _agencies(db, panel))
    with pytest.raises(PermissionDenied):
        service.record_decision(db, cast.clerk, panel.meeting.id, panel.item.id, values)
    with pytest.raises(NotFound):
        service.record_decision(db, cast.outsider, panel.meeting.id, panel.item.id, values)


# ---------------------------------------------------------------- sign-off


def test_only_the_chair_signs_and_not_the_drafter(db: Session, cast: Cast, panel: Panel) -> None:
    agencies = _agencies(db, panel)
    service.record_decision(
        db, cast.chair, panel.meeting.id, panel.item.id, no_disclosure_values(db, agencies)
    )
    with pytest.raises(PermissionDenied, match="Only the chair"):
        service.sign(db, cast.probation, panel.meeting.id, panel.item.id, {})
    with pytest.raises(PermissionDenied, match="not the person who drafted"):
        service.sign(db, cast.chair, panel.meeting.id, panel.item.id, {})


def test_a_policy_may_let_the_drafting_chair_sign(
    db: Session, cast: Cast, panel: Panel, admin_principal: Principal
) -> None:
    service.update_policy(
        db,
        admin_principal,
        {"required_agency_codes": ["police"], "min_other_agencies": "1", "signer_not_drafter": "no"},
    )
    agencies = _agencies(db, panel)
    service.record_decision(
        db, cast.chair, panel.meeting.id, panel.item.id, no_disclosure_values(db, agencies)
    )
    decision = service.sign(db, cast.chair, panel.meeting.id, panel.item.id, {})
    assert decision.status == "signed"


def test_signing_a_disclosure_moves_the_case_to_delivery_and_freezes_the_record(
    db: Session, cast: Cast, panel: Panel
) -> None:
    agencies = _agencies(db, panel)
    _draft(db, cast, panel, disclose_values(db, panel.case, cast.officer, agencies))
    decision = service.sign(db, cast.chair, panel.meeting.id, panel.item.id, {})
    db.refresh(panel.case)
    assert panel.case.status == RequestStatus.TO_DISCLOSE.value
    assert decision.signed_by_id == cast.chair.user_id and decision.signed_at is not None
    assert decision.package_version_number == 1
    assert {p["name"] for p in decision.quorum["participants"]} == {
        "Chris Chair",
        "Mo Police",
        "Pam Probation",
        "Hana Health",
    }
    assert _events(db, "decisions.decision.sign") == 1
    with pytest.raises(InvalidTransition, match="add an addendum"):
        _draft(db, cast, panel, disclose_values(db, panel.case, cast.officer, agencies))
    with pytest.raises(Conflict):
        service.sign(db, cast.chair, panel.meeting.id, panel.item.id, {})


def test_signing_a_no_disclosure_moves_the_case_to_communicating_the_outcome(
    db: Session, cast: Cast, panel: Panel
) -> None:
    _draft(db, cast, panel, no_disclosure_values(db, _agencies(db, panel)))
    service.sign(db, cast.chair, panel.meeting.id, panel.item.id, {})
    db.refresh(panel.case)
    assert panel.case.status == RequestStatus.OUTCOME_TO_COMMUNICATE.value


def test_a_deferral_returns_the_case_to_research_with_the_questions(
    db: Session, cast: Cast, panel: Panel
) -> None:
    values = {
        "outcome": "defer",
        "questions": "",
        **views(_agencies(db, panel)),
        "rationale": "Not enough yet.",
    }
    assert _errors(lambda: _draft(db, cast, panel, values)) == {
        "questions": "Enter what research must find out"
    }
    values["questions"] = "Ask children's social care about the 2024 referral."
    _draft(db, cast, panel, values)
    service.sign(db, cast.chair, panel.meeting.id, panel.item.id, {})
    db.refresh(panel.case)
    package = research.package_for(db, panel.case)
    assert panel.case.status == RequestStatus.IN_RESEARCH.value
    assert package.status == PackageStatus.DRAFT.value
    assert "children's social care about the 2024 referral" in package.change_reason
    assert [c.reference for c in service.agenda_candidates(db, cast.clerk)] == []


def test_a_stale_copy_cannot_sign_a_second_time(db: Session, cast: Cast, panel: Panel) -> None:
    """Two chairs' screens, one sign-off: the conditional UPDATE lets only the first through."""
    decision = _draft(db, cast, panel, no_disclosure_values(db, _agencies(db, panel)))
    db.execute(
        text("UPDATE decisions SET status = 'signed' WHERE id = :id"),
        {"id": decision.id.hex if db.get_bind().dialect.name == "sqlite" else decision.id},
    )
    with pytest.raises(Conflict, match="a moment ago"):
        service.sign(db, cast.chair, panel.meeting.id, panel.item.id, {})
    db.refresh(panel.case)
    assert panel.case.status == RequestStatus.AWAITING_DECISION.value


def test_a_meeting_closes_once_every_case_is_signed_and_then_stays_closed(
    db: Session, cast: Cast, panel: Panel
) -> None:
    with pytest.raises(InvalidTransition, match="needs a signed decision"):
        service.close_meeting(db, cast.clerk, panel.meeting.id)
    _draft(db, cast, panel, no_disclosure_values(db, _agencies(db, panel)))
    service.sign(db, cast.chair, panel.meeting.id, panel.item.id, {})
    service.close_meeting(db, cast.clerk, panel.meeting.id)
    assert panel.meeting.status == "closed" and _events(db, "decisions.meeting.close") == 1
    with pytest.raises(InvalidTransition, match="This meeting is closed"):
        service.close_meeting(db, cast.clerk, panel.meeting.id)


def test_the_database_refuses_to_change_a_signed_decision(db: Session, cast: Cast, panel: Panel) -> None:
    decision = _draft(db, cast, panel, disclose_values(db, panel.case, cast.officer, _agencies(db, panel)))
    service.sign(db, cast.chair, panel.meeting.id, panel.item.id, {})
    key = decision.id.hex if db.bind.dialect.name == "sqlite" else decision.id  # type: ignore[union-attr]
    for statement in (
        "UPDATE decisions SET wording = 'changed' WHERE id = :id",
        "DELETE FROM agency_views WHERE decision_id = :id",
        "UPDATE agency_views SET view = 'dissent' WHERE decision_id = :id",
    ):
        with pytest.raises(DBAPIError, match="immutable"), db.begin_nested():
            db.execute(text(statement), {"id": key})


def test_corrections_are_addenda_shown_with_the_original(db: Session, cast: Cast, panel: Panel) -> None:
    decision = _draft(db, cast, panel, no_disclosure_values(db, _agencies(db, panel)))
    with pytest.raises(InvalidTransition, match="Only a signed decision"):
        service.add_addendum(
            db, cast.probation, panel.meeting.id, panel.item.id, {"text": "x", "reason": "y"}
        )
    service.sign(db, cast.chair, panel.meeting.id, panel.item.id, {})
    errors = _errors(lambda: service.add_addendum(db, cast.probation, panel.meeting.id, panel.item.id, {}))
    assert errors == {"text": "Enter the correction or addition", "reason": "Enter why it is needed"}
    addendum = service.add_addendum(
        db,
        cast.probation,
        panel.meeting.id,
        panel.item.id,
        {"text": "Advice given in Polish.", "reason": "Omitted"},
    )
    db.refresh(decision)
    assert decision.addenda == [addendum] and decision.rationale.startswith("No pressing need")
    with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
        db.execute(text("DELETE FROM decision_addenda"))
    assert db.scalar(select(func.count()).select_from(Addendum)) == 1


def test_the_case_team_reads_signed_decisions(db: Session, cast: Cast, panel: Panel) -> None:
    _draft(db, cast, panel, no_disclosure_values(db, _agencies(db, panel)))
    assert service.case_decisions(db, cast.researcher, panel.case.id) == []
    decision = service.sign(db, cast.chair, panel.meeting.id, panel.item.id, {})
    assert service.case_decisions(db, cast.researcher, panel.case.id) == [decision]
    assert service.get_decision(db, cast.health, decision.id).id == decision.id
    with pytest.raises(NotFound):
        service.get_decision(db, cast.outsider, decision.id)


def test_a_reopened_package_must_be_put_to_the_panel_again(db: Session, cast: Cast, panel: Panel) -> None:
    case: DisclosureRequest = panel.case
    research.reopen(
        db,
        cast.researcher,
        case.id,
        {"reason": "New intelligence", "version": str(research.package_for(db, case).version)},
    )
    with pytest.raises(InvalidTransition, match="not awaiting a decision"):
        _draft(db, cast, panel, no_disclosure_values(db, _agencies(db, panel)))
