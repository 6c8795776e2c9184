"""The local rules page: the repeat and digest settings, who hears of a child nobody else is named to tell,
and the risk levels."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from disclosure.agencies import outbox
from disclosure.agencies.models import Agency
from disclosure.auth import require_principal
from disclosure.missing import rules, service
from disclosure.web import Db, Form, FormState, Id, page, round_trip

_RULES = (
    "repeat_episodes",
    "repeat_days",
    "digest_hours",
    "escalate_hours",
    "childrens_social_care_id",
    "version",
)


def _saved(db: Db) -> dict[str, str]:
    saved = rules.current_settings(db)
    return {k: "" if getattr(saved, k) is None else str(getattr(saved, k)) for k in _RULES}


@get("/admin/missing", name="missing.settings_form", sync_to_thread=True)
def settings_form(request: Request[Any, Any, Any], db: Db) -> Template:
    return _settings_page(request, db, FormState.empty(**_saved(db)))


def _settings_page(
    request: Request[Any, Any, Any], db: Db, form: FormState, status_code: int = 200
) -> Template:
    return page(
        request,
        "missing/settings.html",
        heading="Missing-person rules",
        form=form,
        levels=rules.risk_levels(db),
        care_options=[("", "None chosen"), *service.childrens_social_care_options(db)],
        care_without_mailbox=_care_without_mailbox(db),
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


def _care_without_mailbox(db: Db) -> str:
    """The name of the children's social care chosen, when it has no mailbox to alert (else empty)."""
    chosen = rules.current_settings(db).childrens_social_care_id
    agency = db.get(Agency, chosen) if chosen else None
    return agency.name if agency is not None and not agency.contact_email else ""


def _rules_form(db: Db, posted: FormState, prefix: str = "") -> FormState:
    """The rules as saved, with the posted risk-level form's answers, errors and problem (under `prefix`,
    the level's own, when one level's form was the one posted)."""
    return FormState(
        {
            **_saved(db),
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
