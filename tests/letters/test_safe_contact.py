"""Safe contact drives every contact [issue 15] [Beds]: a letter to the applicant goes to their safe postal
address, never to the home in the people index (which may be the subject's too); a letter to someone whose
safe contact does not allow post cannot be generated, and says why; the ways of giving the outcome offered
and accepted are the ones their safe contact allows; a case with no safe way says so."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session

from disclosure.errors import FormInvalid, InvalidTransition
from disclosure.letters import delivery, service
from disclosure.people import service as people
from disclosure.people.schemas import AddressDetails
from disclosure.requests.models import CaseParty, DisclosureRequest
from disclosure.storage import LocalFileStore
from tests.builders import sign_in_as
from tests.decisions.conftest import Cast
from tests.letters.builders import when
from tests.letters.conftest import SAFE_ADDRESS, Decide
from tests.pages import PageClient

HOME = "14 Shared Home Road"


def _applicant(case: DisclosureRequest) -> CaseParty:
    return next(p for p in case.parties if p.role == "applicant")


def _lives_with_the_subject(db: Session, cast: Cast, case: DisclosureRequest) -> None:
    """The applicant's home in the people index: the address a careless letter would go to."""
    people.add_address(
        db, cast.clerk, _applicant(case).person_id, AddressDetails(line_1=HOME, postcode="TE1 1AA")
    )


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def test_a_letter_to_the_applicant_goes_to_the_safe_address_and_never_home(
    db: Session, cast: Cast, decided: Decide, store: LocalFileStore
) -> None:
    case = decided("no_disclosure", route="right_to_ask")
    _lives_with_the_subject(db, cast, case)
    letter = service.generate(db, cast.researcher, store, case.id, "non_disclosure")
    _, pdf, _ = service.download(db, cast.researcher, store, case.id, letter.id, "pdf")
    text = _pdf_text(pdf)
    assert "5 Safe Street" in text and "Women's Centre" in text
    assert HOME not in text and "TE1 1AA" not in text


def test_a_letter_cannot_be_sent_where_post_is_not_safe_and_the_page_says_why(
    db: Session, client: PageClient, cast: Cast, decided: Decide, store: LocalFileStore
) -> None:
    case = decided("no_disclosure", route="right_to_ask", post=False)
    _lives_with_the_subject(db, cast, case)
    _applicant(case).safe_address = SAFE_ADDRESS  # an address is on file, but post is not ticked as safe
    db.flush()
    with pytest.raises(InvalidTransition, match="safe contact does not allow post"):
        service.generate(db, cast.researcher, store, case.id, "non_disclosure")
    sign_in_as(db, client, cast.researcher)
    page = client.get(f"/requests/{case.id}/letters")
    assert "Cannot be sent" in page.text and "does not allow post" in page.text
    assert f"/requests/{case.id}/letters/non_disclosure/preview" not in page.text
    assert HOME not in page.text

    sign_in_as(db, client, cast.clerk)
    form = client.get(f"/requests/{case.id}/delivery")
    assert 'value="letter"' not in form.text and 'value="telephone"' in form.text
    with pytest.raises(FormInvalid) as refused:
        delivery.record_delivery(db, cast.clerk, case.id, {"method": "letter", **when()})
    assert refused.value.errors["method"] == (
        "The applicant's safe contact does not allow this (by letter): choose in person or by telephone"
    )
    done = delivery.record_delivery(db, cast.clerk, case.id, {"method": "telephone", **when()})
    assert done.method == "telephone"


def test_a_case_whose_applicant_has_no_safe_way_says_so_and_offers_no_way(
    db: Session, client: PageClient, cast: Cast, decided: Decide
) -> None:
    case = decided("no_disclosure", route="right_to_ask", post=False)
    _applicant(case).safe_channels = ""  # recorded before safe ways were asked for
    db.flush()
    sign_in_as(db, client, cast.clerk)
    page = client.get(f"/requests/{case.id}")
    assert "No safe way to contact the applicant" in page.text
    form = client.get(f"/requests/{case.id}/delivery")
    assert "No safe way to give the applicant the outcome is recorded" in form.text
    with pytest.raises(FormInvalid) as refused:
        delivery.record_delivery(
            db, cast.clerk, case.id, {"method": "in_person", **when(), "place": "Station"}
        )
    assert refused.value.errors["method"].endswith("record a safe way first")


def test_each_safe_way_needs_its_detail(db: Session, cast: Cast) -> None:
    from disclosure.requests import service as requests_service
    from tests.requests.builders import make_person, make_request

    case = make_request(db, cast.clerk)
    person = make_person(db, cast.clerk)
    values = {"role": "applicant", "safe_channels": ["text", "email", "post"], "safe_times": "Any time"}
    with pytest.raises(FormInvalid) as refused:
        requests_service.add_party(db, cast.clerk, case.id, person.id, values)
    assert refused.value.errors == {
        "safe_phone": "Enter the safe number for calls or texts",
        "safe_email": "Enter the safe email address",
        "safe_address": "Enter the safe postal address, or untick letter by post",
    }
    bad = {**values, "safe_phone": "call my sister", "safe_email": "nope", "safe_address": SAFE_ADDRESS}
    with pytest.raises(FormInvalid) as refused:
        requests_service.add_party(db, cast.clerk, case.id, person.id, bad)
    assert set(refused.value.errors) == {"safe_phone", "safe_email"}
