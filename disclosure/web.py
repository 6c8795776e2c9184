"""What every page shares: the Jinja environment, the page helper, form errors, flash banners,
pagination and the security headers.

Forms post back to themselves; on error the page is rendered again with the GOV.UK error summary, each
field's message and every value the user typed (nothing entered is lost).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import anyio.to_thread
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader, select_autoescape
from litestar import Request
from litestar.datastructures import Cookie, State
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template
from litestar.types import Message, Scope
from sqlalchemy.orm import Session

from disclosure.config import PROJECT_ROOT, Settings
from disclosure.text import clean, format_date, format_datetime

Db = NamedDependency[Session]
"""The request's database session (one unit of work per request), injected as `db`."""
Id = FromPath[uuid.UUID]
"""A record's id in the path."""
Form = URLEncodedBody[dict[str, Any]]
"""A submitted HTML form: each field a string, repeated fields (checkboxes) a list."""

TEMPLATE_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"
FLASH_COOKIE = "disclosure_flash"


def build_environment(settings: Settings, template_dir: Path = TEMPLATE_DIR) -> Environment:
    """Autoescaping everywhere. Undefined stays lenient because the GOV.UK macros test optional params
    with `if params.x`; the page fixture in the tests catches what StrictUndefined would."""
    env = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(template_dir),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=not settings.is_production,
    )
    env.globals["settings"] = settings
    env.filters["datetime"] = format_datetime
    env.filters["date"] = format_date
    return env


@dataclass
class FormState:
    """Values as typed and errors by field, in page order, for the error summary and field messages."""

    values: dict[str, Any]
    errors: dict[str, str]

    @classmethod
    def empty(cls, **values: Any) -> FormState:
        return cls(dict(values), {})


def form_values(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """Trim text fields and drop control characters; keep lists (checkboxes) as lists; drop the CSRF token."""
    values: dict[str, Any] = {}
    for key, value in (data or {}).items():
        if key == "_csrf_token":
            continue
        if isinstance(value, list):
            values[key] = [clean(str(v)).strip() for v in value]
        else:
            values[key] = clean(str(value)).strip()
    return values


def body_values(body: Any) -> dict[str, Any]:
    """Bodies become the same field values the pages submit, so one parser serves both."""
    values: dict[str, Any] = {}
    for key, value in dataclasses.asdict(body).items():
        if isinstance(value, bool):
            values[key] = "yes" if value else "no"
        elif isinstance(value, datetime | date):
            values[key] = value.isoformat()
        elif value is None:
            values[key] = ""
        elif isinstance(value, list):
            values[key] = [str(v) for v in value]
        else:
            values[key] = str(value)
    return values


def page(
    request: Request[Any, Any, Any],
    template_name: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> Template:
    """Render a page with what every template needs: the principal, CSP nonce and any flash banner."""
    context.setdefault("principal", request.scope.get("user"))
    context.setdefault("form", FormState.empty())
    context["csp_nonce"] = csp_nonce(request.scope)
    context["flash"] = read_flash(request)
    context["current_path"] = request.url.path
    force_name = getattr(request.app.state, "force_name", None)
    context.setdefault("force_name", force_name() if force_name else "Disclosure service")
    response = Template(template_name=template_name, context=context, status_code=status_code)
    if context["flash"]:
        response.delete_cookie(FLASH_COOKIE)
    return response


def redirect(
    request: Request[Any, Any, Any], path: str, *, flash: str | None = None, **query: Any
) -> Redirect:
    """Post/redirect/get with an optional success banner on the next page."""
    target = path + (("?" + urlencode(query)) if query else "")
    response = Redirect(path=target, status_code=303)
    if flash:
        settings: Settings = request.app.state.settings
        response.set_cookie(_flash_cookie(settings, flash))
    return response


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site relative paths are followed after sign-in (no open redirects)."""
    if not target:
        return default
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(c) < 32 or ord(c) == 127 for c in target)  # no CR/LF or other control characters
    ):
        return default
    return target


def _sign(settings: Settings, payload: bytes) -> str:
    return hmac.new(settings.secret_key.encode(), payload, hashlib.sha256).hexdigest()[:32]


def _flash_cookie(settings: Settings, message: str) -> Cookie:
    payload = base64.urlsafe_b64encode(json.dumps(message).encode()).decode()
    return Cookie(
        key=FLASH_COOKIE,
        value=f"{payload}.{_sign(settings, payload.encode())}",
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
        max_age=120,
        path="/",
    )


def read_flash(request: Request[Any, Any, Any]) -> str | None:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw or "." not in raw:
        return None
    payload, _, signature = raw.rpartition(".")
    settings: Settings = request.app.state.settings
    if not hmac.compare_digest(signature, _sign(settings, payload.encode())):
        return None
    try:
        message = json.loads(base64.urlsafe_b64decode(payload.encode()))
    except ValueError:
        return None
    return message if isinstance(message, str) else None


def csp_nonce(scope: Scope) -> str:
    state = scope.setdefault("state", {})
    if "csp_nonce" not in state:
        state["csp_nonce"] = secrets.token_urlsafe(16)
    return str(state["csp_nonce"])


async def security_headers(message: Message, scope: Scope) -> None:
    """Security headers on every response, unknown routes included (a `before_send` hook, so it runs where
    route middleware does not; QUALITY.md check 15): a nonce-based CSP with no `unsafe-inline`, no framing,
    HSTS, nosniff, no referrer, and no caching except static assets."""
    if message["type"] != "http.response.start":
        return
    is_asset = scope.get("path", "").startswith("/assets/")
    headers = [
        (k, v)
        for k, v in message.get("headers", [])
        if is_asset or k.lower() not in (b"cache-control", b"pragma")
    ]
    headers.extend(_security_headers(csp_nonce(scope), cacheable=is_asset))
    message["headers"] = headers


def _security_headers(nonce: str, *, cacheable: bool) -> list[tuple[bytes, bytes]]:
    csp = (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    )
    headers = [
        (b"content-security-policy", csp.encode()),
        (b"strict-transport-security", b"max-age=31536000; includeSubDomains"),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
    ]
    if not cacheable:
        headers.append((b"cache-control", b"no-store"))
        headers.append((b"pragma", b"no-cache"))
    return headers


async def provide_db(state: State) -> AsyncGenerator[Session, None]:
    """One unit of work per request: commit when the handler (and its page) succeeded, else roll back.

    A request holds one connection only: anything else a page needs from the database is read before the
    handler runs (see `app.RefreshForceName`), because on SQLite a second connection would wait for the
    write lock the first took at BEGIN IMMEDIATE."""
    session: Session = state.session_factory()
    try:
        yield session
    except BaseException:
        await anyio.to_thread.run_sync(session.rollback)
        raise
    else:
        await anyio.to_thread.run_sync(session.commit)
    finally:
        await anyio.to_thread.run_sync(session.close)
