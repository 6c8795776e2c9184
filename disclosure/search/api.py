"""JSON search over the same service as the page: POST, so names stay out of addresses and logs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from litestar import Request, post
from litestar.params import JSONBody

from disclosure.auth import require_principal
from disclosure.contract import needs_one_of
from disclosure.search import service
from disclosure.web import Db, body_values


@needs_one_of("q", "date_of_birth")
@dataclass
class SearchBody:
    """`q`: a name, a reference (case, police, crime or missing-person) or a postcode; `date_of_birth` on
    its own or with a name. At least one is needed (400 at `q`)."""

    q: str = ""
    date_of_birth: date | None = None


@dataclass
class CaseFound:
    """A case. `people` ("Name (role)") is given only when the user may open the case (`may_open`); a case
    outside the user's need to know is found only by its exact reference, and opened with a stated reason."""

    id: uuid.UUID
    reference: str
    route: str
    status: str
    closed: bool
    may_open: bool
    people: list[str]


@dataclass
class PersonFound:
    id: uuid.UUID
    name: str
    date_of_birth: date | None
    address: str
    other_names: list[str]
    reasons: list[str]


@dataclass
class EpisodeFound:
    id: uuid.UUID
    name: str
    police_reference: str | None
    reported_at: datetime
    closed: bool


@dataclass
class SearchOut:
    """What matched, within the user's need to know, best first, at most 50 of each; audited."""

    cases: list[CaseFound]
    people: list[PersonFound]
    episodes: list[EpisodeFound]


@post("/api/v1/search", name="api.search", sync_to_thread=True, tags=["search"], status_code=200)
def search(request: Request[Any, Any, Any], db: Db, data: JSONBody[SearchBody]) -> SearchOut:
    """Search cases, people and missing episodes (episodes for data administrators only)."""
    found = service.search(db, require_principal(request), body_values(data))
    return SearchOut(
        [
            CaseFound(c.id, c.reference, c.route_label, c.status_label, c.closed, c.may_open, c.people)
            for c in found.cases
        ],
        [
            PersonFound(p.id, p.display_name, p.date_of_birth, p.address, p.other_names, list(p.reasons))
            for p in found.people
        ],
        [EpisodeFound(e.id, e.name, e.police_reference, e.reported_at, e.closed) for e in found.episodes],
    )


ROUTES = [search]
