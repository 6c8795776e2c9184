"""The urgent disclosure at first contact, for immediate protection [Beds]: the form an officer holding the
urgent disclosure authority fills in, and its API. The case page shows each one and whether the panel has
ratified it (`decisions.panels.case_panel`)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from disclosure.auth import require_principal
from disclosure.decisions.service import urgent
from disclosure.decisions.service.recipients import capacity, recipient_options
from disclosure.errors import PermissionDenied
from disclosure.requests import service as requests_service
from disclosure.requests.vocabulary import Scheme
from disclosure.web import Db, Form, FormState, Id, page, round_trip

TEMPLATE = "decisions/urgent.html"
HEADING = "Urgent disclosure for immediate protection"


def _show(
    request: Request[Any, Any, Any], db: Db, request_id: uuid.UUID, form: FormState, status: int
) -> Template:
    principal = require_principal(request)
    case = requests_service.load(db, principal, request_id)
    scheme = Scheme(case.scheme)
    options = [
        (str(o.party_id), f"{o.name} ({o.label})")
        for o in recipient_options(db, case)
        if capacity(scheme, o) is not None
    ]
    return page(
        request,
        TEMPLATE,
        heading=HEADING,
        case=case,
        form=form,
        status_code=status,
        recipients=options,
        problem=urgent.why_not(case),
    )


def _refuse_unless_authorised(request: Request[Any, Any, Any]) -> None:
    if not urgent.may_authorise(require_principal(request)):
        raise PermissionDenied(urgent.NOT_AUTHORISED)


@get("/requests/{request_id:uuid}/urgent-disclosure", name="decisions.urgent_form", sync_to_thread=True)
def urgent_form(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Template:
    _refuse_unless_authorised(request)
    principal = require_principal(request)
    return _show(request, db, request_id, FormState({"said_by": principal.display_name}, {}), 200)


@post("/requests/{request_id:uuid}/urgent-disclosure", name="decisions.urgent", sync_to_thread=True)
def record_urgent(request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form) -> Template | Redirect:
    principal = require_principal(request)
    return round_trip(
        request,
        db,
        data,
        lambda values: urgent.authorise(db, principal, request_id, values),
        lambda form, status: _show(request, db, request_id, form, status),
        success=f"/requests/{request_id}",
        flash="Urgent disclosure recorded: it goes to the next panel for ratification",
    )


ROUTES = [urgent_form, record_urgent]
