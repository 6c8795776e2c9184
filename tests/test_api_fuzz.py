"""The JSON API fuzzed from its own OpenAPI document with schemathesis [issue 19; QUALITY.md 13]: for every
operation, data generated from the document (valid and invalid, boundaries included) never gets a 500, an
undeclared status or content type, or an answer whose body breaks its schema, and data the document calls
invalid is refused. Run in-process against the test app once for each role, with its own API token, so
that the refusals (401, 403, 404) are met and must be declared too; then as a data administrator through
the links between operations (a request logged, then read and moved on by its id), so that calls on
records that exist are fuzzed as well. Hypothesis is derandomised so CI sees the same cases each run."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from litestar import Litestar
from litestar.routes import HTTPRoute
from schemathesis import APIOperation, Case, CheckContext, CheckFunction, GenerationMode, Response
from schemathesis.core.parameters import ParameterLocation
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import positive_data_acceptance
from schemathesis.specs.openapi.schemas import OpenApiSchema
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from disclosure.accounts import service as accounts
from disclosure.accounts.policy import may
from disclosure.accounts.roles import Role
from disclosure.auth import Principal
from disclosure.db import utcnow
from tests.builders import make_user, principal_for
from tests.research.builders import partner_user

DOCUMENT = "/api/v1/schema/openapi.json"
# Cases per operation, for each role's token. A role the policy refuses is refused before its input is
# read, so a few cases show it; a role let in meets the operation's own rules, need to know and not found.
# A data administrator reaches the most operations and records; the other roles fewer. CI runs the quick
# sizes (about two minutes); `make check-reliability` sets DISCLOSURE_FUZZ=thorough for the published ones
# (about five).
THOROUGH = os.environ.get("DISCLOSURE_FUZZ") == "thorough"
EXAMPLES_LET_IN = {Role.DATA_ADMINISTRATOR: 30 if THOROUGH else 12}
EXAMPLES_LET_IN_OTHERWISE = 20 if THOROUGH else 8
EXAMPLES_REFUSED = 4 if THOROUGH else 3
# The linked calls: scenarios, and calls in each.
SCENARIOS = 200 if THOROUGH else 100
STEPS = 10 if THOROUGH else 8


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


def bearer_for(db: Session, role: Role) -> tuple[dict[str, str], Principal]:
    """An API token for a user holding only `role` (a partner user sits for an agency), and who they are."""
    issuer = make_user(db, Role.ADMINISTRATOR, username="ada.issuer", display_name="Ada Issuer")
    if role is Role.PARTNER:
        principal = partner_user(db)
    else:
        who = make_user(db, role, username=f"fuzz.{role.value}", display_name=f"{role.label} Example")
        principal = principal_for(who.user)
    token = accounts.issue_api_token(db, principal_for(issuer.user), principal.user_id, "fuzzing")
    return {"Authorization": f"Bearer {token}"}, principal


def policy_names(app: Litestar) -> dict[str, str]:
    """Each operation's name in the policy table, by its label in the document (`POST /api/v1/requests`)."""
    return {
        f"{method} {route.path_format}": handler.name or ""
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
        for method in handler.http_methods
    }


def load(app: Litestar) -> OpenApiSchema:
    return schemathesis.openapi.from_asgi(DOCUMENT, app)


def refused(role: Role) -> CheckFunction:
    """A check for an operation the policy refuses the role: it never answers with success."""

    def never_answered(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
        if 200 <= response.status_code < 300:
            raise AssertionError(
                f"a {role.value} token was answered {response.status_code} by an operation its policy refuses"
            )
        return None

    return never_answered


def fuzz(
    operation: APIOperation[Any, Any, Any, Any],
    headers: dict[str, str],
    examples: int,
    checks: list[CheckFunction],
) -> tuple[str | None, int]:
    """`examples` valid and invalid cases of one operation with the token in `headers`: every check but
    positive data acceptance, with `checks` besides; what failed (or None), and how many cases were sent."""
    sent = [0]

    # The token is sent with every case, so a case made invalid by leaving it out is not what is sent.
    invalid = operation.as_strategy(GenerationMode.NEGATIVE).filter(
        lambda case: case.meta is None or not case.meta.is_negative_at(ParameterLocation.HEADER)
    )

    @given(case=operation.as_strategy(GenerationMode.POSITIVE) | invalid)
    @_settings(examples)
    def check(case: Case[Any]) -> None:
        sent[0] += 1
        case.call_and_validate(
            headers=headers, additional_checks=checks, excluded_checks=[positive_data_acceptance]
        )

    try:
        check()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # each operation's failure is collected, then all are told
        return str(exc)[:600], sent[0]
    return None, sent[0]


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_the_api_keeps_its_document_for_every_role(
    app: Litestar, db: Session, role: Role, record_property: Callable[[str, object], None]
) -> None:
    """Every operation, a few generated cases each, with a token for each role (schemathesis' pytest
    plugin does not run under pytest 9, so each operation's strategy is driven by Hypothesis here). Every
    check but one: that data the document calls valid is accepted, which rules a schema cannot hold break
    (a first contact before 2010 or in the future, a chair who is not a chair, a correction that changes
    nothing); those are each refused at their field with the service's words, and tested where they are
    made. An operation the role may not call must refuse every case."""
    headers, principal = bearer_for(db, role)
    names = policy_names(app)
    failures: list[str] = []
    operations = let_in = cases = 0
    for found in load(app).get_all_operations():
        if not isinstance(found, Ok):
            failures.append(f"the document has an operation it cannot describe: {found.err()}")
            continue
        operation = found.ok()
        operations += 1
        if may(principal, names[operation.label]):
            let_in += 1
            failed, sent = fuzz(operation, headers, EXAMPLES_LET_IN.get(role, EXAMPLES_LET_IN_OTHERWISE), [])
        else:
            failed, sent = fuzz(operation, headers, EXAMPLES_REFUSED, [refused(role)])
        cases += sent
        if failed:
            failures.append(f"{role.value} {operation.label}: {failed}")
    # Published in docs/RELIABILITY.md by `make check-reliability` (QUALITY.md "Figures to publish").
    record_property("api_operation_roles", operations)
    record_property("api_cases", cases)
    record_property("api_failures", len(failures))
    assert operations > 50
    assert let_in >= 1  # every role reaches its own account (`GET /api/v1/me`)
    assert not failures, "\n\n".join(failures)


def _recently() -> str:
    return (utcnow() - timedelta(hours=3)).isoformat()


def _next_week() -> str:
    return (utcnow() + timedelta(days=7)).isoformat()


def _a_person(body: dict[str, Any]) -> None:
    """Born in the past, named with letters, at a real postcode: what the people service requires."""
    if body.get("date_of_birth") is not None:
        body["date_of_birth"] = "1990-04-03"
    for field, name in (("given_names", "Ann"), ("family_name", "Bell")):
        if field in body and not any(c.isalpha() for c in body[field]):
            body[field] = name
    if body.get("postcode"):
        body["postcode"] = "SW1A 1AA"
    if body.get("aliases"):
        body["aliases"] = ["Annie Bell"]


def test_the_api_keeps_its_document_across_linked_calls(
    app: Litestar, db: Session, connection: Connection
) -> None:
    """Scenarios of calls as a data administrator, each following the document's links from a record
    made or listed to the operations that take it by id (a request logged, then read, triaged, paused),
    with every check the fuzz above runs and schemathesis' stateful ones (a record made can be read).
    Only the links the document declares are followed, not those schemathesis would guess; each
    scenario's records are rolled back when it ends. Valid bodies
    get what a schema cannot say and the services require (a first contact in the last few hours, a
    panel's chair who holds the role), so that scenarios go on past their first call."""
    headers, _ = bearer_for(db, Role.DATA_ADMINISTRATOR)
    chair = make_user(db, Role.PANEL_CHAIR, username="chris.chair", display_name="Chris Chair").user
    member = make_user(db, Role.PANEL_MEMBER, username="pam.probation", display_name="Pam Probation").user
    plausible: dict[str, Callable[[dict[str, Any]], None]] = {
        "POST /api/v1/requests": lambda body: body.update(first_contact=_recently()),
        "POST /api/v1/panels": lambda body: body.update(
            chair_id=str(chair.id), meets_at=_next_week(), held=False
        ),
        "POST /api/v1/panels/{meeting_id}/members": lambda body: body.update(user_id=str(member.id)),
        "POST /api/v1/people": _a_person,
    }
    schema = load(app)
    declared = [
        (source, status, link)
        for item in schema.raw_schema["paths"].values()
        for source in item.values()
        if isinstance(source, dict)
        for status, response in source.get("responses", {}).items()
        for link in response.get("links", {})
    ]
    schema.config.phases.stateful.inference.algorithms = []
    # Invalid data is the per-role fuzz's; here a scenario's token would mend a case made without one.
    schema.config.generation.modes = [GenerationMode.POSITIVE]
    answered: Counter[tuple[str, int]] = Counter()
    machine = schema.as_state_machine()

    class AsDataAdministrator(machine):  # type: ignore[misc, valid-type]
        """Each scenario starts from the same records (a savepoint, rolled back when it ends): what a
        link finds then depends only on the calls made, so Hypothesis sees the same data for the same
        choices (left to pile up, one scenario's records change what the next one's links find)."""

        def __init__(self) -> None:
            super().__init__()
            self.scenario = connection.begin_nested()

        def teardown(self) -> None:
            if self.scenario.is_active:
                self.scenario.rollback()
            super().teardown()

        def before_call(self, case: Case[Any]) -> None:
            make_plausible = plausible.get(case.operation.label)
            valid = case.meta is not None and case.meta.generation.mode is GenerationMode.POSITIVE
            if make_plausible and valid and isinstance(case.body, dict):
                make_plausible(case.body)

        def get_call_kwargs(self, case: Case[Any]) -> dict[str, Any]:  # noqa: ARG002 (the same token for all)
            return {"headers": headers}

        def after_call(self, response: Response, case: Case[Any]) -> None:
            super().after_call(response, case)
            answered[case.operation.label, response.status_code] += 1

        def validate_response(
            self, response: Response, case: Case[Any], additional_checks: Any = None, **kwargs: Any
        ) -> None:
            case.validate_response(
                response,
                headers=kwargs.get("headers"),
                additional_checks=additional_checks,
                excluded_checks=[positive_data_acceptance],
                transport_kwargs=kwargs,
                recorder=self.recorder,
            )

    assert len(declared) > 30
    AsDataAdministrator.run(
        settings=settings(_settings(SCENARIOS), stateful_step_count=STEPS),
    )
    # The scenarios reached records that exist, through the links, not only refusals.
    assert answered["POST /api/v1/requests", 201] > 0
    assert answered["GET /api/v1/people/{person_id}", 200] > 0
    assert answered["GET /api/v1/panels/{meeting_id}", 200] > 0
