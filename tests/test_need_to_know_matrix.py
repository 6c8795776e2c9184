"""The route-by-role matrix for the records that hold a person or a panel's papers [issue 14]: a person's
page and API record, a case's frozen package and panel pack, its meeting's minutes and its decision, each
asked for by a user of every role with no tie to them, and by the people tied to them (the meeting's chair
and convener, a member taking part, a member who declared a conflict, the case's researcher, the missing-
person coordinator who leads the case). The expected answers are written out by hand, so that the test cannot
pass by mirroring a wrong rule, and every cell is asserted."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session

from disclosure.accounts import service as accounts
from disclosure.accounts.roles import Role
from disclosure.auth import Principal
from disclosure.decisions import service as decisions
from disclosure.missing import service as missing
from disclosure.requests import access as requests_access
from tests.builders import make_user, principal_for, sign_in_as
from tests.decisions.builders import all_present, no_disclosure_values
from tests.decisions.conftest import make_cast, make_panel
from tests.missing.builders import episode_values
from tests.pages import PageClient
from tests.requests.builders import make_person
from tests.research.builders import partner_user, subject_id

ROUTES = ("person", "person api", "missing person", "package", "pack", "minutes", "decision api")

READ, REASON, REFUSED, NOT_FOUND, OMITTED = "read", "reason", "refused", "not found", "omitted"
NOBODY = {"person": REFUSED, "person api": REFUSED, "missing person": REFUSED, "package": REFUSED}
NOBODY |= {"pack": REFUSED}
NOBODY |= {"minutes": REFUSED, "decision api": REFUSED}
STRANGER_CONVENER = {"person": REASON, "person api": REFUSED, "missing person": REASON, "package": REASON}
STRANGER_CONVENER |= {"pack": REASON}
STRANGER_CONVENER |= {"minutes": OMITTED, "decision api": NOT_FOUND}
OFF_THE_PANEL = {"person": REASON, "person api": REFUSED, "missing person": REASON, "package": REFUSED}
OFF_THE_PANEL |= {"pack": REFUSED}
OFF_THE_PANEL |= {"minutes": REFUSED, "decision api": NOT_FOUND}
EVERYTHING = dict.fromkeys(ROUTES, READ)

EXPECTED: dict[str, dict[str, str]] = {
    # Users of each role with no tie to the person, the case or the meeting.
    "administrator": NOBODY,
    "auditor": NOBODY,
    "partner": NOBODY,
    # Every data administrator coordinates missing-person data, so reads everyone with an episode.
    "data_administrator": {**STRANGER_CONVENER, "missing person": READ},
    "panel_chair": STRANGER_CONVENER,
    "panel_member": {**OFF_THE_PANEL, "package": NOT_FOUND, "pack": NOT_FOUND, "minutes": NOT_FOUND},
    "researcher": OFF_THE_PANEL,
    "disclosing_officer": OFF_THE_PANEL,
    # The people tied to the meeting or the case.
    "chair of the meeting": {**EVERYTHING, "person": REASON, "person api": REFUSED, "missing person": REASON},
    "convener of the meeting": EVERYTHING,
    "member taking part": {**EVERYTHING, "person": REASON, "person api": REFUSED, "missing person": REASON},
    "member with a conflict": {
        "person": REASON,
        "person api": REFUSED,
        "missing person": REASON,
        "package": REFUSED,
        "pack": REFUSED,
        "minutes": OMITTED,
        "decision api": NOT_FOUND,
    },
    # A researcher reads the package on the case itself; the panel's pages are for panel roles.
    "researcher on the case": {**OFF_THE_PANEL, "person": READ, "person api": READ, "decision api": READ},
    "case lead": EVERYTHING,  # a data administrator on the case team
}


@dataclass
class World:
    paths: dict[str, str]
    reference: str
    who: dict[str, Principal]


def _world(db: Session) -> World:
    cast = make_cast(db)
    panel = make_panel(db, cast)
    conflicted = next(m for m in panel.meeting.members if m.user_id == cast.health.user_id)
    attendance = all_present(panel.meeting, **{str(conflicted.id): "Treats the subject's partner"})
    decisions.record_attendance(db, cast.clerk, panel.meeting.id, panel.item.id, attendance)
    agencies = decisions.quorum(db, panel.item).agencies
    decision = decisions.record_decision(
        db, cast.probation, panel.meeting.id, panel.item.id, no_disclosure_values(db, agencies)
    )
    decisions.sign(db, cast.chair, panel.meeting.id, panel.item.id, {})
    person_id = uuid.UUID(subject_id(panel.case))
    lead = principal_for(make_user(db, Role.DATA_ADMINISTRATOR, username="lee.lead").user)
    requests_access.add_member(db, panel.case, lead.user_id)
    child = make_person(db, cast.clerk, "Ava", "Quinn")
    missing.record_episode(db, cast.clerk, child.id, episode_values())
    item = f"/panels/{panel.meeting.id}/items/{panel.item.id}"
    who = {
        role.value: partner_user(db)
        if role is Role.PARTNER
        else principal_for(make_user(db, role, username=f"nobody.{role.value}").user)
        for role in Role
    }
    who |= {
        "chair of the meeting": cast.chair,
        "convener of the meeting": cast.clerk,
        "member taking part": cast.probation,
        "member with a conflict": cast.health,
        "researcher on the case": cast.researcher,
        "case lead": lead,
    }
    return World(
        paths={
            "person": f"/people/{person_id}",
            "person api": f"/api/v1/people/{person_id}",
            "missing person": f"/people/{child.id}",
            "package": f"{item}/package",
            "pack": f"{item}/panel-pack.pdf",
            "minutes": f"/panels/{panel.meeting.id}/minutes.pdf",
            "decision api": f"/api/v1/decisions/{decision.id}",
        },
        reference=panel.case.reference,
        who=who,
    )


def _outcome(response: object, reference: str) -> str:
    status: int = response.status_code  # type: ignore[attr-defined]
    if status == 303 and "/access?next=" in response.headers["location"]:  # type: ignore[attr-defined]
        return REASON
    if status == 200 and response.headers["content-type"] == "application/pdf":  # type: ignore[attr-defined]
        pages = PdfReader(io.BytesIO(response.content)).pages  # type: ignore[attr-defined]
        text = "".join(page.extract_text() for page in pages)
        return READ if reference in text else OMITTED
    return {200: READ, 403: REFUSED, 404: NOT_FOUND}.get(status, f"status {status}")


@pytest.mark.parametrize("who", list(EXPECTED))
def test_each_role_and_tie_reads_the_person_and_the_papers_as_the_table_says(
    db: Session, client: PageClient, who: str, admin_token: Callable[[Principal], str]
) -> None:
    world = _world(db)
    reader = world.who[who]
    sign_in_as(db, client, reader)
    token = admin_token(reader)
    got = {}
    for route, path in world.paths.items():
        headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else {}
        got[route] = _outcome(client.get(path, headers=headers, follow_redirects=False), world.reference)
    assert got == EXPECTED[who]


@pytest.fixture
def admin_token(db: Session) -> Callable[[Principal], str]:
    admin = principal_for(make_user(db, Role.ADMINISTRATOR, username="ada.tokens").user)
    return lambda reader: accounts.issue_api_token(db, admin, reader.user_id, "matrix")
