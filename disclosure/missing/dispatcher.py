"""The dispatcher's round: send digests whose period has ended, escalate unacknowledged urgent notices, hand
the outbox to the mail server, then run the feed imports waiting (`missing.import_jobs`), after marking failed
any import cut off by a restart. Run by `disclosure missing dispatch` (cron, or a systemd timer) and, outside
tests, every minute inside the server itself, so nothing waits on an operator; a page that queues an import
wakes it at once."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from disclosure.agencies import outbox
from disclosure.config import Settings
from disclosure.db import unit_of_work
from disclosure.missing import import_jobs, notify

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 60

_WAKE = threading.Event()
"""Set by `wake()`: the server's dispatcher runs its round now rather than at the end of the minute. One per
process, because the pages that queue an import have no handle on the dispatcher the app started."""


RoundStep = Callable[[sessionmaker[Session]], int]
ROUND_STEPS: list[RoundStep] = []
"""Other features' work in each round, before the outbox is sent so their mail leaves in the same round (the
waiting-work email, registered in `disclosure.wiring`); each keeps its own transactions short and returns how
many messages it queued."""


def wake() -> None:
    """Ask this process's dispatcher (if it runs one) for a round now: an import was queued."""
    _WAKE.set()


@dataclass(frozen=True)
class Round:
    digests_sent: int
    escalated: int
    mail_sent: int
    mail_failed: int
    mail_waiting: int
    imports_cut_off: int = 0
    imports_run: int = 0
    other_mail: int = 0


def run_once(factory: sessionmaker[Session], settings: Settings) -> Round:
    """One round, in separate transactions: the notifications first (so a mail server that is down never
    holds back a digest or an escalation), then the outbox, then the imports (so a long import never holds
    back either)."""
    digests = escalated = 0
    while True:  # short transactions however much has built up
        with unit_of_work(factory) as session:
            done = notify.dispatch(session)
        digests, escalated = digests + done.digests_sent, escalated + done.escalated
        if not done.full():
            break
    other = 0
    for step in ROUND_STEPS:
        other += step(factory)
    with unit_of_work(factory) as session:
        mail = outbox.send_pending(session, settings)
    with unit_of_work(factory) as session:
        cut_off = import_jobs.recover(session)
    ran = import_jobs.run_waiting(factory)
    return Round(digests, escalated, mail.sent, mail.failed, mail.waiting, cut_off, ran, other)


class Dispatcher:
    """A daemon thread running `run_once` every INTERVAL_SECONDS (or when woken) until stopped. Starting it
    first marks failed the imports cut off when the service last stopped."""

    def __init__(self, factory: sessionmaker[Session], settings: Settings) -> None:
        self.factory, self.settings = factory, settings
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="missing-dispatcher", daemon=True)

    def start(self) -> None:
        try:
            with unit_of_work(self.factory) as session:
                import_jobs.recover(session)
        except Exception:  # the server still starts; the first round tries again
            log.exception("Marking cut-off feed imports failed at start-up did not work")
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        _WAKE.set()

    def _loop(self) -> None:
        while True:
            _WAKE.wait(INTERVAL_SECONDS)
            _WAKE.clear()
            if self.stopping.is_set():
                return
            try:
                result = run_once(self.factory, self.settings)
            except Exception:  # keep the loop alive; the next round retries
                log.exception("Partner notification round failed")
                continue
            if any((result.digests_sent, result.escalated, result.mail_sent, result.mail_failed)) or any(
                (result.imports_cut_off, result.imports_run)
            ):
                log.info("Dispatcher round: %s", result)
