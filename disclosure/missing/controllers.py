"""Missing-person pages: the coordinator's overview, recording an episode (with the people-index match
first), reviewing risk, closing, the return home interview, a person's history and timeline, matches to
confirm, feed imports with their progress, the partner export and the local rules; and the partner's own
pages: notifications to read and acknowledge, and protocol forms to lodge."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.accounts.models import User
from disclosure.agencies import outbox
from disclosure.auth import require_principal
from disclosure.db import utcnow
from disclosure.errors import FormInvalid, StaleRecord
from disclosure.missing import dispatcher, export, feed, import_jobs, notify, protocols, rules, service
from disclosure.missing.vocabulary import (
    UNFINISHED_IMPORT_STATUSES,
    CareStatus,
    ConsiderationStatus,
    InterviewOutcome,
    PartnerRole,
    ProtocolKind,
    RiskFactor,
    SafeAndWell,
)
from disclosure.people import service as people
from disclosure.research.controllers.evidence import attachment_response
from disclosure.storage import store_for
from disclosure.web import Db, Form, FormState, Id, form_values, page, redirect, round_trip

INLINE_IMPORT_BYTES = 256 * 1024
"""Files up to this size load within the request; larger ones load in the background with a progress bar."""

Multipart = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


def _options(session: Session) -> dict[str, Any]:
    choices = service.partner_choices(session)
    return {
        "care_options": [(c.value, c.label) for c in CareStatus],
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
    service.require_coordinator(require_principal(request))
    return _new_page(request, db, FormState.empty(care_status="none", risk_factors=[]))


@post("/missing/new", name="missing.record", sync_to_thread=True)
def record(request: Request[Any, Any, Any], db: Db, data: Form) -> Template | Redirect:
    """Step 1 (`action=search`) shows likely matches in the people index; step 2 records the episode for
    the chosen person (`action=link`) or a new one (`action=create`), in one savepoint."""
    principal = require_principal(request)
    service.require_coordinator(principal)
    values = form_values(data)
    action = values.get("action", "search")
    try:
        details = people.details_from_form(values)
        if action == "search":
            return _new_page(
                request, db, FormState(values, {}), matches=people.find_matches(db, principal, details)
            )
        with db.begin_nested():
            if action == "link":
                try:
                    person_id = uuid.UUID(values.get("person_id", ""))
                except ValueError:
                    raise FormInvalid(_with_episode_errors(db, values), values) from None
                people.link_person(db, principal, person_id, context="a missing episode")
            else:
                person_id = people.create_person(db, principal, details).id
            episode = service.record_episode(db, principal, person_id, values)
    except FormInvalid as exc:
        matches = (
            None
            if action == "search"
            else people.find_matches(db, principal, people.details_from_form(values, strict=False))
        )
        return _new_page(request, db, FormState(values, exc.errors), matches=matches, status_code=400)
    return redirect(request, f"/missing/episodes/{episode.id}", flash="Missing episode recorded")


def _with_episode_errors(db: Db, values: dict[str, Any]) -> dict[str, str]:
    """No person chosen: say so, and what else the episode still needs, all at once."""
    errors = {"person_id": "Select a person or add a new one"}
    try:
        service.parse_episode(db, values)
    except FormInvalid as exc:
        errors.update(exc.errors)
    return errors


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
        role_labels={r.value: r.label for r in PartnerRole},
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
    return page(
        request,
        spec.template,
        heading=spec.heading,
        episode=episode,
        name=person.display_name if person else episode.reported_name,
        form=form,
        status_code=status_code,
        safe_options=[(s.value, s.label) for s in SafeAndWell],
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


def _post_episode_form(
    request: Request[Any, Any, Any],
    db: Db,
    episode_id: uuid.UUID,
    data: Any,
    verb: Any,
    spec: _EpisodeForm,
    flash: str,
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
    form = FormState.empty(
        risk_level=episode.risk_level, risk_factors=episode.risk_factors, version=str(episode.version)
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
    form = FormState.empty(version=str(episode.version))
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
        "Return recorded: the return home interview is due within 72 hours",
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
        "Return home interview recorded",
    )


# ------------------------------------------------------------------------ considerations, history


@get(
    "/missing/considerations/{consideration_id:uuid}", name="missing.consideration_form", sync_to_thread=True
)
def consideration_form(request: Request[Any, Any, Any], db: Db, consideration_id: Id) -> Template:
    return _consideration_page(request, db, consideration_id, FormState.empty())


def _consideration_page(
    request: Request[Any, Any, Any],
    db: Db,
    consideration_id: uuid.UUID,
    form: FormState,
    status_code: int = 200,
) -> Template:
    consideration = service.get_consideration(db, require_principal(request), consideration_id)
    person = people.summaries(db, [consideration.person_id])[consideration.person_id]
    return page(
        request,
        "missing/consideration.html",
        heading="Consider a Right to Know disclosure",
        consideration=consideration,
        person=person,
        case_reference=service.case_references(db, [consideration.request_id]).get(
            consideration.request_id, ""
        ),
        form=form,
        status_code=status_code,
        decided=consideration.status != ConsiderationStatus.OPEN,
        status_label=ConsiderationStatus(consideration.status).label,
    )


@post(
    "/missing/considerations/{consideration_id:uuid}",
    name="missing.decide_consideration",
    sync_to_thread=True,
)
def decide_consideration(
    request: Request[Any, Any, Any], db: Db, consideration_id: Id, data: Form
) -> Template | Redirect:
    values = form_values(data)
    try:
        with db.begin_nested():
            consideration = service.decide_consideration(
                db, require_principal(request), consideration_id, values
            )
    except FormInvalid as exc:
        return _consideration_page(request, db, consideration_id, FormState(values, exc.errors), 400)
    return redirect(
        request,
        f"/missing/episodes/{consideration.episode_id}",
        flash=f"Right to Know consideration {ConsiderationStatus(consideration.status).label.lower()}",
    )


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
    return page(request, "missing/matches.html", heading="People to confirm", waiting=waiting)


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
    values = form_values(data)
    try:
        with db.begin_nested():
            protocols.confirm_match(db, require_principal(request), match_id, values)
    except FormInvalid as exc:
        return _match_page(request, db, match_id, FormState(values, exc.errors), 400)
    return redirect(request, "/missing/matches", flash="Person confirmed")


# ----------------------------------------------------------------------------------- feed imports


def _too_large(request: Request[Any, Any, Any]) -> FormState:
    """The upload form again after a file over the limit was refused unread (see `app.handle_exception`)."""
    if request.query_params.get("error") == "too-large":
        limit = request.app.state.settings.max_upload_mb
        return FormState({}, {"file": f"The selected file must be smaller than {limit} MB"})
    return FormState.empty()


@get("/missing/imports", name="missing.imports", sync_to_thread=True)
def imports(request: Request[Any, Any, Any], db: Db) -> Template:
    form = _too_large(request)
    return _imports_page(request, db, form, 400 if form.errors else 200)


def _imports_page(
    request: Request[Any, Any, Any], db: Db, form: FormState, status_code: int = 200
) -> Template:
    recent = feed.recent_imports(db, require_principal(request))
    return page(
        request,
        "missing/imports.html",
        heading="Import the police feed",
        recent=recent,
        columns=feed.STANDARD_COLUMNS,
        form=form,
        status_code=status_code,
        max_upload_mb=request.app.state.settings.max_upload_mb,
    )


@post("/missing/imports/new", name="missing.import_feed", sync_to_thread=True)
def import_feed(request: Request[Any, Any, Any], db: Db, data: Multipart) -> Template | Redirect:
    """A small file loads while the user waits; a larger one is queued for the dispatcher, and its page
    follows the progress."""
    principal = require_principal(request)
    service.require_coordinator(principal)
    upload, mapping = data.get("file"), data.get("mapping")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise FormInvalid({"file": "Select the feed's CSV file"}, {})
        content = upload.file.read()
        layout = feed.Layout()
        if isinstance(mapping, UploadFile) and mapping.filename:
            layout = feed.Layout.from_mapping(mapping.file.read(), name=mapping.filename.rsplit(".", 1)[0])
        feed.check_headings(content, layout)
        queued = len(content) > INLINE_IMPORT_BYTES
        record = feed.start_import(
            db, principal, filename=upload.filename, data=content, layout=layout, queued=queued
        )
        if not queued:
            feed.run_import(db, principal, record, content, layout)
    except FormInvalid as exc:
        db.rollback()
        return _imports_page(request, db, FormState({}, exc.errors), 400)
    if queued:
        _hand_to_dispatcher(db)
    return redirect(request, f"/missing/imports/{record.id}")


def _hand_to_dispatcher(db: Db) -> None:
    """Commit now, not after the response, so the dispatcher woken next finds the queued import."""
    db.commit()
    dispatcher.wake()


@get("/missing/imports/{import_id:uuid}", name="missing.import", sync_to_thread=True)
def import_page(request: Request[Any, Any, Any], db: Db, import_id: Id) -> Template:
    record = feed.get_import(db, require_principal(request), import_id)
    return page(
        request,
        "missing/import.html",
        heading=f"Import of {record.filename}",
        record=record,
        percent=record.percent,
        problems=feed.problems_of(db, record.id),
        refresh=record.status in UNFINISHED_IMPORT_STATUSES,
        can_run_again=import_jobs.can_run_again(db, record),
    )


@get("/missing/imports/{import_id:uuid}/progress", name="missing.import_progress", sync_to_thread=True)
def import_progress(request: Request[Any, Any, Any], db: Db, import_id: Id) -> dict[str, Any]:
    """The progress bar's data while a large file loads in the background."""
    record = feed.get_import(db, require_principal(request), import_id)
    return {
        "status": record.status,
        "processed": record.processed_rows,
        "total": record.total_rows,
        "percent": record.percent,
    }


@post("/missing/imports/{import_id:uuid}/run-again", name="missing.run_import_again", sync_to_thread=True)
def run_import_again(request: Request[Any, Any, Any], db: Db, import_id: Id) -> Redirect:
    """An import that stopped goes back to the dispatcher, carrying on after its last committed batch."""
    import_jobs.run_again(db, require_principal(request), import_id)
    _hand_to_dispatcher(db)
    return redirect(
        request, f"/missing/imports/{import_id}", flash="The import will carry on from where it stopped"
    )


# ------------------------------------------------------------------------------------------ export


@get("/missing/export", name="missing.export_form", sync_to_thread=True)
def export_form(request: Request[Any, Any, Any]) -> Template:
    service.require_coordinator(require_principal(request))
    return page(
        request,
        "missing/export.html",
        heading="Export for partners",
        form=FormState.empty(format="xlsx", days="90"),
    )


@post("/missing/export", name="missing.export", sync_to_thread=True)
def export_file(request: Request[Any, Any, Any], db: Db, data: Form) -> Template | Response[bytes]:
    values = form_values(data)
    try:
        content, filename, media = export.export(db, require_principal(request), values)
    except FormInvalid as exc:
        return page(
            request,
            "missing/export.html",
            heading="Export for partners",
            form=FormState(values, exc.errors),
            status_code=400,
        )
    return attachment_response(content, filename, media)


# ------------------------------------------------------------------------------------ settings


_RULES = ("repeat_episodes", "repeat_days", "digest_hours", "escalate_hours", "version")


@get("/admin/missing", name="missing.settings_form", sync_to_thread=True)
def settings_form(request: Request[Any, Any, Any], db: Db) -> Template:
    saved = rules.current_settings(db)
    form = FormState.empty(**{k: str(getattr(saved, k)) for k in _RULES})
    return _settings_page(request, db, form)


def _settings_page(
    request: Request[Any, Any, Any], db: Db, form: FormState, status_code: int = 200
) -> Template:
    return page(
        request,
        "missing/settings.html",
        heading="Missing-person rules",
        form=form,
        levels=rules.risk_levels(db),
        mail=outbox.health(db),
        smtp_host=request.app.state.settings.smtp_host,
        status_code=status_code,
    )


@post("/admin/missing", name="missing.update_settings", sync_to_thread=True)
def update_settings(request: Request[Any, Any, Any], db: Db, data: Form) -> Template | Redirect:
    values = form_values(data)
    try:
        with db.begin_nested():
            service.update_settings(db, require_principal(request), values)
    except FormInvalid as exc:
        return _settings_page(request, db, FormState(values, exc.errors), 400)
    except StaleRecord as exc:
        values["version"] = str(rules.current_settings(db).version)
        return _settings_page(request, db, FormState(values, {"repeat_episodes": exc.message}), 409)
    return redirect(request, "/admin/missing", flash="Missing-person rules saved")


def _rules_form(
    db: Db, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None
) -> FormState:
    """The rules as saved (a risk-level form was the one posted), with that form's answers and errors."""
    saved = rules.current_settings(db)
    return FormState({**{k: str(getattr(saved, k)) for k in _RULES}, **(values or {})}, errors or {})


@post("/admin/missing/risk-levels", name="missing.add_risk_level", sync_to_thread=True)
def add_risk_level(request: Request[Any, Any, Any], db: Db, data: Form) -> Template | Redirect:
    values = form_values(data)
    try:
        with db.begin_nested():
            level = service.add_risk_level(db, require_principal(request), values)
    except FormInvalid as exc:
        return _settings_page(request, db, _rules_form(db, values, exc.errors), 400)
    return redirect(request, "/admin/missing", flash=f"Risk level {level.code} added")


@post("/admin/missing/risk-levels/{level_id:uuid}", name="missing.update_risk_level", sync_to_thread=True)
def update_risk_level(
    request: Request[Any, Any, Any], db: Db, level_id: Id, data: Form
) -> Template | Redirect:
    values = form_values(data)
    try:
        with db.begin_nested():
            service.update_risk_level(db, require_principal(request), level_id, values)
    except (FormInvalid, StaleRecord) as exc:
        errors = exc.errors if isinstance(exc, FormInvalid) else {"label": exc.message}
        return _settings_page(
            request, db, _rules_form(db, errors={f"level-{level_id}-{k}": v for k, v in errors.items()}), 400
        )
    return redirect(request, "/admin/missing", flash="Risk level saved")


# -------------------------------------------------------------------------------------- partners


@get("/partner/missing", name="missing.partner_inbox", sync_to_thread=True)
def partner_inbox(request: Request[Any, Any, Any], db: Db) -> Template:
    principal = require_principal(request)
    agency = notify.partner_agency(db, principal)
    items = notify.partner_notifications(db, principal)
    return page(
        request,
        "missing/partner_inbox.html",
        heading="Missing-person notifications",
        agency=agency,
        items=items,
        names=people.summaries(db, [n.person_id for n in items]),
        role_labels={r.value: r.label for r in PartnerRole},
        now=utcnow(),
    )


@get("/partner/missing/{notification_id:uuid}", name="missing.partner_notification", sync_to_thread=True)
def partner_notification(request: Request[Any, Any, Any], db: Db, notification_id: Id) -> Template:
    principal = require_principal(request)
    notification = notify.open_for_partner(db, principal, notification_id)
    return page(
        request,
        "missing/partner_notification.html",
        heading="Urgent missing-person notice" if notification.urgent else "Missing-person digest",
        notification=notification,
        person=people.summaries(db, [notification.person_id])[notification.person_id],
        role_label=PartnerRole(notification.role).label,
    )


@post("/partner/missing/{notification_id:uuid}/acknowledge", name="missing.acknowledge", sync_to_thread=True)
def acknowledge(request: Request[Any, Any, Any], db: Db, notification_id: Id) -> Redirect:
    notify.acknowledge(db, require_principal(request), notification_id)
    return redirect(request, "/partner/missing", flash="Acknowledged")


@get("/partner/protocol-forms", name="missing.partner_forms", sync_to_thread=True)
def partner_forms(request: Request[Any, Any, Any], db: Db) -> Template:
    form = _too_large(request)
    return _partner_forms_page(request, db, form, 400 if form.errors else 200)


def _partner_forms_page(
    request: Request[Any, Any, Any], db: Db, form: FormState, status_code: int = 200
) -> Template:
    principal = require_principal(request)
    return page(
        request,
        "missing/partner_forms.html",
        heading="Philomena and Herbert protocol forms",
        agency=notify.partner_agency(db, principal),
        forms=protocols.forms_of_agency(db, principal),
        kinds=[(k.value, k.label) for k in ProtocolKind],
        kind_labels={k.value: k.label for k in ProtocolKind},
        form=form,
        status_code=status_code,
        max_upload_mb=request.app.state.settings.max_upload_mb,
    )


@post("/partner/protocol-forms/new", name="missing.lodge_form", sync_to_thread=True)
def lodge_form(request: Request[Any, Any, Any], db: Db, data: Multipart) -> Template | Redirect:
    settings = request.app.state.settings
    upload = data.get("file")
    values = {k: v for k, v in data.items() if isinstance(v, str)}
    chosen = upload if isinstance(upload, UploadFile) and upload.filename else None
    try:
        # Every field is checked together, the file with the rest (no file: "Select a file to upload").
        with db.begin_nested():
            protocols.lodge(
                db,
                require_principal(request),
                store_for(settings),
                values,
                filename=chosen.filename if chosen else "",
                data=chosen.file.read() if chosen else b"",
                max_bytes=settings.max_upload_mb * 1024 * 1024,
            )
    except FormInvalid as exc:
        return _partner_forms_page(request, db, FormState(values, exc.errors), 400)
    return redirect(
        request,
        "/partner/protocol-forms",
        flash="Form lodged. Police see it only if the person is reported missing.",
    )


@get("/partner/protocol-forms/{form_id:uuid}/file", name="missing.partner_form_file", sync_to_thread=True)
def partner_form_file(request: Request[Any, Any, Any], db: Db, form_id: Id) -> Response[bytes]:
    form, content = protocols.open_own(
        db, require_principal(request), store_for(request.app.state.settings), form_id
    )
    return attachment_response(content, form.filename, form.content_type)


@post("/partner/protocol-forms/{form_id:uuid}/withdraw", name="missing.withdraw_form", sync_to_thread=True)
def withdraw_form(request: Request[Any, Any, Any], db: Db, form_id: Id) -> Redirect:
    protocols.withdraw(db, require_principal(request), form_id)
    return redirect(request, "/partner/protocol-forms", flash="Form withdrawn")


ROUTES = [
    overview,
    new_form,
    record,
    episode_page,
    risk_form,
    change_risk,
    close_form,
    close,
    interview_form,
    record_interview,
    consideration_form,
    decide_consideration,
    person_history,
    released_form,
    matches,
    match_form,
    confirm_match,
    imports,
    import_page,
    import_progress,
    run_import_again,
    export_form,
    export_file,
    settings_form,
    update_settings,
    update_risk_level,
    add_risk_level,
    partner_inbox,
    partner_notification,
    acknowledge,
    partner_forms,
    partner_form_file,
    withdraw_form,
]
UPLOAD_ROUTES = [import_feed, lodge_form]
