"""What the decisions feature adds to other features' pages, registered in `disclosure.wiring`: the case page
shows the urgent disclosures made before the panel and whether the panel has ratified them [Beds]."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from disclosure.decisions.service import urgent
from disclosure.decisions.vocabulary import Capacity, Ratification
from disclosure.requests.models import DisclosureRequest


def case_panel(session: Session, case: DisclosureRequest) -> dict[str, Any]:
    return {
        "urgent_disclosures": [
            {
                "row": row,
                "capacity": Capacity(row.capacity).label,
                "ratification": Ratification(row.ratification).label if row.ratification else "",
            }
            for row in urgent.for_case(session, case.id)
        ],
        "urgent_possible": urgent.why_not(case) is None,
    }
