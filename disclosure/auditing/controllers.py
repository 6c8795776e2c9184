"""Audit trail pages for auditors: filter and page through events, one event, chain check, CSV export."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.params import FromPath
from litestar.response import Template

from disclosure.audit import AuditCategory
from disclosure.auditing import service
from disclosure.auth import require_principal
from disclosure.errors import FormInvalid
from disclosure.text import clean
from disclosure.web import Db, FormState, attachment_response, page

CATEGORY_OPTIONS = [("", "Any")] + [(c.value, c.value.capitalize()) for c in AuditCategory]


def _query(request: Request[Any, Any, Any]) -> dict[str, str]:
    """Filter values as typed, less control characters (they are shown again in the form)."""
    return {k: clean(request.query_params.get(k, "")) for k in (*service.FILTER_FIELDS, "reason")}


@get("/audit", name="auditing.events", sync_to_thread=True)
def events(request: Request[Any, Any, Any], db: Db) -> Template:
    principal = require_principal(request)
    values = _query(request)
    try:
        f = service.parse_filter(values)
    except FormInvalid as exc:
        return page(
            request,
            "auditing/events.html",
            heading="Audit trail",
            status_code=400,
            form=FormState(values, exc.errors),
            events=[],
            pagination=None,
            categories=CATEGORY_OPTIONS,
            query="",
        )
    found, pagination = service.search_events(db, principal, f, page=request.query_params.get("page"))
    return page(
        request,
        "auditing/events.html",
        heading="Audit trail",
        form=FormState(values, {}),
        events=found,
        pagination=pagination,
        categories=CATEGORY_OPTIONS,
        query=urlencode(f.as_dict()),
    )


@get("/audit/events/{seq:int}", name="auditing.event", sync_to_thread=True)
def event(request: Request[Any, Any, Any], db: Db, seq: FromPath[int]) -> Template:
    found = service.get_event(db, require_principal(request), seq)
    return page(request, "auditing/event.html", heading=f"Audit event {found.seq}", event=found)


@get("/audit/chain", name="auditing.chain", sync_to_thread=True)
def chain(request: Request[Any, Any, Any], db: Db) -> Template:
    report = service.verify_chain(db, require_principal(request))
    return page(request, "auditing/chain.html", heading="Audit chain check", report=report)


@get("/audit/export", name="auditing.export_form", sync_to_thread=True)
def export_form(request: Request[Any, Any, Any]) -> Template:
    return page(
        request,
        "auditing/export.html",
        heading="Export an access history",
        form=FormState(_query(request), {}),
        categories=CATEGORY_OPTIONS,
    )


@get("/audit/export.csv", name="auditing.export", sync_to_thread=True)
def export(request: Request[Any, Any, Any], db: Db) -> Response[bytes] | Template:
    values = _query(request)
    try:
        body = service.export_csv(
            db, require_principal(request), service.parse_filter(values), values["reason"]
        )
    except FormInvalid as exc:
        return page(
            request,
            "auditing/export.html",
            heading="Export an access history",
            status_code=400,
            form=FormState(values, exc.errors),
            categories=CATEGORY_OPTIONS,
        )
    return attachment_response(
        body.encode() if isinstance(body, str) else body, "access-history.csv", "text/csv; charset=utf-8"
    )


ROUTES = [events, event, chain, export_form, export]
