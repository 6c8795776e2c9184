"""Upload checks: type from content agreeing with the extension, and files that open as what they claim."""

from __future__ import annotations

import hashlib

import pytest
from PIL import Image

from disclosure.uploads import UploadRefused, check_upload, clean_filename
from tests import samples

LIMIT = 1024 * 1024


def refused(filename: str, data: bytes, limit: int = LIMIT) -> str:
    with pytest.raises(UploadRefused) as caught:
        check_upload(filename, data, max_bytes=limit)
    return caught.value.message


@pytest.mark.parametrize(
    ("filename", "data", "content_type"),
    [
        ("record.pdf", samples.pdf(), "application/pdf"),
        ("photo.PNG", samples.image("PNG"), "image/png"),
        ("photo.jpg", samples.image("JPEG"), "image/jpeg"),
        ("photo.jpeg", samples.image("JPEG"), "image/jpeg"),
        (
            "return.docx",
            samples.docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_real_files_are_accepted_with_their_type_size_and_hash(
    filename: str, data: bytes, content_type: str
) -> None:
    checked = check_upload(filename, data, max_bytes=LIMIT)
    assert checked.content_type == content_type
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.filename == filename


def test_an_empty_file_is_refused() -> None:
    assert refused("empty.pdf", b"") == "The selected file is empty"


def test_a_file_over_the_limit_is_refused() -> None:
    assert refused("big.pdf", b"%PDF" + b"0" * LIMIT) == "The selected file must be smaller than 1 MB"


@pytest.mark.parametrize(
    "filename", ["script.html", "run.exe", "notes.txt", "archive.zip", "noextension", "x.svg"]
)
def test_other_kinds_of_file_are_refused(filename: str) -> None:
    assert refused(filename, samples.pdf()) == "The selected file must be a PDF, PNG, JPEG or Word (.docx)"


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("page.pdf", b"<html><script>alert(1)</script></html>"),
        ("photo.png", samples.pdf()),
        ("photo.jpg", samples.image("PNG")),
        ("return.docx", samples.pdf()),
        ("evil.pdf", b"MZ\x90\x00" + b"\x00" * 200),
    ],
)
def test_content_that_does_not_match_the_extension_is_refused(filename: str, data: bytes) -> None:
    assert "its content does not match its name" in refused(filename, data)


def test_a_damaged_pdf_is_refused() -> None:
    assert (
        refused("broken.pdf", b"%PDF-1.7\n" + b"garbage " * 50)
        == "The selected PDF is damaged and cannot be opened"
    )


def test_a_password_protected_pdf_is_refused() -> None:
    assert "password protected" in refused("locked.pdf", samples.encrypted_pdf())


def test_a_truncated_image_is_refused() -> None:
    data = samples.image("PNG", (200, 200))
    assert refused("cut.png", data[: len(data) // 2]) == "The selected image is damaged and cannot be opened"


def test_a_decompression_bomb_image_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    assert "too large" in refused("bomb.png", samples.image("PNG", (100, 100)))


def test_an_image_over_the_pixel_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("disclosure.uploads.MAX_IMAGE_PIXELS", 100)
    assert "under 50 megapixels" in refused("huge.png", samples.image("PNG", (20, 20)))


def test_a_word_document_with_macros_is_refused() -> None:
    assert "contains macros" in refused("macro.docx", samples.docx_with("word/vbaProject.bin"))


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/cron.d/job"])
def test_a_word_document_reaching_outside_its_archive_is_refused(name: str) -> None:
    assert "damaged" in refused("slip.docx", samples.docx_with(name))


def test_a_zip_bomb_word_document_is_refused() -> None:
    assert "damaged" in refused("bomb.docx", samples.zip_bomb_docx(), limit=10 * LIMIT)


def test_a_plain_zip_named_docx_is_refused() -> None:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert refused("fake.docx", out.getvalue()) == "The selected file is not a Word document"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("C:\\Users\\pc\\Documents\\record.pdf", "record.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("re\u202ecord\x00\n.pdf", "record.pdf"),
        ('quote"and<angle>.pdf', "quote_and_angle_.pdf"),
        ("Siân O'Brien.docx", "Siân O'Brien.docx"),
    ],
)
def test_file_names_lose_folders_and_unsafe_characters(raw: str, clean: str) -> None:
    assert clean_filename(raw) == clean


def test_a_very_long_name_keeps_its_extension() -> None:
    cleaned = clean_filename("a" * 500 + ".pdf")
    assert len(cleaned) == 200 and cleaned.endswith(".pdf")


@pytest.mark.parametrize("raw", ["", "...", "/", "\x00\x01"])
def test_a_name_with_nothing_left_is_refused(raw: str) -> None:
    with pytest.raises(UploadRefused, match="Select a file to upload"):
        clean_filename(raw)
