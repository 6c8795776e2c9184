"""Research pages for checks and partner-agency requests, and the research overview. Each POST calls one
service verb (post/redirect/get)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from disclosure.agencies import service as agencies_service
from disclosure.auth import require_principal
from disclosure.errors import NotFound
from disclosure.research import service
from disclosure.research.controllers.common import (
    base_context,
    form_page,
    people_options,
    research_url,
    submit_form,
)
from disclosure.research.overview import overview
from disclosure.research.service.checks import OTHER, check_types
from disclosure.research.service.partners import new_answer_answers
from disclosure.research.vocabulary import CheckKind, CheckResult, OnwardConsent
from disclosure.web import Db, Form, Id, page, redirect
from disclosure.workflow import options


@get("/requests/{request_id:uuid}/research", name="research.package", sync_to_thread=True)
def package_page(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Template:
    context = overview(db, require_principal(request), request_id)
    return page(
        request, "research/package.html", heading=f"Research for {context['case'].reference}", **context
    )


# ---------------------------------------------------------------- checks


def _check_context(db: Session, principal: Any, request_id: uuid.UUID) -> dict[str, Any]:
    context = base_context(db, principal, request_id)
    types = check_types(db, context["case"].scheme)
    return {
        **context,
        "type_options": [(str(t.id), t.name) for t in types] + [(OTHER, "Another system or agency")],
        "kind_options": options(CheckKind),
        "result_options": options(CheckResult),
        "consent_options": options(OnwardConsent),
    }


@get("/requests/{request_id:uuid}/research/checks/new", name="research.check_form", sync_to_thread=True)
def check_form(
    request: Request[Any, Any, Any], db: Db, request_id: Id, type: FromQuery[str] = ""
) -> Template:
    return form_page(
        request,
        db,
        request_id,
        "research/check.html",
        "Record a check",
        values={"check_type_id": type, **service.new_check_answers()},
        context=_check_context,
    )


@post("/requests/{request_id:uuid}/research/checks", name="research.record_check", sync_to_thread=True)
def record_check(request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form) -> Template | Redirect:
    actor = require_principal(request)
    return submit_form(
        request,
        db,
        request_id,
        data,
        template="research/check.html",
        heading="Record a check",
        verb=lambda v: service.record_check(db, actor, request_id, v),
        flash="Check recorded",
        context=_check_context,
        after="#checks",
    )


@get(
    "/requests/{request_id:uuid}/research/checks/{check_id:uuid}/remove",
    name="research.remove_check_form",
    sync_to_thread=True,
)
def remove_check_form(request: Request[Any, Any, Any], db: Db, request_id: Id, check_id: Id) -> Template:
    return form_page(
        request,
        db,
        request_id,
        "research/strike_out.html",
        "Strike out a check",
        action=research_url(request_id, f"/checks/{check_id}/remove"),
    )


@post(
    "/requests/{request_id:uuid}/research/checks/{check_id:uuid}/remove",
    name="research.remove_check",
    sync_to_thread=True,
)
def remove_check(
    request: Request[Any, Any, Any], db: Db, request_id: Id, check_id: Id, data: Form
) -> Template | Redirect:
    actor = require_principal(request)
    return submit_form(
        request,
        db,
        request_id,
        data,
        template="research/strike_out.html",
        heading="Strike out a check",
        verb=lambda v: service.remove_check(db, actor, request_id, check_id, v),
        flash="Check struck out",
        action=research_url(request_id, f"/checks/{check_id}/remove"),
        after="#checks",
    )


# ---------------------------------------------------------------- partner-agency requests


def _partner_context(db: Session, principal: Any, request_id: uuid.UUID) -> dict[str, Any]:
    context = base_context(db, principal, request_id)
    return {
        **context,
        "agency_options": [
            (str(a.id), f"{a.name} (answers within {a.response_working_days} working days)")
            for a in agencies_service.agencies(db, active_only=True)
        ],
        "people_options": people_options(db, context["case"]),
    }


@get(
    "/requests/{request_id:uuid}/research/partner-requests/new",
    name="research.partner_request_form",
    sync_to_thread=True,
)
def partner_request_form(
    request: Request[Any, Any, Any], db: Db, request_id: Id, agency: FromQuery[str] = ""
) -> Template:
    return form_page(
        request,
        db,
        request_id,
        "research/partner_request.html",
        "Ask a partner agency",
        values={"agency_id": agency},
        context=_partner_context,
    )


@post(
    "/requests/{request_id:uuid}/research/partner-requests",
    name="research.send_partner_request",
    sync_to_thread=True,
)
def send_partner_request(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form
) -> Template | Redirect:
    actor = require_principal(request)
    return submit_form(
        request,
        db,
        request_id,
        data,
        template="research/partner_request.html",
        heading="Ask a partner agency",
        verb=lambda v: service.send_partner_request(db, actor, request_id, v),
        flash="Request sent to the partner agency",
        context=_partner_context,
        after="#partner-requests",
    )


@post(
    "/requests/{request_id:uuid}/research/partner-requests/{partner_request_id:uuid}/chase",
    name="research.chase",
    sync_to_thread=True,
)
def chase(
    request: Request[Any, Any, Any], db: Db, request_id: Id, partner_request_id: Id, data: Form
) -> Redirect:
    service.chase(db, require_principal(request), request_id, partner_request_id, data.get("version"))
    back = (
        "/research/partner-requests"
        if data.get("from") == "list"
        else research_url(request_id, "#partner-requests")
    )
    return redirect(request, back, flash="Chase recorded")


def _one_request_context(partner_request_id: uuid.UUID) -> Any:
    def build(db: Session, principal: Any, request_id: uuid.UUID) -> dict[str, Any]:
        context = base_context(db, principal, request_id)
        sent = next((r for r in service.case_requests(db, request_id) if r.id == partner_request_id), None)
        if sent is None:
            raise NotFound("There is no such partner request on this case")
        agency = agencies_service.get_agency(db, sent.agency_id)
        return {
            **context,
            "sent": sent,
            "agency": agency,
            "result_options": options(CheckResult),
            "consent_options": options(OnwardConsent),
        }

    return build


@get(
    "/requests/{request_id:uuid}/research/partner-requests/{partner_request_id:uuid}/close",
    name="research.close_partner_request_form",
    sync_to_thread=True,
)
def close_partner_request_form(
    request: Request[Any, Any, Any], db: Db, request_id: Id, partner_request_id: Id
) -> Template:
    return form_page(
        request,
        db,
        request_id,
        "research/close_partner_request.html",
        "Close a request without an answer",
        context=_one_request_context(partner_request_id),
    )


@post(
    "/requests/{request_id:uuid}/research/partner-requests/{partner_request_id:uuid}/close",
    name="research.close_partner_request",
    sync_to_thread=True,
)
def close_partner_request(
    request: Request[Any, Any, Any], db: Db, request_id: Id, partner_request_id: Id, data: Form
) -> Template | Redirect:
    actor = require_principal(request)
    return submit_form(
        request,
        db,
        request_id,
        data,
        template="research/close_partner_request.html",
        heading="Close a request without an answer",
        verb=lambda v: service.close_without_answer(db, actor, request_id, partner_request_id, v),
        flash="Request closed without an answer",
        context=_one_request_context(partner_request_id),
        after="#partner-requests",
    )


@get(
    "/requests/{request_id:uuid}/research/partner-requests/{partner_request_id:uuid}/answer",
    name="research.partner_answer_form",
    sync_to_thread=True,
)
def partner_answer_form(
    request: Request[Any, Any, Any], db: Db, request_id: Id, partner_request_id: Id
) -> Template:
    return form_page(
        request,
        db,
        request_id,
        "research/record_answer.html",
        "Record the agency's answer",
        values=new_answer_answers(),
        context=_one_request_context(partner_request_id),
    )


@post(
    "/requests/{request_id:uuid}/research/partner-requests/{partner_request_id:uuid}/answer",
    name="research.record_partner_answer",
    sync_to_thread=True,
)
def record_partner_answer(
    request: Request[Any, Any, Any], db: Db, request_id: Id, partner_request_id: Id, data: Form
) -> Template | Redirect:
    actor = require_principal(request)
    return submit_form(
        request,
        db,
        request_id,
        data,
        template="research/record_answer.html",
        heading="Record the agency's answer",
        verb=lambda v: service.record_answer_for_partner(db, actor, request_id, partner_request_id, v),
        flash="Answer recorded",
        context=_one_request_context(partner_request_id),
        after="#partner-requests",
    )


ROUTES = [
    package_page,
    check_form,
    record_check,
    remove_check_form,
    remove_check,
    partner_request_form,
    send_partner_request,
    chase,
    close_partner_request_form,
    close_partner_request,
    partner_answer_form,
    record_partner_answer,
]
