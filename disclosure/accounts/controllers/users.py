"""User administration pages: list, create (with a one-time invitation link), roles, a partner user's
agency, disable, reset the security code, and API tokens. Administrators see account details only, never
case content."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from disclosure.accounts import service
from disclosure.accounts.directory import user_names
from disclosure.accounts.roles import Role
from disclosure.agencies import service as agencies
from disclosure.auth import require_principal
from disclosure.errors import Conflict, FormInvalid
from disclosure.text import as_list
from disclosure.web import Db, Form, FormState, form_values, page, redirect

ROLE_OPTIONS = [(r.value, r.label, r.description) for r in Role]


@get("/admin/users", name="admin.users", sync_to_thread=True)
def users(request: Request[Any, Any, Any], db: Db) -> Template:
    return page(request, "admin/users.html", heading="Users", users=service.list_users(db), Role=Role)


@get("/admin/users/new", name="admin.new_user_form", sync_to_thread=True)
def new_user_form(request: Request[Any, Any, Any]) -> Template:
    return page(request, "admin/new_user.html", heading="Add a user", role_options=ROLE_OPTIONS)


@post("/admin/users/new", name="admin.new_user", sync_to_thread=True)
def new_user(request: Request[Any, Any, Any], db: Db, data: Form) -> Template:
    values = form_values(data)
    values["roles"] = as_list(values.get("roles"))
    try:
        user, link = service.create_user(db, require_principal(request), request.app.state.settings, values)
    except FormInvalid as exc:
        return page(
            request,
            "admin/new_user.html",
            heading="Add a user",
            status_code=400,
            form=FormState(values, exc.errors),
            role_options=ROLE_OPTIONS,
        )
    return page(request, "admin/invitation_link.html", heading="User added", user=user, link=link)


def _user_page(
    request: Request[Any, Any, Any],
    db: Db,
    user_id: FromPath[uuid.UUID],
    *,
    form: FormState | None = None,
    new_token: str | None = None,
    status_code: int = 200,
) -> Template:
    user = service.get_user(db, user_id)
    agency_id = service.agency_of_user(db, user.id)
    form = form or FormState.empty(roles=sorted(user.role_set))
    form.values.setdefault("agency_id", str(agency_id) if agency_id else "")
    return page(
        request,
        "admin/user.html",
        heading=user.display_name,
        status_code=status_code,
        user=user,
        form=form,
        role_options=ROLE_OPTIONS,
        agency_options=_agency_options(db, agency_id),
        agency_name=agencies.get_agency(db, agency_id).name if agency_id else "",
        tokens=service.api_tokens(db, user.id),
        new_token=new_token,
        session_count=len(service.user_sessions(db, user.id)),
        corrections=(history := service.user_history(db, user)),
        correction_names=user_names(db, {c.corrected_by_id for c in history}),
        Role=Role,
    )


def _agency_options(db: Db, current: uuid.UUID | None) -> list[tuple[str, str]]:
    """The agencies a partner user may answer for: those in use, and the one they answer for now."""
    chosen = [a for a in agencies.agencies(db) if a.active or a.id == current]
    return [("", "None"), *((str(a.id), a.name) for a in chosen)]


@get("/admin/users/{user_id:uuid}", name="admin.user", sync_to_thread=True)
def user_detail(request: Request[Any, Any, Any], db: Db, user_id: FromPath[uuid.UUID]) -> Template:
    return _user_page(request, db, user_id)


@post("/admin/users/{user_id:uuid}/roles", name="admin.roles", sync_to_thread=True)
def set_roles(
    request: Request[Any, Any, Any], db: Db, user_id: FromPath[uuid.UUID], data: Form
) -> Template | Redirect:
    chosen = as_list(data.get("roles"))
    try:
        service.set_roles(db, require_principal(request), user_id, chosen)
    except FormInvalid as exc:
        return _user_page(
            request, db, user_id, form=FormState({"roles": chosen}, exc.errors), status_code=400
        )
    return redirect(request, f"/admin/users/{user_id}", flash="Roles updated")


@post("/admin/users/{user_id:uuid}/agency", name="admin.set_agency", sync_to_thread=True)
def set_agency(
    request: Request[Any, Any, Any], db: Db, user_id: FromPath[uuid.UUID], data: Form
) -> Template | Redirect:
    values = form_values(data)
    try:
        user = service.set_agency(db, require_principal(request), user_id, values)
    except FormInvalid as exc:
        roles = sorted(service.get_user(db, user_id).role_set)  # the roles form on the page keeps its ticks
        return _user_page(
            request, db, user_id, form=FormState({**values, "roles": roles}, exc.errors), status_code=400
        )
    agency_id = service.agency_of_user(db, user.id)
    flash = (
        f"{user.display_name} now answers for {agencies.get_agency(db, agency_id).name}"
        if agency_id
        else f"{user.display_name} no longer answers for an agency"
    )
    return redirect(request, f"/admin/users/{user_id}", flash=flash)


@post("/admin/users/{user_id:uuid}/details", name="admin.correct_user", sync_to_thread=True)
def correct_user(
    request: Request[Any, Any, Any], db: Db, user_id: FromPath[uuid.UUID], data: Form
) -> Template | Redirect:
    values = form_values(data)
    try:
        with db.begin_nested():
            service.correct_user(db, require_principal(request), user_id, values)
    except FormInvalid as exc:
        roles = sorted(service.get_user(db, user_id).role_set)  # the roles form on the page keeps its ticks
        return _user_page(
            request, db, user_id, form=FormState({**values, "roles": roles}, exc.errors), status_code=400
        )
    return redirect(request, f"/admin/users/{user_id}", flash="Name and email saved, with the old ones kept")


@post("/admin/users/{user_id:uuid}/disable", name="admin.disable", sync_to_thread=True)
def disable(request: Request[Any, Any, Any], db: Db, user_id: FromPath[uuid.UUID]) -> Redirect:
    service.disable_user(db, require_principal(request), user_id)
    return redirect(request, f"/admin/users/{user_id}", flash="Account disabled and its sessions ended")


@post("/admin/users/{user_id:uuid}/enable", name="admin.enable", sync_to_thread=True)
def enable(request: Request[Any, Any, Any], db: Db, user_id: FromPath[uuid.UUID]) -> Redirect:
    service.enable_user(db, require_principal(request), user_id)
    return redirect(request, f"/admin/users/{user_id}", flash="Account enabled")


@post("/admin/users/{user_id:uuid}/reset-security-code", name="admin.reset_mfa", sync_to_thread=True)
def reset_mfa(request: Request[Any, Any, Any], db: Db, user_id: FromPath[uuid.UUID]) -> Redirect:
    service.reset_mfa(db, require_principal(request), user_id)
    return redirect(
        request,
        f"/admin/users/{user_id}",
        flash="Authenticator app reset. They will set up a new one when they next sign in",
    )


@post("/admin/users/{user_id:uuid}/invitation", name="admin.invitation", sync_to_thread=True)
def reissue_invitation(request: Request[Any, Any, Any], db: Db, user_id: FromPath[uuid.UUID]) -> Template:
    settings = request.app.state.settings
    link = service.reissue_invitation(db, require_principal(request), settings, user_id)
    return page(
        request,
        "admin/invitation_link.html",
        heading="New invitation link",
        user=service.get_user(db, user_id),
        link=link,
    )


@post("/admin/users/{user_id:uuid}/tokens", name="admin.issue_token", sync_to_thread=True)
def issue_token(
    request: Request[Any, Any, Any], db: Db, user_id: FromPath[uuid.UUID], data: Form
) -> Template:
    values = form_values(data)
    try:
        raw = service.issue_api_token(db, require_principal(request), user_id, values.get("token_name", ""))
    except (FormInvalid, Conflict) as exc:
        errors = exc.errors if isinstance(exc, FormInvalid) else {"token_name": exc.message}
        return _user_page(request, db, user_id, form=FormState(values, errors), status_code=400)
    return _user_page(request, db, user_id, new_token=raw)


@post(
    "/admin/users/{user_id:uuid}/tokens/{token_id:uuid}/revoke",
    name="admin.revoke_token",
    sync_to_thread=True,
)
def revoke_token(
    request: Request[Any, Any, Any], db: Db, user_id: FromPath[uuid.UUID], token_id: FromPath[uuid.UUID]
) -> Redirect:
    service.revoke_api_token(db, require_principal(request), user_id, token_id)
    return redirect(request, f"/admin/users/{user_id}", flash="API token revoked")


ROUTES = [
    users,
    new_user_form,
    new_user,
    user_detail,
    set_roles,
    set_agency,
    correct_user,
    disable,
    enable,
    reset_mfa,
    reissue_invitation,
    issue_token,
    revoke_token,
]
