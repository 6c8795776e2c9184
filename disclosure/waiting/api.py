"""What waits for the calling user, as JSON: the same tasks as their home page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, get

from disclosure.auth import require_principal
from disclosure.waiting import service
from disclosure.web import Db


@dataclass
class LineOut:
    """One piece of work: a reference or a date (never a person's name), a link and a note."""

    text: str
    href: str
    note: str
    late: bool


@dataclass
class TaskOut:
    """`kind` is stable for integrations (triage, overdue, meeting, agenda, research, answers, chase,
    review, panels, sign, deliver, interviews, matches, partner_requests, notices, retention,
    subject_access, setup, mail). `count` and `late` are of every piece of work of the kind; `lines` lists
    at most the first 100 (most urgent or oldest first), and `href` leads to the full list."""

    kind: str
    label: str
    count: int
    late: int
    href: str
    lines: list[LineOut]


@dataclass
class WaitingOut:
    tasks: list[TaskOut]


@get("/api/v1/waiting", name="api.waiting", sync_to_thread=True, tags=["waiting"])
def waiting(request: Request[Any, Any, Any], db: Db) -> WaitingOut:
    """What waits for the user the token belongs to, in the order their home page lists it."""
    found = service.tasks(db, require_principal(request))
    return WaitingOut(
        [
            TaskOut(
                t.kind,
                t.label,
                t.count,
                t.late,
                t.href,
                [LineOut(line.text, line.href, line.note, line.late) for line in t.lines],
            )
            for t in found
        ]
    )


ROUTES = [waiting]
