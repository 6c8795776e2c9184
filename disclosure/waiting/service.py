"""What waits for a user: one list of tasks built from every room's queues, for the home page, the counts
in the navigation and the waiting-work email [issue 16]. A task names the work in plain words and counts
it; its lines carry references, dates and links only, never who a case is about (the home page and the
email may be read over a shoulder; names are on the pages behind the links, within need to know)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Row, Select, and_, case, exists, func, or_, select, true
from sqlalchemy.orm import Session, sessionmaker

from disclosure.accounts.roles import Role
from disclosure.agencies import outbox
from disclosure.agencies.service import agency_of
from disclosure.audit import AuditEvent
from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.decisions.models import AgendaItem, Decision, PanelMeeting, PanelMember
from disclosure.decisions.vocabulary import DecisionStatus, MeetingStatus
from disclosure.force.service import still_to_set
from disclosure.missing.models import Episode, Notification, PendingMatch, ReturnInterview
from disclosure.missing.vocabulary import InterviewKind, InterviewOutcome, MatchStatus
from disclosure.requests.deadlines import NAMES
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.queue import QueueFilters, queue_statement
from disclosure.requests.vocabulary import Route
from disclosure.requests.workflow import OPEN_REQUEST_STATUSES, RequestStatus
from disclosure.research.models import PartnerRequest, ResearchPackage
from disclosure.research.workflow import PackageStatus, PartnerRequestStatus
from disclosure.retention.models import RetentionRecord
from disclosure.subject_access.models import SubjectAccessRequest
from disclosure.subject_access.vocabulary import RequestStatus as SubjectAccessStatus
from disclosure.text import format_date, format_datetime

LONDON = ZoneInfo("Europe/London")
SHOWN = 5
"""Lines listed under each task on the home page; the rest are behind its link."""
KEPT = 100
"""Lines kept of a force-wide queue (the first, in its order): the API lists them and the new-work email
compares them; its count and its late count are of every line, counted in SQL, so a queue of thousands costs
two statements like a queue of ten [issue 17]."""


@dataclass(frozen=True)
class Line:
    """One piece of waiting work: a reference or a date, where it is, and when it is due."""

    key: str
    text: str
    href: str
    note: str = ""
    late: bool = False


@dataclass(frozen=True)
class Task:
    """A kind of waiting work: `section` is the navigation link its count is added to."""

    kind: str
    label: str
    href: str
    section: str
    lines: tuple[Line, ...] = field(default=())
    total: int | None = None
    """How many lines there are in all, when only the first KEPT are here."""
    late_total: int | None = None

    @property
    def count(self) -> int:
        return len(self.lines) if self.total is None else self.total

    @property
    def shown(self) -> tuple[Line, ...]:
        return self.lines[:SHOWN]

    @property
    def late(self) -> int:
        return sum(1 for line in self.lines if line.late) if self.late_total is None else self.late_total

    @property
    def unlisted(self) -> int:
        """Lines counted but not kept here."""
        return self.count - len(self.lines)


@dataclass
class Looking:
    """One look at the queues for one user: the session, the moment and the user."""

    session: Session
    principal: Principal
    now: datetime

    def holds(self, *roles: Role) -> bool:
        return self.principal.has_any(*(r.value for r in roles))


Source = Callable[[Looking], Task | None]


def _case_line(case: Any, note: str = "", *, late: bool = False, href: str = "") -> Line:
    """`case`: a case, or a row with its CASE_COLUMNS."""
    return Line(
        key=str(case.id),
        text=case.reference,
        href=href or f"/requests/{case.id}",
        note=note or Route(case.route).label,
        late=late,
    )


@dataclass(frozen=True)
class Found:
    """The first KEPT rows of a queue, and how many rows (and late rows) it has in all."""

    rows: list[Row[*tuple[Any, ...]]]
    total: int
    late: int

    def task(self, kind: str, label: str, href: str, section: str, lines: Iterable[Line]) -> Task:
        return Task(kind, label, href, section, tuple(lines), self.total, self.late)


def _first(
    look: Looking, statement: Select[*tuple[Any, ...]], late: ColumnElement[bool] | None = None
) -> Found:
    """Two statements however long the queue: its count (and how many are `late`), then its first KEPT
    rows in the statement's order."""
    counted = statement.order_by(None).with_only_columns(
        func.count(),
        func.count(case((late if late is not None else ~true(), 1))),
        maintain_column_froms=True,
    )
    total, late_total = look.session.execute(counted).one()
    rows = list(look.session.execute(statement.limit(KEPT)).all()) if total else []
    return Found(rows, int(total), int(late_total))


CASE_COLUMNS = (
    DisclosureRequest.id,
    DisclosureRequest.reference,
    DisclosureRequest.route,
    DisclosureRequest.status,
    DisclosureRequest.first_contact_at,
)
"""What a case's line shows: read as columns, not whole cases, for the hundred lines a queue keeps."""


def _open_cases(look: Looking, *conditions: ColumnElement[bool]) -> Found:
    """Open cases meeting `conditions` (rows of CASE_COLUMNS), earliest first contact first."""
    return _first(
        look,
        select(*CASE_COLUMNS)
        .where(DisclosureRequest.status.in_([s.value for s in OPEN_REQUEST_STATUSES]), *conditions)
        .order_by(DisclosureRequest.first_contact_at, DisclosureRequest.id),
    )


# ---------------------------------------------------------------- intake (data administrators)


def to_triage(look: Looking) -> Task | None:
    """Requests logged but not yet triaged: immediate risk is judged first [DVDS-2023]."""
    if not look.holds(Role.DATA_ADMINISTRATOR):
        return None
    found = _open_cases(
        look, DisclosureRequest.status == RequestStatus.LOGGED.value, DisclosureRequest.triaged_at.is_(None)
    )
    lines = (_case_line(c, f"logged {format_datetime(c.first_contact_at)}") for c in found.rows)
    return found.task("triage", "Requests to triage", "/requests?status=logged", "/requests", lines)


def meetings_to_hold(look: Looking) -> Task | None:
    """Checked requests whose applicant must still be met face to face, identity verified [DVDS-2023]."""
    if not look.holds(Role.DATA_ADMINISTRATOR):
        return None
    found = _open_cases(
        look,
        DisclosureRequest.status == RequestStatus.INITIAL_CHECKS_DONE.value,
        DisclosureRequest.route.in_([r.value for r in Route if r.has_applicant]),
    )
    return found.task(
        "meeting",
        "Applicants to meet and verify",
        "/requests?status=initial_checks_done",
        "/requests",
        (_case_line(c) for c in found.rows),
    )


def past_deadline(look: Looking) -> Task | None:
    """Open cases whose nearest deadline has passed: every case for data administrators, who run the
    queue; a user's own cases for everyone else with a case role."""
    case_roles = (Role.DATA_ADMINISTRATOR, Role.RESEARCHER, Role.DISCLOSING_OFFICER)
    if not look.holds(*case_roles):
        return None
    whose = "" if look.holds(Role.DATA_ADMINISTRATOR) else "mine"
    # From the stored next deadline (`requests.stored_deadlines`): one statement, however many cases are
    # open [issue 17]. A deadline a pause holds is not past.
    statement = queue_statement(look.principal, QueueFilters(whose=whose or "team")).where(
        DisclosureRequest.next_deadline_held_seconds.is_(None),
        DisclosureRequest.next_deadline_at < look.now,
    )
    found = _first(
        look,
        statement.add_columns(
            DisclosureRequest.reference,
            DisclosureRequest.next_deadline_key,
            DisclosureRequest.next_deadline_at,
        ).order_by(DisclosureRequest.next_deadline_at, DisclosureRequest.reference),
        late=true(),
    )
    lines = (
        Line(
            key=str(case_id),
            text=reference,
            href=f"/requests/{case_id}",
            note=f"{NAMES.get(key, 'A deadline')} was due {format_datetime(due_at)}",
            late=True,
        )
        for case_id, reference, key, due_at in found.rows
    )
    href = "/requests" if not whose else "/requests?whose=mine"
    return found.task("overdue", "Cases past a deadline", href, "/requests", lines)


def cases_for_a_panel(look: Looking) -> Task | None:
    """Cases submitted for decision that are on no scheduled panel's agenda yet."""
    if not look.holds(Role.DATA_ADMINISTRATOR, Role.PANEL_CHAIR):
        return None
    on_agenda = exists().where(
        AgendaItem.request_id == DisclosureRequest.id,
        AgendaItem.removed_at.is_(None),
        AgendaItem.meeting_id == PanelMeeting.id,
        PanelMeeting.status == MeetingStatus.SCHEDULED.value,
    )
    found = _open_cases(look, DisclosureRequest.status == RequestStatus.AWAITING_DECISION.value, ~on_agenda)
    return found.task(
        "agenda", "Cases to put before a panel", "/panels", "/panels", (_case_line(c) for c in found.rows)
    )


# ---------------------------------------------------------------- research


def to_research(look: Looking) -> Task | None:
    """Cases handed to this researcher whose package is still being drafted (not with a reviewer and
    not submitted)."""
    if not look.holds(Role.RESEARCHER):
        return None
    waiting = (
        select(ResearchPackage.request_id)
        .where(ResearchPackage.status.in_([PackageStatus.IN_REVIEW.value, PackageStatus.SUBMITTED.value]))
        .scalar_subquery()
    )
    found = _open_cases(
        look,
        DisclosureRequest.status == RequestStatus.IN_RESEARCH.value,
        DisclosureRequest.assignee_id == look.principal.user_id,
        DisclosureRequest.id.not_in(waiting),
    )
    lines = (_case_line(c, href=f"/requests/{c.id}/research") for c in found.rows)
    return found.task("research", "Cases to research", "/requests?whose=mine", "/requests", lines)


def answers_to_read(look: Looking) -> Task | None:
    """Partner answers to requests this researcher sent, not yet looked at: they stop waiting when the
    researcher opens the case's research page after the answer came."""
    if not look.holds(Role.RESEARCHER):
        return None
    me = look.principal.user_id
    answered = look.session.execute(
        select(PartnerRequest, DisclosureRequest)
        .join(DisclosureRequest, DisclosureRequest.id == PartnerRequest.request_id)
        .where(
            PartnerRequest.status == PartnerRequestStatus.ANSWERED.value,
            PartnerRequest.sent_by_id == me,
            DisclosureRequest.status == RequestStatus.IN_RESEARCH.value,
        )
        .order_by(PartnerRequest.responded_at)
    ).all()
    rows = look.session.execute(
        select(AuditEvent.object_id, func.max(AuditEvent.occurred_at))
        .where(
            AuditEvent.actor_id == me,
            AuditEvent.action == "research.package.view",
            AuditEvent.object_id.in_({str(case.id) for _, case in answered}),
        )
        .group_by(AuditEvent.object_id)
    ).all()
    looked = dict(rows)
    found = [
        (sent, case)
        for sent, case in answered
        if sent.responded_at is None or str(case.id) not in looked or looked[str(case.id)] < sent.responded_at
    ]
    lines = [
        Line(
            key=str(sent.id),
            text=case.reference,
            href=f"/requests/{case.id}/research",
            note=f"answered {format_datetime(sent.responded_at)}" if sent.responded_at else "answered",
        )
        for sent, case in found
    ]
    return Task(
        "answers",
        "Partner answers to read",
        "/research/partner-requests",
        "/research/partner-requests",
        tuple(lines),
    )


def answers_overdue(look: Looking) -> Task | None:
    """Requests this researcher sent whose agreed answer date has passed: to chase [issue 4]."""
    if not look.holds(Role.RESEARCHER):
        return None
    today = look.now.astimezone(LONDON).date()
    found = _first(
        look,
        select(PartnerRequest, DisclosureRequest)
        .join(DisclosureRequest, DisclosureRequest.id == PartnerRequest.request_id)
        .where(
            PartnerRequest.status == PartnerRequestStatus.OPEN.value,
            PartnerRequest.sent_by_id == look.principal.user_id,
            PartnerRequest.due_on < today,
        )
        .order_by(PartnerRequest.due_on, PartnerRequest.id),
        late=true(),
    )
    lines = (
        Line(
            key=str(sent.id),
            text=case.reference,
            href=f"/requests/{case.id}/research",
            note=f"answer was due {format_date(sent.due_on)}",
            late=True,
        )
        for sent, case in found.rows
    )
    return found.task(
        "chase",
        "Partner requests to chase",
        "/research/partner-requests",
        "/research/partner-requests",
        lines,
    )


def to_review(look: Looking) -> Task | None:
    """Evidence packages sent to this user for review (never their own: the drafter cannot review)."""
    if not look.holds(Role.RESEARCHER):
        return None
    found = look.session.execute(
        select(ResearchPackage, DisclosureRequest)
        .join(DisclosureRequest, DisclosureRequest.id == ResearchPackage.request_id)
        .where(
            ResearchPackage.status == PackageStatus.IN_REVIEW.value,
            ResearchPackage.reviewer_id == look.principal.user_id,
        )
        .order_by(ResearchPackage.updated_at)
    ).all()
    lines = [
        _case_line(
            case, f"sent {format_datetime(package.updated_at)}", href=f"/requests/{case.id}/research/review"
        )
        for package, case in found
    ]
    return Task("review", "Evidence packages to review", "/requests", "/requests", tuple(lines))


# ---------------------------------------------------------------- panels


def panels_to_attend(look: Looking) -> Task | None:
    """Scheduled panels from today on that this user sits on or chairs."""
    if not look.holds(Role.PANEL_MEMBER, Role.PANEL_CHAIR):
        return None
    me = look.principal.user_id
    today = look.now.astimezone(LONDON).replace(hour=0, minute=0, second=0, microsecond=0)
    member = exists().where(PanelMember.meeting_id == PanelMeeting.id, PanelMember.user_id == me)
    meetings = look.session.scalars(
        select(PanelMeeting)
        .where(
            PanelMeeting.status == MeetingStatus.SCHEDULED.value,
            PanelMeeting.meets_at >= today,
            or_(PanelMeeting.chair_id == me, member),
        )
        .order_by(PanelMeeting.meets_at)
    )
    lines = [
        Line(
            key=str(m.id),
            text=format_datetime(m.meets_at),
            href=f"/panels/{m.id}",
            note=("you chair it" if m.chair_id == me else "you are a member")
            + (f", {m.location}" if m.location else ""),
        )
        for m in meetings
    ]
    return Task("panels", "Panels to attend", "/panels", "/panels", tuple(lines))


def decisions_to_sign(look: Looking) -> Task | None:
    """Drafted decisions of panels this user chairs, waiting for the chair's sign-off [DVDS-2023]."""
    if not look.holds(Role.PANEL_CHAIR):
        return None
    found = look.session.execute(
        select(Decision, AgendaItem, PanelMeeting, DisclosureRequest)
        .join(AgendaItem, AgendaItem.id == Decision.agenda_item_id)
        .join(PanelMeeting, PanelMeeting.id == AgendaItem.meeting_id)
        .join(DisclosureRequest, DisclosureRequest.id == Decision.request_id)
        .where(Decision.status == DecisionStatus.DRAFT.value, PanelMeeting.chair_id == look.principal.user_id)
        .order_by(Decision.created_at)
    ).all()
    lines = [
        _case_line(
            case,
            f"panel of {format_date(meeting.meets_at)}",
            href=f"/panels/{meeting.id}/items/{item.id}/sign",  # the sign-off form, which shows the decision
        )
        for _, item, meeting, case in found
    ]
    return Task("sign", "Decisions to sign", "/panels", "/panels", tuple(lines))


# ---------------------------------------------------------------- delivery


def to_deliver(look: Looking) -> Task | None:
    """Decided cases whose disclosure or outcome this officer is to deliver: named on the signed decision,
    or leading the case; a decided case with no officer at all waits for every disclosing officer."""
    if not look.holds(Role.DISCLOSING_OFFICER):
        return None
    me = look.principal.user_id
    decided = [RequestStatus.TO_DISCLOSE.value, RequestStatus.OUTCOME_TO_COMMUNICATE.value]
    deliverer = (
        select(Decision.deliverer_id)
        .where(Decision.request_id == DisclosureRequest.id, Decision.status == DecisionStatus.SIGNED.value)
        .order_by(Decision.signed_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    found = _open_cases(
        look,
        DisclosureRequest.status.in_(decided),
        or_(
            deliverer == me,
            and_(deliverer.is_(None), DisclosureRequest.assignee_id == me),
            and_(deliverer.is_(None), DisclosureRequest.assignee_id.is_(None)),
        ),
    )
    lines = (
        _case_line(
            c, RequestStatus(c.status).label.removeprefix("Decided: "), href=f"/requests/{c.id}/letters"
        )
        for c in found.rows
    )
    return found.task(
        "deliver", "Disclosures and outcomes to deliver", "/requests?whose=mine", "/requests", lines
    )


# ---------------------------------------------------------------- missing people


def interviews_due(look: Looking) -> Task | None:
    """Children's return home interviews not yet offered, due within 72 hours of the return
    [MissingPeople-2024]; the late ones first."""
    if not look.holds(Role.DATA_ADMINISTRATOR):
        return None
    found = _first(
        look,
        select(
            ReturnInterview,
            select(Episode.police_reference)
            .where(Episode.id == ReturnInterview.episode_id)
            .scalar_subquery(),
        )
        .where(
            ReturnInterview.kind == InterviewKind.RETURN_HOME.value,
            ReturnInterview.outcome == InterviewOutcome.DUE.value,
        )
        .order_by(ReturnInterview.due_at, ReturnInterview.id),
        late=ReturnInterview.due_at < look.now,
    )
    lines = (
        Line(
            key=str(i.id),
            text=(f"{reference}: d" if reference else "D")
            + (f"ue {format_datetime(i.due_at)}" if i.due_at else "ue"),
            href=f"/missing/episodes/{i.episode_id}/interview",  # the task's own form, one step away
            note="overdue" if i.due_at and i.due_at < look.now else "",
            late=bool(i.due_at and i.due_at < look.now),
        )
        for i, reference in found.rows
    )
    return found.task("interviews", "Return home interviews due", "/missing", "/missing", lines)


def matches_to_confirm(look: Looking) -> Task | None:
    """People from the police feed or protocol forms whom matching could not place with certainty."""
    if not look.holds(Role.DATA_ADMINISTRATOR):
        return None
    found = _first(
        look,
        select(PendingMatch)
        .where(PendingMatch.status == MatchStatus.PENDING.value)
        .order_by(PendingMatch.created_at, PendingMatch.id),
    )
    lines = (
        Line(
            key=str(m.id),
            text="From the police feed" if m.episode_id else "From a protocol form",
            href=f"/missing/matches/{m.id}",
            note=f"since {format_datetime(m.created_at)}",
        )
        for (m,) in found.rows
    )
    return found.task("matches", "People to confirm", "/missing/matches", "/missing", lines)


# ---------------------------------------------------------------- partner agencies


def partner_requests(look: Looking) -> Task | None:
    """Requests for information addressed to this partner user's agency, still open, oldest due first."""
    if not look.holds(Role.PARTNER):
        return None
    agency = agency_of(look.session, look.principal.user_id)
    if agency is None:
        return None
    today = look.now.astimezone(LONDON).date()
    found = _first(
        look,
        select(PartnerRequest)
        .where(
            PartnerRequest.agency_id == agency.id, PartnerRequest.status == PartnerRequestStatus.OPEN.value
        )
        .order_by(PartnerRequest.due_on, PartnerRequest.id),
        late=PartnerRequest.due_on < today,
    )
    lines = (
        Line(
            key=str(p.id),
            text=f"Sent {format_date(p.sent_at)}",
            href=f"/partner/requests/{p.id}",
            note=f"answer due {format_date(p.due_on)}",
            late=p.due_on < today,
        )
        for (p,) in found.rows
    )
    return found.task("partner_requests", "Requests for information to answer", "/partner", "/partner", lines)


def notices_to_acknowledge(look: Looking) -> Task | None:
    """Missing-person notifications sent to this user's agency (or to them by name), not yet acknowledged."""
    if not look.holds(Role.PARTNER):
        return None
    agency = agency_of(look.session, look.principal.user_id)
    if agency is None:
        return None
    found = _first(
        look,
        select(Notification)
        .where(
            Notification.agency_id == agency.id,
            or_(Notification.user_id.is_(None), Notification.user_id == look.principal.user_id),
            Notification.sent_at.is_not(None),
            Notification.acknowledged_at.is_(None),
        )
        .order_by(Notification.urgent.desc(), Notification.sent_at, Notification.id),
        late=Notification.urgent.is_(True),
    )
    lines = (
        Line(
            key=str(n.id),
            text=("Urgent notice" if n.urgent else "Digest") + f" of {format_datetime(n.sent_at)}",
            href=f"/partner/missing/{n.id}",
            late=n.urgent,
        )
        for (n,) in found.rows
    )
    return found.task(
        "notices",
        "Missing-person notifications to acknowledge",
        "/partner/missing",
        "/partner/missing",
        lines,
    )


# ---------------------------------------------------------------- records review (MoPI)


def records_to_review(look: Looking) -> Task | None:
    """Records whose review is due and that no legal hold keeps, longest due first [APP-MoPI]."""
    if not look.holds(Role.RECORDS_REVIEWER):
        return None
    due = select(RetentionRecord.id, RetentionRecord.label, RetentionRecord.review_due_on).where(
        RetentionRecord.review_due_on <= look.now.astimezone(LONDON).date(), RetentionRecord.held_at.is_(None)
    )
    found = _first(look, due.order_by(RetentionRecord.review_due_on, RetentionRecord.id))
    lines = (
        Line(str(r.id), r.label, f"/retention/{r.id}", note=f"due {format_date(r.review_due_on)}")
        for r in found.rows
    )
    return found.task("retention", "Records due for review", "/retention", "/retention", lines)


def subject_access_due(look: Looking) -> Task | None:
    """Open subject access requests, soonest due first; late once past the month (DPA 2018 s.54)."""
    if not look.holds(Role.INFORMATION_RIGHTS):
        return None
    today = look.now.astimezone(LONDON).date()
    chosen = select(
        SubjectAccessRequest.id, SubjectAccessRequest.received_on, SubjectAccessRequest.due_on
    ).where(SubjectAccessRequest.status == SubjectAccessStatus.OPEN.value)
    found = _first(
        look,
        chosen.order_by(SubjectAccessRequest.due_on, SubjectAccessRequest.id),
        SubjectAccessRequest.due_on < today,
    )
    lines = (
        Line(
            str(r.id),
            f"Received {format_date(r.received_on)}",
            f"/subject-access/{r.id}",
            note=f"due {format_date(r.due_on)}",
            late=r.due_on < today,
        )
        for r in found.rows
    )
    return found.task(
        "subject_access", "Subject access requests to answer", "/subject-access", "/subject-access", lines
    )


# ---------------------------------------------------------------- administration


def settings_to_set(look: Looking) -> Task | None:
    """The set-up checklist: what the force's profile still lacks for letters and the clocks."""
    if not look.holds(Role.ADMINISTRATOR):
        return None
    lines = [Line(key=item, text=item, href="/admin/settings") for item in still_to_set(look.session)]
    return Task("setup", "Finish setting up the service", "/admin/settings", "/admin/settings", tuple(lines))


def mail_failing(look: Looking) -> Task | None:
    """Messages the mail server refused or could not be reached for."""
    if not look.holds(Role.ADMINISTRATOR):
        return None
    health = outbox.health(look.session)
    lines = (
        [
            Line(
                key="mail",
                text=f"{health.failing} waiting",
                href="/admin/missing",
                note=health.last_error[:200],
            )
        ]
        if health.failing
        else []
    )
    return Task("mail", "Emails that could not be sent", "/admin/missing", "/admin/missing", tuple(lines))


SOURCES: tuple[Source, ...] = (
    settings_to_set,
    mail_failing,
    to_triage,
    past_deadline,
    meetings_to_hold,
    cases_for_a_panel,
    to_research,
    answers_to_read,
    answers_overdue,
    to_review,
    panels_to_attend,
    decisions_to_sign,
    to_deliver,
    interviews_due,
    matches_to_confirm,
    partner_requests,
    notices_to_acknowledge,
    records_to_review,
    subject_access_due,
)
"""In the order the home page lists them."""


def tasks(session: Session, principal: Principal, now: datetime | None = None) -> list[Task]:
    """What waits for this user now, each kind with at least one line."""
    look = Looking(session, principal, now or utcnow())
    found = (source(look) for source in SOURCES)
    return [task for task in found if task is not None and task.lines]


def counts(found: Iterable[Task]) -> dict[str, int]:
    """The number waiting under each navigation link."""
    totals: dict[str, int] = {}
    for task in found:
        totals[task.section] = totals.get(task.section, 0) + task.count
    return totals


class CountsCache:
    """The navigation's counts for each user, recomputed at most every `ttl` seconds, and at once after
    the user changes something (`forget`): their own work shows straight away, others' within the minute.
    Read before the request opens its own database session, like the force's name."""

    def __init__(self, factory: sessionmaker[Session], ttl: float = 60.0) -> None:
        self.factory, self.ttl = factory, ttl
        self._lock = threading.Lock()
        self._values: dict[uuid.UUID, tuple[float, dict[str, int]]] = {}

    def get(self, principal: Principal) -> dict[str, int]:
        now = time.monotonic()
        with self._lock:
            held = self._values.get(principal.user_id)
        if held is not None and now - held[0] <= self.ttl:
            return held[1]
        with self.factory() as session:
            value = counts(tasks(session, principal))
        self.remember(principal.user_id, value)
        return value

    def remember(self, user_id: uuid.UUID, value: dict[str, int]) -> None:
        with self._lock:
            if len(self._values) > 10_000:  # a bound, not a policy: the next page recomputes
                self._values.clear()
            self._values[user_id] = (time.monotonic(), value)

    def forget(self, user_id: uuid.UUID) -> None:
        with self._lock:
            self._values.pop(user_id, None)


def keys(found: Iterable[Task]) -> set[str]:
    """Opaque identities of every waiting line, for telling a user only about what is new."""
    return {f"{task.kind}:{line.key}" for task in found for line in task.lines}
