"""Find a case, a person or a missing episode [issue 16, "Find anything"]: by name (fuzzy and sound-alike,
with the people index's own matching), date of birth, postcode, or a reference (the case reference, the
police or crime reference, a missing-person reference). Closed cases and episodes are found like open ones.

Need to know holds for search as for every other way in [APP-MoPI]: a person is listed only when the user
may open their record (a case or episode of theirs involves them, or they entered it), and a case shows who
it is about only when the user may open it. A case found by its exact reference is listed to anyone with a
case role, as the work queue lists references, with the stated-reason route to open it: the reference was
already known to the searcher. A name never leads to a case or person outside the user's need to know, so a
search cannot be used to learn that someone is on a case.

Every search is audited as a consultation [DPA-62]: what kind of search it was and the records it listed
(by identifier), never the words typed, which are themselves personal data.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.accounts.roles import Role, require_case_role
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.errors import FormInvalid
from disclosure.forms import parse_date, text
from disclosure.missing.models import Episode, PendingMatch
from disclosure.missing.vocabulary import EpisodeStatus
from disclosure.people import access as people_access
from disclosure.people import candidates, matching, scoring
from disclosure.people import service as people
from disclosure.people.models import Person, PersonAddress
from disclosure.people.schemas import PersonDetails
from disclosure.requests.access import readable
from disclosure.requests.models import CaseParty, DisclosureRequest
from disclosure.requests.queue import people_on
from disclosure.requests.vocabulary import Route
from disclosure.requests.workflow import OPEN_REQUEST_STATUSES, RequestStatus

LIMIT = 50
"""At most this many of each kind of result: a search that finds more asks for more detail."""
THRESHOLD = 60
"""A name finds the people whose fields agree with the words typed more than they differ: the intake
check's weights without its prior (`scoring.resemblance`)."""
MAX_QUERY = 200


@dataclass(frozen=True)
class Query:
    """What was asked: the words and how they were read, and a date of birth."""

    words: str
    kind: str  # "reference", "postcode", "name" or "" (a date of birth alone)
    date_of_birth: date | None

    @property
    def described(self) -> str:
        parts = {"reference": "a reference", "postcode": "a postcode", "name": "a name"}
        said = [parts[self.kind]] if self.kind else []
        if self.date_of_birth:
            said.append("a date of birth")
        return " and ".join(said)


@dataclass(frozen=True)
class CaseHit:
    id: uuid.UUID
    reference: str
    route_label: str
    status_label: str
    closed: bool
    may_open: bool
    people: list[str] = field(default_factory=list)
    """Who the case is about, "Name (role)", shown only to those who may open it."""


@dataclass(frozen=True)
class PersonHit:
    id: uuid.UUID
    display_name: str
    date_of_birth: date | None
    address: str
    reasons: tuple[str, ...]
    other_names: list[str]


@dataclass(frozen=True)
class EpisodeHit:
    id: uuid.UUID
    name: str
    police_reference: str | None
    reported_at: datetime
    closed: bool


@dataclass(frozen=True)
class Results:
    query: Query
    cases: list[CaseHit]
    people: list[PersonHit]
    episodes: list[EpisodeHit]

    @property
    def count(self) -> int:
        return len(self.cases) + len(self.people) + len(self.episodes)


_DIGIT = re.compile(r"\d")


def parse_query(values: dict[str, Any]) -> Query:
    """The search box and the optional date of birth, every error at its field. Words with a digit are a
    postcode when they read as one, otherwise a reference; words without one are a name."""
    errors: dict[str, str] = {}
    words = " ".join(text(values, "q", limit=MAX_QUERY).split())
    if len(words) > MAX_QUERY:
        errors["q"] = f"Search for {MAX_QUERY} characters or fewer"
    born = parse_date(values, "date_of_birth", "Date of birth", errors, required=False)
    if not words and born is None and not errors:
        errors["q"] = "Enter a name, reference or postcode, or a date of birth"
    if errors:
        raise FormInvalid(errors, values)
    kind = ""
    if words and matching.is_uk_postcode(matching.normalise_postcode(words)):
        kind = "postcode"
    elif words and _DIGIT.search(words):
        kind = "reference"
    elif words:
        kind = "name"
    return Query(words, kind, born)


def search(session: Session, actor: Principal, values: dict[str, Any]) -> Results:
    """Cases, people and missing episodes for the query, within what the user may see, each list best
    first; the search is audited with the identifiers it listed."""
    require_case_role(actor)
    query = parse_query(values)
    coordinator = actor.has_any(Role.DATA_ADMINISTRATOR.value)
    found_people = _people(session, actor, query)
    person_ids = [p.id for p in found_people]
    cases = _cases(session, actor, query, person_ids)
    episodes = _episodes(session, query, person_ids) if coordinator else []
    results = Results(query, cases, found_people, episodes)
    audit.record(
        session,
        actor=actor,
        action="search.run",
        category=AuditCategory.CONSULTATION,
        object_type="search",
        object_id=None,
        justification=f"Searched by {query.described}",
        details={
            "kind": query.kind or "date_of_birth",
            "date_of_birth": query.date_of_birth is not None,
            "cases": [str(c.id) for c in cases],
            "people": [str(p) for p in person_ids],
            "episodes": [str(e.id) for e in episodes],
        },
    )
    return results


# ------------------------------------------------------------------------------------------- people


def _split(words: str) -> tuple[str, str]:
    """ "Jamie Lee Rivers" is given names "Jamie Lee" and family name "Rivers"; one word is a family name."""
    *given, family = words.split(" ")
    return " ".join(given), family


def _people(session: Session, actor: Principal, query: Query) -> list[PersonHit]:
    """People the user may open, found by name (ranked as the intake check ranks them), postcode or date
    of birth; merged records are found through the record they were merged into."""
    reasons: dict[uuid.UUID, tuple[str, ...]] = {}
    if query.kind == "name":
        given, family = _split(query.words)
        details = PersonDetails(given_names=given, family_name=family, date_of_birth=query.date_of_birth)
        probe = matching.Probe.of(details)
        loaded = candidates.load_candidates(session, candidates.candidate_ids(session, details))
        scorer = scoring.resemblance(session)
        for match in matching.rank(probe, loaded, threshold=THRESHOLD, limit=LIMIT * 4, scorer=scorer):
            if not _born_otherwise(match):
                reasons[match.person_id] = match.reasons
    elif query.kind == "postcode" or (not query.kind and query.date_of_birth):
        statement = select(Person.id).where(Person.merged_into_id.is_(None))
        if query.kind == "postcode":
            postcode = matching.normalise_postcode(query.words)
            statement = statement.where(
                Person.id.in_(select(PersonAddress.person_id).where(PersonAddress.postcode == postcode))
            )
        if query.date_of_birth is not None:
            statement = statement.where(Person.date_of_birth == query.date_of_birth)
        for person_id in session.scalars(statement.limit(LIMIT * 4)):
            reasons[person_id] = ()
    if not reasons:
        return []
    visible = [
        person
        for person in session.scalars(select(Person).where(Person.id.in_(list(reasons))))
        if people_access.basis(session, actor, person) is not None
    ]
    shown = people.summaries(session, [p.id for p in visible])
    order = list(reasons)
    hits = [
        PersonHit(
            id=s.id,
            display_name=s.display_name,
            date_of_birth=s.date_of_birth,
            address=s.address,
            reasons=reasons[s.id],
            other_names=s.aliases,
        )
        for s in shown.values()
    ]
    hits.sort(key=lambda h: order.index(h.id))
    return hits[:LIMIT]


# -------------------------------------------------------------------------------------------- cases


def _cases(session: Session, actor: Principal, query: Query, person_ids: list[uuid.UUID]) -> list[CaseHit]:
    """Cases the user may open that involve the people found; with a reference, the case it names, which
    is listed (without who it is about) to anyone with a case role."""
    found: list[DisclosureRequest] = []
    if query.kind == "reference":
        reference = query.words.upper()
        found += session.scalars(
            select(DisclosureRequest)
            .where(
                or_(
                    DisclosureRequest.reference == reference,
                    DisclosureRequest.police_reference == reference,
                    DisclosureRequest.crime_reference == reference,
                )
            )
            .order_by(DisclosureRequest.first_contact_at.desc())
            .limit(LIMIT)
        )
    if person_ids:
        on_cases = select(CaseParty.request_id).where(CaseParty.person_id.in_(person_ids))
        found += session.scalars(
            select(DisclosureRequest)
            .where(DisclosureRequest.id.in_(on_cases), readable(actor))
            .order_by(DisclosureRequest.first_contact_at.desc())
            .limit(LIMIT)
        )
    unique = list({case.id: case for case in found}.values())[:LIMIT]
    if not unique:
        return []
    may_open = set(
        session.scalars(
            select(DisclosureRequest.id).where(
                DisclosureRequest.id.in_([c.id for c in unique]), readable(actor)
            )
        )
    )
    parties = people_on(session, [c.id for c in unique if c.id in may_open])
    return [
        CaseHit(
            id=case.id,
            reference=case.reference,
            route_label=Route(case.route).label,
            status_label=RequestStatus(case.status).label,
            closed=RequestStatus(case.status) not in OPEN_REQUEST_STATUSES,
            may_open=case.id in may_open,
            people=parties.get(case.id, []),
        )
        for case in unique
    ]


# ----------------------------------------------------------------------------------------- episodes


def _unconfirmed(session: Session, query: Query) -> list[uuid.UUID]:
    """Episodes from the feed whose person is still to be confirmed, found by the name as reported (and the
    date of birth reported with it), scored as the people index scores a name."""
    if query.kind != "name":
        return []
    rows = session.execute(
        select(Episode.id, Episode.reported_name, PendingMatch.date_of_birth)
        .outerjoin(PendingMatch, PendingMatch.episode_id == Episode.id)
        .where(Episode.person_id.is_(None), Episode.reported_name != "")
    ).all()
    given, family = _split(query.words)
    probe = matching.Probe.of(
        PersonDetails(given_names=given, family_name=family, date_of_birth=query.date_of_birth)
    )
    loaded = [matching.candidate_of(episode_id, name, born) for episode_id, name, born in rows]
    ranked = matching.rank(
        probe, loaded, threshold=THRESHOLD, limit=LIMIT, scorer=scoring.resemblance(session)
    )
    return [m.person_id for m in ranked if not _born_otherwise(m)]


def _born_otherwise(match: matching.Match) -> bool:
    """A date of birth typed in a search narrows it: a record born on a plainly different date is left out
    (one part out, or day and month swapped, is still found)."""
    return any(c.comparison == "date_of_birth" and c.level == "other" for c in match.contributions)


def _episodes(session: Session, query: Query, person_ids: list[uuid.UUID]) -> list[EpisodeHit]:
    """Missing episodes, open and closed, of the people found or with the police reference given, and those
    from the feed still awaiting their person, by the name reported: every coordinator sees every episode
    [issue 7]."""
    conditions: list[ColumnElement[bool]] = []
    if person_ids:
        conditions.append(Episode.person_id.in_(person_ids))
    if query.kind == "reference":
        conditions.append(Episode.police_reference == query.words.upper())
    unconfirmed = _unconfirmed(session, query)
    if unconfirmed:
        conditions.append(Episode.id.in_(unconfirmed))
    if not conditions:
        return []
    episodes = session.scalars(
        select(Episode).where(or_(*conditions)).order_by(Episode.reported_at.desc()).limit(LIMIT)
    ).all()
    names = people.summaries(session, {e.person_id for e in episodes if e.person_id})
    return [
        EpisodeHit(
            id=e.id,
            name=names[e.person_id].display_name if e.person_id in names else e.reported_name,
            police_reference=e.police_reference,
            reported_at=e.reported_at,
            closed=e.status == EpisodeStatus.CLOSED.value,
        )
        for e in episodes
    ]
