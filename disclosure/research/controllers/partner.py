"""Pages for partner-agency users: the requests addressed to their agency and the answer form. A partner
sees what each request asks and about whom, and nothing else of the case."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from disclosure.agencies.inbox import view_of
from disclosure.auth import require_principal
from disclosure.errors import FormInvalid, StaleRecord
from disclosure.research import service
from disclosure.research.vocabulary import CheckResult, OnwardConsent
from disclosure.web import Db, Form, FormState, Id, form_values, page, redirect
from disclosure.workflow import options


@get("/partner", name="partner.inbox", sync_to_thread=True)
def inbox(
    request: Request[Any, Any, Any],
    db: Db,
    view: FromQuery[str] = "",
    after: FromQuery[str] = "",
    before: FromQuery[str] = "",
) -> Template:
    found = service.partner_inbox(
        db, require_principal(request), view=view_of(view), after=after, before=before
    )
    return page(request, "research/partner_inbox.html", heading="Information requests", inbox=found)


def _answer_page(
    request: Request[Any, Any, Any], db: Db, partner_request_id: uuid.UUID, form: FormState, status: int = 200
) -> Template:
    view = service.partner_view(db, require_principal(request), partner_request_id)
    return page(
        request,
        "research/partner_request_view.html",
        heading=f"Information request {view.reference}",
        view=view,
        form=form,
        result_options=options(CheckResult),
        consent_options=options(OnwardConsent),
        status_code=status,
    )


@get("/partner/requests/{partner_request_id:uuid}", name="partner.request", sync_to_thread=True)
def request_page(request: Request[Any, Any, Any], db: Db, partner_request_id: Id) -> Template:
    return _answer_page(request, db, partner_request_id, FormState.empty())


@post("/partner/requests/{partner_request_id:uuid}", name="partner.answer", sync_to_thread=True)
def answer(
    request: Request[Any, Any, Any], db: Db, partner_request_id: Id, data: Form
) -> Template | Redirect:
    values = form_values(data)
    try:
        service.answer(db, require_principal(request), partner_request_id, values)
    except (FormInvalid, StaleRecord) as exc:
        db.rollback()
        errors = exc.errors if isinstance(exc, FormInvalid) else {"response": exc.message}
        status = 400 if isinstance(exc, FormInvalid) else 409
        return _answer_page(request, db, partner_request_id, FormState(values, errors), status)
    return redirect(request, "/partner", flash="Thank you: your answer has been sent to the police")


ROUTES = [inbox, request_page, answer]
