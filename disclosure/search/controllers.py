"""The search page. The words are sent in a POST body, never in the address: names typed into a search stay
out of browser history, server logs and the referrer (the result is the page itself, not a redirect)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Template

from disclosure.accounts.roles import require_case_role
from disclosure.auth import require_principal
from disclosure.errors import FormInvalid
from disclosure.search import service
from disclosure.web import Db, Form, FormState, form_values, page


@get("/search", name="search.form", sync_to_thread=True)
def search_form(request: Request[Any, Any, Any]) -> Template:
    require_case_role(require_principal(request))
    return page(request, "search/search.html", heading="Search", results=None)


@post("/search", name="search.run", sync_to_thread=True)
def run(request: Request[Any, Any, Any], db: Db, data: Form) -> Template:
    principal = require_principal(request)
    values = form_values(data)
    try:
        results = service.search(db, principal, values)
    except FormInvalid as exc:
        form = FormState(dict(exc.values or values), exc.errors)
        return page(request, "search/search.html", heading="Search", results=None, form=form, status_code=400)
    return page(
        request, "search/search.html", heading="Search", results=results, form=FormState.empty(**values)
    )


ROUTES = [search_form, run]
