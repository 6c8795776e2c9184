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
