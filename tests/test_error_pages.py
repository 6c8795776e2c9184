"""A refusal's page says why in plain words and links back to the record the refused action was about,
read from the address; never to another site, never to the page that was refused (issue 16)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from disclosure.accounts import service as accounts
from disclosure.accounts.roles import Role
from disclosure.errors import InvalidTransition
from tests.accounts.helpers import text_of
from tests.builders import make_user, principal_for, sign_in_as
from tests.pages import PageClient
from tests.requests.builders import make_request


def _back(html: str) -> tuple[str, str] | None:
    """The error page's link back: (address, words), or None when it offers only the start page."""
    if 'id="error-back"' not in html:
        return None
    start = html.index('id="error-back"')
    tag_start = html.rindex("<a", 0, start)
    href = html[tag_start:].split('href="', 1)[1].split('"', 1)[0]
    return href, text_of(html, "error-back")


def _case(db: Session, client: PageClient) -> str:
    clerk = principal_for(make_user(db, Role.DATA_ADMINISTRATOR, display_name="Dana Clerk").user)
    case = make_request(db, clerk)
    sign_in_as(db, client, clerk)
    return f"/requests/{case.id}"


def test_a_refused_step_says_why_and_links_back_to_the_case(db: Session, client: PageClient) -> None:
    case_url = _case(db, client)
    refused = client.post(
        f"{case_url}/complete-initial-checks", data={"_csrf_token": client.csrf(), "version": "1"}
    )
    assert refused.status_code == 409
    assert text_of(refused.text, "error-reason"), "the page says why"
    assert _back(refused.text) == (case_url, "Go back to the case")


@pytest.mark.parametrize(
    "referer", ["https://elsewhere.example/requests", "//elsewhere.example/", "javascript:alert(1)"]
)
def test_a_referer_from_another_site_is_never_linked(db: Session, client: PageClient, referer: str) -> None:
    case_url = _case(db, client)
    refused = client.post(
        f"{case_url}/complete-initial-checks",
        data={"_csrf_token": client.csrf(), "version": "1"},
        headers={"referer": referer},
    )
    assert _back(refused.text) == (case_url, "Go back to the case")
    assert "elsewhere" not in refused.text and "javascript:" not in refused.text


def test_an_administrator_refused_on_their_own_account_is_sent_back_to_it(
    db: Session, client: PageClient
) -> None:
    admin = principal_for(make_user(db, Role.ADMINISTRATOR).user)
    sign_in_as(db, client, admin)
    refused = client.post(f"/admin/users/{admin.user_id}/disable", data={"_csrf_token": client.csrf()})
    assert refused.status_code == 409
    assert text_of(refused.text, "error-reason") == "You cannot disable your own account"
    assert _back(refused.text) == (f"/admin/users/{admin.user_id}", "Go back to the user's account")


def test_a_refusal_without_its_own_words_says_why_in_plain_words(
    db: Session, client: PageClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: Any, **__: Any) -> None:
        raise InvalidTransition()

    monkeypatch.setattr(accounts, "enable_user", refuse)
    admin = principal_for(make_user(db, Role.ADMINISTRATOR).user)
    other = make_user(db, Role.AUDITOR, username="ava.auditor").user
    sign_in_as(db, client, admin)
    refused = client.post(f"/admin/users/{other.id}/enable", data={"_csrf_token": client.csrf()})
    assert refused.status_code == 409
    assert text_of(refused.text, "error-reason") == InvalidTransition.explanation
    assert _back(refused.text) == (f"/admin/users/{other.id}", "Go back to the user's account")


def test_a_refused_page_that_is_about_no_record_offers_the_start_page(
    db: Session, client: PageClient
) -> None:
    sign_in_as(db, client, principal_for(make_user(db, Role.AUDITOR).user))
    refused = client.get("/missing/new")
    assert refused.status_code == 403
    assert _back(refused.text) is None and "Go to the start page" in refused.text


def test_a_record_page_refused_on_opening_does_not_link_to_itself(db: Session, client: PageClient) -> None:
    case_url = _case(db, client)
    sign_in_as(db, client, principal_for(make_user(db, Role.AUDITOR, username="ava.auditor").user))
    refused = client.get(case_url)
    assert refused.status_code == 403
    assert _back(refused.text) is None


def test_a_record_that_is_not_found_is_no_place_to_go_back_to(db: Session, client: PageClient) -> None:
    case_url = _case(db, client)
    missing = client.get(case_url[:-4] + "0000")
    assert missing.status_code == 404
    assert _back(missing.text) is None


def test_the_api_answers_a_refusal_as_a_problem_with_the_reason_and_no_page_links(
    db: Session, client: PageClient
) -> None:
    clerk = make_user(db, Role.DATA_ADMINISTRATOR, display_name="Dana Clerk")
    token = accounts.issue_api_token(
        db, principal_for(make_user(db, Role.ADMINISTRATOR).user), clerk.user.id, "online form"
    )
    case = make_request(db, principal_for(clerk.user))
    client.headers["Authorization"] = f"Bearer {token}"
    refused = client.post(f"/api/v1/requests/{case.id}/start-research", json={})
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    body = refused.json()
    assert body["title"] == "This cannot be done now" and body["detail"] != body["title"]
    assert "href" not in refused.text
