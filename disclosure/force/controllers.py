"""The settings page: the force's name, nation, address, the disclosure unit's telephone and email, and the
logo (administrators)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from disclosure.auth import require_principal
from disclosure.errors import FormInvalid, NotFound
from disclosure.force import service
from disclosure.force.models import NATIONS, ForceProfile
from disclosure.web import Db, Form, FormState, form_values, page, redirect

NATION_OPTIONS = list(NATIONS.items())


def _saved_values(profile: ForceProfile) -> FormState:
    """The settings form filled from the version in force (blank where nothing is set yet: no nation is
    chosen for the administrator before the first save)."""
    return FormState.empty(
        name=service.name_of(profile),
        nation=profile.nation if profile.created_at else "",
        address=profile.address,
        phone=profile.phone or "",
        email=profile.email or "",
    )


def _settings_page(
    request: Request[Any, Any, Any], db: Db, form: FormState, status_code: int = 200
) -> Template:
    return page(
        request,
        "force/settings.html",
        heading="Settings",
        status_code=status_code,
        form=form,
        nations=NATION_OPTIONS,
        profile=service.current_profile(db),
        still_to_set=service.still_to_set(db),
        named=bool(service.force_name(db)),
    )


@get("/admin/settings", name="force.settings_form", sync_to_thread=True)
def settings_form(request: Request[Any, Any, Any], db: Db) -> Template:
    return _settings_page(request, db, _saved_values(service.current_profile(db)))


@post("/admin/settings", name="force.settings", sync_to_thread=True)
def save_settings(request: Request[Any, Any, Any], db: Db, data: Form) -> Template | Redirect:
    values = form_values(data)
    try:
        service.update_profile(db, require_principal(request), values)
    except FormInvalid as exc:
        return _settings_page(request, db, FormState(values, exc.errors), 400)
    request.app.state.force_name.invalidate()
    return redirect(request, "/admin/settings", flash="Settings saved")


@post(
    "/admin/settings/logo",
    name="force.logo",
    sync_to_thread=True,
    request_max_body_size=service.MAX_LOGO_BYTES + 64 * 1024,
)
def save_logo(
    request: Request[Any, Any, Any],
    db: Db,
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Template | Redirect:
    """Upload a new logo, or remove it (`remove=yes`)."""
    upload = data.get("logo")
    try:
        if data.get("remove") == "yes":
            service.update_logo(db, require_principal(request), "", None)
        elif not isinstance(upload, UploadFile) or not upload.filename:
            raise FormInvalid({"logo": "Select a PNG or JPEG image"}, {})
        else:
            content = upload.file.read(service.MAX_LOGO_BYTES + 1)
            service.update_logo(db, require_principal(request), upload.filename, content)
    except FormInvalid as exc:
        db.rollback()
        form = _saved_values(service.current_profile(db))
        form.errors.update(exc.errors)
        return _settings_page(request, db, form, 400)
    return redirect(
        request, "/admin/settings", flash="Logo saved" if data.get("remove") != "yes" else "Logo removed"
    )


@get("/admin/settings/logo", name="force.logo_image", sync_to_thread=True)
def logo_image(db: Db) -> Response[bytes]:
    profile = service.current_profile(db)
    if not profile.logo:
        raise NotFound("There is no logo")
    return Response(profile.logo, media_type=profile.logo_type, headers={"Cache-Control": "no-store"})


ROUTES = [settings_form, save_settings, save_logo, logo_image]
