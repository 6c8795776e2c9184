"""Decision pages: panels and their agendas, the decision record, and panel settings for administrators."""

from disclosure.decisions.controllers.decisions import ROUTES as DECISION_ROUTES
from disclosure.decisions.controllers.panels import ROUTES as PANEL_ROUTES
from disclosure.decisions.controllers.urgent import ROUTES as URGENT_ROUTES

ROUTES = [*PANEL_ROUTES, *DECISION_ROUTES, *URGENT_ROUTES]

__all__ = ["ROUTES"]
