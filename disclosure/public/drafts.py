"""Drafts of online applications [issue 21]: the answers of an application being filled in, kept on the
server under a random token that the browser holds only as a session cookie, so nothing about the
application stays in the browser. A draft ends when it is submitted, when the applicant uses "Exit this
page" (`discard`), or after `IDLE` without a change (`purge`, and `find` treats it as gone at once). Once a
draft has ended nothing of it can be looked up again from the public side.

Only the token's SHA-256 is stored, as with sign-in sessions: reading the table does not let anyone resume
someone's application.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from disclosure.accounts.service.common import token_hash
from disclosure.errors import FormInvalid
from disclosure.public.models import PublicDraft

IDLE = timedelta(minutes=60)
"""A draft not changed for this long ends (the applicant may have had to leave the page)."""
MOST_ANSWER_BYTES = 64 * 1024
"""The most a draft's answers may hold, as JSON: far more than any application needs."""


@dataclass(frozen=True)
class Opened:
    """A new draft and the token for the applicant's cookie (given once, never stored)."""

    token: str
    draft: PublicDraft


def start(session: Session, route: str, now: datetime) -> Opened:
    """A new, empty draft of the application `route`."""
    token = secrets.token_urlsafe(32)
    draft = PublicDraft(token_hash=token_hash(token), route=route, answers="{}", expires_at=now + IDLE)
    session.add(draft)
    session.flush()
    return Opened(token, draft)


def find(session: Session, token: str | None, now: datetime) -> PublicDraft | None:
    """The draft the token opens, if it has not ended."""
    if not token:
        return None
    draft = session.scalar(select(PublicDraft).where(PublicDraft.token_hash == token_hash(token)))
    if draft is None or draft.expires_at <= now:
        return None
    return draft


def answers(draft: PublicDraft) -> dict[str, str]:
    """The answers so far."""
    loaded = json.loads(draft.answers)
    return {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}


def answer(session: Session, draft: PublicDraft, values: Mapping[str, str], now: datetime) -> None:
    """Keep these answers with the others (a page's answers replace what that page said before) and keep
    the draft open for another `IDLE`; refused at the page's longest answer, with the page's answers kept,
    if the answers would grow past `MOST_ANSWER_BYTES`."""
    merged = answers(draft) | dict(values)
    text = json.dumps(merged, ensure_ascii=False, sort_keys=True)
    if len(text.encode()) > MOST_ANSWER_BYTES:
        longest = max(values, key=lambda name: len(values[name]), default="")
        raise FormInvalid({longest: "Your answers are too long. Shorten this answer and try again."}, values)
    draft.answers = text
    draft.expires_at = now + IDLE
    session.flush()


def discard(session: Session, token: str | None) -> bool:
    """End the draft now ("Exit this page", or once submitted): its answers are deleted. Whether there
    was one."""
    if not token:
        return False
    result = session.execute(delete(PublicDraft).where(PublicDraft.token_hash == token_hash(token)))
    return bool(getattr(result, "rowcount", 0))


def purge(session: Session, now: datetime) -> int:
    """Delete every draft that has ended by `now`; how many."""
    result = session.execute(delete(PublicDraft).where(PublicDraft.expires_at <= now))
    return int(getattr(result, "rowcount", 0) or 0)
