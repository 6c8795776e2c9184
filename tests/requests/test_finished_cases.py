"""A withdrawn or closed case stays finished: every letter and every change is refused with a message naming
the state, through the services, the pages, the API and the command line, and nothing is written [issue 13].

The page and API walks enumerate the app's routes, so a route added later is covered without editing them."""

from __future__ import annotations

import re
import typing
import uuid
from dataclasses import MISSING, dataclass, fields, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from litestar import Litestar
from litestar.enums import RequestEncodingType
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.accounts import service as accounts
from disclosure.accounts.roles import CASE_ROLES, Role
from disclosure.auth import Principal
from disclosure.cli import main
from disclosure.db import Base, create_db_engine, create_session_factory, unit_of_work, utcnow
from disclosure.decisions import service as decisions
from disclosure.errors import InvalidTransition
from disclosure.letters import delivery
from disclosure.letters import service as letters
from disclosure.letters.vocabulary import LetterKind
from disclosure.requests import access
from disclosure.requests import service as requests_service
from disclosure.requests.models import CaseParty, DisclosureRequest
from disclosure.requests.workflow import RequestStatus
from disclosure.research import service as research
from disclosure.research.models import Check, EvidenceItem, PartnerRequest
from disclosure.storage import LocalFileStore
from tests import fresh_db
from tests.builders import date_time_fields, make_user, principal_for, sign_in_as
from tests.decisions.builders import all_present, disclose_values, panel_with
from tests.decisions.conftest import Cast, make_cast
from tests.pages import PageClient
from tests.research.builders import agency, case_in_research, partner_user, ready_to_submit, subject_id

fresh_database_url = fresh_db.fresh_database_url

# Verbs on a case that change nothing on it: stating why you need to open it is how a user outside the team
# reads it (a consultation, recorded), which a finished case still allows.
NOT_A_CHANGE = {"requests.access"}
STATES = {"withdrawn": "This case was withdrawn on ", "closed": "This case was closed on "}


@dataclass
class Finished:
    case: DisclosureRequest
    meeting_id: uuid.UUID
    item_id: uuid.UUID
    says: str  # how the refusal begins


def _when() -> dict[str, str]:
    return date_time_fields("occurred", utcnow())


def finish_a_case(db: Session, cast: Cast, state: str) -> Finished:
    """A case decided for disclosure, then withdrawn, or delivered and closed."""
    case = case_in_research(db, cast.clerk, cast.researcher)
    asked = {"agency_id": str(agency(db).id), "asked": "Any contact?", "person_ids": [subject_id(case)]}
    sent = research.send_partner_request(db, cast.researcher, case.id, asked)
    research.close_without_answer(db, cast.researcher, case.id, sent.id, {"reason": "Not needed now"})
    ready_to_submit(db, cast.researcher, cast.reviewer, case)
    research.submit(db, cast.researcher, case.id, {"version": str(research.package_for(db, case).version)})
    meeting, [item] = panel_with(db, cast.clerk, cast.chair, [(cast.probation, "probation")], case)
    decisions.record_attendance(db, cast.clerk, meeting.id, item.id, all_present(meeting))
    agencies = decisions.quorum(db, item).agencies
    form = disclose_values(db, case, cast.officer, agencies)
    decisions.record_decision(db, cast.probation, meeting.id, item.id, form)
    decisions.sign(db, cast.chair, meeting.id, item.id, {})
    # The letters are there while the case is open: what follows is refused for the state alone.
    assert letters.preview(db, cast.officer, case.id, LetterKind.DISCLOSURE_RECORD.value)
    if state == "withdrawn":
        requests_service.withdraw(db, cast.clerk, case.id, {"reason": "The person at risk asked us to stop"})
    else:
        delivery.record_delivery(db, cast.officer, case.id, _delivery_values())
        requests_service.close_request(db, cast.clerk, case.id)
    db.refresh(case)
    assert case.status == (RequestStatus.WITHDRAWN if state == "withdrawn" else RequestStatus.CLOSED)
    return Finished(case, meeting.id, item.id, STATES[state])


def _delivery_values() -> dict[str, str]:
    return {
        "method": "in_person",
        **_when(),
        "place": "Leeds Central police station",
        "identity_reconfirmed": "yes",
        "warning_given": "yes",
        "acknowledgement": "verbal",
        "safety_plan_agreed": "yes",
        "support": "IDVA service",
        "reaction": "Relieved to know.",
        "subject_told": "no",
    }


def row_counts(db: Session) -> dict[str, int]:
    db.flush()
    return {t.name: db.scalar(select(func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables}


@pytest.fixture
def cast(db: Session) -> Cast:
    return make_cast(db)


@pytest.fixture
def everyone(db: Session) -> Principal:
    """A user with every case role, to be refused by the rule and never by the route policy."""
    return principal_for(make_user(db, *CASE_ROLES, username="all.roles", display_name="Al Roles").user)


@pytest.fixture(params=sorted(STATES))
def finished(request: pytest.FixtureRequest, db: Session, cast: Cast, everyone: Principal) -> Finished:
    done = finish_a_case(db, cast, request.param)
    access.add_member(db, done.case, everyone.user_id)
    db.flush()
    return done


def test_a_finished_case_produces_no_letter_of_any_kind_through_the_service(
    db: Session, cast: Cast, finished: Finished, tmp_path: Path
) -> None:
    case, before = finished.case, row_counts(db)
    assert letters.available(db, cast.officer, case.id)[1] == []
    store = LocalFileStore(tmp_path / "files")
    for kind in LetterKind:
        with pytest.raises(InvalidTransition, match=f"^{finished.says}"):
            letters.preview(db, cast.officer, case.id, kind.value)
        with pytest.raises(InvalidTransition, match=f"^{finished.says}"):
            letters.generate(db, cast.officer, store, case.id, kind.value)
        with pytest.raises(InvalidTransition, match=f"^{finished.says}"):
            letters.render_for_print(db, cast.officer, case.reference, kind.value)
    assert row_counts(db) == before


def test_the_delivery_refusal_names_the_finished_state_not_an_unsigned_decision(
    db: Session, cast: Cast, finished: Finished
) -> None:
    with pytest.raises(InvalidTransition, match=f"^{finished.says}") as refused:
        delivery.record_delivery(db, cast.officer, finished.case.id, _delivery_values())
    assert "signed" not in str(refused.value)


def test_a_finished_case_takes_no_addendum_to_its_decision(
    db: Session, cast: Cast, finished: Finished
) -> None:
    before = row_counts(db)
    with pytest.raises(InvalidTransition, match=f"^{finished.says}"):
        decisions.add_addendum(
            db, cast.chair, finished.meeting_id, finished.item_id, {"text": "More", "reason": "Typo"}
        )
    assert row_counts(db) == before


def test_a_partner_agency_cannot_answer_for_a_withdrawn_case(db: Session, cast: Cast) -> None:
    case = case_in_research(db, cast.clerk, cast.researcher)
    values = {"agency_id": str(agency(db).id), "asked": "Any contact?", "person_ids": [subject_id(case)]}
    sent = research.send_partner_request(db, cast.researcher, case.id, values)
    requests_service.withdraw(db, cast.clerk, case.id, {"reason": "The applicant withdrew"})
    partner, before = partner_user(db), row_counts(db)
    answer = {"result": "information_found", "response": "Supervised.", "onward_consent": "consents"}
    with pytest.raises(InvalidTransition, match=f"^{STATES['withdrawn']}"):
        research.answer(db, partner, sent.id, answer)
    assert row_counts(db) == before


def test_every_letter_page_refuses_a_finished_case(
    db: Session, client: PageClient, cast: Cast, finished: Finished
) -> None:
    sign_in_as(db, client, cast.officer)
    base = f"/requests/{finished.case.id}/letters"
    before = row_counts(db)
    listed = client.get(base)
    assert listed.status_code == 200 and finished.says in listed.text
    assert "Generate PDF and Word" not in listed.text
    for kind in LetterKind:
        for response in (
            client.get(f"{base}/{kind.value}/preview"),
            client.submit(f"{base}/{kind.value}", {"target": ""}),
        ):
            assert response.status_code == 409, (kind, response.status_code)
            assert finished.says in response.text, kind
    assert row_counts(db) == before


def _routes(app: Litestar, prefix: str) -> list[tuple[str, Any]]:
    """Every POST route on one case (`prefix` then `{request_id}`), with its handler."""
    found = [
        (route.path, handler)
        for route in app.routes
        if route.path.startswith(f"{prefix}/{{request_id:uuid}}")
        for handler in getattr(route, "route_handlers", [])
        if "POST" in handler.http_methods and handler.name not in NOT_A_CHANGE
    ]
    return sorted(found, key=lambda pair: pair[0])


def _ids(db: Session, case: DisclosureRequest) -> dict[str, str]:
    """The case's own rows, by the path parameter that names them, so each route reaches a real record."""
    first: dict[str, Any] = {
        "request_id": case.id,
        "party_id": db.scalar(select(CaseParty.id).where(CaseParty.request_id == case.id)),
        "check_id": db.scalar(select(Check.id).where(Check.request_id == case.id)),
        "item_id": db.scalar(select(EvidenceItem.id).where(EvidenceItem.request_id == case.id)),
        "partner_request_id": db.scalar(
            select(PartnerRequest.id).where(PartnerRequest.request_id == case.id)
        ),
    }
    return {name: str(found) for name, found in first.items() if found is not None}


def _url(path: str, ids: dict[str, str]) -> str:
    """The route's path with the case's rows, a letter kind, and made-up ids for anything else (the state
    is checked before anything the path names is looked up)."""

    def value(match: re.Match[str]) -> str:
        name, kind = match.group(1), match.group(2)
        if name in ids:
            return ids[name]
        if kind == "uuid":
            return str(uuid.uuid4())
        if kind == "int":
            return "1"
        return LetterKind.DISCLOSURE_RECORD.value

    return re.sub(r"\{(\w+):(\w+)\}", value, path)


def _sample(kind: Any) -> Any:
    origin = typing.get_origin(kind)
    if origin is list:
        return []
    if origin is not None:  # X | None
        return _sample(next(a for a in typing.get_args(kind) if a is not type(None)))
    samples: dict[Any, Any] = {
        str: "x",
        int: 1,
        bool: False,
        uuid.UUID: str(uuid.uuid4()),
        datetime: utcnow().isoformat(),
        date: utcnow().date().isoformat(),
    }
    return samples.get(kind, "x")


def _body(handler: Any) -> dict[str, Any]:
    """A JSON body of the handler's declared shape (its required fields filled), so the body's validation
    passes and the verb itself decides."""
    data = handler.parsed_fn_signature.parameters.get("data")
    shape = data.annotation if data is not None else None
    if not isinstance(shape, type) or not is_dataclass(shape):
        return {}
    hints = typing.get_type_hints(shape)
    return {
        f.name: _sample(hints[f.name])
        for f in fields(shape)
        if f.default is MISSING and f.default_factory is MISSING
    }


def _upload(handler: Any) -> dict[str, Any]:
    """A file for a route that takes one (a file-upload form), so the page has something to refuse."""
    data = handler.parsed_fn_signature.parameters.get("data")
    media = getattr(data.kwarg_definition, "media_type", None) if data is not None else None
    if media is RequestEncodingType.MULTI_PART:
        return {"files": {"file": ("note.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}}
    return {}


def test_every_case_changing_page_and_api_verb_refuses_a_finished_case(
    db: Session, app: Litestar, client: PageClient, everyone: Principal, finished: Finished
) -> None:
    pages, api = _routes(app, "/requests"), _routes(app, "/api/v1/requests")
    assert len(pages) > 20 and len(api) > 10, "the walk found too few routes"
    admin = make_user(db, Role.ADMINISTRATOR, username="ada.tokens")
    token = accounts.issue_api_token(db, principal_for(admin.user), everyone.user_id, "walk")
    sign_in_as(db, client, everyone)
    ids = _ids(db, finished.case)
    assert set(ids) == {"request_id", "party_id", "check_id", "item_id", "partner_request_id"}
    before = row_counts(db)
    wrong = []
    for path, handler in pages:
        form = {"version": str(finished.case.version)}
        response = client.submit(_url(path, ids), form, **_upload(handler))
        if response.status_code != 409 or finished.says not in response.text:
            wrong.append(f"page {path}: {response.status_code} {response.text[:200]!r}")
    bearer = {"Authorization": f"Bearer {token}"}
    for path, handler in api:
        response = client.post(_url(path, ids), json=_body(handler), headers=bearer)
        if response.status_code != 409 or finished.says not in response.text:
            wrong.append(f"api {path}: {response.status_code} {response.text[:200]!r}")
    assert not wrong, "\n".join(wrong)
    assert row_counts(db) == before


def test_the_command_line_prints_no_letter_for_a_finished_case(
    fresh_database_url: str, tmp_path: Path
) -> None:
    engine = create_db_engine(fresh_database_url)
    try:
        with unit_of_work(create_session_factory(engine)) as session:
            reference = finish_a_case(session, make_cast(session), "withdrawn").case.reference
    finally:
        engine.dispose()
    env = {
        "DISCLOSURE_DATABASE_URL": fresh_database_url,
        "DISCLOSURE_ENVIRONMENT": "test",
        "DISCLOSURE_VAR_DIR": str(tmp_path),
    }
    out = tmp_path / "print"
    for kind in LetterKind:
        result = CliRunner().invoke(
            main, ["letters", "render", reference, kind.value, "--out", str(out)], env=env
        )
        assert result.exit_code == 1, (kind, result.output)
        assert STATES["withdrawn"] in result.output, kind
    assert not out.exists() or not any(out.iterdir())
