"""The Right to Know consideration page: the case and person, and the coordinator's decision."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from disclosure.auth import require_principal
from disclosure.missing import service
from disclosure.missing.vocabulary import ConsiderationStatus
from disclosure.people import service as people
from disclosure.web import Db, Form, FormState, Id, page, round_trip


@get(
    "/missing/considerations/{consideration_id:uuid}", name="missing.consideration_form", sync_to_thread=True
)
def consideration_form(request: Request[Any, Any, Any], db: Db, consideration_id: Id) -> Template:
    return _consideration_page(request, db, consideration_id, FormState.empty())


def _consideration_page(
    request: Request[Any, Any, Any],
    db: Db,
    consideration_id: uuid.UUID,
    form: FormState,
    status_code: int = 200,
) -> Template:
    consideration = service.get_consideration(db, require_principal(request), consideration_id)
    person = people.summaries(db, [consideration.person_id])[consideration.person_id]
    return page(
        request,
        "missing/consideration.html",
        heading="Consider a Right to Know disclosure",
        consideration=consideration,
        person=person,
        case_reference=service.case_references(db, [consideration.request_id]).get(
            consideration.request_id, ""
        ),
        form=form,
        status_code=status_code,
        decided=consideration.status != ConsiderationStatus.OPEN,
        status_label=ConsiderationStatus(consideration.status).label,
    )


@post(
    "/missing/considerations/{consideration_id:uuid}",
    name="missing.decide_consideration",
    sync_to_thread=True,
)
def decide_consideration(
    request: Request[Any, Any, Any], db: Db, consideration_id: Id, data: Form
) -> Template | Redirect:
    return round_trip(
        request,
        db,
        data,
        lambda values: service.decide_consideration(db, require_principal(request), consideration_id, values),
        lambda form, status: _consideration_page(request, db, consideration_id, form, status),
        success=lambda consideration: f"/missing/episodes/{consideration.episode_id}",
        flash=lambda consideration: (
            f"Right to Know consideration {ConsiderationStatus(consideration.status).label.lower()}"
        ),
    )


ROUTES = [consideration_form, decide_consideration]
