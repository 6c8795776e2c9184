"""Proactive (police-initiated) Sarah's Law [CSODS-2023] [issue 15, Sarah's Law §4]: no applicant, the
information that prompted it, the subject, the child and the parent, carer or guardian the police mean to
tell; no identity meeting; the Sarah's Law clock without a meeting deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.errors import FormInvalid, InvalidTransition
from disclosure.requests import deadlines, parties, service
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.vocabulary import PartyRole
from disclosure.requests.workflow import RequestStatus
from tests.builders import sign_in_as
from tests.pages import PageClient
from tests.requests.builders import add, contact_fields, make_request, meeting_fields, ready_for_checks

PROACTIVE = "csods_proactive"


def test_a_proactive_case_has_no_applicant_and_needs_what_prompted_it(db: Session, clerk: Principal) -> None:
    with pytest.raises(FormInvalid) as refused:
        make_request(db, clerk, route=PROACTIVE, applicant_type="parent_or_carer", information_received="")
    assert refused.value.errors == {
        "information_received": "Enter the information that suggests a risk to the child",
    }
    assert db.scalar(select(func.count()).select_from(DisclosureRequest)) == 0, "a refusal writes nothing"
    # The linked-case box is not asked on a police-initiated route: one ticked under another route is ignored.
    unlinked = make_request(db, clerk, route=PROACTIVE, open_linked_case="yes")
    assert unlinked.linked_request_id is None
    case = make_request(db, clerk, route=PROACTIVE)
    assert case.scheme == "csods" and case.reference.startswith("CSODS-") and case.applicant_type is None
    assert case.clock_policy_code == "csods-2023"
    policy = deadlines.policies(db)[case.clock_policy_code]
    views = deadlines.deadlines(case, policy, deadlines.calendar_for(db))
    assert {v.key for v in views} == {"initial_checks", "completion"}, "no meeting deadline"


def test_the_people_are_the_subject_the_child_and_the_person_to_tell(db: Session, clerk: Principal) -> None:
    case = make_request(db, clerk, route=PROACTIVE)
    assert parties.required_roles(case) == [
        PartyRole.SUBJECT,
        PartyRole.CHILD,
        PartyRole.BEST_PLACED_TO_PROTECT,
    ]
    with pytest.raises(FormInvalid) as refused:
        add(db, clerk, case, PartyRole.APPLICANT)
    assert refused.value.errors["role"] == "Select a role for a Sarah's Law proactive disclosure case"
    mother = add(db, clerk, case, PartyRole.BEST_PLACED_TO_PROTECT, relationship_to_child="parent")
    [party] = case.parties
    assert party.person_id == mother.id and party.relationship_to_child == "parent"
    with pytest.raises(InvalidTransition) as early:
        service.complete_initial_checks(db, clerk, case.id)
    assert "Add the subject" in str(early.value) and "Add the child" in str(early.value)


def test_there_is_no_identity_meeting_and_research_starts_after_the_checks(
    db: Session, clerk: Principal
) -> None:
    case = make_request(db, clerk, route=PROACTIVE)
    ready_for_checks(db, clerk, case)
    service.complete_initial_checks(db, clerk, case.id)
    with pytest.raises(InvalidTransition, match="has no applicant and no identity meeting"):
        service.verify_identity(db, clerk, case.id, meeting_fields(utcnow(), ["passport"]))
    service.start_research(db, clerk, case.id)
    assert case.status == RequestStatus.IN_RESEARCH
    assert service.disclosure_barred(case) is None, "no applicant's identity to verify"


def test_the_intake_page_offers_the_route(db: Session, client: PageClient, clerk: Principal) -> None:
    sign_in_as(db, client, clerk)
    form = client.get("/requests/new")
    assert "Sarah&#39;s Law (CSODS): proactive disclosure (police-initiated)" in form.text
    logged = client.submit(
        "/requests/new",
        {
            "route": PROACTIVE,
            **contact_fields(utcnow() - timedelta(hours=1)),
            "channel": "partner_referral",
            "receiving_force": "Testshire Police",
            "information_received": "ViSOR: the subject is living with a mother and her two children.",
            "alleged_crime": "no",
        },
    )
    assert logged.status_code == 303, logged.text
    page = client.get(logged.headers["location"])
    assert "Sarah&#39;s Law proactive disclosure" in page.text
    assert "Add person best placed to protect" in page.text and "Add applicant" not in page.text
