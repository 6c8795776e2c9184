"""Pages for signing in and out, the security code, one-time links and the user's own account."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath
from litestar.response import Redirect, Template

from disclosure.accounts import mfa, service
from disclosure.accounts.roles import Role
from disclosure.auth import SECURE_SESSION_COOKIE, SESSION_COOKIE, Principal, require_principal
from disclosure.config import Settings
from disclosure.errors import FormInvalid
from disclosure.web import Db, Form, FormState, form_values, page, redirect, safe_next


def _settings(request: Request[Any, Any, Any]) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _session_cookie(settings: Settings, token: FromPath[str]) -> Cookie:
    """`__Host-` prefix over HTTPS: Secure, whole site, no Domain; never readable by scripts."""
    return Cookie(
        key=SECURE_SESSION_COOKIE if settings.secure_cookies else SESSION_COOKIE,
        value=token,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
        path="/",
    )


def _signed_in_redirect(request: Request[Any, Any, Any], target: str, token: FromPath[str]) -> Redirect:
    response = Redirect(target, status_code=303)
    response.set_cookie(_session_cookie(_settings(request), token))
    return response


@get("/healthz", name="health", sync_to_thread=True, include_in_schema=False)
def health(db: Db) -> dict[str, str]:
    from sqlalchemy import text

    db.execute(text("SELECT 1"))
    return {"status": "ok"}


HomePanel = Callable[[Db, Principal], dict[str, Any]]
HOME_PANELS: list[HomePanel] = []
"""Features that add to the home page (the missing-person notices that reached nobody) register a function
of (session, principal) returning extra template context, in `disclosure.wiring`."""


@get("/", name="home", sync_to_thread=True)
def home(request: Request[Any, Any, Any], db: Db) -> Template:
    principal = require_principal(request)
    extra: dict[str, Any] = {}
    for panel in HOME_PANELS:
        extra.update(panel(db, principal))
    return page(
        request, "accounts/home.html", heading=f"Welcome, {principal.display_name}", Role=Role, **extra
    )


@get("/sign-in", name="accounts.sign_in_form", sync_to_thread=True)
def sign_in_form(request: Request[Any, Any, Any]) -> Template:
    target = safe_next(request.query_params.get("next"))
    return page(request, "accounts/sign_in.html", heading="Sign in", next=target)


@post("/sign-in", name="accounts.sign_in", sync_to_thread=True)
def sign_in(request: Request[Any, Any, Any], db: Db, data: Form) -> Template | Redirect:
    values = form_values(data)
    target = safe_next(values.get("next"))
    errors = {}
    if not values.get("username"):
        errors["username"] = "Enter your user name"
    if not data.get("password"):
        errors["password"] = "Enter your password"  # noqa: S105 (a message, not a password)  # nosec B105
    if errors:
        return page(
            request,
            "accounts/sign_in.html",
            heading="Sign in",
            status_code=400,
            form=FormState(values, errors),
            next=target,
        )
    try:
        token = service.sign_in(
            db,
            _settings(request),
            values["username"],
            str(data.get("password", "")),
            client=request.headers.get("user-agent", ""),
        )
    except (FormInvalid, service.SignInLocked) as exc:
        return page(
            request,
            "accounts/sign_in.html",
            heading="Sign in",
            status_code=exc.status_code,
            form=FormState({"username": values.get("username", "")}, _field_errors(exc, "username")),
            next=target,
        )
    return _signed_in_redirect(request, f"/sign-in/security-code?next={target}", token)


@get("/sign-in/security-code", name="accounts.code_form", sync_to_thread=True)
def code_form(request: Request[Any, Any, Any], db: Db) -> Template | Redirect:
    principal = require_principal(request)
    if not principal.mfa_pending:
        return Redirect("/", status_code=303)
    if not service.get_user(db, principal.user_id).mfa_enrolled:
        return Redirect(f"/sign-in/set-up-authenticator?next={_next(request)}", status_code=303)
    return page(request, "accounts/code.html", heading="Enter your security code", next=_next(request))


def _field_errors(exc: FormInvalid | service.SignInLocked, field: str) -> dict[str, str]:
    """A form's own errors, or a lock's message shown at the given field."""
    return exc.errors if isinstance(exc, FormInvalid) else {field: exc.message}


def _next(request: Request[Any, Any, Any]) -> str:
    return safe_next(request.query_params.get("next"))


@post("/sign-in/security-code", name="accounts.code", sync_to_thread=True)
def code(request: Request[Any, Any, Any], db: Db, data: Form) -> Template | Redirect:
    principal = require_principal(request)
    values = form_values(data)
    target = safe_next(values.get("next"))
    try:
        token = service.verify_code(db, _settings(request), principal, values.get("code", ""))
    except (FormInvalid, service.SignInLocked) as exc:
        return page(
            request,
            "accounts/code.html",
            heading="Enter your security code",
            status_code=exc.status_code,
            form=FormState({}, _field_errors(exc, "code")),
            next=target,
        )
    return _signed_in_redirect(request, target, token)


@get("/sign-in/set-up-authenticator", name="accounts.enrol_form", sync_to_thread=True)
def enrol_form(request: Request[Any, Any, Any], db: Db) -> Template | Redirect:
    return _enrol_page(request, db, FormState.empty())


def _enrol_page(
    request: Request[Any, Any, Any], db: Db, form: FormState, status_code: int = 200
) -> Template | Redirect:
    principal = require_principal(request)
    if service.get_user(db, principal.user_id).mfa_enrolled:
        return Redirect("/sign-in/security-code", status_code=303)
    secret = service.start_enrolment(db, principal)
    uri = mfa.provisioning_uri(secret, principal.username)
    return page(
        request,
        "accounts/enrol.html",
        heading="Set up your authenticator app",
        status_code=status_code,
        form=form,
        qr_svg=mfa.qr_svg(uri),
        secret=mfa.grouped(secret),
        next=_next(request),
    )


@post("/sign-in/set-up-authenticator", name="accounts.enrol", sync_to_thread=True)
def enrol(request: Request[Any, Any, Any], db: Db, data: Form) -> Template | Redirect:
    principal = require_principal(request)
    values = form_values(data)
    try:
        token = service.confirm_enrolment(db, _settings(request), principal, values.get("code", ""))
    except (FormInvalid, service.SignInLocked) as exc:
        return _enrol_page(request, db, FormState({}, _field_errors(exc, "code")), exc.status_code)
    return _signed_in_redirect(request, safe_next(values.get("next")), token)


@post("/sign-out", name="accounts.sign_out", sync_to_thread=True)
def sign_out(request: Request[Any, Any, Any], db: Db) -> Redirect:
    service.sign_out(db, require_principal(request))
    response = Redirect("/signed-out", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(SECURE_SESSION_COOKIE)
    return response


@get("/signed-out", name="accounts.signed_out", sync_to_thread=True)
def signed_out(request: Request[Any, Any, Any]) -> Template:
    return page(request, "accounts/signed_out.html", heading="You have signed out")


@get("/setup/{token:str}", name="accounts.setup_form", sync_to_thread=True)
def setup_form(request: Request[Any, Any, Any], db: Db, token: FromPath[str]) -> Template:
    service.check_setup_link(db, token)
    return page(request, "accounts/setup.html", heading="Create the first administrator account", token=token)


@post("/setup/{token:str}", name="accounts.setup", sync_to_thread=True)
def setup(request: Request[Any, Any, Any], db: Db, token: FromPath[str], data: Form) -> Template | Redirect:
    values = form_values(data)
    try:
        user = service.create_first_administrator(db, token, values)
    except FormInvalid as exc:
        return page(
            request,
            "accounts/setup.html",
            heading="Create the first administrator account",
            status_code=400,
            form=FormState(_no_passwords(values), exc.errors),
            token=token,
        )
    token_for_session = service.sign_in(db, _settings(request), user.username, str(data["password"]))
    return _signed_in_redirect(request, "/sign-in/set-up-authenticator", token_for_session)


def _no_passwords(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if "password" not in k}


@get("/invitation/{token:str}", name="accounts.invitation_form", sync_to_thread=True)
def invitation_form(request: Request[Any, Any, Any], db: Db, token: FromPath[str]) -> Template:
    user = service.check_invitation(db, token)
    return page(request, "accounts/invitation.html", heading="Set your password", user=user, token=token)


@post("/invitation/{token:str}", name="accounts.invitation", sync_to_thread=True)
def invitation(
    request: Request[Any, Any, Any], db: Db, token: FromPath[str], data: Form
) -> Template | Redirect:
    values = form_values(data)
    try:
        user = service.accept_invitation(db, token, values)
    except FormInvalid as exc:
        user = service.check_invitation(db, token)
        return page(
            request,
            "accounts/invitation.html",
            heading="Set your password",
            status_code=400,
            form=FormState({}, exc.errors),
            user=user,
            token=token,
        )
    session_token = service.sign_in(db, _settings(request), user.username, str(data["password"]))
    return _signed_in_redirect(request, "/sign-in/set-up-authenticator", session_token)


@get("/confirm-identity", name="accounts.reauth_form", sync_to_thread=True)
def reauth_form(request: Request[Any, Any, Any]) -> Template:
    return page(request, "accounts/reauth.html", heading="Confirm it is you", next=_next(request))


@post("/confirm-identity", name="accounts.reauth", sync_to_thread=True)
def reauth(request: Request[Any, Any, Any], db: Db, data: Form) -> Template | Redirect:
    values = form_values(data)
    target = safe_next(values.get("next"))
    try:
        service.reauthenticate(
            db,
            _settings(request),
            require_principal(request),
            str(data.get("password", "")),
            values.get("code", ""),
        )
    except (FormInvalid, service.SignInLocked) as exc:
        return page(
            request,
            "accounts/reauth.html",
            heading="Confirm it is you",
            status_code=exc.status_code,
            form=FormState({}, _field_errors(exc, "password")),
            next=target,
        )
    return Redirect(target, status_code=303)


@get("/account", name="accounts.account", sync_to_thread=True)
def account(request: Request[Any, Any, Any], db: Db) -> Template:
    principal = require_principal(request)
    user = service.get_user(db, principal.user_id)
    return page(
        request,
        "accounts/account.html",
        heading="Your account",
        user=user,
        sessions=service.user_sessions(db, user.id),
        Role=Role,
    )


@get("/account/password", name="accounts.password_form", sync_to_thread=True)
def password_form(request: Request[Any, Any, Any]) -> Template:
    return page(request, "accounts/password.html", heading="Change your password")


@post("/account/password", name="accounts.password", sync_to_thread=True)
def password(request: Request[Any, Any, Any], db: Db, data: Form) -> Template | Redirect:
    try:
        service.change_password(db, _settings(request), require_principal(request), dict(data))
    except (FormInvalid, service.SignInLocked) as exc:
        return page(
            request,
            "accounts/password.html",
            heading="Change your password",
            status_code=exc.status_code,
            form=FormState({}, _field_errors(exc, "current_password")),
        )
    return redirect(
        request, "/account", flash="Your password has been changed. Your other sessions have ended."
    )


ROUTES = [
    health,
    home,
    sign_in_form,
    sign_in,
    code_form,
    code,
    enrol_form,
    enrol,
    sign_out,
    signed_out,
    setup_form,
    setup,
    invitation_form,
    invitation,
    reauth_form,
    reauth,
    account,
    password_form,
    password,
]

__all__ = ["ROUTES"]
