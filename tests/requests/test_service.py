"""Request verbs: logging, people, triage, initial checks, the identity meeting, research, withdrawal, scope,
clocks and need to know. Rules from DOMAIN.md; each refusal is checked at its field."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.audit import AuditEvent
from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.errors import Conflict, FormInvalid, InvalidTransition, PermissionDenied, StaleRecord
from disclosure.requests import access, service
from disclosure.requests.access import NeedToKnow
from disclosure.requests.vocabulary import PartyRole, RiskLevel
from disclosure.requests.workflow import RequestStatus
from tests.builders import SampleUser
from tests.requests.builders import add, make_person, make_request, meeting_fields, ready_for_checks, triage


def _errors(excinfo: pytest.ExceptionInfo[FormInvalid]) -> dict[str, str]:
    return excinfo.value.errors


def test_logging_a_right_to_ask_request_gives_a_reference_and_makes_the_logger_lead(
    db: Session, clerk: Principal
) -> None:
    case = make_request(db, clerk)
    assert case.reference.startswith(f"DVDS-{case.first_contact_at.year}-")
    assert case.status == RequestStatus.LOGGED
    assert case.assignee_id == clerk.user_id
    events = db.scalars(select(AuditEvent).where(AuditEvent.object_id == str(case.id))).all()
    assert [e.action for e in events] == ["request.log"]
    assert events[0].category == "collection"


def test_references_are_sequential_per_scheme_and_year(db: Session, clerk: Principal) -> None:
    first, second = make_request(db, clerk), make_request(db, clerk)
    csods = make_request(db, clerk, route="csods_application")
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1
    assert csods.reference.startswith("CSODS-")


def test_right_to_know_needs_the_information_and_has_no_applicant(db: Session, clerk: Principal) -> None:
    with pytest.raises(FormInvalid) as refused:
        make_request(db, clerk, route="right_to_know", applicant_type="third_party", information_received="")
    assert set(_errors(refused)) == {"information_received"}
    case = make_request(db, clerk, route="right_to_know", applicant_type="third_party")
    assert case.applicant_type is None, "an answer left over from another route is ignored, not a trap"


def test_first_contact_cannot_be_in_the_future_or_impossible(db: Session, clerk: Principal) -> None:
    with pytest.raises(FormInvalid) as future:
        make_request(db, clerk, first_contact_at=utcnow() + timedelta(days=2))
    assert "today or in the past" in _errors(future)["first_contact"]
    with pytest.raises(FormInvalid) as impossible:
        make_request(db, clerk, **{"first_contact-day": "31", "first_contact-month": "2"})  # type: ignore[arg-type]
    assert _errors(impossible)["first_contact"] == "Date of first contact must be a real date"
    with pytest.raises(FormInvalid) as no_time:
        make_request(db, clerk, **{"first_contact-time": "25:70"})  # type: ignore[arg-type]
    assert "real time" in _errors(no_time)["first_contact-time"]


def test_an_alleged_crime_needs_its_crime_reference_and_a_hidden_one_is_ignored(
    db: Session, clerk: Principal
) -> None:
    with pytest.raises(FormInvalid) as missing:
        make_request(db, clerk, alleged_crime="yes")
    assert "crime reference" in _errors(missing)["crime_reference"]
    # Asked only after "yes": a reference typed before the answer changed to "no" is not kept.
    no_crime = make_request(db, clerk, alleged_crime="no", crime_reference="CR/1/26")
    assert not no_crime.alleged_crime and no_crime.crime_reference == ""
    case = make_request(db, clerk, alleged_crime="yes", crime_reference="CR/1/26")
    assert case.alleged_crime and case.crime_reference == "CR/1/26"


def test_one_application_can_open_linked_cases_each_with_its_own_clock(db: Session, clerk: Principal) -> None:
    case = make_request(db, clerk, open_linked_case="yes")
    linked = db.get(type(case), case.linked_request_id)
    assert linked is not None and linked.linked_request_id == case.id
    assert {case.scheme, linked.scheme} == {"dvds", "csods"}
    assert linked.reference != case.reference and linked.clock_policy_code.startswith("csods")


@pytest.mark.parametrize(
    ("route", "day", "policy"),
    [
        ("right_to_ask", date(2020, 6, 1), "dvds-2016"),
        ("right_to_ask", date(2025, 6, 1), "dvds-2023"),
        ("csods_application", date(2015, 6, 1), "csods-2010"),
        ("csods_application", date(2025, 6, 1), "csods-2023"),
    ],
)
def test_the_clock_policy_in_force_on_the_first_contact_date_applies(
    db: Session, clerk: Principal, route: str, day: date, policy: str
) -> None:
    at = datetime(day.year, day.month, day.day, 10, 0, tzinfo=utcnow().tzinfo)
    assert make_request(db, clerk, route=route, first_contact_at=at).clock_policy_code == policy


def test_the_clock_policy_goes_by_the_uk_date_of_first_contact(db: Session, clerk: Principal) -> None:
    # 23:30 UTC on 9 April 2023 is 00:30 BST on 10 April, the first day of the statutory guidance.
    case = make_request(db, clerk, first_contact="2023-04-09T23:30:00+00:00")
    assert case.clock_policy_code == "dvds-2023"


def test_the_applicant_needs_safe_contact_details(db: Session, clerk: Principal) -> None:
    case = make_request(db, clerk)
    person = make_person(db, clerk)
    with pytest.raises(FormInvalid) as refused:
        service.add_party(db, clerk, case.id, person.id, {"role": "applicant"})
    assert _errors(refused) == {
        "safe_channels": "Select at least one safe way to contact the applicant",
        "safe_times": "Enter when it is safe to contact the applicant",
    }


def test_the_subject_cannot_also_be_the_person_at_risk(db: Session, clerk: Principal) -> None:
    case = make_request(db, clerk)
    person = add(db, clerk, case, PartyRole.SUBJECT)
    with pytest.raises(FormInvalid) as refused:
        service.add_party(db, clerk, case.id, person.id, {"role": "person_at_risk"})
    assert "subject" in _errors(refused)["role"]


def test_roles_are_limited_to_the_route(db: Session, clerk: Principal) -> None:
    case = make_request(db, clerk, route="right_to_know")
    with pytest.raises(FormInvalid) as refused:
        service.add_party(db, clerk, case.id, make_person(db, clerk).id, {"role": "applicant"})
    assert "role" in _errors(refused)


@pytest.mark.parametrize(("marac", "idva"), [("yes", "no"), ("no", "yes"), ("no", "no")])
def test_high_risk_needs_both_referrals(db: Session, clerk: Principal, marac: str, idva: str) -> None:
    """High risk triggers a MARAC referral and an immediate IDVA referral [SafeLives][MARAC-criteria]."""
    case = make_request(db, clerk)
    with pytest.raises(FormInvalid) as refused:
        triage(db, clerk, case, dash_score="14", rag="red", marac_referral=marac, idva_referral=idva)
    assert _errors(refused) == {
        "marac_referral": "High risk needs a MARAC referral and an immediate IDVA referral"
    }


def test_high_dash_needs_marac_and_idva_referrals_and_a_red_rating(db: Session, clerk: Principal) -> None:
    case = make_request(db, clerk)
    with pytest.raises(FormInvalid) as refused:
        triage(db, clerk, case, dash_score="15", rag="amber")
    assert set(_errors(refused)) == {"marac_referral", "rag"}
    triage(db, clerk, case, dash_score="15", rag="red", marac_referral="yes", idva_referral="yes")
    assert service.risk_level(case) is RiskLevel.HIGH


def test_professional_judgement_can_raise_but_never_lower_the_dash_level(
    db: Session, clerk: Principal
) -> None:
    case = make_request(db, clerk)
    with pytest.raises(FormInvalid) as lower:
        triage(db, clerk, case, dash_score="12", professional_risk_level="standard", rag="amber")
    assert "cannot lower" in _errors(lower)["professional_risk_level"]
    with pytest.raises(FormInvalid) as no_reason:
        triage(db, clerk, case, dash_score="5", professional_risk_level="medium", rag="amber")
    assert "risk_rationale" in _errors(no_reason)
    triage(
        db,
        clerk,
        case,
        dash_score="5",
        professional_risk_level="medium",
        rag="amber",
        risk_rationale="Escalating threats in the last week",
    )
    assert service.risk_level(case) is RiskLevel.MEDIUM


def test_dash_bands() -> None:
    assert [RiskLevel.from_dash(n) for n in (0, 9, 10, 13, 14, 27)] == [
        RiskLevel.STANDARD,
        RiskLevel.STANDARD,
        RiskLevel.MEDIUM,
        RiskLevel.MEDIUM,
        RiskLevel.HIGH,
        RiskLevel.HIGH,
    ]


def test_immediate_risk_needs_the_action_taken(db: Session, clerk: Principal) -> None:
    case = make_request(db, clerk)
    with pytest.raises(FormInvalid) as refused:
        triage(db, clerk, case, immediate_risk="yes", rag="red")
    assert "immediate_risk_action" in _errors(refused)


def test_initial_checks_need_the_routes_people_and_a_triage(db: Session, clerk: Principal) -> None:
    case = make_request(db, clerk, route="csods_application")
    with pytest.raises(InvalidTransition) as refused:
        service.complete_initial_checks(db, clerk, case.id)
    for needed in ("applicant", "subject", "child", "risk triage"):
        assert needed in refused.value.message
    ready_for_checks(db, clerk, case)
    service.complete_initial_checks(db, clerk, case.id)
    assert case.status == RequestStatus.INITIAL_CHECKS_DONE and case.initial_checks_at is not None


def _checked(db: Session, clerk: Principal, route: str = "right_to_ask"):  # type: ignore[no-untyped-def]
    case = make_request(db, clerk, route=route)
    ready_for_checks(db, clerk, case)
    service.complete_initial_checks(db, clerk, case.id)
    return case


def test_dvds_identity_needs_two_documents_one_with_a_photo(db: Session, clerk: Principal) -> None:
    case = _checked(db, clerk)
    with pytest.raises(FormInvalid) as refused:
        service.verify_identity(
            db, clerk, case.id, meeting_fields(utcnow(), ["utility_bill", "bank_statement"])
        )
    assert "photo" in _errors(refused)["documents"]
    service.verify_identity(db, clerk, case.id, meeting_fields(utcnow(), ["passport", "utility_bill"]))
    assert case.identity_verified is True and case.status == RequestStatus.MEETING_HELD


def test_csods_identity_needs_photo_address_and_relationship(db: Session, clerk: Principal) -> None:
    case = _checked(db, clerk, "csods_application")
    with pytest.raises(FormInvalid) as refused:
        service.verify_identity(db, clerk, case.id, meeting_fields(utcnow(), ["passport", "utility_bill"]))
    assert "relationship to the child" in _errors(refused)["documents"]
    service.verify_identity(
        db, clerk, case.id, meeting_fields(utcnow(), ["driving_licence", "child_birth_certificate"])
    )
    assert case.identity_verified is True


def test_unverified_identity_needs_a_reason_and_is_recorded(db: Session, clerk: Principal) -> None:
    case = _checked(db, clerk, "csods_application")
    with pytest.raises(FormInvalid) as refused:
        service.verify_identity(db, clerk, case.id, meeting_fields(utcnow(), [], outcome="not_verified"))
    assert "notes" in _errors(refused)
    service.verify_identity(
        db, clerk, case.id, meeting_fields(utcnow(), [], "not_verified", "No documents brought")
    )
    assert case.identity_verified is False


def test_the_meeting_cannot_precede_first_contact(db: Session, clerk: Principal) -> None:
    case = _checked(db, clerk)
    with pytest.raises(FormInvalid) as refused:
        service.verify_identity(
            db,
            clerk,
            case.id,
            meeting_fields(case.first_contact_at - timedelta(days=1), ["passport", "utility_bill"]),
        )
    assert "before the first contact" in _errors(refused)["meeting"]


def test_right_to_know_goes_to_research_without_a_meeting(db: Session, clerk: Principal) -> None:
    case = _checked(db, clerk, "right_to_know")
    with pytest.raises(InvalidTransition):
        service.verify_identity(db, clerk, case.id, meeting_fields(utcnow(), ["passport", "utility_bill"]))
    service.start_research(db, clerk, case.id)
    assert case.status == RequestStatus.IN_RESEARCH


def test_right_to_ask_needs_the_meeting_before_research(db: Session, clerk: Principal) -> None:
    case = _checked(db, clerk)
    with pytest.raises(InvalidTransition):
        service.start_research(db, clerk, case.id)


def test_withdrawal_needs_a_reason_and_closes_the_case(db: Session, clerk: Principal) -> None:
    case = make_request(db, clerk)
    with pytest.raises(FormInvalid):
        service.withdraw(db, clerk, case.id, {"reason": ""})
    service.withdraw(db, clerk, case.id, {"reason": "Applicant no longer wishes to proceed"})
    assert case.status == RequestStatus.WITHDRAWN and case.closed_at is not None
    with pytest.raises(InvalidTransition):
        service.withdraw(db, clerk, case.id, {"reason": "again"})


def test_only_sarahs_law_enquiries_close_as_out_of_scope(db: Session, clerk: Principal) -> None:
    dvds = make_request(db, clerk)
    with pytest.raises(InvalidTransition):
        service.close_out_of_scope(db, clerk, dvds.id, {"reason": "general_enquiry"})
    csods = make_request(db, clerk, route="csods_application")
    with pytest.raises(FormInvalid) as refused:
        service.close_out_of_scope(db, clerk, csods.id, {"reason": "other"})
    assert "notes" in _errors(refused)
    service.close_out_of_scope(db, clerk, csods.id, {"reason": "general_enquiry"})
    assert csods.status == RequestStatus.CLOSED and csods.closure_reason == "out_of_scope"


def test_a_stale_form_is_refused_rather_than_overwriting(db: Session, clerk: Principal) -> None:
    case = make_request(db, clerk)
    loaded_at = case.version
    triage(db, clerk, case)
    with pytest.raises(StaleRecord):
        service.record_triage(
            db,
            clerk,
            case.id,
            {"immediate_risk": "no", "dash_done": "no", "rag": "amber", "version": str(loaded_at)},
        )
    assert case.rag == "green"


def test_pausing_twice_is_refused_and_resuming_ends_the_pause(db: Session, clerk: Principal) -> None:
    case = make_request(db, clerk)
    service.pause_clock(
        db, clerk, case.id, {"reason_code": "applicant_unreachable", "reason": "Applicant in hospital"}
    )
    with pytest.raises(Conflict):
        service.pause_clock(db, clerk, case.id, {"reason_code": "other", "reason": "again"})
    service.resume_clock(db, clerk, case.id)
    assert case.pauses[0].ended_at is not None
    with pytest.raises(Conflict):
        service.resume_clock(db, clerk, case.id)


def test_an_extension_needs_days_and_exceptional_circumstances(db: Session, clerk: Principal) -> None:
    case = make_request(db, clerk)
    with pytest.raises(FormInvalid) as refused:
        service.extend_deadline(db, clerk, case.id, {"days": "0", "reason": ""})
    assert set(_errors(refused)) == {"days", "reason_code", "reason"}
    service.extend_deadline(
        db,
        clerk,
        case.id,
        {"days": "7", "reason_code": "partner_delay", "reason": "Partner agency return delayed by flood"},
    )
    assert (case.extensions[0].days, case.extensions[0].reason_code) == (7, "partner_delay")


def test_someone_outside_the_team_must_state_a_reason_which_is_recorded(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    case = make_request(db, clerk)
    with pytest.raises(NeedToKnow):
        service.view(db, researcher, case.id)
    with pytest.raises(FormInvalid):
        access.open_with_reason(db, researcher, case.id, "because")
    access.open_with_reason(db, researcher, case.id, "Covering for the case lead on leave this week")
    assert service.view(db, researcher, case.id) is case
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(case.id))).all()
    assert "request.open_with_reason" in actions and actions.count("request.view") == 1


def test_administrators_and_auditors_never_read_case_content(
    db: Session, clerk: Principal, admin: SampleUser, auditor: SampleUser
) -> None:
    from tests.builders import principal_for

    case = make_request(db, clerk)
    for user in (admin, auditor):
        with pytest.raises(PermissionDenied) as refused:
            service.view(db, principal_for(user.user), case.id)
        assert not isinstance(refused.value, NeedToKnow)


def test_assignment_moves_the_lead_and_keeps_the_old_one_on_the_team(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    case = make_request(db, clerk)
    service.assign(db, clerk, case.id, {"assignee_id": str(researcher.user_id)})
    assert case.assignee_id == researcher.user_id
    assert service.view(db, clerk, case.id) is case  # still on the team


def test_every_verb_writes_one_audit_event(db: Session, clerk: Principal) -> None:
    before = db.scalar(select(func.count()).select_from(AuditEvent))
    case = make_request(db, clerk)
    service.pause_clock(db, clerk, case.id, {"reason_code": "awaiting_partner", "reason": "Waiting"})
    service.resume_clock(db, clerk, case.id)
    after = db.scalar(select(func.count()).select_from(AuditEvent))
    assert before is not None and after is not None and after - before == 3


def test_merging_people_moves_their_case_roles_to_the_survivor(db: Session, clerk: Principal) -> None:
    from disclosure.people import service as people

    case, other = make_request(db, clerk), make_request(db, clerk)
    survivor = add(db, clerk, case, PartyRole.SUBJECT, make_person(db, clerk, "John", "Smith"))
    duplicate = add(db, clerk, case, PartyRole.THIRD_PARTY, make_person(db, clerk, "Jon", "Smyth"))
    service.add_party(db, clerk, other.id, duplicate.id, {"role": "subject"})
    service.add_party(db, clerk, other.id, survivor.id, {"role": "third_party"})
    people.merge_people(db, clerk, survivor.id, duplicate.id, "Same man: PNC record confirms")
    db.flush()
    db.expire_all()
    roles = sorted((p.request_id == case.id, p.role) for c in (case, other) for p in c.parties)
    assert all(p.person_id == survivor.id for c in (case, other) for p in c.parties)
    assert roles == [(False, "subject"), (False, "third_party"), (True, "subject"), (True, "third_party")]


def test_flags_count_different_applicants_only_when_there_are_two_or_more(
    db: Session, clerk: Principal
) -> None:
    from disclosure.requests import queue

    subject = make_person(db, clerk, "John", "Smith")
    first = make_request(db, clerk)
    add(db, clerk, first, PartyRole.SUBJECT, subject)
    add(db, clerk, first, PartyRole.APPLICANT, make_person(db, clerk, "Jane", "Doe"))
    police_initiated = make_request(db, clerk, route="right_to_know")
    add(db, clerk, police_initiated, PartyRole.SUBJECT, subject)
    flags = queue.flags(db, police_initiated)
    assert flags == [f"The subject is the subject of 1 other request: {first.reference}"]
    second = make_request(db, clerk)
    add(db, clerk, second, PartyRole.SUBJECT, subject)
    add(db, clerk, second, PartyRole.APPLICANT, make_person(db, clerk, "Ann", "Other"))
    assert "2 different applicants have asked about this subject" in queue.flags(db, second)


def test_an_applicant_who_is_a_subject_elsewhere_is_flagged(db: Session, clerk: Principal) -> None:
    from disclosure.requests import queue

    perpetrator = make_person(db, clerk, "Mark", "Benson")
    earlier = make_request(db, clerk)
    add(db, clerk, earlier, PartyRole.SUBJECT, perpetrator)
    fishing = make_request(db, clerk)
    add(db, clerk, fishing, PartyRole.APPLICANT, perpetrator)
    assert any("possible misuse" in f and earlier.reference in f for f in queue.flags(db, fishing))
