"""Who is asking, and may they: the principal on each connection and the guard that reads the policy table.

The policy table itself belongs to `disclosure.accounts.policy` (one entry per route name); this module only
applies it, so every feature is protected the same way. Anything unexpected inside the check refuses access
(fail closed). Object-level need to know is checked by the services, which know the object.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import anyio.to_thread
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from disclosure.db import utcnow
from disclosure.errors import DisclosureError, NotAuthenticated, PermissionDenied, ReauthenticationRequired

log = logging.getLogger(__name__)

SESSION_COOKIE = "disclosure_session"
SECURE_SESSION_COOKIE = "__Host-disclosure_session"


@dataclass(frozen=True)
class Principal:
    """A signed-in user (by session or API token) as the guard and the services see them."""

    user_id: uuid.UUID
    username: str
    display_name: str
    roles: frozenset[str]
    session_id: uuid.UUID | None
    mfa_pending: bool = False
    reauthenticated_until: datetime | None = None
    via_api_token: bool = False
    agency_id: uuid.UUID | None = None

    @property
    def label(self) -> str:
        return self.username

    @property
    def role_names(self) -> frozenset[str]:
        return self.roles

    @property
    def recently_authenticated(self) -> bool:
        return self.reauthenticated_until is not None and self.reauthenticated_until > utcnow()

    def has_any(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


@dataclass(frozen=True)
class Rule:
    """Who may reach one route: anyone, a half-signed-in user (password done, code to come), any signed-in
    user, or holders of at least one of `roles`; `reauth` asks for a recent password and code as well."""

    kind: Literal["public", "pending_mfa", "signed_in", "roles"]
    roles: frozenset[str] = frozenset()
    reauth: bool = False

    def allows(self, principal: Principal | None) -> bool:
        """Role check only (re-authentication is separate so it can redirect rather than refuse)."""
        if self.kind == "public":
            return True
        if principal is None:
            return False
        if self.kind == "pending_mfa":
            return True
        if principal.mfa_pending:
            return False
        if self.kind == "signed_in":
            return True
        return bool(principal.roles & self.roles)


PUBLIC = Rule("public")
PENDING_MFA = Rule("pending_mfa")
SIGNED_IN = Rule("signed_in")


def roles(*names: str, reauth: bool = False) -> Rule:
    return Rule("roles", frozenset(names), reauth)


class MfaRequired(NotAuthenticated):
    """The password was right; the security code is still to come."""

    title = "Enter your security code"


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    user = connection.scope.get("user")
    return user if isinstance(user, Principal) else None


def require_principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    principal = principal_of(connection)
    if principal is None:
        raise NotAuthenticated()
    return principal


def make_policy_guard(
    policy: Mapping[str, Rule],
) -> Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], None]:
    """The app-wide guard: look the route up by name; a route with no entry is refused."""

    def policy_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
        try:
            rule = policy.get(policy_name(handler))
            principal = principal_of(connection)
            if rule is None:
                log.error("route %r has no policy entry; refused", policy_name(handler))
                raise PermissionDenied()
            if rule.kind == "public":
                return
            if principal is None:
                raise NotAuthenticated()
            if principal.mfa_pending and rule.kind != "pending_mfa":
                raise MfaRequired()
            if not rule.allows(principal):
                raise PermissionDenied()
            if rule.reauth and not principal.recently_authenticated:
                raise ReauthenticationRequired()
        except DisclosureError:
            raise
        except Exception as exc:  # fail closed: a broken check never lets anyone through
            log.exception("policy check failed for route %r", getattr(handler, "name", None))
            raise PermissionDenied() from exc

    return policy_guard


def policy_name(handler: BaseRouteHandler) -> str:
    """The key of a handler in the policy table: its `name`, or `opt['policy_name']` for routes that
    Litestar names itself (the OpenAPI document)."""
    name = handler.opt.get("policy_name") or handler.name
    if name is None and getattr(handler, "http_methods", None) == {"OPTIONS"}:
        return AUTOMATIC_OPTIONS  # Litestar's own handler: answers with the Allow header, nothing else
    return str(name or "")


AUTOMATIC_OPTIONS = "automatic.options"


PrincipalLoader = Callable[[str, str], Principal | None]
"""(kind, token) -> principal: kind is 'session' or 'api'; called in a worker thread."""


class PrincipalMiddleware(ASGIMiddleware):
    """Resolves the session cookie (pages) or bearer token (`/api`) into `scope['user']`.

    The database work runs in a worker thread so the event loop never blocks.
    """

    def __init__(self, loader: PrincipalLoader) -> None:
        self.loader = loader

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        scope["user"] = None
        scope["auth"] = None
        kind, token = _credential(scope)
        if token:
            scope["user"] = await anyio.to_thread.run_sync(self.loader, kind, token)
            scope["auth"] = kind if scope["user"] else None
        await next_app(scope, receive, send)


def _credential(scope: Scope) -> tuple[str, str]:
    headers = dict(scope.get("headers") or [])
    if scope.get("path", "").startswith("/api/"):
        value = headers.get(b"authorization", b"").decode("latin-1")
        scheme, _, token = value.partition(" ")
        return ("api", token.strip()) if scheme.lower() == "bearer" else ("api", "")
    cookie_header = headers.get(b"cookie", b"").decode("latin-1")
    for part in cookie_header.split(";"):
        name, _, value = part.strip().partition("=")
        if name in (SESSION_COOKIE, SECURE_SESSION_COOKIE) and value:
            return "session", value
    return "session", ""
