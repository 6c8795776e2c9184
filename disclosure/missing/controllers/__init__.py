"""Missing-person pages: the coordinator's overview, recording an episode (with the people-index match
first), reviewing risk, closing, the return home interview, a person's history and timeline, matches to
confirm, feed imports with their progress, the partner export and the local rules; and the partner's own
pages: notifications to read and acknowledge, and protocol forms to lodge."""

from disclosure.missing.controllers.admin import ROUTES as ADMIN_ROUTES
from disclosure.missing.controllers.considerations import ROUTES as CONSIDERATION_ROUTES
from disclosure.missing.controllers.episodes import ROUTES as EPISODE_ROUTES
from disclosure.missing.controllers.export import ROUTES as EXPORT_ROUTES
from disclosure.missing.controllers.imports import INLINE_IMPORT_BYTES
from disclosure.missing.controllers.imports import ROUTES as IMPORT_ROUTES
from disclosure.missing.controllers.imports import UPLOAD_ROUTES as IMPORT_UPLOAD_ROUTES
from disclosure.missing.controllers.partners import ROUTES as PARTNER_ROUTES
from disclosure.missing.controllers.partners import UPLOAD_ROUTES as PARTNER_UPLOAD_ROUTES
from disclosure.missing.controllers.people import ROUTES as PEOPLE_ROUTES

ROUTES = [
    *EPISODE_ROUTES,
    *CONSIDERATION_ROUTES,
    *PEOPLE_ROUTES,
    *IMPORT_ROUTES,
    *EXPORT_ROUTES,
    *ADMIN_ROUTES,
    *PARTNER_ROUTES,
]
UPLOAD_ROUTES = [*IMPORT_UPLOAD_ROUTES, *PARTNER_UPLOAD_ROUTES]

__all__ = ["INLINE_IMPORT_BYTES", "ROUTES", "UPLOAD_ROUTES"]
