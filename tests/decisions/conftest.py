"""Fixtures for decision tests: the people of a case and of a panel, and a case on a quorate agenda."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from disclosure.auth import Principal
from disclosure.decisions import service
from disclosure.decisions.models import AgendaItem, PanelMeeting
from disclosure.requests.models import DisclosureRequest
from tests.decisions.builders import all_present, panel_with, person, submitted_case


@dataclass
class Cast:
    clerk: Principal
    researcher: Principal
    reviewer: Principal
    chair: Principal
    probation: Principal
    health: Principal
    minute_taker: Principal
    officer: Principal
    outsider: Principal


@pytest.fixture
def cast(db: Session) -> Cast:
    return make_cast(db)


def make_cast(db: Session) -> Cast:
    return Cast(
        clerk=person(db, Role.DATA_ADMINISTRATOR, "dana.admin", "Dana Clerk"),
        researcher=person(db, Role.RESEARCHER, "rory.research", "Rory Research"),
        reviewer=person(db, Role.RESEARCHER, "sue.supervisor", "Sue Supervisor"),
        chair=person(db, Role.PANEL_CHAIR, "chris.chair", "Chris Chair"),
        probation=person(db, Role.PANEL_MEMBER, "pam.probation", "Pam Probation"),
        health=person(db, Role.PANEL_MEMBER, "hana.health", "Hana Health"),
        minute_taker=person(db, Role.PANEL_MEMBER, "mo.police", "Mo Police"),
        officer=person(db, Role.DISCLOSING_OFFICER, "olly.officer", "Olly Officer"),
        outsider=person(db, Role.PANEL_MEMBER, "nina.none", "Nina Elsewhere"),
    )


@pytest.fixture
def admin_principal(db: Session) -> Principal:
    return person(db, Role.ADMINISTRATOR, "ada.admin", "Ada Admin")


@dataclass
class Panel:
    meeting: PanelMeeting
    item: AgendaItem
    case: DisclosureRequest


@pytest.fixture
def panel(db: Session, cast: Cast) -> Panel:
    return make_panel(db, cast)


def make_panel(db: Session, cast: Cast) -> Panel:
    """A submitted Right to Know case on a meeting chaired by Chris (police) with police, probation and
    health members, everyone present."""
    case = submitted_case(db, cast.clerk, cast.researcher, cast.reviewer)
    meeting, items = panel_with(
        db,
        cast.clerk,
        cast.chair,
        [(cast.minute_taker, "police"), (cast.probation, "probation"), (cast.health, "health")],
        case,
    )
    service.record_attendance(db, cast.clerk, meeting.id, items[0].id, all_present(meeting))
    return Panel(meeting, items[0], case)
