"""One pipeline for generated documents: a context becomes HTML through Jinja, and HTML becomes a PDF.

Documents use their own Jinja environment, stricter than the pages': a misspelt field is an error, never a
blank in a panel pack or a letter. Every document extends `templates/documents/base.html`, which puts the
government security classification (OFFICIAL-SENSITIVE, DOMAIN.md "Handling") at the top and bottom of every
page and numbers the pages "Page N of M". WeasyPrint may fetch nothing but `data:` URLs, so text in a
document can never make the server reach out to a network address or read a local file. Tagged PDF output
gives screen-reader users the headings and reading order.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from weasyprint import HTML, URLFetcher

from disclosure.config import PROJECT_ROOT
from disclosure.text import format_date, format_datetime

DOCUMENT_TEMPLATES = PROJECT_ROOT / "templates"
CLASSIFICATION = "OFFICIAL-SENSITIVE"
# Control characters other than tab and line breaks have no place in a printed document.
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
