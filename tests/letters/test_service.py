"""Letters: which a case offers, what they say, every version kept with its SHA-256, downloads audited, and
the delivery record that completes the request [issue 6]."""

from __future__ import annotations

import hashlib
import io

import pytest
from docx import Document
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.audit import AuditEvent
from disclosure.documents import CLASSIFICATION, letter_html
from disclosure.errors import Conflict, FormInvalid, InvalidTransition, NotFound
from disclosure.letters import delivery, service
from disclosure.letters.vocabulary import LetterKind
from disclosure.requests.workflow import RequestStatus
from disclosure.storage import LocalFileStore
from tests.decisions.conftest import Cast
from tests.letters.builders import disclosure_delivery, when
from tests.letters.conftest import Decide


def _kinds(db: Session, cast: Cast, case: object) -> set[LetterKind]:
    _, drafts = service.available(db, cast.researcher, case.id)  # type: ignore[attr-defined]
    return {d.kind for d in drafts}


def _pdf_text(data: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]


def test_a_disclosure_offers_the_record_the_undertaking_and_the_partner_letters(
    db: Session, cast: Cast, decided: Decide
) -> None:
    case = decided("disclose")
    assert _kinds(db, cast, case) == {LetterKind.DISCLOSURE_RECORD, LetterKind.CONFIDENTIALITY_UNDERTAKING}
    told = decided("disclose", subject_told="yes")
    assert LetterKind.SUBJECT_NOTIFICATION in _kinds(db, cast, told)


def test_no_disclosure_offers_the_outcome_letter_only_where_there_is_an_applicant(
    db: Session, cast: Cast, decided: Decide
) -> None:
    assert _kinds(db, cast, decided("no_disclosure")) == set()
    case = decided("no_disclosure", route="right_to_ask")
    assert _kinds(db, cast, case) == {LetterKind.NON_DISCLOSURE}


def test_a_third_party_letter_never_says_what_was_disclosed(
    db: Session, cast: Cast, decided: Decide, store: LocalFileStore
) -> None:
    case = decided("disclose", route="right_to_ask", applicant_type="third_party")
    assert LetterKind.THIRD_PARTY_OUTCOME in _kinds(db, cast, case)
    letter = service.generate(db, cast.officer, store, case.id, "third_party_outcome")
    _, pdf, _ = service.download(db, cast.officer, store, case.id, letter.id, "pdf")
    text = " ".join(_pdf_text(pdf))
    assert "We cannot tell you what that action was" in text
    assert "convicted" not in text and "assaulting" not in text


def test_generating_keeps_every_version_with_its_hashes_and_audits_it(
    db: Session, cast: Cast, decided: Decide, store: LocalFileStore
) -> None:
    case = decided("disclose")
    first = service.generate(db, cast.officer, store, case.id, "disclosure_record")
    second = service.generate(db, cast.officer, store, case.id, "disclosure_record")
    assert (first.number, second.number) == (1, 2)
    name, pdf, content_type = service.download(db, cast.officer, store, case.id, first.id, "pdf")
    assert content_type == "application/pdf" and hashlib.sha256(pdf).hexdigest() == first.pdf_sha256
    assert name == f"{case.reference}-disclosure-record-v1.pdf"
    pages = _pdf_text(pdf)
    assert all(page.count(CLASSIFICATION) == 2 for page in pages)
    whole = " ".join(pages)
    assert case.reference in whole and "In 2019 he was convicted of assaulting a former partner." in whole
    assert "Not to be left with the recipient" in whole
    assert "{{" not in whole and "{%" not in whole
    _, docx, _ = service.download(db, cast.officer, store, case.id, second.id, "docx")
    word = Document(io.BytesIO(docx))
    body = "\n".join(p.text for p in word.paragraphs)
    assert case.reference in body and "{{" not in body
    assert word.sections[0].header.paragraphs[0].text == f"\t{CLASSIFICATION}\t{case.reference}"
    events = dict(
        db.execute(
            select(AuditEvent.action, func.count())
            .where(AuditEvent.action.like("letters.%"))
            .group_by(AuditEvent.action)
        ).all()
    )
    assert events == {"letters.generate": 2, "letters.download": 2}
    generated = db.scalar(select(AuditEvent).where(AuditEvent.action == "letters.generate"))
    assert generated is not None and generated.category == "disclosure"


def test_a_letter_not_available_now_is_not_found(
    db: Session, cast: Cast, decided: Decide, store: LocalFileStore
) -> None:
    case = decided("no_disclosure")
    with pytest.raises(NotFound, match="not available"):
        service.generate(db, cast.researcher, store, case.id, "disclosure_record")
    with pytest.raises(NotFound, match="no such letter"):
        service.generate(db, cast.researcher, store, case.id, "ransom_note")


def test_hostile_values_render_as_text(
    db: Session, cast: Cast, decided: Decide, store: LocalFileStore
) -> None:
    hostile = "<img src=x onerror=alert(1)> {{ config }} {% for x in range(9) %}\x00\x07" + "long " * 2000
    case = decided("disclose", wording=hostile, safety_plan=hostile)
    _, _, head, blocks = service.preview(db, cast.officer, case.id, "disclosure_record")
    html = letter_html(head, blocks)
    assert "<img" not in html and "&lt;img src=x" in html and "{{ config }}" in html and "\x00" not in html
    letter = service.generate(db, cast.officer, store, case.id, "disclosure_record")
    _, pdf, _ = service.download(db, cast.officer, store, case.id, letter.id, "pdf")
    pages = _pdf_text(pdf)
    assert len(pages) > 1 and all(p.count(CLASSIFICATION) == 2 for p in pages)
    assert "{{ config }}" in " ".join(pages)


def test_a_partner_agency_letter_for_each_request(db: Session, cast: Cast, store: LocalFileStore) -> None:
    from disclosure.research import service as research
    from tests.research.builders import agency, case_in_research, subject_id

    case = case_in_research(db, cast.clerk, cast.researcher)
    research.send_partner_request(
        db,
        cast.researcher,
        case.id,
        {
            "agency_id": str(agency(db).id),
            "asked": "Any supervision since 2020?",
            "person_ids": [subject_id(case)],
        },
    )
    _, drafts = service.available(db, cast.researcher, case.id)
    [draft] = drafts
    assert (
        draft.kind is LetterKind.PARTNER_REQUEST
        and draft.title == "Request for information: Probation Service"
    )
    letter = service.generate(db, cast.researcher, store, case.id, "partner_request", draft.target_id)
    _, pdf, _ = service.download(db, cast.researcher, store, case.id, letter.id, "pdf")
    text = " ".join(_pdf_text(pdf))
    assert "Any supervision since 2020?" in text and "Please reply by" in text


# ---------------------------------------------------------------- delivery


def test_a_delivery_completes_the_clock_once(db: Session, cast: Cast, decided: Decide) -> None:
    case = decided("disclose")
    recorded = delivery.record_delivery(db, cast.officer, case.id, disclosure_delivery())
    db.refresh(case)
    assert case.status == RequestStatus.OUTCOME_DELIVERED.value and case.completed_at is not None
    assert recorded.officer_id == cast.officer.user_id and recorded.disclosure
    with pytest.raises(Conflict):
        delivery.record_delivery(db, cast.officer, case.id, disclosure_delivery())
    from disclosure.requests import service as requests_service

    requests_service.close_request(db, cast.researcher, case.id)
    db.refresh(case)
    assert case.status == RequestStatus.CLOSED.value


def test_no_delivery_before_a_signed_decision(db: Session, cast: Cast) -> None:
    from tests.decisions.builders import submitted_case

    case = submitted_case(db, cast.clerk, cast.researcher, cast.reviewer)
    with pytest.raises(InvalidTransition, match="signed off"):
        delivery.record_delivery(db, cast.researcher, case.id, disclosure_delivery())


def test_a_disclosure_is_in_person_with_identity_and_warning(
    db: Session, cast: Cast, decided: Decide
) -> None:
    case = decided("disclose")
    values = disclosure_delivery(
        method="telephone",
        identity_reconfirmed="no",
        warning_given="no",
        acknowledgement="signed",
        support="",
        subject_told="yes",
    )
    with pytest.raises(FormInvalid) as refused:
        delivery.record_delivery(db, cast.officer, case.id, values)
    assert refused.value.errors == {
        "method": "A disclosure is made in person only, never by telephone: meet the recipient to tell them",
        "identity_reconfirmed": "Nothing is disclosed until the recipient's identity is re-confirmed",
        "warning_given": "The confidentiality warning must be given with every disclosure",
        "support": "Enter the support services signposted",
        "undertaking_letter_id": "Select the undertaking that was signed (generate it first)",
        "subject_told_difference": "Enter why this differs from the panel's decision to not tell the subject",
        "chair_agreed_difference": "Select yes if the chair agreed to the difference",
        "subject_told_at": "Enter the date the subject was told",
    }


def test_a_signed_undertaking_is_linked(
    db: Session, cast: Cast, decided: Decide, store: LocalFileStore
) -> None:
    case = decided("disclose")
    undertaking = service.generate(db, cast.officer, store, case.id, "confidentiality_undertaking")
    values = disclosure_delivery(acknowledgement="signed", undertaking_letter_id=str(undertaking.id))
    assert delivery.record_delivery(db, cast.officer, case.id, values).undertaking_letter_id == undertaking.id


def test_an_outcome_letter_by_post_completes_a_no_disclosure(
    db: Session, cast: Cast, decided: Decide
) -> None:
    case = decided("no_disclosure", route="right_to_ask")
    recorded = delivery.record_delivery(db, cast.clerk, case.id, {"method": "letter", **when()})
    db.refresh(case)
    assert not recorded.disclosure and case.status == RequestStatus.OUTCOME_DELIVERED.value


@pytest.mark.parametrize("kind", list(LetterKind))
def test_every_letter_renders_from_sample_data_with_nothing_left_unrendered(kind: LetterKind) -> None:
    from disclosure.letters.render import compose
    from disclosure.letters.samples import sample_draft

    head, blocks = compose(sample_draft(kind))
    html = letter_html(head, blocks)
    assert "{{" not in html and "{%" not in html and "DVDS-2026-000123" in html
    assert blocks, kind


HOSTILE = "<b>x</b> {{ 7*7 }} {% if 1 %}y{% endif %} \x00\x1b[31m\u202e # heading? " + "very long text " * 40


def _poisoned(value: object) -> object:
    if isinstance(value, dict):
        return {k: _poisoned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_poisoned(v) for v in value]
    return HOSTILE if isinstance(value, str) else value


@pytest.mark.parametrize("kind", list(LetterKind))
def test_hostile_text_in_every_field_renders_safely_in_every_letter(kind: LetterKind) -> None:
    from dataclasses import replace

    from disclosure.documents import render_docx, render_pdf
    from disclosure.letters.render import compose
    from disclosure.letters.samples import sample_draft

    draft = sample_draft(kind)
    draft = replace(draft, context=_poisoned(draft.context), addressee=(HOSTILE,))  # type: ignore[arg-type]
    head, blocks = compose(draft)
    html = letter_html(head, blocks)
    assert "<b>x</b>" not in html and "\x00" not in html and "\u202e" not in html
    pages = _pdf_text(render_pdf(html))
    assert all(p.count(CLASSIFICATION) >= 2 for p in pages)
    assert "{{ 7*7 }}" in " ".join(pages) and "49" not in " ".join(pages).replace("2026", "")
    word = Document(io.BytesIO(render_docx(head, blocks)))
    assert any("{{ 7*7 }}" in p.text for p in word.paragraphs)


@pytest.mark.parametrize(
    ("route", "wanted", "unwanted"),
    [
        ("csods_application", ["NSPCC Helpline", "0808 800 5000", "Stop It Now"], "Domestic Abuse Helpline"),
        ("right_to_ask", ["National Domestic Abuse Helpline", "0808 2000 247"], "NSPCC"),
    ],
)
def test_the_no_disclosure_letter_points_to_help_for_its_scheme(
    db: Session,
    cast: Cast,
    decided: Decide,
    store: LocalFileStore,
    route: str,
    wanted: list[str],
    unwanted: str,
) -> None:
    """A Sarah's Law letter is about a child: child protection help, not the domestic abuse helpline
    [issue 15]."""
    case = decided("no_disclosure", route=route)
    letter = service.generate(db, cast.researcher, store, case.id, "non_disclosure")
    _, pdf, _ = service.download(db, cast.researcher, store, case.id, letter.id, "pdf")
    text = " ".join(_pdf_text(pdf))
    assert all(words in text for words in wanted) and unwanted not in text


def test_telling_the_subject_otherwise_than_the_panel_decided_needs_why_and_the_chairs_agreement(
    db: Session, cast: Cast, decided: Decide
) -> None:
    """The panel decides whether the subject is told [WYP-DVDS]; a delivery departing from it says why, with
    the chair's agreement [issue 15]."""
    case = decided("disclose")  # the panel decided the subject is not told
    told = disclosure_delivery(subject_told="yes", **when("subject_told_at"))
    with pytest.raises(FormInvalid) as refused:
        delivery.record_delivery(db, cast.officer, case.id, told)
    assert refused.value.errors == {
        "subject_told_difference": "Enter why this differs from the panel's decision to not tell the subject",
        "chair_agreed_difference": "Select yes if the chair agreed to the difference",
    }
    with pytest.raises(FormInvalid) as refused:
        delivery.record_delivery(
            db,
            cast.officer,
            case.id,
            {**told, "subject_told_difference": "He saw the letter", "chair_agreed_difference": "no"},
        )
    assert "needs the chair's agreement" in refused.value.errors["chair_agreed_difference"]
    because = {"subject_told_difference": "He found out at court", "chair_agreed_difference": "yes"}
    recorded = delivery.record_delivery(db, cast.officer, case.id, {**told, **because})
    assert (recorded.subject_told_difference, recorded.chair_agreed_difference) == (
        "He found out at court",
        True,
    )
