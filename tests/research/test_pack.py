"""The panel pack: contents, marking and numbers on every page, and each fact's provenance [issue 4]."""

from __future__ import annotations

import io
import re
from typing import Any

from pypdf import PdfReader

from disclosure.research.pack import SECTIONS, panel_pack_html, render_panel_pack

SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def snapshot(**changes: Any) -> dict[str, Any]:
    item = {
        "number": 1,
        "about": "Subject: Mark Hughes",
        "summary": "Convicted of assault occasioning actual bodily harm against a former partner in 2019.",
        "source": "Police National Computer",
        "source_reference": "PNC 19/123456X",
        "information_date": "2019-06-14",
        "recorded_by": "Rae Researcher",
        "recorded_at": "2026-11-20T10:30:00+00:00",
        "grading": "A1P",
        "grading_text": "Always reliable; known to be true without reservation; may be disclosed (P)",
        "nature": "Fact",
        "disclosable": True,
        "disclose_to": "Person at risk",
        "owner_consent": "Given",
        "attachments": [{"filename": "conviction.pdf", "size": 5120, "sha256": SHA}],
    }
    pack: dict[str, Any] = {
        "reference": "DVDS-2026-000042",
        "scheme": "Domestic Violence Disclosure Scheme",
        "route": "Right to Ask",
        "version": 2,
        "change_reason": "Probation return arrived after the first submission.",
        "submitted_at": "2026-11-21T09:00:00+00:00",
        "submitted_by": "Rae Researcher",
        "reviewed_by": "Sam Supervisor",
        "reviewed_at": "2026-11-20T16:00:00+00:00",
        "review_notes": "Grading checked.",
        "people": [
            {
                "role": "Subject",
                "name": "Mark Hughes",
                "date_of_birth": "1985-02-03",
                "aliases": ["Marky Hughes"],
                "addresses": ["1 High Street, Leeds, LS1 1AA"],
            },
            {"role": "Applicant", "name": "Jo Bloggs", "date_of_birth": None, "aliases": [], "addresses": []},
        ],
        "summary": "Subject has one relevant conviction.\nNo current bail conditions.",
        "risk_analysis": "Pattern of controlling behaviour reported by two former partners.",
        "recommendation": {
            "code": "disclose",
            "label": "Disclose",
            "reasons": "Pressing need: new relationship.",
        },
        "draft_disclosure": "In 2019 Mark Hughes was convicted of assaulting a former partner.",
        "checks": [
            {
                "name": "Police National Computer (PNC)",
                "kind": "Police system",
                "required": True,
                "result": "Information found",
                "reference": "PNC-CHK-1",
                "performed_by": "Rae Researcher",
                "performed_at": "2026-11-19T11:00:00+00:00",
                "onward_consent": "Not needed (police information)",
                "notes": "",
            }
        ],
        "missing_checks": [],
        "partner_requests": [
            {
                "agency": "Probation Service",
                "asked": "Is Mark Hughes under supervision?",
                "sent_at": "2026-11-18T09:00:00+00:00",
                "due_on": "2026-11-25",
                "status": "Answered",
                "response": "Yes, licence until 2027.",
                "responded_by": "Pat Partner",
                "responded_at": "2026-11-19T15:00:00+00:00",
                "closed_reason": "",
            }
        ],
        "evidence": [item] + [dict(item, number=n, attachments=[]) for n in range(2, 14)],
    }
    pack.update(changes)
    return pack


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_every_page_is_marked_official_sensitive_and_numbered() -> None:
    pages = _pages(render_panel_pack(snapshot(), force_name="West Yorkshire Police"))
    assert len(pages) >= 4
    for number, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") == 2, text
        assert f"Page {number} of {len(pages)}" in text
        assert "DVDS-2026-000042" in text


def test_the_contents_page_lists_each_section_with_the_page_it_starts_on() -> None:
    pages = _pages(render_panel_pack(snapshot(), force_name="West Yorkshire Police"))
    contents = pages[1]
    assert "Contents" in contents
    for number, (_anchor, heading) in enumerate(SECTIONS, start=1):
        match = re.search(rf"{number}\. {re.escape(heading)}\s*(\d+)", contents)
        assert match, heading
        starts_on = int(match.group(1))
        assert f"{number}. {heading}" in pages[starts_on - 1]


def test_each_fact_appears_with_its_provenance() -> None:
    text = " ".join(_pages(render_panel_pack(snapshot(), force_name="West Yorkshire Police")))
    flat = re.sub(r"\s+", " ", text)
    for fact in (
        "Convicted of assault occasioning actual bodily harm",
        "Police National Computer, reference PNC 19/123456X",
        "14 June 2019",
        "20 November 2026 at 10:30am by Rae Researcher",
        "A1P",
        "conviction.pdf (5120 bytes)",
        "Yes, licence until 2027.",
        "Probation return arrived after the first submission.",
        "Pressing need: new relationship.",
        "In 2019 Mark Hughes was convicted",
        "Marky Hughes",
    ):
        assert fact in flat, fact
    assert SHA in flat.replace(" ", "")


def test_missing_checks_and_empty_sections_are_stated_not_left_blank() -> None:
    pack = snapshot(
        missing_checks=["ViSOR"], evidence=[], partner_requests=[], risk_analysis="", change_reason=""
    )
    flat = re.sub(r"\s+", " ", " ".join(_pages(render_panel_pack(pack, force_name="Force"))))
    assert "Required checks not done: ViSOR" in flat
    assert "No evidence items were recorded." in flat
    assert "No partner agencies were asked." in flat
    assert "None recorded" in flat


def test_text_from_the_case_cannot_inject_markup() -> None:
    html = panel_pack_html(
        snapshot(summary='<img src="file:///etc/passwd"> \x07bell'), force_name="Force <script>"
    )
    assert '<img src="file:///etc/passwd">' not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt; bell" in html
    assert "Force &lt;script&gt;" in html
