"""A partner's inboxes (information requests, missing-person notifications) in two views: what waits for
them, and what they have dealt with, each a keyset page with a capped count, so an agency with years of
requests opens its inbox as fast as a new one and nothing past a fixed number of rows is silently left off
[issue 17]."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

from disclosure import paging
from disclosure.agencies.models import Agency
from disclosure.workflow import Labelled

T = TypeVar("T")


class InboxView(Labelled):
    WAITING = "waiting", "Waiting for you"
    DONE = "done", "Dealt with"


def view_of(value: str | None) -> InboxView:
    """The view asked for; anything else (an old bookmark, a typing slip) opens what waits."""
    return InboxView(value) if value in {v.value for v in InboxView} else InboxView.WAITING


@dataclass(frozen=True)
class Inbox(Generic[T]):
    """One page of one view, and how many wait (counted up to `paging.CAP`), for the other view's link."""

    agency: Agency | None
    view: InboxView
    found: paging.Page[T]
    waiting: int = 0
    waiting_more: bool = False

    @property
    def waiting_text(self) -> str:
        return f"more than {self.waiting:,}" if self.waiting_more else f"{self.waiting:,}"


def empty(agency: Agency | None, view: InboxView) -> Inbox[Any]:
    """The inbox of a partner user whose account is linked to no agency: nothing to show."""
    return Inbox(agency, view, paging.Page(items=[]))


def waiting_count(
    session: Session, statement: Select[Any], view: InboxView, found: paging.Page[Any]
) -> tuple[int, bool]:
    """How many wait: the page's own count when it is the waiting view, else one capped count."""
    if view is InboxView.WAITING:
        return found.count, found.more
    return paging.capped_count(session, statement)
