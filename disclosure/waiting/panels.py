"""The home page's list of what waits, registered through its hook (in `disclosure.wiring`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from disclosure.auth import Principal
from disclosure.waiting import mail, service


def home_panel(session: Session, principal: Principal) -> dict[str, Any]:
    """Every task waiting for the user, and how they are told of new ones."""
    return {
        "waiting": service.tasks(session, principal),
        "waiting_email": mail.choice_of(session, principal.user_id),
    }
