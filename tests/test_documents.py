"""The document pipeline: strict templates, the marking and page numbers on every page, nothing fetched."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from jinja2 import UndefinedError
from pypdf import PdfReader

from disclosure.documents import CLASSIFICATION, environment, render_html, render_pdf


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
