"""The local rules page: the repeat and digest settings and the risk levels."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from disclosure.agencies import outbox
from disclosure.auth import require_principal
from disclosure.missing import rules, service
from disclosure.web import Db, Form, FormState, Id, page, round_trip

_RULES = ("repeat_episodes", "repeat_days", "digest_hours", "escalate_hours", "version")


@get("/admin/missing", name="missing.settings_form", sync_to_thread=True)
def settings_form(request: Request[Any, Any, Any], db: Db) -> Template:
    saved = rules.current_settings(db)
    form = FormState.empty(**{k: str(getattr(saved, k)) for k in _RULES})
    return _settings_page(request, db, form)


def _settings_page(
    request: Request[Any, Any, Any], db: Db, form: FormState, status_code: int = 200
) -> Template:
    return page(
        request,
        "missing/settings.html",
        heading="Missing-person rules",
        form=form,
        levels=rules.risk_levels(db),
        mail=outbox.health(db),
        smtp_host=request.app.state.settings.smtp_host,
        status_code=status_code,
    )


@post("/admin/missing", name="missing.update_settings", sync_to_thread=True)
def update_settings(request: Request[Any, Any, Any], db: Db, data: Form) -> Template | Redirect:
    return round_trip(
        request,
        db,
        data,
        lambda values: service.update_settings(db, require_principal(request), values),
        lambda form, status: _settings_page(request, db, form, status),
        success="/admin/missing",
        flash="Missing-person rules saved",
    )


def _rules_form(db: Db, posted: FormState, prefix: str = "") -> FormState:
    """The rules as saved, with the posted risk-level form's answers, errors and problem (under `prefix`,
    the level's own, when one level's form was the one posted)."""
    saved = rules.current_settings(db)
    return FormState(
        {
            **{k: str(getattr(saved, k)) for k in _RULES},
            **{prefix + k: v for k, v in posted.values.items()},
        },
        {prefix + k: v for k, v in posted.errors.items()},
        posted.problem,
    )


@post("/admin/missing/risk-levels", name="missing.add_risk_level", sync_to_thread=True)
def add_risk_level(request: Request[Any, Any, Any], db: Db, data: Form) -> Template | Redirect:
    return round_trip(
        request,
        db,
        data,
        lambda values: service.add_risk_level(db, require_principal(request), values),
        lambda form, status: _settings_page(request, db, _rules_form(db, form), status),
        success="/admin/missing",
        flash=lambda level: f"Risk level {level.code} added",
    )


@post("/admin/missing/risk-levels/{level_id:uuid}", name="missing.update_risk_level", sync_to_thread=True)
def update_risk_level(
    request: Request[Any, Any, Any], db: Db, level_id: Id, data: Form
) -> Template | Redirect:
    return round_trip(
        request,
        db,
        data,
        lambda values: service.update_risk_level(db, require_principal(request), level_id, values),
        lambda form, status: _settings_page(request, db, _rules_form(db, form, f"level-{level_id}-"), status),
        success="/admin/missing",
        flash="Risk level saved",
    )


ROUTES = [settings_form, update_settings, update_risk_level, add_risk_level]
