"""Fixtures for letters: a case with a signed decision (disclose or not), reusing the decision builders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from disclosure.decisions import service as decisions
from disclosure.decisions.models import Decision
from disclosure.force.models import ForceProfile
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

UNIT_PHONE, UNIT_EMAIL = "0300 123 4567", "disclosures@testshire.police.uk"


def name_the_force(db: Session, name: str = "Testshire Police", **fields: str) -> ForceProfile:
    """A saved version of the force's settings, as an administrator leaves them (letters need the name)."""
    values = {"nation": "england", "address": "Police Headquarters\nTesttown TE1 1ST", "phone": UNIT_PHONE}
    profile = ForceProfile(
        **{"email": UNIT_EMAIL, **values, **fields},
        name=name,
        changed_by="ada.admin",
        logo=None,
        logo_type="",
    )
    db.add(profile)
    db.flush()
    return profile


@pytest.fixture(autouse=True)
def named_force(db: Session) -> ForceProfile:
    """Letters are made only once the force's name is set: every letters test starts with it set."""
    return name_the_force(db)


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
    safe address unless `post=False`; `before_sign` may change the recorded decision before the chair signs
    it (as an earlier release could have recorded it)."""

    def make(
        outcome: str = "disclose",
        route: str = "right_to_know",
        *,
        post: bool = True,
        before_sign: Callable[[Decision], None] | None = None,
        **values: object,
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
        recorded = decisions.record_decision(db, cast.probation, meeting.id, item.id, form)
        if before_sign is not None:  # a signed decision cannot change
            before_sign(recorded)
            db.flush()
        decisions.sign(db, cast.chair, meeting.id, item.id, {})
        db.refresh(case)
        return case

    return make
