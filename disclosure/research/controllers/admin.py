"""Settings > Check lists: which checks each scheme requires before the panel (administrators)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from disclosure.auth import require_principal
from disclosure.errors import FormInvalid
from disclosure.requests.vocabulary import Scheme
from disclosure.research.service.checks import MINIMUM_POLICE_CHECKS, all_check_types, update_check_type
from disclosure.web import Db, Form, FormState, Id, form_values, page, redirect


def _page(request: Request[Any, Any, Any], db: Db, form: FormState, status: int = 200) -> Template:
    types = all_check_types(db)
    return page(
        request,
        "research/check_lists.html",
        heading="Check lists",
        schemes=[(s.label, [t for t in types if t.scheme == s.value]) for s in Scheme],
        minimum=MINIMUM_POLICE_CHECKS,
        form=form,
        status_code=status,
    )


@get("/admin/check-lists", name="research.check_lists", sync_to_thread=True)
def check_lists(request: Request[Any, Any, Any], db: Db) -> Template:
    return _page(request, db, FormState.empty())


@post("/admin/check-lists/{check_type_id:uuid}", name="research.update_check_type", sync_to_thread=True)
def update(request: Request[Any, Any, Any], db: Db, check_type_id: Id, data: Form) -> Template | Redirect:
    values = form_values(data)
    try:
        update_check_type(db, require_principal(request), check_type_id, values)
    except FormInvalid as exc:
        db.rollback()
        return _page(request, db, FormState(values, exc.errors), 400)
    return redirect(request, "/admin/check-lists", flash="Check list saved")


ROUTES = [check_lists, update]
