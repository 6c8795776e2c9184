"""JSON API for missing-person coordination: the police feed pushed by an integration, and episodes read
or their risk reviewed, over the same services as the pages [issue 7]."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, Literal, cast

from litestar import Request, get, post
from litestar.params import JSONBody, QueryParameter

from disclosure import paging
from disclosure.auth import require_principal
from disclosure.contract import choices, filled
from disclosure.errors import FormInvalid
from disclosure.forms import LONG
from disclosure.missing import dispatcher, feed, import_jobs, rules, service, unreached
from disclosure.missing.models import Episode, FeedImport
from disclosure.missing.vocabulary import RiskFactor
from disclosure.people import service as people
from disclosure.web import Db, Id, body_values

TAGS = ["missing persons"]


@dataclass
class ImportBody:
    csv: Annotated[str, filled()]
    filename: str = "feed.csv"
    mapping: dict[str, Any] | None = None


@dataclass
class ProblemOut:
    line: int
    police_reference: str
    reason: str


@dataclass
class ImportOut:
    id: uuid.UUID
    total: int
    loaded: int
    updated: int
    unchanged: int
    rejected: int
    to_confirm: int
    problems: list[ProblemOut]


@dataclass
class ImportStateOut:
    id: uuid.UUID
    status: str
    total: int
    processed: int
    loaded: int
    updated: int
    unchanged: int
    rejected: int
    to_confirm: int
    failure: str


InterviewState = Literal["", "due", "overdue", "offered", "completed", "declined", "not_offered", "optional"]
"""Where the episode's interview stands: empty with none (still missing, or returned before it was
imported); a child's return home interview `due`, `overdue` after 72 hours without an offer, or its outcome;
an adult's prevention interview `optional` until an outcome is recorded, and never overdue."""
InterviewKind = Literal["return_home", "prevention"]
UnreachedCode = Literal["no_recipient", "no_mailbox", "person_to_confirm"]


@dataclass
class EpisodeOut:
    """One episode. `adult`: 18 or over when reported, or an adult with care and support needs: the
    interview after the return is then the optional prevention interview (`interview_kind` `prevention`),
    not a child's return home interview (`return_home`). `interview_kind` is null while the person is
    missing (or when they returned before the feed brought the episode); once it is set it decides `adult`.
    `unreached`: why an urgent event about the episode reached nobody at once, oldest first, until a later
    urgent notice reaches someone; empty when nothing did."""

    id: uuid.UUID
    police_reference: str | None
    person_id: uuid.UUID | None
    name: str
    status: str
    care_status: str
    risk_level: str
    reported_at: datetime
    returned_at: datetime | None
    interview: InterviewState
    interview_kind: InterviewKind | None
    adult: bool
    repeat_missing: bool
    unreached: list[UnreachedCode]


@dataclass
class RiskBody:
    risk_level: str
    rationale: Annotated[str, filled(4000)]
    source: Annotated[str, filled(300)]
    obtained_at: datetime
    risk_factors: Annotated[list[str], choices(RiskFactor)] = field(default_factory=list)
    version: int | None = None


@dataclass
class EpisodeCorrectionBody:
    """A correction to an episode's report or return: give only the facts that change, and why. The old
    values stay in the episode's history; a corrected return moves a child's return home interview due time
    with it, and partners already told hear of a corrected time in their next digest. The return's facts
    apply to a closed episode only; a feed episode's police reference is corrected in the feed."""

    reason: Annotated[str, filled(LONG)]
    police_reference: str | None = None
    reported: datetime | None = None
    reported_by: str | None = None
    last_seen: datetime | None = None
    last_seen_place: str | None = None
    placement: str | None = None
    clothing: str | None = None
    returned: datetime | None = None
    return_place: str | None = None
    returned_with: str | None = None
    version: int | None = None


@post("/api/v1/missing/imports", name="api.missing_import", sync_to_thread=True, tags=TAGS, status_code=201)
def import_feed(request: Request[Any, Any, Any], db: Db, data: JSONBody[ImportBody]) -> ImportOut:
    """Import the police feed (CSV text in the documented layout, or another with `mapping`); every row is
    accounted for, refused rows with their line number and reason."""
    principal = require_principal(request)
    service.require_coordinator(principal)
    content = data.csv.encode()
    if not content.strip():
        raise FormInvalid({"csv": "The feed is empty"})
    layout = feed.Layout.from_mapping(json.dumps(data.mapping), "api") if data.mapping else feed.Layout()
    record = feed.start_import(db, principal, filename=data.filename, data=content, layout=layout)
    outcome = feed.run_import(db, principal, record, content, layout)
    return ImportOut(
        record.id,
        outcome.total,
        outcome.loaded,
        outcome.updated,
        outcome.unchanged,
        outcome.rejected,
        outcome.to_confirm,
        [ProblemOut(line, reference, reason) for line, reference, reason in outcome.problems],
    )


def _state(record: FeedImport) -> ImportStateOut:
    return ImportStateOut(
        record.id,
        record.status,
        record.total_rows,
        record.processed_rows,
        record.loaded,
        record.updated,
        record.unchanged,
        record.rejected,
        record.to_confirm,
        record.failure,
    )


@get(
    "/api/v1/missing/imports/{import_id:uuid}",
    name="api.missing_import_state",
    sync_to_thread=True,
    tags=TAGS,
)
def import_state(request: Request[Any, Any, Any], db: Db, import_id: Id) -> ImportStateOut:
    """An import's status (queued, running, finished or failed), its counts so far and why it stopped."""
    return _state(feed.get_import(db, require_principal(request), import_id))


@post(
    "/api/v1/missing/imports/{import_id:uuid}/run-again",
    name="api.missing_run_import_again",
    sync_to_thread=True,
    tags=TAGS,
    status_code=202,
)
def run_import_again(request: Request[Any, Any, Any], db: Db, import_id: Id) -> ImportStateOut:
    """Queue an import that stopped to run again in the background, carrying on after its last committed
    batch; follow it at `GET /api/v1/missing/imports/{id}`."""
    record = import_jobs.run_again(db, require_principal(request), import_id)
    db.commit()  # before waking the dispatcher, which reads the queued import from the database
    dispatcher.wake()
    return _state(record)


def _out(db: Db, episodes: list[Episode]) -> list[EpisodeOut]:
    ids = [e.person_id for e in episodes if e.person_id]
    names = people.summaries(db, ids)
    repeats = service.repeat_statuses(db, ids)
    reasons = unreached.reasons(db, [e.id for e in episodes])
    out = []
    for e in episodes:
        summary = names.get(e.person_id) if e.person_id else None
        born = summary.date_of_birth if summary else rules.date_of_birth(db, e)
        kind = cast("InterviewKind | None", e.interview.kind if e.interview else None)
        out.append(
            EpisodeOut(
                e.id,
                e.police_reference,
                e.person_id,
                summary.display_name if summary else e.reported_name,
                e.status,
                e.care_status,
                e.risk_level,
                e.reported_at,
                e.returned_at,
                cast("InterviewState", service.interview_state(e.interview)),
                kind,
                # Once returned, the interview's kind records the decision made at the return.
                kind == "prevention" if kind else rules.adult_at(e.care_status, born, e.reported_at),
                bool(e.person_id and repeats[e.person_id].flagged),
                cast("list[UnreachedCode]", reasons.get(e.id, [])),
            )
        )
    return out


@dataclass
class EpisodePageOut:
    """One page of episodes, newest report first. `count` is how many have the status, up to 1,000
    (`count_capped`: more than that); follow `next_cursor` with `after`, `previous_cursor` with `before`."""

    items: list[EpisodeOut]
    count: int
    count_capped: bool
    next_cursor: str | None
    previous_cursor: str | None


@get("/api/v1/missing/episodes", name="api.missing_episodes", sync_to_thread=True, tags=TAGS)
def episodes(
    request: Request[Any, Any, Any],
    db: Db,
    status: Annotated[str, QueryParameter(schema_extra={"enum": ["open", "closed"]})] = "open",
    limit: paging.Limit = paging.LIMIT,
    after: paging.After = "",
    before: paging.Before = "",
) -> EpisodePageOut:
    """Episodes by status (`open` or `closed`), newest report first, a page at a time."""
    principal = require_principal(request)
    if status not in ("open", "closed"):
        raise FormInvalid({"status": "Status must be open or closed"})
    found = service.episodes_by_status(db, principal, status, after=after, before=before, limit=limit)
    return EpisodePageOut(_out(db, found.items), found.count, found.more, found.after, found.before)


@get("/api/v1/missing/episodes/{episode_id:uuid}", name="api.missing_episode", sync_to_thread=True, tags=TAGS)
def episode(request: Request[Any, Any, Any], db: Db, episode_id: Id) -> EpisodeOut:
    return _out(db, [service.view_episode(db, require_principal(request), episode_id)])[0]


@post(
    "/api/v1/missing/episodes/{episode_id:uuid}/risk",
    name="api.missing_risk",
    sync_to_thread=True,
    tags=TAGS,
    status_code=200,
)
def change_risk(
    request: Request[Any, Any, Any], db: Db, episode_id: Id, data: JSONBody[RiskBody]
) -> EpisodeOut:
    """Review an episode's risk: level, rationale, source and when the information was obtained."""
    principal = require_principal(request)
    values = body_values(data)
    values["obtained"] = values.pop("obtained_at")
    service.change_risk(db, principal, episode_id, values)
    return _out(db, [service.get_episode(db, episode_id)])[0]


@post(
    "/api/v1/missing/episodes/{episode_id:uuid}/corrections",
    name="api.missing_correct",
    sync_to_thread=True,
    tags=TAGS,
    status_code=200,
)
def correct_episode(
    request: Request[Any, Any, Any], db: Db, episode_id: Id, data: JSONBody[EpisodeCorrectionBody]
) -> EpisodeOut:
    """Correct an episode's report or return, with a reason (400 at the field: `reported`, `returned`...;
    a time given here replaces the whole date and time)."""
    principal = require_principal(request)
    values = service.correctable_values(service.get_episode(db, episode_id))
    given = {k: v for k, v in body_values(data).items() if getattr(data, k) is not None}
    for name in ("reported", "last_seen", "returned"):
        if name in given:
            values = {k: v for k, v in values.items() if not k.startswith(f"{name}-")}
    service.correct_episode(db, principal, episode_id, {**values, **given})
    return _out(db, [service.get_episode(db, episode_id)])[0]


ROUTES = [episodes, episode, change_risk, correct_episode, import_state, run_import_again]
UPLOAD_ROUTES = [import_feed]
