"""A merge keeps every link (issue 13, section 3): after two people-index records are merged, no row of any
table refers to the duplicate. The columns are read from the metadata, so a feature that adds a reference
to a person is walked here without editing this test."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from disclosure.auth import Principal
from disclosure.db import Base
from disclosure.missing import service as missing
from disclosure.missing.models import Episode, LinkConsideration
from disclosure.people import service as people
from disclosure.requests.models import CaseParty
from disclosure.requests.vocabulary import PartyRole
from disclosure.research import service as research
from tests.builders import make_user, principal_for
from tests.missing.builders import episode_values
from tests.requests.builders import add, make_person, make_request, ready_for_checks
from tests.research.builders import case_in_research, evidence_values


def _referring(db: Session, person_id: object) -> dict[str, int]:
    found = {}
    for column in people.person_references():
        count = db.scalar(select(func.count()).select_from(column.table).where(column == person_id)) or 0
        if count:
            found[f"{column.table.name}.{column.name}"] = count
    return found


def test_every_column_that_refers_to_a_person_is_walked() -> None:
    """The walk finds the references of every feature, and none of the index's own tables."""
    walked = {f"{c.table.name}.{c.name}" for c in people.person_references()}
    every = {
        f"{t.name}.{c.name}"
        for t in Base.metadata.sorted_tables
        for c in t.columns
        if any(fk.column.table.name == "people" for fk in c.foreign_keys)
    }
    assert walked == every - {"people.merged_into_id", "person_names.person_id", "person_addresses.person_id"}
    assert {"case_parties.person_id", "missing_episodes.person_id", "evidence_items.person_id"} <= walked


def test_a_merge_repoints_every_reference_to_the_duplicate(db: Session) -> None:
    clerk = principal_for(make_user(db, Role.DATA_ADMINISTRATOR, Role.RESEARCHER).user)
    survivor = make_person(db, clerk, "Jordan", "Reeve")
    duplicate = make_person(db, clerk, "Jordon", "Reeves")
    # The duplicate is the subject of a case in research (with evidence about them), and both records are
    # on another open case, so both raise a Right to Know consideration once missing.
    researching = case_in_research(db, clerk, clerk, route="right_to_know")
    subject = next(p for p in researching.parties if p.role == PartyRole.SUBJECT.value)
    subject.person_id = duplicate.id
    db.flush()
    research.record_evidence(db, clerk, researching.id, evidence_values(researching))
    both = make_request(db, clerk, route="right_to_know")
    ready_for_checks(db, clerk, both)
    add(db, clerk, both, PartyRole.SUBJECT, duplicate)
    add(db, clerk, both, PartyRole.SUBJECT, survivor)
    missing.record_episode(db, clerk, duplicate.id, episode_values(hours_ago=30))
    before = _referring(db, duplicate.id)
    assert len(before) >= 4, before

    people.merge_people(db, clerk, survivor.id, duplicate.id, "Same person: PNC confirms")

    assert _referring(db, duplicate.id) == {}
    assert db.scalar(select(func.count()).select_from(Episode).where(Episode.person_id == survivor.id)) == 1
    # One consideration per case and person remains (the unique rule), and one role per case.
    considered = db.scalars(select(LinkConsideration).where(LinkConsideration.request_id == both.id)).all()
    assert [c.person_id for c in considered] == [survivor.id]
    roles = db.scalars(
        select(CaseParty.role).where(CaseParty.request_id == both.id, CaseParty.person_id == survivor.id)
    )
    assert sorted(roles) == [PartyRole.SUBJECT.value]


def test_the_repeat_missing_flag_follows_the_survivor(db: Session) -> None:
    """The review found a "3 in 90 days" flag lost when the episodes stayed on the merged-away record."""
    clerk: Principal = principal_for(make_user(db, Role.DATA_ADMINISTRATOR).user)
    survivor = make_person(db, clerk, "Kai", "Morgan")
    duplicate = make_person(db, clerk, "Kai", "Morgan", postcode="LS1 4AP")
    for person, hours in ((survivor, 24 * 20), (duplicate, 24 * 10), (duplicate, 24 * 5)):
        episode = missing.record_episode(db, clerk, person.id, episode_values(hours_ago=hours))
        missing.close_episode(db, clerk, episode.id, _returned(hours - 2, episode.version))
    assert not missing.repeat_status(db, survivor.id).flagged
    people.merge_people(db, clerk, survivor.id, duplicate.id, "Duplicate entry")
    assert missing.repeat_status(db, survivor.id).flagged


def _returned(hours_ago: float, version: int) -> dict[str, str]:
    from tests.missing.builders import return_values

    return {**return_values(hours_ago=hours_ago), "version": str(version)}
