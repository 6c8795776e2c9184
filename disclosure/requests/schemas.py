"""Input for logging a request, once its fields are read (the readers are in `disclosure.forms`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class LogRequestInput:
    route: str
    applicant_type: str | None
    first_contact_at: datetime
    channel: str
    receiving_force: str
    police_reference: str
    information_received: str
    alleged_crime: bool
    crime_reference: str
    open_linked_case: bool
