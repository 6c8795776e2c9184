"""Panel reference data for administrators: the agencies that sit on panels, the reasons for not
disclosing, and the quorum and sign-off policy. Every change is audited with before and after."""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.accounts.roles import Role
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.db import check_version
from disclosure.decisions.models import NoDisclosureReason, PanelAgency, PanelPolicy
from disclosure.decisions.service.common import current_policy
from disclosure.errors import NotFound, PermissionDenied
from disclosure.forms import integer, raise_if, required_text, yes_no
from disclosure.text import as_list

_CODE = re.compile(r"[^a-z0-9]+")


def _require_admin(actor: Principal) -> None:
    if Role.ADMINISTRATOR.value not in actor.roles:
        raise PermissionDenied()


def _audit(
    session: Session, actor: Principal, action: str, kind: str, object_id: uuid.UUID, **details: Any
) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"decisions.settings.{action}",
        category=AuditCategory.ADMINISTRATION,
        object_type=kind,
        object_id=object_id,
        justification="Panel settings changed",
        details=details,
    )


def _code(label: str, existing: set[str]) -> str:
    base = _CODE.sub("_", label.lower()).strip("_")[:36] or "item"
    code, n = base, 2
    while code in existing:
        code, n = f"{base}_{n}", n + 1
    return code


def update_policy(session: Session, actor: Principal, values: dict[str, Any]) -> PanelPolicy:
    """The quorum: the chair, the required agencies (ticked) and a number of others; and whether the signer
    must differ from the drafter."""
    _require_admin(actor)
    policy = current_policy(session)
    check_version(policy.version, values.get("version"), what="the panel policy")
    errors: dict[str, str] = {}
    known = {a.code for a in session.scalars(select(PanelAgency))}
    required = sorted({c for c in as_list(values.get("required_agency_codes")) if c in known})
    others = integer(values, "min_other_agencies", "The number of other agencies", errors, low=0, high=10)
    if others is None and "min_other_agencies" not in errors:
        errors["min_other_agencies"] = "Enter how many other agencies must take part"
    separate = yes_no(values, "signer_not_drafter", "the signer must not be the drafter", errors)
    raise_if(errors, values)
    before = {
        "required": policy.required_agency_codes,
        "others": policy.min_other_agencies,
        "separate": policy.signer_not_drafter,
    }
    policy.required_agency_codes, policy.min_other_agencies = required, int(others or 0)
    policy.signer_not_drafter = bool(separate)
    _audit(
        session,
        actor,
        "policy",
        "panel_policy",
        policy.id,
        before=before,
        after={"required": required, "others": others, "separate": separate},
    )
    return policy


def add_agency(session: Session, actor: Principal, values: dict[str, Any]) -> PanelAgency:
    _require_admin(actor)
    errors: dict[str, str] = {}
    name = required_text(values, "name", "Enter the agency's name", errors, limit=200)
    existing = list(session.scalars(select(PanelAgency)))
    if name and name.lower() in {a.name.lower() for a in existing}:
        errors["name"] = "There is already an agency with this name"
    raise_if(errors, values)
    position = 1 + (session.scalar(select(func.max(PanelAgency.position))) or 0)
    agency = PanelAgency(code=_code(name, {a.code for a in existing}), name=name, position=position)
    session.add(agency)
    session.flush()
    _audit(session, actor, "add_agency", "panel_agency", agency.id, name=name)
    return agency


def set_agency_active(session: Session, actor: Principal, agency_id: uuid.UUID, active: bool) -> None:
    _require_admin(actor)
    agency = session.get(PanelAgency, agency_id)
    if agency is None:
        raise NotFound("There is no such agency")
    agency.active = active
    _audit(session, actor, "agency_active", "panel_agency", agency.id, active=active)


def add_reason(session: Session, actor: Principal, values: dict[str, Any]) -> NoDisclosureReason:
    _require_admin(actor)
    errors: dict[str, str] = {}
    label = required_text(values, "label", "Enter the reason", errors, limit=200)
    existing = list(session.scalars(select(NoDisclosureReason)))
    if label and label.lower() in {r.label.lower() for r in existing}:
        errors["label"] = "This reason is already on the list"
    raise_if(errors, values)
    position = 1 + (session.scalar(select(func.max(NoDisclosureReason.position))) or 0)
    reason = NoDisclosureReason(code=_code(label, {r.code for r in existing}), label=label, position=position)
    session.add(reason)
    session.flush()
    _audit(session, actor, "add_reason", "no_disclosure_reason", reason.id, label=label)
    return reason


def set_reason_active(session: Session, actor: Principal, reason_id: uuid.UUID, active: bool) -> None:
    _require_admin(actor)
    reason = session.get(NoDisclosureReason, reason_id)
    if reason is None:
        raise NotFound("There is no such reason")
    reason.active = active
    _audit(session, actor, "reason_active", "no_disclosure_reason", reason.id, active=active)
