"""The page recording the subject's offending and management on a Sarah's Law case: convictions (one row
each, with spare rows), registration and MAPPA, and the risk to the child [WYP-CSODS]."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from disclosure.auth import require_principal
from disclosure.research.controllers.common import base_context, form_page, submit_form
from disclosure.research.service import offending
from disclosure.research.vocabulary import MappaCategory, MappaLead, MappaLevel
from disclosure.web import Db, Form, Id
from disclosure.workflow import options

HEADING = "The subject's offending and management"
TEMPLATE = "research/offending.html"


def _context(db: Session, principal: Any, request_id: uuid.UUID) -> dict[str, Any]:
    context = base_context(db, principal, request_id)
    return {
        **context,
        "category_options": [("", "Not managed under MAPPA"), *options(MappaCategory)],
        "level_options": [("", "Select a level"), *options(MappaLevel)],
        "lead_options": [("", "Select the lead agency"), *options(MappaLead)],
        "spare_rows": 2,
    }


@get("/requests/{request_id:uuid}/research/offending", name="research.offending_form", sync_to_thread=True)
def offending_form(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Template:
    context = base_context(db, require_principal(request), request_id)
    return form_page(
        request,
        db,
        request_id,
        TEMPLATE,
        HEADING,
        values=offending.form_values(db, context["case"], context["package"]),
        context=_context,
    )


@post("/requests/{request_id:uuid}/research/offending", name="research.record_offending", sync_to_thread=True)
def record_offending(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form
) -> Template | Redirect:
    actor = require_principal(request)
    return submit_form(
        request,
        db,
        request_id,
        data,
        template=TEMPLATE,
        heading=HEADING,
        verb=lambda v: offending.record_offending(db, actor, request_id, v),
        flash="The subject's offending and management saved",
        context=_context,
        after="#offending",
    )


ROUTES = [offending_form, record_offending]
