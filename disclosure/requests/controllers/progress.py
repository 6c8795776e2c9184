"""Pages that move a case on: triage, initial checks, the identity meeting, research, withdrawal, out of
scope, clock pauses and extensions, assignment and closure. Each POST calls one service verb."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from disclosure.auth import require_principal
from disclosure.db import utcnow
from disclosure.errors import InvalidTransition
from disclosure.forms import datetime_answers
from disclosure.requests import queue, service
from disclosure.requests.controllers.common import case_url
from disclosure.requests.vocabulary import (
    APPLICANT_TYPES,
    OUT_OF_SCOPE_REASONS,
    Channel,
    IdentityDocument,
    Rag,
    RiskLevel,
    Route,
    Scheme,
)
from disclosure.requests.workflow import RequestStatus, Verb, allowed_verbs
from disclosure.web import Db, Form, FormState, Id, page, redirect, round_trip
from disclosure.workflow import options


def _context(db: Db, request: Request[Any, Any, Any], request_id: uuid.UUID) -> dict[str, Any]:
    case = service.load(db, require_principal(request), request_id)
    return {
        "case": case,
        "rag_options": options(Rag),
        "level_options": options(RiskLevel),
        "document_options": [(d.value, d.label, None) for d in IdentityDocument],
        "scope_options": list(OUT_OF_SCOPE_REASONS.items()),
        "assignees": service.case_workers(db),
        "researcher_options": queue.researcher_options(db),
        "is_csods": case.scheme == Scheme.CSODS.value,
        "pause_reasons": [(r.code, r.label) for r in service.clock_reasons(db, "pause")],
        "extension_reasons": [(r.code, r.label) for r in service.clock_reasons(db, "extension")],
        "policy": service.policy_of(db, case),
        "channel_options": options(Channel),
        "applicant_options": [(a.value, a.label) for a in APPLICANT_TYPES[Route(case.route)]],
        "route_label": Route(case.route).label,
    }


def _form(
    template: str, heading: str, initial: Callable[[Any], dict[str, Any]] | None = None
) -> Callable[[Request[Any, Any, Any], Db, uuid.UUID], Template]:
    def render(request: Request[Any, Any, Any], db: Db, request_id: uuid.UUID) -> Template:
        context = _context(db, request, request_id)
        values = {"version": context["case"].version, **(initial(context["case"]) if initial else {})}
        return page(request, template, heading=heading, form=FormState(values, {}), **context)

    return render


def _submit(
    request: Request[Any, Any, Any],
    db: Db,
    request_id: uuid.UUID,
    data: dict[str, Any],
    template: str,
    heading: str,
    verb: Callable[..., Any],
    flash: str,
) -> Template | Redirect:
    principal = require_principal(request)

    def show(form: FormState, status_code: int) -> Template:
        context = _context(db, request, request_id)
        return page(request, template, heading=heading, form=form, status_code=status_code, **context)

    return round_trip(
        request,
        db,
        data,
        lambda values: verb(db, principal, request_id, values),
        show,
        success=case_url(request_id),
        flash=flash,
    )


def _triage_values(case: Any) -> dict[str, Any]:
    """The triage recorded, as the form's answers; a first triage starts from "the DASH level stands"."""
    if case.rag is None:
        return {"professional_judgement": "no"}
    return {
        "immediate_risk": "yes" if case.immediate_risk else "no",
        "immediate_risk_action": case.immediate_risk_action,
        "dash_done": "yes" if case.dash_score is not None else "no",
        "dash_score": "" if case.dash_score is None else str(case.dash_score),
        "professional_judgement": "yes" if case.professional_risk_level else "no",
        "professional_risk_level": case.professional_risk_level or "",
        "risk_rationale": case.risk_rationale,
        "marac_referral": "yes" if case.marac_referral else "",
        "idva_referral": "yes" if case.idva_referral else "",
        "rag": case.rag,
        **incident_values(case),
    }


def incident_values(case: Any) -> dict[str, str]:
    """The recorded incidents as the triage form's rows."""
    values: dict[str, str] = {}
    for n, incident in enumerate(case.incidents):
        day = incident.occurred_on
        values |= {
            f"incident-{n}-date-day": str(day.day),
            f"incident-{n}-date-month": str(day.month),
            f"incident-{n}-date-year": str(day.year),
            f"incident-{n}-summary": incident.summary,
            f"incident-{n}-reference": incident.reference,
        }
    return values


_triage_form = _form("requests/triage.html", "Initial checks and risk triage", _triage_values)
_identity_form = _form(
    "requests/verify_identity.html",
    "Face-to-face meeting and identity",
    lambda _case: datetime_answers("meeting", utcnow()),  # recorded as it ends, usually
)
_withdraw_form = _form("requests/withdraw.html", "Withdraw the request")
_scope_form = _form("requests/out_of_scope.html", "Close as out of scope")
_pause_form = _form("requests/pause.html", "Pause the clock")
_extend_form = _form("requests/extend.html", "Extend the deadline")
_assign_form = _form(
    "requests/assign.html", "Assign the case", lambda c: {"assignee_id": str(c.assignee_id or "")}
)


_correct_form = _form("requests/correct.html", "Correct the first contact", service.correctable_values)


@get("/requests/{request_id:uuid}/correct", name="requests.correct_form", sync_to_thread=True)
def correct_form(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Template:
    return _correct_form(request, db, request_id)


@post("/requests/{request_id:uuid}/correct", name="requests.correct", sync_to_thread=True)
def correct(request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form) -> Template | Redirect:
    return _submit(
        request,
        db,
        request_id,
        data,
        "requests/correct.html",
        "Correct the first contact",
        service.correct_request,
        "Correction saved: the old values are in the case's history",
    )


@get("/requests/{request_id:uuid}/triage", name="requests.triage_form", sync_to_thread=True)
def triage_form(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Template:
    return _triage_form(request, db, request_id)


@post("/requests/{request_id:uuid}/triage", name="requests.triage", sync_to_thread=True)
def triage(request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form) -> Template | Redirect:
    return _submit(
        request,
        db,
        request_id,
        data,
        "requests/triage.html",
        "Initial checks and risk triage",
        service.record_triage,
        "Risk triage recorded",
    )


@post(
    "/requests/{request_id:uuid}/complete-initial-checks",
    name="requests.complete_initial_checks",
    sync_to_thread=True,
)
def complete_initial_checks(request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form) -> Redirect:
    service.complete_initial_checks(db, require_principal(request), request_id, data.get("version"))
    return redirect(request, case_url(request_id), flash="Initial checks completed")


@get("/requests/{request_id:uuid}/verify-identity", name="requests.verify_identity_form", sync_to_thread=True)
def verify_identity_form(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Template:
    return _identity_form(request, db, request_id)


@post("/requests/{request_id:uuid}/verify-identity", name="requests.verify_identity", sync_to_thread=True)
def verify_identity(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form
) -> Template | Redirect:
    return _submit(
        request,
        db,
        request_id,
        data,
        "requests/verify_identity.html",
        "Face-to-face meeting and identity",
        service.verify_identity,
        "Meeting and identity check recorded",
    )


@get("/requests/{request_id:uuid}/start-research", name="requests.start_research_form", sync_to_thread=True)
def start_research_form(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Template:
    context = _context(db, request, request_id)
    chosen = queue.researcher_chosen(context["case"], context["researcher_options"])
    form = FormState({"researcher_id": chosen}, {})
    return page(request, "requests/start_research.html", heading="Hand to research", form=form, **context)


@post("/requests/{request_id:uuid}/start-research", name="requests.start_research", sync_to_thread=True)
def start_research(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form
) -> Template | Redirect:
    """The case page asks for the researcher beside its button; a refused hand-over shows this form."""
    return _submit(
        request,
        db,
        request_id,
        data,
        "requests/start_research.html",
        "Hand to research",
        service.start_research,
        "Case handed to research",
    )


@get("/requests/{request_id:uuid}/withdraw", name="requests.withdraw_form", sync_to_thread=True)
def withdraw_form(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Template:
    return _withdraw_form(request, db, request_id)


@post("/requests/{request_id:uuid}/withdraw", name="requests.withdraw", sync_to_thread=True)
def withdraw(request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form) -> Template | Redirect:
    return _submit(
        request,
        db,
        request_id,
        data,
        "requests/withdraw.html",
        "Withdraw the request",
        service.withdraw,
        "Request withdrawn",
    )


@get("/requests/{request_id:uuid}/out-of-scope", name="requests.out_of_scope_form", sync_to_thread=True)
def out_of_scope_form(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Template:
    return _scope_form(request, db, request_id)


@post("/requests/{request_id:uuid}/out-of-scope", name="requests.out_of_scope", sync_to_thread=True)
def out_of_scope(request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form) -> Template | Redirect:
    return _submit(
        request,
        db,
        request_id,
        data,
        "requests/out_of_scope.html",
        "Close as out of scope",
        service.close_out_of_scope,
        "Closed as out of scope",
    )


@get("/requests/{request_id:uuid}/pause", name="requests.pause_form", sync_to_thread=True)
def pause_form(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Template:
    return _pause_form(request, db, request_id)


@post("/requests/{request_id:uuid}/pause", name="requests.pause", sync_to_thread=True)
def pause(request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form) -> Template | Redirect:
    return _submit(
        request,
        db,
        request_id,
        data,
        "requests/pause.html",
        "Pause the clock",
        service.pause_clock,
        "Clock paused",
    )


@post("/requests/{request_id:uuid}/resume", name="requests.resume", sync_to_thread=True)
def resume(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Redirect:
    service.resume_clock(db, require_principal(request), request_id)
    return redirect(request, case_url(request_id), flash="Clock restarted")


@get("/requests/{request_id:uuid}/extend", name="requests.extend_form", sync_to_thread=True)
def extend_form(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Template:
    return _extend_form(request, db, request_id)


@post("/requests/{request_id:uuid}/extend", name="requests.extend", sync_to_thread=True)
def extend(request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form) -> Template | Redirect:
    return _submit(
        request,
        db,
        request_id,
        data,
        "requests/extend.html",
        "Extend the deadline",
        service.extend_deadline,
        "Deadline extended",
    )


@get("/requests/{request_id:uuid}/assign", name="requests.assign_form", sync_to_thread=True)
def assign_form(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Template:
    return _assign_form(request, db, request_id)


@post("/requests/{request_id:uuid}/assign", name="requests.assign", sync_to_thread=True)
def assign(request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form) -> Template | Redirect:
    return _submit(
        request,
        db,
        request_id,
        data,
        "requests/assign.html",
        "Assign the case",
        service.assign,
        "Case assigned",
    )


@get("/requests/{request_id:uuid}/close", name="requests.close_form", sync_to_thread=True)
def close_form(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Template:
    """Closing asks for confirmation first: it ends the work on the case. A case that cannot be closed yet
    says why instead of asking."""
    context = _context(db, request, request_id)
    if Verb.CLOSE not in allowed_verbs(RequestStatus(context["case"].status)):
        raise InvalidTransition("Only a case whose outcome has been delivered can be closed")
    return page(request, "requests/close.html", heading="Close the case", form=FormState.empty(), **context)


@post("/requests/{request_id:uuid}/close", name="requests.close", sync_to_thread=True)
def close(request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form) -> Redirect:
    service.close_request(db, require_principal(request), request_id, data.get("version"))
    return redirect(request, case_url(request_id), flash="Case closed")


ROUTES = [
    correct_form,
    correct,
    triage_form,
    triage,
    complete_initial_checks,
    verify_identity_form,
    verify_identity,
    start_research_form,
    start_research,
    withdraw_form,
    withdraw,
    out_of_scope_form,
    out_of_scope,
    pause_form,
    pause,
    resume,
    extend_form,
    extend,
    assign_form,
    assign,
    close_form,
    close,
]
