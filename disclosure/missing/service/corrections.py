"""Correcting an episode's facts [issue 16, "Correct any record"]: when the person was reported, last seen
and found, where, and by whom. The old values stay in the episode's history (`disclosure.corrections`) with
the reason, and the change is an audit event [DPA-62]. What follows from the times follows the correction:
the repeat-missing count (computed from the report times [Bromley]), a child's return home interview due 72
hours after the corrected return [MissingPeople-2024], the first risk assessment obtained at the report, and
the partners told are told of the correction in their next digest [Wales-SP].

The risk history, the interview's outcome and the partners chosen have their own forms; a feed episode's
police reference is the feed's key, so it is corrected in the feed, not here.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import chronology, corrections
from disclosure.auth import Principal
from disclosure.db import check_version, utcnow
from disclosure.forms import datetime_answers, parse_datetime, raise_if, text
from disclosure.missing import notify
from disclosure.missing.models import Episode
from disclosure.missing.service.common import get_episode, require_coordinator
from disclosure.missing.service.interviews import INTERVIEW_DUE
from disclosure.missing.vocabulary import InterviewKind
from disclosure.text import format_datetime

OBJECT_TYPE = "missing_episode"

REPORT_FIELDS = [
    corrections.Field("police_reference", "Police reference"),
    corrections.Field("reported_at", "Reported missing"),
    corrections.Field("reported_by", "Reported by"),
    corrections.Field("last_seen_at", "Last seen"),
    corrections.Field("last_seen_place", "Where last seen"),
    corrections.Field("placement", "Placement"),
    corrections.Field("clothing", "Clothing"),
]
RETURN_FIELDS = [
    corrections.Field("returned_at", "Found or returned"),
    corrections.Field("return_place", "Where found"),
    corrections.Field("returned_with", "Who they were with"),
]
TIMES = ("reported", "last_seen", "returned")


def correctable_values(episode: Episode) -> dict[str, Any]:
    """The episode's facts as the correction form's answers."""
    return {
        **datetime_answers("reported", episode.reported_at),
        **datetime_answers("last_seen", episode.last_seen_at),
        **(datetime_answers("returned", episode.returned_at) if not episode.is_open else {}),
        "police_reference": episode.police_reference or "",
        "reported_by": episode.reported_by,
        "last_seen_place": episode.last_seen_place,
        "placement": episode.placement,
        "clothing": episode.clothing,
        "return_place": episode.return_place,
        "returned_with": episode.returned_with,
        "version": str(episode.version),
    }


def _limited(values: dict[str, Any], name: str, limit: int, label: str, errors: dict[str, str]) -> str:
    value = text(values, name, limit=limit)
    if len(value) > limit:
        errors[name] = f"{label} must be {limit:,} characters or fewer"
    return value


def _parse(
    session: Session, episode: Episode, values: dict[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    """The corrected answers, checked as when they were first entered, every error at its field at once."""
    new: dict[str, Any] = {
        "reported_at": parse_datetime(values, "reported", "Date reported", errors),
        "reported_by": _limited(values, "reported_by", 200, "Who reported it", errors),
        "last_seen_place": _limited(values, "last_seen_place", 300, "Where last seen", errors),
        "placement": _limited(values, "placement", 200, "The placement", errors),
        "clothing": _limited(values, "clothing", 2000, "The clothing", errors),
        "last_seen_at": None,
    }
    if episode.source != "feed":
        reference = _limited(values, "police_reference", 40, "The police reference", errors).upper()
        if reference and session.scalar(
            select(Episode.id).where(Episode.police_reference == reference, Episode.id != episode.id)
        ):
            errors["police_reference"] = "An episode with this police reference is already recorded"
        new["police_reference"] = reference or None
    if episode.source != "feed" and not new["reported_by"] and "reported_by" not in errors:
        errors["reported_by"] = "Enter who reported the person missing"
    if text(values, "last_seen") or any(
        text(values, f"last_seen-{p}") for p in ("day", "month", "year", "time")
    ):
        new["last_seen_at"] = parse_datetime(values, "last_seen", "Date last seen", errors)
    if not episode.is_open:
        new["returned_at"] = parse_datetime(values, "returned", "Date found or returned", errors)
        new["return_place"] = _limited(values, "return_place", 300, "Where", errors)
        new["returned_with"] = _limited(values, "returned_with", 300, "Who they were with", errors)
        if not new["return_place"] and "return_place" not in errors:
            errors["return_place"] = "Enter where the person was found or returned to"
    return new


def _check_times(episode: Episode, new: dict[str, Any], errors: dict[str, str]) -> None:
    """The order the episode's own forms keep (`chronology`), and what followed: the risk reviews come
    after the report, the interview after the return."""
    times = {"reported": new["reported_at"], "last_seen": new["last_seen_at"]}
    chronology.check("missing.episode", times, errors)
    if not episode.is_open:
        chronology.check("missing.close", {**times, "returned": new["returned_at"]}, errors)
    reported, returned = new["reported_at"], new.get("returned_at")
    reviews = [c.obtained_at for c in episode.risk_changes[1:]]
    # A review may rest on information obtained up to a day before the report (`chronology`, missing.risk).
    if (
        reported is not None
        and reviews
        and reported > min(reviews) + timedelta(days=1)
        and "reported" not in errors
    ):
        errors["reported"] = (
            f"The report must be before the first risk review ({format_datetime(min(reviews))})"
        )
    interview = episode.interview
    offered = interview.offered_at if interview else None
    if returned is not None and offered is not None and returned > offered and "returned" not in errors:
        errors["returned"] = (
            f"The return must be before the interview was offered ({format_datetime(offered)})"
        )


def correct_episode(
    session: Session, actor: Principal, episode_id: uuid.UUID, values: dict[str, Any]
) -> Episode:
    """Correct the episode's report and return, with a reason; an open or a closed episode alike."""
    require_coordinator(actor)
    episode = get_episode(session, episode_id)
    check_version(episode.version, values.get("version"), what="this episode")
    errors: dict[str, str] = {}
    new = _parse(session, episode, values, errors)
    reason = corrections.reason_from(values, errors)
    _check_times(episode, new, errors)
    raise_if(errors, values)
    before_report, before_return = episode.reported_at, episode.returned_at
    fields = REPORT_FIELDS + (RETURN_FIELDS if not episode.is_open else [])
    corrections.amend(
        session,
        actor,
        episode,
        fields,
        new,
        reason,
        object_type=OBJECT_TYPE,
        action="missing.correct",
        values=values,
        unchanged_at="reported",
    )
    first = episode.risk_changes[0] if episode.risk_changes else None
    if first is not None and first.obtained_at == before_report:
        first.obtained_at = episode.reported_at  # the first assessment was made at the report
    interview = episode.interview
    if interview is not None and interview.kind == InterviewKind.RETURN_HOME and episode.returned_at:
        interview.due_at = episode.returned_at + INTERVIEW_DUE
    episode.updated_at = utcnow()
    moved = [
        f"{label} {format_datetime(now)} (was {format_datetime(was)})"
        for label, was, now in (
            ("reported", before_report, episode.reported_at),
            ("found or returned", before_return, episode.returned_at),
        )
        if was is not None and now is not None and was != now
    ]
    if moved:
        notify.episode_event(session, episode, "corrected", "Corrected: " + "; ".join(moved))
    session.flush()
    return episode


def episode_history(session: Session, episode: Episode) -> list[corrections.Correction]:
    return corrections.history(session, OBJECT_TYPE, episode.id)
