"""Every letter the decision calls for in one step, each versioned and audited as when made alone; every
letter names its officer and how to reach the disclosure unit; and each person appears once among a
letter's recipients, whatever roles they hold on the case [issue 16]."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from disclosure.audit import AuditEvent
from disclosure.decisions.models import Decision
from disclosure.errors import InvalidTransition
from disclosure.letters import delivery, service
from disclosure.letters.context import signed_decision
from disclosure.letters.models import GeneratedLetter
from disclosure.letters.vocabulary import LetterKind
from disclosure.requests import access
from disclosure.requests.models import CaseParty, DisclosureRequest
from disclosure.storage import LocalFileStore
from tests.builders import sign_in_as
from tests.decisions.builders import person
from tests.decisions.conftest import Cast
from tests.letters.builders import disclosure_delivery
from tests.letters.conftest import UNIT_EMAIL, UNIT_PHONE, Decide, name_the_force
from tests.pages import PageClient

CONTACT = f"by telephone on {UNIT_PHONE} or by email at {UNIT_EMAIL}"
DECISION_LETTERS = {
    LetterKind.DISCLOSURE_RECORD,
    LetterKind.CONFIDENTIALITY_UNDERTAKING,
    LetterKind.SUBJECT_NOTIFICATION,
    LetterKind.THIRD_PARTY_OUTCOME,
}


def _text(db: Session, cast: Cast, store: LocalFileStore, letter: GeneratedLetter) -> str:
    _, pdf, _ = service.download(db, cast.officer, store, letter.request_id, letter.id, "pdf")
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


# ---------------------------------------------------------------- every letter in one step


def test_every_letter_the_decision_calls_for_is_made_in_one_step_each_versioned_and_audited(
    db: Session, cast: Cast, decided: Decide, store: LocalFileStore
) -> None:
    case = decided("disclose", route="right_to_ask", applicant_type="third_party", subject_told="yes")
    first = service.generate_all(db, cast.officer, store, case.id)
    assert {LetterKind(g.kind) for g in first.made} == DECISION_LETTERS and first.refused == []
    again = service.generate_all(db, cast.officer, store, case.id)
    assert {(LetterKind(g.kind), g.number) for g in again.made} == {(k, 2) for k in DECISION_LETTERS}
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "letters.generate")).all()
    made = [*first.made, *again.made]
    assert sorted(str(e.object_id) for e in events) == sorted(str(g.id) for g in made)
    by_letter = {e.object_id: e for e in events}
    for letter in made:
        event = by_letter[str(letter.id)]
        assert event.category == "disclosure"
        details = json.loads(event.details)
        assert details["pdf_sha256"] == letter.pdf_sha256 and details["docx_sha256"] == letter.docx_sha256
        assert (details["kind"], details["version"]) == (letter.kind, letter.number)
        assert _text(db, cast, store, letter)  # each is a real, readable PDF


def test_a_letter_that_cannot_be_sent_is_left_out_and_named(
    db: Session, cast: Cast, decided: Decide, store: LocalFileStore
) -> None:
    case = decided("disclose", route="right_to_ask", applicant_type="third_party", post=False)
    done = service.generate_all(db, cast.officer, store, case.id)
    assert {LetterKind(g.kind) for g in done.made} == {
        LetterKind.DISCLOSURE_RECORD,
        LetterKind.CONFIDENTIALITY_UNDERTAKING,
    }
    [(draft, why)] = done.refused
    assert draft.kind is LetterKind.THIRD_PARTY_OUTCOME and why == draft.blocked and why
    nothing = decided("no_disclosure", route="right_to_ask", applicant_type="third_party", post=False)
    access.add_member(db, nothing, cast.officer.user_id)
    with pytest.raises(InvalidTransition, match=r"^None of the letters can be sent: "):
        service.generate_all(db, cast.officer, store, nothing.id)


def test_partner_requests_follow_research_not_the_decision(
    db: Session, cast: Cast, store: LocalFileStore
) -> None:
    from disclosure.research import service as research
    from tests.research.builders import agency, case_in_research, subject_id

    case = case_in_research(db, cast.clerk, cast.researcher)
    asked = {"agency_id": str(agency(db).id), "asked": "Any contact?", "person_ids": [subject_id(case)]}
    research.send_partner_request(db, cast.researcher, case.id, asked)
    with pytest.raises(InvalidTransition, match="calls for no letters"):
        service.generate_all(db, cast.researcher, store, case.id)
    assert db.scalars(select(GeneratedLetter)).all() == []


def test_the_letters_page_makes_every_letter_with_one_button(
    db: Session, client: PageClient, cast: Cast, decided: Decide
) -> None:
    case = decided("disclose", subject_told="yes")
    sign_in_as(db, client, cast.officer)
    page = client.get(f"/requests/{case.id}/letters")
    assert "Generate every letter for the decision" in page.text
    assert "The panel's decision calls for 3 letters" in page.text
    made = client.submit(f"/requests/{case.id}/letters")
    assert made.status_code == 303 and made.headers["location"].endswith("/letters#generated")
    after = client.get(f"/requests/{case.id}/letters")
    assert "3 letters ready: Disclosure record and script (version 1)" in after.text
    kinds = {LetterKind(g.kind) for g in db.scalars(select(GeneratedLetter))}
    assert kinds == DECISION_LETTERS - {LetterKind.THIRD_PARTY_OUTCOME}


# ---------------------------------------------------------------- the officer and the unit's contact


def test_letters_name_the_officer_and_how_to_reach_the_unit(
    db: Session, cast: Cast, decided: Decide, store: LocalFileStore
) -> None:
    case = decided("disclose", route="right_to_ask", applicant_type="third_party", subject_told="yes")
    colleague = person(db, Role.DISCLOSING_OFFICER, "robin.officer", "Robin Colleague")
    access.add_member(db, case, colleague.user_id)
    made = {LetterKind(g.kind): g for g in service.generate_all(db, colleague, store, case.id).made}
    undertaking = _text(db, cast, store, made[LetterKind.CONFIDENTIALITY_UNDERTAKING])
    assert "Officer: Olly Officer" in undertaking and CONTACT in undertaking  # the assigned officer
    record = _text(db, cast, store, made[LetterKind.DISCLOSURE_RECORD])
    assert "Disclosing officer: Olly Officer" in record and CONTACT in record
    for kind in (LetterKind.THIRD_PARTY_OUTCOME, LetterKind.SUBJECT_NOTIFICATION):
        text = _text(db, cast, store, made[kind])
        # Signed by who made it: naming the disclosing officer would say a disclosure was decided.
        assert "Yours sincerely, Robin Colleague Testshire Police" in text and "Olly Officer" not in text
        assert f"please contact us {CONTACT} and quote the reference {case.reference}" in text


def test_a_letter_gives_only_the_ways_to_reach_the_unit_that_are_set(
    db: Session, cast: Cast, decided: Decide, store: LocalFileStore
) -> None:
    case = decided("no_disclosure", route="right_to_ask")
    access.add_member(db, case, cast.officer.user_id)
    name_the_force(db, phone="", email=UNIT_EMAIL)
    letter = service.generate(db, cast.officer, store, case.id, "non_disclosure")
    text = _text(db, cast, store, letter)
    assert f"please contact us by email at {UNIT_EMAIL} and quote" in text and "by telephone" not in text
    assert "Yours sincerely, Olly Officer Testshire Police" in text
    name_the_force(db, phone="", email="")
    text = _text(db, cast, store, service.generate(db, cast.officer, store, case.id, "non_disclosure"))
    assert f"please contact us and quote the reference {case.reference}" in text


# ---------------------------------------------------------------- each recipient once


def _same_person_in_both_roles(case: DisclosureRequest) -> CaseParty:
    """The applicant is the person at risk: one person, two roles on the case. The applicant's party."""
    at_risk = next(p for p in case.parties if p.role == "person_at_risk")
    applicant = next(p for p in case.parties if p.role == "applicant")
    applicant.person_id = at_risk.person_id
    return applicant


def test_a_person_listed_twice_by_an_earlier_decision_appears_once_on_its_letters(
    db: Session, cast: Cast, decided: Decide, store: LocalFileStore
) -> None:
    applicant: list[CaseParty] = []

    def list_them_twice(decision: Decision) -> None:
        """As a decision recorded before the form chose people rather than roles could hold them."""
        case = db.get(DisclosureRequest, decision.request_id)
        assert case is not None
        applicant.append(_same_person_in_both_roles(case))
        [told] = decision.recipients
        decision.recipients = [told, {**told, "party_id": str(applicant[0].id), "role": "applicant"}]

    case = decided("disclose", route="right_to_ask", before_sign=list_them_twice)
    decision = signed_decision(db, case)
    assert decision is not None and len(decision.recipients) == 2
    name = decision.recipients[0]["name"]
    _, drafts = service.available(db, cast.officer, case.id)
    undertaking = next(d for d in drafts if d.kind is LetterKind.CONFIDENTIALITY_UNDERTAKING)
    assert undertaking.addressee == (name,) and undertaking.context["decision"]["recipients"] == name
    record = service.generate(db, cast.officer, store, case.id, "disclosure_record")
    assert f"Confirm the identity of {name} again" in _text(db, cast, store, record)
    delivery.record_delivery(db, cast.officer, case.id, disclosure_delivery())
    delivered = db.scalar(select(AuditEvent).where(AuditEvent.action == "letters.delivery"))
    assert delivered is not None and delivered.recipients == name


def test_two_people_told_are_both_named(db: Session, cast: Cast, decided: Decide) -> None:
    def add_a_second(decision: Decision) -> None:
        case = db.get(DisclosureRequest, decision.request_id)
        assert case is not None
        applicant = next(p for p in case.parties if p.role == "applicant")
        [told] = decision.recipients
        other = {**told, "party_id": str(applicant.id), "name": "Jo Protector", "role": "applicant"}
        decision.recipients = [told, other]

    case = decided("disclose", route="right_to_ask", before_sign=add_a_second)
    name = signed_decision(db, case).recipients[0]["name"]  # type: ignore[union-attr]
    _, drafts = service.available(db, cast.officer, case.id)
    undertaking = next(d for d in drafts if d.kind is LetterKind.CONFIDENTIALITY_UNDERTAKING)
    assert undertaking.context["decision"]["recipients"] == f"{name} and Jo Protector"
