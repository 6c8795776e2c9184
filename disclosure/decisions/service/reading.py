"""A decision as people read it (pages, minutes, the JSON API): codes turned into words, ids into names."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.accounts.models import User
from disclosure.decisions.models import Decision, NoDisclosureReason
from disclosure.decisions.vocabulary import (
    Capacity,
    DecisionStatus,
    LegalTest,
    Outcome,
    Safeguarding,
    SpentConvictions,
    View,
)


def _names(session: Session, decision: Decision) -> dict[Any, str]:
    ids = {decision.drafted_by_id, decision.signed_by_id, decision.deliverer_id}
    ids |= {a.added_by_id for a in decision.addenda}
    wanted = [i for i in ids if i is not None]
    return {u.id: u.display_name for u in session.scalars(select(User).where(User.id.in_(wanted)))}


def describe(session: Session, decision: Decision) -> dict[str, Any]:
    """Everything recorded, in words, in the order the minutes and the decision page show it."""
    names = _names(session, decision)
    reason = (
        session.get(NoDisclosureReason, decision.no_disclosure_reason_id)
        if decision.no_disclosure_reason_id
        else None
    )
    tests = [
        {
            "test": test.value,
            "label": test.label,
            "met": decision.legal_tests[test.value]["met"],
            "reasoning": decision.legal_tests[test.value]["reasoning"],
        }
        for test in LegalTest
        if test.value in decision.legal_tests
    ]
    return {
        "id": str(decision.id),
        "request_id": str(decision.request_id),
        "status": decision.status,
        "status_label": DecisionStatus(decision.status).label,
        "outcome": decision.outcome,
        "outcome_label": Outcome(decision.outcome).label,
        "package_version": decision.package_version_number,
        "legal_tests": tests,
        "article8": decision.article8,
        "spent_convictions": SpentConvictions(decision.spent_convictions).label
        if decision.spent_convictions
        else "",
        "spent_reasoning": decision.spent_reasoning,
        "wording": decision.wording,
        "recipients": [{**r, "capacity_label": Capacity(r["capacity"]).label} for r in decision.recipients],
        "recipient_reasons": decision.recipient_reasons,
        "deliverer": names.get(decision.deliverer_id, "") if decision.deliverer_id else "",
        "subject_views_sought": decision.subject_views_sought,
        "subject_views": decision.subject_views,
        "subject_told": decision.subject_told,
        "subject_told_reason": decision.subject_told_reason,
        "safety_plan": decision.safety_plan,
        "safeguarding": [Safeguarding(s).label for s in decision.safeguarding],
        "safeguarding_details": decision.safeguarding_details,
        "no_disclosure_reason": reason.label if reason else "",
        "safety_advice": decision.safety_advice,
        "applicant_told": decision.applicant_told,
        "presumption_applies": decision.presumption_applies,
        "presumption_departure": decision.presumption_departure,
        "urgent_ratification": decision.urgent_ratification,
        "urgent_ratification_notes": decision.urgent_ratification_notes,
        "questions": decision.questions,
        "views": [
            {"agency": v.agency.name, "view": v.view, "view_label": View(v.view).label, "reasons": v.reasons}
            for v in decision.views
        ],
        "dissent": any(v.view == View.DISSENT.value for v in decision.views),
        "rationale": decision.rationale,
        "participants": decision.quorum.get("participants", []),
        "drafted_by": names.get(decision.drafted_by_id, ""),
        "signed_by": names.get(decision.signed_by_id, "") if decision.signed_by_id else "",
        "signed_at": decision.signed_at.isoformat() if decision.signed_at else None,
        "addenda": [
            {
                "text": a.text,
                "reason": a.reason,
                "added_by": names.get(a.added_by_id, ""),
                "added_at": a.added_at.isoformat(),
            }
            for a in decision.addenda
        ],
    }
