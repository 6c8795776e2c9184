"""The export for partners: the form and the file."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.response import Template

from disclosure.auth import require_principal
from disclosure.errors import FormInvalid
from disclosure.missing import export, service
from disclosure.web import Db, Form, FormState, attachment_response, form_values, page


@get("/missing/export", name="missing.export_form", sync_to_thread=True)
def export_form(request: Request[Any, Any, Any]) -> Template:
    service.require_coordinator(require_principal(request))
    return page(
        request,
        "missing/export.html",
        heading="Export for partners",
        form=FormState.empty(format="xlsx", days="90"),
    )


@post("/missing/export", name="missing.export", sync_to_thread=True)
def export_file(request: Request[Any, Any, Any], db: Db, data: Form) -> Template | Response[bytes]:
    values = form_values(data)
    try:
        content, filename, media = export.export(db, require_principal(request), values)
    except FormInvalid as exc:
        return page(
            request,
            "missing/export.html",
            heading="Export for partners",
            form=FormState(values, exc.errors),
            status_code=400,
        )
    return attachment_response(content, filename, media)


ROUTES = [export_form, export_file]
