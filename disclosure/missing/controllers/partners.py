"""The partner's own pages: notifications to read and acknowledge, protocol forms to lodge."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from disclosure.agencies.inbox import view_of
from disclosure.auth import require_principal
from disclosure.db import utcnow
from disclosure.errors import FormInvalid
from disclosure.missing import notify, protocols
from disclosure.missing.controllers.common import Multipart, _too_large
from disclosure.missing.vocabulary import PartnerRole, ProtocolKind
from disclosure.people import service as people
from disclosure.storage import store_for
from disclosure.web import Db, FormState, Id, attachment_response, page, redirect
from disclosure.workflow import options


@get("/partner/missing", name="missing.partner_inbox", sync_to_thread=True)
def partner_inbox(
    request: Request[Any, Any, Any],
    db: Db,
    view: FromQuery[str] = "",
    after: FromQuery[str] = "",
    before: FromQuery[str] = "",
) -> Template:
    principal = require_principal(request)
    found = notify.partner_notifications(db, principal, view=view_of(view), after=after, before=before)
    return page(
        request,
        "missing/partner_inbox.html",
        heading="Missing-person notifications",
        inbox=found,
        names=people.summaries(db, [n.person_id for n in found.found.items]),
        role_labels={r.value: r.label for r in PartnerRole},
        now=utcnow(),
    )


@get("/partner/missing/{notification_id:uuid}", name="missing.partner_notification", sync_to_thread=True)
def partner_notification(request: Request[Any, Any, Any], db: Db, notification_id: Id) -> Template:
    principal = require_principal(request)
    notification = notify.open_for_partner(db, principal, notification_id)
    return page(
        request,
        "missing/partner_notification.html",
        heading="Urgent missing-person notice" if notification.urgent else "Missing-person digest",
        notification=notification,
        person=people.summaries(db, [notification.person_id])[notification.person_id],
        role_label=PartnerRole(notification.role).label,
    )


@post("/partner/missing/{notification_id:uuid}/acknowledge", name="missing.acknowledge", sync_to_thread=True)
def acknowledge(request: Request[Any, Any, Any], db: Db, notification_id: Id) -> Redirect:
    notify.acknowledge(db, require_principal(request), notification_id)
    return redirect(request, "/partner/missing", flash="Acknowledged")


@get("/partner/protocol-forms", name="missing.partner_forms", sync_to_thread=True)
def partner_forms(request: Request[Any, Any, Any], db: Db) -> Template:
    form = _too_large(request)
    return _partner_forms_page(request, db, form, 400 if form.errors else 200)


def _partner_forms_page(
    request: Request[Any, Any, Any], db: Db, form: FormState, status_code: int = 200
) -> Template:
    principal = require_principal(request)
    return page(
        request,
        "missing/partner_forms.html",
        heading="Philomena and Herbert protocol forms",
        agency=notify.partner_agency(db, principal),
        forms=protocols.forms_of_agency(db, principal),
        kinds=options(ProtocolKind),
        kind_labels={k.value: k.label for k in ProtocolKind},
        form=form,
        status_code=status_code,
        max_upload_mb=request.app.state.settings.max_upload_mb,
    )


@post("/partner/protocol-forms/new", name="missing.lodge_form", sync_to_thread=True)
def lodge_form(request: Request[Any, Any, Any], db: Db, data: Multipart) -> Template | Redirect:
    settings = request.app.state.settings
    upload = data.get("file")
    values = {k: v for k, v in data.items() if isinstance(v, str)}
    chosen = upload if isinstance(upload, UploadFile) and upload.filename else None
    try:
        # Every field is checked together, the file with the rest (no file: "Select a file to upload").
        with db.begin_nested():
            protocols.lodge(
                db,
                require_principal(request),
                store_for(settings),
                values,
                filename=chosen.filename if chosen else "",
                data=chosen.file.read() if chosen else b"",
                max_bytes=settings.max_upload_mb * 1024 * 1024,
            )
    except FormInvalid as exc:
        return _partner_forms_page(request, db, FormState(values, exc.errors), 400)
    return redirect(
        request,
        "/partner/protocol-forms",
        flash="Form lodged. Police see it only if the person is reported missing.",
    )


@get("/partner/protocol-forms/{form_id:uuid}/file", name="missing.partner_form_file", sync_to_thread=True)
def partner_form_file(request: Request[Any, Any, Any], db: Db, form_id: Id) -> Response[bytes]:
    form, content = protocols.open_own(
        db, require_principal(request), store_for(request.app.state.settings), form_id
    )
    return attachment_response(content, form.filename, form.content_type)


@post("/partner/protocol-forms/{form_id:uuid}/withdraw", name="missing.withdraw_form", sync_to_thread=True)
def withdraw_form(request: Request[Any, Any, Any], db: Db, form_id: Id) -> Redirect:
    protocols.withdraw(db, require_principal(request), form_id)
    return redirect(request, "/partner/protocol-forms", flash="Form withdrawn")


ROUTES = [partner_inbox, partner_notification, acknowledge, partner_forms, partner_form_file, withdraw_form]
UPLOAD_ROUTES = [lodge_form]
