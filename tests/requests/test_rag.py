"""The RAG rating follows the triage [issue 16, "Work out what can be worked out"]: left blank it is the
suggested rating (red for immediate or high risk, amber for medium risk or potential escalation, green for
standard); chosen, it may raise the suggestion, never lower it."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from disclosure.auth import Principal
from disclosure.errors import FormInvalid
from tests.requests.builders import make_request, triage


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"dash_score": "5"}, "green"),
        ({"dash_score": "12"}, "amber"),
        ({"dash_score": "15", "marac_referral": "yes", "idva_referral": "yes"}, "red"),
        ({"dash_score": "3", "immediate_risk": "yes", "immediate_risk_action": "Officers sent"}, "red"),
        (
            {
                "dash_done": "no",
                "dash_score": "",
                "professional_risk_level": "medium",
                "risk_rationale": "Stalking",
            },
            "amber",
        ),
    ],
)
def test_left_blank_the_rating_follows_the_risk(
    db: Session, clerk: Principal, answers: dict[str, str], expected: str
) -> None:
    case = make_request(db, clerk)
    triage(db, clerk, case, rag="", **answers)
    assert case.rag == expected


def test_with_nothing_assessed_a_rating_must_be_chosen(db: Session, clerk: Principal) -> None:
    case = make_request(db, clerk)
    with pytest.raises(FormInvalid) as refused:
        triage(db, clerk, case, rag="", dash_done="no", dash_score="")
    assert refused.value.errors["rag"].startswith("Select a RAG rating")
    triage(db, clerk, case, rag="amber", dash_done="no", dash_score="")
    assert case.rag == "amber"


def test_a_chosen_rating_may_raise_the_suggestion_never_lower_it(db: Session, clerk: Principal) -> None:
    case = make_request(db, clerk)
    with pytest.raises(FormInvalid) as lowered:
        triage(db, clerk, case, dash_score="12", rag="green")
    assert lowered.value.errors == {"rag": "Medium risk or potential escalation must be rated amber or red"}
    triage(db, clerk, case, dash_score="12", rag="red")
    assert case.rag == "red"
