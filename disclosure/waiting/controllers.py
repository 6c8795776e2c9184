"""The user's choice of waiting-work email, linked from the home page and their account."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from disclosure.auth import require_principal
from disclosure.errors import FormInvalid
from disclosure.waiting import mail
from disclosure.waiting.vocabulary import EmailChoice
from disclosure.web import Db, Form, FormState, form_values, page, redirect
from disclosure.workflow import options

HEADING = "Email about waiting work"


def _page(request: Request[Any, Any, Any], form: FormState, status_code: int = 200) -> Template:
    return page(
        request,
        "waiting/email.html",
        heading=HEADING,
        choices=options(EmailChoice),
        form=form,
        status_code=status_code,
    )


@get("/account/email", name="waiting.email_form", sync_to_thread=True)
def email_form(request: Request[Any, Any, Any], db: Db) -> Template:
    principal = require_principal(request)
    return _page(request, FormState.empty(choice=mail.choice_of(db, principal.user_id).value))


@post("/account/email", name="waiting.email", sync_to_thread=True)
def email(request: Request[Any, Any, Any], db: Db, data: Form) -> Template | Redirect:
    principal = require_principal(request)
    values = form_values(data)
    try:
        chosen = mail.choose(db, principal, values.get("choice", ""))
    except FormInvalid as exc:
        return _page(request, FormState(dict(exc.values or values), exc.errors), status_code=400)
    return redirect(request, "/", flash=f"Saved. Email about waiting work: {chosen.label.lower()}.")


ROUTES = [email_form, email]
