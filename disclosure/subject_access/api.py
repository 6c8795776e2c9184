"""JSON API for information rights officers [issue 19]: subject access requests, their items, a decision on
an item, and the bundle (the officer's password and code travel with the call, as the page asks for them
again). Over the same service verbs as the pages."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from litestar import Request, get, post
from litestar.params import JSONBody, Parameter
from litestar.response import Response

from disclosure import paging
from disclosure.accounts import service as accounts
from disclosure.auth import require_principal
from disclosure.contract import choice, filled
from disclosure.storage import store_for
from disclosure.subject_access import bundle, service
from disclosure.subject_access.models import SubjectAccessItem, SubjectAccessRequest
from disclosure.subject_access.vocabulary import Exemption, ItemDecision, ItemKind, RequestStatus
from disclosure.web import Db, Id, attachment_response, body_values


@dataclass
class ItemOut:
    """One thing held about the person: `content` is its text as the person would receive it before any
    redaction; `suggested` a restriction to consider, with `suggestion` saying why."""

    id: uuid.UUID
    position: int
    kind: Annotated[str, choice(ItemKind)]
    label: str
    content: str
    suggested: Annotated[str | None, choice(Exemption, optional=True)]
    suggestion: str
    decision: Annotated[str, choice(ItemDecision)]
    exemption: Annotated[str | None, choice(Exemption, optional=True)]
    redactions: list[str]
    note: str


@dataclass
class RequestOut:
    id: uuid.UUID
    person_id: uuid.UUID
    received_on: date
    due_on: date
    how_received: str
    status: Annotated[str, choice(RequestStatus)]
    exported_at: datetime | None
    to_decide: int
    version: int


@dataclass
class RequestDetail:
    request: RequestOut
    items: list[ItemOut]


@dataclass
class RequestPage:
    """One page of requests, soonest due first. `count` is how many, up to 1,000 (`count_capped`: more);
    follow `next_cursor` with `after`, `previous_cursor` with `before`."""

    count: int
    count_capped: bool
    next_cursor: str | None
    previous_cursor: str | None
    requests: list[RequestOut]


def _request(found: SubjectAccessRequest, to_decide: int) -> RequestOut:
    return RequestOut(
        found.id,
        found.person_id,
        found.received_on,
        found.due_on,
        found.how_received,
        found.status,
        found.exported_at,
        to_decide,
        found.version,
    )


def _item(item: SubjectAccessItem) -> ItemOut:
    return ItemOut(
        item.id,
        item.position,
        item.kind,
        item.label,
        item.content,
        item.suggested,
        item.suggestion,
        item.decision,
        item.exemption,
        [line for line in item.redactions.splitlines() if line],
        item.note,
    )


def _detail(found: SubjectAccessRequest) -> RequestDetail:
    return RequestDetail(_request(found, len(service.pending(found))), [_item(i) for i in found.items])


@get(
    "/api/v1/subject-access", name="api.subject_access_requests", sync_to_thread=True, tags=["subject access"]
)
def requests(
    request: Request[Any, Any, Any],
    db: Db,
    view: Annotated[
        Literal["open", "exported"],
        Parameter(description="`open`: requests still to answer; `exported`: those whose bundle went out."),
    ] = "open",
    limit: paging.Limit = paging.LIMIT,
    after: paging.After = "",
    before: paging.Before = "",
) -> RequestPage:
    """Subject access requests, a page at a time, soonest due first."""
    status = RequestStatus.EXPORTED if view == "exported" else RequestStatus.OPEN
    found = service.requests(
        db, require_principal(request), status=status, after=after, before=before, limit=limit
    )
    waiting = service.waiting_counts(db, [r.id for r in found.items])
    return RequestPage(
        found.count,
        found.more,
        found.after,
        found.before,
        [_request(r, waiting.get(r.id, 0)) for r in found.items],
    )


@dataclass
class OpenBody:
    """Whose information (`person_id`, from the people index), when the request was received (today or
    earlier) and how it came, with how identity was verified."""

    person_id: uuid.UUID
    received: date
    how_received: Annotated[str, filled(4000)]


@post("/api/v1/subject-access", name="api.subject_access_open", sync_to_thread=True, tags=["subject access"])
def open_request(request: Request[Any, Any, Any], db: Db, data: JSONBody[OpenBody]) -> RequestDetail:
    """Open a request: everything held about the person is gathered at once, for the officer to decide."""
    return _detail(service.open_request(db, require_principal(request), body_values(data)))


@get(
    "/api/v1/subject-access/{request_id:uuid}",
    name="api.subject_access_request",
    sync_to_thread=True,
    tags=["subject access"],
)
def read_request(request: Request[Any, Any, Any], db: Db, request_id: Id) -> RequestDetail:
    return _detail(service.get_request(db, require_principal(request), request_id))


DECIDED = tuple(d.value for d in ItemDecision if d != ItemDecision.PENDING)
"""What an officer may decide of an item."""


@dataclass
class DecisionBody:
    """`redact` needs `exemption` and `redactions` (passages of the item's text, each exactly as it
    appears; not for a file) and `withhold` needs `exemption`; both need a `note`. `version`: the
    request's, as read."""

    decision: Annotated[str, choice(DECIDED)]
    exemption: Annotated[str | None, choice(Exemption, optional=True)] = None
    redactions: list[Annotated[str, Parameter(max_length=2000)]] | None = None
    note: Annotated[str, Parameter(max_length=service.NOTE_LIMIT)] = ""
    version: int | None = None


@post(
    "/api/v1/subject-access/{request_id:uuid}/items/{item_id:uuid}",
    name="api.subject_access_decide",
    sync_to_thread=True,
    tags=["subject access"],
    status_code=200,
)
def decide(
    request: Request[Any, Any, Any], db: Db, request_id: Id, item_id: Id, data: JSONBody[DecisionBody]
) -> ItemOut:
    """Decide what the bundle gives of one item; refusals at their fields, as on the page."""
    values = body_values(data) | {"redactions": "\n".join(data.redactions or [])}
    return _item(service.decide(db, require_principal(request), request_id, item_id, values))


@dataclass
class ExportBody:
    """The officer's own password and a fresh security code (400 at `password` or `code`)."""

    password: str
    code: str


@post(
    "/api/v1/subject-access/{request_id:uuid}/export",
    name="api.subject_access_export",
    sync_to_thread=True,
    tags=["subject access"],
    status_code=200,
    media_type="application/zip",
)
def export(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: JSONBody[ExportBody]
) -> Response[bytes]:
    """The bundle as a ZIP (the person's PDF and files, the force's schedule); refused (409) while an item
    is undecided. Audited as a disclosure to the data subject."""
    principal = require_principal(request)
    accounts.confirm_identity(db, request.app.state.settings, principal, data.password, data.code)
    name, content = bundle.export(db, principal, store_for(request.app.state.settings), request_id)
    return attachment_response(content, name, "application/zip")


ROUTES = [requests, open_request, read_request, decide, export]
