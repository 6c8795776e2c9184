"""Builders for decision tests: a submitted case, a convened panel with a quorum, and decision forms."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.decisions import service
from disclosure.decisions.models import AgendaItem, NoDisclosureReason, PanelAgency, PanelMeeting
from disclosure.decisions.vocabulary import LegalTest
from disclosure.requests.models import DisclosureRequest
from disclosure.research import service as research
from tests.builders import date_time_fields, make_user, principal_for
from tests.research.builders import case_in_research, ready_to_submit

UK = ZoneInfo("Europe/London")


def person(db: Session, role: Role, username: str, name: str) -> Principal:
    return principal_for(make_user(db, role, username=username, display_name=name).user)


def submitted_case(
    db: Session,
    clerk: Principal,
    researcher: Principal,
    reviewer: Principal,
    *,
    route: str = "right_to_know",
    identity: str = "verified",
    offending: dict[str, Any] | None = None,
) -> DisclosureRequest:
    case = case_in_research(db, clerk, researcher, route=route, identity=identity)
    ready_to_submit(db, researcher, reviewer, case, offending=offending)
    research.submit(db, researcher, case.id, {"version": str(research.package_for(db, case).version)})
    return case


def agency(db: Session, code: str) -> PanelAgency:
    found = db.scalar(select(PanelAgency).where(PanelAgency.code == code))
    assert found is not None
    return found


def meeting_values(chair: Principal, *, at: datetime | None = None, **overrides: str) -> dict[str, Any]:
    """A meeting that began an hour ago (its decisions may be signed off), or one at `at`; a meeting whose
    time has passed is recorded as held (an hour ago may be yesterday, just after midnight)."""
    meets_at = at or utcnow() - timedelta(hours=1)
    return {
        "forum": "disclosure_panel",
        **date_time_fields("meets_at", meets_at),
        "held": "yes" if meets_at <= utcnow() else "",
        "location": "MASH meeting room 2",
        "chair_id": str(chair.user_id),
        **overrides,
    }


def panel_with(
    db: Session,
    convener: Principal,
    chair: Principal,
    members: list[tuple[Principal, str]],
    *cases: DisclosureRequest,
    at: datetime | None = None,
) -> tuple[PanelMeeting, list[AgendaItem]]:
    """A meeting chaired by `chair` (for the police), with members for agencies, and cases on its agenda;
    it began an hour ago unless it meets `at`."""
    meeting = service.convene(db, convener, meeting_values(chair, at=at))
    for member, code in members:
        service.add_member(
            db,
            convener,
            meeting.id,
            {"user_id": str(member.user_id), "panel_agency_id": str(agency(db, code).id)},
        )
    for case in cases:
        service.add_to_agenda(db, convener, meeting.id, {"request_id": str(case.id)})
    db.refresh(meeting)
    return meeting, [i for i in meeting.items if i.removed_at is None]


def all_present(meeting: PanelMeeting, **conflicts: str) -> dict[str, Any]:
    """Everyone present, answered member by member (so a test may mark one absent); `conflicts` maps a
    member id to the conflict they declared."""
    values: dict[str, Any] = {"attendance": "each"}
    for member in meeting.members:
        key = str(member.id)
        values[f"present-{key}"] = "yes"
        if key in conflicts:
            values[f"conflict-{key}"] = "yes"
            values[f"conflict-note-{key}"] = conflicts[key]
    return values


def views(agencies: list[PanelAgency], dissent: dict[str, str] | None = None) -> dict[str, str]:
    values = {}
    for a in agencies:
        reason = (dissent or {}).get(a.code)
        values[f"view-{a.id}"] = "dissent" if reason else "agree"
        values[f"view-{a.id}-reasons"] = reason or ""
    return values


def legal_tests(met: str = "yes") -> dict[str, str]:
    values = {}
    for test in LegalTest:
        values[f"test-{test.value}"] = met
        values[f"test-{test.value}-reasoning"] = f"Reasoning on {test.value}."
    return values


def disclose_values(
    db: Session, case: DisclosureRequest, officer: Principal, agencies: list[PanelAgency], **overrides: Any
) -> dict[str, Any]:
    options = service.recipient_options(db, case)  # the person at risk first, when there is one
    return {
        "outcome": "disclose",
        **legal_tests(),
        "article8": "The subject's privacy is outweighed by the risk of serious harm.",
        "spent_convictions": "none",
        "wording": "In 2019 he was convicted of assaulting a former partner.",
        "recipients": [str(options[0].party_id)],
        "recipient_reasons": "",
        "deliverer_id": str(officer.user_id),
        "subject_views_sought": "no",
        "subject_views": "Not sought: seeking them would put her at risk.",
        "subject_told": "no",
        "subject_told_reason": "Telling him would increase the risk to her.",
        "safety_plan": "IDVA to attend the disclosure; safe word agreed; marker on the address.",
        "safeguarding": ["marac_referral", "idva_referral"],
        "safeguarding_details": "",
        **views(agencies),
        "rationale": "All four tests are met; disclosure is the least intrusive way to protect her.",
        **overrides,
    }


def no_disclosure_values(db: Session, agencies: list[PanelAgency], **overrides: Any) -> dict[str, Any]:
    reason = db.scalar(select(NoDisclosureReason).where(NoDisclosureReason.code == "no_pressing_need"))
    assert reason is not None
    return {
        "outcome": "no_disclosure",
        "no_disclosure_reason_id": str(reason.id),
        "safety_advice": "Contact details for the local IDVA service and 999 in an emergency.",
        "applicant_told": "That no disclosure will be made, with safety advice.",
        **views(agencies),
        "rationale": "No pressing need: the relationship has ended and he lives abroad.",
        **overrides,
    }
