"""What the request pages share: the case address, the stale-save page and the stated-reason redirect."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request
from litestar.response import Redirect, Template

from disclosure.errors import StaleRecord
from disclosure.requests.access import NeedToKnow
from disclosure.web import page, redirect


def case_url(request_id: uuid.UUID) -> str:
    return f"/requests/{request_id}"


def stale_page(
    request: Request[Any, Any, Any], request_id: uuid.UUID, exc: StaleRecord, values: dict[str, Any]
) -> Template:
    """The later of two saves: nothing is overwritten; the user's answers are shown to re-enter."""
    shown = {k: v for k, v in values.items() if k not in ("version", "_csrf_token") and v not in ("", [])}
    return page(
        request,
        "requests/stale.html",
        heading="This case has changed",
        status_code=409,
        message=exc.message,
        values=shown,
        case_link=case_url(request_id),
    )


def to_access(request_id: uuid.UUID) -> Redirect:
    return Redirect(f"/requests/{request_id}/access", status_code=303)


__all__ = ["NeedToKnow", "case_url", "redirect", "stale_page", "to_access"]
