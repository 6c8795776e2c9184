"""Any text survives the letters [QUALITY.md check 11; issue 19]: whatever a record holds (any Unicode,
control characters, lone surrogates' neighbours, bidirectional overrides, very long words), the Word file is
written and opens again with the text in it less only the characters a document cannot hold, and the PDF is
rendered with its marking; property tests with Hypothesis."""

from __future__ import annotations

import dataclasses
import io
import logging

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from disclosure.documents import Block, Letterhead, _printable, letter_html, render_docx, render_pdf

ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
"""Any text a database can hold (lone surrogates cannot be stored as UTF-8 at all)."""


def _head(text: str) -> Letterhead:
    return Letterhead(
        force_name="Testshire Police",
        force_address="1 Station Road",
        reference="DVDS/2026/000001",
        date="7 December 2026",
        addressee=(text or "Jo",),
        title="Your request",
    )


def _blocks(text: str) -> list[Block]:
    return [
        Block("heading", text),
        Block("paragraph", text),
        Block("bullets", items=(text, text)),
        Block("notice", text),
    ]


def _visible(text: str) -> str:
    """The words a reader could check for: the text without what no document holds, spaces folded."""
    return " ".join(_printable(text).split())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT)
def test_any_text_is_written_to_word_and_reads_back(text: str) -> None:
    word = Document(io.BytesIO(render_docx(_head(text), _blocks(text))))
    body = " ".join(" ".join(p.text.split()) for p in word.paragraphs)
    for table in word.tables:
        body += " ".join(cell.text for row in table.rows for cell in row.cells)
    words = _visible(text)
    assert not words or words.split()[0][:20] in body


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT)
def test_any_text_renders_a_marked_pdf(text: str) -> None:
    pdf = PdfReader(io.BytesIO(render_pdf(letter_html(_head(text), _blocks(text)))))
    # pypdf reads a page as UTF-16 (a NUL before each letter) when a glyph no font has is on it: folded here
    pages = [page.extract_text().replace("\x00", "") for page in pdf.pages]
    assert pages and all("OFFICIAL-SENSITIVE" in page for page in pages), (repr(text), pages[:1])


NAMES = ("محمد علي", "王小明", "Zoë Ó Briain", "Кирилл", "ગુજરાતી", "বাংলা", "ਪੰਜਾਬੀ", "김민준", "தமிழ்", "اردو")
"""Names as people in the UK write them: Arabic, Chinese, Irish, Russian, Gujarati, Bengali, Punjabi,
Korean, Tamil and Urdu."""


def test_a_name_in_any_common_script_prints_as_written(caplog: pytest.LogCaptureFixture) -> None:
    """Every glyph found in a font (`scripts/system-packages` installs Noto beside Liberation Sans):
    WeasyPrint warns of each it has to draw as an empty box."""
    head = dataclasses.replace(_head("x"), addressee=NAMES)
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_pdf(letter_html(head, [Block("paragraph", " ".join(NAMES))]))
    assert not [r.getMessage() for r in caplog.records if "unsupported by fonts" in r.getMessage()]
