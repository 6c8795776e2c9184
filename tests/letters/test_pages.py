"""Letter pages: the list, a preview, generation and downloads, and the delivery form."""

from __future__ import annotations

import io

from docx import Document
from sqlalchemy.orm import Session

from tests.builders import sign_in_as
from tests.decisions.conftest import Cast
from tests.letters.conftest import Decide
from tests.pages import PageClient


def test_an_officer_previews_generates_and_downloads_letters(
    db: Session, client: PageClient, cast: Cast, decided: Decide
) -> None:
    case = decided("disclose")
    sign_in_as(db, client, cast.officer)
    listed = client.get(f"/requests/{case.id}/letters")
    assert listed.status_code == 200 and "Disclosure record and script" in listed.text
    preview = client.get(f"/requests/{case.id}/letters/disclosure_record/preview")
    assert preview.status_code == 200 and "In 2019 he was convicted" in preview.text
    made = client.submit(f"/requests/{case.id}/letters/confidentiality_undertaking", {"target": ""})
    assert made.status_code == 303
    page = client.get(f"/requests/{case.id}/letters")
    assert "Confidentiality undertaking" in page.text
    links = [part.split('"')[0] for part in page.text.split('href="')[1:]]
    docx_path = next(link for link in links if link.endswith("/docx"))
    word = client.get(docx_path)
    assert word.status_code == 200 and word.headers["content-disposition"].startswith("attachment")
    assert case.reference in "\n".join(p.text for p in Document(io.BytesIO(word.content)).paragraphs)
    assert client.get(f"/requests/{case.id}/letters/files/{case.id}/pdf").status_code == 404
    assert client.get(docx_path.replace("/docx", "/exe")).status_code == 404


def test_the_delivery_form_keeps_what_was_typed_and_then_completes_the_case(
    db: Session, client: PageClient, cast: Cast, decided: Decide
) -> None:
    case = decided("disclose")
    sign_in_as(db, client, cast.officer)
    assert client.get(f"/requests/{case.id}/delivery").status_code == 200
    bad = client.submit(f"/requests/{case.id}/delivery", {"method": "in_person", "reaction": "Kept words"})
    assert bad.status_code == 400 and 'href="#occurred"' in bad.text and "Kept words" in bad.text
    from tests.letters.builders import disclosure_delivery

    done = client.submit(f"/requests/{case.id}/delivery", disclosure_delivery())
    assert done.status_code == 303
    db.refresh(case)
    assert case.status == "outcome_delivered"
    assert "Disclosure delivered on" in client.get(f"/requests/{case.id}/letters").text
