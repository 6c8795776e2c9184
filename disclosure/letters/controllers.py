"""Letter and delivery pages: the case's letters (preview, generate one or every letter the decision calls
for, download each version) and the record of the delivery [issue 6]."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from disclosure import corrections
from disclosure.accounts.directory import user_names
from disclosure.auth import require_principal
from disclosure.db import utcnow
from disclosure.decisions.vocabulary import Outcome
from disclosure.errors import FormInvalid, InvalidTransition, NotFound
from disclosure.forms import datetime_answers
from disclosure.letters import delivery as deliveries
from disclosure.letters import service
from disclosure.letters.context import signed_decision
from disclosure.letters.vocabulary import Acknowledgement, LetterKind
from disclosure.requests.workflow import finished_reason
from disclosure.storage import store_for
from disclosure.web import (
    Db,
    Form,
    FormState,
    Id,
    attachment_response,
    form_values,
    page,
    redirect,
    round_trip,
)
from disclosure.workflow import options

CASE = "/requests/{request_id:uuid}"


def letters_url(request_id: uuid.UUID, suffix: str = "") -> str:
    return f"/requests/{request_id}/letters{suffix}"


@get(f"{CASE}/letters", name="letters.list", sync_to_thread=True)
def letters(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Template:
    case, drafts = service.available(db, require_principal(request), request_id)
    recorded = deliveries.delivery_for(db, case)
    history = corrections.history(db, deliveries.OBJECT_TYPE, recorded.id) if recorded else []
    return page(
        request,
        "letters/letters.html",
        heading=f"Letters for {case.reference}",
        case=case,
        drafts=drafts,
        generated=service.generated(db, case),
        labels={k.value: k.label for k in LetterKind},
        delivery=recorded,
        delivery_corrections=history,
        correction_names=user_names(db, {c.corrected_by_id for c in history}),
        finished=finished_reason(case),
        cannot_make=service.cannot_make(db),
        decision_letters=service.decision_letters(drafts),
    )


@get(f"{CASE}/letters/{{kind:str}}/preview", name="letters.preview", sync_to_thread=True)
def preview(
    request: Request[Any, Any, Any], db: Db, request_id: Id, kind: FromPath[str], target: FromQuery[str] = ""
) -> Template:
    case, draft, head, blocks = service.preview(db, require_principal(request), request_id, kind, target)
    return page(
        request,
        "letters/preview.html",
        heading=draft.title,
        case=case,
        draft=draft,
        head=head,
        blocks=blocks,
        target=target,
        cannot_make=service.cannot_make(db),
    )


@post(f"{CASE}/letters", name="letters.generate_all", sync_to_thread=True)
def generate_all(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Redirect:
    store = store_for(request.app.state.settings)
    done = service.generate_all(db, require_principal(request), store, request_id)
    made = ", ".join(f"{LetterKind(g.kind).label} (version {g.number})" for g in done.made)
    count = f"{len(done.made)} letter{'s' if len(done.made) != 1 else ''}"
    left = "; ".join(f"{draft.name} was not made: it cannot be sent" for draft, _why in done.refused)
    flash = f"{count} ready: {made}" + (f". {left}" if left else "")
    return redirect(request, letters_url(request_id, "#generated"), flash=flash)


@post(f"{CASE}/letters/{{kind:str}}", name="letters.generate", sync_to_thread=True)
def generate(
    request: Request[Any, Any, Any], db: Db, request_id: Id, kind: FromPath[str], data: Form
) -> Redirect:
    target = str(form_values(data).get("target", ""))
    store = store_for(request.app.state.settings)
    letter = service.generate(db, require_principal(request), store, request_id, kind, target)
    name = LetterKind(letter.kind).label + (f": {letter.addressee}" if letter.target_id else "")
    return redirect(
        request, letters_url(request_id, "#generated"), flash=f"{name}: version {letter.number} ready"
    )


@get(f"{CASE}/letters/files/{{letter_id:uuid}}/{{form:str}}", name="letters.download", sync_to_thread=True)
def download(
    request: Request[Any, Any, Any], db: Db, request_id: Id, letter_id: Id, form: FromPath[str]
) -> Response[bytes]:
    store = store_for(request.app.state.settings)
    filename, data, content_type = service.download(
        db, require_principal(request), store, request_id, letter_id, form
    )
    return attachment_response(data, filename, content_type)


def _delivery_page(
    request: Request[Any, Any, Any], db: Db, request_id: uuid.UUID, form: FormState, status: int = 200
) -> Template:
    case, _drafts = service.available(db, require_principal(request), request_id)
    decision = signed_decision(db, case)
    disclosure = decision is not None and decision.outcome == Outcome.DISCLOSE.value
    signed_forms = deliveries.undertakings(db, case)
    allowed = deliveries.allowed_methods(case, disclosure=disclosure)
    if len(allowed) == 1 and not form.values.get("method"):
        form.values["method"] = allowed[0].value
    return page(
        request,
        "letters/delivery.html",
        heading="Record the disclosure" if disclosure else "Record how the outcome was communicated",
        case=case,
        decision=decision,
        disclosure=disclosure,
        form=form,
        status_code=status,
        methods=[(m.value, m.label) for m in allowed],
        acknowledgements=options(Acknowledgement),
        undertakings=[(str(u.id), f"{u.title}, version {u.number}") for u in signed_forms],
        recorded=deliveries.delivery_for(db, case),
    )


@get(f"{CASE}/delivery", name="letters.delivery_form", sync_to_thread=True)
def delivery_form(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Template:
    """Usually recorded straight after the meeting or call: when it happened starts at now."""
    return _delivery_page(request, db, request_id, FormState.empty(**datetime_answers("occurred", utcnow())))


@post(f"{CASE}/delivery", name="letters.record_delivery", sync_to_thread=True)
def record_delivery(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form
) -> Template | Redirect:
    values = form_values(data)
    try:
        deliveries.record_delivery(db, require_principal(request), request_id, values)
    except FormInvalid as exc:
        db.rollback()
        return _delivery_page(request, db, request_id, FormState(values, exc.errors), 400)
    return redirect(
        request, f"/requests/{request_id}", flash="Delivery recorded. The request's clock is complete."
    )


def _correct_page(
    request: Request[Any, Any, Any], db: Db, request_id: uuid.UUID, form: FormState | None, status: int = 200
) -> Template:
    case, _drafts = service.available(db, require_principal(request), request_id)
    recorded = deliveries.delivery_for(db, case)
    if recorded is None:  # a finished case says so first, as every page that would change it does
        if finished_reason(case):
            raise InvalidTransition(finished_reason(case))
        raise NotFound("No delivery is recorded for this case yet")
    return page(
        request,
        "letters/correct_delivery.html",
        heading=(
            "Correct the disclosure record" if recorded.disclosure else "Correct the record of the outcome"
        ),
        case=case,
        recorded=recorded,
        form=form or FormState.empty(**deliveries.correctable_values(recorded)),
        status_code=status,
    )


@get(f"{CASE}/delivery/correct", name="letters.correct_delivery_form", sync_to_thread=True)
def correct_delivery_form(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Template:
    return _correct_page(request, db, request_id, None)


@post(f"{CASE}/delivery/correct", name="letters.correct_delivery", sync_to_thread=True)
def correct_delivery(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form
) -> Template | Redirect:
    principal = require_principal(request)
    return round_trip(
        request,
        db,
        data,
        lambda values: deliveries.correct_delivery(db, principal, request_id, values),
        lambda form, status: _correct_page(request, db, request_id, form, status),
        success=letters_url(request_id, "#delivery"),
        flash="Correction saved: the old values are in the delivery's history",
    )


ROUTES = [
    letters,
    preview,
    generate_all,
    generate,
    download,
    delivery_form,
    record_delivery,
    correct_delivery_form,
    correct_delivery,
]
