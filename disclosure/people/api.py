"""JSON API for the people index: likely matches for entered details, creating a person, reading one."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, JSONBody

from disclosure.accounts.roles import require_case_role
from disclosure.auth import require_principal
from disclosure.contract import needs_one_of
from disclosure.people import service
from disclosure.web import Db


@needs_one_of("given_names", "family_name")
@dataclass
class PersonBody:
    given_names: str = ""
    family_name: str = ""
    aliases: list[str] = field(default_factory=list)
    date_of_birth: date | None = None
    address_line_1: str = ""
    town: str = ""
    postcode: str = ""


@dataclass
class MatchOut:
    person_id: uuid.UUID
    display_name: str
    date_of_birth: date | None
    score: int
    reasons: list[str]


@dataclass
class PersonOut:
    id: uuid.UUID
    display_name: str
    aliases: list[str]
    date_of_birth: date | None
    address: str


def _details(body: PersonBody) -> service.PersonDetails:
    values: dict[str, Any] = {
        "given_names": body.given_names,
        "family_name": body.family_name,
        "aliases": "\n".join(body.aliases),
        "date_of_birth": body.date_of_birth.isoformat() if body.date_of_birth else "",
        "address_line_1": body.address_line_1,
        "town": body.town,
        "postcode": body.postcode,
    }
    return service.details_from_form(values)


def _out(db: Db, person_id: uuid.UUID) -> PersonOut:
    summary = service.summaries(db, [person_id])[person_id]
    return PersonOut(
        summary.id, summary.display_name, summary.aliases, summary.date_of_birth, summary.address
    )


@post("/api/v1/people/matches", name="api.find_people", sync_to_thread=True, tags=["people"], status_code=200)
def find_people(request: Request[Any, Any, Any], db: Db, data: JSONBody[PersonBody]) -> list[MatchOut]:
    """Likely matches in the people index (fuzzy and phonetic names, dates of birth, postcode), best first."""
    principal = require_principal(request)
    require_case_role(principal)
    return [
        MatchOut(m.person_id, m.display_name, m.date_of_birth, m.score, list(m.reasons))
        for m in service.find_matches(db, principal, _details(data))
    ]


@post("/api/v1/people", name="api.create_person", sync_to_thread=True, tags=["people"])
def create_person(request: Request[Any, Any, Any], db: Db, data: JSONBody[PersonBody]) -> PersonOut:
    """Add a person after checking the matches: returns the new record."""
    principal = require_principal(request)
    require_case_role(principal)
    return _out(db, service.create_person(db, principal, _details(data)).id)


@get("/api/v1/people/{person_id:uuid}", name="api.person", sync_to_thread=True, tags=["people"])
def person(request: Request[Any, Any, Any], db: Db, person_id: FromPath[uuid.UUID]) -> PersonOut:
    principal = require_principal(request)
    require_case_role(principal)
    return _out(db, service.view_person(db, principal, person_id).id)


ROUTES = [find_people, create_person, person]
