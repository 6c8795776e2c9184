"""Administrators change letter wording: previewed with sample data, checked before publishing, every
version kept, and generated letters use (and record) the newest version."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from disclosure.accounts.models import User
from disclosure.auth import Principal
from disclosure.errors import FormInvalid, PermissionDenied
from disclosure.letters import service, templates
from disclosure.letters.render import bundled_wording
from disclosure.letters.vocabulary import LetterKind
from disclosure.storage import LocalFileStore
from tests.builders import make_session
from tests.decisions.builders import person
from tests.decisions.conftest import Cast
from tests.letters.conftest import Decide
from tests.pages import PageClient


@pytest.fixture
def admin(db: Session) -> Principal:
    from disclosure.accounts.roles import Role

    return person(db, Role.ADMINISTRATOR, "ada.wording", "Ada Wording")


def _refused(call: object) -> str:
    with pytest.raises(FormInvalid) as refused:
        call()  # type: ignore[operator]
    return refused.value.errors["body"]


def test_the_preview_renders_the_typed_wording_with_sample_data(admin: Principal) -> None:
    head, blocks = templates.preview(
        admin, "non_disclosure", {"body": "Dear {{ applicant.first_name }},\n\n# Next"}
    )
    assert head.reference == "DVDS-2026-000123"
    assert [b.text for b in blocks] == ["Dear Sam,", "Next"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("Dear {{ applicant.shoe_size }}", "Unknown field: 'dict object' has no attribute 'shoe_size'"),
        ("Dear {{ victim.name }}", "Unknown field: victim"),
        ("Dear {{ applicant.name", "template error on line 1"),
        ("{{ ''.__class__.__mro__ }}", "cannot be rendered"),
        ("", "Enter the wording of the letter"),
    ],
)
def test_wording_that_cannot_render_is_refused_with_the_reason(
    admin: Principal, body: str, reason: str
) -> None:
    assert reason in _refused(lambda: templates.preview(admin, "non_disclosure", {"body": body}))


def test_publishing_keeps_every_version_and_letters_use_the_newest(
    db: Session, admin: Principal, cast: Cast, decided: Decide, store: LocalFileStore
) -> None:
    with pytest.raises(FormInvalid) as unexplained:
        templates.publish(db, admin, "disclosure_record", {"body": "Hello"})
    assert unexplained.value.errors == {"note": "Say what changed and why"}
    first = templates.publish(db, admin, "disclosure_record", {"body": "First wording", "note": "Shorter"})
    second = templates.publish(
        db, admin, "disclosure_record", {"body": "Read out: {{ decision.wording }}", "note": "Plainer"}
    )
    assert (first.version, second.version) == (1, 2)
    _, body, versions, _ = templates.editor(db, admin, "disclosure_record")
    assert body == second.body and [v.version for v in versions] == [2, 1]
    case = decided("disclose")
    letter = service.generate(db, cast.officer, store, case.id, "disclosure_record")
    assert letter.template_version == 2
    _, _, _, blocks = service.preview(db, cast.officer, case.id, "disclosure_record")
    assert blocks[0].text == "Read out: In 2019 he was convicted of assaulting a former partner."
    assert templates.editor(db, admin, "non_disclosure")[1] == bundled_wording(LetterKind.NON_DISCLOSURE)


def test_only_administrators_change_wording(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        templates.preview(cast.chair, "non_disclosure", {"body": "x"})


def test_the_wording_pages(db: Session, client: PageClient, admin: Principal) -> None:
    user = db.get(User, admin.user_id)
    assert user is not None
    client.sign_in_as(make_session(db, user))
    assert "Letter wording" in client.get("/admin/letter-templates").text
    assert client.get("/admin/letter-templates/non_disclosure").status_code == 200
    shown = client.submit(
        "/admin/letter-templates/non_disclosure",
        {"body": "Dear {{ applicant.first_name }},", "action": "preview"},
    )
    assert shown.status_code == 200 and "Dear Sam," in shown.text
    bad = client.submit(
        "/admin/letter-templates/non_disclosure",
        {"body": "Dear {{ nobody }}", "action": "publish", "note": "x"},
    )
    assert bad.status_code == 400 and "Unknown field: nobody" in bad.text and "Dear {{ nobody }}" in bad.text
    done = client.submit(
        "/admin/letter-templates/non_disclosure",
        {"body": "Dear {{ applicant.first_name }},", "action": "publish", "note": "Short"},
    )
    assert done.status_code == 303
    assert "Version 1" in client.get("/admin/letter-templates").text


@pytest.mark.parametrize("field", ["wording", "recipients", "safety_plan", "reason", "outcome"])
def test_no_wording_can_make_the_third_party_letter_say_what_was_disclosed(
    admin: Principal, field: str
) -> None:
    """The third-party letter's data holds nothing of what was decided [issue 15][Bexley]: an administrator
    cannot publish (or even preview) a wording that would print it."""
    body = f"Dear {{{{ applicant.first_name }}}}, we told them: {{{{ decision.{field} }}}}"
    assert f"has no attribute '{field}'" in _refused(
        lambda: templates.preview(admin, "third_party_outcome", {"body": body})
    )


def test_a_real_third_party_letter_is_given_no_decision_data(
    db: Session, cast: Cast, decided: Decide
) -> None:
    from disclosure.letters.context import draft_for

    case = decided("disclose", route="right_to_ask", applicant_type="third_party")
    draft = draft_for(db, case, LetterKind.THIRD_PARTY_OUTCOME)
    assert draft is not None and set(draft.context["decision"]) == {"signed_on"}
    record = draft_for(db, case, LetterKind.DISCLOSURE_RECORD)
    assert record is not None and record.context["decision"]["wording"], "the police record keeps it all"
