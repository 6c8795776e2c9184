"""A person's missing history with the protocol forms released to police; the people to confirm."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from disclosure.auth import require_principal
from disclosure.missing import protocols, rules, service
from disclosure.missing.vocabulary import ProtocolKind
from disclosure.people import clustering
from disclosure.people import service as people
from disclosure.storage import store_for
from disclosure.web import Db, Form, FormState, Id, attachment_response, page, round_trip


@get("/missing/people/{person_id:uuid}", name="missing.person", sync_to_thread=True)
def person_history(request: Request[Any, Any, Any], db: Db, person_id: Id) -> Template:
    """A person's full missing history with a timeline, the repeat flag, and protocol forms (released only
    while an episode is open)."""
    principal = require_principal(request)
    service.require_coordinator(principal)
    record = people.view_person(db, principal, person_id)
    episodes = service.person_episodes(db, record.id)
    return page(
        request,
        "missing/person.html",
        heading=f"Missing history: {record.display_name}",
        person=record,
        episodes=episodes,
        timeline=service.timeline(db, episodes),
        repeat=service.repeat_status(db, record.id),
        labels=rules.risk_labels(db),
        forms=protocols.released_forms(db, record.id),
        held=protocols.held_count(db, record.id),
        state=service.interview_state,
        kinds={k.value: k.label for k in ProtocolKind},
    )


@get("/missing/protocol-forms/{form_id:uuid}", name="missing.protocol_form", sync_to_thread=True)
def released_form(request: Request[Any, Any, Any], db: Db, form_id: Id) -> Response[bytes]:
    form, data = protocols.open_released(
        db, require_principal(request), store_for(request.app.state.settings), form_id
    )
    return attachment_response(data, form.filename, form.content_type)


# ------------------------------------------------------------------------------------- matches


@get("/missing/matches", name="missing.matches", sync_to_thread=True)
def matches(request: Request[Any, Any, Any], db: Db) -> Template:
    waiting = protocols.pending_matches(db, require_principal(request))
    total = protocols.pending_count(db) if len(waiting) == protocols.MATCHES_LISTED else len(waiting)
    groups = clustering.clusters(waiting, ([c["person_id"] for c in m.candidates] for m in waiting))
    return page(
        request,
        "missing/matches.html",
        heading="People to confirm",
        groups=groups,
        waiting=waiting,
        total=total,
    )


def _match_page(
    request: Request[Any, Any, Any], db: Db, match_id: uuid.UUID, form: FormState, status_code: int = 200
) -> Template:
    pending = protocols.get_pending(db, require_principal(request), match_id)
    shown = people.summaries(db, [uuid.UUID(c["person_id"]) for c in pending.candidates])
    return page(
        request,
        "missing/match.html",
        heading="Confirm the person",
        pending=pending,
        shown={str(k): v for k, v in shown.items()},
        form=form,
        status_code=status_code,
    )


@get("/missing/matches/{match_id:uuid}", name="missing.match_form", sync_to_thread=True)
def match_form(request: Request[Any, Any, Any], db: Db, match_id: Id) -> Template:
    return _match_page(request, db, match_id, FormState.empty())


@post("/missing/matches/{match_id:uuid}", name="missing.confirm_match", sync_to_thread=True)
def confirm_match(request: Request[Any, Any, Any], db: Db, match_id: Id, data: Form) -> Template | Redirect:
    return round_trip(
        request,
        db,
        data,
        lambda values: protocols.confirm_match(db, require_principal(request), match_id, values),
        lambda form, status: _match_page(request, db, match_id, form, status),
        success="/missing/matches",
        flash="Person confirmed",
    )


ROUTES = [person_history, released_form, matches, match_form, confirm_match]
