"""Philomena and Herbert protocol forms, and people waiting for a confirmed match.

A protocol form is prepared in advance by the carer (a children's home for Philomena, a family or care home
for Herbert) and released to police only on a missing report [Philomena][Herbert]: the carer's organisation
lodges it here; police (the MASH coordinators) see that it exists, and can open it, only while the person
has an open episode; each opening is audited as a disclosure. The carer names the person; the index match
follows the feed's rule (certain links, likely waits for a coordinator in the same queue as the feed's).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.errors import Conflict, FormInvalid, NotFound, PermissionDenied
from disclosure.forms import raise_if, text
from disclosure.missing import notify, rules, service
from disclosure.missing.models import Episode, PendingMatch, ProtocolForm
from disclosure.missing.vocabulary import EpisodeStatus, MatchStatus, ProtocolKind
from disclosure.missing.workflow import MATCHES, MatchVerb
from disclosure.people import candidates, matching, scoring
from disclosure.people import service as people
from disclosure.people.matching import Probe
from disclosure.people.schemas import PersonDetails
from disclosure.storage import AttachmentStore
from disclosure.uploads import UploadRefused, check_upload

CERTAIN_SCORE = 99
CLEAR_MARGIN = 10


def _audit(
    session: Session, actor: Principal, form: ProtocolForm, action: str, category: AuditCategory, why: str
) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"missing.protocol_{action}",
        category=category,
        object_type="protocol_form",
        object_id=form.id,
        justification=why,
        details={"kind": form.kind, "agency": str(form.agency_id)},
    )


Judgement = tuple[uuid.UUID | None, list[dict[str, Any]] | None]


def judge(session: Session, details: PersonDetails) -> Judgement:
    """The intake's candidate search and scoring, then one rule for the feed and the forms: a best match
    at or above CERTAIN_SCORE and clear of the next by CLEAR_MARGIN is the person (id, None); likely
    matches wait for a person to choose (None, candidates); nothing close means someone new (None, None)."""
    matcher = scoring.matcher(session)
    ranked = matching.rank(
        Probe.of(details),
        candidates.load_candidates(session, candidates.candidate_ids(session, details)),
        threshold=matcher.possible,
        limit=5,
        scorer=matcher.scorer,
    )
    return _verdict(ranked, matcher.likely)


def judge_many(session: Session, many: list[PersonDetails]) -> list[Judgement]:
    """`judge` for a batch (the feed): the candidates of all found together, each scored on its own."""
    ids = candidates.candidate_ids_many(session, many)
    loaded = candidates.load_candidates_many(session, (i for found in ids for i in found))
    matcher = scoring.matcher(session)
    return [
        _verdict(
            matching.rank(
                Probe.of(details),
                [loaded[i] for i in found if i in loaded],
                threshold=matcher.possible,
                limit=5,
                scorer=matcher.scorer,
            ),
            matcher.likely,
        )
        for details, found in zip(many, ids, strict=True)
    ]


def _verdict(ranked: list[matching.Match], likely: int) -> Judgement:
    if (
        ranked
        and ranked[0].score >= CERTAIN_SCORE
        and (len(ranked) == 1 or ranked[1].score <= ranked[0].score - CLEAR_MARGIN)
    ):
        return ranked[0].person_id, None
    if ranked:
        return None, [
            {
                "person_id": str(m.person_id),
                "score": m.score,
                "reasons": list(m.reasons),
                "likely": m.score >= likely,
            }
            for m in ranked
        ]
    return None, None


def match_or_queue(
    session: Session, actor: Principal, details: PersonDetails, **source: Any
) -> uuid.UUID | None:
    """The person's id when matching is certain or nobody is close (a new person); otherwise None, with a
    PendingMatch for `source` (episode_id or protocol_form_id) holding the likely candidates."""
    person_id, likely = judge(session, details)
    if person_id is not None:
        return person_id
    if likely is None:
        return people.create_person(session, actor, details).id
    session.add(
        PendingMatch(
            given_names=details.given_names,
            family_name=details.family_name,
            date_of_birth=details.date_of_birth,
            gender=details.gender,
            postcode=details.postcode,
            candidates=likely,
            **source,
        )
    )
    return None


# -------------------------------------------------------------------------------- protocol forms


def lodge(
    session: Session,
    actor: Principal,
    store: AttachmentStore,
    values: dict[str, Any],
    *,
    filename: str,
    data: bytes,
    max_bytes: int,
) -> ProtocolForm:
    """A carer's organisation lodges a form about a person it cares for."""
    agency = notify.partner_agency(session, actor)
    if agency is None:
        raise FormInvalid(
            {"file": "Your account is not linked to a partner agency: ask an administrator"}, values
        )
    errors: dict[str, str] = {}
    kind = text(values, "kind")
    if kind not in {k.value for k in ProtocolKind}:
        errors["kind"] = "Select Philomena or Herbert protocol"
    try:
        details = people.details_from_form(values)
    except FormInvalid as exc:
        errors.update(exc.errors)
        details = None
    checked = None
    try:
        checked = check_upload(filename, data, max_bytes=max_bytes)
    except UploadRefused as exc:
        errors["file"] = exc.message
    raise_if(errors, values)
    assert details is not None
    assert checked is not None
    form = ProtocolForm(
        kind=kind,
        person_name=details.name.full_name[:400],
        agency_id=agency.id,
        filename=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        file_key=store.put(session, data),
        sha256=checked.sha256,
        lodged_by_id=actor.user_id,
    )
    session.add(form)
    session.flush()
    form.person_id = match_or_queue(session, actor, details, protocol_form_id=form.id)
    session.flush()
    _audit(
        session,
        actor,
        form,
        "lodge",
        AuditCategory.COLLECTION,
        "Protocol form lodged by the carer's organisation",
    )
    return form


def forms_of_agency(session: Session, actor: Principal) -> list[ProtocolForm]:
    agency = notify.partner_agency(session, actor)
    if agency is None:
        return []
    return list(
        session.scalars(
            select(ProtocolForm)
            .where(ProtocolForm.agency_id == agency.id, ProtocolForm.withdrawn_at.is_(None))
            .order_by(ProtocolForm.created_at.desc())
        )
    )


def _agency_id(session: Session, actor: Principal) -> uuid.UUID | None:
    agency = notify.partner_agency(session, actor)
    return agency.id if agency else None


def withdraw(session: Session, actor: Principal, form_id: uuid.UUID) -> ProtocolForm:
    form = session.get(ProtocolForm, form_id)
    if form is None or form.agency_id != _agency_id(session, actor) or form.withdrawn_at is not None:
        raise NotFound("There is no such form held by your organisation")
    form.withdrawn_at = utcnow()
    session.flush()
    _audit(session, actor, form, "withdraw", AuditCategory.ERASURE, "Protocol form withdrawn by the carer")
    return form


def has_open_episode(session: Session, person_id: uuid.UUID | None) -> bool:
    return person_id is not None and bool(
        session.scalar(
            select(Episode.id)
            .where(Episode.person_id == person_id, Episode.status == EpisodeStatus.OPEN.value)
            .limit(1)
        )
    )


def released_forms(session: Session, person_id: uuid.UUID) -> list[ProtocolForm]:
    """The forms police may see: only while the person has an open episode [Philomena][Herbert]."""
    if not has_open_episode(session, person_id):
        return []
    return list(
        session.scalars(
            select(ProtocolForm)
            .where(ProtocolForm.person_id == person_id, ProtocolForm.withdrawn_at.is_(None))
            .order_by(ProtocolForm.created_at.desc())
        )
    )


def held_count(session: Session, person_id: uuid.UUID) -> int:
    """How many forms are held (shown without their content while no episode is open)."""
    return len(
        session.scalars(
            select(ProtocolForm.id).where(
                ProtocolForm.person_id == person_id, ProtocolForm.withdrawn_at.is_(None)
            )
        ).all()
    )


def open_released(
    session: Session, actor: Principal, store: AttachmentStore, form_id: uuid.UUID
) -> tuple[ProtocolForm, bytes]:
    """Police open a released form: refused unless the person is missing now; audited as a disclosure from
    the carer's organisation to the police."""
    service.require_coordinator(actor)
    form = session.get(ProtocolForm, form_id)
    if form is None or form.withdrawn_at is not None:
        raise NotFound("There is no such protocol form")
    if not has_open_episode(session, form.person_id):
        raise PermissionDenied("A protocol form is released to police only while the person is missing")
    data = store.read(session, form.file_key, sha256=form.sha256)
    _audit(
        session,
        actor,
        form,
        "release",
        AuditCategory.DISCLOSURE,
        "Protocol form released to police: person missing",
    )
    return form, data


def open_own(
    session: Session, actor: Principal, store: AttachmentStore, form_id: uuid.UUID
) -> tuple[ProtocolForm, bytes]:
    form = session.get(ProtocolForm, form_id)
    if form is None or form.agency_id != _agency_id(session, actor) or form.withdrawn_at is not None:
        raise NotFound("There is no such form held by your organisation")
    data = store.read(session, form.file_key, sha256=form.sha256)
    _audit(
        session, actor, form, "read", AuditCategory.CONSULTATION, "Protocol form opened by its organisation"
    )
    return form, data


# ---------------------------------------------------------------------------------- pending matches


MATCHES_LISTED = 200
"""People to confirm listed at once, the longest waiting first; the page counts them all."""


def pending_count(session: Session) -> int:
    return session.scalar(select(func.count()).where(PendingMatch.status == MatchStatus.PENDING.value)) or 0


def pending_matches(session: Session, actor: Principal) -> list[PendingMatch]:
    """The first MATCHES_LISTED people waiting to be confirmed, the longest waiting first."""
    service.require_coordinator(actor)
    return list(
        session.scalars(
            select(PendingMatch)
            .where(PendingMatch.status == MatchStatus.PENDING.value)
            .order_by(PendingMatch.created_at, PendingMatch.line)
            .limit(MATCHES_LISTED)
        )
    )


def get_pending(session: Session, actor: Principal, match_id: uuid.UUID) -> PendingMatch:
    service.require_coordinator(actor)
    pending = session.get(PendingMatch, match_id)
    if pending is None:
        raise NotFound("There is no such match to confirm")
    return pending


def confirm_match(
    session: Session, actor: Principal, match_id: uuid.UUID, values: dict[str, Any]
) -> PendingMatch:
    """A coordinator confirms which person it is (`person_id`) or that it is someone new (`new`); the
    episode or form then points at them, and the episode is told to partners if still current (open, or
    returned within the digest period, as the feed tells the rows it loads), an urgent one at once
    [Wales-SP]."""
    pending = get_pending(session, actor, match_id)
    status = MatchStatus(pending.status)
    if not MATCHES.allowed(status):  # confirmed: a Conflict (see MATCHES)
        raise Conflict("This match has already been confirmed")
    choice = text(values, "person_id")
    offered = {c["person_id"] for c in pending.candidates}
    details = PersonDetails(
        given_names=pending.given_names,
        family_name=pending.family_name,
        date_of_birth=pending.date_of_birth,
        gender=pending.gender,
        postcode=pending.postcode,
    )
    if choice == "new":
        person_id = people.create_person(session, actor, details).id
        pending.status = MATCHES.next(status, MatchVerb.CREATE_PERSON).value
    elif choice in offered:
        person_id = people.link_person(
            session, actor, uuid.UUID(choice), context="a missing-person record"
        ).id
        pending.status = MATCHES.next(status, MatchVerb.LINK).value
    else:
        raise FormInvalid({"person_id": "Select the matching person, or that this is someone new"}, values)
    pending.person_id = person_id
    pending.resolved_by_id = actor.user_id
    pending.resolved_at = utcnow()
    if pending.protocol_form_id:
        form = session.get(ProtocolForm, pending.protocol_form_id)
        assert form is not None
        form.person_id = person_id
    if pending.episode_id:
        episode = service.get_episode(session, pending.episode_id)
        episode.person_id = person_id
        session.flush()
        if _current(session, episode):
            service.after_new_episode(session, actor, episode)
        else:
            service.raise_considerations(session, actor, person_id=person_id, episode=episode)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="missing.match_confirmed",
        category=AuditCategory.COMBINATION,
        object_type="person",
        object_id=person_id,
        justification="Person confirmed for a missing-person record"
        + (" (new person)" if choice == "new" else ""),
        details={"pending_match": str(pending.id)},
    )
    return pending


def _current(session: Session, episode: Episode) -> bool:
    """Open, or returned within the digest period: partners hear of it, not of a backfill of history."""
    if episode.is_open or episode.returned_at is None:
        return True
    return episode.returned_at >= utcnow() - timedelta(hours=rules.current_settings(session).digest_hours)
