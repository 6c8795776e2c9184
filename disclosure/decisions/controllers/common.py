"""What the decision pages share: their addresses. Their forms go through the kernel's one round trip
(`web.round_trip`)."""

from __future__ import annotations

import uuid


def meeting_url(meeting_id: uuid.UUID, suffix: str = "") -> str:
    return f"/panels/{meeting_id}{suffix}"


def item_url(meeting_id: uuid.UUID, item_id: uuid.UUID, suffix: str = "") -> str:
    return f"/panels/{meeting_id}/items/{item_id}{suffix}"
