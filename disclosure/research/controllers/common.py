"""What the research pages share: addresses, the overview's context, and their forms through the kernel's
one round trip (`web.round_trip`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from litestar import Request
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from disclosure.auth import require_principal
from disclosure.people.service import summaries
from disclosure.research import service
from disclosure.research.overview import overview
from disclosure.research.service.common import role_words, roles_by_person
from disclosure.web import Db, FormState, page, round_trip


def research_url(request_id: uuid.UUID, suffix: str = "") -> str:
    return f"/requests/{request_id}/research{suffix}"


Context = Callable[[Session, Any, uuid.UUID], dict[str, Any]]


def base_context(db: Session, principal: Any, request_id: uuid.UUID) -> dict[str, Any]:
    case = service.open_case(db, principal, request_id)
    return {"case": case, "package": service.package_for(db, case), "research_url": research_url(case.id)}


def form_page(
    request: Request[Any, Any, Any],
    db: Db,
    request_id: uuid.UUID,
    template: str,
    heading: str,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    problem: str = "",
    context: Context = base_context,
    status_code: int = 200,
    **extra: Any,
) -> Template:
    found = context(db, require_principal(request), request_id)
    return page(
        request,
        template,
        heading=heading,
        form=FormState(values or {}, errors or {}, problem),
        status_code=status_code,
        **found,
        **extra,
    )


def submit_form(
    request: Request[Any, Any, Any],
    db: Db,
    request_id: uuid.UUID,
    data: dict[str, Any],
    *,
    template: str,
    heading: str,
    verb: Callable[[dict[str, Any]], Any],
    flash: str,
    context: Context = base_context,
    after: str = "",
    **extra: Any,
) -> Template | Redirect:
    """A research form through the one round trip (`web.round_trip`)."""

    def show(form: FormState, status_code: int) -> Template:
        return form_page(
            request,
            db,
            request_id,
            template,
            heading,
            values=form.values,
            errors=form.errors,
            problem=form.problem,
            context=context,
            status_code=status_code,
            **extra,
        )

    return round_trip(request, db, data, verb, show, success=research_url(request_id, after), flash=flash)


def people_options(db: Session, case: Any) -> list[tuple[str, str, str | None]]:
    """Each person on the case once, with every role they hold: "Jo Bloggs (applicant and person at
    risk)"."""
    people = summaries(db, [p.person_id for p in case.parties])
    found = []
    for person_id, roles in roles_by_person(case).items():
        person = people.get(person_id)
        if person:
            born = f"born {person.date_of_birth:%d %B %Y}" if person.date_of_birth else None
            label = f"{person.display_name} ({role_words(roles).lower()})"
            found.append((str(person_id), label, born))
    return found


__all__ = ["overview", "people_options", "research_url"]
