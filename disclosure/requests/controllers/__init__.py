"""Request pages: the work queue, logging, the case page, people, triage, the meeting and progress."""

from disclosure.requests.controllers.clock_admin import ROUTES as CLOCK_ROUTES
from disclosure.requests.controllers.intake import ROUTES as INTAKE_ROUTES
from disclosure.requests.controllers.progress import ROUTES as PROGRESS_ROUTES

ROUTES = [*INTAKE_ROUTES, *PROGRESS_ROUTES, *CLOCK_ROUTES]

__all__ = ["ROUTES"]
