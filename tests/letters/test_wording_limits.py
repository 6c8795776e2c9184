"""Letter wording runs with limits on numbers, text size and time [issue 13]: a wording that asks for too much
is refused at its field with the reason, on the preview and when publishing, and a letter whose published
wording reaches a limit on a real case is refused with a message, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.auth import Principal
from disclosure.errors import FormInvalid
from disclosure.letters import sandbox, templates
from disclosure.letters.models import LetterTemplate
from disclosure.letters.vocabulary import LetterKind
from tests.builders import sign_in_as
from tests.decisions.builders import person
from tests.decisions.conftest import Cast
from tests.letters.conftest import Decide
from tests.pages import PageClient

NUMBER, TEXT, WIDTH = "number too large", "longer than a letter can hold", "over 10,000"
TOO_MUCH = [
    ("{{ 10 ** 100000 }}", NUMBER),
    ("{{ 9 ** 9 ** 9 }}", NUMBER),
    ("{{ 2.0 ** 5000 }}", NUMBER),
    ("{{ (10 ** 20) * (10 ** 20) }}", NUMBER),
    ("{{ ('9' * 4000) | int }}", NUMBER),
    ("{{ 'x' * 10 ** 9 }}", TEXT),
    ("{{ ['x'] * 10 ** 9 }}", TEXT),
    ("{{ 'x' * 100000 + 'y' * 150000 }}", TEXT),
    ("{{ ('a' * 100000) | replace('', 'b' * 1000) }}", TEXT),
    ("{{ '%999999999d' % 1 }}", WIDTH),
    ("{{ '%999999999d' | format(1) }}", WIDTH),
    ("{{ '{:>999999999}'.format(1) }}", WIDTH),
    ("{{ '{0:>{1}}'.format(1, 999999999) }}", WIDTH),
    ("{{ 'x'.ljust(999999999) }}", WIDTH),
    ("{{ 'x' | center(999999999) }}", WIDTH),
    ("{{ 'x' | indent(999999999) }}", WIDTH),
    ("{% for i in range(100000) %}{{ 'x' * 100 }}{% endfor %}", "longer than any letter needs"),
    ("{{ " + "9" * 5000 + " }}", "cannot be read"),
    (
        "{% set ns = namespace(x='a') %}{% for i in range(60) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}",
        "namespace",
    ),
    ("{{ lipsum(10 ** 6) }}", "lipsum"),
]
SLOW = [
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{% set x = range(100000) | list %}{% for i in x %}{% for j in x %}{% endfor %}{% endfor %}",
]


@pytest.fixture
def admin(db: Session) -> Principal:
    from disclosure.accounts.roles import Role

    return person(db, Role.ADMINISTRATOR, "ada.limits", "Ada Limits")


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> float:
    """A shorter time limit, so the slow wordings are refused quickly."""
    monkeypatch.setattr(sandbox, "TIME_LIMIT", 0.3)
    return 0.3


def _refusal(admin: Principal, body: str) -> str:
    with pytest.raises(FormInvalid) as refused:
        templates.preview(admin, LetterKind.NON_DISCLOSURE.value, {"body": body})
    return refused.value.errors["body"]


@pytest.mark.parametrize(("body", "reason"), TOO_MUCH)
def test_wording_that_asks_for_too_much_is_refused_with_the_reason(
    admin: Principal, body: str, reason: str
) -> None:
    assert reason in _refusal(admin, body)


@pytest.mark.usefixtures("quick")
@pytest.mark.parametrize("body", SLOW)
def test_wording_that_runs_too_long_is_stopped(admin: Principal, body: str) -> None:
    assert "took longer than 0.3 seconds" in _refusal(admin, body)


def test_ordinary_arithmetic_and_filters_still_work(admin: Principal) -> None:
    body = (
        "{{ 2 ** 10 }} {{ 3 * 4 }} {{ 'ab' * 2 }} {{ '%.1f' | format(2.25) }} {{ '{:>4}'.format('x') }} "
        "{{ decision.safeguarding | join(', ') }} {{ applicant.name | upper | center(20) | trim }}"
        "{% for i in range(3) %} {{ i }}{% endfor %}"
    )
    _, [block] = templates.preview(admin, LetterKind.DISCLOSURE_RECORD.value, {"body": body})
    assert block.text == "1024 12 abab 2.2    x MARAC referral, IDVA referral SAM SAMPLE 0 1 2"


def test_the_editor_shows_the_reason_at_the_wording_field(
    db: Session, client: PageClient, admin: Principal, quick: float
) -> None:
    sign_in_as(db, client, admin)
    before = db.scalar(select(func.count()).select_from(LetterTemplate))
    for body, reason in [*TOO_MUCH, *((slow, "took longer") for slow in SLOW)]:
        for action in ("preview", "publish"):
            form = {"body": body, "note": "Testing the limits", "action": action}
            response = client.submit("/admin/letter-templates/non_disclosure", form)
            assert response.status_code == 400, (body, action, response.status_code)
            assert 'href="#body"' in response.text and reason in response.text, (body, action)
    assert db.scalar(select(func.count()).select_from(LetterTemplate)) == before


def test_a_published_wording_that_reaches_a_limit_on_a_case_is_refused_not_a_500(
    db: Session, client: PageClient, cast: Cast, decided: Decide
) -> None:
    case = decided("no_disclosure", route="right_to_ask")
    # As if published before the limits existed: the check at publishing never saw it.
    old = LetterTemplate(
        kind="non_disclosure", version=1, body="{{ 10 ** 100000 }}", note="Before the limits"
    )
    db.add(old)
    old.published_by_id = cast.clerk.user_id
    db.flush()
    sign_in_as(db, client, cast.clerk)
    for response in (
        client.get(f"/requests/{case.id}/letters/non_disclosure/preview"),
        client.submit(f"/requests/{case.id}/letters/non_disclosure", {"target": ""}),
    ):
        assert response.status_code == 400
        assert "The wording of this letter cannot be rendered" in response.text
        assert "number too large" in response.text
