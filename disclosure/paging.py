"""Keyset pagination for every long list (the work queue, the audit trail, ...) [issue 17].

A page is the `limit` rows after (or before) the last row a reader saw, in a total order the database can
follow from where it left off: a late page costs what the first does, where `OFFSET` reads and throws away
every row before it. The position travels as an opaque cursor (the row's order values, URL-safe), so links
and API calls carry it; a cursor that cannot be read starts again at the first page rather than failing,
as a bookmarked list should open. Counts stop at `CAP`: beyond it, "more than 1,000" is what a reader needs
and counting further would read the whole table."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

from litestar.params import Parameter
from sqlalchemy import ColumnElement, Select, bindparam, func, literal_column, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

T = TypeVar("T")

CAP = 1000
"""Counts stop here: "more than 1,000 open cases"."""

LIMIT = 50
"""Rows per page unless asked otherwise."""

MAX_LIMIT = 200
"""The most rows one API call may ask for."""


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its rows, cursors to the pages either side (None at an end), and how many rows
    the whole list holds, counted up to `CAP` (`more` is True when it holds more than that)."""

    items: list[T]
    after: str | None = None
    before: str | None = None
    count: int = 0
    more: bool = False

    @property
    def count_text(self) -> str:
        """The count in words, "37" or "more than 1,000" (the caller adds the noun)."""
        return f"more than {self.count:,}" if self.more else f"{self.count:,}"


# The API's paging parameters, the same on every list (OpenAPI shows their bounds; out of bounds is a 400).
Limit = Annotated[int, Parameter(description=f"Items a page, 1 to {MAX_LIMIT}.", ge=1, le=MAX_LIMIT)]
After = Annotated[
    str,
    Parameter(
        description="The `next_cursor` of the page before: the page after it. Empty: the first page.",
        max_length=1000,
    ),
]
Before = Annotated[
    str,
    Parameter(
        description="The `previous_cursor` of the page after: the page before it (ignored with `after`).",
        max_length=1000,
    ),
]


def encode(values: Sequence[Any]) -> str:
    """A cursor: the row's order values as URL-safe text (times, dates and ids tagged to decode as such)."""
    plain = [_tagged(v) for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str | None, size: int) -> list[Any] | None:
    """The values in a cursor, or None when there is none or it cannot be read (wrong length, altered)."""
    if not cursor:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        values = [_untagged(v) for v in raw]
    except (ValueError, TypeError, KeyError, binascii.Error, json.JSONDecodeError):
        return None
    if len(values) != size or not all(isinstance(v, int | str | float | date | uuid.UUID) for v in values):
        return None
    return values


def _tagged(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, uuid.UUID):
        return {"u": str(value)}
    return value


def _untagged(value: Any) -> Any:
    if isinstance(value, dict):
        if "t" in value:
            return datetime.fromisoformat(value["t"])
        return date.fromisoformat(value["d"]) if "d" in value else uuid.UUID(value["u"])
    return value


def page(
    session: Session,
    statement: Select[Any],
    order: Sequence[ColumnElement[Any] | InstrumentedAttribute[Any]],
    *,
    after: str | None = None,
    before: str | None = None,
    limit: int = LIMIT,
    cap: int = CAP,
    counted: bool = True,
    descending: bool = False,
) -> Page[Any]:
    """The page of `statement`'s rows after the cursor `after` (or before `before`), in `order` ascending
    (every column descending with `descending`: newest first).
    `order` must be a total order (end it with a unique column). Rows come back as `statement` selects them.
    Three statements at most: the page, and the capped count unless `counted` is False."""
    width = len(statement.column_descriptions)
    keyed = statement.add_columns(*order)
    position = decode(after, len(order))
    backwards = position is None and (position := decode(before, len(order))) is not None
    if position is not None:
        bound = tuple_(*(bindparam(None, v, type_=o.type) for o, v in zip(order, position, strict=True)))
        here = tuple_(*order)
        keyed = keyed.where(here < bound if backwards != descending else here > bound)
    reverse = backwards != descending
    keyed = keyed.order_by(*(o.desc() if reverse else o for o in order)).limit(limit + 1)
    rows = list(session.execute(keyed))
    beyond = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
    keys = [tuple(row[width:]) for row in rows]
    has_next = (beyond if not backwards else True) and bool(rows)
    has_previous = (position is not None if not backwards else beyond) and bool(rows)
    count, more = capped_count(session, statement, cap) if counted else (0, False)
    return Page(
        items=[row[0] if width == 1 else tuple(row[:width]) for row in rows],
        after=encode(keys[-1]) if has_next else None,
        before=encode(keys[0]) if has_previous else None,
        count=count,
        more=more,
    )


def capped_count(session: Session, statement: Select[Any], cap: int = CAP) -> tuple[int, bool]:
    """How many rows `statement` selects, counted up to `cap`, and whether there are more: one statement."""
    ones: Select[Any] = statement.with_only_columns(literal_column("1"), maintain_column_froms=True).order_by(
        None
    )
    found = session.scalar(select(func.count()).select_from(ones.limit(cap + 1).subquery())) or 0
    return (cap, True) if found > cap else (found, False)
