"""Research verbs: checks, partner requests and answers, evidence, review and submission, versions."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from time_machine import TimeMachineFixture

from disclosure.audit import AuditEvent
from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.errors import FormInvalid, InvalidTransition, NotFound, PermissionDenied
from disclosure.requests.deadlines import calendar_for
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.workflow import RequestStatus
from disclosure.research import service
from disclosure.research.models import Attachment, Check, PackageVersion, PartnerRequest
from disclosure.research.service.partners import uk_today
from disclosure.research.workflow import PackageStatus, PartnerRequestStatus
from disclosure.storage import AttachmentStore, DatabaseStore, LocalFileStore
from tests import samples
from tests.research.builders import (
    agency,
    case_in_research,
    check_values,
    do_required_checks,
    evidence_values,
    partner_user,
    ready_to_submit,
    subject_id,
    when,
)


def _events(db: Session, action: str) -> int:
    return db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)) or 0


# ---------------------------------------------------------------- checks


def test_the_check_list_starts_with_the_four_required_police_checks_missing(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    lines, extras = service.checklist(db, case)
    missing = [line.check_type.code for line in lines if line.missing]
    assert missing == ["pnc", "pnd", "visor", "force-intelligence"]
    assert extras == []


def test_recording_the_required_checks_clears_them_and_is_audited(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    do_required_checks(db, researcher, case)
    lines, _ = service.checklist(db, case)
    assert not [line for line in lines if line.missing]
    assert _events(db, "research.check.record") == 4


def test_a_check_that_found_information_needs_notes_and_cannot_be_in_the_future(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    values = check_values(db, case, "pnc", result="information_found", **when(utcnow() + timedelta(days=2)))
    with pytest.raises(FormInvalid) as refused:
        service.record_check(db, researcher, case.id, values)
    assert set(refused.value.errors) == {"notes", "performed"}
    assert refused.value.values["reference"] == "PNC/2026/1"


def test_another_check_needs_its_system_named(db: Session, clerk: Principal, researcher: Principal) -> None:
    case = case_in_research(db, clerk, researcher)
    values = check_values(db, case, "pnc", check_type_id="other", kind="police_system")
    with pytest.raises(FormInvalid) as refused:
        service.record_check(db, researcher, case.id, values)
    assert refused.value.errors == {"name": "Enter the system or agency checked"}
    check = service.record_check(db, researcher, case.id, {**values, "name": "Niche RMS"})
    _lines, extras = service.checklist(db, case)
    assert [c.id for c in extras] == [check.id]


def test_a_struck_out_check_leaves_the_list_but_stays_on_record(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    check = service.record_check(db, researcher, case.id, check_values(db, case, "pnc"))
    with pytest.raises(FormInvalid):
        service.remove_check(db, researcher, case.id, check.id, {"reason": ""})
    service.remove_check(db, researcher, case.id, check.id, {"reason": "Entered on the wrong case"})
    lines, _ = service.checklist(db, case)
    assert next(line for line in lines if line.check_type.code == "pnc").missing
    assert db.get(Check, check.id).removed_reason == "Entered on the wrong case"  # type: ignore[union-attr]


def test_checks_cannot_be_recorded_before_research_starts(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    from tests.requests.builders import make_request

    case = make_request(db, clerk, route="right_to_know")
    with pytest.raises(InvalidTransition, match="Research is closed"):
        service.record_check(db, clerk, case.id, check_values(db, case, "pnc"))


# ---------------------------------------------------------------- partner requests


def _ask(
    db: Session, researcher: Principal, case: DisclosureRequest, code: str = "probation"
) -> PartnerRequest:
    return service.send_partner_request(
        db,
        researcher,
        case.id,
        {
            "agency_id": str(agency(db, code).id),
            "asked": "Any contact in five years?",
            "person_ids": [subject_id(case)],
        },
    )


def test_a_partner_request_is_due_after_the_agencys_working_days(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    sent = _ask(db, researcher, case)
    expected = calendar_for(db).add_working_days(uk_today(), agency(db).response_working_days)
    assert sent.due_on == expected
    assert sent.status == PartnerRequestStatus.OPEN.value
    assert _events(db, "research.partner_request.send") == 1


def test_a_partner_request_must_name_people_on_the_case(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    with pytest.raises(FormInvalid) as refused:
        service.send_partner_request(
            db,
            researcher,
            case.id,
            {
                "agency_id": str(agency(db).id),
                "asked": "",
                "person_ids": ["0190d6c2-0000-7000-8000-000000000000"],
            },
        )
    assert set(refused.value.errors) == {"asked", "person_ids"}


def test_a_partner_sees_only_requests_to_their_own_agency(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    to_probation = _ask(db, researcher, case, "probation")
    to_health = _ask(db, researcher, case, "health")
    partner = partner_user(db, "probation")
    inbox = service.partner_inbox(db, partner).found.items
    assert [row.id for row in inbox] == [to_probation.id]
    assert [p.role for p in inbox[0].people] == ["Subject"], "the list says who each request is about"
    listed = db.scalars(select(AuditEvent).where(AuditEvent.action == "research.partner_request.list")).one()
    assert json.loads(listed.details) == {"partner_requests": [str(to_probation.id)]}
    view = service.partner_view(db, partner, to_probation.id)
    assert view.asked == "Any contact in five years?"
    assert [p.role for p in view.people] == ["Subject"]
    with pytest.raises(NotFound):
        service.partner_view(db, partner, to_health.id)
    with pytest.raises(NotFound):
        service.answer(db, partner, to_health.id, {})


def test_a_case_worker_cannot_use_the_partner_side(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    sent = _ask(db, researcher, case)
    with pytest.raises(PermissionDenied):
        service.partner_view(db, researcher, sent.id)


def test_a_partners_answer_becomes_a_check_and_cannot_be_given_twice(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    sent = _ask(db, researcher, case)
    partner = partner_user(db)
    with pytest.raises(FormInvalid) as refused:
        service.answer(db, partner, sent.id, {"result": "", "response": ""})
    assert set(refused.value.errors) == {"result", "response", "onward_consent"}
    answer = {
        "result": "information_found",
        "response": "Supervised 2019-2021.",
        "onward_consent": "consents",
    }
    service.answer(db, partner, sent.id, answer)
    lines, _ = service.checklist(db, case)
    probation = next(line for line in lines if line.check_type.code == "probation")
    assert [c.notes for c in probation.checks] == ["Supervised 2019-2021."]
    assert probation.checks[0].partner_request_id == sent.id
    with pytest.raises(InvalidTransition):
        service.answer(db, partner, sent.id, answer)


def test_chasing_counts_and_closing_needs_a_reason(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    sent = _ask(db, researcher, case)
    service.chase(db, researcher, case.id, sent.id, None)
    service.chase(db, researcher, case.id, sent.id, None)
    assert sent.chase_count == 2
    with pytest.raises(FormInvalid):
        service.close_without_answer(db, researcher, case.id, sent.id, {"reason": " "})
    service.close_without_answer(db, researcher, case.id, sent.id, {"reason": "Chased twice; cannot wait"})
    with pytest.raises(InvalidTransition):
        service.chase(db, researcher, case.id, sent.id, None)


def test_overdue_requests_are_listed_first_and_flagged(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    late = _ask(db, researcher, case, "probation")
    _ask(db, researcher, case, "health")
    late.due_on = uk_today() - timedelta(days=3)
    db.flush()
    rows = service.open_requests(db)
    assert rows[0].id == late.id and rows[0].overdue
    assert [r.id for r in service.open_requests(db, overdue_only=True)] == [late.id]


# ---------------------------------------------------------------- evidence


def test_evidence_items_are_numbered_within_the_case(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    first = service.record_evidence(db, researcher, case.id, evidence_values(case))
    second = service.record_evidence(db, researcher, case.id, evidence_values(case, nature="opinion"))
    assert (first.number, second.number) == (1, 2)
    assert _events(db, "research.evidence.record") == 2


def test_sarahs_law_items_go_only_to_a_parent_carer_or_guardian(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher, route="csods_application")
    with pytest.raises(FormInvalid) as refused:
        service.record_evidence(db, researcher, case.id, evidence_values(case, disclose_to="person_at_risk"))
    assert "parent, carer or guardian" in refused.value.errors["disclose_to"]


def test_an_item_whose_owner_refused_consent_cannot_be_disclosable(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    with pytest.raises(FormInvalid) as refused:
        service.record_evidence(db, researcher, case.id, evidence_values(case, owner_consent="refused"))
    assert "owner_consent" in refused.value.errors


def test_every_evidence_field_is_checked_at_once(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    with pytest.raises(FormInvalid) as refused:
        service.record_evidence(
            db,
            researcher,
            case.id,
            {
                "person_id": "nobody",
                "information_date-day": "31",
                "information_date-month": "2",
                "information_date-year": "2020",
            },
        )
    assert {
        "person_id",
        "summary",
        "source",
        "source_grade",
        "information_grade",
        "handling_code",
        "nature",
        "disclosable",
        "owner_consent",
        "information_date",
    } <= set(refused.value.errors)


def test_the_information_may_date_from_the_uk_s_today_but_not_tomorrow(
    db: Session, clerk: Principal, researcher: Principal, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(datetime(2027, 6, 30, 23, 30, tzinfo=UTC), tick=False)  # 00:30 BST on 1 July
    case = case_in_research(db, clerk, researcher)

    def dated(day: int) -> dict[str, str]:
        parts = {"day": str(day), "month": "7", "year": "2027"}
        return evidence_values(case, **{f"information_date-{k}": v for k, v in parts.items()})

    service.record_evidence(db, researcher, case.id, dated(1))
    time_machine.move_to(datetime(2027, 7, 1, 11, tzinfo=UTC), tick=False)
    with pytest.raises(FormInvalid) as refused:
        service.record_evidence(db, researcher, case.id, dated(2))
    assert refused.value.errors == {
        "information_date": "Date of the information must be today or in the past"
    }


# ---------------------------------------------------------------- the package


def test_submission_is_refused_while_checks_or_answers_are_missing(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    _ask(db, researcher, case)
    problems = service.submission_problems(db, case, service.package_for(db, case))
    assert set(problems) == {"checks", "partner-requests", "summary", "review"}
    assert "PNC" in problems["checks"]
    with pytest.raises(FormInvalid):
        service.submit(db, researcher, case.id, {})


def test_the_drafter_cannot_review_their_own_package(
    db: Session, clerk: Principal, researcher: Principal, reviewer: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    with pytest.raises(FormInvalid):
        service.send_for_review(db, researcher, case.id, {"reviewer_id": str(researcher.user_id)})
    service.send_for_review(db, researcher, case.id, {"reviewer_id": str(reviewer.user_id)})
    with pytest.raises(PermissionDenied):
        service.approve(db, researcher, case.id, {})
    with pytest.raises(InvalidTransition, match="with the reviewer"):
        service.record_evidence(db, researcher, case.id, evidence_values(case))
    with pytest.raises(FormInvalid):
        service.return_for_changes(db, reviewer, case.id, {"review_notes": ""})
    service.return_for_changes(db, reviewer, case.id, {"review_notes": "Add the probation return"})
    assert service.package_for(db, case).status == PackageStatus.DRAFT.value


def test_a_change_after_review_voids_the_review(
    db: Session, clerk: Principal, researcher: Principal, reviewer: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    ready_to_submit(db, researcher, reviewer, case)
    assert service.package_for(db, case).status == PackageStatus.REVIEWED.value
    service.record_evidence(db, researcher, case.id, evidence_values(case, nature="opinion"))
    package = service.package_for(db, case)
    assert package.status == PackageStatus.DRAFT.value and package.reviewed_at is None
    assert "review" in service.submission_problems(db, case, package)


def test_submission_freezes_a_version_and_moves_the_request_on(
    db: Session, clerk: Principal, researcher: Principal, reviewer: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    ready_to_submit(db, researcher, reviewer, case)
    frozen = service.submit(db, researcher, case.id, {})
    assert frozen.number == 1 and len(frozen.sha256) == 64
    assert case.status == RequestStatus.AWAITING_DECISION.value
    snapshot = frozen.snapshot
    assert snapshot["reference"] == case.reference
    assert snapshot["reviewed_by"] == "Sue Supervisor"
    assert snapshot["evidence"][0]["source_reference"] == "PNC/19/0001234X"
    assert snapshot["evidence"][0]["grading"] == "A1 P"
    assert snapshot["missing_checks"] == []
    with pytest.raises(InvalidTransition):
        service.record_evidence(db, researcher, case.id, evidence_values(case))


def test_reopening_needs_a_reason_and_the_next_version_carries_it(
    db: Session, clerk: Principal, researcher: Principal, reviewer: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    ready_to_submit(db, researcher, reviewer, case)
    first = service.submit(db, researcher, case.id, {})
    with pytest.raises(FormInvalid):
        service.reopen(db, researcher, case.id, {"reason": ""})
    service.reopen(db, researcher, case.id, {"reason": "Probation returned more information"})
    assert case.status == RequestStatus.IN_RESEARCH.value
    service.record_evidence(
        db, researcher, case.id, evidence_values(case, summary="Breached a restraining order.")
    )
    service.send_for_review(db, researcher, case.id, {"reviewer_id": str(reviewer.user_id)})
    service.approve(db, reviewer, case.id, {})
    second = service.submit(db, researcher, case.id, {})
    assert second.number == 2
    assert second.change_reason == "Probation returned more information"
    assert second.snapshot["change_reason"] == "Probation returned more information"
    assert len(second.snapshot["evidence"]) == 2
    _case, old = service.get_version(db, researcher, case.id, 1)
    assert old.id == first.id and len(old.snapshot["evidence"]) == 1
    assert db.scalar(select(func.count()).select_from(PackageVersion)) == 2


def test_the_panel_pack_of_a_version_is_a_pdf_and_its_download_is_audited(
    db: Session, clerk: Principal, researcher: Principal, reviewer: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    ready_to_submit(db, researcher, reviewer, case)
    service.submit(db, researcher, case.id, {})
    filename, pdf = service.panel_pack(db, researcher, case.id, 1)
    assert filename == f"panel-pack-{case.reference}-v1.pdf"
    assert pdf.startswith(b"%PDF-")
    assert _events(db, "research.panel_pack.download") == 1
    with pytest.raises(NotFound):
        service.panel_pack(db, researcher, case.id, 2)


@pytest.fixture(params=["local", "database"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> AttachmentStore:
    return LocalFileStore(tmp_path / "files") if request.param == "local" else DatabaseStore()


def test_attachments_round_trip_through_either_store_and_downloads_are_audited(
    db: Session, clerk: Principal, researcher: Principal, store: AttachmentStore
) -> None:
    case = case_in_research(db, clerk, researcher)
    item = service.record_evidence(db, researcher, case.id, evidence_values(case))
    data = samples.pdf()
    attachment = service.add_attachment(
        db,
        researcher,
        store,
        case.id,
        item.id,
        filename="C:\\scans\\PNC print.pdf",
        data=data,
        max_bytes=10**6,
    )
    assert attachment.filename == "PNC print.pdf" and attachment.content_type == "application/pdf"
    assert attachment.sha256 == hashlib.sha256(data).hexdigest() and attachment.storage_key != "PNC print.pdf"
    found, content = service.download_attachment(db, researcher, store, case.id, attachment.id)
    assert found.id == attachment.id and content == data
    assert _events(db, "research.attachment.add") == 1
    assert _events(db, "research.attachment.download") == 1


def test_a_refused_upload_stores_nothing(
    db: Session, clerk: Principal, researcher: Principal, tmp_path: Path
) -> None:
    case = case_in_research(db, clerk, researcher)
    item = service.record_evidence(db, researcher, case.id, evidence_values(case))
    store = LocalFileStore(tmp_path / "files")
    with pytest.raises(FormInvalid) as refused:
        service.add_attachment(
            db, researcher, store, case.id, item.id, filename="x.pdf", data=b"<script>", max_bytes=10**6
        )
    assert "does not match its name" in refused.value.errors["file"]
    assert list(store.keys()) == []
    assert db.scalar(select(func.count()).select_from(Attachment)) == 0


def test_an_attachment_is_reachable_only_through_its_own_case(
    db: Session, clerk: Principal, researcher: Principal, tmp_path: Path
) -> None:
    store = LocalFileStore(tmp_path / "files")
    case = case_in_research(db, clerk, researcher)
    other = case_in_research(db, clerk, researcher)
    item = service.record_evidence(db, researcher, case.id, evidence_values(case))
    attachment = service.add_attachment(
        db, researcher, store, case.id, item.id, filename="a.png", data=samples.image(), max_bytes=10**6
    )
    with pytest.raises(NotFound):
        service.download_attachment(db, researcher, store, other.id, attachment.id)
