"""Where features meet without importing each other: the panels one feature adds to another's pages and the
hooks one feature runs when another's record changes. `connect()` registers every one, explicitly, where
the app and the CLI are built (never as a side effect of importing a module); calling it again changes
nothing."""

from __future__ import annotations

from typing import TypeVar

from disclosure.accounts.controllers import signin as home_page
from disclosure.decisions import panels as decisions_panels
from disclosure.missing import dispatcher
from disclosure.missing import panels as missing_panels
from disclosure.missing import service as missing
from disclosure.people import access as people_access
from disclosure.people import controllers as people_pages
from disclosure.people import service as people
from disclosure.requests import access as requests_access
from disclosure.requests import panels as requests_panels
from disclosure.requests import queue, stored_deadlines
from disclosure.requests import service as requests
from disclosure.retention import schedule as retention_schedule
from disclosure.waiting import mail as waiting_mail
from disclosure.waiting import panels as waiting_panels

T = TypeVar("T")


def connect() -> None:
    _register(people.MERGE_HOOKS, requests.repoint_parties, missing.merge_considerations)
    _register(people_access.ACCESS_HOOKS, requests_access.person_basis, missing.person_basis)
    _register(people_pages.PERSON_PANELS, requests_panels.person_history, missing_panels.person_panel)
    _register(queue.CASE_PANELS, missing_panels.case_panel, decisions_panels.case_panel)
    _register(home_page.HOME_PANELS, waiting_panels.home_panel, missing_panels.home_panel)
    _register(requests.PARTY_HOOKS, missing.on_party_added)
    _register(dispatcher.ROUND_STEPS, waiting_mail.round_step, retention_schedule.round_step)
    stored_deadlines.listen()


def _register(registry: list[T], *entries: T) -> None:
    for entry in entries:
        if entry not in registry:
            registry.append(entry)
