"""The panel pack: a frozen package version rendered as a PDF for the decision panel [issue 4].

It is built only from the version's snapshot, so the pack for version N reads the same however the case
changes later: the panel always sees which version it decided on. Every page carries the OFFICIAL-SENSITIVE
marking and "Page N of M" (from `templates/documents/base.html`); a contents page links each section with its
page number, and each evidence item shows its full provenance (source, reference, date of the information,
who recorded it and when, the 3x5x2 grading) and the SHA-256 of each attachment.
"""

from __future__ import annotations

from typing import Any

from disclosure.documents import render_html, render_pdf

SECTIONS = (
    ("people", "People on the case"),
    ("summary", "Research summary and risk analysis"),
    ("recommendation", "Recommendation"),
    ("checks", "Checks"),
    ("partners", "Partner agency returns"),
    ("evidence", "Evidence"),
    ("draft", "Draft disclosure"),
)


OFFENDING = ("offending", "The subject's offending and management")


def sections(snapshot: dict[str, Any]) -> list[tuple[str, str]]:
    """The pack's sections; a Sarah's Law pack has the subject's offending after the people."""
    found = list(SECTIONS)
    if snapshot.get("offending"):
        found.insert(1, OFFENDING)
    return found


def panel_pack_html(snapshot: dict[str, Any], *, force_name: str) -> str:
    listed = sections(snapshot)
    return render_html(
        "research/panel_pack.html",
        pack=snapshot,
        force_name=force_name,
        sections=listed,
        numbers={anchor: n for n, (anchor, _) in enumerate(listed, start=1)},
    )


def render_panel_pack(snapshot: dict[str, Any], *, force_name: str) -> bytes:
    return render_pdf(panel_pack_html(snapshot, force_name=force_name))
