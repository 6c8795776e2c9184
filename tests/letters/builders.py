"""Builders for letter and delivery tests."""

from __future__ import annotations

from disclosure.db import utcnow
from tests.builders import date_time_fields


def when(prefix: str = "occurred") -> dict[str, str]:
    """Now, to the minute: the decision was signed off a moment ago (a delivery cannot come before it)."""
    return date_time_fields(prefix, utcnow())


def disclosure_delivery(**overrides: object) -> dict[str, object]:
    """A disclosure made in person as the guidance asks: identity re-confirmed, the warning given."""
    return {
        "method": "in_person",
        **when(),
        "place": "Leeds Central police station",
        "present": "Jo Smith, IDVA",
        "identity_reconfirmed": "yes",
        "warning_given": "yes",
        "acknowledgement": "verbal",
        "safety_plan_agreed": "yes",
        "support": "IDVA service and the National Domestic Abuse Helpline",
        "reaction": "Shocked, then relieved to know.",
        "subject_told": "no",
        **overrides,
    }
