"""A refused request writes nothing, and no input produces a 500 (issue 13, sections 2 and 6).

The walk signs in as users who between them hold every role, crawls every page it can reach by following
links from the home page (so a new page or form is covered without editing this test), and posts every
form it finds twice: once with every field sent twice, once with every field blank. The JSON API gets an
empty object, a body nested 50,000 levels deep and a malformed one on every unsafe route. No answer may be
a 5xx, and after any refusal (4xx) no table may have gained or lost a row, except for the few refusals
that are themselves records (a failed sign-in is counted towards the lock-out and audited).
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from litestar import Litestar
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from disclosure.db import Base
from disclosure.missing import service as missing
from disclosure.people import service as people
from disclosure.people.schemas import PersonDetails
from disclosure.requests.models import DisclosureRequest
from tests.accounts.test_policy import UNSAFE, endpoints
from tests.builders import make_session, make_user, principal_for
from tests.decisions.builders import panel_with, submitted_case
from tests.missing.builders import episode_values
from tests.pages import PageClient
from tests.requests.builders import contact_fields, make_request
from tests.research.builders import case_in_research, partner_user

CASE_ROLES = (
    Role.DATA_ADMINISTRATOR,
    Role.RESEARCHER,
    Role.PANEL_MEMBER,
    Role.PANEL_CHAIR,
    Role.DISCLOSING_OFFICER,
)
# Refusals that are records themselves: the failure is counted towards the lock-out and audited.
RECORDED_REFUSALS = ("/sign-in", "/confirm-identity", "/account/password")
# Never posted by the walk: it would end the walker's own session.
SKIPPED_ACTIONS = ("/sign-out",)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
PAGES_PER_SHAPE = 2


def row_counts(db: Session) -> Counter[str]:
    db.expire_all()
    return Counter(
        {
            table.name: db.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }
    )


@dataclass
class Form:
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)


class _Forms(HTMLParser):
    """POST forms (action and named fields with their values) and same-site links of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"])
        elif tag == "form" and a.get("method", "get").lower() == "post":
            self._form = Form(a.get("action", ""))
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input" and a.get("type") not in ("submit", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self._form.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select:
            self._form.fields.append((self._select, a.get("value", "")))
            self._select = None
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form.fields.append((a["name"], ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self._form and self._form.fields:
            name, _ = self._form.fields[-1]
            self._form.fields[-1] = (name, data)


def _shape(path: str) -> str:
    return UUID.sub("{id}", urlsplit(path).path)


@dataclass
class Walk:
    client: PageClient
    db: Session
    tokens: dict[str, str]
    seen_pages: Counter[str] = field(default_factory=Counter)
    visited: set[str] = field(default_factory=set)
    forms: dict[str, Form] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    refusals: int = 0
    posts: int = 0

    def sign_in(self, who: str) -> None:
        self.client.cookies.clear()
        self.client.sign_in_as(self.tokens[who])

    def crawl(self, who: str, start: str = "/") -> None:
        self.sign_in(who)
        queue = [start]
        while queue:
            path = queue.pop(0)
            shape = _shape(path)
            if f"{who} {path}" in self.visited or self.seen_pages[f"{who} {shape}"] >= PAGES_PER_SHAPE:
                continue
            self.visited.add(f"{who} {path}")
            self.seen_pages[f"{who} {shape}"] += 1
            response = self.client.get(path, follow_redirects=False)
            if response.status_code >= 500:
                self.failures.append(f"{who} GET {path}: {response.status_code}")
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            parser = _Forms()
            parser.feed(response.text)
            queue.extend(link.split("#")[0] for link in parser.links if "/sign-out" not in link)
            for form in parser.forms:
                key = f"{who} {_shape(form.action)}"
                if form.action and not form.action.startswith(SKIPPED_ACTIONS):
                    self.forms.setdefault(key, form)

    def post(self, who: str, action: str, body: list[tuple[str, str]]) -> None:
        self.sign_in(who)
        before = row_counts(self.db)
        data: dict[str, Any] = {}
        for name, value in body:
            data.setdefault(name, []).append(value)
        response = self.client.submit(action, data)
        self.posts += 1
        self.check(f"{who} POST {action} {sorted(data)[:6]}", response.status_code, before, action)

    def check(self, what: str, status: int, before: Counter[str], path: str) -> None:
        if status >= 500:
            self.failures.append(f"{what}: {status}")
        elif status >= 400:
            self.refusals += 1
            after = row_counts(self.db)
            if after != before and not urlsplit(path).path.startswith(RECORDED_REFUSALS):
                changed = {t: after[t] - before[t] for t in after | before if after[t] != before[t]}
                self.failures.append(f"{what}: refused ({status}) yet wrote {changed}")


@pytest.fixture
def world(db: Session) -> dict[str, str]:
    """Users holding every role between them, and records at every stage for the walk to find."""
    worker = make_user(db, *CASE_ROLES, username="walker", display_name="Walker Everyrole")
    second = make_user(db, Role.RESEARCHER, username="reviewer", display_name="Rae Reviewer")
    admin = make_user(db, Role.ADMINISTRATOR, username="walker.admin", display_name="Ada Walker")
    auditor = make_user(db, Role.AUDITOR, username="walker.audit", display_name="Aud Walker")
    actor, reviewer = principal_for(worker.user), principal_for(second.user)
    make_request(db, actor, route="csods_application")
    researching = case_in_research(db, actor, actor, route="right_to_ask")
    submitted = submitted_case(db, actor, actor, reviewer)
    panel_with(db, actor, actor, [], submitted)
    person = people.create_person(
        db, actor, PersonDetails(given_names="Jamie", family_name="Rivers", date_of_birth=None)
    )
    missing.record_episode(db, actor, person.id, episode_values())
    partner = partner_user(db)
    assert researching.id and db.get(DisclosureRequest, submitted.id) is not None
    return {
        "worker": make_session(db, worker.user),
        "admin": make_session(db, admin.user),
        "auditor": make_session(db, auditor.user),
        "partner": make_session(db, db.get_one(type(worker.user), partner.user_id)),
    }


def test_every_form_refused_writes_nothing_and_no_form_input_is_a_500(
    db: Session, client: PageClient, world: dict[str, str]
) -> None:
    walk = Walk(client, db, world)
    for who in world:
        walk.crawl(who)
    assert len(walk.forms) > 50, sorted(walk.forms)
    for key, form in sorted(walk.forms.items()):
        who = key.split(" ", 1)[0]
        walk.post(who, form.action, [pair for pair in form.fields for _ in (1, 2)])
        blank = [(name, value if name in ("version", "_csrf_token") else "") for name, value in form.fields]
        walk.post(who, form.action, blank)
    assert walk.failures == []
    assert walk.refusals > 40


def _api_endpoints(app: Litestar) -> Iterator[tuple[str, str]]:
    for endpoint in endpoints(app):
        if endpoint.api and endpoint.method in UNSAFE:
            yield endpoint.method, endpoint.path()


def test_every_api_verb_refuses_deep_huge_and_malformed_bodies_with_4xx_and_writes_nothing(
    app: Litestar, db: Session, client: PageClient
) -> None:
    from disclosure.accounts import service as accounts

    # Two tokens between them reach every verb: an administrator account reads no cases.
    user = make_user(db, *CASE_ROLES, username="api.walker")
    admin = make_user(db, Role.ADMINISTRATOR, username="api.admin")
    issuer = principal_for(make_user(db, Role.ADMINISTRATOR, username="api.issuer").user)
    tokens = [accounts.issue_api_token(db, issuer, who.user.id, "refusal walk") for who in (user, admin)]
    deep = "[" * 50_000 + "]" * 50_000
    bodies = {"empty": "{}", "deep": deep, "malformed": '{"a": ', "wrong types": '{"version": [1, {}]}'}
    walk = Walk(client, db, {})
    checked = 0
    for method, path in _api_endpoints(app):
        for name, body in bodies.items():
            for token in tokens:
                headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
                before = row_counts(db)
                response = client.request(method, path, content=body, headers=headers)
                walk.check(f"{method} {path} ({name})", response.status_code, before, path)
                if name == "deep":
                    assert response.status_code == 400, (path, response.text)
                checked += 1
    assert walk.failures == []
    assert checked > 40


def test_a_refused_linked_application_saves_neither_case(db: Session, client: PageClient) -> None:
    """The review's example: a Sarah's Law application that also opens a linked Clare's Law case, with a
    first contact before the Clare's Law scheme began, was refused (400) yet the first case was saved,
    with its audit event and its reference number used up."""
    user = make_user(db, Role.DATA_ADMINISTRATOR)
    client.sign_in_as(make_session(db, user.user))
    before = row_counts(db)
    response = client.submit(
        "/requests/new",
        {
            "route": "csods_application",
            "applicant_type": "parent_or_carer",
            "open_linked_case": "yes",
            **contact_fields(datetime(2012, 6, 1, 10, 0, tzinfo=UTC)),  # Sarah's Law yes, Clare's Law not yet
            "channel": "101",
            "receiving_force": "Testshire Police",
            "alleged_crime": "no",
        },
    )
    assert response.status_code == 400, response.text
    assert row_counts(db) == before


def test_a_refusal_that_is_a_record_is_kept(db: Session, client: PageClient) -> None:
    """A failed sign-in is counted and audited although the answer is a refusal."""
    make_user(db, Role.RESEARCHER, username="rita.kept")
    before = row_counts(db)
    response = client.submit("/sign-in", {"username": "rita.kept", "password": "not the password at all"})
    assert response.status_code == 400
    after = row_counts(db)
    assert after["sign_in_attempts"] == before["sign_in_attempts"] + 1
    assert after["audit_events"] == before["audit_events"] + 1


def test_no_field_sent_twice_reaches_a_handler_as_a_list(db: Session, client: PageClient) -> None:
    """The review's examples: `reason` and `next` twice on the stated-reason page, `duplicate_id` twice
    on a merge, `token_name` twice on a token."""
    user = make_user(db, *CASE_ROLES)
    client.sign_in_as(make_session(db, user.user))
    case_id = uuid.uuid4()
    for path, fields in [
        (f"/requests/{case_id}/access", {"reason": ["a", "b"], "next": ["/", "/x"]}),
        (f"/people/{uuid.uuid4()}/merge", {"duplicate_id": [str(uuid.uuid4()), str(uuid.uuid4())]}),
    ]:
        response = client.submit(path, fields)
        assert response.status_code < 500, (path, response.text)
