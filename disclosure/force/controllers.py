"""The settings page: the force's name, nation and address (administrators)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from disclosure.auth import require_principal
from disclosure.errors import FormInvalid
from disclosure.force import service
from disclosure.force.models import NATIONS
from disclosure.web import Db, Form, FormState, form_values, page, redirect

NATION_OPTIONS = list(NATIONS.items())


@get("/admin/settings", name="force.settings_form", sync_to_thread=True)
def settings_form(request: Request[Any, Any, Any], db: Db) -> Template:
    profile = service.current_profile(db)
    form = FormState.empty(name=profile.name, nation=profile.nation, address=profile.address)
    return page(
        request, "force/settings.html", heading="Settings", form=form, nations=NATION_OPTIONS, profile=profile
    )


@post("/admin/settings", name="force.settings", sync_to_thread=True)
def save_settings(request: Request[Any, Any, Any], db: Db, data: Form) -> Template | Redirect:
    values = form_values(data)
    try:
        service.update_profile(db, require_principal(request), values)
    except FormInvalid as exc:
        return page(
            request,
            "force/settings.html",
            heading="Settings",
            status_code=400,
            form=FormState(values, exc.errors),
            nations=NATION_OPTIONS,
            profile=service.current_profile(db),
        )
    request.app.state.force_name.invalidate()
    return redirect(request, "/admin/settings", flash="Settings saved")


ROUTES = [settings_form, save_settings]
