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
import re
import secrets
import uuid
from collections.abc import AsyncGenerator, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import anyio.to_thread
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader, select_autoescape
from litestar import Request
from litestar.datastructures import Cookie, State
from litestar.di import NamedDependency
from litestar.enums import ScopeType
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Response, Template
from litestar.types import ASGIApp, HTTPResponseStartEvent, Message, Receive, ReceiveMessage, Scope, Send
from sqlalchemy.orm import Session

from disclosure.config import PROJECT_ROOT, Settings
from disclosure.db import kept_on_refusal
from disclosure.errors import Conflict, DisclosureError, FormInvalid, InvalidTransition, StaleRecord
from disclosure.text import (
    MAX_JSON_DEPTH,
    Repeated,
    as_list,
    clean,
    format_date,
    format_datetime,
    json_depth_exceeded,
)

Db = NamedDependency[Session]
"""The request's database session (one unit of work per request), injected as `db`."""
Id = FromPath[uuid.UUID]
"""A record's id in the path."""


class FormData(dict[str, Any]):
    """A submitted HTML form, parsed once: every field is one string, and a field sent more than once is a
    `text.Repeated` (its first value, with every value for `text.as_list`), so no handler meets a list
    where it expects a value, whatever a client sends."""

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> FormData:
        return cls(
            {
                str(key): Repeated([str(v) for v in value]) if isinstance(value, list) else str(value)
                for key, value in raw.items()
            }
        )


def decode_form(_kind: type, raw: Any) -> FormData:
    """Litestar's type decoder for `Form` bodies (registered in `app.create_app`)."""
    return FormData.parse(raw if isinstance(raw, Mapping) else {})


Form = URLEncodedBody[FormData]
"""A submitted HTML form (see `FormData`)."""

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
    """Values as typed and errors by field, in page order, for the error summary and field messages;
    `problem` is a refusal of the whole form (a stale save, a state that no longer allows it), shown at the
    top of the error summary above the answers kept."""

    values: dict[str, Any]
    errors: dict[str, str]
    problem: str = ""

    @classmethod
    def empty(cls, **values: Any) -> FormState:
        return cls(dict(values), {})


def form_values(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """Trim text fields and drop control characters (the same `text.clean` every feature's input goes
    through); a repeated field stays `Repeated`; drop the CSRF token."""
    values: dict[str, Any] = {}
    for key, value in (data or {}).items():
        if key == "_csrf_token":
            continue
        if isinstance(value, Repeated | list):
            values[key] = Repeated([clean(str(v)).strip() for v in as_list(value)])
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


Show = Callable[[FormState, int], Template]
"""Renders a form page again: the form state (answers and errors) and the status code."""


def round_trip(
    request: Request[Any, Any, Any],
    db: Session,
    data: Mapping[str, Any],
    verb: Callable[[dict[str, Any]], Any],
    show: Show,
    *,
    success: str | Callable[[Any], str],
    flash: str | Callable[[Any], str],
) -> Template | Redirect:
    """The one form round trip: call one service verb with the cleaned answers inside a savepoint, and
    redirect with a banner when it succeeds (`success` and `flash` may be made from what the verb returned).
    When it refuses, nothing it wrote is kept (the savepoint, and the request's unit of work, roll back) and
    the form comes back with every answer typed:
    - bad input (`FormInvalid`, 400): each message at its field;
    - a stale save (`StaleRecord`, 409): the news at the top and the form moved to the record's current
      version, so saving again applies the answers on top of the other person's change;
    - a state that no longer allows it (`InvalidTransition`, `Conflict`, 409): the reason at the top.
    """
    values = form_values(data)
    try:
        with db.begin_nested():
            result = verb(values)
    except FormInvalid as exc:
        return show(FormState(values, exc.errors), 400)
    except StaleRecord as exc:
        if exc.current_version is not None:
            values["version"] = str(exc.current_version)
        return show(FormState(values, {}, exc.message), 409)
    except (InvalidTransition, Conflict) as exc:
        return show(FormState(values, {}, exc.message), 409)
    target = success(result) if callable(success) else success
    return redirect(request, target, flash=flash(result) if callable(flash) else flash)


def page(
    request: Request[Any, Any, Any],
    template_name: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> Template:
    """Render a page with what every template needs: the principal, CSP nonce and any flash banner."""
    if status_code >= 400:
        mark_refused(request.scope)
    context.setdefault("principal", request.scope.get("user"))
    context.setdefault("form", FormState.empty())
    context["csp_nonce"] = csp_nonce(request.scope)
    context["flash"] = read_flash(request)
    context["current_path"] = request.url.path
    context.setdefault("waiting_counts", request.scope.get("waiting_counts") or {})
    force_name = getattr(request.app.state, "force_name", None)
    context.setdefault("force_name", force_name() if force_name else "Disclosure service")
    response = Template(template_name=template_name, context=context, status_code=status_code)
    if context["flash"]:
        response.delete_cookie(FLASH_COOKIE)
    return response


def attachment_response(content: bytes, filename: str, content_type: str) -> Response[bytes]:
    """A download, never shown inline; `web.security_headers` adds `nosniff` to every response."""
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    return Response(
        content,
        media_type=content_type,
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
            ),
            "Cache-Control": "no-store",
        },
    )


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


_RECORD_ID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
RECORD_PAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"^(/{prefix}/{_RECORD_ID})(?:/|$)"), words)
    for prefix, words in (
        ("requests", "the case"),
        ("panels", "the panel meeting"),
        ("people", "the person's record"),
        ("missing/episodes", "the missing episode"),
        ("missing/people", "the person's missing history"),
        ("missing/imports", "the import"),
        ("missing/matches", "the person to confirm"),
        ("missing/considerations", "the Right to Know consideration"),
        ("admin/users", "the user's account"),
        ("admin/agencies", "the agency"),
        ("partner/requests", "the request"),
        ("partner/missing", "the notification"),
    )
)
"""The records whose address starts every page and action about them (`/requests/{id}/withdraw` is about
the case at `/requests/{id}`), with the words a link back to each reads."""


@dataclass(frozen=True)
class BackLink:
    href: str
    text: str


def back_link(request: Request[Any, Any, Any], *, to_record: bool = True) -> BackLink | None:
    """Where a refusal's page sends the user back to: the record the refused action was about, read from
    its address (pages send no referrer, see `_security_headers`), never the very page that was refused.
    `to_record=False` when the record itself may not exist."""
    here = request.url.path
    for pattern, words in RECORD_PAGES if to_record else ():
        if match := pattern.match(here):
            record = match.group(1)
            if request.method == "GET" and record == here:
                return None
            return BackLink(record, f"Go back to {words}")
    return None


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


class BoundedJson:
    """Refuse a JSON body that nests deeper than `text.MAX_JSON_DEPTH` with a 400 problem, before any
    parser recurses into it (50,000 levels made a RecursionError, a 500). The size bound stays the
    router's `request_max_body_size`: a body over `limit` is passed on unread for it to refuse (413)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        messages: list[ReceiveMessage] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            size += len(_body(message))
            if message["type"] != "http.request" or not message.get("more_body") or size > self.limit:
                break
        complete = size <= self.limit and messages[-1]["type"] == "http.request"
        if complete and json_depth_exceeded(b"".join(_body(m) for m in messages)):
            await _problem(send, 400, f"The JSON nests deeper than {MAX_JSON_DEPTH} levels")
            return
        replay = iter(messages)

        async def replayed() -> ReceiveMessage:
            return next(replay, None) or await receive()

        await self.app(scope, replayed, send)


def _body(message: ReceiveMessage) -> bytes:
    body = message.get("body", b"")
    return body if isinstance(body, bytes) else b""


def _is_json(scope: Scope) -> bool:
    for key, value in scope.get("headers", []):
        if key == b"content-type":
            return b"json" in value.lower()
    return False


async def _problem(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"title": "There is a problem", "status": status, "detail": detail}).encode()
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/problem+json"),
            (b"content-length", str(len(body)).encode()),
            *_security_headers(secrets.token_urlsafe(16), cacheable=False),
        ],
    }
    await send(start)
    await send({"type": "http.response.body", "body": body, "more_body": False})


REFUSED = "disclosure.refused"


def mark_refused(scope: Scope) -> None:
    """This request is answered with a refusal (4xx or 5xx): its unit of work will be rolled back."""
    scope.setdefault("state", {})[REFUSED] = True


def is_refused(scope: Scope) -> bool:
    return bool(scope.get("state", {}).get(REFUSED))


async def provide_db(state: State, scope: Scope) -> AsyncGenerator[Session, None]:
    """One unit of work per request, committed only when the request succeeded.

    A refused request writes nothing: the unit of work is rolled back when the handler raises or when its
    answer is a refusal, whether an error page (`page` with a 4xx status marks the request) or a raised
    domain error. The one exception is a refusal that is itself a record (`db.keep_on_refusal`: a failed
    sign-in is counted and audited) and was refused by a domain rule, not by a crash.

    A request holds one connection only: anything else a page needs from the database is read before the
    handler runs (see `app.RefreshForceName`), because on SQLite a second connection would wait for the
    write lock the first took at BEGIN IMMEDIATE."""
    session: Session = state.session_factory()
    try:
        yield session
    except DisclosureError:
        keep = kept_on_refusal(session)
        await anyio.to_thread.run_sync(session.commit if keep else session.rollback)
        raise
    except BaseException:
        await anyio.to_thread.run_sync(session.rollback)
        raise
    else:
        keep = not is_refused(scope) or kept_on_refusal(session)
        await anyio.to_thread.run_sync(session.commit if keep else session.rollback)
    finally:
        await anyio.to_thread.run_sync(session.close)
