"""Builders for research tests: a case in research with a researcher on its team, and filled-in forms."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from disclosure.agencies.models import Agency, AgencyMember
from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.requests import service as requests_service
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.vocabulary import Route
from disclosure.research import service
from disclosure.research.models import CheckType
from disclosure.research.service.offending import record_offending
from tests.builders import date_time_fields, make_user, principal_for
from tests.requests.builders import make_request, meeting_fields, ready_for_checks

UK = ZoneInfo("Europe/London")


def case_in_research(
    db: Session,
    clerk: Principal,
    researcher: Principal,
    *,
    route: str = "right_to_know",
    first_contact_at: datetime | None = None,
    identity: str = "verified",
) -> DisclosureRequest:
    """A Right to Know case (no meeting) handed to research, led by the researcher; on the other routes the
    applicant's identity was checked at the meeting (`identity`: verified or not_verified)."""
    case = make_request(db, clerk, route=route, first_contact_at=first_contact_at)
    ready_for_checks(db, clerk, case)
    requests_service.complete_initial_checks(db, clerk, case.id)
    if Route(route).has_applicant:
        documents = (
            ["passport", "utility_bill", "child_birth_certificate"]
            if route == "csods_application"
            else ["passport", "utility_bill"]
        )
        notes = "" if identity == "verified" else "No proof of the relationship to the child was brought"
        meeting = meeting_fields(utcnow(), documents, outcome=identity, notes=notes)
        requests_service.verify_identity(db, clerk, case.id, meeting)
    requests_service.assign(db, clerk, case.id, {"assignee_id": str(researcher.user_id)})
    requests_service.start_research(db, researcher, case.id)
    return case


def when(at: datetime | None = None, name: str = "performed") -> dict[str, str]:
    """When a check was done: half an hour ago unless `at`."""
    return date_time_fields(name, at or utcnow() - timedelta(minutes=30))


def check_type(db: Session, case: DisclosureRequest, code: str) -> CheckType:
    found = db.scalar(select(CheckType).where(CheckType.scheme == case.scheme, CheckType.code == code))
    assert found is not None
    return found


def check_values(db: Session, case: DisclosureRequest, code: str, **overrides: str) -> dict[str, Any]:
    return {
        "check_type_id": str(check_type(db, case, code).id),
        "result": "nil_return",
        "onward_consent": "not_applicable",
        "reference": f"{code.upper()}/2026/1",
        **when(),
        **overrides,
    }


def do_required_checks(db: Session, researcher: Principal, case: DisclosureRequest) -> None:
    for code in ("pnc", "pnd", "visor", "force-intelligence"):
        service.record_check(db, researcher, case.id, check_values(db, case, code))


def agency(db: Session, code: str = "probation") -> Agency:
    found = db.scalar(select(Agency).where(Agency.code == code))
    assert found is not None
    return found


def partner_user(db: Session, code: str = "probation", username: str = "pat.probation") -> Principal:
    user = make_user(db, Role.PARTNER, username=username, display_name="Pat Partner").user
    db.add(AgencyMember(user_id=user.id, agency_id=agency(db, code).id))
    db.flush()
    return principal_for(user)


def subject_id(case: DisclosureRequest) -> str:
    return str(next(p.person_id for p in case.parties if p.role == "subject"))


def evidence_values(case: DisclosureRequest, **overrides: str) -> dict[str, Any]:
    return {
        "person_id": subject_id(case),
        "summary": "Convicted of assault occasioning actual bodily harm against a former partner in 2019.",
        "source": "Police National Computer (PNC)",
        "source_reference": "PNC/19/0001234X",
        "information_date-day": "1",
        "information_date-month": "5",
        "information_date-year": "2019",
        "source_grade": "A",
        "information_grade": "1",
        "handling_code": "P",
        "nature": "fact",
        "disclosable": "yes",
        "disclose_to": "person_at_risk" if case.scheme == "dvds" else "parent_or_carer",
        "owner_consent": "not_needed",
        **overrides,
    }


def summary_values(package_version: int, **overrides: str) -> dict[str, Any]:
    return {
        "summary": "The subject has one unspent conviction for violence against a former partner.",
        "risk_analysis": "Pattern of controlling behaviour; risk of serious harm to the person at risk.",
        "recommendation": "disclose",
        "recommendation_reasons": "Lawful, necessary and proportionate; a pressing need to protect her.",
        "draft_disclosure": "He was convicted in 2019 of assaulting a former partner.",
        "version": str(package_version),
        **overrides,
    }


def second_researcher(db: Session) -> Principal:
    return principal_for(
        make_user(db, Role.RESEARCHER, username="sue.supervisor", display_name="Sue Supervisor").user
    )


def offending_values(*convictions: dict[str, str], **overrides: str) -> dict[str, Any]:
    """The subject's offending and management: not registered, not under MAPPA, no risk found, and the
    `convictions` given (each as `conviction_row` makes them)."""
    values: dict[str, Any] = {
        "subject_registered": "no",
        "poses_risk": "no",
        "risk_to_child": "No contact with children found in any check.",
        **overrides,
    }
    for n, row in enumerate(convictions):
        values |= {f"conviction-{n}-{name}": value for name, value in row.items()}
    return values


def conviction_row(
    offence: str = "Sexual assault of a child under 13",
    convicted_on: str = "2015-06-01",
    *,
    child_sexual: bool = True,
    spent: bool = False,
) -> dict[str, str]:
    return {
        "offence": offence,
        "date": convicted_on,
        "child_sexual": "yes" if child_sexual else "",
        "spent": "yes" if spent else "",
        "reference": "PNC/15/0004321Y",
    }


def ready_to_submit(
    db: Session,
    researcher: Principal,
    reviewer: Principal,
    case: DisclosureRequest,
    *,
    offending: dict[str, Any] | None = None,
) -> None:
    """Required checks, one disclosable item, the summary (and on Sarah's Law the subject's offending:
    `offending`, or none found), sent for review and approved."""
    do_required_checks(db, researcher, case)
    service.record_evidence(db, researcher, case.id, evidence_values(case))
    if case.scheme == "csods":
        record_offending(db, researcher, case.id, offending or offending_values())
    package = service.package_for(db, case)
    service.update_summary(db, researcher, case.id, summary_values(package.version))
    service.send_for_review(db, researcher, case.id, {"reviewer_id": str(reviewer.user_id)})
    service.approve(db, reviewer, case.id, {"review_notes": "Checked against PNC."})
