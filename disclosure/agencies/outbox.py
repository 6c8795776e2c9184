"""The mail outbox: messages are queued in the transaction that causes them and sent afterwards by
`send_pending`, through the SMTP server in the settings. With no server configured they wait, and the
in-service inboxes are where partners read everything (the default). Messages carry no personal data
(need to know [APP-MoPI]): only that there is something to read, with a link."""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.accounts.models import User
from disclosure.agencies.models import Agency, OutboxMessage
from disclosure.config import Settings
from disclosure.db import utcnow

MAX_ATTEMPTS = 10
BATCH = 200


class NotAPartner(ValueError):
    """The outbox writes only to partner agencies' mailboxes and the service's own users."""


def queue(session: Session, *, to: str, subject: str, body: str) -> OutboxMessage:
    """Queue one message; `{base_url}` in the body becomes the service's address when it is sent. The
    outbox serves partners only [issue 15]: an address that is neither an agency's mailbox nor a user's
    work email (an applicant's or a person at risk's safe email, say) is refused, whatever called it."""
    address = to.strip().lower()
    known = session.scalar(
        select(func.count()).select_from(Agency).where(func.lower(Agency.contact_email) == address)
    ) or session.scalar(select(func.count()).select_from(User).where(func.lower(User.email) == address))
    if not address or not known:
        raise NotAPartner(f"The outbox writes only to partner agencies and users, not to {to!r}")
    message = OutboxMessage(to_address=to[:320], subject=subject[:200], body=body)
    session.add(message)
    return message


@dataclass(frozen=True)
class SendResult:
    sent: int
    failed: int
    waiting: int


@dataclass(frozen=True)
class Health:
    """What an administrator needs to know: is mail going out?"""

    waiting: int
    failing: int
    last_error: str
    last_sent_at: datetime | None


def health(session: Session) -> Health:
    waiting = session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
    )
    failing = session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.last_error != "")
    )
    last_error = session.scalar(
        select(OutboxMessage.last_error)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.last_error != "")
        .order_by(OutboxMessage.created_at.desc())
        .limit(1)
    )
    last_sent = session.scalar(select(func.max(OutboxMessage.sent_at)))
    return Health(waiting or 0, failing or 0, last_error or "", last_sent)


def _connect(settings: Settings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if settings.smtp_security == "tls":
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=30, context=context
        )
    else:
        server = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30)
        if settings.smtp_security == "starttls":
            server.starttls(context=context)
    if settings.smtp_username:
        server.login(settings.smtp_username, settings.smtp_password)
    return server


def send_pending(session: Session, settings: Settings) -> SendResult:
    """Send unsent messages, oldest first, each marked sent as the server accepts it; a failure is kept
    with its error for the next run (up to MAX_ATTEMPTS). Without `DISCLOSURE_SMTP_HOST` nothing is sent."""
    waiting = (
        session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))
        or 0
    )
    if not settings.smtp_host or not waiting:
        return SendResult(0, 0, waiting)
    pending = list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
            .order_by(OutboxMessage.created_at)
            .limit(BATCH)
            .with_for_update(skip_locked=True)  # two workers never send the same message
        )
    )
    sent = failed = 0
    try:
        server = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        for message in pending:
            message.attempts += 1
            message.last_error = f"Could not connect: {exc}"[:2000]
        session.flush()
        return SendResult(0, len(pending), waiting)
    try:
        for message in pending:
            mail = EmailMessage()
            mail["From"] = settings.smtp_from
            mail["To"] = message.to_address
            mail["Subject"] = message.subject
            mail.set_content(message.body.replace("{base_url}", settings.base_url.rstrip("/")))
            message.attempts += 1
            try:
                server.send_message(mail)
            except smtplib.SMTPException as exc:
                message.last_error = str(exc)[:2000]
                failed += 1
                continue
            message.sent_at = utcnow()
            message.last_error = ""
            sent += 1
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            server.quit()
    session.flush()
    return SendResult(sent, failed, waiting - sent)
