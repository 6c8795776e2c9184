"""Sarah's Law rules at the decision and the delivery [issue 15]: nothing is disclosed while the applicant's
identity and relationship to the child are unverified or the applicant is anonymous [ASP-CSODS]."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from disclosure.decisions import service
from disclosure.decisions.models import AgendaItem, Decision, NoDisclosureReason, PanelAgency, PanelMeeting
from disclosure.errors import FormInvalid, InvalidTransition
from disclosure.letters import delivery
from disclosure.requests.models import CaseParty, DisclosureRequest
from disclosure.requests.vocabulary import PartyRole
from tests.builders import sign_in_as
from tests.decisions.builders import (
    all_present,
    disclose_values,
    no_disclosure_values,
    panel_with,
    submitted_case,
)
from tests.decisions.conftest import Cast
from tests.letters.builders import disclosure_delivery
from tests.pages import PageClient
from tests.requests.builders import add, make_person
from tests.research.builders import conviction_row, offending_values

CSODS = "csods_application"
Panel = tuple[PanelMeeting, AgendaItem, list[PanelAgency]]


def _on_a_panel(db: Session, cast: Cast, case: DisclosureRequest) -> Panel:
    meeting, [item] = panel_with(db, cast.clerk, cast.chair, [(cast.probation, "probation")], case)
    service.record_attendance(db, cast.clerk, meeting.id, item.id, all_present(meeting))
    return meeting, item, service.quorum(db, item).agencies


def _disclose(
    db: Session, cast: Cast, case: DisclosureRequest, agencies: list[PanelAgency]
) -> dict[str, Any]:
    reasons = "She is the child's mother and lives with him."
    return disclose_values(db, case, cast.officer, agencies, recipient_reasons=reasons)


def test_an_unverified_applicant_is_told_nothing_and_the_form_offers_identity_not_verified(
    db: Session, client: PageClient, cast: Cast
) -> None:
    case = submitted_case(
        db, cast.clerk, cast.researcher, cast.reviewer, route=CSODS, identity="not_verified"
    )
    meeting, item, agencies = _on_a_panel(db, cast, case)
    with pytest.raises(FormInvalid) as refused:
        service.record_decision(db, cast.probation, meeting.id, item.id, _disclose(db, cast, case, agencies))
    assert "identity and relationship to the child have not been verified" in refused.value.errors["outcome"]
    assert db.scalar(select(Decision)) is None, "a refused decision writes nothing"

    sign_in_as(db, client, cast.probation)
    form = client.get(f"/panels/{meeting.id}/items/{item.id}/decision")
    assert form.status_code == 200
    assert 'value="disclose"' not in form.text, "disclosure is not offered"
    assert 'value="no_disclosure" checked' in form.text
    unverified = db.scalar(
        select(NoDisclosureReason).where(NoDisclosureReason.code == "identity_not_verified")
    )
    assert unverified is not None and f'value="{unverified.id}" selected' in form.text

    values = no_disclosure_values(db, agencies, no_disclosure_reason_id=str(unverified.id))
    service.record_decision(db, cast.probation, meeting.id, item.id, values)
    service.sign(db, cast.chair, meeting.id, item.id, {})


def test_a_disclosure_drafted_for_an_unverified_applicant_cannot_be_signed_or_delivered(
    db: Session, cast: Cast
) -> None:
    case = submitted_case(db, cast.clerk, cast.researcher, cast.reviewer, route=CSODS)
    meeting, item, agencies = _on_a_panel(db, cast, case)
    service.record_decision(db, cast.probation, meeting.id, item.id, _disclose(db, cast, case, agencies))
    case.identity_verified = False  # as if recorded wrongly at the meeting and corrected after the draft
    db.flush()
    with pytest.raises(InvalidTransition, match="nothing can be disclosed under Sarah's Law"):
        service.sign(db, cast.chair, meeting.id, item.id, {})
    case.identity_verified = True
    service.sign(db, cast.chair, meeting.id, item.id, {})
    applicant = (CaseParty.request_id == case.id) & (CaseParty.role == PartyRole.APPLICANT.value)
    db.execute(update(CaseParty).where(applicant).values(role=PartyRole.THIRD_PARTY.value))
    db.expire_all()
    with pytest.raises(InvalidTransition, match="anonymous"):
        delivery.record_delivery(db, cast.officer, case.id, disclosure_delivery())


def _recipients(db: Session, case: DisclosureRequest, *names: str) -> list[str]:
    options = {o.name: str(o.party_id) for o in service.recipient_options(db, case)}
    return [options[name] for name in names]


def test_only_a_parent_carer_guardian_or_the_person_best_placed_is_told_and_never_relabelled(
    db: Session, cast: Cast
) -> None:
    case = submitted_case(db, cast.clerk, cast.researcher, cast.reviewer, route=CSODS)
    for given, role, relationship in (
        ("Nell", PartyRole.THIRD_PARTY, "friend_or_neighbour"),
        ("Tess", PartyRole.THIRD_PARTY, "professional"),
        ("Gran", PartyRole.THIRD_PARTY, "other_family"),
        ("Una", PartyRole.THIRD_PARTY, ""),
        ("Fay", PartyRole.THIRD_PARTY, "carer"),
        ("Bea", PartyRole.BEST_PLACED_TO_PROTECT, ""),
    ):
        add(
            db,
            cast.clerk,
            case,
            role,
            make_person(db, cast.clerk, given, "Example"),
            relationship_to_child=relationship,
        )
    meeting, item, agencies = _on_a_panel(db, cast, case)
    refusals = {
        "Nell Example": "Nell Example is recorded as friend or neighbour to the child",
        "Tess Example": "Tess Example is recorded as professional to the child",
        "Gran Example": "Gran Example is recorded as other family member to the child",
        "Una Example": "Una Example has no recorded relationship to the child",
    }
    for name, message in refusals.items():
        values = {**_disclose(db, cast, case, agencies), "recipients": _recipients(db, case, name)}
        with pytest.raises(FormInvalid) as refused:
            service.record_decision(db, cast.probation, meeting.id, item.id, values)
        assert refused.value.errors["recipients"].startswith(message), name
    told = _recipients(db, case, "Applicant Example", "Fay Example", "Bea Example")
    decision = service.record_decision(
        db, cast.probation, meeting.id, item.id, {**_disclose(db, cast, case, agencies), "recipients": told}
    )
    assert sorted((r["name"], r["capacity"]) for r in decision.recipients) == [
        ("Applicant Example", "parent_carer_guardian"),
        ("Bea Example", "best_placed_to_protect"),
        ("Fay Example", "parent_carer_guardian"),
    ]


def test_an_applicant_who_applied_as_a_third_party_is_not_told_as_a_parent(db: Session, cast: Cast) -> None:
    case = submitted_case(db, cast.clerk, cast.researcher, cast.reviewer, route=CSODS)
    case.applicant_type = "third_party"
    meeting, item, agencies = _on_a_panel(db, cast, case)
    values = {**_disclose(db, cast, case, agencies), "recipients": _recipients(db, case, "Applicant Example")}
    with pytest.raises(FormInvalid) as refused:
        service.record_decision(db, cast.probation, meeting.id, item.id, values)
    assert "has no recorded relationship to the child" in refused.value.errors["recipients"]


def test_a_relationship_to_the_child_is_one_of_the_list_and_only_on_sarahs_law(
    db: Session, cast: Cast
) -> None:
    csods = submitted_case(db, cast.clerk, cast.researcher, cast.reviewer, route=CSODS)
    dvds = submitted_case(db, cast.clerk, cast.researcher, cast.reviewer)
    for case, value in ((csods, "uncle-ish"), (dvds, "parent")):
        with pytest.raises(FormInvalid) as refused:
            add(db, cast.clerk, case, PartyRole.THIRD_PARTY, relationship_to_child=value)
        assert refused.value.errors == {
            "relationship_to_child": "Select the person's relationship to the child from the list"
        }


def _presumed(db: Session, cast: Cast) -> DisclosureRequest:
    """A Sarah's Law case whose package records a child sexual offence conviction and a risk to the child."""
    values = offending_values(
        conviction_row(), poses_risk="yes", risk_to_child="He has unsupervised contact with the child."
    )
    return submitted_case(db, cast.clerk, cast.researcher, cast.reviewer, route=CSODS, offending=values)


def test_where_the_presumption_applies_not_disclosing_needs_the_reason_for_departing(
    db: Session, client: PageClient, cast: Cast
) -> None:
    """[WYP-CSODS]: convictions for child sexual offences and a risk make disclosure the presumption."""
    case = _presumed(db, cast)
    meeting, item, agencies = _on_a_panel(db, cast, case)
    sign_in_as(db, client, cast.probation)
    form = client.get(f"/panels/{meeting.id}/items/{item.id}/decision")
    assert "The presumption to disclose applies" in form.text
    assert "Why the panel departs from the presumption to disclose" in form.text
    with pytest.raises(FormInvalid) as refused:
        service.record_decision(db, cast.probation, meeting.id, item.id, no_disclosure_values(db, agencies))
    assert refused.value.errors == {
        "presumption_departure": "The presumption to disclose applies: give the reason for departing from it"
    }
    assert db.scalar(select(Decision)) is None, "a refused decision writes nothing"
    why = "He is in prison until 2031 and has no contact with the child."
    values = no_disclosure_values(db, agencies, presumption_departure=why)
    decision = service.record_decision(db, cast.probation, meeting.id, item.id, values)
    assert (decision.presumption_applies, decision.presumption_departure) == (True, why)
    disclosed = service.record_decision(
        db, cast.probation, meeting.id, item.id, {**_disclose(db, cast, case, agencies), "version": "1"}
    )
    assert disclosed.presumption_applies and disclosed.presumption_departure == ""


def test_without_the_presumption_no_departure_is_asked_for(
    db: Session, client: PageClient, cast: Cast
) -> None:
    case = submitted_case(db, cast.clerk, cast.researcher, cast.reviewer, route=CSODS)
    meeting, item, agencies = _on_a_panel(db, cast, case)
    decision = service.record_decision(
        db, cast.probation, meeting.id, item.id, no_disclosure_values(db, agencies)
    )
    assert not decision.presumption_applies
    sign_in_as(db, client, cast.probation)
    form = client.get(f"/panels/{meeting.id}/items/{item.id}/decision")
    assert "The presumption to disclose applies" not in form.text


def test_a_proactive_disclosure_goes_to_the_parent_the_police_chose_and_no_one_else(
    db: Session, cast: Cast
) -> None:
    """[CSODS-2023]: police-initiated, so there is no applicant whose identity bars it; the recipient rules
    hold as for an application."""
    case = submitted_case(db, cast.clerk, cast.researcher, cast.reviewer, route="csods_proactive")
    add(
        db,
        cast.clerk,
        case,
        PartyRole.THIRD_PARTY,
        make_person(db, cast.clerk, "Nell", "Example"),
        relationship_to_child="friend_or_neighbour",
    )
    meeting, item, agencies = _on_a_panel(db, cast, case)
    neighbour = {**_disclose(db, cast, case, agencies), "recipients": _recipients(db, case, "Nell Example")}
    with pytest.raises(FormInvalid) as refused:
        service.record_decision(db, cast.probation, meeting.id, item.id, neighbour)
    assert refused.value.errors["recipients"].startswith("Nell Example is recorded as friend or neighbour")
    mother = _recipients(db, case, "BestPlacedToProtect Example")
    values = {**_disclose(db, cast, case, agencies), "recipients": mother}
    decision = service.record_decision(db, cast.probation, meeting.id, item.id, values)
    assert [(r["role"], r["capacity"]) for r in decision.recipients] == [
        ("best_placed_to_protect", "parent_carer_guardian")
    ]
