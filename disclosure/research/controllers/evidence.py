"""Research pages for evidence items and their attachments. Each POST calls one service verb."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from disclosure.auth import require_principal
from disclosure.errors import FormInvalid
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
from disclosure.research.vocabulary import HandlingCode, InformationGrade, Nature, OwnerConsent, SourceGrade
from disclosure.storage import store_for
from disclosure.web import Db, Form, Id, attachment_response, redirect
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
        + [(str(c.id), f"{c.name} ({c.performed_at:%d %b %Y})") for c in checks],
        "source_grades": [(g.value, f"{g.value}: {g.label}") for g in SourceGrade],
        "information_grades": [(g.value, f"{g.value}: {g.label}") for g in InformationGrade],
        "handling_codes": [(g.value, f"{g.value}: {g.label}") for g in HandlingCode],
        "nature_options": options(Nature),
        "recipient_options": [(r.value, r.label) for r in RECIPIENTS[Scheme(case.scheme)]],
        "consent_options": options(OwnerConsent),
    }


@get("/requests/{request_id:uuid}/research/evidence/new", name="research.evidence_form", sync_to_thread=True)
def evidence_form(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Template:
    return form_page(
        request,
        db,
        request_id,
        "research/evidence.html",
        "Record an evidence item",
        context=_evidence_context,
        action=research_url(request_id, "/evidence"),
    )


@post("/requests/{request_id:uuid}/research/evidence", name="research.record_evidence", sync_to_thread=True)
def record_evidence(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form
) -> Template | Redirect:
    actor = require_principal(request)
    return submit_form(
        request,
        db,
        request_id,
        data,
        template="research/evidence.html",
        heading="Record an evidence item",
        verb=lambda v: service.record_evidence(db, actor, request_id, v),
        flash="Evidence item recorded",
        context=_evidence_context,
        action=research_url(request_id, "/evidence"),
        after="#evidence",
    )


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

TOO_LARGE = "too-large"


def _attach_context(item_id: uuid.UUID) -> Any:
    def build(db: Session, principal: Any, request_id: uuid.UUID) -> dict[str, Any]:
        context = base_context(db, principal, request_id)
        _case, item = service.load_item(db, principal, request_id, item_id)
        return {**context, "item": item}

    return build


def _max_upload_mb(request: Request[Any, Any, Any]) -> int:
    return int(request.app.state.settings.max_upload_mb)


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


UPLOAD_ROUTES = [add_attachment]

ROUTES = [
    evidence_form,
    record_evidence,
    change_evidence_form,
    change_evidence,
    remove_evidence_form,
    remove_evidence,
    attachment_form,
    download_attachment,
    remove_attachment,
]
