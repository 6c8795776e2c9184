"""The one error hierarchy services raise; `disclosure.app` maps each to a GOV.UK page and a JSON problem."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class DisclosureError(Exception):
    """A refusal the user can understand; the message is safe to show."""

    status_code = 400
    title = "There is a problem"
    explanation = ""
    """Why, in plain words, for a refusal raised without its own message (its page says this instead)."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.title)
        self.message = message or self.title


class NotFound(DisclosureError):
    status_code = 404
    title = "Page not found"


class NotAuthenticated(DisclosureError):
    status_code = 401
    title = "Sign in to continue"


class PermissionDenied(DisclosureError):
    """The actor lacks the role, or the need to know, for this object."""

    status_code = 403
    title = "You do not have access to this"
    explanation = "Your account's roles do not allow this. If your work needs it, ask an administrator."


class NeedsStatedReason(PermissionDenied):
    """Outside the team that needs to know, a user with the right role may still open the record after
    stating why; `reason_path` is the page that asks (the reason is recorded)."""

    title = "You are not on this case's team"

    def __init__(self, reason_path: str) -> None:
        super().__init__("Say why you need to open this case. Your reason is recorded.")
        self.reason_path = reason_path


class ReauthenticationRequired(DisclosureError):
    """A sensitive action needs a recent password and security code."""

    status_code = 403
    title = "Confirm it is you"


class InvalidTransition(DisclosureError):
    """The verb is not allowed from the record's current status (see the feature's `workflow.py`)."""

    status_code = 409
    title = "This cannot be done now"
    explanation = (
        "The record is not at the stage where this can be done. Go back to it to see what can be done now."
    )


class StaleRecord(DisclosureError):
    """Someone else saved the record after this form was loaded; `current_version` is the version it is at
    now (when known), for the form shown again."""

    status_code = 409
    title = "This record has changed"
    explanation = "Someone else saved a change after you opened the page. Go back to see it, then try again."

    def __init__(self, message: str = "", current_version: int | None = None) -> None:
        super().__init__(message)
        self.current_version = current_version


class Conflict(DisclosureError):
    status_code = 409
    title = "This has already been done"
    explanation = "It was done already, perhaps by someone else a moment ago."


class FormInvalid(DisclosureError):
    """Input failed validation; `errors` maps each field name to its message, in page order."""

    status_code = 400
    title = "There is a problem"

    def __init__(self, errors: Mapping[str, str], values: Mapping[str, Any] | None = None) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = dict(errors)
        self.values = dict(values or {})
