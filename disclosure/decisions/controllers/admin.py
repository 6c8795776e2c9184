"""Panel settings for administrators: the quorum policy, the agencies that sit on panels and the reasons
for not disclosing. Administrators read no case content here."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from disclosure.auth import require_principal
from disclosure.decisions import service
from disclosure.web import Db, Form, FormState, Id, page, redirect, round_trip

SETTINGS = "/admin/panel-settings"


def _settings_page(
    request: Request[Any, Any, Any], db: Db, form: FormState | None = None, status: int = 200
) -> Template:
    policy = service.current_policy(db)
    defaults = {
        "version": str(policy.version),
        "required_agency_codes": list(policy.required_agency_codes),
        "min_other_agencies": str(policy.min_other_agencies),
        "signer_not_drafter": "yes" if policy.signer_not_drafter else "no",
    }
    return page(
        request,
        "decisions/settings.html",
        heading="Panel settings",
        policy=policy,
        form=form or FormState(defaults, {}),
        status_code=status,
        agencies=service.panel_agencies(db, active_only=False),
        agency_options=[(a.code, a.name, None) for a in service.panel_agencies(db)],
        reasons=service.no_disclosure_reasons(db, active_only=False),
    )


@get(SETTINGS, name="decisions.settings", sync_to_thread=True)
def settings(request: Request[Any, Any, Any], db: Db) -> Template:
    return _settings_page(request, db)


@post(f"{SETTINGS}/policy", name="decisions.update_policy", sync_to_thread=True)
def update_policy(request: Request[Any, Any, Any], db: Db, data: Form) -> Template | Redirect:
    principal = require_principal(request)
    return round_trip(
        request,
        db,
        data,
        lambda values: service.update_policy(db, principal, values),
        lambda form, status: _settings_page(request, db, form, status),
        success=SETTINGS,
        flash="Quorum and sign-off rules saved",
    )


@post(f"{SETTINGS}/agencies", name="decisions.add_agency", sync_to_thread=True)
def add_agency(request: Request[Any, Any, Any], db: Db, data: Form) -> Template | Redirect:
    principal = require_principal(request)
    return round_trip(
        request,
        db,
        data,
        lambda values: service.add_agency(db, principal, values),
        lambda form, status: _settings_page(request, db, form, status),
        success=f"{SETTINGS}#agencies",
        flash="Agency added",
    )


@post(f"{SETTINGS}/agencies/{{agency_id:uuid}}/active", name="decisions.agency_active", sync_to_thread=True)
def agency_active(request: Request[Any, Any, Any], db: Db, agency_id: Id, data: Form) -> Redirect:
    active = data.get("active") == "yes"
    service.set_agency_active(db, require_principal(request), agency_id, active)
    return redirect(
        request, f"{SETTINGS}#agencies", flash="Agency " + ("back in use" if active else "retired")
    )


@post(f"{SETTINGS}/reasons", name="decisions.add_reason", sync_to_thread=True)
def add_reason(request: Request[Any, Any, Any], db: Db, data: Form) -> Template | Redirect:
    principal = require_principal(request)
    return round_trip(
        request,
        db,
        data,
        lambda values: service.add_reason(db, principal, values),
        lambda form, status: _settings_page(request, db, form, status),
        success=f"{SETTINGS}#reasons",
        flash="Reason added",
    )


@post(f"{SETTINGS}/reasons/{{reason_id:uuid}}/active", name="decisions.reason_active", sync_to_thread=True)
def reason_active(request: Request[Any, Any, Any], db: Db, reason_id: Id, data: Form) -> Redirect:
    active = data.get("active") == "yes"
    service.set_reason_active(db, require_principal(request), reason_id, active)
    return redirect(
        request, f"{SETTINGS}#reasons", flash="Reason " + ("back in use" if active else "retired")
    )


ROUTES = [settings, update_policy, add_agency, agency_active, add_reason, reason_active]
