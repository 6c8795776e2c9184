"""Decision pages: the decision form, the chair's sign-off (re-authenticated), addenda, a case's signed
decisions for its team, and the meeting's minutes as a PDF [issue 5]."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from disclosure.auth import require_principal
from disclosure.decisions import service
from disclosure.decisions.controllers.common import item_url
from disclosure.decisions.minutes import render_minutes
from disclosure.decisions.service import prefill, urgent
from disclosure.decisions.service.recipients import find_option
from disclosure.decisions.vocabulary import (
    LegalTest,
    Outcome,
    Ratification,
    Safeguarding,
    SpentConvictions,
    View,
)
from disclosure.requests import service as requests_service
from disclosure.requests.vocabulary import Route
from disclosure.web import Db, Form, FormState, Id, attachment_response, page, round_trip
from disclosure.workflow import options as choices

MEETING = "/panels/{meeting_id:uuid}"
ITEM = MEETING + "/items/{item_id:uuid}"


def _decision_page(
    request: Request[Any, Any, Any],
    db: Db,
    meeting_id: Any,
    item_id: Any,
    form: FormState | None = None,
    status: int = 200,
) -> Template:
    principal = require_principal(request)
    item, case, frozen = service.open_item(db, principal, meeting_id, item_id)
    decision = service.decision_for(db, item)
    quorum = service.quorum(db, item)
    barred = requests_service.disclosure_barred(case)
    reasons = service.no_disclosure_reasons(db)
    referred = {s.value for s in prefill.triage_referrals(case)}
    options = service.recipient_options(db, case)
    if form is None:
        form = FormState(prefill.form_answers(case, decision, frozen.snapshot), {})
        chosen = (find_option(options, uuid.UUID(i)) for i in form.values["recipients"])
        form.values["recipients"] = [str(o.party_id) for o in chosen if o is not None]
        if barred and decision is None:  # the only outcome open: no disclosure, identity not verified
            unverified = next((r for r in reasons if r.code == "identity_not_verified"), None)
            form.values |= {"outcome": Outcome.NO_DISCLOSURE.value}
            form.values |= {"no_disclosure_reason_id": str(unverified.id) if unverified else ""}
    return page(
        request,
        "decisions/decision_form.html",
        heading="Record the panel's decision",
        meeting=item.meeting,
        item=item,
        case=case,
        frozen=frozen,
        quorum=quorum,
        form=form,
        status_code=status,
        barred=barred,
        outcomes=[
            (v, label) for v, label in choices(Outcome) if not (barred and v == Outcome.DISCLOSE.value)
        ],
        tests=list(LegalTest),
        spent_options=choices(SpentConvictions),
        recipients=[(str(o.party_id), o.name, o.label) for o in options],
        officers=[(str(u.id), u.display_name) for u in service.disclosing_officers(db)],
        safeguarding=[
            (value, label, "Referred at triage" if value in referred else None)
            for value, label in choices(Safeguarding)
        ],
        referred_at_triage=bool(referred),
        test_prefix={o.value: p for o, p in prefill.TEST_PREFIX.items()},
        reasons=[(str(r.id), r.label) for r in reasons],
        view_options=choices(View),
        csods=case.scheme == "csods",
        presumption=service.presumption_applies(frozen.snapshot),
        urgent_awaiting=urgent.awaiting(db, case.id),
        ratification_options=choices(Ratification),
        has_applicant=Route(case.route).has_applicant,
    )


@get(f"{ITEM}/decision", name="decisions.decision_form", sync_to_thread=True)
def decision_form(request: Request[Any, Any, Any], db: Db, meeting_id: Id, item_id: Id) -> Template:
    return _decision_page(request, db, meeting_id, item_id)


@post(f"{ITEM}/decision", name="decisions.record", sync_to_thread=True)
def record_decision(
    request: Request[Any, Any, Any], db: Db, meeting_id: Id, item_id: Id, data: Form
) -> Template | Redirect:
    principal = require_principal(request)
    return round_trip(
        request,
        db,
        data,
        lambda values: service.record_decision(db, principal, meeting_id, item_id, values),
        lambda form, status: _decision_page(request, db, meeting_id, item_id, form, status),
        success=item_url(meeting_id, item_id, "#decision"),
        flash="Decision saved. The chair signs it off to make it final.",
    )


def _sign_page(
    request: Request[Any, Any, Any],
    db: Db,
    meeting_id: Any,
    item_id: Any,
    form: FormState | None = None,
    status: int = 200,
) -> Template:
    """The decision as it will be signed; a refused sign-off comes back here with the reason at the top."""
    principal = require_principal(request)
    item, case, _frozen = service.open_item(db, principal, meeting_id, item_id)
    decision = service.decision_for(db, item)
    return page(
        request,
        "decisions/sign.html",
        heading="Sign off the decision",
        meeting=item.meeting,
        item=item,
        case=case,
        decision=decision,
        shown=service.describe(db, decision) if decision else None,
        form=form or FormState.empty(),
        status_code=status,
    )


@get(f"{ITEM}/sign", name="decisions.sign_form", sync_to_thread=True)
def sign_form(request: Request[Any, Any, Any], db: Db, meeting_id: Id, item_id: Id) -> Template:
    return _sign_page(request, db, meeting_id, item_id)


@post(f"{ITEM}/sign", name="decisions.sign", sync_to_thread=True)
def sign(
    request: Request[Any, Any, Any], db: Db, meeting_id: Id, item_id: Id, data: Form
) -> Template | Redirect:
    principal = require_principal(request)
    return round_trip(
        request,
        db,
        data,
        lambda values: service.sign(db, principal, meeting_id, item_id, values),
        lambda form, status: _sign_page(request, db, meeting_id, item_id, form, status),
        success=item_url(meeting_id, item_id, "#decision"),
        flash="Decision signed off. The case has moved on.",
    )


def _addendum_page(
    request: Request[Any, Any, Any], db: Db, meeting_id: Any, item_id: Any, form: FormState, status: int = 200
) -> Template:
    item, _decision = service.decision_on_item(db, require_principal(request), meeting_id, item_id)
    return page(
        request,
        "decisions/addendum.html",
        heading="Add an addendum",
        meeting=item.meeting,
        item=item,
        form=form,
        status_code=status,
    )


@get(f"{ITEM}/addendum", name="decisions.addendum_form", sync_to_thread=True)
def addendum_form(request: Request[Any, Any, Any], db: Db, meeting_id: Id, item_id: Id) -> Template:
    return _addendum_page(request, db, meeting_id, item_id, FormState.empty())


@post(f"{ITEM}/addendum", name="decisions.addendum", sync_to_thread=True)
def addendum(
    request: Request[Any, Any, Any], db: Db, meeting_id: Id, item_id: Id, data: Form
) -> Template | Redirect:
    principal = require_principal(request)
    return round_trip(
        request,
        db,
        data,
        lambda values: service.add_addendum(db, principal, meeting_id, item_id, values),
        lambda form, status: _addendum_page(request, db, meeting_id, item_id, form, status),
        success=item_url(meeting_id, item_id, "#addenda"),
        flash="Addendum added",
    )


@get(f"{MEETING}/minutes.pdf", name="decisions.minutes", sync_to_thread=True)
def minutes(request: Request[Any, Any, Any], db: Db, meeting_id: Id) -> Response[bytes]:
    filename, pdf = render_minutes(db, require_principal(request), meeting_id)
    return attachment_response(pdf, filename, "application/pdf")


@get("/requests/{request_id:uuid}/decisions", name="decisions.case_decisions", sync_to_thread=True)
def case_decisions(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Template:
    from disclosure.requests import service as requests_service

    principal = require_principal(request)
    case = requests_service.load(db, principal, request_id)
    decisions = service.case_decisions(db, principal, request_id)
    return page(
        request,
        "decisions/case_decisions.html",
        heading=f"Decisions on {case.reference}",
        case=case,
        decisions=[service.describe(db, d) for d in decisions],
    )


ROUTES = [
    decision_form,
    record_decision,
    sign_form,
    sign,
    addendum_form,
    addendum,
    minutes,
    case_decisions,
]
