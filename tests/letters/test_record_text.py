"""Record text is never letter structure [issue 13]: a value from a case, however it is written, prints as
text inside the block the wording puts it in, in the HTML, the PDF and the Word file."""

from __future__ import annotations

import copy
import dataclasses
import io
import re
from typing import Any

import pytest
from docx import Document
from pypdf import PdfReader
from sqlalchemy.orm import Session

from disclosure.documents import Block, letter_html, render_docx, render_pdf
from disclosure.letters import service
from disclosure.letters.context import Draft
from disclosure.letters.render import compose
from disclosure.letters.samples import SAMPLE_CONTEXT, sample_draft
from disclosure.letters.vocabulary import LetterKind
from disclosure.storage import LocalFileStore
from tests.decisions.conftest import Cast
from tests.letters.conftest import Decide

# Every construct the letter markup knows (headings, bullets, notices, paragraphs split by blank lines), and
# what other markups and Jinja would read as structure or code.
HOSTILE = (
    "Before\n\n# Injected heading\n\n## Injected subheading\n\n- Injected bullet\n\n> Injected notice\n\n"
    "**Injected bold** <b>Injected tag</b> {{ 7 * 7 }} {% if true %}x{% endif %}\r\n\r\nAfter"
)
CONSTRUCTS = ("# Injected heading", "## Injected subheading", "- Injected bullet", "> Injected notice")


def _fields(context: dict[str, Any]) -> list[str]:
    """Every text field a wording may use (`decision.wording` and so on)."""
    names = []
    for key, value in context.items():
        if key == "logo":
            continue
        if isinstance(value, dict):
            names += [f"{key}.{inner}" for inner, v in value.items() if isinstance(v, str | list)]
        elif isinstance(value, str):
            names.append(key)
    return names


def _hostile(context: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(context)
    for key, value in changed.items():
        if isinstance(value, dict):
            for inner, v in value.items():
                if isinstance(v, str):
                    value[inner] = HOSTILE
                elif isinstance(v, list):
                    value[inner] = [HOSTILE] * len(v)
        elif isinstance(value, str):
            changed[key] = HOSTILE
    return changed


def _wording(fields: list[str]) -> str:
    """Each field in each construct: a heading, a paragraph, a bullet and a notice."""
    parts = []
    for name in fields:
        value = f"{name} | join(' / ')" if name.endswith(("safeguarding", "people")) else name
        parts.append(
            f"# Heading {{{{ {value} }}}}\n\nParagraph {{{{ {value} }}}}\n\n- Bullet {{{{ {value} }}}}\n\n"
            f"> Notice {{{{ {value} }}}}\n"
        )
    return "\n".join(parts)


def _shape(blocks: list[Block]) -> list[tuple[str, int, int]]:
    return [(b.kind, b.level, len(b.items)) for b in blocks]


def _draft(kind: LetterKind, hostile: bool) -> Draft:
    draft = sample_draft(kind)
    return dataclasses.replace(draft, context=_hostile(draft.context)) if hostile else draft


def _outline(pdf: bytes) -> list[str]:
    def walk(items: list[Any]) -> list[str]:
        titles: list[str] = []
        for item in items:
            titles += walk(item) if isinstance(item, list) else [item.title]
        return titles

    return walk(PdfReader(io.BytesIO(pdf)).outline)


def _pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def _docx_styles(docx: bytes) -> list[tuple[str, str]]:
    return [(p.style.name if p.style else "", p.text) for p in Document(io.BytesIO(docx)).paragraphs]


def test_every_field_in_every_construct_keeps_the_wordings_structure() -> None:
    fields = _fields(SAMPLE_CONTEXT)
    assert {"decision.wording", "decision.safety_plan", "applicant.address", "partner.asked"} <= set(fields)
    wording = _wording(fields)
    draft = sample_draft(LetterKind.DISCLOSURE_RECORD)
    _, benign = compose(draft, wording)
    head, blocks = compose(dataclasses.replace(draft, context=_hostile(draft.context)), wording)
    assert _shape(blocks) == _shape(benign)
    assert [b.kind for b in blocks] == ["heading", "paragraph", "bullets", "notice"] * len(fields)
    for block in blocks:
        text = block.items[0] if block.items else block.text
        assert all(construct in text for construct in CONSTRUCTS), text
        assert "{{ 7 * 7 }}" in text and "**Injected bold**" in text and "\r" not in text

    html = letter_html(head, blocks)
    assert len(re.findall(r"<h2>", html)) == len(fields) and "<h3>" not in html
    assert len(re.findall(r"<li>", html)) == len(fields)
    assert len(re.findall(r'<p class="notice">', html)) == len(fields)
    assert "<b>Injected tag</b>" not in html and "&lt;b&gt;Injected tag&lt;/b&gt;" in html
    assert not re.search(r"<h[1-6]>\s*Injected", html) and not re.search(r"<li>\s*Injected", html)

    pdf = render_pdf(html)
    outline = _outline(pdf)  # WeasyPrint makes a bookmark of every heading
    assert len(outline) == 1 + len(fields) and all(t.startswith(("Heading", head.title)) for t in outline)
    assert "# Injected heading" in _pdf_text(pdf) and "> Injected notice" in _pdf_text(pdf)

    styles = _docx_styles(render_docx(head, blocks))
    headed = [text for style, text in styles if style.startswith("Heading") and text != head.title]
    bulleted = [text for style, text in styles if style == "List Bullet"]
    assert len(headed) == len(fields) and all(t.startswith("Heading") for t in headed)
    assert len(bulleted) == len(fields) and all(t.startswith("Bullet") for t in bulleted)
    assert any("# Injected heading" in text for _, text in styles)


@pytest.mark.parametrize("kind", list(LetterKind))
def test_every_bundled_letter_keeps_its_structure_whatever_the_records_say(kind: LetterKind) -> None:
    _, benign = compose(_draft(kind, hostile=False))
    _, blocks = compose(_draft(kind, hostile=True))
    assert _shape(blocks) == _shape(benign)
    assert not any(b.text.startswith("Injected") for b in blocks)


def test_decision_wording_with_a_heading_and_a_notice_prints_as_the_panel_wrote_it(
    db: Session, cast: Cast, decided: Decide, store: LocalFileStore
) -> None:
    wording = "He was convicted in 2019.\n\n# Not a heading\n\n> Not a notice"
    case = decided("disclose", wording=wording)
    letter = service.generate(db, cast.officer, store, case.id, LetterKind.DISCLOSURE_RECORD.value)
    _, pdf, _ = service.download(db, cast.officer, store, case.id, letter.id, "pdf")
    _, docx, _ = service.download(db, cast.officer, store, case.id, letter.id, "docx")
    assert not any("Not a" in title for title in _outline(pdf))
    assert "# Not a heading" in _pdf_text(pdf) and "> Not a notice" in _pdf_text(pdf)
    styles = _docx_styles(docx)
    assert not any("Not a" in text for style, text in styles if style.startswith("Heading"))
    [(style, text)] = [(s, t) for s, t in styles if "Not a heading" in t]
    assert text.startswith("He was convicted in 2019.") and style == "Notice"  # the wording's own box
    *_, blocks = service.preview(db, cast.officer, case.id, LetterKind.DISCLOSURE_RECORD.value)
    notices = [b.text for b in blocks if b.kind == "notice"]
    assert notices == [wording]
