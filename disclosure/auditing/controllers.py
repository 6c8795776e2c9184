"""Audit trail pages for auditors: filter and page through events, one event, chain check, CSV export."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.params import FromPath
from litestar.response import Template

from disclosure.auditing import service, words
from disclosure.auditing.schemas import DATE_PARTS, FILTER_FIELDS, EventFilter
from disclosure.auth import require_principal
from disclosure.errors import FormInvalid
from disclosure.text import clean
from disclosure.web import Db, FormState, attachment_response, page


def _query(request: Request[Any, Any, Any]) -> dict[str, str]:
    """Filter values as typed, less control characters (they are shown again in the form)."""
    names = (*FILTER_FIELDS, *DATE_PARTS, "reason")
    return {k: clean(request.query_params.get(k, "")) for k in names}


def _options(values: dict[str, str]) -> dict[str, Any]:
    return {
        "actions": words.action_options(values.get("action", "")),
        "kinds": words.record_options(values.get("object_type", "")),
        "categories": words.category_options(),
    }


def _shown(values: dict[str, str], f: EventFilter) -> dict[str, str]:
    """What the form shows after a search: the filter as understood (a reference in capitals, an API-style
    date in its boxes), with anything else typed kept."""
    kept = {k: v for k, v in values.items() if k not in FILTER_FIELDS and k not in DATE_PARTS}
    return kept | f.as_form()


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
            found=None,
            query="",
            **_options(values),
        )
    params = request.query_params
    found = service.search_events(db, principal, f, after=params.get("after"), before=params.get("before"))
    return page(
        request,
        "auditing/events.html",
        heading="Audit trail",
        form=FormState(_shown(values, f), {}),
        events=service.describe(db, found.items),
        found=found,
        query=urlencode(f.as_form()),
        **_options(values),
    )


@get("/audit/events/{seq:int}", name="auditing.event", sync_to_thread=True)
def event(request: Request[Any, Any, Any], db: Db, seq: FromPath[int]) -> Template:
    found = service.get_event(db, require_principal(request), seq)
    [view] = service.describe(db, [found])
    return page(request, "auditing/event.html", heading=f"Audit event {found.seq}", event=view)


@get("/audit/chain", name="auditing.chain", sync_to_thread=True)
def chain(request: Request[Any, Any, Any], db: Db) -> Template:
    report = service.verify_chain(db, require_principal(request))
    return page(request, "auditing/chain.html", heading="Audit chain check", report=report)


@get("/audit/export", name="auditing.export_form", sync_to_thread=True)
def export_form(request: Request[Any, Any, Any]) -> Template:
    values = _query(request)
    return page(
        request,
        "auditing/export.html",
        heading="Export an access history",
        form=FormState(values, {}),
        **_options(values),
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
            **_options(values),
        )
    return attachment_response(body.encode(), "access-history.csv", "text/csv; charset=utf-8")


ROUTES = [events, event, chain, export_form, export]
