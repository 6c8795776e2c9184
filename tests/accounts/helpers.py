"""Small helpers shared by the account tests: resolving tokens, half-signed-in sessions, reading pages."""

from __future__ import annotations

import html5lib
from sqlalchemy.orm import Session, sessionmaker

from disclosure.accounts import service
from disclosure.auth import Principal
from disclosure.config import Settings
from tests.builders import SampleUser, make_session

NS = {"h": "http://www.w3.org/1999/xhtml"}


def resolve(
    factory: sessionmaker[Session], settings: Settings, token: str, kind: str = "session"
) -> Principal | None:
    """What the middleware does with a cookie (kind 'session') or bearer token (kind 'api')."""
    return service.resolve(factory, settings, kind, token)


def signed_in(factory: sessionmaker[Session], settings: Settings, token: str) -> Principal:
    principal = resolve(factory, settings, token)
    assert principal is not None, "the session should resolve"
    return principal


def half_signed_in(
    db: Session, factory: sessionmaker[Session], settings: Settings, user: SampleUser
) -> tuple[str, Principal]:
    """A session whose password step is done and whose security code is still to come."""
    token = make_session(db, user.user, mfa_done=False, reauth=False)
    principal = signed_in(factory, settings, token)
    assert principal.mfa_pending
    return token, principal


def parse(html: str) -> object:
    return html5lib.parse(html, namespaceHTMLElements=True)


def field_value(html: str, name: str) -> str | None:
    """The value an <input name=...> shows, or None when there is no such input."""
    for element in parse(html).iter("{http://www.w3.org/1999/xhtml}input"):  # type: ignore[attr-defined]
        if element.get("name") == name:
            return str(element.get("value") or "")
    return None


def field_error(html: str, name: str) -> str | None:
    """The GOV.UK error message shown at a field (`<p id="{name}-error">`), without its hidden prefix."""
    for element in parse(html).iter():  # type: ignore[attr-defined]
        if element.get("id") == f"{name}-error":
            return " ".join("".join(element.itertext()).split()).removeprefix("Error:").strip()
    return None


def error_summary(html: str) -> list[str]:
    """The messages listed in the GOV.UK error summary, in order."""
    for element in parse(html).iter():  # type: ignore[attr-defined]
        if "govuk-error-summary" in (element.get("class") or "").split():
            return [
                " ".join("".join(a.itertext()).split())
                for a in element.iter("{http://www.w3.org/1999/xhtml}a")
            ]
    return []


def summary_links(html: str) -> list[str]:
    """The fields the GOV.UK error summary links to (`#name`), in order: the order the page reads in."""
    for element in parse(html).iter():  # type: ignore[attr-defined]
        if "govuk-error-summary" in (element.get("class") or "").split():
            return [
                str(a.get("href") or "").removeprefix("#")
                for a in element.iter("{http://www.w3.org/1999/xhtml}a")
                if a.get("href")
            ]
    return []


def text_of(html: str, element_id: str) -> str:
    for element in parse(html).iter():  # type: ignore[attr-defined]
        if element.get("id") == element_id:
            return " ".join("".join(element.itertext()).split())
    raise AssertionError(f"no element with id {element_id!r}")
