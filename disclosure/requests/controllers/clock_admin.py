"""Settings -> Clocks (administrators): the clock policy versions of each scheme, a new version, and the
lists of pause reasons and extension circumstances (`requests.clock_settings`)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from disclosure.auth import require_principal
from disclosure.errors import FormInvalid, NotFound
from disclosure.requests import clock_settings
from disclosure.requests.vocabulary import Scheme
from disclosure.web import Db, Form, FormState, Id, form_values, page, redirect, round_trip

URL = "/admin/clocks"


def _scheme(raw: str) -> Scheme:
    if raw not in {s.value for s in Scheme}:
        raise NotFound("There is no such scheme")
    return Scheme(raw)


def _overview(request: Request[Any, Any, Any], db: Db, form: FormState, status: int = 200) -> Template:
    policies = clock_settings.versions(db)
    return page(
        request,
        "requests/clock_settings.html",
        heading="Clocks",
        schemes=[(s, [p for p in policies if p.scheme == s.value]) for s in Scheme],
        reasons=clock_settings.reasons(db),
        kinds=clock_settings.KINDS,
        form=form,
        status_code=status,
    )


@get(URL, name="requests.clock_settings", sync_to_thread=True)
def clock_settings_page(request: Request[Any, Any, Any], db: Db) -> Template:
    return _overview(request, db, FormState.empty())


def _policy_page(
    request: Request[Any, Any, Any], db: Db, scheme: Scheme, form: FormState, status: int = 200
) -> Template:
    return page(
        request,
        "requests/clock_policy_form.html",
        heading=f"New {scheme.label} clock policy",
        scheme=scheme,
        follows=clock_settings.current(db, scheme),
        limits=clock_settings.LIMITS,
        form=form,
        status_code=status,
    )


@get(URL + "/{scheme:str}/new", name="requests.clock_policy_form", sync_to_thread=True)
def clock_policy_form(request: Request[Any, Any, Any], db: Db, scheme: FromPath[str]) -> Template:
    chosen = _scheme(scheme)
    values = clock_settings.form_values(clock_settings.current(db, chosen))
    return _policy_page(request, db, chosen, FormState(values, {}))


@post(URL + "/{scheme:str}/new", name="requests.add_clock_policy", sync_to_thread=True)
def add_clock_policy(
    request: Request[Any, Any, Any], db: Db, scheme: FromPath[str], data: Form
) -> Template | Redirect:
    chosen = _scheme(scheme)
    actor = require_principal(request)
    return round_trip(
        request,
        db,
        data,
        lambda values: clock_settings.add_policy(db, actor, chosen, values),
        lambda form, status: _policy_page(request, db, chosen, form, status),
        success=URL,
        flash=lambda policy: (
            f"New clock policy saved: it applies to cases first contacted from "
            f"{policy.effective_from:%-d %B %Y}"
        ),
    )


@post(URL + "/reasons/{kind:str}", name="requests.add_clock_reason", sync_to_thread=True)
def add_clock_reason(
    request: Request[Any, Any, Any], db: Db, kind: FromPath[str], data: Form
) -> Template | Redirect:
    actor = require_principal(request)
    return round_trip(
        request,
        db,
        data,
        lambda values: clock_settings.add_reason(db, actor, kind, values),
        lambda form, status: _overview(request, db, form, status),
        success=URL + "#reasons",
        flash="Reason added",
    )


@post(URL + "/reasons/{reason_id:uuid}/active", name="requests.clock_reason_active", sync_to_thread=True)
def clock_reason_active(
    request: Request[Any, Any, Any], db: Db, reason_id: Id, data: Form
) -> Template | Redirect:
    values = form_values(data)
    try:
        with db.begin_nested():
            clock_settings.set_reason_active(
                db, require_principal(request), reason_id, values.get("active") == "yes"
            )
    except FormInvalid as exc:
        return _overview(request, db, FormState(values, exc.errors), 400)
    return redirect(request, URL + "#reasons", flash="Reason list saved")


ROUTES = [clock_settings_page, clock_policy_form, add_clock_policy, add_clock_reason, clock_reason_active]
