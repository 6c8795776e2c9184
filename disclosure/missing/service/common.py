"""What the missing-person verbs share: who may act, an episode's audit event, loading an episode, and the
errors of a form in the order its fields appear."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.accounts.roles import Role
from disclosure.audit import Actor, AuditCategory
from disclosure.auth import Principal
from disclosure.errors import NotFound, PermissionDenied
from disclosure.missing.models import Episode


def require_coordinator(actor: Principal) -> None:
    """Missing-person coordination is the MASH data administrator's work [issue 7]."""
    if not actor.has_any(Role.DATA_ADMINISTRATOR.value):
        raise PermissionDenied("Only data administrators coordinate missing-person episodes")


def require_administrator(actor: Principal) -> None:
    """The local rules and the risk continuum are settings: administrators change them."""
    if not actor.has_any(Role.ADMINISTRATOR.value):
        raise PermissionDenied("Only administrators change the missing-person rules")


def _record(
    session: Session,
    actor: Actor,
    episode: Episode,
    action: str,
    category: AuditCategory,
    justification: str,
    **details: Any,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"missing.{action}",
        category=category,
        object_type="missing_episode",
        object_id=episode.id,
        justification=justification,
        details=details or None,
    )


def get_episode(session: Session, episode_id: uuid.UUID) -> Episode:
    episode = session.get(Episode, episode_id)
    if episode is None:
        raise NotFound("There is no such missing episode")
    return episode
