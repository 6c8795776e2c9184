"""Research pages: the research overview, checks, partner requests, evidence, the package, partner users."""

from disclosure.research.controllers.checks import ROUTES as CHECK_ROUTES
from disclosure.research.controllers.evidence import ROUTES as EVIDENCE_ROUTES
from disclosure.research.controllers.evidence import UPLOAD_ROUTES
from disclosure.research.controllers.offending import ROUTES as OFFENDING_ROUTES
from disclosure.research.controllers.package import ROUTES as PACKAGE_ROUTES
from disclosure.research.controllers.partner import ROUTES as PARTNER_ROUTES

ROUTES = [*CHECK_ROUTES, *EVIDENCE_ROUTES, *OFFENDING_ROUTES, *PACKAGE_ROUTES, *PARTNER_ROUTES]

__all__ = ["ROUTES", "UPLOAD_ROUTES"]
