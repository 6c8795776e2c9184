"""`create_app()`: the one visible list of controllers, middleware, guards and error handlers."""

from __future__ import annotations

import dataclasses
import gc
import logging
import re
import typing
import uuid
from dataclasses import dataclass
from functools import partial
from typing import Any, cast
from urllib.parse import quote

import anyio.to_thread
from jinja2 import pass_context
from litestar import Litestar, Request, Response, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.logging.config import LoggingConfig
from litestar.middleware import ASGIMiddleware, DefineMiddleware
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect
from litestar.routes import HTTPRoute
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from disclosure import logs, wiring
from disclosure.accounts import api as accounts_api
from disclosure.accounts import controllers as accounts_pages
from disclosure.accounts import service as accounts_service
from disclosure.accounts.policy import POLICY, may, navigation
from disclosure.agencies import controllers as agencies_pages
from disclosure.auditing import api as auditing_api
from disclosure.auditing import controllers as auditing_pages
from disclosure.auth import MfaRequired, Principal, PrincipalMiddleware, make_policy_guard
from disclosure.config import Settings
from disclosure.contract import ContractJsonPlugin, refuse_unknown_fields
from disclosure.csrf import CSRFMiddleware
from disclosure.db import create_db_engine, create_session_factory
from disclosure.decisions import api as decisions_api
from disclosure.decisions import controllers as decisions_pages
from disclosure.decisions.controllers import admin as decisions_admin_pages
from disclosure.errors import (
    DisclosureError,
    FormInvalid,
    NeedsStatedReason,
    NotAuthenticated,
    NotFound,
    ReauthenticationRequired,
)
from disclosure.force import controllers as force_pages
from disclosure.force.service import ForceNameCache
from disclosure.letters import admin as letters_admin_pages
from disclosure.letters import api as letters_api
from disclosure.letters import controllers as letters_pages
from disclosure.missing import api as missing_api
from disclosure.missing import controllers as missing_pages
from disclosure.missing.dispatcher import Dispatcher
from disclosure.people import admin as people_admin
from disclosure.people import api as people_api
from disclosure.people import controllers as people_pages
from disclosure.reports import api as reports_api
from disclosure.reports import controllers as reports_pages
from disclosure.requests import api as requests_api
from disclosure.requests import controllers as requests_pages
from disclosure.research import api as research_api
from disclosure.research import controllers as research_pages
from disclosure.research.controllers import admin as research_admin_pages
from disclosure.retention import api as retention_api
from disclosure.retention import controllers as retention_pages
from disclosure.search import api as search_api
from disclosure.search import controllers as search_pages
from disclosure.subject_access import api as subject_access_api
from disclosure.subject_access import controllers as subject_access_pages
from disclosure.waiting import api as waiting_api
from disclosure.waiting import controllers as waiting_pages
from disclosure.waiting.service import CountsCache
from disclosure.web import (
    STATIC_DIR,
    BoundedJson,
    FormData,
    back_link,
    build_environment,
    decode_form,
    page,
    provide_db,
    safe_next,
    security_headers,
)

log = logging.getLogger("disclosure.app")

API_PREFIX = "/api/v1"
BEARER = "bearerToken"


@dataclass
class Problem:
    """How every API operation answers an error (RFC 9457 problem+json): `errors` gives bad input's
    messages by field; `reference` an unexpected error's id, for the service desk."""

    title: str
    status: int
    detail: str
    errors: dict[str, str] | None = None
    reference: str | None = None


def _problem(description: str) -> ResponseSpec:
    return ResponseSpec(
        Problem, description=description, media_type="application/problem+json", generate_examples=False
    )


API_ERRORS = {
    400: _problem("The request is not valid: `errors` gives each field's message, keyed by the field"),
    401: _problem("No valid API token: send `Authorization: Bearer <token>` with a live token"),
    403: _problem("The token's user may not do this, or has no need to know this record"),
    503: _problem("The database is unreachable or full: nothing was saved; try again after `Retry-After`"),
}
RECORD_ERRORS = {404: _problem("No such record (or none the token's user may know of)")}
CHANGE_ERRORS = {
    409: _problem("The record changed since it was read (send its `version`), or its state forbids this"),
    413: _problem("The body is larger than the service accepts"),
}
LOCK_ERRORS = {
    429: _problem("Too many wrong passwords or codes: the account is locked for a while; try again later"),
}


def _api(handlers: list[Any]) -> list[Any]:
    """API operations as the OpenAPI document shows them: each needs a bearer token and says how it
    answers every error it can (problem+json, one shape): a missing or refused token (the guard,
    `auth.make_policy_guard`, answers them for every route), bad input, a record not found where the path
    names one, and for a change a conflict or a body too large."""
    for handler in handlers:
        declared = dict(API_ERRORS)
        if any("{" in path for path in handler.paths):
            declared |= RECORD_ERRORS
        if handler.http_methods - {"GET", "HEAD"}:
            declared |= CHANGE_ERRORS
        if "password" in _body_fields(handler):
            declared |= LOCK_ERRORS  # the caller's password and code travel with the call
        handler.responses = {**declared, **(handler.responses or {})}
    return handlers


def _body_fields(handler: Any) -> set[str]:
    """The field names of a handler's JSON body (`data: JSONBody[SomeBody]`), or none."""
    hints = typing.get_type_hints(handler.fn, include_extras=True)
    body = hints.get("data")
    while typing.get_origin(body) is typing.Annotated:
        body = typing.get_args(body)[0]
    return {f.name for f in dataclasses.fields(body)} if dataclasses.is_dataclass(body) else set()


def freeze_start_up_objects() -> None:
    """Put everything built before the first request (modules, templates, routes, the app) beyond the
    garbage collector's full collections, which otherwise walk those 175,000 objects every few hundred
    requests: a 90-150 ms pause that made the work queue's p95 four times its p50 [issue 17]. Run once a
    worker has started; a request's own objects are collected as before."""
    gc.collect()
    gc.freeze()


def create_app(
    settings: Settings | None = None, session_factory: sessionmaker[Session] | None = None
) -> Litestar:
    settings = settings or Settings.from_env()
    logs.configure(settings.log_level)
    wiring.connect()
    if session_factory is None:
        session_factory = create_session_factory(create_db_engine(settings.database_url))
    environment = build_environment(settings)
    force_name = ForceNameCache(session_factory)
    waiting_counts = CountsCache(session_factory)
    environment.globals["navigation"] = navigation
    # `may("requests.new_form")`: whether the page's reader may follow a link, so no page offers what
    # would be refused.
    environment.globals["may"] = pass_context(lambda context, name: may(context.get("principal"), name))
    assets = create_static_files_router(
        path="/assets",
        directories=[settings.asset_dir, settings.frontend_dir, STATIC_DIR],
        name="assets",
        include_in_schema=False,
        cache_control=None,
    )
    # Partner digests and escalations go out on time without an operator (`disclosure missing dispatch`
    # does the same from cron); tests drive them by hand.
    dispatcher = Dispatcher(session_factory, settings) if settings.environment != "test" else None
    app = Litestar(
        on_startup=[freeze_start_up_objects, dispatcher.start] if dispatcher else [],
        on_shutdown=[dispatcher.stop] if dispatcher else [],
        route_handlers=[
            assets,
            # One router per feature: Litestar re-registers every handler of a path each time another
            # handler joins that path, which double-wraps sync handlers registered one by one.
            Router("/", route_handlers=accounts_pages.ROUTES, include_in_schema=False),
            Router("/", route_handlers=force_pages.ROUTES, include_in_schema=False),
            Router("/", route_handlers=auditing_pages.ROUTES, include_in_schema=False),
            Router("/", route_handlers=requests_pages.ROUTES, include_in_schema=False),
            Router("/", route_handlers=people_pages.ROUTES, include_in_schema=False),
            Router("/", route_handlers=people_admin.ROUTES, include_in_schema=False),
            Router("/", route_handlers=research_pages.ROUTES, include_in_schema=False),
            Router("/", route_handlers=research_admin_pages.ROUTES, include_in_schema=False),
            Router("/", route_handlers=agencies_pages.ROUTES, include_in_schema=False),
            Router("/", route_handlers=decisions_pages.ROUTES, include_in_schema=False),
            Router("/", route_handlers=decisions_admin_pages.ROUTES, include_in_schema=False),
            Router("/", route_handlers=letters_pages.ROUTES, include_in_schema=False),
            Router("/", route_handlers=letters_admin_pages.ROUTES, include_in_schema=False),
            Router("/", route_handlers=missing_pages.ROUTES, include_in_schema=False),
            Router("/", route_handlers=search_pages.ROUTES, include_in_schema=False),
            Router("/", route_handlers=waiting_pages.ROUTES, include_in_schema=False),
            Router("/", route_handlers=reports_pages.ROUTES, include_in_schema=False),
            Router("/", route_handlers=retention_pages.ROUTES, include_in_schema=False),
            Router("/", route_handlers=subject_access_pages.ROUTES, include_in_schema=False),
            # Uploads get the attachment limit (plus room for the form's other fields); every other route
            # keeps the 2 MB default. Litestar refuses a larger body from its Content-Length, unread.
            Router(
                "/",
                route_handlers=[*research_pages.UPLOAD_ROUTES, *missing_pages.UPLOAD_ROUTES],
                include_in_schema=False,
                request_max_body_size=settings.max_upload_mb * 1024 * 1024 + 64 * 1024,
            ),
            Router(
                "/",
                route_handlers=_api(
                    [
                        *accounts_api.ROUTES,
                        *auditing_api.ROUTES,
                        *requests_api.ROUTES,
                        *people_api.ROUTES,
                        *research_api.ROUTES,
                        *decisions_api.ROUTES,
                        *letters_api.ROUTES,
                        *missing_api.ROUTES,
                        *search_api.ROUTES,
                        *waiting_api.ROUTES,
                        *reports_api.ROUTES,
                        *retention_api.ROUTES,
                        *subject_access_api.ROUTES,
                    ]
                ),
                security=[{BEARER: []}],
                before_request=refuse_unknown_fields,
            ),
            # The feed pushed by an integration may be as large as an uploaded file.
            Router(
                "/",
                route_handlers=_api(missing_api.UPLOAD_ROUTES),
                security=[{BEARER: []}],
                before_request=refuse_unknown_fields,
                request_max_body_size=settings.max_upload_mb * 1024 * 1024 + 64 * 1024,
            ),
        ],
        dependencies={"db": Provide(provide_db)},
        guards=[make_policy_guard(POLICY)],
        before_send=[security_headers, allow_header],
        middleware=[
            DefineMiddleware(BoundedJson, limit=settings.max_upload_mb * 1024 * 1024 + 64 * 1024),
            RefreshForceName(force_name),
            PrincipalMiddleware(partial(accounts_service.resolve, session_factory, settings)),
            RefreshWaitingCounts(waiting_counts),
            CSRFMiddleware(settings.secret_key, secure=settings.secure_cookies),
        ],
        template_config=TemplateConfig(engine=JinjaTemplateEngine.from_environment(environment)),
        openapi_config=OpenAPIConfig(
            title="Disclosure service API",
            version="1",
            path=f"{API_PREFIX}/schema",
            render_plugins=[ContractJsonPlugin()],
            components=Components(
                security_schemes={
                    BEARER: SecurityScheme(
                        type="http",
                        scheme="bearer",
                        description="An API token, issued by an administrator to a named user",
                    )
                }
            ),
            # Litestar names these handlers with a hash; the policy table knows them by this name instead.
            openapi_router=Router(
                f"{API_PREFIX}/schema",
                route_handlers=[],
                opt={"policy_name": "api.openapi"},
                include_in_schema=False,
            ),
            description=(
                "JSON API over the same services as the pages. Authenticate with "
                "`Authorization: Bearer <token>`; tokens are issued by administrators."
            ),
        ),
        exception_handlers={Exception: handle_exception},
        type_decoders=[(lambda kind: kind is FormData, decode_form)],
        logging_config=LoggingConfig(log_exceptions="never", configure_root_logger=False),
        state=State(
            {
                "settings": settings,
                "session_factory": session_factory,
                "force_name": force_name,
                "waiting_counts": waiting_counts,
            }
        ),
        request_max_body_size=2 * 1024 * 1024,
        debug=False,
    )
    app.state["allowed_methods"] = {
        template: ", ".join(sorted(route.methods))
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for template in (route.path, route.path_format)
    }
    return app


async def allow_header(message: Message, scope: Scope) -> None:
    """An OPTIONS answer's `Allow` names every method of its path (a `before_send` hook): Litestar's own
    OPTIONS handler keeps the methods of the first handler registered on a path, so a path with GET and
    POST handlers said `GET, OPTIONS`."""
    if message["type"] != "http.response.start" or scope.get("method") != "OPTIONS":
        return
    allowed = scope["app"].state.get("allowed_methods", {}).get(scope.get("path_template"))
    if allowed:
        headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
        message["headers"] = [*headers, (b"allow", allowed.encode())]


class RefreshForceName(ASGIMiddleware):
    """Re-read the force's name for the header (at most every 30 seconds) before the request opens its own
    database session, so a page never needs a second connection."""

    def __init__(self, cache: ForceNameCache) -> None:
        self.cache = cache

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        await anyio.to_thread.run_sync(self.cache.refresh)
        await next_app(scope, receive, send)


class RefreshWaitingCounts(ASGIMiddleware):
    """Put the navigation's counts of waiting work in the scope of a signed-in user's page, read before the
    request opens its own database session. A change the user makes (any other method) drops their counts,
    so the page it leads to counts afresh; the home page, which lists the work, always counts afresh."""

    def __init__(self, cache: CountsCache) -> None:
        self.cache = cache

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        principal = scope.get("user")
        path = scope.get("path", "")
        if isinstance(principal, Principal) and not principal.mfa_pending and not principal.via_api_token:
            if scope.get("method") != "GET" or path == "/":
                self.cache.forget(principal.user_id)
            if scope.get("method") == "GET" and not path.startswith(("/api/", "/assets")):
                counts = await anyio.to_thread.run_sync(self.cache.get, principal)
                cast(dict[str, Any], scope)["waiting_counts"] = counts  # read by `web.page`
        await next_app(scope, receive, send)


def _is_api(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith("/api/")


def _upload_form(path: str) -> str | None:
    """The form an upload route was posted from."""
    if path.endswith("/upload") and "/research/evidence/" in path:
        return path.removesuffix("/upload") + "/attachments"
    if path in ("/missing/imports/new", "/partner/protocol-forms/new"):
        return path.removesuffix("/new")
    return None


def handle_exception(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """One mapping from errors to GOV.UK pages and JSON problem details; unknown errors get a reference."""
    if isinstance(exc, DisclosureError):
        return _disclosure_error(request, exc)
    if isinstance(exc, NotFoundException):
        return _error(request, 404, "Page not found", "If you typed the web address, check it is correct.")
    if isinstance(exc, ValidationException):
        errors = _field_errors(exc.extra)
        detail = "; ".join(errors.values()) if errors else str(exc.detail or "The request was not valid")
        return _error(request, 400, "There is a problem", detail, extra=errors or None)
    if isinstance(exc, HTTPException) and exc.status_code == 413 and not _is_api(request):
        back = _upload_form(request.url.path)
        if back:  # the upload form again, with the message at the file field (the body was never read)
            return Redirect(back + "?error=too-large", status_code=303)
    if isinstance(exc, HTTPException) and exc.status_code < 500:
        titles = {
            403: "You do not have access to this",
            405: "That cannot be done here",
            413: "File too large",
        }
        title = titles.get(exc.status_code, "There is a problem")
        message = (
            "The form has expired. Go back, reload the page and try again."
            if "CSRF" in str(exc.detail)
            else str(exc.detail)
        )
        if exc.status_code == 405 and exc.headers and exc.headers.get("allow"):
            message = f"This address answers {exc.headers['allow']} only"
        return _error(request, exc.status_code, title, message, headers=exc.headers)  # 405's Allow
    return _unexpected(request, exc)


UNAVAILABLE = (
    "Nothing from this request was saved. Go back (what you typed is still in the form) and try again in a "
    "few minutes. If it keeps happening, contact the service desk and give this reference."
)


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """An error the service did not expect, logged with a reference for the service desk: the database
    unreachable, restarting or out of disk space is a 503 saying nothing was saved (QUALITY.md
    "Reliability"); anything else a 500."""
    reference = uuid.uuid4().hex[:12]
    route = request.scope.get("path_template")
    if isinstance(exc, OperationalError):
        log.exception("database unavailable, reference %s, route %s", reference, route)
        title = "The service cannot reach its records just now"
        return _error(request, 503, title, UNAVAILABLE, reference=reference, headers={"Retry-After": "60"})
    log.exception("unexpected error, reference %s, route %s", reference, route)
    return _error(
        request,
        500,
        "Sorry, there is a problem with the service",
        "Try again later. If it keeps happening, contact the service desk and give this reference.",
        reference=reference,
    )


def _field_errors(extra: Any) -> dict[str, str]:
    """Litestar's validation messages ([{"message", "key", "source"}]) as the service's own: one message
    per field, keyed by the field, worded for a person (a missing body named as such, not `'data'`)."""
    found: dict[str, str] = {}
    for item in extra if isinstance(extra, list) else []:
        if not isinstance(item, dict):
            continue
        key, message = str(item.get("key") or "body"), str(item.get("message", ""))
        if key == "data" and message == "'data'":  # no body at all
            key, message = "body", "Send a JSON object as the request body"
        elif key == "data":  # the body as a whole: an unknown field, or not an object
            unknown = re.search(r"unknown field `([^`]+)`", message)
            key = unknown.group(1) if unknown else "body"
        found.setdefault(key, message.replace("`", "") or "Not valid")
    return found


def _disclosure_error(request: Request[Any, Any, Any], exc: DisclosureError) -> Response[Any]:
    if not _is_api(request):
        if isinstance(exc, MfaRequired):
            return Redirect("/sign-in/security-code", status_code=303)
        if isinstance(exc, NotAuthenticated):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            query = f"?next={quote(target)}" if request.method == "GET" and target != "/" else ""
            return Redirect(f"/sign-in{query}", status_code=303)
        if isinstance(exc, NeedsStatedReason):
            back = _path_only(str(request.url)) if request.method == "GET" else "/"
            return Redirect(f"{exc.reason_path}?next={quote(safe_next(back))}", status_code=303)
        if isinstance(exc, ReauthenticationRequired):
            back = str(request.url) if request.method == "GET" else request.headers.get("referer", "/")
            return Redirect(f"/confirm-identity?next={quote(safe_next(_path_only(back)))}", status_code=303)
    extra = exc.errors if isinstance(exc, FormInvalid) else None
    message = exc.message if exc.message != exc.title else exc.explanation
    to_record = not isinstance(exc, NotFound)  # a record not found is no place to go back to
    return _error(request, exc.status_code, exc.title, message, extra=extra, to_record=to_record)


def _path_only(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _error(
    request: Request[Any, Any, Any],
    status: int,
    title: str,
    message: str,
    *,
    reference: str | None = None,
    extra: Any = None,
    to_record: bool = True,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    if _is_api(request):
        body: dict[str, Any] = {"title": title, "status": status, "detail": message or title}
        if reference:
            body["reference"] = reference
        if extra:
            body["errors"] = extra
        return Response(body, status_code=status, media_type="application/problem+json", headers=headers)
    template = "errors/error.html"
    back = back_link(request, to_record=to_record)
    shown = page(
        request, template, status_code=status, title=title, message=message, reference=reference, back=back
    )
    shown.headers.update(headers or {})
    return shown
