"""What the request pages share: the case address and the stated-reason redirect."""

from __future__ import annotations

import uuid

from litestar.response import Redirect

from disclosure.requests.access import NeedToKnow
from disclosure.web import redirect


def case_url(request_id: uuid.UUID) -> str:
    return f"/requests/{request_id}"


def to_access(request_id: uuid.UUID) -> Redirect:
    return Redirect(f"/requests/{request_id}/access", status_code=303)


__all__ = ["NeedToKnow", "case_url", "redirect", "to_access"]
