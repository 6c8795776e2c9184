"""The decision form's answers before anyone types: the draft as last saved, or what the case already knows.

A new decision starts from the package put to the panel and from the triage: the exact words start from the
package's draft disclosure, with the researchers' working prefixes taken off (the evidence item numbers and
"to the person at risk" notes that `research.service.package.draft_from_items` writes, which are for the
panel's reading and never words to say to a recipient), and the safeguarding actions start with the MARAC
and IDVA referrals the triage made [SafeLives][MARAC-criteria]. The panel changes any of it."""

from __future__ import annotations

import re
from typing import Any

from disclosure.decisions.models import Decision
from disclosure.decisions.vocabulary import LegalTest, Outcome, Safeguarding
from disclosure.requests.models import DisclosureRequest

_ITEM = r"(?:E|Item\s*|Evidence\s+item\s*)\d+"
_PREFIX = re.compile(
    rf"""^[ \t]*[\[(]?{_ITEM}[\])]?          # E3, [E3], (E3), Item 3
    (?:[ \t]*\((?:to|for)[ \t][^)\n]*\))?    # (to the person at risk)
    [ \t]*(?:[:.\-\u2013\u2014][ \t]*|[ \t]+)  # then a colon, stop or dash, or a space
    """,
    re.IGNORECASE | re.MULTILINE | re.VERBOSE,
)
_INLINE = re.compile(
    rf"[ \t]*[\[(](?:see[ \t]+)?{_ITEM}(?:[ \t]*(?:,|and)[ \t]*{_ITEM})*[\])]", re.IGNORECASE
)

TEST_PREFIX = {Outcome.DISCLOSE: "test-", Outcome.NO_DISCLOSURE: "nd-test-"}
"""Each outcome asks the legal tests under its own names (a disclosure needs them all; a decision not to
disclose records those the panel considered), so the two sets of questions never share a field."""


def disclosure_words(draft: str) -> str:
    """The draft disclosure as words for the recipient: each paragraph without its evidence item prefix
    ("E3 (to the person at risk): ", "[E3] ", "Item 3 - ") and without inline item references ("(E3)")."""
    words = _INLINE.sub("", _PREFIX.sub("", draft or ""))
    return "\n".join(line.rstrip() for line in words.strip().splitlines())


def triage_referrals(case: DisclosureRequest) -> list[Safeguarding]:
    """The referrals the triage made (high risk triggers both [SafeLives])."""
    made = (
        (case.marac_referral, Safeguarding.MARAC_REFERRAL),
        (case.idva_referral, Safeguarding.IDVA_REFERRAL),
    )
    return [action for referred, action in made if referred]


def _yes_no(answer: bool | None) -> str:
    return "" if answer is None else ("yes" if answer else "no")


def form_answers(
    case: DisclosureRequest, decision: Decision | None, snapshot: dict[str, Any]
) -> dict[str, Any]:
    """The decision form's answers: the saved draft, or a new decision's starting answers."""
    if decision is None:
        return {
            "wording": disclosure_words(snapshot.get("draft_disclosure", "")),
            "recipients": [],
            "safeguarding": [s.value for s in triage_referrals(case)],
        }
    values: dict[str, Any] = {
        "version": str(decision.version),
        "outcome": decision.outcome,
        "article8": decision.article8,
        "spent_convictions": decision.spent_convictions,
        "spent_reasoning": decision.spent_reasoning,
        "wording": decision.wording or disclosure_words(snapshot.get("draft_disclosure", "")),
        "recipients": [r["party_id"] for r in decision.recipients],
        "recipient_reasons": decision.recipient_reasons,
        "deliverer_id": str(decision.deliverer_id or ""),
        "subject_views_sought": _yes_no(decision.subject_views_sought),
        "subject_views": decision.subject_views,
        "subject_told": _yes_no(decision.subject_told),
        "subject_told_reason": decision.subject_told_reason,
        "safety_plan": decision.safety_plan,
        "safeguarding": list(decision.safeguarding)
        if decision.outcome == Outcome.DISCLOSE.value
        else [s.value for s in triage_referrals(case)],
        "safeguarding_details": decision.safeguarding_details,
        "no_disclosure_reason_id": str(decision.no_disclosure_reason_id or ""),
        "safety_advice": decision.safety_advice,
        "applicant_told": decision.applicant_told,
        "questions": decision.questions,
        "presumption_departure": decision.presumption_departure,
        "urgent_ratification": decision.urgent_ratification,
        "urgent_ratification_notes": decision.urgent_ratification_notes,
        "rationale": decision.rationale,
    }
    for test in LegalTest:  # under both outcomes' names, so that changing the outcome keeps the answers
        answer = decision.legal_tests.get(test.value)
        if answer is None:
            continue
        for prefix in TEST_PREFIX.values():
            values[f"{prefix}{test.value}"] = "yes" if answer["met"] else "no"
            values[f"{prefix}{test.value}-reasoning"] = answer["reasoning"]
    for view in decision.views:
        values[f"view-{view.panel_agency_id}"] = view.view
        values[f"view-{view.panel_agency_id}-reasons"] = view.reasons
    return values
