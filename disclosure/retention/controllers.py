"""The records reviewer's pages [issue 19]: the review queue (records due, and those under a legal hold), a
record's review page (what disposal would remove, the reviews so far, and one form for the decision), and
the disposal page, which asks for the reviewer's password and code again (`accounts.policy`)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from disclosure.accounts.directory import user_names
from disclosure.auth import require_principal
from disclosure.errors import NotFound
from disclosure.retention import service, settings
from disclosure.retention.models import RetentionGroup, RetentionRecord
from disclosure.retention.schedule import ScanResult
from disclosure.retention.vocabulary import Decision, RecordKind, Rule
from disclosure.storage import store_for
from disclosure.web import Db, Form, FormState, Id, page, round_trip

KINDS = {k.value: k.label for k in RecordKind}
DECISION_WORDS = {
    Decision.RETAIN.value: "Retain it until a next review",
    Decision.REGROUP.value: "Move it to another review group",
    Decision.HOLD.value: "Place a legal hold (litigation, an inquiry, a complaint)",
    Decision.RELEASE.value: "Release the legal hold",
}


@get("/retention", name="retention.queue", sync_to_thread=True)
def review_queue(request: Request[Any, Any, Any], db: Db) -> Template:
    principal = require_principal(request)
    params = request.query_params
    held = params.get("view") == "held"
    found = service.queue(db, principal, held=held, after=params.get("after"), before=params.get("before"))
    return page(
        request,
        "retention/queue.html",
        heading="Records under legal hold" if held else "Records due for review",
        held=held,
        found=found,
        kinds=KINDS,
    )


def _record_page(
    request: Request[Any, Any, Any],
    db: Session,
    record: RetentionRecord,
    form: FormState | None = None,
    status: int = 200,
) -> Template:
    principal = require_principal(request)
    names = user_names(db, [r.decided_by_id for r in record.reviews] + [record.held_by_id])
    return page(
        request,
        "retention/record.html",
        heading=record.label,
        record=record,
        kind=KINDS[record.kind],
        preview=service.preview(db, principal, record),
        reviews=list(reversed(record.reviews)),
        names=names,
        groups=service.groups(db),
        choices=service.choices(record),
        decision_words=DECISION_WORDS,
        decision_labels={d.value: d.label for d in Decision},
        rule_words=service.rule_words(record.group),
        latest_review=service.latest_review(record),
        form=form or FormState.empty(version=str(record.version)),
        status_code=status,
    )


@get("/retention/{record_id:uuid}", name="retention.record", sync_to_thread=True)
def record_page(request: Request[Any, Any, Any], db: Db, record_id: Id) -> Template:
    return _record_page(request, db, service.open_record(db, require_principal(request), record_id))


def _reread(db: Session, principal: Any, record_id: uuid.UUID) -> RetentionRecord:
    """The record as it stands after a refused save (the savepoint rolled back)."""
    record = service.get_record(db, principal, record_id)
    db.refresh(record)
    return record


@post("/retention/{record_id:uuid}", name="retention.decide", sync_to_thread=True)
def decide(request: Request[Any, Any, Any], db: Db, record_id: Id, data: Form) -> Template | Redirect:
    principal = require_principal(request)
    return round_trip(
        request,
        db,
        data,
        lambda values: service.decide(db, principal, record_id, values),
        lambda form, status: _record_page(request, db, _reread(db, principal, record_id), form, status),
        success=f"/retention/{record_id}",
        flash=lambda review: service.DECIDED[review.decision],
    )


def _dispose_page(
    request: Request[Any, Any, Any],
    db: Session,
    record: RetentionRecord,
    form: FormState | None = None,
    status: int = 200,
) -> Template:
    return page(
        request,
        "retention/dispose.html",
        heading=f"Dispose of {record.label}",
        record=record,
        kind=KINDS[record.kind],
        preview=service.preview(db, require_principal(request), record),
        confirmation=service.CONFIRMATION,
        form=form or FormState.empty(version=str(record.version)),
        status_code=status,
    )


@get("/retention/{record_id:uuid}/dispose", name="retention.dispose_form", sync_to_thread=True)
def dispose_form(request: Request[Any, Any, Any], db: Db, record_id: Id) -> Template:
    return _dispose_page(request, db, service.get_record(db, require_principal(request), record_id))


@post("/retention/{record_id:uuid}/dispose", name="retention.dispose", sync_to_thread=True)
def dispose(request: Request[Any, Any, Any], db: Db, record_id: Id, data: Form) -> Template | Redirect:
    principal = require_principal(request)
    label = service.get_record(db, principal, record_id).label
    store = store_for(request.app.state.settings)
    return round_trip(
        request,
        db,
        data,
        lambda values: service.dispose(db, principal, store, record_id, values),
        lambda form, status: _dispose_page(request, db, _reread(db, principal, record_id), form, status),
        success="/retention",
        flash=lambda gone: (
            f"{label} disposed of: {gone.rows:,} rows and {gone.files:,} files removed"
            + (f", with {gone.people:,} people who had no other record" if gone.people else "")
        ),
    )


# ---------------------------------------------------------------- Settings > Retention (administrators)


def _settings_page(
    request: Request[Any, Any, Any], db: Session, form: FormState | None = None, status: int = 200
) -> Template:
    principal = require_principal(request)
    found = settings.groups(db, principal)
    current = settings.defaults(db, principal)
    return page(
        request,
        "retention/settings.html",
        heading="Retention",
        groups=found,
        rules={g.id: service.rule_words(g) for g in found},
        kinds=list(RecordKind),
        form=form or FormState.empty(**{f"default-{k}": str(v) for k, v in current.items()}),
        status_code=status,
    )


@get("/admin/retention", name="retention.settings", sync_to_thread=True)
def settings_page(request: Request[Any, Any, Any], db: Db) -> Template:
    return _settings_page(request, db)


@post("/admin/retention/defaults", name="retention.set_defaults", sync_to_thread=True)
def set_defaults(request: Request[Any, Any, Any], db: Db, data: Form) -> Template | Redirect:
    principal = require_principal(request)
    return round_trip(
        request,
        db,
        data,
        lambda values: settings.set_defaults(db, principal, values),
        lambda form, status: _settings_page(request, db, form, status),
        success="/admin/retention",
        flash="Saved: records that join the schedule from now on go to these groups",
    )


def _group_page(
    request: Request[Any, Any, Any], db: Session, group_id: int, form: FormState | None, status: int = 200
) -> Template:
    principal = require_principal(request)
    group = next((g for g in settings.groups(db, principal) if g.id == group_id), None)
    if group is None:
        raise NotFound("There is no such review group")
    return page(
        request,
        "retention/group.html",
        heading=f"Change group {group.id}",
        group=group,
        rules=[(r.value, r.label) for r in Rule],
        form=form
        or FormState.empty(
            name=group.name,
            rule=group.rule,
            clear_years=str(group.clear_years),
            review_years=str(group.review_years),
            until_age=str(group.until_age or ""),
            version=str(group.version),
        ),
        status_code=status,
    )


def _group_saved(done: tuple[RetentionGroup, ScanResult]) -> str:
    group, moved = done
    if not moved.changed:
        return f"Group {group.id} saved"
    plural = "s" if moved.changed != 1 else ""
    return f"Group {group.id} saved: {moved.changed:,} scheduled record{plural} moved to its new dates"


@get("/admin/retention/groups/{group_id:int}", name="retention.group_form", sync_to_thread=True)
def group_form(request: Request[Any, Any, Any], db: Db, group_id: FromPath[int]) -> Template:
    return _group_page(request, db, group_id, None)


@post("/admin/retention/groups/{group_id:int}", name="retention.update_group", sync_to_thread=True)
def update_group(
    request: Request[Any, Any, Any], db: Db, group_id: FromPath[int], data: Form
) -> Template | Redirect:
    principal = require_principal(request)
    return round_trip(
        request,
        db,
        data,
        lambda values: settings.update_group(db, principal, group_id, values),
        lambda form, status: _group_page(request, db, group_id, form, status),
        success="/admin/retention",
        flash=_group_saved,
    )


ROUTES = [
    review_queue,
    record_page,
    decide,
    dispose_form,
    dispose,
    settings_page,
    set_defaults,
    group_form,
    update_group,
]
