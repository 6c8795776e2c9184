"""The page fixture: a test client that checks every HTML page it receives.

Each page must answer, parse as HTML5 without errors, have exactly one <h1>, a <title> that starts with
that heading (after "Error: " when the form has errors), the OFFICIAL-SENSITIVE marking, and every form an
action and, when it posts, a CSRF token.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import html5lib
import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.orm import Session, sessionmaker

from disclosure import csrf
from disclosure.app import create_app
from disclosure.auth import SECURE_SESSION_COOKIE, SESSION_COOKIE
from disclosure.config import Settings

NS = {"h": "http://www.w3.org/1999/xhtml"}
# What a form carries that nobody types: a button's form has only these.
BUTTON_FIELDS = frozenset({"_csrf_token", "version", "target", "next", "action"})


def check_page(html: str, *, path: str) -> None:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=True)
    try:
        tree = parser.parse(html)
    except html5lib.html5parser.ParseError as exc:
        line = html.splitlines()[parser.errors[0][0][0] - 1] if parser.errors else ""
        raise AssertionError(f"{path}: HTML does not parse: {exc}: {line.strip()[:200]}") from exc
    headings = tree.findall(".//h:h1", NS)
    assert len(headings) == 1, f"{path}: {len(headings)} <h1> elements"
    heading = " ".join("".join(headings[0].itertext()).split())
    title = " ".join("".join(tree.find(".//h:title", NS).itertext()).split())
    assert title.removeprefix("Error: ").startswith(heading), f"{path}: title {title!r} vs h1 {heading!r}"
    assert html.count("OFFICIAL-SENSITIVE") >= 2, f"{path}: protective marking missing"
    for form in tree.findall(".//h:form", NS):
        assert form.get("action"), f"{path}: form without action"
        if (form.get("method") or "get").lower() == "post":
            names = [i.get("name") for i in form.findall(".//h:input", NS)]
            assert "_csrf_token" in names, f"{path}: POST form to {form.get('action')} has no CSRF token"


class PageClient(TestClient):  # type: ignore[type-arg]
    """TestClient that checks every HTML page and fills in the CSRF token on form posts."""

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().request(method, url, *args, **kwargs)
        is_page = not str(url).startswith(
            "/api/"
        )  # the API answers JSON; Litestar's schema pages are its own
        if is_page and response.headers.get("content-type", "").startswith("text/html"):
            check_page(response.text, path=f"{method} {url}")
            typed = set(kwargs.get("data") or {}) - BUTTON_FIELDS
            if method.upper() == "POST" and response.status_code in (400, 409, 422) and typed:
                # A refused form comes back with what was typed and the reason, never as a bare error page
                # (a button, which carries nothing typed, may answer with the reason alone).
                assert 'id="error-page"' not in response.text, (
                    f"POST {url}: refused ({response.status_code}) with an error page, not the form: "
                    + " ".join(response.text.split("<h1", 1)[-1].split("</p>", 1)[0].split())[:300]
                )
        return response

    def csrf(self) -> str:
        """The token a page would carry for this client now: bound to its session once signed in, else to
        its anonymous cookie (fetched, as a browser would, from a page). Over HTTPS both are `__Host-`."""
        signed_in = bool({SESSION_COOKIE, SECURE_SESSION_COOKIE} & set(self.cookies.keys()))
        if not signed_in and not {csrf.COOKIE, csrf.SECURE_COOKIE} & set(self.cookies.keys()):
            super().request("GET", "/signed-out")
        cookies = {name: str(value) for name, value in self.cookies.items()}
        binding = csrf.binding_of(cookies, signed_in=signed_in)
        assert binding is not None
        return csrf.token_for(self.app.state.settings.secret_key, binding)

    def submit(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """POST a form as a browser would: URL-encoded, with the CSRF token, redirects not followed."""
        body = {**(data or {}), "_csrf_token": self.csrf()}
        kwargs.setdefault("follow_redirects", False)
        return self.post(path, data=body, **kwargs)

    def sign_in_as(self, token: str) -> PageClient:
        self.cookies.set(SESSION_COOKIE, token)
        return self


@pytest.fixture
def app(settings: Settings, session_factory: sessionmaker[Session]) -> Litestar:
    return create_app(settings, session_factory=session_factory)


@pytest.fixture
def client(app: Litestar) -> Iterator[PageClient]:
    with PageClient(app, base_url="http://testserver.local") as client:
        yield client
