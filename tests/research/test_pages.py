"""Research pages through HTTP: the research page, forms that keep values and show errors at the field,
uploads (good, hostile and too large), downloads, submission and the panel pack; the partner's pages."""

from __future__ import annotations

import io
import uuid

from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from disclosure.auth import Principal
from disclosure.people.models import Person
from disclosure.research import service
from disclosure.research.models import Attachment
from tests import samples
from tests.builders import make_session, make_user, sign_in_as
from tests.pages import PageClient
from tests.research.builders import (
    agency,
    case_in_research,
    check_values,
    evidence_values,
    ready_to_submit,
    subject_id,
)


def test_the_research_page_shows_the_check_list_and_what_stops_submission(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    page = sign_in_as(db, client, researcher).get(f"/requests/{case.id}/research")
    assert page.status_code == 200
    assert "Police National Computer (PNC)" in page.text
    assert "Record the required checks first" in page.text
    assert "Record an evidence item" in page.text


def test_a_check_form_with_errors_keeps_what_was_typed(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    values = check_values(db, case, "pnc", result="information_found", reference="PNC/KEEP/1")
    response = sign_in_as(db, client, researcher).submit(f"/requests/{case.id}/research/checks", values)
    assert response.status_code == 400
    assert 'href="#notes"' in response.text and 'value="PNC/KEEP/1"' in response.text
    ok = client.submit(f"/requests/{case.id}/research/checks", {**values, "notes": "One conviction, 2019"})
    assert ok.status_code == 303


def test_evidence_and_an_attachment_round_trip(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    sign_in_as(db, client, researcher)
    response = client.submit(f"/requests/{case.id}/research/evidence", evidence_values(case))
    assert response.status_code == 303
    item = service.live_items(db, case.id)[0]
    form = client.get(f"/requests/{case.id}/research/evidence/{item.id}/attachments")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    upload = client.post(
        f"/requests/{case.id}/research/evidence/{item.id}/upload",
        data={"_csrf_token": client.csrf()},
        files={"file": ("conviction record.pdf", samples.pdf(), "application/pdf")},
        follow_redirects=False,
    )
    assert upload.status_code == 303, upload.text
    attachment = db.scalar(select(Attachment).where(Attachment.evidence_item_id == item.id))
    assert attachment is not None and attachment.filename == "conviction record.pdf"
    download = client.get(f"/requests/{case.id}/research/attachments/{attachment.id}")
    assert download.status_code == 200 and download.content == samples.pdf()
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["cache-control"] == "no-store"
    assert download.headers["x-content-type-options"] == "nosniff"


def test_hostile_uploads_are_refused_at_the_field(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    item = service.record_evidence(db, researcher, case.id, evidence_values(case))
    sign_in_as(db, client, researcher)
    url = f"/requests/{case.id}/research/evidence/{item.id}/upload"
    cases = [
        ("evil.pdf", b"<script>alert(1)</script>", "application/pdf"),
        ("image.png", samples.pdf(), "image/png"),
        ("run.exe", b"MZ\x90\x00", "application/octet-stream"),
        ("empty.pdf", b"", "application/pdf"),
        ("template.docx", samples.active_docx("template"), samples.DOCX_TYPE),
        ("picture.docx", samples.active_docx("field"), samples.DOCX_TYPE),
        ("macro.docx", samples.active_docx("macro"), samples.DOCX_TYPE),
    ]
    for name, content, kind in cases:
        response = client.post(
            url,
            data={"_csrf_token": client.csrf()},
            files={"file": (name, content, kind)},
            follow_redirects=False,
        )
        assert response.status_code == 400, name
        assert 'href="#file"' in response.text, name
        assert 'class="govuk-error-message"' in response.text, name
    assert db.scalar(select(Attachment)) is None


def test_an_upload_over_the_limit_is_refused_before_it_is_read(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    item = service.record_evidence(db, researcher, case.id, evidence_values(case))
    sign_in_as(db, client, researcher)
    big = b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024)
    response = client.post(
        f"/requests/{case.id}/research/evidence/{item.id}/upload",
        data={"_csrf_token": client.csrf()},
        files={"file": ("big.pdf", big, "application/pdf")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/evidence/{item.id}/attachments?error=too-large")
    shown = client.get(response.headers["location"])
    assert shown.status_code == 400 and "must be smaller than 1 MB" in shown.text


def test_submission_problems_link_to_their_sections_and_a_good_package_submits(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal, reviewer: Principal
) -> None:
    case = case_in_research(db, clerk, researcher)
    sign_in_as(db, client, researcher)
    package = service.package_for(db, case)
    refused = client.submit(f"/requests/{case.id}/research/submit", {"version": str(package.version)})
    assert refused.status_code == 400 and 'href="#checks"' in refused.text
    ready_to_submit(db, researcher, reviewer, case)
    package = service.package_for(db, case)
    ok = client.submit(f"/requests/{case.id}/research/submit", {"version": str(package.version)})
    assert ok.status_code == 303
    research = client.get(f"/requests/{case.id}/research")
    assert package.summary in research.text
    assert "&lt;span" not in research.text and "&lt;strong" not in research.text
    version = client.get(f"/requests/{case.id}/research/versions/1")
    assert version.status_code == 200 and "PNC/19/0001234X" in version.text
    pack = client.get(f"/requests/{case.id}/research/versions/1/panel-pack.pdf")
    assert pack.status_code == 200 and pack.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pack.content))
    for page in reader.pages:
        assert "OFFICIAL-SENSITIVE" in page.extract_text()


def test_a_partner_answers_in_the_service_and_sees_nothing_else(
    db: Session, client: PageClient, clerk: Principal, researcher: Principal
) -> None:
    from tests.research.builders import partner_user

    case = case_in_research(db, clerk, researcher)
    sent = service.send_partner_request(
        db,
        researcher,
        case.id,
        {
            "agency_id": str(agency(db).id),
            "asked": "Any supervision history?",
            "person_ids": [subject_id(case)],
        },
    )
    partner = partner_user(db)
    sign_in_as(db, client, partner)
    inbox = client.get("/partner")
    assert inbox.status_code == 200 and case.reference in inbox.text
    subject = db.get(Person, uuid.UUID(subject_id(case)))
    assert subject is not None and f"{subject.display_name} (subject)" in inbox.text, "who it is about"
    page = client.get(f"/partner/requests/{sent.id}")
    assert "Any supervision history?" in page.text
    assert client.get(f"/requests/{case.id}").status_code == 403
    assert client.get(f"/requests/{case.id}/research").status_code == 403
    bad = client.submit(f"/partner/requests/{sent.id}", {"result": "information_found"})
    assert bad.status_code == 400 and 'href="#response"' in bad.text
    ok = client.submit(
        f"/partner/requests/{sent.id}",
        {"result": "information_found", "response": "Supervised 2019-2021", "onward_consent": "consents"},
    )
    assert ok.status_code == 303
    assert client.get(f"/partner/requests/{uuid.uuid4()}").status_code == 404


def test_administrators_change_an_agencys_response_time_and_the_check_list(
    db: Session, client: PageClient, admin: object
) -> None:
    from disclosure.research.service.checks import all_check_types

    user = make_user(db, Role.ADMINISTRATOR, username="ada.two", display_name="Ada Two").user
    client.sign_in_as(make_session(db, user))
    probation = agency(db)
    page = client.get(f"/admin/agencies/{probation.id}")
    assert page.status_code == 200
    bad = client.submit(
        f"/admin/agencies/{probation.id}",
        {
            "name": "Probation",
            "response_working_days": "0",
            "active": "yes",
            "version": str(probation.version),
        },
    )
    assert bad.status_code == 400 and "between 1 and 60" in bad.text
    ok = client.submit(
        f"/admin/agencies/{probation.id}",
        {
            "name": "Probation Service",
            "response_working_days": "7",
            "active": "yes",
            "version": str(probation.version),
        },
    )
    assert ok.status_code == 303
    db.expire_all()
    assert agency(db).response_working_days == 7
    pnc = next(t for t in all_check_types(db) if t.code == "pnc")
    refused = client.submit(f"/admin/check-lists/{pnc.id}", {"active": "yes"})
    assert refused.status_code == 400 and "minimum check" in refused.text
    housing = next(t for t in all_check_types(db) if t.code == "housing" and t.scheme == "dvds")
    assert (
        client.submit(f"/admin/check-lists/{housing.id}", {"required": "yes", "active": "yes"}).status_code
        == 303
    )
    db.expire_all()
    assert housing.required
