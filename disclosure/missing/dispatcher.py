"""The partner-notification round: send digests whose period has ended, escalate unacknowledged urgent
notices, then hand the outbox to the mail server. Run by `disclosure missing dispatch` (cron, or a systemd
timer) and, outside tests, every minute inside the server itself, so nothing waits on an operator."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from disclosure.agencies import outbox
from disclosure.config import Settings
from disclosure.db import unit_of_work
from disclosure.missing import notify

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 60


@dataclass(frozen=True)
class Round:
    digests_sent: int
    escalated: int
    mail_sent: int
    mail_failed: int
    mail_waiting: int


def run_once(factory: sessionmaker[Session], settings: Settings) -> Round:
    """One round, in two transactions: the notifications first (so a mail server that is down never holds
    back a digest or an escalation), then the outbox."""
    with unit_of_work(factory) as session:
        done = notify.dispatch(session)
    with unit_of_work(factory) as session:
        mail = outbox.send_pending(session, settings)
    return Round(done.digests_sent, done.escalated, mail.sent, mail.failed, mail.waiting)


class Dispatcher:
    """A daemon thread running `run_once` every INTERVAL_SECONDS until stopped."""

    def __init__(self, factory: sessionmaker[Session], settings: Settings) -> None:
        self.factory, self.settings = factory, settings
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="missing-dispatcher", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()

    def _loop(self) -> None:
        while not self.stopping.wait(INTERVAL_SECONDS):
            try:
                result = run_once(self.factory, self.settings)
            except Exception:  # keep the loop alive; the next round retries
                log.exception("Partner notification round failed")
                continue
            if result.digests_sent or result.escalated or result.mail_sent or result.mail_failed:
                log.info("Partner notifications: %s", result)
