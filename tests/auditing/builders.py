"""Test data for the auditor's pages: events written straight to the chain, a signed-in auditor, an API
token, and what a page, the export and the API each found."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.accounts import service as accounts
from disclosure.accounts.roles import Role
from disclosure.audit import SYSTEM, AuditCategory, AuditEvent
from tests.builders import SampleUser, make_session, make_user, principal_for
from tests.pages import PageClient


def record(db: Session, n: int = 1, *, action: str = "test.thing", **overrides: object) -> list[AuditEvent]:
    values: dict[str, object] = {
        "actor": SYSTEM,
        "category": AuditCategory.CONSULTATION,
        "object_type": "request",
        "object_id": "R-1",
        "justification": "Test event",
    } | overrides
    return [audit.record(db, action=action, **values) for _ in range(n)]  # type: ignore[arg-type]


def signed_in(client: PageClient, db: Session, user: SampleUser, *, reauth: bool = True) -> PageClient:
    return client.sign_in_as(make_session(db, user.user, reauth=reauth))


def api_token(db: Session, user: SampleUser) -> dict[str, str]:
    admin = make_user(db, Role.ADMINISTRATOR)
    token = accounts.issue_api_token(db, principal_for(admin.user), user.user.id, "audit page tests")
    return {"Authorization": f"Bearer {token}"}


def seqs_on(html: str) -> list[int]:
    return [int(s) for s in re.findall(r'href="/audit/events/(\d+)"', html)]


def older_href(html: str) -> str | None:
    """The page's "Older events" link (the next page), if it has one."""
    found = re.search(r'<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="next">', html)
    return found.group(1).replace("&amp;", "&") if found else None


def newer_href(html: str) -> str | None:
    found = re.search(r'<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="prev">', html)
    return found.group(1).replace("&amp;", "&") if found else None


def found_everywhere(client: PageClient, headers: dict[str, str], query: dict[str, Any]) -> set[int]:
    """The events a filter finds on the page (every page of it), in the export and through the API; the
    three must agree. `query` holds the page's fields (dates in their day, month and year boxes)."""
    on_pages: list[int] = []
    href: str | None = None
    while True:
        response = client.get(href) if href else client.get("/audit", params=query)
        assert response.status_code == 200, response.text[:500]
        shown = seqs_on(response.text)
        assert not set(shown) & set(on_pages), "a page repeats an event"
        on_pages += shown
        if (href := older_href(response.text)) is None:
            break
    export = client.get("/audit/export.csv", params={**query, "reason": "Filter test"})
    assert export.status_code == 200, export.text[:500]
    exported = [int(row["seq"]) for row in csv.DictReader(io.StringIO(export.text))]
    api_query = {k: v for k, v in query.items() if "-" not in k}
    for name in ("date_from", "date_to"):
        if f"{name}-day" in query:
            api_query[name] = "{}-{:0>2}-{:0>2}".format(
                query[f"{name}-year"], query[f"{name}-month"], query[f"{name}-day"]
            )
    through_api: list[int] = []
    cursor = ""
    while True:
        body = client.get(
            "/api/v1/audit/events", params={**api_query, "after": cursor}, headers=headers
        ).json()
        through_api += [e["seq"] for e in body["events"]]
        if (cursor := body["next_cursor"]) is None:
            break
    assert sorted(on_pages) == sorted(exported) == sorted(through_api), "the page, export and API differ"
    return set(on_pages)
