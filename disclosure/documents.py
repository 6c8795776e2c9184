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
import zipfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
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
    subject: str = ""  # what kind of letter it is, for the Word file's properties

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
        subject=_printable(head.subject),
    )


def _clean_blocks(blocks: list[Block]) -> list[Block]:
    """Blocks as a document can hold them, whoever built them (`parse_letter` has; a caller may not)."""
    return [
        replace(block, text=_printable(block.text), items=tuple(_printable(i) for i in block.items))
        for block in blocks
    ]


def letter_html(head: Letterhead, blocks: list[Block]) -> str:
    head, blocks = _clean(head), _clean_blocks(blocks)
    return render_html("documents/letter.html", head=head, blocks=blocks, keep_notice=KEEP_FROM_RECIPIENT)


def render_docx(head: Letterhead, blocks: list[Block], *, generated_at: datetime | None = None) -> bytes:
    """The same letter as a Word document, built on our own template (`disclosure/assets/letter-template/`)
    so that it reads like the PDF: A4, Arial (Liberation Sans's metrics) in the GOV.UK text colour, British
    English, black headings, the notices boxed as in the PDF, the marking (DOMAIN.md "Handling") and the
    case reference in the header of every page, the marking and "Page N of M" in the footer. Its properties
    say what it is: the letter's title and kind, the force as author, the case reference, the marking as its
    category, and the moment it was generated (now, unless given)."""
    from docx import Document
    from docx.shared import Mm

    head, blocks = _clean(head), _clean_blocks(blocks)
    document = Document(io.BytesIO(_word_template()))
    _word_properties(document, head, generated_at or datetime.now(UTC))
    section = document.sections[0]
    header, footer = section.header.paragraphs[0], section.footer.paragraphs[0]
    _marked(header)
    header.add_run(head.reference, style="Running head")
    _marked(footer)
    for part in ("Page ", "PAGE", " of ", "NUMPAGES"):
        run = _docx_field(footer, part) if part.isupper() else footer.add_run(part)
        run.style = "Page number"

    _word_letterhead(document, head)
    if head.addressee:
        document.add_paragraph("\n".join(head.addressee), style="Addressee")
    if head.keep_from_recipient:
        document.add_paragraph(KEEP_FROM_RECIPIENT, style="Warning")
    document.add_paragraph(head.title, style="Heading 1")
    for block in blocks:
        if block.kind == "heading":
            document.add_paragraph(block.text, style=f"Heading {min(block.level + 1, 3)}")
        elif block.kind == "bullets":
            items = [document.add_paragraph(item, style="List Bullet") for item in block.items]
            if items:  # a list ends with a paragraph's space, its items 1 mm apart
                items[-1].paragraph_format.space_after = Mm(3)
        elif block.kind == "notice":
            document.add_paragraph(block.text, style="Notice")
        else:
            document.add_paragraph(block.text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


WORD_TEMPLATE = Path(__file__).parent / "assets" / "letter-template"
# A zip entry's date is not the document's: the package is the same bytes for the same parts.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


@cache
def _word_template() -> bytes:
    """Our Word template packed as a .docx. Its parts are kept as plain XML, so a change to a style reads
    as a diff, and the package is built the same way every time: sorted entries, a fixed date, and nothing
    python-docx's own template carries (no thumbnail, no theme, no sample properties)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for path in sorted(p for p in WORD_TEMPLATE.rglob("*") if p.is_file()):
            entry = zipfile.ZipInfo(path.relative_to(WORD_TEMPLATE).as_posix(), _ZIP_EPOCH)
            package.writestr(entry, path.read_bytes(), zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _word_properties(document: Any, head: Letterhead, generated_at: datetime) -> None:
    properties = document.core_properties
    # Word's document properties hold 255 characters.
    properties.title = head.title[:255]
    properties.subject = (head.subject or head.title)[:255]
    properties.author = properties.last_modified_by = head.force_name[:255]
    properties.identifier = properties.keywords = head.reference[:255]
    properties.category = CLASSIFICATION
    properties.language = "en-GB"
    properties.revision = 1
    properties.created = properties.modified = generated_at.astimezone(UTC)


def _marked(paragraph: Any) -> None:
    """The protective marking centred on the header's or footer's line, then a tab to the right margin."""
    paragraph.add_run("\t")
    paragraph.add_run(CLASSIFICATION, style="Protective marking")
    paragraph.add_run("\t")


def _word_letterhead(document: Any, head: Letterhead) -> None:
    """The force (logo, name, address) on the left and the reference and date on the right, as the PDF's
    letterhead: a table without borders, whose cells keep each side's lines together."""
    from docx.shared import Mm, Twips

    table = document.add_table(rows=1, cols=2)
    table.style = "Letterhead"
    table.autofit = False
    force, meta = table.rows[0].cells
    for column, cell, width in zip(table.columns, (force, meta), (Mm(100), Twips(3731)), strict=True):
        column.width = cell.width = width  # the two make 165.8 mm, the width between the margins
    first = force.paragraphs[0]
    if head.logo_uri:
        first.style = "Logo"
        logo = first.add_run().add_picture(io.BytesIO(head.logo or b""), height=Mm(18))
        if logo.width > Mm(60):  # as the PDF: at most 18 mm high and 60 mm wide
            logo.height, logo.width = int(logo.height * Mm(60) / logo.width), Mm(60)
        # python-docx has no alt-text API: Word keeps it in the drawing's docPr. The distances from the text
        # are written as none, since readers assume a floating picture's 3 mm where they are missing.
        inline = logo._inline
        for side in ("distT", "distB", "distL", "distR"):
            inline.set(side, "0")
        inline.docPr.set("name", "Logo")
        inline.docPr.set("descr", head.force_name)
        first = force.add_paragraph()
    first.style = "Force name"
    first.add_run(head.force_name)
    if head.force_address:
        force.add_paragraph(head.force_address, style="Force address")
    meta.paragraphs[0].style = "Reference and date"
    meta.paragraphs[0].add_run(f"Our reference: {head.reference}\n{head.date}")


def _docx_field(paragraph: Any, instruction: str) -> Any:
    """A run holding one of Word's fields (PAGE, NUMPAGES), which python-docx cannot write itself."""
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
    return run
