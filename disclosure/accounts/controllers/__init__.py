"""Account pages: signing in (with the security code), the account page, and user administration."""

from disclosure.accounts.controllers.signin import ROUTES as SIGN_IN_ROUTES
from disclosure.accounts.controllers.users import ROUTES as USER_ROUTES

ROUTES = [*SIGN_IN_ROUTES, *USER_ROUTES]

__all__ = ["ROUTES"]
