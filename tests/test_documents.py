"""The document pipeline: strict templates, the marking and page numbers on every page, nothing fetched."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from jinja2 import UndefinedError
from pypdf import PdfReader

from disclosure.documents import (
    CLASSIFICATION,
    KEEP_FROM_RECIPIENT,
    Block,
    Letterhead,
    environment,
    letter_html,
    parse_letter,
    render_docx,
    render_html,
    render_pdf,
)


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _document(body: str, title: str = "Test document") -> str:
    template = environment().from_string(
        '{% extends "documents/base.html" %}{% block title %}{{ title }}{% endblock %}'
        "{% block running_head %}REF-1{% endblock %}{% block body %}" + body + "{% endblock %}"
    )
    return template.render(title=title)


def test_every_page_is_marked_and_numbered() -> None:
    sections = (
        '{% for n in range(3) %}<p{% if n %} class="page-break"{% endif %}>Section {{ n }}</p>{% endfor %}'
    )
    pdf = render_pdf(_document(sections))
    texts = pages_text(pdf)
    assert len(texts) == 3
    for number, text in enumerate(texts, start=1):
        assert text.count(CLASSIFICATION) == 2
        assert f"Page {number} of 3" in text
        assert "REF-1" in text


def test_the_pdf_carries_its_title() -> None:
    reader = PdfReader(io.BytesIO(render_pdf(_document("<p>Hello</p>", title="Panel pack X"))))
    assert reader.metadata is not None and reader.metadata.title == "Panel pack X"


def test_a_misspelt_field_is_an_error_not_a_blank() -> None:
    with pytest.raises(UndefinedError):
        environment().from_string("{{ pack.refrence }}").render(pack={"reference": "R"})


def test_text_is_escaped_and_control_characters_dropped() -> None:
    html = environment().from_string("{{ value | printable }}").render(value="<b>bold</b>\x00\x1b[31m")
    assert html == "&lt;b&gt;bold&lt;/b&gt;[31m"


def test_dates_read_from_snapshots_are_shown_in_govuk_style() -> None:
    env = environment()
    assert env.from_string("{{ d | date }}").render(d="2026-03-05") == "5 March 2026"
    assert (
        env.from_string("{{ d | datetime }}").render(d="2026-07-01T13:05:00+00:00") == "1 July 2026 at 2:05pm"
    )


def test_documents_fetch_no_files_or_network_addresses(tmp_path: Path) -> None:
    hidden = tmp_path / "hide.css"
    hidden.write_text("body { display: none }")
    html = (
        render_html("documents/base.html")
        .replace(
            "</head>",
            f'<link rel="stylesheet" href="{hidden.as_uri()}"><link rel="stylesheet" href="http://127.0.0.1:9/x.css"></head>',
        )
        .replace("<body>", "<body><p>Still visible</p>")
    )
    assert "Still visible" in pages_text(render_pdf(html))[0]


def test_a_long_running_head_never_breaks_the_marking() -> None:
    template = environment().from_string(
        '{% extends "documents/base.html" %}{% block title %}T{% endblock %}'
        "{% block running_head %}Minutes · Disclosure decision panel · 3 December 2026 · "
        "a heading long enough to crowd the top of the page{% endblock %}"
        "{% block body %}<p>x</p>{% endblock %}"
    )
    [text] = pages_text(render_pdf(template.render()))
    assert text.count(CLASSIFICATION) == 2


# ---------------------------------------------------------------- letters


def _letter(text: str, **head: object) -> tuple[Letterhead, list[Block]]:
    values: dict[str, object] = {
        "force_name": "Testshire Police",
        "force_address": "1 Station Road\nTesttown TT1 1TT",
        "reference": "DVDS-2026-000007",
        "date": "30 November 2026",
        "addressee": ("Alice Brown",),
        "title": "Outcome of your request",
        **head,
    }
    return Letterhead(**values), parse_letter(text)  # type: ignore[arg-type]


def test_the_letter_markup_has_headings_paragraphs_bullets_and_notices() -> None:
    blocks = parse_letter("# Title\nfirst line\nsecond line\n\n- one\n- two\n> careful\n## Sub\nend")
    assert blocks == [
        Block("heading", "Title", level=1),
        Block("paragraph", "first line second line"),
        Block("bullets", items=("one", "two")),
        Block("notice", "careful"),
        Block("heading", "Sub", level=2),
        Block("paragraph", "end"),
    ]


def test_a_letter_is_the_same_in_pdf_and_word_with_the_marking_and_page_numbers() -> None:
    head, blocks = _letter("# What happens next\n" + "A long paragraph of advice. " * 400)
    pdf_pages = pages_text(render_pdf(letter_html(head, blocks)))
    assert len(pdf_pages) >= 2
    for number, text in enumerate(pdf_pages, start=1):
        assert text.count(CLASSIFICATION) == 2 and f"Page {number} of {len(pdf_pages)}" in text
    assert "DVDS-2026-000007" in pdf_pages[0] and "What happens next" in pdf_pages[0]
    word = Document(io.BytesIO(render_docx(head, blocks)))
    section = word.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert section.header.paragraphs[0].text == f"\t{CLASSIFICATION}\tDVDS-2026-000007"
    assert section.footer.paragraphs[0].text.startswith(f"\t{CLASSIFICATION}\tPage ")
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml
    assert "Our reference: DVDS-2026-000007" in word.tables[0].rows[0].cells[1].text
    assert "What happens next" in "\n".join(p.text for p in word.paragraphs)


def test_hostile_text_renders_as_text_in_both_outputs() -> None:
    hostile = "<script>alert(1)</script> {{ 7*7 }} {% raw %}x\x00\x1b\u202e"
    head, blocks = _letter(f"Words: {hostile}", addressee=(hostile,), title=hostile)
    html = letter_html(head, blocks)
    assert "<script>" not in html and "&lt;script&gt;" in html and "{{ 7*7 }}" in html and "\x00" not in html
    assert "{{ 7*7 }}" in " ".join(pages_text(render_pdf(html)))
    word = Document(io.BytesIO(render_docx(head, blocks)))
    assert any("{{ 7*7 }}" in p.text for p in word.paragraphs)


def test_the_recipients_copy_warning_appears_when_the_letter_must_not_be_left() -> None:
    head, blocks = _letter("Body", keep_from_recipient=True)
    assert KEEP_FROM_RECIPIENT in pages_text(render_pdf(letter_html(head, blocks)))[0]
    assert any(
        KEEP_FROM_RECIPIENT in p.text for p in Document(io.BytesIO(render_docx(head, blocks))).paragraphs
    )


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice is not installed (make bench installs it)"
)
def test_libreoffice_reads_our_word_letters_as_we_wrote_them(tmp_path: Path) -> None:
    """A real word processor as the oracle: the Word file opens, and every page has the marking and number."""
    head, blocks = _letter("# Safety\n" + "Advice paragraph. " * 500)
    source = tmp_path / "letter.docx"
    source.write_bytes(render_docx(head, blocks))
    subprocess.run(  # noqa: S603
        [
            shutil.which("soffice") or "soffice",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pages = pages_text((tmp_path / "letter.pdf").read_bytes())
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert text.count(CLASSIFICATION) == 2 and f"Page {number} of {len(pages)}" in text
    assert "DVDS-2026-000007" in pages[0]
