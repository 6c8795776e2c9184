"""Potential escalation at triage [SafeLives][MARAC-criteria] [issue 15]: 3 or more incidents in 12 months
(the case's clock policy's numbers) raises the flag and needs a MARAC referral; the incidents are kept."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from disclosure.accounts import service as accounts
from disclosure.accounts.roles import Role
from disclosure.auth import Principal
from disclosure.clocks import months_before, uk_today
from disclosure.errors import FormInvalid
from disclosure.requests import queue, service
from tests.builders import make_session, make_user, principal_for
from tests.pages import PageClient
from tests.requests.builders import make_request, triage


def _rows(*days: date) -> dict[str, str]:
    values: dict[str, str] = {}
    for n, day in enumerate(days):
        values |= {f"incident-{n}-date": day.isoformat(), f"incident-{n}-summary": f"Incident {n + 1}"}
    return values


def _ago(days: int) -> date:
    return uk_today() - timedelta(days=days)


def test_three_incidents_in_twelve_months_need_a_marac_referral(db: Session, clerk: Principal) -> None:
    case = make_request(db, clerk)
    incidents = _rows(_ago(10), _ago(100), _ago(300))
    with pytest.raises(FormInvalid) as refused:
        triage(db, clerk, case, rag="amber", **incidents)
    assert "3 incidents in 12 months is potential escalation" in refused.value.errors["marac_referral"]
    assert not case.incidents and not case.potential_escalation  # a refused triage writes nothing
    triage(db, clerk, case, rag="amber", marac_referral="yes", **incidents)
    assert case.potential_escalation
    assert [i.occurred_on for i in case.incidents] == [_ago(10), _ago(100), _ago(300)]
    assert any("Potential escalation" in f for f in queue.flags(db, case))


def test_two_incidents_or_an_old_one_are_not_escalation(db: Session, clerk: Principal) -> None:
    case = make_request(db, clerk)
    triage(db, clerk, case, rag="amber", **_rows(_ago(10), _ago(100)))
    assert not case.potential_escalation
    old = months_before(uk_today(), 12) - timedelta(days=1)
    triage(db, clerk, case, rag="amber", **_rows(_ago(10), _ago(100), old))
    assert not case.potential_escalation and len(case.incidents) == 3
    edge = months_before(uk_today(), 12)
    triage(db, clerk, case, rag="amber", marac_referral="yes", **_rows(_ago(10), _ago(100), edge))
    assert case.potential_escalation


def test_the_threshold_is_the_cases_policy(db: Session, clerk: Principal) -> None:
    case = make_request(db, clerk)
    policy = service.policy_of(db, case)
    policy.escalation_incidents, policy.escalation_months = 2, 1
    with pytest.raises(FormInvalid) as refused:
        triage(db, clerk, case, rag="amber", **_rows(_ago(3), _ago(20), _ago(200)))
    assert "2 incidents in 1 months" in refused.value.errors["marac_referral"]


def test_seeded_thresholds_are_three_in_twelve_months(db: Session, clerk: Principal) -> None:
    for route in ("right_to_ask", "right_to_know", "csods_application"):
        case = make_request(db, clerk, route=route)
        policy = service.policy_of(db, case)
        assert (policy.escalation_incidents, policy.escalation_months) == (3, 12)


def test_incident_rows_are_checked_at_their_fields_and_a_cleared_row_is_removed(
    db: Session, clerk: Principal
) -> None:
    case = make_request(db, clerk)
    with pytest.raises(FormInvalid) as refused:
        triage(
            db,
            clerk,
            case,
            rag="amber",
            **{
                "incident-0-date": (uk_today() + timedelta(days=1)).isoformat(),
                "incident-0-summary": "Tomorrow",
                "incident-1-reference": "CAD 123",
                "incident-2-date-day": "31",
                "incident-2-date-month": "2",
                "incident-2-date-year": "2025",
                "incident-2-summary": "Not a day",
            },
        )
    errors = refused.value.errors
    assert errors["incident-0-date"] == "Date of incident 1 must be today or in the past"
    assert errors["incident-1-date"] == "Enter the date of incident 2"
    assert errors["incident-1-summary"] == "Enter what happened in incident 2"
    assert errors["incident-2-date"] == "Date of incident 3 must be a real date"
    triage(db, clerk, case, rag="amber", **_rows(_ago(5), _ago(50)))
    first = {i.summary: i.id for i in case.incidents}
    triage(
        db,
        clerk,
        case,
        rag="amber",
        **{"incident-1-date": _ago(5).isoformat(), "incident-1-summary": "Incident 1"},
    )
    assert [(i.id, i.summary) for i in case.incidents] == [(first["Incident 1"], "Incident 1")]


def test_the_triage_page_shows_the_rows_keeps_them_on_error_and_flags_the_case(
    db: Session, client: PageClient
) -> None:
    user = make_user(db, Role.DATA_ADMINISTRATOR)
    case = make_request(db, principal_for(user.user))
    db.commit()
    client.sign_in_as(make_session(db, user.user))
    form = client.get(f"/requests/{case.id}/triage")
    assert "3 or more in 12 months is potential escalation" in form.text
    assert form.text.count("What happened in incident") == 4  # the threshold and one spare
    day = _ago(30)
    values = {
        "immediate_risk": "no",
        "dash_done": "no",
        "rag": "amber",
        "version": str(case.version),
        **{
            f"incident-{n}-{part}": value
            for n in range(3)
            for part, value in (
                ("date-day", str(day.day)),
                ("date-month", str(day.month)),
                ("date-year", str(day.year)),
                ("summary", f"Assault number {n + 1}"),
            )
        },
    }
    refused = client.submit(f"/requests/{case.id}/triage", values)
    assert refused.status_code == 400 and "potential escalation: it needs a MARAC referral" in refused.text
    assert 'value="Assault number 3"' in refused.text and refused.text.count("What happened in incident") == 4
    saved = client.submit(f"/requests/{case.id}/triage", {**values, "marac_referral": "yes"})
    assert saved.status_code == 303
    page = client.get(f"/requests/{case.id}")
    assert "Potential escalation: 3 or more incidents in 12 months" in page.text
    assert "Assault number 2" in page.text
    again = client.get(f"/requests/{case.id}/triage")
    assert 'value="Assault number 1"' in again.text and again.text.count("What happened in incident") == 4


def test_the_api_takes_the_incidents_and_answers_with_them(db: Session, client: PageClient) -> None:
    clerk = make_user(db, Role.DATA_ADMINISTRATOR)
    admin = make_user(db, Role.ADMINISTRATOR)
    case = make_request(db, principal_for(clerk.user))
    token = accounts.issue_api_token(db, principal_for(admin.user), clerk.user.id, "integration")
    db.commit()
    client.headers["Authorization"] = f"Bearer {token}"
    body = {
        "immediate_risk": False,
        "rag": "amber",
        "incidents": [
            {"occurred_on": _ago(n * 20).isoformat(), "summary": f"Call-out {n}", "reference": f"CAD {n}"}
            for n in (1, 2, 3)
        ],
    }
    refused = client.post(f"/api/v1/requests/{case.id}/triage", json=body)
    assert refused.status_code == 400 and "marac_referral" in refused.json()["errors"]
    saved = client.post(f"/api/v1/requests/{case.id}/triage", json={**body, "marac_referral": True})
    assert saved.status_code == 201, saved.text
    answer = saved.json()
    assert answer["potential_escalation"] is True
    assert [i["reference"] for i in answer["incidents"]] == ["CAD 1", "CAD 2", "CAD 3"]
    bad = client.post(
        f"/api/v1/requests/{case.id}/triage",
        json={
            **body,
            "incidents": [{"occurred_on": (uk_today() + timedelta(days=2)).isoformat(), "summary": "x"}],
        },
    )
    assert bad.status_code == 400 and "incident-0-date" in bad.json()["errors"]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 3, 31), 1, date(2027, 2, 28)),
        (date(2028, 3, 31), 1, date(2028, 2, 29)),
        (date(2027, 1, 15), 12, date(2026, 1, 15)),
        (date(2027, 1, 31), 2, date(2026, 11, 30)),
    ],
)
def test_a_window_of_months_ends_on_the_same_day_or_the_shorter_months_last(
    day: date, months: int, expected: date
) -> None:
    assert months_before(day, months) == expected
