"""Pages to find and log requests: the work queue, logging a request, the case page, stating a reason to
open a case, and adding people to a case with duplicate detection."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from disclosure.accounts.policy import may
from disclosure.accounts.roles import require_case_role
from disclosure.auth import require_principal
from disclosure.db import utcnow
from disclosure.errors import FormInvalid, NotFound
from disclosure.forms import datetime_answers
from disclosure.people import service as people
from disclosure.requests import access, parties, queue, service
from disclosure.requests.controllers.common import case_url
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.vocabulary import (
    APPLICANT_TYPES,
    Channel,
    ChildRelationship,
    Route,
    SafeChannel,
    Scheme,
)
from disclosure.web import Db, Form, FormState, form_values, page, redirect, safe_next
from disclosure.workflow import options

ROUTE_OPTIONS = [
    (Route.RIGHT_TO_ASK.value, "Clare's Law (DVDS): Right to Ask"),
    (Route.RIGHT_TO_KNOW.value, "Clare's Law (DVDS): Right to Know (police-initiated)"),
    (Route.CSODS_APPLICATION.value, "Sarah's Law (CSODS): application"),
    (Route.CSODS_PROACTIVE.value, "Sarah's Law (CSODS): proactive disclosure (police-initiated)"),
]
APPLICANT_OPTIONS = [(a.value, a.label) for a in {a: None for r in APPLICANT_TYPES.values() for a in r}]
CHANNEL_OPTIONS = options(Channel)


@get("/requests", name="requests.queue", sync_to_thread=True)
def work_queue(request: Request[Any, Any, Any], db: Db) -> Template:
    principal = require_principal(request)
    query = dict(request.query_params)
    filters = queue.parse_filters(query)
    found = queue.work_queue(db, principal, filters, after=query.get("after"), before=query.get("before"))
    return page(
        request,
        "requests/queue.html",
        heading="Work queue",
        rows=found.items,
        found=found,
        filter_query=urlencode({k: v for k, v in filters.as_values().items() if v}),
        filters=filters,
        form=FormState(filters.as_values(), {}),
        options=queue.filter_options(db),
    )


@get("/requests/new", name="requests.new_form", sync_to_thread=True)
def new_form(request: Request[Any, Any, Any]) -> Template:
    # First contact is usually logged as it happens: the date and time start at now, from the clock.
    values = {
        "receiving_force": request.app.state.force_name.saved(),
        **datetime_answers("first_contact", utcnow()),
    }
    return _new_page(request, FormState(values, {}))


def _new_page(request: Request[Any, Any, Any], form: FormState, status_code: int = 200) -> Template:
    return page(
        request,
        "requests/new.html",
        heading="Log a request",
        form=form,
        status_code=status_code,
        route_options=ROUTE_OPTIONS,
        applicant_options=APPLICANT_OPTIONS,
        channel_options=CHANNEL_OPTIONS,
    )


@post("/requests/new", name="requests.log", sync_to_thread=True)
def log(request: Request[Any, Any, Any], db: Db, data: Form) -> Template | Redirect:
    values = form_values(data)
    try:
        case = service.log_request(db, require_principal(request), values)
    except FormInvalid as exc:
        return _new_page(request, FormState(values, exc.errors), status_code=400)
    message = f"Request {case.reference} logged"
    if case.linked_request_id:
        message += " with a linked case under the other scheme"
    return redirect(request, case_url(case.id), flash=f"{message}. Add the people next.")


@get("/requests/{request_id:uuid}", name="requests.case", sync_to_thread=True)
def case_page(request: Request[Any, Any, Any], db: Db, request_id: FromPath[uuid.UUID]) -> Template:
    principal = require_principal(request)
    case = service.view(db, principal, request_id)
    context = queue.case_context(db, case)
    for panel in queue.CASE_PANELS:
        context.update(panel(db, case))
    context["research_form"] = FormState({"researcher_id": context["researcher_chosen"]}, {})
    context["actions"] = {
        action: shown and may(principal, queue.ACTION_ROUTES[action])
        for action, shown in context["actions"].items()
    }
    return page(request, "requests/case.html", heading=f"Request {case.reference}", **context)


@get("/requests/{request_id:uuid}/access", name="requests.access_form", sync_to_thread=True)
def access_form(request: Request[Any, Any, Any], db: Db, request_id: FromPath[uuid.UUID]) -> Template:
    require_case_role(require_principal(request))
    case = access.get_request(db, request_id)
    return _access_page(request, case, FormState.empty(), request.query_params.get("next"))


@post("/requests/{request_id:uuid}/access", name="requests.access", sync_to_thread=True)
def state_reason(
    request: Request[Any, Any, Any], db: Db, request_id: FromPath[uuid.UUID], data: Form
) -> Template | Redirect:
    values = form_values(data)
    try:
        access.open_with_reason(db, require_principal(request), request_id, values.get("reason", ""))
    except FormInvalid as exc:
        case = access.get_request(db, request_id)
        return _access_page(request, case, FormState(values, exc.errors), values.get("next"), 400)
    return Redirect(safe_next(values.get("next"), case_url(request_id)), status_code=303)


def _access_page(
    request: Request[Any, Any, Any], case: Any, form: FormState, target: Any, status: int = 200
) -> Template:
    return page(
        request,
        "stated_reason.html",
        heading=f"Open request {case.reference}",
        action=f"/requests/{case.id}/access",
        why="You are not on this case's team. People on this case may be at risk: open it only if your work "
        "needs it.",
        label="Why do you need to open this case?",
        hint="For example, covering for the case lead who is on leave",
        button="Open the case",
        form=form,
        next=safe_next(target, case_url(case.id)),
        status_code=status,
    )


# ---------------------------------------------------------------- people on the case


def _person_page(
    request: Request[Any, Any, Any],
    db: Db,
    request_id: uuid.UUID,
    form: FormState,
    *,
    matches: list[Any] | None = None,
    status_code: int = 200,
) -> Template:
    """The add-person form: a new person (matched against the people index first), or, with
    `existing_person_id`, someone already on the case in another role, without typing them again."""
    principal = require_principal(request)
    case = service.load(db, principal, request_id)
    on_case = parties.people_of(case)
    names = people.summaries(db, [p.person_id for p in on_case])
    existing = _on_case(on_case, form.values.get("existing_person_id"))
    held = set(existing.roles) if existing else set()
    roles = [
        (r.value, r.label, None) for r in parties.PARTY_ROLES_BY_ROUTE[Route(case.route)] if r not in held
    ]
    return page(
        request,
        "requests/add_person.html",
        heading=f"Add {names[existing.person_id].display_name} in another role" if existing else _HEADING,
        case=case,
        form=form,
        matches=matches,
        role_options=roles,
        status_code=status_code,
        searched=matches is not None,
        existing=existing,
        existing_summary=names[existing.person_id] if existing else None,
        others=[(p, names[p.person_id]) for p in on_case if p.person_id in names],
        child_relationships=options(ChildRelationship) if Route(case.route).scheme is Scheme.CSODS else [],
        safe_channels=[(value, words, None) for value, words in options(SafeChannel)],
    )


_HEADING = "Add a person to the case"


def _on_case(on_case: list[parties.PersonOnCase], raw: Any) -> parties.PersonOnCase | None:
    return next((p for p in on_case if str(p.person_id) == str(raw or "")), None)


@get("/requests/{request_id:uuid}/people/add", name="requests.add_person_form", sync_to_thread=True)
def add_person_form(request: Request[Any, Any, Any], db: Db, request_id: FromPath[uuid.UUID]) -> Template:
    """`role` ticks the role the case page's link asked for (with the person at risk, for an applicant who
    is the person at risk); `person` starts from someone already on the case, their safe contact with it."""
    case = service.load_open(db, require_principal(request), request_id)
    values: dict[str, Any] = {"role": parties.suggested_roles(case, request.query_params.get("role", ""))}
    existing = _on_case(parties.people_of(case), request.query_params.get("person"))
    if existing is not None:
        values = {"existing_person_id": str(existing.person_id), **_contact_values(existing)}
    return _person_page(request, db, request_id, FormState(values, {}))


def _contact_values(person: parties.PersonOnCase) -> dict[str, Any]:
    """What is already recorded for the person on this case, as the form's answers: the same person has
    the same safe contact in every role."""
    party = person.contact or person.parties[0]
    return {
        "relationship": party.relationship_to_person_at_risk,
        "relationship_to_child": party.relationship_to_child,
        "safe_channels": [c.value for c in SafeChannel if c in party.channels],
        "safe_phone": party.safe_phone,
        "safe_email": party.safe_email,
        "safe_address": party.safe_address,
        "no_messages": "yes" if party.no_messages else "",
        "safe_times": party.safe_times,
        "safe_contact_method": party.safe_contact_method,
    }


def _chosen_person(
    db: Db, case: DisclosureRequest, values: dict[str, Any], action: str
) -> tuple[uuid.UUID | None, date | None, Any, dict[str, str]]:
    """Who the add-person form names: someone already on the case (`existing`), a person chosen among the
    matches (`link`), or the details typed; with their date of birth and the errors found so far."""
    errors: dict[str, str] = {}
    if action == "existing":
        existing = _on_case(parties.people_of(case), values.get("existing_person_id"))
        if existing is None:
            errors["existing_person_id"] = "Select a person already on this case"
            return None, None, None, errors
        return existing.person_id, people.get_person(db, existing.person_id).date_of_birth, None, errors
    try:
        details = people.details_from_form(values)
    except FormInvalid as exc:
        errors.update(exc.errors)
        details = people.details_from_form(values, strict=False)
    person_id, born = None, details.date_of_birth
    if action == "link":
        try:
            person_id = uuid.UUID(str(values.get("person_id", "")))
            born = born or people.get_person(db, person_id).date_of_birth
        except (ValueError, NotFound):
            person_id = None
            errors["person_id"] = "Select a person or add a new one"
    return person_id, born, details, errors


@post("/requests/{request_id:uuid}/people/add", name="requests.add_person", sync_to_thread=True)
def add_person(
    request: Request[Any, Any, Any], db: Db, request_id: FromPath[uuid.UUID], data: Form
) -> Template | Redirect:
    """Step 1 (`action=search`) shows likely matches from the people index; step 2 links one
    (`action=link`, `person_id`) or confirms a new person (`action=create`). The page's own button is
    `action=add`: the search, then straight to a new person when the index holds no likely match (one page
    fewer for most people), or the matches to choose from when it does. `action=existing` puts someone
    already on the case (`existing_person_id`) in more roles. Every problem on the page is reported at
    once, in page order: the person's details and their place on the case together."""
    principal = require_principal(request)
    values = form_values(data)
    action = values.get("action", "search")
    case = service.load_open(db, principal, request_id)
    person_id, born, details, errors = _chosen_person(db, case, values, action)
    errors.update(
        service.party_errors(db, principal, request_id, values, person_id=person_id, date_of_birth=born)
    )
    errors = parties.in_page_order(errors)
    matches: list[Any] | None = None
    if action in ("search", "link", "create", "add"):
        matches = people.find_matches(db, principal, people.details_from_form(values, strict=False))
    flash = "Person added to the case"
    if action == "add" and not errors:
        if matches:  # someone like them is already in the index: the user decides
            return _person_page(request, db, request_id, FormState(values, {}), matches=matches)
        action, flash = "create", "No one in the people index matched: added as a new person"
    if action in ("search", "add") or errors:
        status = 400 if errors else 200
        return _person_page(
            request, db, request_id, FormState(values, errors), matches=matches, status_code=status
        )
    try:
        # One savepoint: a refused role or contact detail must not leave a new person behind in the index.
        with db.begin_nested():
            if action == "link":
                assert person_id is not None
                people.link_person(db, principal, person_id, context=f"request {case.reference}")
            elif action == "create":
                person_id = people.create_person(db, principal, details).id
            assert person_id is not None
            service.add_party(db, principal, request_id, person_id, values)
    except FormInvalid as exc:
        return _person_page(
            request, db, request_id, FormState(values, exc.errors), matches=matches, status_code=400
        )
    return redirect(request, case_url(request_id), flash=flash)


@post(
    "/requests/{request_id:uuid}/people/{party_id:uuid}/remove",
    name="requests.remove_person",
    sync_to_thread=True,
)
def remove_person(
    request: Request[Any, Any, Any], db: Db, request_id: FromPath[uuid.UUID], party_id: FromPath[uuid.UUID]
) -> Redirect:
    service.remove_party(db, require_principal(request), request_id, party_id)
    return redirect(request, case_url(request_id), flash="Person removed from the case")


ROUTES = [
    work_queue,
    new_form,
    log,
    case_page,
    access_form,
    state_reason,
    add_person_form,
    add_person,
    remove_person,
]
