"""Opening a record outside one's need to know for a stated reason [APP-MoPI]: a case outside one's team
(`requests.access`) or a person no case or episode of one's involves (`people.access`). The reason is at
least 10 characters, recorded with who and when, audited as a consultation, and opens the record for one
working shift (`STATED_REASON_HOURS`); then a new reason is needed."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ForeignKey, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from disclosure import audit
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.forms import STATED_REASON_HOURS, stated_reason


class StatedReasonGrant:
    """The columns every grant table shares (mixed into `AccessGrant` and `PersonAccessGrant`)."""

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), comment="Who opened it.")
    reason: Mapped[str] = mapped_column(Text, comment="Their stated reason.")
    granted_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When.")
    expires_at: Mapped[datetime] = mapped_column(comment="Access lapses after this; a new reason is needed.")


def holds(session: Session, actor: Principal, kind: type[StatedReasonGrant], target: Any) -> bool:
    """Whether the actor stated a reason this shift for the record `target` picks out (a condition on
    `kind`, the grant table: `AccessGrant.request_id == case_id`)."""
    found = session.scalar(
        select(kind.user_id).where(target, kind.user_id == actor.user_id, kind.expires_at > utcnow()).limit(1)
    )
    return found is not None


def grant(
    session: Session,
    actor: Principal,
    row: StatedReasonGrant,
    values: dict[str, Any],
    *,
    what: str,
    object_type: str,
    object_id: uuid.UUID,
) -> None:
    """Check the stated reason (`what` names the record: "this case"), keep the grant row and audit it."""
    reason = stated_reason(values, what)
    row.user_id, row.reason = actor.user_id, reason
    row.expires_at = utcnow() + timedelta(hours=STATED_REASON_HOURS)
    session.add(row)
    audit.record(
        session,
        actor=actor,
        action=f"{object_type}.open_with_reason",
        category=AuditCategory.CONSULTATION,
        object_type=object_type,
        object_id=object_id,
        justification=reason,
    )
