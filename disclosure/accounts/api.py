"""JSON API for accounts: who am I, and user administration for administrators' integrations."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath, JSONBody

from disclosure.accounts import service
from disclosure.accounts.schemas import CreatedUserView, CreateUserForm, MeView, SetAgencyForm, UserView
from disclosure.auth import require_principal
from disclosure.web import Db


@get("/api/v1/me", name="api.me", sync_to_thread=True, tags=["accounts"])
def me(request: Request[Any, Any, Any]) -> MeView:
    """The user the token belongs to, and their roles."""
    principal = require_principal(request)
    return MeView(principal.user_id, principal.username, principal.display_name, sorted(principal.roles))


@get("/api/v1/users", name="api.users", sync_to_thread=True, tags=["accounts"])
def users(db: Db) -> list[UserView]:
    """Every account (administrators), with the agency each partner user answers for."""
    agencies = service.agencies_of_users(db)
    return [UserView.of(u, agencies.get(u.id)) for u in service.list_users(db)]


@get("/api/v1/users/{user_id:uuid}", name="api.user", sync_to_thread=True, tags=["accounts"])
def user(db: Db, user_id: FromPath[uuid.UUID]) -> UserView:
    return UserView.of(service.get_user(db, user_id), service.agency_of_user(db, user_id))


@post(
    "/api/v1/users/{user_id:uuid}/agency",
    name="api.set_user_agency",
    sync_to_thread=True,
    tags=["accounts"],
    status_code=200,
)
def set_agency(
    request: Request[Any, Any, Any], db: Db, user_id: FromPath[uuid.UUID], data: JSONBody[SetAgencyForm]
) -> UserView:
    """Choose the partner agency a partner user answers for (`agency_id`), or none (null): the same verb
    as the user's page, audited. 400 at `agency_id` for an unknown agency or a user without the partner
    agency user role."""
    values = {"agency_id": str(data.agency_id) if data.agency_id else ""}
    changed = service.set_agency(db, require_principal(request), user_id, values)
    return UserView.of(changed, service.agency_of_user(db, changed.id))


@post("/api/v1/users", name="api.create_user", sync_to_thread=True, tags=["accounts"])
def create_user(request: Request[Any, Any, Any], db: Db, data: JSONBody[CreateUserForm]) -> CreatedUserView:
    """Create an account; the response carries the one-time invitation link to pass to the person."""
    created, link = service.create_user(
        db, require_principal(request), request.app.state.settings, msgspec.structs.asdict(data)
    )
    return CreatedUserView(UserView.of(created), link)


ROUTES = [me, users, user, create_user, set_agency]
