"""The waiting-work email: staff and partner users are told, through the outbox, that something waits for
them in the service, either as soon as something new waits or in one summary a day, as each chooses. The
message names kinds of work and counts only: no names, references or case facts (need to know [APP-MoPI];
email leaves the service's control). Run in the dispatcher's round (`disclosure missing dispatch`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from disclosure import audit, schedule
from disclosure.accounts.models import User
from disclosure.agencies import outbox
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.db import unit_of_work, utcnow
from disclosure.errors import FormInvalid
from disclosure.waiting import service
from disclosure.waiting.models import WaitingMail
from disclosure.waiting.vocabulary import EmailChoice

QUIET = timedelta(minutes=15)
"""The shortest gap between two immediate messages to one user: what arrives meanwhile goes in the next."""
SUMMARY_AT = time(7, 0)
"""The daily summary goes in the first round from 7am (Europe/London)."""
SUBJECT = "Work is waiting for you in the disclosure service"
EVERY = timedelta(minutes=5)
"""How often the dispatcher's round looks at every user's work (it runs each minute; this is not free), across
all the workers together (`schedule.take_turn`)."""
JOB = "waiting-mail"
_ROUND_LOCK_KEY = 0x57414954
"""Names the PostgreSQL advisory lock one worker's round holds, so that several workers (or the CLI beside
the server) never look at the same users at once."""


@dataclass(frozen=True)
class MailRound:
    looked_at: int
    queued: int


def choice_of(session: Session, user_id: object) -> EmailChoice:
    row = session.get(WaitingMail, user_id)
    return EmailChoice(row.choice) if row else EmailChoice.IMMEDIATE


def choose(session: Session, actor: Principal, choice: str) -> EmailChoice:
    """A user's own choice of waiting-work email; audited as an account change."""
    if choice not in {c.value for c in EmailChoice}:
        raise FormInvalid({"choice": "Select how you want to hear about waiting work"}, {"choice": choice})
    row = session.get(WaitingMail, actor.user_id)
    if row is None:
        row = WaitingMail(user_id=actor.user_id, choice=choice, told_keys="")
        session.add(row)
    row.choice = choice
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="waiting.email_choice",
        category=AuditCategory.ADMINISTRATION,
        object_type="user",
        object_id=actor.user_id,
        justification="Changed their waiting-work email",
        details={"choice": choice},
    )
    return EmailChoice(choice)


def _fingerprints(keys: set[str]) -> set[str]:
    return {hashlib.sha256(key.encode()).hexdigest()[:16] for key in keys}


def _news(found: list[service.Task], told: str) -> tuple[int, str]:
    """How many waiting lines the user was not told of, and what to remember this time: a fingerprint of
    each line kept (`service.KEPT` of each kind) and, for a kind with more, how many more (`kind#N`), so a
    line beyond the first KEPT is news when that number grows [issue 17]."""
    current = _fingerprints(service.keys(found))
    unlisted = {task.kind: task.unlisted for task in found if task.unlisted}
    before = set(told.split())
    unlisted_before = {
        kind: int(n) for kind, _, n in (entry.partition("#") for entry in before) if n.isdigit()
    }
    new = len(current - before) + sum(
        max(0, n - unlisted_before.get(kind, 0)) for kind, n in unlisted.items()
    )
    return new, " ".join([*sorted(current), *(f"{kind}#{n}" for kind, n in sorted(unlisted.items()))])


def body(found: list[service.Task], *, new: int | None, daily: bool) -> str:
    """The message: the kinds of work and how many of each, a link, and how to change the choice."""
    opening = (
        "This is your daily summary of the work waiting for you in the disclosure service:"
        if daily
        else "New work is waiting for you in the disclosure service:"
    )
    lines = [
        f"- {task.label}: {task.count}" + (f" ({task.late} late)" if task.late else "") for task in found
    ]
    told = "" if new is None else f"\n{new} of these {'is' if new == 1 else 'are'} new since we last wrote.\n"
    return (
        f"{opening}\n\n"
        + "\n".join(lines)
        + f"\n{told}\nSign in to see them: {{base_url}}/\n\n"
        + "This message says only what kind of work waits, never who it is about. To choose how often we "
        "write, go to {base_url}/account/email\n"
    )


def round_step(factory: sessionmaker[Session]) -> int:
    """The dispatcher's step: look at everyone's work at most every EVERY, however many workers run, in one
    short transaction per user. A transaction holds SQLite's write lock, and one for every user took 2 s at
    the country's size, so every page waited on it each EVERY [issue 17]."""
    now = utcnow()
    with unit_of_work(factory) as session:
        if not schedule.take_turn(session, JOB, EVERY, now):
            return 0
        users = [user.id for user in session.scalars(_ACTIVE)]
    queued = 0
    for user_id in users:
        with unit_of_work(factory) as session:
            user = session.get(User, user_id)
            if user is not None:
                queued += _tell(session, user, session.get(WaitingMail, user_id), now)[1]
    return queued


def _principal(user: User) -> Principal:
    return Principal(user.id, user.username, user.display_name, user.role_set, session_id=None)


def _round_is_ours(session: Session) -> bool:
    """Whether this transaction may run the round: on PostgreSQL one at a time across workers holds it (the
    others skip theirs: the holder tells everyone); SQLite runs one writing transaction at a time anyway."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": _ROUND_LOCK_KEY}))


_ACTIVE = select(User).where(User.disabled_at.is_(None), User.email != "")


def notify_all(session: Session, now: datetime | None = None) -> MailRound:
    """Look at what waits for every active user with an email address and queue the messages due, in the
    caller's transaction (the dispatcher uses `round_step`)."""
    now = now or utcnow()
    if not _round_is_ours(session):
        return MailRound(0, 0)
    rows = {row.user_id: row for row in session.scalars(select(WaitingMail))}
    looked = queued = 0
    for user in session.scalars(_ACTIVE):
        told = _tell(session, user, rows.get(user.id), now)
        looked, queued = looked + told[0], queued + told[1]
    session.flush()
    return MailRound(looked, queued)


def _due(user: User, row: WaitingMail | None, choice: EmailChoice, now: datetime) -> bool:
    """Whether to look at the user's work now: immediate users at most once every QUIET after a message,
    daily users once a day from SUMMARY_AT."""
    if choice == EmailChoice.NONE or not user.roles:
        return False
    if choice == EmailChoice.DAILY:
        local = now.astimezone(service.LONDON)
        return local.time() >= SUMMARY_AT and not (row and row.summary_on == local.date())
    return not (row and row.told_at and now - row.told_at < QUIET)


def _tell(session: Session, user: User, row: WaitingMail | None, now: datetime) -> tuple[int, int]:
    """Whether the user's work was looked at and a message queued (1 or 0 each): immediate users when
    something they were not told of waits, daily users when anything waits."""
    choice = EmailChoice(row.choice) if row else EmailChoice.IMMEDIATE
    if not _due(user, row, choice, now):
        return 0, 0
    found = service.tasks(session, _principal(user), now)
    new, remembered = _news(found, row.told_keys if row else "")
    if row is None:
        row = WaitingMail(user_id=user.id, choice=choice.value, told_keys="")
        session.add(row)
    if choice == EmailChoice.DAILY:
        row.summary_on = now.astimezone(service.LONDON).date()
        if found:
            outbox.queue(session, to=user.email, subject=SUBJECT, body=body(found, new=None, daily=True))
            row.told_at = now
        return 1, int(bool(found))
    # What stopped waiting is forgotten, so it is news again if it comes back.
    row.told_keys = remembered
    if new:
        outbox.queue(session, to=user.email, subject=SUBJECT, body=body(found, new=new, daily=False))
        row.told_at = now
    return 1, int(bool(new))
