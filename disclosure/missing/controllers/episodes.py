"""Episode pages: the overview, recording one (people-index match first), risk, return, interview."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.accounts.directory import user_names
from disclosure.accounts.models import User
from disclosure.auth import require_principal
from disclosure.db import utcnow
from disclosure.errors import FormInvalid
from disclosure.forms import datetime_answers, in_page_order
from disclosure.missing import notify, protocols, rules, service, unreached
from disclosure.missing.vocabulary import (
    CareStatus,
    InterviewKind,
    InterviewOutcome,
    PartnerRole,
    RiskFactor,
    SafeAndWell,
    UnreachedReason,
)
from disclosure.people import service as people
from disclosure.web import Db, Form, FormState, Id, form_values, page, redirect, round_trip
from disclosure.workflow import options


def _options(session: Session) -> dict[str, Any]:
    choices = service.partner_choices(session)
    return {
        "care_options": options(CareStatus),
        "risk_options": [(r.code, r.label) for r in rules.risk_levels(session, active_only=True)],
        "factor_options": [(f.value, f.label, None) for f in RiskFactor],
        "placing_options": [("", "None"), *choices.placing_authorities],
        "school_options": [("", "None"), *choices.schools],
        "health_options": [("", "None"), *choices.health],
        "worker_options": [("", "None allocated"), *choices.social_workers],
        "agency_options": [(value, label, None) for value, label in choices.agencies],
    }


# ------------------------------------------------------------------------------------- overview


@get("/missing", name="missing.overview", sync_to_thread=True)
def overview(request: Request[Any, Any, Any], db: Db) -> Template:
    principal = require_principal(request)
    view = service.overview(db, principal)
    ids = [e.person_id for e in view.open_episodes + view.interviews_due if e.person_id]
    ids += [c.person_id for c in view.considerations]
    return page(
        request,
        "missing/overview.html",
        heading="Missing people",
        view=view,
        names=people.summaries(db, ids),
        repeats=service.repeat_statuses(db, ids),
        labels=rules.risk_labels(db),
        cases=service.case_references(db, [c.request_id for c in view.considerations]),
        state=service.interview_state,
        now=utcnow(),
    )


# ------------------------------------------------------------------------------------ new episode


def _new_page(
    request: Request[Any, Any, Any],
    db: Db,
    form: FormState,
    *,
    matches: list[Any] | None = None,
    status_code: int = 200,
) -> Template:
    return page(
        request,
        "missing/new.html",
        heading="Record a missing episode",
        form=form,
        matches=matches,
        searched=matches is not None,
        status_code=status_code,
        **_options(db),
    )


@get("/missing/new", name="missing.new_form", sync_to_thread=True)
def new_form(request: Request[Any, Any, Any], db: Db) -> Template:
    """The report is usually being recorded as it comes in: the time reported starts at now."""
    service.require_coordinator(require_principal(request))
    form = FormState.empty(care_status="none", risk_factors=[], **datetime_answers("reported", utcnow()))
    return _new_page(request, db, form)


PERSON_FIELDS = ("given_names", "family_name", "aliases", "date_of_birth", "gender", "postcode")
NEW_EPISODE_FIELDS = ("person", *PERSON_FIELDS, *service.EPISODE_FIELDS, "person_id")
"""The new episode page's fields in the order it asks them: the person, the episode, then the choice among
the likely matches at the foot of the form."""


@post("/missing/new", name="missing.record", sync_to_thread=True)
def record(request: Request[Any, Any, Any], db: Db, data: Form) -> Template | Redirect:
    """Step 1 (`action=search`) shows likely matches in the people index; step 2 records the episode for
    the chosen person (`action=link`) or a new one (`action=create`), in one savepoint. Step 2 finds every
    problem in one pass (the person's details, the choice of person, the episode's answers) and lists them
    in page order."""
    principal = require_principal(request)
    service.require_coordinator(principal)
    values = form_values(data)
    action = values.get("action", "search")
    errors: dict[str, str] = {}
    try:
        details = people.details_from_form(values)
    except FormInvalid as exc:
        errors.update(exc.errors)
        details = people.details_from_form(values, strict=False)
    if action == "search":
        if errors:
            return _new_page(request, db, FormState(values, errors), status_code=400)
        return _new_page(
            request, db, FormState(values, {}), matches=people.find_matches(db, principal, details)
        )
    person_id: uuid.UUID | None = None
    if action == "link":
        try:
            person_id = uuid.UUID(values.get("person_id", ""))
        except ValueError:
            errors["person_id"] = "Select a person or add a new one"
    errors.update(service.episode_problems(db, values, person_id))
    try:
        if errors:
            raise FormInvalid(in_page_order(errors, NEW_EPISODE_FIELDS), values)
        with db.begin_nested():
            if person_id is not None:
                people.link_person(db, principal, person_id, context="a missing episode")
            else:
                person_id = people.create_person(db, principal, details).id
            episode = service.record_episode(db, principal, person_id, values)
    except FormInvalid as exc:
        matches = people.find_matches(db, principal, details)
        return _new_page(
            request,
            db,
            FormState(values, in_page_order(exc.errors, NEW_EPISODE_FIELDS)),
            matches=matches,
            status_code=400,
        )
    return redirect(request, f"/missing/episodes/{episode.id}", flash="Missing episode recorded")


# --------------------------------------------------------------------------------------- episode


def _episode_page(request: Request[Any, Any, Any], db: Db, episode_id: uuid.UUID) -> Template:
    principal = require_principal(request)
    episode = service.view_episode(db, principal, episode_id)
    person = people.summaries(db, [episode.person_id])[episode.person_id] if episode.person_id else None
    considerations = service.considerations_for_person(db, episode.person_id) if episode.person_id else []
    agencies = notify.agency_names(
        db, {a for a in (episode.placing_authority_id, episode.school_id, episode.health_id) if a}
    )
    worker = db.get(User, episode.social_worker_id) if episode.social_worker_id else None
    told = notify.for_person(db, episode.person_id) if episode.person_id else []
    return page(
        request,
        "missing/episode.html",
        heading=f"Missing: {person.display_name if person else episode.reported_name}",
        episode=episode,
        person=person,
        labels=rules.risk_labels(db),
        users={
            u.id: u.display_name
            for u in db.scalars(
                select(User).where(User.id.in_({c.recorded_by_id for c in episode.risk_changes}))
            )
        },
        considerations=considerations,
        cases=service.case_references(db, [c.request_id for c in considerations]),
        agencies=agencies,
        worker=worker,
        told=told,
        told_agencies=notify.agency_names(db, {n.agency_id for n in told}),
        repeat=service.repeat_status(db, episode.person_id) if episode.person_id else None,
        forms=protocols.released_forms(db, episode.person_id) if episode.person_id else [],
        state=service.interview_state(episode.interview),
        care=CareStatus(episode.care_status).label,
        safe_and_well=SafeAndWell(episode.safe_and_well).label if episode.safe_and_well else "",
        factor_labels={f.value: f.label for f in RiskFactor},
        outcome_label=InterviewOutcome(episode.interview.outcome).label if episode.interview else "",
        interview_label=InterviewKind(episode.interview.kind).label if episode.interview else "",
        role_labels={r.value: r.label for r in PartnerRole},
        unreached=unreached.for_episode(db, episode.id),
        reason_labels={r.value: r.label for r in UnreachedReason},
        corrections=(history := service.episode_history(db, episode)),
        correction_names=user_names(db, {c.corrected_by_id for c in history}),
    )


@get("/missing/episodes/{episode_id:uuid}", name="missing.episode", sync_to_thread=True)
def episode_page(request: Request[Any, Any, Any], db: Db, episode_id: Id) -> Template:
    return _episode_page(request, db, episode_id)


def _episode_form(
    request: Request[Any, Any, Any],
    db: Db,
    episode_id: uuid.UUID,
    spec: _EpisodeForm,
    form: FormState,
    status_code: int = 200,
) -> Template:
    principal = require_principal(request)
    service.require_coordinator(principal)
    episode = service.get_episode(db, episode_id)
    person = people.summaries(db, [episode.person_id])[episode.person_id] if episode.person_id else None
    prevention = episode.interview is not None and episode.interview.kind == InterviewKind.PREVENTION
    return page(
        request,
        spec.template,
        heading=InterviewKind.PREVENTION.label if spec is INTERVIEW_FORM and prevention else spec.heading,
        episode=episode,
        name=person.display_name if person else episode.reported_name,
        form=form,
        status_code=status_code,
        prevention=prevention,
        adult=rules.is_adult(db, episode),
        safe_options=options(SafeAndWell),
        outcome_options=[(o.value, o.label) for o in InterviewOutcome if o is not InterviewOutcome.DUE],
        **_options(db),
    )


@dataclass(frozen=True)
class _EpisodeForm:
    """One of the episode's forms: its template and heading."""

    template: str
    heading: str


RISK_FORM = _EpisodeForm("missing/risk.html", "Review the risk")
CLOSE_FORM = _EpisodeForm("missing/close.html", "Record the return")
INTERVIEW_FORM = _EpisodeForm("missing/interview.html", "Return home interview")
CORRECT_FORM = _EpisodeForm("missing/correct.html", "Correct the episode")


def _post_episode_form(
    request: Request[Any, Any, Any],
    db: Db,
    episode_id: uuid.UUID,
    data: Any,
    verb: Any,
    spec: _EpisodeForm,
    flash: str | Callable[[Any], str],
) -> Template | Redirect:
    """Save one of the episode's forms through the one round trip (`web.round_trip`): errors at their
    fields, a stale save or a closed episode reported at the top, the answers always kept."""
    principal = require_principal(request)
    return round_trip(
        request,
        db,
        data,
        lambda values: verb(db, principal, episode_id, values),
        lambda form, status: _episode_form(request, db, episode_id, spec, form, status),
        success=f"/missing/episodes/{episode_id}",
        flash=flash,
    )


@get("/missing/episodes/{episode_id:uuid}/risk", name="missing.risk_form", sync_to_thread=True)
def risk_form(request: Request[Any, Any, Any], db: Db, episode_id: Id) -> Template | Redirect:
    episode = service.get_episode(db, episode_id)
    if not episode.is_open:
        return redirect(
            request, f"/missing/episodes/{episode_id}", flash="The person has returned: the episode is closed"
        )
    # A review is usually recorded as the information comes in: when it was obtained starts at now.
    form = FormState.empty(
        risk_level=episode.risk_level,
        risk_factors=episode.risk_factors,
        version=str(episode.version),
        **datetime_answers("obtained", utcnow()),
    )
    return _episode_form(request, db, episode_id, RISK_FORM, form)


@post("/missing/episodes/{episode_id:uuid}/risk", name="missing.change_risk", sync_to_thread=True)
def change_risk(request: Request[Any, Any, Any], db: Db, episode_id: Id, data: Form) -> Template | Redirect:
    return _post_episode_form(
        request,
        db,
        episode_id,
        data,
        service.change_risk,
        RISK_FORM,
        "Risk reviewed",
    )


@get("/missing/episodes/{episode_id:uuid}/close", name="missing.close_form", sync_to_thread=True)
def close_form(request: Request[Any, Any, Any], db: Db, episode_id: Id) -> Template | Redirect:
    episode = service.get_episode(db, episode_id)
    if not episode.is_open:
        return redirect(request, f"/missing/episodes/{episode_id}", flash="This episode is already closed")
    # Usually recorded as the person is found: the return time starts at now.
    form = FormState.empty(version=str(episode.version), **datetime_answers("returned", utcnow()))
    return _episode_form(request, db, episode_id, CLOSE_FORM, form)


@post("/missing/episodes/{episode_id:uuid}/close", name="missing.close", sync_to_thread=True)
def close(request: Request[Any, Any, Any], db: Db, episode_id: Id, data: Form) -> Template | Redirect:
    return _post_episode_form(
        request,
        db,
        episode_id,
        data,
        service.close_episode,
        CLOSE_FORM,
        _closed,
    )


def _closed(episode: Any) -> str:
    if episode.interview is not None and episode.interview.kind == InterviewKind.PREVENTION:
        return "Return recorded: a prevention interview may be offered (optional, no time limit)"
    return "Return recorded: the return home interview is due within 72 hours"


@get("/missing/episodes/{episode_id:uuid}/correct", name="missing.correct_form", sync_to_thread=True)
def correct_form(request: Request[Any, Any, Any], db: Db, episode_id: Id) -> Template:
    form = FormState.empty(**service.correctable_values(service.get_episode(db, episode_id)))
    return _episode_form(request, db, episode_id, CORRECT_FORM, form)


@post("/missing/episodes/{episode_id:uuid}/correct", name="missing.correct", sync_to_thread=True)
def correct(request: Request[Any, Any, Any], db: Db, episode_id: Id, data: Form) -> Template | Redirect:
    return _post_episode_form(
        request, db, episode_id, data, service.correct_episode, CORRECT_FORM, "Correction saved"
    )


@get("/missing/episodes/{episode_id:uuid}/interview", name="missing.interview_form", sync_to_thread=True)
def interview_form(request: Request[Any, Any, Any], db: Db, episode_id: Id) -> Template | Redirect:
    episode = service.get_episode(db, episode_id)
    interview = episode.interview
    if interview is None:
        return redirect(
            request,
            f"/missing/episodes/{episode_id}",
            flash="The interview is due once the person has returned",
        )
    form = FormState.empty(
        version=str(interview.version) if interview else "",
        outcome="" if interview is None or interview.outcome == InterviewOutcome.DUE else interview.outcome,
        shared_with=[],
    )
    return _episode_form(request, db, episode_id, INTERVIEW_FORM, form)


@post("/missing/episodes/{episode_id:uuid}/interview", name="missing.record_interview", sync_to_thread=True)
def record_interview(
    request: Request[Any, Any, Any], db: Db, episode_id: Id, data: Form
) -> Template | Redirect:
    return _post_episode_form(
        request,
        db,
        episode_id,
        data,
        service.record_interview,
        INTERVIEW_FORM,
        lambda interview: f"{InterviewKind(interview.kind).label} recorded",
    )


ROUTES = [
    overview,
    new_form,
    record,
    episode_page,
    risk_form,
    change_risk,
    close_form,
    close,
    correct_form,
    correct,
    interview_form,
    record_interview,
]
