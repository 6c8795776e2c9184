"""Immediate protection at first contact [Beds] [issue 15, Decisions §3]: nothing is disclosed before the
panel unless the triage records an immediate risk; then an officer holding the urgent disclosure authority
records what was said, to whom and why, and the next panel's decision ratifies it or not."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.accounts import service as accounts
from disclosure.accounts.roles import Role
from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.decisions import service
from disclosure.decisions.models import UrgentDisclosure
from disclosure.decisions.service import urgent
from disclosure.errors import FormInvalid, InvalidTransition, PermissionDenied
from disclosure.requests import access
from disclosure.requests.models import DisclosureRequest
from tests.builders import date_time_fields, make_user, principal_for, sign_in_as
from tests.decisions.builders import no_disclosure_values, person
from tests.decisions.conftest import Cast, Panel
from tests.pages import PageClient
from tests.requests.builders import make_request, ready_for_checks, triage


@pytest.fixture
def inspector(db: Session) -> Principal:
    return person(db, Role.URGENT_AUTHORISER, "ian.inspector", "Ian Inspector")


def _at_risk(db: Session, cast: Cast, inspector: Principal, *, immediate: bool = True) -> DisclosureRequest:
    """A Right to Ask case triaged with (or without) an immediate risk, the inspector on its team."""
    case = make_request(db, cast.clerk)
    ready_for_checks(db, cast.clerk, case)
    if immediate:
        triage(db, cast.clerk, case, immediate_risk="yes", immediate_risk_action="Officers sent", rag="red")
    access.add_member(db, case, inspector.user_id)
    return case


def _values(case: DisclosureRequest, **overrides: Any) -> dict[str, Any]:
    at_risk = next(p for p in case.parties if p.role == "person_at_risk")
    return {
        "recipient": str(at_risk.id),
        "words": "He was convicted in 2019 of assaulting a former partner.",
        "reason": "He is at her address tonight and she means to let him stay.",
        **date_time_fields("said_at", utcnow() - timedelta(minutes=10)),
        "said_by": "PC Ana Example",
        "confidentiality_warning": "yes",
        **overrides,
    }


def _count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(UrgentDisclosure)) or 0


def test_only_an_officer_with_the_authority_may_disclose_before_the_panel(
    db: Session, cast: Cast, inspector: Principal
) -> None:
    case = _at_risk(db, cast, inspector)
    with pytest.raises(PermissionDenied, match="urgent disclosure authority"):
        urgent.authorise(db, cast.clerk, case.id, _values(case))
    assert _count(db) == 0, "a refusal writes nothing"
    made = urgent.authorise(db, inspector, case.id, _values(case))
    assert (made.recipient_name, made.capacity, made.ratification) == (
        "PersonAtRisk Example",
        "person_at_risk",
        "",
    )
    assert urgent.awaiting(db, case.id) == [made]


def test_without_an_immediate_risk_nothing_is_disclosed_before_the_panel(
    db: Session, cast: Cast, inspector: Principal
) -> None:
    case = _at_risk(db, cast, inspector, immediate=False)
    with pytest.raises(InvalidTransition, match="unless the triage records an immediate risk"):
        urgent.authorise(db, inspector, case.id, _values(case))
    triage(db, cast.clerk, case, immediate_risk="no", rag="green")
    with pytest.raises(InvalidTransition):
        urgent.authorise(db, inspector, case.id, _values(case))
    assert _count(db) == 0


def test_each_answer_is_checked_at_its_field(db: Session, cast: Cast, inspector: Principal) -> None:
    case = _at_risk(db, cast, inspector)
    subject = next(p for p in case.parties if p.role == "subject")
    with pytest.raises(FormInvalid) as refused:
        urgent.authorise(
            db,
            inspector,
            case.id,
            _values(
                case,
                recipient=str(subject.id),
                words="",
                confidentiality_warning="no",
                **date_time_fields("said_at", utcnow() + timedelta(hours=2)),
            ),
        )
    assert refused.value.errors == {
        "recipient": "Select someone on the case",
        "words": "Enter what was said, in the words used",
        "said_at": "When it was said must be now or in the past",
        "confidentiality_warning": "Give the confidentiality warning with the disclosure: misuse may lead to "
        "action",
    }
    assert _count(db) == 0


def test_the_panel_must_ratify_it_and_signing_records_the_answer(
    db: Session, cast: Cast, inspector: Principal, panel: Panel
) -> None:
    case = panel.case
    # The triage at first contact recorded an immediate risk (set directly: the case is already at panel).
    case.immediate_risk, case.immediate_risk_action = True, "Officers attended; she is at a refuge"
    access.add_member(db, case, inspector.user_id)
    made = urgent.authorise(db, inspector, case.id, _values(case))
    agencies = service.quorum(db, panel.item).agencies
    values = no_disclosure_values(db, agencies)
    with pytest.raises(FormInvalid) as refused:
        service.record_decision(db, cast.probation, panel.meeting.id, panel.item.id, values)
    assert refused.value.errors == {
        "urgent_ratification": "Say whether the panel ratifies the urgent disclosure made before it"
    }
    with pytest.raises(FormInvalid) as no_reason:
        service.record_decision(
            db,
            cast.probation,
            panel.meeting.id,
            panel.item.id,
            {**values, "urgent_ratification": "not_ratified"},
        )
    assert set(no_reason.value.errors) == {"urgent_ratification_notes"}
    decision = service.record_decision(
        db, cast.probation, panel.meeting.id, panel.item.id, {**values, "urgent_ratification": "ratified"}
    )
    assert decision.urgent_ratification == "ratified" and made.ratification == ""
    service.sign(db, cast.chair, panel.meeting.id, panel.item.id, {})
    db.refresh(made)
    assert (made.ratification, made.ratified_decision_id) == ("ratified", decision.id)
    assert made.ratified_at is not None and urgent.awaiting(db, case.id) == []
    with pytest.raises(InvalidTransition, match="panel has decided"):
        urgent.authorise(db, inspector, case.id, _values(case))


def test_a_decision_drafted_before_the_urgent_disclosure_cannot_be_signed_until_it_answers(
    db: Session, cast: Cast, inspector: Principal, panel: Panel
) -> None:
    case = panel.case
    agencies = service.quorum(db, panel.item).agencies
    service.record_decision(
        db, cast.probation, panel.meeting.id, panel.item.id, no_disclosure_values(db, agencies)
    )
    case.immediate_risk, case.immediate_risk_action = True, "Officers attended"
    access.add_member(db, case, inspector.user_id)
    urgent.authorise(db, inspector, case.id, _values(case))
    with pytest.raises(InvalidTransition, match="awaits ratification"):
        service.sign(db, cast.chair, panel.meeting.id, panel.item.id, {})


def test_the_case_page_offers_it_to_the_authoriser_and_shows_it_to_the_team(
    db: Session, client: PageClient, cast: Cast, inspector: Principal
) -> None:
    case = _at_risk(db, cast, inspector)
    sign_in_as(db, client, inspector)
    page = client.get(f"/requests/{case.id}")
    assert "Record an urgent disclosure" in page.text
    form = client.get(f"/requests/{case.id}/urgent-disclosure")
    assert "Officers sent" in form.text and 'value="Ian Inspector"' in form.text
    typed = _values(case, words="")
    refused = client.submit(f"/requests/{case.id}/urgent-disclosure", typed)
    assert refused.status_code == 400 and "Enter what was said" in refused.text
    assert "He is at her address tonight" in refused.text, "nothing typed is lost"
    saved = client.submit(f"/requests/{case.id}/urgent-disclosure", _values(case))
    assert saved.status_code == 303
    sign_in_as(db, client, cast.clerk)
    page = client.get(f"/requests/{case.id}")
    assert (
        "Awaiting the panel&#39;s ratification" in page.text
        and "Record an urgent disclosure" not in page.text
    )
    assert client.get(f"/requests/{case.id}/urgent-disclosure").status_code == 403


def test_the_api_records_and_lists_them(
    db: Session, client: PageClient, cast: Cast, inspector: Principal
) -> None:
    case = _at_risk(db, cast, inspector)
    admin = make_user(db, Role.ADMINISTRATOR, username="ada.urgent")
    token = accounts.issue_api_token(db, principal_for(admin.user), inspector.user_id, "control room")
    db.commit()
    client.headers["Authorization"] = f"Bearer {token}"
    at_risk = next(p for p in case.parties if p.role == "person_at_risk")
    body = {
        "recipient": str(at_risk.id),
        "words": "He has a conviction for violence against a former partner.",
        "reason": "He is on his way to her address.",
        "said_at": (utcnow() - timedelta(minutes=5)).isoformat(),
        "said_by": "PC Ana Example",
        "confidentiality_warning": True,
    }
    made = client.post(f"/api/v1/requests/{case.id}/urgent-disclosures", json=body)
    assert made.status_code == 201, made.text
    assert made.json()["ratification"] == "" and made.json()["capacity"] == "person_at_risk"
    listed = client.get(f"/api/v1/requests/{case.id}/urgent-disclosures")
    assert [u["words"] for u in listed.json()] == [body["words"]]
    refused = client.post(
        f"/api/v1/requests/{case.id}/urgent-disclosures", json={**body, "confidentiality_warning": False}
    )
    assert refused.status_code == 400 and set(refused.json()["errors"]) == {"confidentiality_warning"}
