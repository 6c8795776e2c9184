"""Cross-site request forgery protection, with the token bound to the session [issue 14 §5] (QUALITY.md
check 9).

Every page form carries `_csrf_token` (the templates' `csrf_input`), and every unsafe request outside the
bearer-token API must send it back, as that field or the `X-CSRFToken` header. The token is an HMAC, under
the service's secret key, of what the request is bound to:

- signed in (including a sign-in waiting for its security code): the session cookie. Sign-in issues a new
  session token, and again after the security code, so the CSRF token is renewed with it; a token minted by
  another client, anonymous or signed in, never matches a victim's session;
- anonymous (the sign-in and invitation pages): a random cookie of its own, `__Host-csrftoken` under HTTPS
  (Secure, whole site, no Domain, so no other host can plant it), HttpOnly and SameSite=Lax.

A double-submitted cookie alone (Litestar's `CSRFConfig`) accepted a token and cookie pair minted by an
anonymous client together with the victim's session; here the pair means nothing without the session.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from http.cookies import SimpleCookie
from typing import Any

from litestar.connection import Request
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from disclosure.auth import SECURE_SESSION_COOKIE, SESSION_COOKIE

FIELD = "_csrf_token"
HEADER = "x-csrftoken"
COOKIE = "csrftoken"
SECURE_COOKIE = "__Host-csrftoken"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
EXEMPT_PREFIX = "/api/"
"""The API takes bearer tokens only and never the session cookie, so a browser cannot be made to use it."""
REFUSED = "CSRF token verification failed"
_ANONYMOUS = re.compile(r"^[0-9a-f]{64}$")


def token_for(secret: str, binding: str) -> str:
    """The token for a session or an anonymous browser (`binding`, as `binding_of` names it)."""
    return hmac.new(secret.encode(), b"csrf\0" + binding.encode(), hashlib.sha256).hexdigest()


def binding_of(cookies: dict[str, str], *, signed_in: bool) -> str | None:
    """What the request's token is bound to: its session while one is signed in, else its anonymous
    cookie (None when it has none yet)."""
    if signed_in:
        session = cookies.get(SECURE_SESSION_COOKIE) or cookies.get(SESSION_COOKIE)
        if session:
            return f"session:{session}"
    anonymous = cookies.get(SECURE_COOKIE) or cookies.get(COOKIE) or ""
    return f"anonymous:{anonymous}" if _ANONYMOUS.match(anonymous) else None


def _cookies(scope: Scope) -> dict[str, str]:
    header = dict(scope.get("headers") or []).get(b"cookie", b"").decode("latin-1")
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except Exception:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


class CSRFMiddleware(ASGIMiddleware):
    """Sets the request's token for the templates and refuses an unsafe request without it. Runs after
    `PrincipalMiddleware`, which has resolved the session (`scope["auth"] == "session"`)."""

    def __init__(self, secret: str, *, secure: bool) -> None:
        self.secret = secret
        self.secure = secure

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope["type"] != ScopeType.HTTP or scope["path"].startswith(EXEMPT_PREFIX):
            await next_app(scope, receive, send)
            return
        binding = binding_of(_cookies(scope), signed_in=scope.get("auth") == "session")
        minted = None
        if binding is None:
            minted = secrets.token_hex(32)
            binding = f"anonymous:{minted}"
        expected = token_for(self.secret, binding)
        ScopeState.from_scope(scope).csrf_token = expected
        if scope["method"] not in SAFE_METHODS:
            given = await _sent_token(scope, receive)
            if not given or not hmac.compare_digest(given, expected):
                raise PermissionDeniedException(REFUSED)
        await next_app(scope, receive, self._setting(send, minted) if minted else send)

    def _setting(self, send: Send, value: str) -> Send:
        cookie = Cookie(
            key=SECURE_COOKIE if self.secure else COOKIE,
            value=value,
            path="/",
            secure=self.secure,
            httponly=True,
            samesite="lax",
        )

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableScopeHeaders.from_message(message).add("set-cookie", cookie.to_header(header=""))
            await send(message)

        return send_with_cookie


async def _sent_token(scope: Scope, receive: Receive) -> str:
    """The header, or the form field (the parsed form is kept for the handler)."""
    request: Request[Any, Any, Any] = scope["litestar_app"].request_class(scope=scope, receive=receive)
    header = request.headers.get(HEADER)
    if header:
        return header
    content_type, _ = request.content_type
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        value = (await request.form()).get(FIELD)
        return value if isinstance(value, str) else ""
    return ""
