"""The annual returns: DVDS (Clare's Law) and CSODS (Sarah's Law) to the Home Office, and the missing-person
figures the MASH reports, per financial year (DOMAIN.md "Statistics the service must produce":
[PQ-128299], [PQ-2025], [MissingPeople-2024]).

Each figure is one `Figure`: its words, its written definition (shown beside the figure, in the export and
in the README) and one condition that both counts it and lists the records behind it, so the number and the
list can never disagree. Which date puts a record in a year:
- an application (any request) by its first contact with the police;
- a disclosure, or an outcome communicated without one, by its recorded delivery;
- a missing episode by when it was reported; a return home interview by the child's return.
A withdrawn or out-of-scope application is still an application received (the return shows how many of
each as "of which" lines); linked Clare's Law and Sarah's Law cases are two cases and count once in each
scheme's return. Figures are read from the records as they stand: a correction made after the year ended
can move a record between years, and the return lists every such correction.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, and_, case, cast, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from disclosure import paging
from disclosure.accounts.roles import Role, require_case_role
from disclosure.auth import Principal
from disclosure.corrections import Correction
from disclosure.errors import NotFound, PermissionDenied
from disclosure.letters.models import Delivery
from disclosure.missing import rules
from disclosure.missing.models import Episode, PendingMatch, ReturnInterview
from disclosure.missing.vocabulary import CareStatus, InterviewKind, InterviewOutcome
from disclosure.people import service as people
from disclosure.people.models import Person
from disclosure.reports.periods import FinancialYear
from disclosure.reports.sql import days_between, uk_local
from disclosure.requests.access import readable
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.vocabulary import ClosureReason, Route
from disclosure.research.models import ResearchPackage

CASES, EPISODES, PEOPLE, INTERVIEWS = "cases", "episodes", "people", "interviews"
"""What a figure counts (and so what its list shows)."""


@dataclass(frozen=True)
class Figure:
    """One line of a return. `part_of` names the figure this one is part of ("of which")."""

    key: str
    label: str
    definition: str
    counts: str = CASES
    part_of: str = ""


@dataclass(frozen=True)
class Line:
    figure: Figure
    value: int


@dataclass(frozen=True)
class Return:
    """One scheme's return for one year."""

    key: str
    title: str
    year: FinancialYear
    lines: list[Line]

    def value(self, key: str) -> int:
        return next(line.value for line in self.lines if line.figure.key == key)


@dataclass(frozen=True)
class LateCorrection:
    """A correction made after the year ended to a fact that places records in years. Which record and
    which fact, never the values (a date of birth is personal data)."""

    corrected_at: datetime
    record: str
    reference: str
    label: str


# ------------------------------------------------------------------------------------------ figures

_ANY_OUTCOME = (
    "whatever became of them: including those later withdrawn (or, on Sarah's Law, closed as out of "
    "scope) and those still open"
)
_DELIVERED = (
    "delivered in the year (the recorded time of the disclosure to the person told), whenever the request "
    "was made: a request made in March and disclosed in April counts in one year's requests and the next "
    "year's disclosures"
)

DVDS = (
    Figure(
        "rta-applications",
        "Right to Ask applications",
        "Right to Ask applications whose first contact with the police fell in the year (UK time), "
        f"{_ANY_OUTCOME}.",
    ),
    Figure(
        "rta-withdrawn",
        "withdrawn",
        "Of the year's Right to Ask applications, those withdrawn by the applicant (as they stand today).",
        part_of="rta-applications",
    ),
    Figure("rta-disclosures", "Right to Ask disclosures", f"Right to Ask disclosures {_DELIVERED}."),
    Figure(
        "rta-no-disclosure",
        "Right to Ask outcomes without disclosure",
        "Right to Ask decisions not to disclose whose outcome was communicated to the applicant in the year.",
    ),
    Figure(
        "rtk-applications",
        "Right to Know applications",
        "Right to Know cases (the police's own initiative, from information received) whose first contact "
        f"fell in the year (UK time), {_ANY_OUTCOME}.",
    ),
    Figure("rtk-disclosures", "Right to Know disclosures", f"Right to Know disclosures {_DELIVERED}."),
    Figure(
        "rtk-no-disclosure",
        "Right to Know decisions not to disclose",
        "Right to Know decisions not to disclose recorded as communicated in the year.",
    ),
)

CSODS = (
    Figure(
        "applications",
        "Applications",
        "Sarah's Law applications whose first contact with the police fell in the year (UK time), "
        f"{_ANY_OUTCOME}. Proactive disclosures are not applications.",
    ),
    Figure(
        "registered-applications",
        "about a registered sex offender",
        "Of the year's applications, those whose research recorded the subject as a registered sex offender.",
        part_of="applications",
    ),
    Figure(
        "unrecorded-applications",
        "subject's registration not yet recorded",
        "Of the year's applications, those whose research has not yet recorded whether the subject is "
        "registered (they may still join the line above).",
        part_of="applications",
    ),
    Figure(
        "withdrawn",
        "withdrawn",
        "Of the year's applications, those withdrawn by the applicant (as they stand today).",
        part_of="applications",
    ),
    Figure(
        "out-of-scope",
        "closed as out of scope",
        "Of the year's applications, those closed as outside the scheme (as they stand today).",
        part_of="applications",
    ),
    Figure(
        "disclosures",
        "Disclosures",
        f"Sarah's Law disclosures, on an application or proactive, {_DELIVERED}.",
    ),
    Figure(
        "proactive-disclosures",
        "proactive (no application)",
        "Of the year's disclosures, those the police made on their own initiative.",
        part_of="disclosures",
    ),
)

MISSING = (
    Figure(
        "episodes",
        "Missing episodes",
        "Episodes reported in the year (UK time), from the service and from the police feed, whether or not "
        "the person has returned.",
        EPISODES,
    ),
    Figure(
        "child-episodes",
        "of children",
        "Of the year's episodes, those of a child: under 18 on the day reported, or of unknown age (the "
        "child's rules apply then), and not an adult with care and support needs.",
        EPISODES,
        "episodes",
    ),
    Figure(
        "adult-episodes",
        "of adults",
        "Of the year's episodes, those of an adult: 18 or over on the day reported, or an adult with care "
        "and support needs.",
        EPISODES,
        "episodes",
    ),
    Figure(
        "people",
        "People missing",
        "Different people with an episode reported in the year. An episode whose person the MASH has not "
        "yet confirmed is counted in the line below instead.",
        PEOPLE,
    ),
    Figure(
        "children",
        "children",
        "Of those people, those who were children at their first episode of the year (of two reported at "
        "that same moment, at both).",
        PEOPLE,
        "people",
    ),
    Figure(
        "adults",
        "adults",
        "Of those people, those who were adults at their first episode of the year (of two reported at that "
        "same moment, at either).",
        PEOPLE,
        "people",
    ),
    Figure(
        "unconfirmed",
        "Episodes whose person is still to be confirmed",
        "Episodes of the year from the police feed whose match to the people index awaits confirmation.",
        EPISODES,
    ),
    Figure(
        "repeat",
        "Repeat-missing people",
        "People with an episode in the year that met the force's repeat rule when reported: at least N "
        "episodes within M days, counting their episodes before the year (N and M as set today in the "
        "missing-person rules).",
        PEOPLE,
    ),
    Figure(
        "interviews-due",
        "Return home interviews due",
        "Children's returns in the year (found or returned, UK time), each owed a return home interview "
        "within 72 hours.",
        INTERVIEWS,
    ),
    Figure(
        "interviews-offered",
        "offered",
        "Of those, interviews offered to the child (then held, declined or still to take place).",
        INTERVIEWS,
        "interviews-due",
    ),
    Figure(
        "interviews-completed",
        "completed",
        "Of those, interviews that took place.",
        INTERVIEWS,
        "interviews-due",
    ),
    Figure(
        "interviews-in-time",
        "completed within 72 hours",
        "Of those, interviews that took place within 72 hours of the return.",
        INTERVIEWS,
        "interviews-due",
    ),
)

SCHEMES = {
    "dvds": ("Clare's Law (Domestic Violence Disclosure Scheme)", DVDS),
    "csods": ("Sarah's Law (Child Sex Offender Disclosure Scheme)", CSODS),
    "missing": ("Missing people", MISSING),
}
"""Each return: its title and figures, in the order the return lists them."""


def figure(scheme: str, key: str) -> Figure:
    """A return's figure by its key, or NotFound."""
    found = next((f for f in SCHEMES.get(scheme, ("", ()))[1] if f.key == key), None)
    if found is None:
        raise NotFound("There is no such figure in the returns")
    return found


# ------------------------------------------------------------------------------------ case figures


def _in(column: Any, year: FinancialYear) -> ColumnElement[bool]:
    return and_(column >= year.begins, column < year.ends)


def _case_conditions(scheme: str, year: FinancialYear) -> dict[str, ColumnElement[bool]]:
    """Each case figure's condition over requests joined to their delivery and research package."""
    route, applied_at = DisclosureRequest.route, _in(DisclosureRequest.first_contact_at, year)
    delivered = _in(Delivery.occurred_at, year)
    disclosed, not_disclosed = Delivery.disclosure.is_(True), Delivery.disclosure.is_(False)
    reason = DisclosureRequest.closure_reason
    if scheme == "dvds":
        rta, rtk = route == Route.RIGHT_TO_ASK.value, route == Route.RIGHT_TO_KNOW.value
        return {
            "rta-applications": and_(rta, applied_at),
            "rta-withdrawn": and_(rta, applied_at, reason == ClosureReason.WITHDRAWN.value),
            "rta-disclosures": and_(rta, delivered, disclosed),
            "rta-no-disclosure": and_(rta, delivered, not_disclosed),
            "rtk-applications": and_(rtk, applied_at),
            "rtk-disclosures": and_(rtk, delivered, disclosed),
            "rtk-no-disclosure": and_(rtk, delivered, not_disclosed),
        }
    applied = and_(route == Route.CSODS_APPLICATION.value, applied_at)
    csods = route.in_([Route.CSODS_APPLICATION.value, Route.CSODS_PROACTIVE.value])
    return {
        "applications": applied,
        "registered-applications": and_(applied, ResearchPackage.subject_registered.is_(True)),
        "unrecorded-applications": and_(applied, ResearchPackage.subject_registered.is_(None)),
        "withdrawn": and_(applied, reason == ClosureReason.WITHDRAWN.value),
        "out-of-scope": and_(applied, reason == ClosureReason.OUT_OF_SCOPE.value),
        "disclosures": and_(csods, delivered, disclosed),
        "proactive-disclosures": and_(route == Route.CSODS_PROACTIVE.value, delivered, disclosed),
    }


def _cases_joined(*columns: Any) -> Any:
    return (
        select(*columns)
        .select_from(DisclosureRequest)
        .outerjoin(Delivery, Delivery.request_id == DisclosureRequest.id)
        .outerjoin(ResearchPackage, ResearchPackage.request_id == DisclosureRequest.id)
    )


def _scheme_routes(scheme: str) -> list[str]:
    return [r.value for r in Route if r.scheme.value == scheme]


def _case_return(session: Session, scheme: str, year: FinancialYear) -> Return:
    """Every figure of a scheme's return in one statement over the scheme's cases touched in the year (first
    contacted or delivered in it). One pass over the cases: at the country's size it beat finding each set
    by its own index and uniting them (0.33 s against 0.74 s on SQLite)."""
    conditions = _case_conditions(scheme, year)
    sums = [func.coalesce(func.sum(case((c, 1), else_=0)), 0) for c in conditions.values()]
    statement = _cases_joined(*sums).where(
        DisclosureRequest.route.in_(_scheme_routes(scheme)),
        or_(_in(DisclosureRequest.first_contact_at, year), _in(Delivery.occurred_at, year)),
    )
    values = dict(zip(conditions, session.execute(statement).one(), strict=True))
    title, figures = SCHEMES[scheme]
    return Return(scheme, title, year, [Line(f, int(values[f.key])) for f in figures])


# --------------------------------------------------------------------------------- missing figures
#
# Counted in SQL, so a year of the whole country's episodes is a few aggregate statements, never a million
# rows in Python. Who is a child follows `rules.adult_at` exactly (a test compares the two at the edges):
# 18 or over on the UK day the episode is reported, from the date of birth (the person's, or while the feed's
# match awaits confirmation the one reported), or an adult with care and support needs.


def _adult(session: Session, year: FinancialYear, reported_at: Any, born: Any, care_needs: Any) -> Any:
    """`rules.adult_at` in SQL for an episode reported in `year`, as 1 (an adult's) or 0: care and support
    needs, or an 18th birthday on or before the UK day reported. Whoever turned 18 by the year's first day,
    or turns 18 after its last, is decided by comparing the date of birth with a constant; only those who
    turn 18 within the year (one person in seventy) need the birthday written out: as text ("2026-02-29"
    for a leap-day birth) compared with the UK day as text, the same (year, month, day) order as Python's,
    so a 29 February birthday turns 18 on 1 March in other years."""
    first, last = date(year.start, 4, 1), date(year.start + 1, 3, 31)
    born_text = cast(born, String)
    eighteenth = cast(cast(func.substr(born_text, 1, 4), Integer) + rules.ADULT_AGE, String).concat(
        func.substr(born_text, 5, 6)
    )
    day = func.substr(cast(uk_local(session, reported_at, year.begins, year.ends), String), 1, 10)
    return case(
        (care_needs, 1),
        (born.is_(None), 0),
        (born <= first.replace(year=first.year - rules.ADULT_AGE), 1),
        (born > last.replace(year=last.year - rules.ADULT_AGE), 0),
        (eighteenth <= day, 1),
        else_=0,
    )


def _episodes(session: Session, year: FinancialYear) -> Any:
    """The year's episodes, each with whether it is an adult's."""
    reported_born = (
        select(PendingMatch.date_of_birth)
        .where(PendingMatch.episode_id == Episode.id)
        .order_by(PendingMatch.id)
        .limit(1)
        .scalar_subquery()
    )
    born = case((Episode.person_id.is_(None), reported_born), else_=Person.date_of_birth)
    return (
        select(
            Episode.id.label("id"),
            Episode.person_id.label("person_id"),
            Episode.reported_at.label("reported_at"),
            _adult(session, year, Episode.reported_at, born, _care_needs(Episode)).label("adult"),
        )
        .outerjoin(Person, Person.id == Episode.person_id)
        .where(_in(Episode.reported_at, year))
        .subquery("year_episodes")
    )


def _care_needs(episode: Any) -> ColumnElement[bool]:
    return episode.care_status == CareStatus.ADULT_CARE_NEEDS.value  # type: ignore[no-any-return]


def _people(session: Session, year: FinancialYear) -> Any:
    """The people with an episode in the year (confirmed in the people index), each with the time of their
    first episode of the year and whether they were an adult then: by their date of birth, or with care
    and support needs recorded at an episode reported at that moment (of two reported at that same moment,
    an adult's at either). A group by person, then one look-up in the year's index per person for care
    needs at that moment: at the country's size (300,000 episodes) 0.5 s, where joining back to each
    person's episodes took 1.3 s and numbering them in a window longer still."""
    firsts = (
        select(Episode.person_id.label("person_id"), func.min(Episode.reported_at).label("first_at"))
        .where(_in(Episode.reported_at, year), Episode.person_id.is_not(None))
        .group_by(Episode.person_id)
        .subquery("firsts")
    )
    at_first = aliased(Episode)
    care_needs = (
        select(at_first.id)
        .where(
            at_first.reported_at == firsts.c.first_at,
            at_first.person_id == firsts.c.person_id,
            _care_needs(at_first),
        )
        .exists()
    )
    adult = _adult(session, year, firsts.c.first_at, Person.date_of_birth, care_needs)
    return (
        select(
            firsts.c.person_id.label("person_id"),
            firsts.c.first_at.label("reported_at"),
            adult.label("adult"),
        )
        .join(Person, Person.id == firsts.c.person_id)
        .subquery("year_people")
    )


def _episode_conditions(e: Any) -> dict[str, ColumnElement[bool]]:
    return {
        "episodes": true(),
        "child-episodes": e.c.adult == 0,
        "adult-episodes": e.c.adult == 1,
        "unconfirmed": e.c.person_id.is_(None),
    }


def _people_conditions(p: Any) -> dict[str, ColumnElement[bool]]:
    return {"people": true(), "children": p.c.adult == 0, "adults": p.c.adult == 1}


def _flagged(session: Session, year: FinancialYear) -> Any:
    """The people whose episode reported in the year met the repeat rule when reported (at least N of their
    episodes reported within the M days up to it, counting those before the year), with the time of their
    first such episode. Only candidates are looked at closely: people with N episodes between M days before
    the year and its end, one of them in the year (a grouped pass over the year's index); each of their
    episodes in the year then counts its predecessors by the person's index. At the country's size this is
    about three times quicker than comparing every person's episodes in a window."""
    settings = rules.current_settings(session)
    n, since = settings.repeat_episodes, year.begins - timedelta(days=settings.repeat_days)
    candidates = (
        select(Episode.person_id.label("person_id"))
        .where(Episode.person_id.is_not(None), Episode.reported_at >= since, Episode.reported_at < year.ends)
        .group_by(Episode.person_id)
        .having(func.count() >= n, func.max(Episode.reported_at) >= year.begins)
        .subquery("candidates")
    )
    episode, earlier = aliased(Episode), aliased(Episode)
    within = (
        select(func.count())
        .where(
            earlier.person_id == episode.person_id,
            earlier.reported_at >= since,
            earlier.reported_at <= episode.reported_at,
            days_between(session, earlier.reported_at, episode.reported_at) <= settings.repeat_days,
        )
        .scalar_subquery()
    )
    return (
        select(episode.person_id.label("person_id"), func.min(episode.reported_at).label("at"))
        .select_from(candidates)
        .join(episode, episode.person_id == candidates.c.person_id)
        .where(_in(episode.reported_at, year), within >= n)
        .group_by(episode.person_id)
        .subquery("flagged")
    )


def _interview_conditions() -> dict[str, ColumnElement[bool]]:
    taken_up = [
        InterviewOutcome.OFFERED.value,
        InterviewOutcome.DECLINED.value,
        InterviewOutcome.COMPLETED.value,
    ]
    completed = ReturnInterview.outcome == InterviewOutcome.COMPLETED.value
    return {
        "interviews-due": true(),
        "interviews-offered": ReturnInterview.outcome.in_(taken_up),
        "interviews-completed": completed,
        "interviews-in-time": and_(
            completed,
            ReturnInterview.completed_at.is_not(None),
            ReturnInterview.completed_at <= ReturnInterview.due_at,
        ),
    }


def _interviews(year: FinancialYear, *columns: Any) -> Any:
    """Children's return home interviews owed for returns in the year: the interviews of the episodes
    returned in the year, found by episode (at the country's size this is twice as quick as a join, which
    SQLite's planner starts from every return home interview ever owed)."""
    returned = select(Episode.id).where(_in(Episode.returned_at, year))
    return (
        select(*columns)
        .select_from(ReturnInterview)
        .where(
            ReturnInterview.kind == InterviewKind.RETURN_HOME.value, ReturnInterview.episode_id.in_(returned)
        )
    )


def _count(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _missing_return(session: Session, year: FinancialYear) -> Return:
    """Every missing-person figure in four statements: the episodes, the people, the repeats, the
    interviews. Adults are summed and children are the rest (each episode and person is one or the
    other), so the age is worked out once per row; the lists behind the figures use the same conditions
    (`_episode_conditions`, `_people_conditions`)."""
    e = _episodes(session, year)
    episodes, adult_episodes, unconfirmed = session.execute(
        select(func.count(), func.coalesce(func.sum(e.c.adult), 0), _count(e.c.person_id.is_(None)))
    ).one()
    p = _people(session, year)
    people_count, adults = session.execute(select(func.count(), func.coalesce(func.sum(p.c.adult), 0))).one()
    values = {
        "episodes": episodes,
        "child-episodes": episodes - adult_episodes,
        "adult-episodes": adult_episodes,
        "unconfirmed": unconfirmed,
        "people": people_count,
        "children": people_count - adults,
        "adults": adults,
        "repeat": session.scalar(select(func.count()).select_from(_flagged(session, year))) or 0,
    }
    interview_conditions = _interview_conditions()
    counted = session.execute(_interviews(year, *(_count(c) for c in interview_conditions.values()))).one()
    values |= dict(zip(interview_conditions, counted, strict=True))
    title, figures = SCHEMES["missing"]
    return Return("missing", title, year, [Line(f, int(values[f.key])) for f in figures])


# ------------------------------------------------------------------------------------------ returns


def require_reader(actor: Principal) -> None:
    """The returns are figures, not case content, for anyone who works cases (the lists behind them keep
    need to know)."""
    require_case_role(actor)


def returns(session: Session, actor: Principal, year: FinancialYear) -> list[Return]:
    """The three returns for a year, in the order a force files them."""
    return [scheme_return(session, actor, year, scheme) for scheme in SCHEMES]


def scheme_return(session: Session, actor: Principal, year: FinancialYear, scheme: str) -> Return:
    """One return for a year: "dvds", "csods" or "missing"."""
    require_reader(actor)
    return _missing_return(session, year) if scheme == "missing" else _case_return(session, scheme, year)


PLACING_FACTS = (
    ("request", "first_contact_at"),
    ("delivery", "occurred_at"),
    ("missing_episode", "reported_at"),
    ("missing_episode", "returned_at"),
    ("person", "date_of_birth"),
)
"""The corrected facts that decide which year a record counts in, as (record, field)."""


def late_corrections(session: Session, actor: Principal, year: FinancialYear) -> list[LateCorrection]:
    """Corrections made after the year ended to a fact that decides which year a record counts in (first
    contact, delivery time, when reported or returned, a date of birth), oldest first."""
    require_reader(actor)
    return corrections_since(session, year.ends, PLACING_FACTS)


def corrections_since(
    session: Session, after: datetime, facts: Sequence[tuple[str, str]]
) -> list[LateCorrection]:
    """Corrections to any of `facts` made at or after `after`, oldest first (at most `paging.CAP`)."""
    watched = or_(*(and_(Correction.object_type == kind, Correction.field == name) for kind, name in facts))
    rows = session.execute(
        select(Correction.corrected_at, Correction.object_type, Correction.object_id, Correction.label)
        .where(watched, Correction.corrected_at >= after)
        .order_by(Correction.corrected_at, Correction.id)
        .limit(paging.CAP)
    ).all()
    references = _references(session, rows)
    words = {
        "request": "Case",
        "delivery": "Delivery",
        "missing_episode": "Missing episode",
        "person": "Person",
    }
    return [
        LateCorrection(at, words.get(kind, kind), references.get(object_id, ""), label)
        for at, kind, object_id, label in rows
    ]


def _references(session: Session, rows: Sequence[Any]) -> dict[uuid.UUID, str]:
    """The case reference of corrected requests and deliveries, the police reference of episodes; none for
    a person (a person's record is named only on pages that check need to know)."""
    by_kind: dict[str, list[uuid.UUID]] = defaultdict(list)
    for _, kind, object_id, _ in rows:
        by_kind[kind].append(object_id)
    found: dict[uuid.UUID, str] = {}
    if by_kind["request"]:
        found |= dict(
            session.execute(
                select(DisclosureRequest.id, DisclosureRequest.reference).where(
                    DisclosureRequest.id.in_(by_kind["request"])
                )
            ).all()
        )
    if by_kind["delivery"]:
        found |= dict(
            session.execute(
                select(Delivery.id, DisclosureRequest.reference)
                .join(DisclosureRequest, DisclosureRequest.id == Delivery.request_id)
                .where(Delivery.id.in_(by_kind["delivery"]))
            ).all()
        )
    if by_kind["missing_episode"]:
        found |= {
            id_: ref or ""
            for id_, ref in session.execute(
                select(Episode.id, Episode.police_reference).where(Episode.id.in_(by_kind["missing_episode"]))
            )
        }
    return found


# --------------------------------------------------------------------------- the records behind a figure


@dataclass(frozen=True)
class Behind:
    """The records behind one figure that the reader may open, a page at a time, and how many the figure
    holds in all (`total`): the difference are cases outside the reader's need to know."""

    figure: Figure
    total: int
    page: paging.Page[Any]


def cases_behind(
    session: Session,
    actor: Principal,
    year: FinancialYear,
    scheme: str,
    key: str,
    *,
    after: str | None = None,
    before: str | None = None,
) -> Behind:
    """The cases behind a Clare's Law or Sarah's Law figure that the reader's need to know reaches (their
    team's, or those they stated a reason for), oldest first contact first."""
    require_reader(actor)
    wanted = figure(scheme, key)
    condition = _case_conditions(scheme, year)[key]
    total = session.scalar(_cases_joined(func.count()).where(condition)) or 0
    statement = _cases_joined(
        DisclosureRequest.id,
        DisclosureRequest.reference,
        DisclosureRequest.route,
        DisclosureRequest.status,
        DisclosureRequest.first_contact_at,
        Delivery.occurred_at,
    ).where(condition, readable(actor))
    found = paging.page(
        session,
        statement,
        [DisclosureRequest.first_contact_at, DisclosureRequest.id],
        after=after,
        before=before,
    )
    return Behind(wanted, int(total), found)


def missing_behind(
    session: Session,
    actor: Principal,
    year: FinancialYear,
    key: str,
    *,
    after: str | None = None,
    before: str | None = None,
) -> Behind:
    """The episodes, people or interviews behind a missing-person figure, for the MASH's coordinators
    (who see everyone with a missing episode [issue 7]), oldest first, a page at a time."""
    if not actor.has_any(Role.DATA_ADMINISTRATOR.value):
        raise PermissionDenied("Only data administrators coordinate missing-person episodes")
    wanted = figure("missing", key)
    if wanted.counts == INTERVIEWS:
        statement = (
            _interviews(year, ReturnInterview.id)
            .join(Episode, Episode.id == ReturnInterview.episode_id)
            .where(_interview_conditions()[key])
        )
        order = [Episode.returned_at, ReturnInterview.id]
    elif key == "repeat":
        flagged = _flagged(session, year)
        statement, order = select(flagged.c.person_id), [flagged.c.at, flagged.c.person_id]
    elif wanted.counts == PEOPLE:
        p = _people(session, year)
        statement, order = (
            select(p.c.person_id).where(_people_conditions(p)[key]),
            [p.c.reported_at, p.c.person_id],
        )
    else:
        e = _episodes(session, year)
        statement, order = select(e.c.id).where(_episode_conditions(e)[key]), [e.c.reported_at, e.c.id]
    found = paging.page(session, statement, order, after=after, before=before)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    return Behind(wanted, int(total), found)


@dataclass(frozen=True)
class MissingRow:
    """One record behind a missing-person figure as its list shows it: the episode (or, for a person, their
    first of the year) with its police reference, the person's name where confirmed, and its times."""

    episode_id: uuid.UUID
    person_id: uuid.UUID | None
    name: str
    police_reference: str
    reported_at: datetime
    returned_at: datetime | None
    interview: str


def missing_rows(
    session: Session, year: FinancialYear, counts: str, ids: list[uuid.UUID]
) -> list[MissingRow]:
    """The rows of one page of a missing-person figure's list, in the page's order."""
    if not ids:
        return []
    statement = select(Episode, ReturnInterview).outerjoin(
        ReturnInterview, ReturnInterview.episode_id == Episode.id
    )
    if counts == INTERVIEWS:
        statement = statement.where(ReturnInterview.id.in_(ids))
    elif counts == PEOPLE:  # each person's first episode of the year
        statement = statement.where(Episode.person_id.in_(ids), _in(Episode.reported_at, year))
        statement = statement.order_by(Episode.reported_at.desc())
    else:
        statement = statement.where(Episode.id.in_(ids))
    found: dict[Any, tuple[Episode, ReturnInterview | None]] = {}
    for row in session.execute(statement):
        by = {INTERVIEWS: row[1].id if row[1] else None, PEOPLE: row[0].person_id}
        found[by.get(counts, row[0].id)] = row
    names = people.summaries(session, [e.person_id for e, _ in found.values() if e.person_id])
    rows = []
    for wanted in ids:
        episode, interview = found[wanted]
        summary = names.get(episode.person_id) if episode.person_id else None
        rows.append(
            MissingRow(
                episode.id,
                episode.person_id,
                summary.display_name if summary else f"{episode.reported_name} (to confirm)",
                episode.police_reference or "",
                episode.reported_at,
                episode.returned_at,
                InterviewOutcome(interview.outcome).label if interview else "",
            )
        )
    return rows
