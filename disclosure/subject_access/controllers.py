"""The information rights officer's pages [issue 19]: the requests (open ones soonest due first), finding the
person and opening a request, the request with its items, one item's decision, and the export, which asks
for the officer's password and code again (`accounts.policy`)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Response, Template
from sqlalchemy.orm import Session

from disclosure.accounts.directory import user_names
from disclosure.auth import require_principal
from disclosure.clocks import uk_date
from disclosure.db import utcnow
from disclosure.errors import FormInvalid, InvalidTransition
from disclosure.people.service import resolve, summaries
from disclosure.storage import store_for
from disclosure.subject_access import bundle, service
from disclosure.subject_access.models import SubjectAccessRequest
from disclosure.subject_access.vocabulary import Exemption, ItemDecision, ItemKind, RequestStatus
from disclosure.web import Db, Form, FormState, Id, attachment_response, form_values, page, round_trip

FINDING = frozenset(
    {
        "given_names",
        "family_name",
        "date_of_birth-day",
        "date_of_birth-month",
        "date_of_birth-year",
        "postcode",
    }
)
"""The requester's details that find their record in the people index (the search is a GET: it changes
nothing but its audit event)."""


@get("/subject-access", name="subject_access.list", sync_to_thread=True)
def request_list(request: Request[Any, Any, Any], db: Db) -> Template:
    principal = require_principal(request)
    params = request.query_params
    exported = params.get("view") == "exported"
    found = service.requests(
        db,
        principal,
        status=RequestStatus.EXPORTED if exported else RequestStatus.OPEN,
        after=params.get("after"),
        before=params.get("before"),
    )
    shown = summaries(db, [r.person_id for r in found.items])
    names = {r.id: shown[r.person_id].display_name if r.person_id in shown else "" for r in found.items}
    return page(
        request,
        "subject_access/list.html",
        heading="Subject access requests",
        exported=exported,
        found=found,
        names=names,
        waiting=service.waiting_counts(db, [r.id for r in found.items]),
        today=uk_date(utcnow()),
    )


def _new_page(
    request: Request[Any, Any, Any], db: Session, form: FormState, status: int = 200, *, search: bool
) -> Template:
    principal = require_principal(request)
    matches = []
    if search:
        try:
            matches = service.find_person(db, principal, form.values)
        except FormInvalid as exc:
            form = FormState(form.values, exc.errors | form.errors)
            status = 400
    return page(
        request,
        "subject_access/new.html",
        heading="Start a subject access request",
        form=form,
        searched=search,
        matches=matches,
        today_example=f"{uk_date(utcnow()):%-d %-m %Y}",
        status_code=status,
    )


@get("/subject-access/new", name="subject_access.new_form", sync_to_thread=True)
def new_form(request: Request[Any, Any, Any], db: Db) -> Template:
    values = form_values({k: v for k, v in request.query_params.items() if k in FINDING})
    return _new_page(request, db, FormState(values, {}), search=any(values.values()))


@post("/subject-access/new", name="subject_access.open", sync_to_thread=True)
def open_request(request: Request[Any, Any, Any], db: Db, data: Form) -> Template | Redirect:
    principal = require_principal(request)
    return round_trip(
        request,
        db,
        data,
        lambda values: service.open_request(db, principal, values),
        lambda form, status: _new_page(request, db, form, status, search=True),
        success=lambda opened: f"/subject-access/{opened.id}",
        flash=lambda opened: f"Request opened: {len(opened.items)} items found to decide",
    )


def _request_page(
    request: Request[Any, Any, Any],
    db: Session,
    found: SubjectAccessRequest,
    form: FormState | None = None,
    status: int = 200,
) -> Template:
    waiting = service.pending(found)
    return page(
        request,
        "subject_access/request.html",
        heading=f"Subject access: {resolve(db, found.person_id).display_name}",
        found=found,
        waiting=waiting,
        bulk=[i for i in waiting if i.suggested is None],
        kinds={k.value: k.label for k in ItemKind},
        decisions={d.value: d.label for d in ItemDecision},
        exemptions={e.value: e.short for e in Exemption},
        names=user_names(db, [found.opened_by_id, found.exported_by_id]),
        today=uk_date(utcnow()),
        form=form or FormState.empty(version=str(found.version)),
        status_code=status,
    )


@get("/subject-access/{request_id:uuid}", name="subject_access.request", sync_to_thread=True)
def request_page(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Template:
    return _request_page(request, db, service.get_request(db, require_principal(request), request_id))


@post(
    "/subject-access/{request_id:uuid}/disclose-rest",
    name="subject_access.disclose_rest",
    sync_to_thread=True,
)
def disclose_rest(request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form) -> Template | Redirect:
    principal = require_principal(request)
    return round_trip(
        request,
        db,
        data,
        lambda values: service.disclose_rest(db, principal, request_id, values),
        lambda form, status: _request_page(request, db, _reread(db, principal, request_id), form, status),
        success=f"/subject-access/{request_id}",
        flash=lambda count: f"{count} item{'s' if count != 1 else ''} to be disclosed in full",
    )


def _reread(db: Session, principal: Any, request_id: uuid.UUID) -> SubjectAccessRequest:
    found = service.get_request(db, principal, request_id)
    db.refresh(found)
    return found


def _item_page(
    request: Request[Any, Any, Any],
    db: Session,
    request_id: uuid.UUID,
    item_id: uuid.UUID,
    form: FormState | None = None,
    status: int = 200,
) -> Template:
    principal = require_principal(request)
    item = service.get_item(db, principal, request_id, item_id)
    kind = ItemKind(item.kind)
    decisions = [(d.value, d.label) for d in ItemDecision if d != ItemDecision.PENDING]
    if kind.has_file:
        decisions = [d for d in decisions if d[0] != ItemDecision.REDACT.value]
    return page(
        request,
        "subject_access/item.html",
        heading=f"Item {item.position}: {item.label}",
        item=item,
        kind=kind,
        decisions=decisions,
        exemptions=[(e.value, e.label) for e in Exemption],
        suggested=Exemption(item.suggested).label if item.suggested else "",
        form=form
        or FormState.empty(
            decision="" if item.decision == ItemDecision.PENDING.value else item.decision,
            exemption=item.exemption or item.suggested or "",
            redactions=item.redactions,
            note=item.note,
            version=str(item.request.version),
        ),
        status_code=status,
    )


ITEM = "/subject-access/{request_id:uuid}/items/{item_id:uuid}"


@get(ITEM, name="subject_access.item", sync_to_thread=True)
def item_page(request: Request[Any, Any, Any], db: Db, request_id: Id, item_id: Id) -> Template:
    return _item_page(request, db, request_id, item_id)


@post(ITEM, name="subject_access.decide", sync_to_thread=True)
def decide(
    request: Request[Any, Any, Any], db: Db, request_id: Id, item_id: Id, data: Form
) -> Template | Redirect:
    principal = require_principal(request)
    return round_trip(
        request,
        db,
        data,
        lambda values: service.decide(db, principal, request_id, item_id, values),
        lambda form, status: _item_page(request, db, request_id, item_id, form, status),
        success=lambda item: _next_item(item.request, item.position),
        flash=lambda item: f"Item {item.position}: {ItemDecision(item.decision).label.lower()}",
    )


def _next_item(found: SubjectAccessRequest, after: int) -> str:
    """The next undecided item after the one just decided (then the first one before it), or the request."""
    waiting = service.pending(found)
    following = [i for i in waiting if i.position > after] or waiting
    base = f"/subject-access/{found.id}"
    return f"{base}/items/{following[0].id}" if following else base


@post(
    "/subject-access/{request_id:uuid}/export",
    name="subject_access.export",
    sync_to_thread=True,
    status_code=200,
)
def export(request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form) -> Template | Response[bytes]:
    principal = require_principal(request)
    values = form_values(data)
    found = service.get_request(db, principal, request_id)
    if values.get("version") not in (None, "", str(found.version)):
        problem = "Someone changed this request after you opened it: check the items and export again"
        return _request_page(request, db, found, FormState(values, {}, problem), 409)
    try:
        with db.begin_nested():
            name, content = bundle.export(db, principal, store_for(request.app.state.settings), request_id)
    except InvalidTransition as exc:
        return _request_page(
            request, db, _reread(db, principal, request_id), FormState(values, {}, exc.message)
        )
    return attachment_response(content, name, "application/zip")


ROUTES = [request_list, new_form, open_request, request_page, disclose_rest, item_page, decide, export]
