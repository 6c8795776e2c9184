"""Checks: the scheme's check list, recording a check (system or agency, who, when, result, reference,
onward-disclosure consent) and striking one out with a reason [DOMAIN.md "Checks"][WMP]."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import audit, chronology
from disclosure.accounts.roles import Role
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.errors import FormInvalid, NotFound, PermissionDenied
from disclosure.forms import (
    SHORT,
    choice,
    datetime_answers,
    in_page_order,
    optional_text,
    parse_datetime,
    present,
    raise_if,
    required_text,
    text,
)
from disclosure.requests.models import DisclosureRequest
from disclosure.research.models import Check, CheckType, PartnerRequest
from disclosure.research.service.common import begin_change, case_to_change, record
from disclosure.research.vocabulary import CheckKind, CheckResult, OnwardConsent
from disclosure.research.workflow import PartnerRequestStatus

OTHER = "other"
# The check form's fields, top to bottom: the error summary lists its messages in this order.
CHECK_FIELDS = (
    "check_type_id",
    "name",
    "kind",
    "performed",
    "result",
    "reference",
    "onward_consent",
    "notes",
)
# The national minimum before the forum [WMP]; administrators cannot make these optional.
MINIMUM_POLICE_CHECKS = frozenset({"pnc", "pnd", "visor", "force-intelligence"})


@dataclass(frozen=True)
class ChecklistLine:
    """One line of the case's check list and where it stands."""

    check_type: CheckType
    checks: list[Check]
    open_requests: list[PartnerRequest]

    @property
    def done(self) -> bool:
        return bool(self.checks)

    @property
    def missing(self) -> bool:
        return self.check_type.required and not self.checks


def check_types(session: Session, scheme: str) -> list[CheckType]:
    return list(
        session.scalars(
            select(CheckType)
            .where(CheckType.scheme == scheme, CheckType.active.is_(True))
            .order_by(CheckType.position)
        )
    )


def live_checks(session: Session, case_id: uuid.UUID) -> list[Check]:
    return list(
        session.scalars(
            select(Check)
            .where(Check.request_id == case_id, Check.removed_at.is_(None))
            .order_by(Check.performed_at)
        )
    )


def checklist(session: Session, case: DisclosureRequest) -> tuple[list[ChecklistLine], list[Check]]:
    """The scheme's check list with the checks that satisfy each line, and any extra checks."""
    checks = live_checks(session, case.id)
    open_requests = list(
        session.scalars(
            select(PartnerRequest).where(
                PartnerRequest.request_id == case.id,
                PartnerRequest.status == PartnerRequestStatus.OPEN.value,
            )
        )
    )
    lines = [
        ChecklistLine(
            check_type=ct,
            checks=[c for c in checks if c.check_type_id == ct.id],
            open_requests=[r for r in open_requests if r.check_type_id == ct.id],
        )
        for ct in check_types(session, case.scheme)
    ]
    listed = {ct.check_type.id for ct in lines}
    extras = [c for c in checks if c.check_type_id not in listed]
    return lines, extras


def missing_required(session: Session, case: DisclosureRequest) -> list[str]:
    lines, _extras = checklist(session, case)
    return [line.check_type.name for line in lines if line.missing]


def new_check_answers(now: datetime | None = None) -> dict[str, str]:
    """The check form's first answers: done now, the usual case (a researcher records a check as they do
    it), in UK local time; they change it for a check done earlier."""
    return datetime_answers("performed", now or utcnow())


def record_check(session: Session, actor: Principal, request_id: uuid.UUID, values: dict[str, Any]) -> Check:
    """Record a check done: a line of the check list or another system or agency, with who, when, the
    result, its reference and whether the owner consents to onward disclosure [WMP]. Every problem with
    the form is reported at once, in the order of the form's fields."""
    case = case_to_change(session, actor, request_id)
    begin_change(session, actor, case)
    errors: dict[str, str] = {}
    types = {str(ct.id): ct for ct in check_types(session, case.scheme)}
    chosen = text(values, "check_type_id")
    check_type = types.get(chosen)
    if check_type is None and chosen != OTHER:
        errors["check_type_id"] = "Select the system or agency checked"
    name = check_type.name if check_type else optional_text(values, "name", "System or agency", errors)
    if chosen == OTHER and not name:
        errors["name"] = "Enter the system or agency checked"
    kind: CheckKind | None = CheckKind(check_type.kind) if check_type else CheckKind.POLICE_SYSTEM
    if chosen == OTHER:
        kind = choice(values, "kind", CheckKind, "Select whether it is a police system or an agency", errors)
    result = choice(values, "result", CheckResult, "Select the result of the check", errors)
    consent = choice(
        values,
        "onward_consent",
        OnwardConsent,
        "Select whether the owner consents to onward disclosure",
        errors,
    )
    performed_at = parse_datetime(values, "performed", "Date of the check", errors)
    chronology.check(
        "research.check", {"first_contact": case.first_contact_at, "performed": performed_at}, errors
    )
    reference = optional_text(values, "reference", "Reference", errors, limit=120)
    notes = text(values, "notes", limit=5000)
    if len(notes) > 5000:
        errors["notes"] = "Notes must be 5,000 characters or fewer"
    if result is CheckResult.INFORMATION_FOUND and not notes:
        errors["notes"] = "Enter what was found (record each fact as an evidence item too)"
    raise_if(in_page_order(errors, CHECK_FIELDS), values)
    check = Check(
        request_id=case.id,
        check_type_id=check_type.id if check_type else None,
        name=name,
        kind=present(kind).value,
        result=present(result).value,
        reference=reference,
        onward_consent=present(consent).value,
        notes=notes,
        performed_at=present(performed_at),
        performed_by_id=actor.user_id,
    )
    session.add(check)
    session.flush()
    record(
        session,
        actor,
        case,
        "check.record",
        AuditCategory.COLLECTION,
        f"Check recorded: {check_type.name}" if check_type else "Check recorded: another system or agency",
        object_type="check",
        object_id=check.id,
        result=check.result,
    )
    return check


def remove_check(
    session: Session, actor: Principal, request_id: uuid.UUID, check_id: uuid.UUID, values: dict[str, Any]
) -> None:
    """Strike a check out (entered in error) with a reason; it stays on record, off the package."""
    case = case_to_change(session, actor, request_id)
    begin_change(session, actor, case)
    check = session.get(Check, check_id)
    if check is None or check.request_id != case.id or check.removed_at is not None:
        raise NotFound("There is no such check on this case")
    errors: dict[str, str] = {}
    reason = required_text(
        values, "reason", "Enter why the check is being struck out", errors, limit=SHORT * 10
    )
    if errors:
        raise FormInvalid(errors, values)
    check.removed_at, check.removed_reason = utcnow(), reason
    record(
        session,
        actor,
        case,
        "check.remove",
        AuditCategory.ALTERATION,
        "Check struck out (reason on the check)",
        object_type="check",
        object_id=check.id,
    )


def all_check_types(session: Session) -> list[CheckType]:
    return list(session.scalars(select(CheckType).order_by(CheckType.scheme, CheckType.position)))


def update_check_type(
    session: Session, actor: Principal, check_type_id: uuid.UUID, values: dict[str, Any]
) -> CheckType:
    """Administrators decide which lines of a scheme's check list are required before the panel and which
    are in use. The four police checks are the national minimum [WMP]: a force may add to it, not remove."""
    if Role.ADMINISTRATOR.value not in actor.roles:
        raise PermissionDenied()
    check_type = session.get(CheckType, check_type_id)
    if check_type is None:
        raise NotFound("There is no such check")
    required = text(values, "required") == "yes"
    active = text(values, "active") == "yes"
    if check_type.code in MINIMUM_POLICE_CHECKS and not (required and active):
        raise FormInvalid(
            {f"check-{check_type.id}": f"{check_type.name} is a minimum check before the panel"}, values
        )
    if required and not active:
        raise FormInvalid({f"check-{check_type.id}": "A required check must be in use"}, values)
    before = {"required": check_type.required, "active": check_type.active}
    check_type.required, check_type.active = required, active
    audit.record(
        session,
        actor=actor,
        action="research.check_type.update",
        category=AuditCategory.ALTERATION,
        object_type="check_type",
        object_id=check_type.id,
        justification="Check list changed",
        details={
            "code": check_type.code,
            "scheme": check_type.scheme,
            "before": before,
            "after": {"required": required, "active": active},
        },
    )
    return check_type
