"""Settings > Retention: administrators set each review group's periods and the group each kind of record
joins [issue 19]. The groups are seeded as commonly applied under MoPI; each force confirms its own with its
information management lead [APP-MoPI][NPCC] (DOMAIN.md "Law that shapes the software").

A group's change reaches the schedule at once (the scan runs in the same transaction): records already
scheduled move to the group's new dates, except that a reviewer's chosen next review date is never brought
earlier. A new default applies to records that join the schedule from now on; a record already in a group
stays there until a reviewer moves it. No case content is read here."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.accounts.roles import Role
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.db import check_version, utcnow
from disclosure.errors import NotFound, PermissionDenied
from disclosure.forms import integer, raise_if, required_text, text
from disclosure.retention.models import RetentionDefault, RetentionGroup
from disclosure.retention.schedule import ScanResult, scan
from disclosure.retention.vocabulary import RecordKind, Rule

MAX_YEARS = 100
"""The longest clear period or review interval a group may set."""
MAX_AGE = 120


def _require_admin(actor: Principal) -> None:
    if Role.ADMINISTRATOR.value not in actor.roles:
        raise PermissionDenied()


def groups(session: Session, actor: Principal) -> list[RetentionGroup]:
    _require_admin(actor)
    return list(session.scalars(select(RetentionGroup).order_by(RetentionGroup.id)))


def defaults(session: Session, actor: Principal) -> dict[str, int]:
    """The group each kind of record joins, by kind."""
    _require_admin(actor)
    return dict(session.execute(select(RetentionDefault.kind, RetentionDefault.group_id)).all())


def _group(session: Session, group_id: int) -> RetentionGroup:
    group = session.get(RetentionGroup, group_id)
    if group is None:
        raise NotFound("There is no such review group")
    return group


def update_group(
    session: Session, actor: Principal, group_id: int, values: dict[str, Any]
) -> tuple[RetentionGroup, ScanResult]:
    """Change a group's name, rule and periods; the schedule follows at once. Audited with the values before
    and after."""
    _require_admin(actor)
    group = _group(session, group_id)
    check_version(group.version, values.get("version"), what="this review group")
    errors: dict[str, str] = {}
    name = required_text(values, "name", "Enter what the group holds", errors, limit=120)
    rule = text(values, "rule")
    if rule not in {r.value for r in Rule}:
        errors["rule"] = "Select how the group's records reach review"
    clear = integer(
        values,
        "clear_years",
        "Years from the last activity to the first review",
        errors,
        low=1,
        high=MAX_YEARS,
    )
    if clear is None and "clear_years" not in errors:
        errors["clear_years"] = "Enter the years from the last activity to the first review"
    review = integer(values, "review_years", "Years between reviews", errors, low=1, high=MAX_YEARS)
    if review is None and "review_years" not in errors:
        errors["review_years"] = "Enter the years between reviews"
    age = integer(values, "until_age", "Age kept until", errors, low=18, high=MAX_AGE)
    if rule == Rule.UNTIL_AGE and age is None and "until_age" not in errors:
        errors["until_age"] = "Enter the age the group's records are kept until"
    raise_if(errors, values)
    assert clear is not None
    assert review is not None
    before = _described(group)
    group.name, group.rule, group.clear_years, group.review_years = name, rule, clear, review
    group.until_age = age if rule == Rule.UNTIL_AGE else None
    group.updated_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action="retention.group.update",
        category=AuditCategory.ADMINISTRATION,
        object_type="retention_group",
        object_id=str(group.id),
        justification="Review group's periods changed",
        details={"before": before, "after": _described(group)},
    )
    session.flush()
    return group, scan(session, actor)


def _described(group: RetentionGroup) -> dict[str, Any]:
    return {
        "name": group.name,
        "rule": group.rule,
        "clear_years": group.clear_years,
        "review_years": group.review_years,
        "until_age": group.until_age,
    }


def set_defaults(session: Session, actor: Principal, values: dict[str, Any]) -> dict[str, int]:
    """Choose the group each kind of record joins (`default-<kind>`: a group's number). Audited with the
    kinds that changed, before and after."""
    current = defaults(session, actor)
    known = {str(g.id) for g in groups(session, actor)}
    errors: dict[str, str] = {}
    chosen: dict[str, int] = {}
    for kind in RecordKind:
        raw = text(values, f"default-{kind.value}")
        if raw not in known:
            errors[f"default-{kind.value}"] = f"Select the group a {kind.label.lower()} joins"
        else:
            chosen[kind.value] = int(raw)
    raise_if(errors, values)
    moved = {k: v for k, v in chosen.items() if current.get(k) != v}
    for kind_value, group_id in moved.items():
        row = session.get(RetentionDefault, kind_value)
        if row is None:
            session.add(RetentionDefault(kind=kind_value, group_id=group_id))
        else:
            row.group_id = group_id
    if moved:
        audit.record(
            session,
            actor=actor,
            action="retention.defaults.update",
            category=AuditCategory.ADMINISTRATION,
            object_type="retention_schedule",
            object_id=None,
            justification="Review group each kind of record joins changed",
            details={"before": {k: current.get(k) for k in moved}, "after": moved},
        )
    return chosen
