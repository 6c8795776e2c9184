"""The JSON API fuzzed from its own OpenAPI document with schemathesis [issue 19; QUALITY.md 13]: for every
operation, data generated from the document (valid and invalid, boundaries included) never gets a 500, an
undeclared status or content type, or an answer whose body breaks its schema, and data the document calls
invalid is refused. Run in-process against the test app as a data administrator, with Hypothesis
derandomised so CI sees the same cases each run."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from litestar import Litestar
from schemathesis import GenerationMode
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy.orm import Session

from disclosure.accounts import service as accounts
from disclosure.accounts.roles import Role
from tests.builders import make_user, principal_for


@pytest.fixture
def bearer(db: Session) -> dict[str, str]:
    clerk = make_user(db, Role.DATA_ADMINISTRATOR, display_name="Dana Clerk")
    admin = make_user(db, Role.ADMINISTRATOR)
    token = accounts.issue_api_token(db, principal_for(admin.user), clerk.user.id, "fuzzing")
    return {"Authorization": f"Bearer {token}"}


def test_the_api_keeps_its_document(app: Litestar, bearer: dict[str, str]) -> None:
    """Every operation, a few generated cases each (schemathesis' pytest plugin does not run under pytest
    9, so each operation's strategy is driven by Hypothesis here). Every check but one: that data the
    document calls valid is accepted, which rules a schema cannot hold break (a first contact before 2010
    or in the future, a chair who is not a chair, a correction that changes nothing); those are each
    refused at their field with the service's words, and tested where they are made."""
    schema = schemathesis.openapi.from_asgi("/api/v1/schema/openapi.json", app)
    failures: list[str] = []
    operations = 0
    for found in schema.get_all_operations():
        if not isinstance(found, Ok):
            failures.append(f"the document has an operation it cannot describe: {found.err()}")
            continue
        operation = found.ok()
        operations += 1

        @given(
            case=operation.as_strategy(GenerationMode.POSITIVE)
            | operation.as_strategy(GenerationMode.NEGATIVE)
        )
        @settings(
            max_examples=30,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            case.call_and_validate(headers=bearer, excluded_checks=[positive_data_acceptance])

        try:
            check()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # each operation's failure is collected, then all are told
            failures.append(f"{operation.label}: {str(exc)[:600]}")
    assert operations > 50
    assert not failures, "\n\n".join(failures)
