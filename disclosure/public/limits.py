"""Rate limits on what the public sends [issue 21]: abuse resistance without a CAPTCHA, which fails
accessibility. Each limit counts accepted submissions in fixed windows, per sender (a keyed hash of their
address: the address itself is personal data and is never stored) and for everyone together, in the
database, so that several servers behind one address agree.

`count` adds one to every limit's window in the caller's transaction and refuses when any is over: the
refusal is raised before anything else is written, and the caller's rollback takes the count back with it,
so a refused submission leaves nothing behind. Two servers counting at once meet on the window's row (an
upsert: PostgreSQL locks it until the first commits; SQLite has one writer), so neither lets an extra one
through.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from disclosure.config import Settings
from disclosure.errors import DisclosureError
from disclosure.public.models import RateLimitCount
from disclosure.text import format_datetime


@dataclass(frozen=True)
class Limit:
    """At most `most` submissions in each window of `window`; `per_sender` counts each sender apart."""

    name: str
    most: int
    window: timedelta
    per_sender: bool


class RateLimited(DisclosureError):
    """A submission over a limit: the message says when to try again and how else to get help."""

    status_code = 429
    title = "Too many applications"

    def __init__(self, limit: Limit, retry_at: datetime) -> None:
        self.limit, self.retry_at = limit, retry_at
        who = "from this connection" if limit.per_sender else "to the service"
        super().__init__(
            f"Too many applications have been sent {who} in a short time. Try again after "
            f"{format_datetime(retry_at)}, or call 101 (in an emergency, 999)."
        )


HOUR = timedelta(hours=1)


def applications(settings: Settings) -> list[Limit]:
    """The limits on online applications, per sender then for everyone (DISCLOSURE_PUBLIC_APPLICATIONS_*)."""
    return [
        Limit("application", settings.public_applications_per_sender, HOUR, per_sender=True),
        Limit("applications", settings.public_applications_per_hour, HOUR, per_sender=False),
    ]


def window_start(now: datetime, window: timedelta) -> datetime:
    """The start of the fixed window that holds `now` (windows count from the Unix epoch, in UTC)."""
    seconds = int(window.total_seconds())
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, UTC)


def sender_key(secret: str, address: str) -> str:
    """A sender's bucket: a keyed hash of their address, the same on every server sharing the secret and
    useless to anyone reading the table without it."""
    digest = hmac.new(secret.encode(), address.encode(), hashlib.sha256).hexdigest()
    return digest[:40]


def count(session: Session, limits: list[Limit], sender: str, now: datetime) -> None:
    """Count one submission against each limit, in the caller's transaction; raise `RateLimited` for the
    first limit it goes over (the caller rolls back, the counts with everything else)."""
    for limit in limits:
        bucket = f"{limit.name}:{sender}" if limit.per_sender else limit.name
        start = window_start(now, limit.window)
        hits = _add_one(session, bucket, start)
        if hits > limit.most:
            raise RateLimited(limit, start + limit.window)


def _add_one(session: Session, bucket: str, start: datetime) -> int:
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    adding = insert(RateLimitCount).values(bucket=bucket, window_start=start, hits=1)
    statement = adding.on_conflict_do_update(
        index_elements=[RateLimitCount.bucket, RateLimitCount.window_start],
        set_={"hits": RateLimitCount.hits + 1},
    ).returning(RateLimitCount.hits)
    return int(session.execute(statement).scalar_one())


def forget_before(session: Session, moment: datetime) -> int:
    """Remove the counts of windows that began before `moment` (they limit nothing now); how many."""
    result = session.execute(delete(RateLimitCount).where(RateLimitCount.window_start < moment))
    return int(getattr(result, "rowcount", 0) or 0)
