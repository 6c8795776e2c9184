"""What the decision pages share: addresses and the form round trip (call a verb; on bad input show the form
again with the GOV.UK error summary and everything typed; on a stale save say so; else redirect)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from litestar import Request
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from disclosure.errors import FormInvalid, StaleRecord
from disclosure.web import FormState, form_values, redirect


def meeting_url(meeting_id: uuid.UUID, suffix: str = "") -> str:
    return f"/panels/{meeting_id}{suffix}"


def item_url(meeting_id: uuid.UUID, item_id: uuid.UUID, suffix: str = "") -> str:
    return f"/panels/{meeting_id}/items/{item_id}{suffix}"


def round_trip(
    request: Request[Any, Any, Any],
    db: Session,
    data: dict[str, Any],
    verb: Callable[[dict[str, Any]], Any],
    show: Callable[[FormState, int], Template],
    *,
    success: str | Callable[[Any], str],
    flash: str,
) -> Template | Redirect:
    values = form_values(data)
    try:
        result = verb(values)
    except FormInvalid as exc:
        db.rollback()
        return show(FormState(values, exc.errors), 400)
    except StaleRecord as exc:
        db.rollback()
        return show(FormState(values, {"version": exc.message}), 409)
    target = success(result) if callable(success) else success
    return redirect(request, target, flash=flash)
