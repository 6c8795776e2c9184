"""JSON API for records reviewers [issue 19]: the review queue, a record with what its disposal would remove,
a decision on it, and its disposal (the reviewer's password and code travel with the call, as the page asks
for them again). Over the same service verbs as the pages."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from litestar import Request, get, post
from litestar.params import JSONBody, Parameter

from disclosure import paging
from disclosure.accounts import service as accounts
from disclosure.auth import require_principal
from disclosure.contract import choice, filled
from disclosure.retention import service
from disclosure.retention.models import RetentionRecord
from disclosure.retention.vocabulary import Decision, RecordKind
from disclosure.storage import store_for
from disclosure.web import Db, Id, body_values


@dataclass
class RecordOut:
    """A record in the review schedule: `record_id` is the case's, episode's or person's own identifier and
    `label` its reference (never a name). `review_due_on` is empty while the record is open again."""

    id: uuid.UUID
    kind: Annotated[str, choice(RecordKind)]
    record_id: uuid.UUID
    label: str
    group: int
    clear_from: date
    review_due_on: date | None
    held: bool
    held_at: datetime | None
    held_reason: str
    version: int


@dataclass
class RecordPage:
    """One page of the queue. `count` is how many records it holds, up to 1,000 (`count_capped`: more);
    follow `next_cursor` with `after`, `previous_cursor` with `before`."""

    count: int
    count_capped: bool
    next_cursor: str | None
    previous_cursor: str | None
    records: list[RecordOut]


@dataclass
class ReviewOut:
    decision: Annotated[str, choice(Decision)]
    rationale: str
    next_review_on: date | None
    group: int | None
    decided_by: uuid.UUID
    decided_at: datetime


@dataclass
class DisposalOut:
    """What disposal removes (or removed): rows by table, stored files, and people who had no other record.
    `refusal` says why the record may not be disposed of yet (empty when it may)."""

    rows: int
    files: int
    people: int
    tables: dict[str, int]
    refusal: str


@dataclass
class RecordDetail:
    record: RecordOut
    reviews: list[ReviewOut]
    disposal: DisposalOut


def _record(r: RetentionRecord) -> RecordOut:
    return RecordOut(
        r.id,
        r.kind,
        r.record_id,
        r.label,
        r.group_id,
        r.clear_from,
        r.review_due_on,
        r.held,
        r.held_at,
        r.held_reason,
        r.version,
    )


def _disposal(found: service.Preview) -> DisposalOut:
    return DisposalOut(found.rows, found.files, found.people, dict(found.counts), found.refusal)


def _detail(db: Db, principal: Any, r: RetentionRecord) -> RecordDetail:
    return RecordDetail(
        _record(r),
        [
            ReviewOut(v.decision, v.rationale, v.next_review_on, v.group_id, v.decided_by_id, v.decided_at)
            for v in r.reviews
        ],
        _disposal(service.preview(db, principal, r)),
    )


@get("/api/v1/retention/records", name="api.retention_records", sync_to_thread=True, tags=["retention"])
def records(
    request: Request[Any, Any, Any],
    db: Db,
    view: Annotated[
        Literal["due", "held"],
        Parameter(
            description="`due`: records due for review and not held, longest due first; `held`: records "
            "under a legal hold, longest held first.",
        ),
    ] = "due",
    limit: paging.Limit = paging.LIMIT,
    after: paging.After = "",
    before: paging.Before = "",
) -> RecordPage:
    """The review queue, a page at a time."""
    found = service.queue(
        db, require_principal(request), held=view == "held", after=after, before=before, limit=limit
    )
    return RecordPage(found.count, found.more, found.after, found.before, [_record(r) for r in found.items])


@get(
    "/api/v1/retention/records/{record_id:uuid}",
    name="api.retention_record",
    sync_to_thread=True,
    tags=["retention"],
)
def record(request: Request[Any, Any, Any], db: Db, record_id: Id) -> RecordDetail:
    """A record under review: its schedule, the reviews so far (oldest first), and what its disposal would
    remove. Audited as a consultation."""
    principal = require_principal(request)
    return _detail(db, principal, service.open_record(db, principal, record_id))


@dataclass
class DecisionBody:
    """`retain` needs `next_review` (after today, within the group's review interval); `regroup` needs
    `group` (another group's number); `hold` is refused on a record already held and `release` on one that
    is not (409). `rationale`: at least 10 characters. `version`: the record's, as read."""

    decision: Annotated[str, choice(Decision)]
    rationale: Annotated[str, filled(service.RATIONALE_LIMIT)]
    next_review: date | None = None
    group: Annotated[int | None, Parameter(ge=1, le=99)] = None
    version: int | None = None


@post(
    "/api/v1/retention/records/{record_id:uuid}/decisions",
    name="api.retention_decide",
    sync_to_thread=True,
    tags=["retention"],
)
def decide(
    request: Request[Any, Any, Any], db: Db, record_id: Id, data: JSONBody[DecisionBody]
) -> RecordDetail:
    """Record a reviewer's decision on the record; refusals at their fields, as on the page."""
    principal = require_principal(request)
    service.decide(db, principal, record_id, body_values(data))
    return _detail(db, principal, service.get_record(db, principal, record_id))


@dataclass
class DisposalBody:
    """`confirm` must be true: the reviewer has reviewed the record and it is no longer needed for a
    policing purpose. The reviewer's own password and a fresh security code confirm who they are (400 at
    `password` or `code`). `version`: the record's, as read."""

    confirm: bool
    password: str
    code: str
    version: int | None = None


@post(
    "/api/v1/retention/records/{record_id:uuid}/disposal",
    name="api.retention_dispose",
    sync_to_thread=True,
    tags=["retention"],
    status_code=200,
)
def dispose(
    request: Request[Any, Any, Any], db: Db, record_id: Id, data: JSONBody[DisposalBody]
) -> DisposalOut:
    """Dispose of the record, and the people left with no other record: refused (409, nothing removed)
    while it is not due, is under a legal hold or is kept by its group's age rule. Answers what went."""
    principal = require_principal(request)
    accounts.confirm_identity(db, request.app.state.settings, principal, data.password, data.code)
    values = body_values(data) | {"confirm": "yes" if data.confirm else ""}
    gone = service.dispose(db, principal, store_for(request.app.state.settings), record_id, values)
    return _disposal(gone)


ROUTES = [records, record, decide, dispose]
