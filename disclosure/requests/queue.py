"""Reading requests for people: the work queue ordered by nearest deadline and RAG, deadlines that explain
themselves, the flags a reviewer must see, and the case page's context. Nothing here changes a case."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session, selectinload

from disclosure import paging
from disclosure.accounts.directory import user_names
from disclosure.accounts.models import User
from disclosure.accounts.roles import require_case_role
from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.people import service as people
from disclosure.requests import parties as parties_of
from disclosure.requests import safe_contact, service
from disclosure.requests.access import readable
from disclosure.requests.deadlines import DeadlineView, calendar_for, deadlines, policies
from disclosure.requests.models import CaseMember, CaseParty, ClockPolicy, ClockReason, DisclosureRequest
from disclosure.requests.vocabulary import (
    ApplicantType,
    Channel,
    ClosureReason,
    IdentityDocument,
    PartyRole,
    Route,
    Scheme,
)
from disclosure.requests.workflow import (
    OPEN_REQUEST_STATUSES,
    RequestStatus,
    Verb,
    allowed_verbs,
)
from disclosure.text import format_date, format_datetime
from disclosure.workflow import options

# ---------------------------------------------------------------- the work queue


@dataclass(frozen=True)
class QueueFilters:
    whose: str = "team"
    route: str = ""
    status: str = ""
    assignee: str = ""
    due: str = ""

    def as_values(self) -> dict[str, str]:
        return {
            "whose": self.whose,
            "route": self.route,
            "status": self.status,
            "assignee": self.assignee,
            "due": self.due,
        }


DUE_BANDS = {
    "overdue": "Past a deadline",
    "week": "Due within 7 days",
    "later": "Due later, or paused",
}
"""Where an open case's next deadline stands: the work queue's filter and the workload dashboard's bands."""

WEEK = timedelta(days=7)


def due_condition(band: str, now: datetime) -> ColumnElement[bool]:
    """An open case's next deadline (`stored_deadlines`) in the band: past (and not held by a pause),
    within 7 days, or later (a paused case, or one with no deadline left, is later)."""
    held = DisclosureRequest.next_deadline_held_seconds.is_not(None)
    due_at = DisclosureRequest.next_deadline_at
    if band == "overdue":
        return and_(~held, due_at < now)
    if band == "week":
        return and_(~held, due_at >= now, due_at < now + WEEK)
    return or_(held, due_at.is_(None), due_at >= now + WEEK)


def parse_filters(query: dict[str, Any]) -> QueueFilters:
    """Unknown filter values are ignored rather than refused: a bookmarked queue always opens."""

    def pick(name: str, allowed: set[str], default: str = "") -> str:
        value = str(query.get(name) or "")
        return value if value in allowed else default

    return QueueFilters(
        whose=pick("whose", {"mine", "team"}, "team"),
        route=pick("route", {r.value for r in Route}),
        status=pick("status", {s.value for s in OPEN_REQUEST_STATUSES}),
        assignee=str(query.get("assignee") or "")[:36],
        due=pick("due", set(DUE_BANDS)),
    )


def filter_options(session: Session) -> dict[str, list[tuple[str, str]]]:
    return {
        "whose": [("team", "The team's cases"), ("mine", "My cases")],
        "routes": [("", "Any route"), *options(Route)],
        "statuses": [("", "Any open stage")]
        + [(s.value, s.label) for s in RequestStatus if s in OPEN_REQUEST_STATUSES],
        "assignees": [("", "Anyone")] + [(str(u.id), u.display_name) for u in service.case_workers(session)],
        "dues": [("", "Any deadline"), *DUE_BANDS.items()],
    }


@dataclass(frozen=True)
class QueueRow:
    id: uuid.UUID
    reference: str
    route_label: str
    status_label: str
    rag: str | None
    immediate_risk: bool
    paused: bool
    deadline: DeadlineView | None
    assignee: str | None
    mine: bool
    may_open: bool = False
    about: tuple[str, ...] = ()
    """Who the case is about, "Name (role, role)", for a case the user may open; empty otherwise."""
    safe_contact: str = ""
    """How the applicant may safely be contacted (the call the MASH returns), for a case the user may open."""


def people_on(session: Session, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """Who each case is about, "Name (role, role)" in the order of `PartyRole`: one person holding two
    roles (the applicant who is the person at risk) is listed once. Only for cases the reader may open."""
    if not case_ids:
        return {}
    rows = [
        row
        for start in range(0, len(case_ids), 500)  # bounded IN lists on both engines
        for row in session.execute(
            select(CaseParty.request_id, CaseParty.person_id, CaseParty.role).where(
                CaseParty.request_id.in_(case_ids[start : start + 500])
            )
        )
    ]
    names = people.summaries(session, {person_id for _, person_id, _ in rows})
    order = list(PartyRole)
    roles: dict[uuid.UUID, dict[uuid.UUID, list[str]]] = {}
    for request_id, person_id, role in sorted(rows, key=lambda r: order.index(PartyRole(r[2]))):
        roles.setdefault(request_id, {}).setdefault(person_id, []).append(PartyRole(role).label.lower())
    return {
        request_id: [
            f"{names[person_id].display_name} ({', '.join(labels)})"
            for person_id, labels in by_person.items()
            if person_id in names
        ]
        for request_id, by_person in roles.items()
    }


def _applicant_contact(case: DisclosureRequest) -> str:
    applicant = next((p for p in case.parties if p.role == PartyRole.APPLICANT), None)
    if applicant is None:
        return ""
    described = safe_contact.describe(applicant)
    said = [f"Safe contact: {described['ways']}"]
    said += [described[k] for k in ("messages", "times") if described[k]]
    return "; ".join(said)


CLOCK_LOADS = (
    selectinload(DisclosureRequest.pauses),
    selectinload(DisclosureRequest.extensions),
    selectinload(DisclosureRequest.parties),
)
"""The relationships a list of cases reads for deadlines (pauses, extensions) and safe contact (parties): one
statement each for the whole list, not one per case."""

QUEUE_ORDER = (
    # Running clocks first, then those a pause holds (by the time that was left), then cases with no
    # deadline left to meet (outcome given, not yet closed).
    sql_case(
        (DisclosureRequest.next_deadline_at.is_(None), 2),
        (DisclosureRequest.next_deadline_held_seconds.is_not(None), 1),
        else_=0,
    ),
    func.coalesce(DisclosureRequest.next_deadline_held_seconds, 0),
    func.coalesce(DisclosureRequest.next_deadline_at, DisclosureRequest.first_contact_at),
    sql_case({"red": 0, "amber": 1, "green": 2}, value=DisclosureRequest.rag, else_=3),
    DisclosureRequest.reference,
)
"""The work queue's order, nearest deadline first then red before amber before green, read from the stored
next deadline (`stored_deadlines`) so the database sorts and pages it [issue 17]."""


def queue_statement(actor: Principal, filters: QueueFilters) -> Select[Any]:
    """The open cases the filters choose, as ids (the queue's page and count both start here)."""
    statement = select(DisclosureRequest.id).where(
        DisclosureRequest.status.in_([s.value for s in OPEN_REQUEST_STATUSES])
    )
    if filters.whose == "mine":
        # EXISTS, not IN: the database then reads the open cases by status and looks each one's membership
        # up by its key, rather than reading every case ever (SQLite: 357 ms to 32 ms at 300,000 requests,
        # for a user on 272,000 cases' teams) [issue 17].
        member = exists().where(
            CaseMember.request_id == DisclosureRequest.id, CaseMember.user_id == actor.user_id
        )
        statement = statement.where((DisclosureRequest.assignee_id == actor.user_id) | member)
    if filters.route:
        statement = statement.where(DisclosureRequest.route == filters.route)
    if filters.status:
        statement = statement.where(DisclosureRequest.status == filters.status)
    if filters.assignee:
        with contextlib.suppress(ValueError):
            statement = statement.where(DisclosureRequest.assignee_id == uuid.UUID(filters.assignee))
    if filters.due:
        statement = statement.where(due_condition(filters.due, utcnow()))
    return statement


def work_queue(
    session: Session,
    actor: Principal,
    filters: QueueFilters,
    now: datetime | None = None,
    *,
    after: str | None = None,
    before: str | None = None,
    limit: int = paging.LIMIT,
) -> paging.Page[QueueRow]:
    """One page of open cases, nearest unmet deadline first, then red before amber before green. The queue
    shows references, stages and deadlines only; a case's content needs the team's need to know. A bounded
    number of statements whatever the number of cases: the page's ids, the count, then the page's cases
    with what their rows read [issue 17]."""
    require_case_role(actor)
    now = now or utcnow()
    found = paging.page(
        session, queue_statement(actor, filters), QUEUE_ORDER, after=after, before=before, limit=limit
    )
    ids: list[uuid.UUID] = found.items
    loaded = session.execute(
        select(DisclosureRequest, readable(actor).label("may_open"))
        .where(DisclosureRequest.id.in_(ids))
        .options(*CLOCK_LOADS)
    ).all()
    by_id = {case.id: (case, bool(may)) for case, may in loaded}
    # Who a case is about is case content: named only on cases the user may open [APP-MoPI].
    may_open = [case_id for case_id, (_, may) in by_id.items() if may]
    about = people_on(session, may_open)
    names = user_names(session, {case.assignee_id for case, _ in by_id.values()})
    by_code = policies(session)
    calendar = calendar_for(session)
    rows = []
    for case_id in ids:
        if case_id not in by_id:
            continue  # closed since the page was read
        case, may = by_id[case_id]
        open_deadlines = [
            d for d in deadlines(case, by_code[case.clock_policy_code], calendar, now) if not d.completed
        ]
        rows.append(
            QueueRow(
                id=case.id,
                reference=case.reference,
                route_label=Route(case.route).label,
                status_label=RequestStatus(case.status).label,
                rag=case.rag,
                immediate_risk=bool(case.immediate_risk),
                paused=any(p.ended_at is None for p in case.pauses),
                deadline=min(open_deadlines, key=lambda d: d.due_at, default=None),
                assignee=names.get(case.assignee_id) if case.assignee_id else None,
                mine=case.assignee_id == actor.user_id,
                may_open=may,
                about=tuple(about.get(case.id, ())),
                safe_contact=_applicant_contact(case) if may else "",
            )
        )
    return paging.Page(rows, found.after, found.before, found.count, found.more)


# ---------------------------------------------------------------- flags for the reviewer


def flags(session: Session, case: DisclosureRequest) -> list[str]:
    """What a reviewer must see [DOMAIN.md "What is recorded"; issue 3]: repeat applications about the same
    subject, the same subject asked about by different applicants, and an applicant who is the subject of
    another request (possible misuse by a perpetrator fishing for information); and potential escalation found
    at triage [SafeLives][MARAC-criteria]."""
    found: list[str] = []
    subjects = [p.person_id for p in case.parties_in(PartyRole.SUBJECT)]
    applicants = [p.person_id for p in case.parties_in(PartyRole.APPLICANT)]
    for subject_id in subjects:
        others = people_history(session, subject_id, role=PartyRole.SUBJECT, exclude=case.id)
        if others:
            refs = ", ".join(o.reference for o in others)
            found.append(
                f"The subject is the subject of {len(others)} other "
                f"request{'s' if len(others) != 1 else ''}: {refs}"
            )
            every_applicant = {p.person_id for o in others for p in o.parties_in(PartyRole.APPLICANT)}
            every_applicant |= set(applicants)
            if len(every_applicant) > 1:
                found.append(f"{len(every_applicant)} different applicants have asked about this subject")
    for applicant_id in applicants:
        as_subject = people_history(session, applicant_id, role=PartyRole.SUBJECT, exclude=case.id)
        if as_subject:
            refs = ", ".join(o.reference for o in as_subject)
            found.append(
                f"The applicant is the subject of {refs}: consider possible misuse to obtain information"
            )
    if case.potential_escalation:
        policy = service.policy_of(session, case)
        found.append(
            f"Potential escalation: {policy.escalation_incidents} or more incidents in "
            f"{policy.escalation_months} months at triage (a MARAC referral criterion)"
        )
    return found


def people_history(
    session: Session, person_id: uuid.UUID, *, role: PartyRole | None = None, exclude: uuid.UUID | None = None
) -> list[DisclosureRequest]:
    statement = (
        select(DisclosureRequest)
        .join(CaseParty, CaseParty.request_id == DisclosureRequest.id)
        .where(CaseParty.person_id == person_id)
    )
    if role is not None:
        statement = statement.where(CaseParty.role == role.value)
    if exclude is not None:
        statement = statement.where(DisclosureRequest.id != exclude)
    return list(session.scalars(statement.order_by(DisclosureRequest.first_contact_at).distinct()))


# ---------------------------------------------------------------- the case page


CasePanel = Callable[[Session, DisclosureRequest], dict[str, Any]]
CASE_PANELS: list[CasePanel] = []
"""Later features that show something on the case page (missing-person links) append a function returning
extra template context; the case page stays ignorant of them."""


def case_context(session: Session, case: DisclosureRequest) -> dict[str, Any]:
    status = RequestStatus(case.status)
    route = Route(case.route)
    verbs = set(allowed_verbs(status))
    is_open = status in OPEN_REQUEST_STATUSES
    can_start_research = Verb.START_RESEARCH in verbs and (
        status is RequestStatus.MEETING_HELD or not route.has_applicant
    )
    policy = policies(session)[case.clock_policy_code]
    on_case = parties_of.people_of(case)
    persons = people.summaries(session, [p.person_id for p in on_case])
    parties = [
        {
            "person_id": p.person_id,
            "roles": [(party.id, PartyRole(party.role).label) for party in p.parties],
            "role_label": p.roles_label,
            "name": persons[p.person_id].display_name,
            "aliases": persons[p.person_id].aliases,
            "date_of_birth": persons[p.person_id].date_of_birth,
            "relationship": p.relationship,
            "safe_contact": safe_contact.describe(p.contact) if p.contact else {},
            "no_safe_route": p.contact is None or safe_contact.no_safe_route(p.contact),
            "contacted": p.contact is not None,
            "applicant": p.holds(PartyRole.APPLICANT),
        }
        for p in on_case
        if p.person_id in persons
    ]
    linked = session.get(DisclosureRequest, case.linked_request_id) if case.linked_request_id else None
    assignee = session.get(User, case.assignee_id) if case.assignee_id else None
    paused = any(p.ended_at is None for p in case.pauses)
    level = service.risk_level(case)
    return {
        "case": case,
        "labels": {
            "scheme": Scheme(case.scheme).label,
            "route": route.label,
            "status": status.label,
            "closure": ClosureReason(case.closure_reason).label if case.closure_reason else "",
        },
        "parties": parties,
        "applicants": [p for p in parties if p["applicant"]],
        "safe_contacts": [
            p for p in parties if p["contacted"] and (p["applicant"] or not p["no_safe_route"])
        ],
        "missing": [r.label.lower() for r in parties_of.missing_roles(case)],
        "add_roles": [(r.value, r.label) for r in parties_of.PARTY_ROLES_BY_ROUTE[route]],
        "deadlines": deadlines(case, policy, calendar_for(session)),
        "flags": flags(session, case),
        "linked": linked,
        "assignee": assignee.display_name if assignee else None,
        "paused": paused,
        "pauses": case.pauses,
        "extensions": case.extensions,
        "reason_labels": {(r.kind, r.code): r.label for r in session.scalars(select(ClockReason))},
        "corrections": (history := service.case_history(session, case)),
        "correction_names": user_names(session, {c.corrected_by_id for c in history}),
        "contact_rows": _rows(
            [
                ("First contact", _dt(case.first_contact_at)),
                ("Channel", Channel(case.channel).label),
                ("Receiving force", case.receiving_force),
                ("Police reference", case.police_reference or "None"),
                (
                    "Applicant",
                    ApplicantType(case.applicant_type).label
                    if case.applicant_type
                    else "None: the police began it",
                ),
                ("What prompted it", case.information_received or "Not recorded"),
                (
                    "Alleged crime",
                    f"Yes, crime reference {case.crime_reference}" if case.alleged_crime else "No",
                ),
                ("Clock policy", f"{policy.name}"),
            ]
        ),
        "risk_rows": _rows(
            [
                (
                    "Immediate risk",
                    f"Yes. Action: {case.immediate_risk_action}" if case.immediate_risk else "No",
                ),
                ("DASH score", str(case.dash_score) if case.dash_score is not None else "Not done"),
                ("Risk level", level.label if level else "Not assessed"),
                ("Professional judgement", case.risk_rationale or "No change"),
                ("Previous incidents", _incidents(case, policy)),
                (
                    "Referrals",
                    ", ".join(
                        n for n, on in (("MARAC", case.marac_referral), ("IDVA", case.idva_referral)) if on
                    )
                    or "None",
                ),
                ("RAG", (case.rag or "").capitalize()),
            ]
        )
        if case.rag
        else [],
        "identity_rows": _rows(
            [
                ("Meeting", _dt(case.meeting_at)),
                ("Identity", "Verified" if case.identity_verified else "Not verified"),
                (
                    "Documents seen",
                    ", ".join(IdentityDocument(d).label for d in case.identity_documents.split(",") if d)
                    or "None",
                ),
                ("Notes", case.identity_notes or "None"),
            ]
        )
        if case.meeting_at
        else [],
        "researcher_options": (researchers := researcher_options(session) if can_start_research else []),
        "researcher_chosen": researcher_chosen(case, researchers) if can_start_research else "",
        "actions": {
            "edit_people": is_open
            and status
            in (
                RequestStatus.LOGGED,
                RequestStatus.INITIAL_CHECKS_DONE,
                RequestStatus.MEETING_HELD,
                RequestStatus.IN_RESEARCH,
            ),
            "triage": is_open and status in (RequestStatus.LOGGED, RequestStatus.INITIAL_CHECKS_DONE),
            "correct": is_open,
            "complete_initial_checks": Verb.COMPLETE_INITIAL_CHECKS in verbs,
            "verify_identity": Verb.RECORD_MEETING in verbs and route.has_applicant,
            "start_research": can_start_research,
            "close": Verb.CLOSE in verbs,
            "out_of_scope": Verb.CLOSE_OUT_OF_SCOPE in verbs and route is Route.CSODS_APPLICATION,
            "withdraw": Verb.WITHDRAW in verbs,
            "assign": is_open,
            "pause": is_open and not paused,
            "resume": paused,
            "extend": is_open,
        },
    }


def _incidents(case: DisclosureRequest, policy: ClockPolicy) -> str:
    if not case.incidents:
        return "None recorded"
    listed = "; ".join(f"{format_date(i.occurred_on)}: {i.summary}" for i in case.incidents)
    if case.potential_escalation:
        return (
            f"Potential escalation ({policy.escalation_incidents} or more in {policy.escalation_months} "
            f"months). {listed}"
        )
    return listed


def _dt(value: datetime | None) -> str:
    return format_datetime(value) if value else "Not recorded"


def _rows(pairs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"key": {"text": k}, "value": {"text": v}} for k, v in pairs]


# The route each of the case page's actions leads to: the page offers an action only to a reader the route's
# policy admits (`accounts.policy.may`), so no one is offered what would be refused.
ACTION_ROUTES = {
    "edit_people": "requests.add_person_form",
    "triage": "requests.triage_form",
    "correct": "requests.correct_form",
    "complete_initial_checks": "requests.complete_initial_checks",
    "verify_identity": "requests.verify_identity_form",
    "start_research": "requests.start_research",
    "close": "requests.close_form",
    "out_of_scope": "requests.out_of_scope_form",
    "withdraw": "requests.withdraw_form",
    "assign": "requests.assign_form",
    "pause": "requests.pause_form",
    "resume": "requests.resume",
    "extend": "requests.extend_form",
}


def researcher_options(session: Session) -> list[tuple[str, str]]:
    """The researchers a case can be handed to (researchers only), for the hand-over's list."""
    return [(str(u.id), u.display_name) for u in service.researchers(session)]


def researcher_chosen(case: DisclosureRequest, researchers: list[tuple[str, str]]) -> str:
    """The hand-over's starting answer among `researcher_options`: the case lead if they are a researcher,
    or the only researcher."""
    ids = [value for value, _name in researchers]
    if str(case.assignee_id) in ids:
        return str(case.assignee_id)
    return ids[0] if len(ids) == 1 else ""
