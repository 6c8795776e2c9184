"""One pipeline for generated documents: a context becomes HTML through Jinja, and HTML becomes a PDF.

Documents use their own Jinja environment, stricter than the pages': a misspelt field is an error, never a
blank in a panel pack or a letter. Every document extends `templates/documents/base.html`, which puts the
government security classification (OFFICIAL-SENSITIVE, DOMAIN.md "Handling") at the top and bottom of every
page and numbers the pages "Page N of M". WeasyPrint may fetch nothing but `data:` URLs, so text in a
document can never make the server reach out to a network address or read a local file. Tagged PDF output
gives screen-reader users the headings and reading order.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from weasyprint import HTML, URLFetcher

from disclosure.config import PROJECT_ROOT
from disclosure.text import format_date, format_datetime

DOCUMENT_TEMPLATES = PROJECT_ROOT / "templates"
CLASSIFICATION = "OFFICIAL-SENSITIVE"
# Control characters other than tab and line breaks have no place in a printed document (and Word's XML
# cannot hold them).
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _printable(value: Any) -> str:
    return _UNPRINTABLE.sub("", str(value))


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(DOCUMENT_TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date"] = format_date
    env.filters["datetime"] = format_datetime
    env.filters["printable"] = _printable
    env.globals["classification"] = CLASSIFICATION
    return env


def render_html(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def render_pdf(html: str) -> bytes:
    """A tagged PDF of `html`; its title and author come from the HTML's `<title>` and `<meta>`."""
    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=False)
    pdf: bytes = HTML(string=html, base_url=str(DOCUMENT_TEMPLATES), url_fetcher=fetcher).write_pdf(
        pdf_tags=True
    )
    return pdf


# ---------------------------------------------------------------- letters: one text, three outputs


@dataclass(frozen=True)
class Block:
    """One piece of a letter: `heading` (level 1 or 2), `paragraph`, `bullets` or `notice`."""

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()
    level: int = 1


@dataclass(frozen=True)
class Letterhead:
    force_name: str
    force_address: str
    reference: str
    date: str
    addressee: tuple[str, ...]
    title: str
    keep_from_recipient: bool = False
    logo: bytes | None = None
    logo_type: str = ""

    @property
    def logo_uri(self) -> str:
        """The logo inline as a `data:` URL: the only kind of address WeasyPrint may fetch here."""
        if not self.logo or self.logo_type not in ("image/png", "image/jpeg"):
            return ""
        return f"data:{self.logo_type};base64,{base64.b64encode(self.logo).decode()}"


KEEP_FROM_RECIPIENT = "Not to be left with the recipient. Read it out; do not hand it over."

# A value from a record reaches the letter markup as an opaque token (its UTF-8 in hex between two
# private-use characters) and becomes text again only inside the block the markup made: the parser never
# sees its characters, so a blank line then "# " or "> " in a decision's wording is never structure.
_LITERAL_OPEN, _LITERAL_CLOSE = "\ue000", "\ue001"
_LITERAL = re.compile(f"{_LITERAL_OPEN}([0-9a-f]*){_LITERAL_CLOSE}")


def literal(value: Any) -> str:
    """`value` as literal text for the letter markup (the letter environment's `finalize`)."""
    text = str(value)
    return f"{_LITERAL_OPEN}{text.encode().hex()}{_LITERAL_CLOSE}" if text else ""


def _unhex(match: re.Match[str]) -> str:
    try:
        return bytes.fromhex(match.group(1)).decode("utf-8", errors="replace")
    except ValueError:  # not one of ours: token characters typed into the wording itself
        return ""


def _as_text(markup: str) -> str:
    """A block's markup with every literal back as its own text: line breaks kept (they print as line
    breaks), controls removed, and stray token characters dropped."""
    text = _LITERAL.sub(_unhex, markup)
    text = _printable(text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.replace(_LITERAL_OPEN, "").replace(_LITERAL_CLOSE, "").strip()


def parse_letter(text: str) -> list[Block]:
    """The letter markup templates write: `# ` and `## ` headings, `- ` bullets, `> ` a boxed notice, and
    paragraphs separated by blank lines (lines within a paragraph join). Kept this small so that wording
    editors need no HTML and the same letter becomes HTML, PDF and DOCX. Values inserted with `literal`
    are text inside the block where they stand, whatever they contain."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    bullets: list[str] = []

    def flush() -> None:
        if paragraph:
            joined = _as_text(" ".join(paragraph))
            if joined:  # a line holding only an empty or blank value
                blocks.append(Block("paragraph", joined))
            paragraph.clear()
        if bullets:
            blocks.append(Block("bullets", items=tuple(_as_text(item) for item in bullets)))
            bullets.clear()

    for raw in _printable(text).splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("## "):
            flush()
            blocks.append(Block("heading", _as_text(line[3:]), level=2))
        elif line.startswith("# "):
            flush()
            blocks.append(Block("heading", _as_text(line[2:]), level=1))
        elif line.startswith("- "):
            if paragraph:
                flush()
            bullets.append(line[2:])
        elif line.startswith("> "):
            flush()
            blocks.append(Block("notice", _as_text(line[2:])))
        else:
            if bullets:
                flush()
            paragraph.append(line)
    flush()
    return blocks


def _clean(head: Letterhead) -> Letterhead:
    return replace(
        head,
        force_name=_printable(head.force_name),
        force_address=_printable(head.force_address),
        reference=_printable(head.reference),
        date=_printable(head.date),
        addressee=tuple(_printable(line) for line in head.addressee),
        title=_printable(head.title),
    )


def letter_html(head: Letterhead, blocks: list[Block]) -> str:
    head = _clean(head)
    return render_html("documents/letter.html", head=head, blocks=blocks, keep_notice=KEEP_FROM_RECIPIENT)


def render_docx(head: Letterhead, blocks: list[Block]) -> bytes:
    """The same letter as a Word document: A4, the marking in the header and footer of every page, and
    "Page N of M" from Word's own PAGE and NUMPAGES fields."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    head = _clean(head)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(25)
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Liberation Sans", Pt(11)
    document.core_properties.title = head.title[:255]  # Word's document properties hold 255 characters
    document.core_properties.author = head.force_name[:255]

    top = section.header.paragraphs[0]
    top.alignment = WD_ALIGN_PARAGRAPH.CENTER
    top.add_run(CLASSIFICATION).bold = True
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(CLASSIFICATION).bold = True
    numbers = section.footer.add_paragraph()
    numbers.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    numbers.add_run("Page ")
    _docx_field(numbers, "PAGE")
    numbers.add_run(" of ")
    _docx_field(numbers, "NUMPAGES")

    if head.logo_uri:
        document.add_paragraph().add_run().add_picture(io.BytesIO(head.logo or b""), height=Mm(18))
    letterhead = document.add_paragraph()
    letterhead.add_run(_printable(head.force_name)).bold = True
    for line in _printable(head.force_address).splitlines():
        letterhead.add_run().add_break()
        letterhead.add_run(line)
    document.add_paragraph(f"Our reference: {head.reference}\n{head.date}")
    if head.addressee:
        document.add_paragraph("\n".join(_printable(line) for line in head.addressee))
    if head.keep_from_recipient:
        warning = document.add_paragraph()
        warning.add_run(KEEP_FROM_RECIPIENT).bold = True
    _styled(document, head.title, "Heading1")
    for block in blocks:
        if block.kind == "heading":
            _styled(document, block.text, f"Heading{min(block.level + 1, 3)}")
        elif block.kind == "bullets":
            for item in block.items:
                _styled(document, item, "ListBullet")
        elif block.kind == "notice":
            document.add_paragraph().add_run(block.text).bold = True
        else:
            document.add_paragraph(block.text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _styled(document: Any, text: str, style_id: str) -> None:
    """A paragraph in one of the template's styles, set by id: python-docx's lookup by name scans every
    style for each paragraph and was most of a letter's time."""
    paragraph = document.add_paragraph(text)
    paragraph._p.style = style_id


def _docx_field(paragraph: Any, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    begin, separate, end = (OxmlElement("w:fldChar") for _ in range(3))
    begin.set(qn("w:fldCharType"), "begin")
    separate.set(qn("w:fldCharType"), "separate")
    end.set(qn("w:fldCharType"), "end")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    shown = OxmlElement("w:t")
    shown.text = "1"
    for element in (begin, code, separate, shown, end):
        run._r.append(element)
