"""The subject's offending and management on a Sarah's Law case [issue 15, Sarah's Law §3]: convictions with
dates and whether a child sexual offence and spent, registration and MAPPA, the risk to the child; the
presumption to disclose they make [WYP-CSODS]; the package cannot go to the panel without them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.auth import Principal
from disclosure.clocks import uk_today
from disclosure.db import utcnow
from disclosure.errors import FormInvalid, InvalidTransition
from disclosure.requests.vocabulary import PartyRole
from disclosure.research import service
from disclosure.research.models import SubjectConviction
from disclosure.research.pack import panel_pack_html
from disclosure.research.service import offending
from disclosure.research.snapshot import build_snapshot
from tests.builders import sign_in_as
from tests.pages import PageClient
from tests.research.builders import (
    case_in_research,
    conviction_row,
    do_required_checks,
    evidence_values,
    offending_values,
    summary_values,
)

CSODS = "csods_application"


def _record(db: Session, researcher: Principal, case: Any, values: dict[str, Any]) -> None:
    version = service.package_for(db, case).version
    offending.record_offending(db, researcher, case.id, {**values, "version": str(version)})


def _errors(db: Session, researcher: Principal, case: Any, values: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(FormInvalid) as refused:
        _record(db, researcher, case, values)
    return refused.value.errors


def test_convictions_registration_and_mappa_are_kept_and_make_the_presumption(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher, route=CSODS)
    values = offending_values(
        conviction_row("Indecent exposure", "2009-02-03", child_sexual=False, spent=True),
        conviction_row("Sexual assault of a child under 13", "2015-06-01"),
        subject_registered="yes",
        registered_since="2015-06-01",
        mappa_category="1",
        mappa_level="2",
        mappa_lead="probation",
        offender_manager="Olu Okafor, Probation, 01234 567890",
        poses_risk="yes",
        risk_to_child="He has moved in with the child's mother.",
    )
    _record(db, researcher, case, values)
    package = service.package_for(db, case)
    found = offending.offending(db, case, package)
    assert [c.offence for c in found.convictions] == [
        "Sexual assault of a child under 13",
        "Indecent exposure",
    ]
    assert [(c.child_sexual_offence, c.spent) for c in found.convictions] == [(True, False), (False, True)]
    assert {c.person_id for c in found.convictions} == {case.parties_in(PartyRole.SUBJECT)[0].person_id}
    assert found.presumption
    assert (package.mappa_category, package.mappa_level, package.mappa_lead) == ("1", "2", "probation")
    frozen = offending.snapshot(db, case, package)
    assert frozen is not None and frozen["presumption"] and frozen["registered"] is True
    assert frozen["mappa"]["category"] == "Category 1: registered sexual offender"


@pytest.mark.parametrize(
    ("changes", "presumption"),
    [
        ({}, True),
        ({"poses_risk": "no"}, False),
        ({"poses_risk": "not_assessed", "risk_to_child": ""}, False),
        ({"child_sexual": False}, False),
    ],
)
def test_the_presumption_needs_a_child_sexual_offence_conviction_and_a_risk(
    db: Session, clerk: Principal, researcher: Principal, changes: dict[str, Any], presumption: bool
) -> None:
    case = case_in_research(db, clerk, researcher, route=CSODS)
    child_sexual = changes.pop("child_sexual", True)
    values = offending_values(
        conviction_row(child_sexual=child_sexual),
        poses_risk="yes",
        risk_to_child="Unsupervised contact with the child at weekends.",
    )
    _record(db, researcher, case, {**values, **changes})
    assert offending.offending(db, case, service.package_for(db, case)).presumption is presumption


def test_each_rule_is_checked_at_its_field(db: Session, clerk: Principal, researcher: Principal) -> None:
    case = case_in_research(db, clerk, researcher, route=CSODS)
    tomorrow = (uk_today() + timedelta(days=1)).isoformat()
    errors = _errors(
        db,
        researcher,
        case,
        {
            "subject_registered": "yes",
            "mappa_category": "2",
            "poses_risk": "yes",
            "conviction-0-date": tomorrow,
            "conviction-1-offence": "Grooming",
            "conviction-1-date-day": "30",
            "conviction-1-date-month": "2",
            "conviction-1-date-year": "2020",
        },
    )
    assert errors == {
        "mappa_category": "A registered sex offender is managed under MAPPA category 1",
        "mappa_level": "Select the MAPPA level the subject is managed at",
        "mappa_lead": "Select the agency leading the subject's MAPPA management",
        "risk_to_child": "Say why the subject does or does not pose a risk to the child",
        "conviction-0-offence": "Enter the offence for conviction 1",
        "conviction-0-date": "Date of conviction 1 must be today or in the past",
        "conviction-1-date": "Date of conviction 2 must be a real date",
    }
    assert db.scalar(select(func.count()).select_from(SubjectConviction)) == 0, "a refusal writes nothing"
    assert service.package_for(db, case).offending_recorded_at is None
    not_registered = _errors(db, researcher, case, offending_values(mappa_category="1", mappa_level="1"))
    assert "Category 1 is registered sexual offenders" in not_registered["mappa_category"]
    no_answer = _errors(db, researcher, case, {"poses_risk": "maybe"})
    assert set(no_answer) == {"subject_registered", "poses_risk"}


def test_a_cleared_row_removes_the_conviction_and_kept_ones_keep_their_record(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher, route=CSODS)
    first, second = conviction_row("Grooming", "2012-01-05"), conviction_row("Voyeurism", "2018-03-04")
    _record(db, researcher, case, offending_values(first, second))
    kept = {c.offence: c.id for c in offending.convictions(db, case.id)}
    _record(db, researcher, case, offending_values(first))
    assert [(c.id, c.offence) for c in offending.convictions(db, case.id)] == [(kept["Grooming"], "Grooming")]


def test_only_sarahs_law_cases_record_it_and_a_sarahs_law_package_needs_it(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    dvds = case_in_research(db, clerk, researcher)
    with pytest.raises(InvalidTransition, match="Sarah's Law cases"):
        _record(db, researcher, dvds, offending_values())
    assert "offending" not in service.submission_problems(db, dvds, service.package_for(db, dvds))
    case = case_in_research(db, clerk, researcher, route=CSODS)
    do_required_checks(db, researcher, case)
    service.record_evidence(db, researcher, case.id, evidence_values(case))
    service.update_summary(db, researcher, case.id, summary_values(service.package_for(db, case).version))
    problems = service.submission_problems(db, case, service.package_for(db, case))
    assert problems["offending"] == "Record the subject's convictions, registration and MAPPA management"
    _record(db, researcher, case, offending_values())
    assert "offending" not in service.submission_problems(db, case, service.package_for(db, case))


def test_the_panel_pack_has_the_offending_section_with_the_presumption(
    db: Session, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher, route=CSODS)
    _record(
        db,
        researcher,
        case,
        offending_values(conviction_row(), poses_risk="yes", risk_to_child="Lives with the child."),
    )
    package = service.package_for(db, case)
    snapshot = build_snapshot(db, case, package, number=1, submitted_by=researcher, submitted_at=utcnow())
    html = panel_pack_html(snapshot, force_name="Testshire Police")
    assert "2. The subject's offending and management" in html and "3. Research summary" in html
    assert "The presumption to disclose applies" in html and "Sexual assault of a child under 13" in html


def test_the_page_keeps_what_was_typed_and_saves_it(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher, route=CSODS)
    sign_in_as(db, client, researcher)
    url = f"/requests/{case.id}/research/offending"
    form = client.get(url)
    assert form.text.count("Offence for conviction") == 2  # spare rows
    typed = {
        "conviction-0-offence": "Sexual activity with a child",
        "conviction-0-date-day": "4",
        "conviction-0-date-month": "5",
        "conviction-0-date-year": "2016",
        "conviction-0-child_sexual": "yes",
        "subject_registered": "yes",
        "mappa_category": "1",
        "poses_risk": "yes",
        "risk_to_child": "Babysits for the family.",
        "version": str(service.package_for(db, case).version),
    }
    refused = client.submit(url, typed)
    assert refused.status_code == 400 and "Select the MAPPA level" in refused.text
    assert (
        'value="Sexual activity with a child"' in refused.text
        and refused.text.count("Offence for conviction") == 3
    )
    saved = client.submit(url, {**typed, "mappa_level": "1", "mappa_lead": "police"})
    assert saved.status_code == 303
    research = client.get(f"/requests/{case.id}/research")
    assert (
        "The presumption to disclose applies" in research.text
        and "Sexual activity with a child" in research.text
    )
    again = client.get(url)
    assert (
        'value="Sexual activity with a child"' in again.text
        and again.text.count("Offence for conviction") == 3
    )


def test_the_api_records_it_and_answers_with_it(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal
) -> None:
    from disclosure.accounts import service as accounts
    from disclosure.accounts.roles import Role
    from tests.builders import make_user, principal_for

    case = case_in_research(db, clerk, researcher, route=CSODS)
    admin = make_user(db, Role.ADMINISTRATOR, username="ada.api")
    token = accounts.issue_api_token(db, principal_for(admin.user), researcher.user_id, "records system")
    db.commit()
    client.headers["Authorization"] = f"Bearer {token}"
    body = {
        "subject_registered": True,
        "mappa_category": "1",
        "mappa_level": "3",
        "mappa_lead": "police",
        "poses_risk": True,
        "risk_to_child": "Contact with the child at the address.",
        "convictions": [
            {
                "offence": "Rape of a child under 13",
                "convicted_on": "2011-09-09",
                "child_sexual_offence": True,
                "spent": False,
            }
        ],
    }
    saved = client.post(f"/api/v1/requests/{case.id}/research/offending", json=body)
    assert saved.status_code == 201, saved.text
    assert saved.json()["offending"]["presumption"] is True
    assert saved.json()["offending"]["convictions"][0]["offence"] == "Rape of a child under 13"
    refused = client.post(f"/api/v1/requests/{case.id}/research/offending", json={**body, "mappa_lead": ""})
    assert refused.status_code == 400 and set(refused.json()["errors"]) == {"mappa_lead"}
