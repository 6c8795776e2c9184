"""Research pages for evidence items and their attachments. Each POST calls one service verb."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_413_REQUEST_ENTITY_TOO_LARGE
from sqlalchemy.orm import Session

from disclosure.auth import require_principal
from disclosure.clocks import uk_date
from disclosure.db import keep_on_refusal
from disclosure.errors import Conflict, FormInvalid, InvalidTransition, NotFound, StaleRecord
from disclosure.requests.vocabulary import Scheme
from disclosure.research import service
from disclosure.research.controllers.common import (
    base_context,
    form_page,
    people_options,
    research_url,
    submit_form,
)
from disclosure.research.service.evidence import RECIPIENTS
from disclosure.research.vocabulary import (
    CheckResult,
    HandlingCode,
    InformationGrade,
    Nature,
    OwnerConsent,
    SourceGrade,
)
from disclosure.storage import store_for
from disclosure.text import format_date
from disclosure.web import Db, Form, FormData, FormState, Id, attachment_response, form_values, redirect
from disclosure.workflow import options

# ---------------------------------------------------------------- evidence items


def _evidence_context(db: Session, principal: Any, request_id: uuid.UUID) -> dict[str, Any]:
    context = base_context(db, principal, request_id)
    case = context["case"]
    lines, extras = service.checklist(db, case)
    checks = [c for line in lines for c in line.checks] + extras
    return {
        **context,
        "people_options": [(value, label) for value, label, _hint in people_options(db, case)],
        "check_options": [("", "Not from a recorded check")]
        + [(str(c.id), f"{c.name} ({format_date(uk_date(c.performed_at))})") for c in checks],
        "checks_by_id": {str(c.id): c for c in checks},
        "check_labels": {r.value: r.label for r in CheckResult},
        "source_grades": [(g.value, f"{g.value}: {g.label}") for g in SourceGrade],
        "information_grades": [(g.value, f"{g.value}: {g.label}") for g in InformationGrade],
        "handling_codes": [(g.value, f"{g.value}: {g.label}") for g in HandlingCode],
        "nature_options": options(Nature),
        "recipient_options": [(r.value, r.label) for r in RECIPIENTS[Scheme(case.scheme)]],
        "consent_options": options(OwnerConsent),
    }


NEW_ITEM = "Record an evidence item"
TOO_LARGE = "too-large"


def _max_upload_mb(request: Request[Any, Any, Any]) -> int:
    return int(request.app.state.settings.max_upload_mb)


def _too_large(request: Request[Any, Any, Any]) -> str:
    return f"The selected file must be smaller than {_max_upload_mb(request)} MB"


def _new_item_page(
    request: Request[Any, Any, Any], db: Db, request_id: uuid.UUID, form: FormState, status_code: int = 200
) -> Template:
    return form_page(
        request,
        db,
        request_id,
        "research/evidence.html",
        NEW_ITEM,
        values=form.values,
        errors=form.errors,
        problem=form.problem,
        context=_evidence_context,
        action=research_url(request_id, "/evidence"),
        with_file=True,
        max_upload_mb=_max_upload_mb(request),
        status_code=status_code,
    )


@get("/requests/{request_id:uuid}/research/evidence/new", name="research.evidence_form", sync_to_thread=True)
def evidence_form(
    request: Request[Any, Any, Any],
    db: Db,
    request_id: Id,
    check: FromQuery[str] = "",
    error: FromQuery[str] = "",
) -> Template:
    """The evidence form; from a check (`?check=`) it starts with the check's provenance filled in. After
    a file too large to read (`?error=too-large`) it says so at the file field: the body was refused
    unread, so nothing else typed could be kept."""
    values: dict[str, Any] = {}
    if check:
        try:
            check_id = uuid.UUID(check)
        except ValueError:
            raise NotFound("There is no such check on this case") from None
        values = service.answers_from_check(db, require_principal(request), request_id, check_id)
    if error == TOO_LARGE:
        form = FormState(values, {"file": _too_large(request)}, UNREAD)
        return _new_item_page(request, db, request_id, form, 400)
    return _new_item_page(request, db, request_id, FormState(values, {}))


UNREAD = "The file was too large to read, so the answers sent with it could not be kept: enter them again"


def _file_too_large(request: Request[Any, Any, Any], _exc: Exception) -> Response[Any]:
    """A body over the upload limit is refused from its Content-Length, unread: back to the form with the
    message at the file field (the route's own handler, ahead of the application's)."""
    return Redirect(f"{request.url.path}/new?error={TOO_LARGE}", status_code=303)


def _uploads(request: Request[Any, Any, Any]) -> service.Uploads:
    settings = request.app.state.settings
    return service.Uploads(store_for(settings), settings.max_upload_mb * 1024 * 1024, settings.secret_key)


@post(
    "/requests/{request_id:uuid}/research/evidence",
    name="research.record_evidence",
    sync_to_thread=True,
    exception_handlers={HTTP_413_REQUEST_ENTITY_TOO_LARGE: _file_too_large},
)
def record_evidence(
    request: Request[Any, Any, Any],
    db: Db,
    request_id: Id,
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Template | Redirect:
    """The item and its file in one submission (one verb). When the item has problems but the file is
    good, the file is held and the form comes back saying so, with every answer kept; a new file chosen
    replaces a held one. The body limit is the upload limit (this route is in `UPLOAD_ROUTES`)."""
    actor = require_principal(request)
    chosen = data.get("file")
    upload = (
        service.Upload(chosen.filename, chosen.file.read())
        if isinstance(chosen, UploadFile) and chosen.filename
        else None
    )
    values = form_values(FormData.parse({k: v for k, v in data.items() if not isinstance(v, UploadFile)}))
    if upload is not None:  # a file chosen now replaces one held from before
        values = {k: v for k, v in values.items() if k not in service.HELD_FIELDS}
    uploads = _uploads(request)
    try:
        with db.begin_nested():
            service.record_evidence(db, actor, request_id, values, upload=upload, uploads=uploads)
    except FormInvalid as exc:
        if "file" in exc.errors:
            values = {k: v for k, v in values.items() if k not in service.HELD_FIELDS}
        elif upload is not None:
            held = service.hold_upload(db, actor, request_id, upload, uploads)
            if held:
                values |= held
                keep_on_refusal(db)  # the held file (and its audit event) outlive the refused form
        return _new_item_page(request, db, request_id, FormState(values, exc.errors), 400)
    except StaleRecord as exc:
        return _new_item_page(request, db, request_id, FormState(values, {}, exc.message), 409)
    except (InvalidTransition, Conflict) as exc:
        return _new_item_page(request, db, request_id, FormState(values, {}, exc.message), 409)
    flash = (
        "Evidence item and file recorded" if upload or values.get("held_file") else "Evidence item recorded"
    )
    return redirect(request, research_url(request_id, "#evidence"), flash=flash)


def _item_values(item: Any) -> dict[str, Any]:
    values = {
        key: "" if getattr(item, key) is None else str(getattr(item, key))
        for key in (
            "person_id",
            "check_id",
            "source",
            "source_reference",
            "summary",
            "source_grade",
            "information_grade",
            "handling_code",
            "nature",
            "disclose_to",
            "owner_consent",
            "version",
        )
    }
    values["disclosable"] = "yes" if item.disclosable else "no"
    if item.information_date:
        day = item.information_date
        values |= {
            "information_date-day": str(day.day),
            "information_date-month": str(day.month),
            "information_date-year": str(day.year),
        }
    return values


@get(
    "/requests/{request_id:uuid}/research/evidence/{item_id:uuid}/change",
    name="research.change_evidence_form",
    sync_to_thread=True,
)
def change_evidence_form(request: Request[Any, Any, Any], db: Db, request_id: Id, item_id: Id) -> Template:
    _case, item = service.load_item(db, require_principal(request), request_id, item_id)
    return form_page(
        request,
        db,
        request_id,
        "research/evidence.html",
        f"Change evidence item E{item.number}",
        values=_item_values(item),
        context=_evidence_context,
        action=research_url(request_id, f"/evidence/{item_id}/change"),
    )


@post(
    "/requests/{request_id:uuid}/research/evidence/{item_id:uuid}/change",
    name="research.change_evidence",
    sync_to_thread=True,
)
def change_evidence(
    request: Request[Any, Any, Any], db: Db, request_id: Id, item_id: Id, data: Form
) -> Template | Redirect:
    actor = require_principal(request)
    return submit_form(
        request,
        db,
        request_id,
        data,
        template="research/evidence.html",
        heading="Change an evidence item",
        verb=lambda v: service.change_evidence(db, actor, request_id, item_id, v),
        flash="Evidence item changed",
        context=_evidence_context,
        action=research_url(request_id, f"/evidence/{item_id}/change"),
        after="#evidence",
    )


@get(
    "/requests/{request_id:uuid}/research/evidence/{item_id:uuid}/remove",
    name="research.remove_evidence_form",
    sync_to_thread=True,
)
def remove_evidence_form(request: Request[Any, Any, Any], db: Db, request_id: Id, item_id: Id) -> Template:
    return form_page(
        request,
        db,
        request_id,
        "research/strike_out.html",
        "Strike out an evidence item",
        action=research_url(request_id, f"/evidence/{item_id}/remove"),
    )


@post(
    "/requests/{request_id:uuid}/research/evidence/{item_id:uuid}/remove",
    name="research.remove_evidence",
    sync_to_thread=True,
)
def remove_evidence(
    request: Request[Any, Any, Any], db: Db, request_id: Id, item_id: Id, data: Form
) -> Template | Redirect:
    actor = require_principal(request)
    return submit_form(
        request,
        db,
        request_id,
        data,
        template="research/strike_out.html",
        heading="Strike out an evidence item",
        verb=lambda v: service.remove_evidence(db, actor, request_id, item_id, v),
        flash="Evidence item struck out",
        action=research_url(request_id, f"/evidence/{item_id}/remove"),
        after="#evidence",
    )


# ---------------------------------------------------------------- attachments


def _attach_context(item_id: uuid.UUID) -> Any:
    def build(db: Session, principal: Any, request_id: uuid.UUID) -> dict[str, Any]:
        context = base_context(db, principal, request_id)
        _case, item = service.load_item(db, principal, request_id, item_id)
        return {**context, "item": item}

    return build


@get(
    "/requests/{request_id:uuid}/research/evidence/{item_id:uuid}/attachments",
    name="research.attachment_form",
    sync_to_thread=True,
)
def attachment_form(
    request: Request[Any, Any, Any], db: Db, request_id: Id, item_id: Id, error: FromQuery[str] = ""
) -> Template:
    limit = _max_upload_mb(request)
    errors = {"file": f"The selected file must be smaller than {limit} MB"} if error == TOO_LARGE else {}
    return form_page(
        request,
        db,
        request_id,
        "research/attachment.html",
        "Attach a file",
        errors=errors,
        context=_attach_context(item_id),
        max_upload_mb=limit,
        status_code=400 if errors else 200,
    )


@post(
    "/requests/{request_id:uuid}/research/evidence/{item_id:uuid}/upload",
    name="research.add_attachment",
    sync_to_thread=True,
)
def add_attachment(
    request: Request[Any, Any, Any],
    db: Db,
    request_id: Id,
    item_id: Id,
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Template | Redirect:
    """The body limit for this route is the upload limit (set on its router in `create_app`); a larger
    body is refused from its Content-Length before it is read, and comes back here as a field error."""
    settings = request.app.state.settings
    upload = data.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise FormInvalid({"file": "Select a file to attach"}, {})
        service.add_attachment(
            db,
            require_principal(request),
            store_for(settings),
            request_id,
            item_id,
            filename=upload.filename,
            data=upload.file.read(),
            max_bytes=settings.max_upload_mb * 1024 * 1024,
        )
    except FormInvalid as exc:
        db.rollback()
        return form_page(
            request,
            db,
            request_id,
            "research/attachment.html",
            "Attach a file",
            errors=exc.errors,
            context=_attach_context(item_id),
            max_upload_mb=settings.max_upload_mb,
            status_code=400,
        )
    return redirect(request, research_url(request_id, "#evidence"), flash="File attached")


@get(
    "/requests/{request_id:uuid}/research/attachments/{attachment_id:uuid}",
    name="research.download_attachment",
    sync_to_thread=True,
)
def download_attachment(
    request: Request[Any, Any, Any], db: Db, request_id: Id, attachment_id: Id
) -> Response[bytes]:
    """Always a download (never shown inline), never cached (QUALITY.md 14)."""
    attachment, content = service.download_attachment(
        db, require_principal(request), store_for(request.app.state.settings), request_id, attachment_id
    )
    return attachment_response(content, attachment.filename, attachment.content_type)


@post(
    "/requests/{request_id:uuid}/research/attachments/{attachment_id:uuid}/remove",
    name="research.remove_attachment",
    sync_to_thread=True,
)
def remove_attachment(request: Request[Any, Any, Any], db: Db, request_id: Id, attachment_id: Id) -> Redirect:
    service.remove_attachment(db, require_principal(request), request_id, attachment_id)
    return redirect(request, research_url(request_id, "#evidence"), flash="File removed")


UPLOAD_ROUTES = [record_evidence, add_attachment]

ROUTES = [
    evidence_form,
    change_evidence_form,
    change_evidence,
    remove_evidence_form,
    remove_evidence,
    attachment_form,
    download_attachment,
    remove_attachment,
]
