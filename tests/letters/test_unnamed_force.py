"""Until an administrator sets the force's name no letter is generated or printed, the letter pages say why
and who can fix it, and no letter, pack or preview prints a placeholder in its place [issue 16]."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.errors import InvalidTransition
from disclosure.force import service as force
from disclosure.letters import service
from disclosure.letters.models import GeneratedLetter
from disclosure.letters.vocabulary import LetterKind
from disclosure.research import service as research
from disclosure.storage import LocalFileStore
from tests.builders import sign_in_as
from tests.decisions.conftest import Cast
from tests.force.test_settings import legacy_placeholder
from tests.letters.conftest import Decide, name_the_force
from tests.pages import PageClient


@pytest.fixture
def named_force() -> None:
    """This module's force has no name (the letters package names it for every other test)."""


@pytest.mark.parametrize("saved", ["nothing", "the old placeholder"])
def test_no_letter_is_generated_or_printed_until_the_force_is_named(
    db: Session, cast: Cast, decided: Decide, store: LocalFileStore, saved: str
) -> None:
    if saved == "the old placeholder":
        legacy_placeholder(db)
    case = decided("disclose", route="right_to_ask", applicant_type="third_party")
    for kind in (LetterKind.DISCLOSURE_RECORD, LetterKind.THIRD_PARTY_OUTCOME):
        with pytest.raises(
            InvalidTransition, match=r"^Letters cannot be made yet: the force's name is not set"
        ):
            service.generate(db, cast.officer, store, case.id, kind.value)
        with pytest.raises(InvalidTransition, match=r"An administrator can set it in Settings$"):
            service.render_for_print(db, cast.officer, case.reference, kind.value)
    with pytest.raises(InvalidTransition, match="the force's name is not set"):
        service.generate_all(db, cast.officer, store, case.id)
    assert db.scalar(select(func.count()).select_from(GeneratedLetter)) == 0
    name_the_force(db)
    assert service.generate(db, cast.officer, store, case.id, "disclosure_record").number == 1


def test_the_letters_page_says_why_and_offers_no_generation(
    db: Session, client: PageClient, cast: Cast, decided: Decide
) -> None:
    case = decided("disclose")
    sign_in_as(db, client, cast.officer)
    page = client.get(f"/requests/{case.id}/letters")
    assert page.status_code == 200
    assert "Letters cannot be made yet: the force&#39;s name is not set." in page.text
    assert "An administrator can set it in Settings" in page.text
    assert "Generate PDF and Word" not in page.text and "Generate every letter" not in page.text
    preview = client.get(f"/requests/{case.id}/letters/disclosure_record/preview")
    assert preview.status_code == 200 and "the force&#39;s name is not set" in preview.text
    assert "Generate PDF and Word" not in preview.text and force.OLD_PLACEHOLDER not in preview.text
    refused = client.submit(f"/requests/{case.id}/letters/disclosure_record", {"target": ""})
    assert refused.status_code == 409 and "An administrator can set it in Settings" in refused.text


def test_the_panel_pack_prints_no_placeholder_for_the_name(
    db: Session, cast: Cast, decided: Decide, tmp_path: Path
) -> None:
    legacy_placeholder(db)
    case = decided("disclose")
    _name, pdf = research.panel_pack(db, cast.researcher, case.id, 1)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert case.reference in text and "set the name in Settings" not in text
