"""Settings -> Clocks: administrators add a new version of a scheme's clock policy (its rules and the date it
takes effect) and keep the lists of reasons for pausing a clock and exceptional circumstances for extending a
deadline [DVDS-2023] [issue 15].

Nothing an administrator does moves the deadlines of existing cases. Each case keeps the code of the policy
in force on its first-contact date (`requests.clock_policy_code`), a version is never edited once written,
and a new one takes effect tomorrow at the earliest, so no case logged so far (first contact is never in the
future) falls under it. The version it follows then ends the day before. A reason is retired, never deleted:
pauses and extensions already recorded keep its words.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.accounts.roles import Role
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.clocks import uk_today
from disclosure.errors import FormInvalid, NotFound, PermissionDenied
from disclosure.forms import SHORT, integer, parse_date, raise_if, required_text
from disclosure.requests.models import ClockPolicy, ClockReason
from disclosure.requests.vocabulary import Scheme

KINDS = {"pause": "Reasons for pausing a clock", "extension": "Exceptional circumstances for an extension"}

# The bounds a version's numbers must keep (wide enough for any guidance, narrow enough to catch a typo).
LIMITS = {
    "initial_checks_hours": ("Initial checks, in hours", 1, 168),
    "meeting_working_days": ("Face-to-face meeting, in working days", 1, 60),
    "completion_days": ("Whole process, in days", 1, 365),
    "no_disclosure_days": ("Whole process without a disclosure, in days", 1, 365),
    "max_extensions": ("Extensions a case may have", 0, 10),
    "escalation_incidents": ("Incidents that flag potential escalation", 2, 20),
    "escalation_months": ("Months those incidents fall within", 1, 36),
}
OPTIONAL = frozenset({"no_disclosure_days"})


def _require_administrator(actor: Principal) -> None:
    if Role.ADMINISTRATOR.value not in actor.roles:
        raise PermissionDenied()


def versions(session: Session) -> list[ClockPolicy]:
    return list(session.scalars(select(ClockPolicy).order_by(ClockPolicy.scheme, ClockPolicy.effective_from)))


def current(session: Session, scheme: Scheme) -> ClockPolicy:
    """The scheme's open-ended version: the one new cases fall under from now on."""
    found = session.scalars(
        select(ClockPolicy)
        .where(ClockPolicy.scheme == scheme.value, ClockPolicy.effective_to.is_(None))
        .order_by(ClockPolicy.effective_from.desc())
    ).first()
    if found is None:
        raise NotFound(f"{scheme.label} has no clock policy in force")
    return found


def form_values(policy: ClockPolicy) -> dict[str, str]:
    """A new version's form, starting from the version in force (so only what changes is typed)."""
    values = {name: "" if getattr(policy, name) is None else str(getattr(policy, name)) for name in LIMITS}
    return values | {"name": "", "source": ""}


def add_policy(session: Session, actor: Principal, scheme: Scheme, values: dict[str, Any]) -> ClockPolicy:
    """A new version of the scheme's clock policy, taking effect on a date from tomorrow on."""
    _require_administrator(actor)
    before = current(session, scheme)
    errors: dict[str, str] = {}
    name = required_text(values, "name", "Enter the guidance these timescales come from", errors, limit=SHORT)
    source = required_text(values, "source", "Enter the citation for these timescales", errors)
    starts = parse_date(values, "effective_from", "Date it takes effect", errors)
    tomorrow = uk_today() + timedelta(days=1)
    if starts is not None and starts < tomorrow:
        errors["effective_from"] = (
            "Date it takes effect must be tomorrow or later: cases already logged keep the policy they "
            "started under"
        )
    numbers: dict[str, int | None] = {}
    for field, (label, low, high) in LIMITS.items():
        numbers[field] = integer(values, field, label, errors, low=low, high=high)
        if numbers[field] is None and field not in OPTIONAL and field not in errors:
            errors[field] = f"Enter the {label[0].lower()}{label[1:]}"
    completion, shorter = numbers["completion_days"], numbers["no_disclosure_days"]
    if completion and shorter and shorter > completion and "no_disclosure_days" not in errors:
        errors["no_disclosure_days"] = (
            "The limit without a disclosure cannot be longer than the whole process"
        )
    code = f"{scheme.value}-{starts:%Y-%m-%d}" if starts else ""
    if code and session.scalar(select(func.count()).where(ClockPolicy.code == code)):
        errors["effective_from"] = "A version of this scheme already takes effect on that date"
    raise_if(errors, values)
    assert starts is not None
    later = session.scalars(
        select(ClockPolicy).where(ClockPolicy.scheme == scheme.value, ClockPolicy.effective_from >= starts)
    ).first()
    if later is not None:
        raise FormInvalid({"effective_from": f"{later.name} already takes effect from then"}, values)
    policy = ClockPolicy(
        code=code,
        scheme=scheme.value,
        name=name,
        source=source,
        effective_from=starts,
        effective_to=None,
        **numbers,
    )
    before.effective_to = starts - timedelta(days=1)
    session.add(policy)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="requests.clock_policy.add",
        category=AuditCategory.ALTERATION,
        object_type="clock_policy",
        object_id=policy.id,
        justification=f"New {scheme.label} clock policy from {starts:%d %B %Y}",
        details={"code": code, "follows": before.code, **numbers},
    )
    return policy


def reasons(session: Session) -> dict[str, list[ClockReason]]:
    found = session.scalars(select(ClockReason).order_by(ClockReason.position, ClockReason.label))
    listed: dict[str, list[ClockReason]] = {kind: [] for kind in KINDS}
    for reason in found:
        listed[reason.kind].append(reason)
    return listed


def add_reason(session: Session, actor: Principal, kind: str, values: dict[str, Any]) -> ClockReason:
    """A new reason at the end of its list; its code is made from its words."""
    _require_administrator(actor)
    if kind not in KINDS:
        raise NotFound("There is no such list")
    errors: dict[str, str] = {}
    field = f"label-{kind}"
    label = required_text(values, field, "Enter the reason as users will read it", errors, limit=SHORT)
    code = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:40]
    held = reasons(session)[kind]
    if label and any(r.label.casefold() == label.casefold() or r.code == code for r in held):
        errors[field] = "That reason is already on the list"
    raise_if(errors, values)
    reason = ClockReason(
        kind=kind,
        code=code,
        label=label,
        active=True,
        position=max((r.position for r in held), default=0) + 1,
    )
    session.add(reason)
    session.flush()
    _record_reason(session, actor, reason, "add", "Clock reason added")
    return reason


def set_reason_active(session: Session, actor: Principal, reason_id: uuid.UUID, active: bool) -> ClockReason:
    """Retire a reason (no longer offered; records that used it keep its words) or bring it back."""
    _require_administrator(actor)
    reason = session.get(ClockReason, reason_id)
    if reason is None:
        raise NotFound("There is no such reason")
    offered = [r for r in reasons(session)[reason.kind] if r.active and r.id != reason.id]
    if not active and not offered:
        raise FormInvalid({f"reason-{reason.id}": "Keep at least one reason on the list in use"}, {})
    reason.active = active
    _record_reason(session, actor, reason, "activate" if active else "retire", "Clock reason changed")
    return reason


def _record_reason(session: Session, actor: Principal, reason: ClockReason, verb: str, why: str) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"requests.clock_reason.{verb}",
        category=AuditCategory.ALTERATION,
        object_type="clock_reason",
        object_id=reason.id,
        justification=why,
        details={"kind": reason.kind, "code": reason.code, "label": reason.label, "active": reason.active},
    )
