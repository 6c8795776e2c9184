"""The person page: one person's record in the people index, their history of requests and outcomes, and
likely duplicates that a data administrator can merge into it (with a recorded reason)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from disclosure.accounts.directory import user_names
from disclosure.accounts.roles import Role, require_case_role
from disclosure.auth import require_principal
from disclosure.errors import Conflict, FormInvalid, StaleRecord
from disclosure.people import access, service
from disclosure.people.schemas import NameEntry, PersonDetails
from disclosure.web import Db, Form, FormState, form_values, page, redirect, round_trip, safe_next


@get("/people/{person_id:uuid}", name="people.person", sync_to_thread=True)
def person(request: Request[Any, Any, Any], db: Db, person_id: FromPath[uuid.UUID]) -> Template:
    """Shows the record; what other features know of the person (the requests they are on, by reference
    only, their missing history) comes from the panels those features register."""
    principal = require_principal(request)
    require_case_role(principal)
    record = service.view_person(db, principal, person_id)
    return _person_page(request, db, record, FormState.empty())


def _duplicates(db: Db, principal: Any, record: Any) -> list[Any]:
    """Likely duplicates of this record: the index searched with its own names, date of birth and postcode."""
    names = sorted(record.names, key=lambda n: n.kind != "primary")
    primary = names[0] if names else None
    current = next((a for a in record.addresses if a.current), None)
    details = PersonDetails(
        given_names=primary.given_names if primary else "",
        family_name=primary.family_name if primary else "",
        aliases=tuple(NameEntry(n.given_names, n.family_name) for n in names[1:]),
        date_of_birth=record.date_of_birth,
        postcode=current.postcode if current else "",
    )
    return [m for m in service.find_matches(db, principal, details) if m.person_id != record.id]


PersonPanel = Callable[[Db, Any, Any], dict[str, Any]]
PERSON_PANELS: list[PersonPanel] = []
"""Features that add to the person page (the requests they are on, the missing-person history) register a
function of (session, principal, person) returning extra template context, in `disclosure.wiring`."""


def _person_page(
    request: Request[Any, Any, Any],
    db: Db,
    record: Any,
    form: FormState,
    status_code: int = 200,
) -> Template:
    principal = require_principal(request)
    can_merge = principal.has_any(Role.DATA_ADMINISTRATOR.value)
    extra: dict[str, Any] = {}
    for panel in PERSON_PANELS:
        extra.update(panel(db, principal, record))
    history = service.person_history(db, record)
    return page(
        request,
        "people/person.html",
        heading=service.summaries(db, [record.id])[record.id].display_name,
        person=record,
        corrections=history,
        correction_names=user_names(db, {c.corrected_by_id for c in history}),
        can_correct=principal.has_any(Role.DATA_ADMINISTRATOR.value, Role.RESEARCHER.value),
        duplicates=_duplicates(db, principal, record) if can_merge else [],
        form=form,
        status_code=status_code,
        **extra,
    )


@get("/people/{person_id:uuid}/access", name="people.access_form", sync_to_thread=True)
def access_form(request: Request[Any, Any, Any], person_id: FromPath[uuid.UUID]) -> Template:
    """Asks a user with no case or episode involving the person why they need the record [issue 14 §3]."""
    require_case_role(require_principal(request))
    return _access_page(request, person_id, FormState.empty(), request.query_params.get("next"))


@post("/people/{person_id:uuid}/access", name="people.access", sync_to_thread=True)
def state_reason(
    request: Request[Any, Any, Any], db: Db, person_id: FromPath[uuid.UUID], data: Form
) -> Template | Redirect:
    values = form_values(data)
    record = service.resolve(db, person_id)
    try:
        access.open_with_reason(db, require_principal(request), record, values)
    except FormInvalid as exc:
        return _access_page(request, person_id, FormState(values, exc.errors), values.get("next"), 400)
    return Redirect(safe_next(values.get("next"), f"/people/{record.id}"), status_code=303)


def _access_page(
    request: Request[Any, Any, Any], person_id: uuid.UUID, form: FormState, target: Any, status: int = 200
) -> Template:
    return page(
        request,
        "stated_reason.html",
        heading="Open this person's record",
        action=f"/people/{person_id}/access",
        why="No case or missing-person episode of yours involves this person. Their record holds where they "
        "live and every case they are on: open it only if your work needs it.",
        label="Why do you need to open this person's record?",
        hint="For example, checking a referral from children's social care before logging a request",
        button="Open the record",
        form=form,
        next=safe_next(target, f"/people/{person_id}"),
        status_code=status,
    )


def _correct_page(
    request: Request[Any, Any, Any], db: Db, record: Any, form: FormState, status: int = 200
) -> Template:
    return page(
        request,
        "people/correct.html",
        heading="Correct this person's details",
        person=record,
        name=service.summaries(db, [record.id])[record.id].display_name,
        has_address=service.current_address(record) is not None,
        form=form,
        status_code=status,
    )


@get("/people/{person_id:uuid}/correct", name="people.correct_form", sync_to_thread=True)
def correct_form(request: Request[Any, Any, Any], db: Db, person_id: FromPath[uuid.UUID]) -> Template:
    principal = require_principal(request)
    require_case_role(principal)
    record = service.view_person(db, principal, person_id)
    return _correct_page(request, db, record, FormState(service.correctable_values(record), {}))


@post("/people/{person_id:uuid}/correct", name="people.correct", sync_to_thread=True)
def correct(
    request: Request[Any, Any, Any], db: Db, person_id: FromPath[uuid.UUID], data: Form
) -> Template | Redirect:
    """Correct the name, date of birth, gender or current address, with a reason; the old values stay in
    the person's history."""
    principal = require_principal(request)
    require_case_role(principal)
    record = service.resolve(db, person_id)
    return round_trip(
        request,
        db,
        data,
        lambda values: service.correct_person(db, principal, person_id, values),
        lambda form, status: _correct_page(request, db, record, form, status),
        success=f"/people/{record.id}",
        flash="Correction saved: the old values are in the person's history",
    )


@post("/people/{person_id:uuid}/merge", name="people.merge", sync_to_thread=True)
def merge(
    request: Request[Any, Any, Any], db: Db, person_id: FromPath[uuid.UUID], data: Form
) -> Template | Redirect:
    """Merge a duplicate into this record: names, addresses and case roles move here; audited with reason."""
    principal = require_principal(request)
    values = form_values(data)
    try:
        duplicate_id = uuid.UUID(values.get("duplicate_id", ""))
    except ValueError:
        duplicate_id = None
    try:
        if duplicate_id is None:
            raise FormInvalid({"duplicate_id": "Select the duplicate record to merge"}, values)
        with db.begin_nested():
            service.merge_people(db, principal, person_id, duplicate_id, values.get("reason", ""))
    except FormInvalid as exc:
        record = service.view_person(db, principal, person_id)
        return _person_page(request, db, record, FormState(values, exc.errors), status_code=400)
    except (Conflict, StaleRecord) as exc:
        record = service.view_person(db, principal, person_id)
        return _person_page(request, db, record, FormState(values, {}, exc.message), status_code=409)
    return redirect(request, f"/people/{person_id}", flash="Records merged. The duplicate now points here.")


ROUTES = [person, access_form, state_reason, merge, correct_form, correct]
