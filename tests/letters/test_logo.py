"""The force's logo: uploaded in Settings (checked from its content), printed on every letter."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy.orm import Session

from disclosure.accounts.models import User
from disclosure.accounts.roles import Role
from disclosure.documents import letter_html, render_docx
from disclosure.force import service as force
from disclosure.letters.render import compose
from disclosure.letters.samples import sample_draft
from disclosure.letters.vocabulary import LetterKind
from tests import samples
from tests.builders import make_session
from tests.decisions.builders import person
from tests.pages import PageClient


def _admin(db: Session, client: PageClient) -> None:
    admin = person(db, Role.ADMINISTRATOR, "ada.logo", "Ada Logo")
    user = db.get(User, admin.user_id)
    assert user is not None
    client.sign_in_as(make_session(db, user))


def test_a_logo_is_checked_kept_with_the_settings_and_printed_on_letters(
    db: Session, client: PageClient
) -> None:
    _admin(db, client)
    refused = client.post(
        "/admin/settings/logo",
        data={"_csrf_token": client.csrf()},
        files={"logo": ("logo.png", samples.pdf(), "image/png")},
        follow_redirects=False,
    )
    assert refused.status_code == 400 and "its content does not match its name" in refused.text
    pdf_named_pdf = client.post(
        "/admin/settings/logo",
        data={"_csrf_token": client.csrf()},
        files={"logo": ("logo.pdf", samples.pdf(), "application/pdf")},
        follow_redirects=False,
    )
    assert pdf_named_pdf.status_code == 400 and "must be a PNG or JPEG image" in pdf_named_pdf.text
    vast = client.post(  # 49 megapixels in a few hundred bytes, decoded for every letter if kept
        "/admin/settings/logo",
        data={"_csrf_token": client.csrf()},
        files={"logo": ("crest.png", samples.png_header_only(7000, 7000), "image/png")},
        follow_redirects=False,
    )
    assert vast.status_code == 400 and "it must be under 4 megapixels" in vast.text
    assert force.current_profile(db).logo is None
    png = samples.image("PNG", (120, 60))
    saved = client.post(
        "/admin/settings/logo",
        data={"_csrf_token": client.csrf()},
        files={"logo": ("crest.png", png, "image/png")},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert client.get("/admin/settings/logo").content == png
    settings = client.submit(
        "/admin/settings", {"name": "Testshire Police", "nation": "england", "address": ""}
    )
    assert settings.status_code == 303
    profile = force.current_profile(db)
    assert profile.logo == png and profile.name == "Testshire Police"

    draft = sample_draft(LetterKind.NON_DISCLOSURE)
    draft.context["logo"] = {"data": profile.logo, "type": profile.logo_type}
    head, blocks = compose(draft)
    assert 'src="data:image/png;base64,' in letter_html(head, blocks)
    with zipfile.ZipFile(io.BytesIO(render_docx(head, blocks))) as word:
        assert any(name.startswith("word/media/") for name in word.namelist())

    removed = client.post(
        "/admin/settings/logo",
        data={"_csrf_token": client.csrf(), "remove": "yes"},
        files={"logo": ("", b"", "application/octet-stream")},
        follow_redirects=False,
    )
    assert removed.status_code == 303
    assert force.current_profile(db).logo is None
    assert client.get("/admin/settings/logo").status_code == 404
