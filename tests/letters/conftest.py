"""Fixtures for letters: a case with a signed decision (disclose or not), reusing the decision builders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from disclosure.decisions import service as decisions
from disclosure.requests.models import DisclosureRequest
from disclosure.storage import LocalFileStore
from tests.decisions.builders import (
    all_present,
    disclose_values,
    no_disclosure_values,
    panel_with,
    submitted_case,
)
from tests.decisions.conftest import Cast, make_cast


@pytest.fixture
def cast(db: Session) -> Cast:
    return make_cast(db)


@pytest.fixture
def store(tmp_path: Path) -> LocalFileStore:
    return LocalFileStore(tmp_path / "files")


Decide = Callable[..., DisclosureRequest]
SAFE_ADDRESS = "c/o Testtown Women's Centre\n5 Safe Street\nTesttown TE9 9ZZ"


@pytest.fixture
def decided(db: Session, cast: Cast) -> Decide:
    """A submitted case decided and signed: `decided("disclose")` or `decided("no_disclosure")`, with
    `route=` and `applicant_type=` for the letters that depend on them; the applicant may be sent post at a
    safe address unless `post=False`."""

    def make(
        outcome: str = "disclose", route: str = "right_to_know", *, post: bool = True, **values: object
    ) -> DisclosureRequest:
        case = submitted_case(db, cast.clerk, cast.researcher, cast.reviewer, route=route)
        if "applicant_type" in values:
            case.applicant_type = str(values.pop("applicant_type"))
        for party in case.parties:
            if party.role == "applicant" and post:  # letters to the applicant go to a safe address
                party.safe_channels += ",post"
                party.safe_address = SAFE_ADDRESS
        meeting, [item] = panel_with(db, cast.clerk, cast.chair, [(cast.probation, "probation")], case)
        decisions.record_attendance(db, cast.clerk, meeting.id, item.id, all_present(meeting))
        agencies = decisions.quorum(db, item).agencies
        form = (
            disclose_values(db, case, cast.officer, agencies, **values)
            if outcome == "disclose"
            else no_disclosure_values(db, agencies, **values)
        )
        decisions.record_decision(db, cast.probation, meeting.id, item.id, form)
        decisions.sign(db, cast.chair, meeting.id, item.id, {})
        db.refresh(case)
        return case

    return make
