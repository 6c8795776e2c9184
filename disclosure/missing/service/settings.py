"""The local rules and risk continuum administrators change; the partners the episode form offers."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.accounts.models import User
from disclosure.agencies.models import Agency, AgencyMember
from disclosure.agencies.vocabulary import AgencyKind
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.db import check_version
from disclosure.errors import NotFound
from disclosure.forms import integer, raise_if, text
from disclosure.missing.models import MissingSettings, RiskLevel
from disclosure.missing.rules import current_settings, risk_levels
from disclosure.missing.service.common import require_administrator

# ------------------------------------------------------------------------------------ reference data


def update_settings(session: Session, actor: Principal, values: dict[str, Any]) -> MissingSettings:
    """Change the local rules: repeat threshold (N episodes in M days), digest period, escalation time, and
    the children's social care whose MASH mailbox hears of a child with no social worker or placing
    authority [Wales-SP] (one of the children's social care agencies, or none)."""
    require_administrator(actor)
    row = current_settings(session)
    check_version(row.version, values.get("version"), what="the missing-person settings")
    errors: dict[str, str] = {}
    limits = {
        "repeat_episodes": ("Episodes that make a repeat", 2, 50),
        "repeat_days": ("Days", 1, 730),
        "digest_hours": ("Digest period", 1, 168),
        "escalate_hours": ("Escalation time", 1, 72),
    }
    parsed: dict[str, int] = {}
    for name, (label, low, high) in limits.items():
        number = integer(values, name, label, errors, low=low, high=high)
        if number is None:
            errors.setdefault(name, f"Enter {label.lower()}")
        else:
            parsed[name] = number
    care = text(values, "childrens_social_care_id")
    offered = {value for value, _ in childrens_social_care_options(session)}
    if care and care not in offered:
        errors["childrens_social_care_id"] = "Select children's social care from the list, or none"
    raise_if(errors, values)
    before: dict[str, Any] = {name: getattr(row, name) for name in limits}
    before["childrens_social_care_id"] = str(row.childrens_social_care_id or "")
    for name, number in parsed.items():
        setattr(row, name, number)
    row.childrens_social_care_id = uuid.UUID(care) if care else None
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="missing.settings",
        category=AuditCategory.ADMINISTRATION,
        object_type="missing_settings",
        object_id=row.id,
        justification="Missing-person rules changed",
        details={"before": before, "after": {**parsed, "childrens_social_care_id": care}},
    )
    return row


def childrens_social_care_options(session: Session) -> list[tuple[str, str]]:
    """The active children's social care agencies the rules may name, by name."""
    return [
        (str(agency_id), name)
        for agency_id, name in session.execute(
            select(Agency.id, Agency.name)
            .where(Agency.active.is_(True), Agency.kind == AgencyKind.CHILDRENS_SOCIAL_CARE.value)
            .order_by(Agency.name)
        )
    ]


def add_risk_level(session: Session, actor: Principal, values: dict[str, Any]) -> RiskLevel:
    """A force that words the continuum with more steps adds one: a new code (kept for ever, so history
    keeps its meaning), its wording, its place on the continuum and whether it is urgent [APP-missing]."""
    require_administrator(actor)
    errors: dict[str, str] = {}
    code = text(values, "new_code", limit=40).lower()
    if not code:
        errors["new_code"] = "Enter a code, like very_high"
    elif not _CODE.fullmatch(code):
        errors["new_code"] = "The code must be lower-case letters, digits and underscores, up to 40"
    elif session.scalar(select(RiskLevel.id).where(RiskLevel.code == code)):
        errors["new_code"] = "There is already a risk level with this code"
    label = text(values, "new_label", limit=100)
    if not label:
        errors["new_label"] = "Enter the wording of the level"
    elif len(label) > 100:
        errors["new_label"] = "The wording must be 100 characters or fewer"
    rank = integer(values, "new_rank", "The place on the continuum", errors, low=1, high=99)
    if rank is None:
        errors.setdefault("new_rank", "Enter its place on the continuum, from 1 (lowest risk)")
    raise_if(errors, values)
    assert rank is not None
    level = RiskLevel(
        code=code,
        label=label,
        description=text(values, "new_description", limit=2000),
        rank=rank,
        urgent=values.get("new_urgent") in ("yes", "on", True),
    )
    session.add(level)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="missing.risk_level_added",
        category=AuditCategory.ADMINISTRATION,
        object_type="missing_risk_level",
        object_id=level.id,
        justification="Risk level added",
        details={"code": code, "rank": rank, "urgent": level.urgent},
    )
    return level


_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")


def update_risk_level(
    session: Session, actor: Principal, level_id: uuid.UUID, values: dict[str, Any]
) -> RiskLevel:
    """Reword a risk level, mark it urgent or retire it; codes never change, so history keeps its meaning."""
    require_administrator(actor)
    level = session.get(RiskLevel, level_id)
    if level is None:
        raise NotFound("There is no such risk level")
    check_version(level.version, values.get("version"), what="this risk level")
    label = text(values, "label", limit=100)
    description = text(values, "description", limit=2000)
    errors: dict[str, str] = {}
    if not label:
        errors["label"] = "Enter the wording of the level"
    elif len(label) > 100:
        errors["label"] = "The wording must be 100 characters or fewer"
    active = values.get("active") in ("yes", "on", True)
    if not active and level.active and sum(1 for r in risk_levels(session, active_only=True)) <= 1:
        errors["active"] = "At least one risk level must stay in use"
    raise_if(errors, values)
    level.label, level.description = label, description
    level.urgent = values.get("urgent") in ("yes", "on", True)
    level.active = active
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="missing.risk_level",
        category=AuditCategory.ADMINISTRATION,
        object_type="missing_risk_level",
        object_id=level.id,
        justification="Risk level wording or use changed",
        details={"code": level.code, "active": level.active, "urgent": level.urgent},
    )
    return level


# ---------------------------------------------------------------------------------------- partners


@dataclass(frozen=True)
class PartnerChoices:
    """What the episode form offers: agencies by kind and the partner users of social care agencies; every
    active agency for whom interview findings may be shared with."""

    agencies: list[tuple[str, str]]
    placing_authorities: list[tuple[str, str]]
    schools: list[tuple[str, str]]
    health: list[tuple[str, str]]
    social_workers: list[tuple[str, str]]


def partner_choices(session: Session) -> PartnerChoices:
    agencies = list(session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.name)))

    def of(*kinds: AgencyKind) -> list[tuple[str, str]]:
        return [(str(a.id), a.name) for a in agencies if a.kind in {k.value for k in kinds}]

    care = {
        str(a.id)
        for a in agencies
        if a.kind in (AgencyKind.CHILDRENS_SOCIAL_CARE, AgencyKind.ADULT_SOCIAL_CARE)
    }
    workers = session.execute(
        select(User.id, User.display_name, Agency.name, Agency.id)
        .join(AgencyMember, AgencyMember.user_id == User.id)
        .join(Agency, Agency.id == AgencyMember.agency_id)
        .where(User.disabled_at.is_(None))
        .order_by(User.display_name)
    ).all()
    return PartnerChoices(
        agencies=[(str(a.id), a.name) for a in agencies],
        placing_authorities=of(AgencyKind.CHILDRENS_SOCIAL_CARE, AgencyKind.ADULT_SOCIAL_CARE),
        schools=of(AgencyKind.EDUCATION),
        health=of(AgencyKind.HEALTH),
        social_workers=[
            (str(uid), f"{name} ({agency})") for uid, name, agency, aid in workers if str(aid) in care
        ],
    )
