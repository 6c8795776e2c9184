"""The police feed import: row-by-row validation with line numbers, good rows loading, idempotence on the
police reference, matching to the people index and every row accounted for [issue 7]."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure.auth import Principal
from disclosure.db import utcnow
from disclosure.errors import FormInvalid
from disclosure.missing import feed
from disclosure.missing.models import Episode, ImportProblem, PendingMatch, ReturnInterview
from disclosure.people.models import Person
from tests.missing.builders import CHILD_BORN, UK, coordinator, person

HEADER = ",".join(feed.FIELDS)


def line(**cells: str) -> str:
    base = {
        "police_reference": "MP/26/0001",
        "given_names": "Jamie",
        "family_name": "Rivers",
        "date_of_birth": CHILD_BORN,
        "postcode": "LS1 4AP",
        "care_status": "looked_after",
        "placing_authority": "childrens-social-care",
        "reported_at": "2026-11-01 21:15",
        "reported_by": "Oak House staff",
        "risk_level": "medium",
        "risk_factors": "exploitation;self_harm",
    }
    base.update(cells)
    return ",".join(f'"{base.get(name, "")}"' for name in feed.FIELDS)


def _ago(hours: float) -> str:
    return (utcnow() - timedelta(hours=hours)).astimezone(UK).strftime("%Y-%m-%d %H:%M")


def csv_of(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def run(
    db: Session, actor: Principal, data: bytes, layout: feed.Layout | None = None
) -> tuple[feed.Outcome, feed.FeedImport]:
    layout = layout or feed.Layout()
    record = feed.start_import(db, actor, filename="feed.csv", data=data, layout=layout)
    return feed.run_import(db, actor, record, data, layout), record


def test_good_bad_and_duplicate_rows_are_each_accounted_for(db: Session) -> None:
    actor = coordinator(db)
    known = person(db, actor)
    data = csv_of(
        line(),  # line 2: good, matches the known person exactly
        line(
            police_reference="MP/26/0002",
            reported_at=_ago(20),
            returned_at=_ago(10),
            return_place="Leeds station",
            safe_and_well="no_concerns",
        ),  # line 3: good, closed
        line(police_reference="", given_names="No", family_name="Reference"),  # line 4: bad
        line(police_reference="MP/26/0003", risk_level="extreme"),  # line 5: bad
        line(police_reference="MP/26/0004", reported_at="yesterday"),  # line 6: bad
        line(police_reference="MP/26/0001"),  # line 7: duplicate of line 2
        line(
            police_reference="MP/26/0005",
            given_names="Priya",
            family_name="Shah",
            date_of_birth="2009-02-11",
            returned_at="2026-11-07 10:00",
        ),  # line 8: bad: returned without place or check
        line(
            police_reference="MP/26/0006",
            given_names="Olu",
            family_name="Adeyemi",
            date_of_birth="2010-06-30",
        ),
    )
    outcome, record = run(db, actor, data)

    assert outcome.total == 8 and outcome.total == (
        outcome.loaded + outcome.updated + outcome.unchanged + outcome.rejected
    )
    assert (outcome.loaded, outcome.unchanged, outcome.rejected) == (3, 1, 4)
    problems = {
        p.line: p.reason
        for p in db.scalars(select(ImportProblem).where(ImportProblem.import_id == record.id))
    }
    assert set(problems) == {4, 5, 6, 8}
    assert "No police reference" in problems[4]
    assert "Risk level 'extreme' is not one of" in problems[5]
    assert "Reported at 'yesterday' is not a date and time" in problems[6]
    assert "without the return place" in problems[8] and "safe and well" in problems[8]
    first = db.scalar(select(Episode).where(Episode.police_reference == "MP/26/0001"))
    assert first is not None and first.person_id == known.id and first.exploitation and first.self_harm
    closed = db.scalar(select(Episode).where(Episode.police_reference == "MP/26/0002"))
    assert closed is not None and closed.status == "closed"
    interview = db.scalar(select(ReturnInterview).where(ReturnInterview.episode_id == closed.id))
    assert interview is not None and closed.returned_at is not None and interview.due_at is not None
    assert (interview.due_at - closed.returned_at).total_seconds() == 72 * 3600
    assert record.status == "finished" and record.processed_rows == 8


def test_history_returned_long_ago_raises_no_interview_task(db: Session) -> None:
    data = csv_of(
        line(
            reported_at="2025-01-05 08:00",
            returned_at="2025-01-05 20:00",
            return_place="Home",
            safe_and_well="completed",
        )
    )
    run(db, coordinator(db), data)
    episode = db.scalar(select(Episode).where(Episode.police_reference == "MP/26/0001"))
    assert episode is not None and episode.status == "closed" and episode.interview is None


def test_line_numbers_count_the_header_as_line_one(db: Session) -> None:
    outcome, _ = run(db, coordinator(db), csv_of(line(risk_level="")))
    assert outcome.problems[0][0] == 2


def test_reimporting_the_same_file_changes_nothing(db: Session) -> None:
    actor = coordinator(db)
    data = csv_of(line(), line(police_reference="MP/26/0009", given_names="Olu", family_name="Adeyemi"))
    run(db, actor, data)
    episodes = db.scalar(select(func.count()).select_from(Episode))
    people_count = db.scalar(select(func.count()).select_from(Person))
    again, _ = run(db, actor, data)
    assert (again.loaded, again.unchanged, again.rejected) == (0, 2, 0)
    assert db.scalar(select(func.count()).select_from(Episode)) == episodes
    assert db.scalar(select(func.count()).select_from(Person)) == people_count


def test_a_later_file_with_the_return_closes_the_open_episode(db: Session) -> None:
    actor = coordinator(db)
    run(db, actor, csv_of(line()))
    outcome, _ = run(
        db,
        actor,
        csv_of(line(returned_at="2026-11-02 09:30", return_place="Home", safe_and_well="completed")),
    )
    assert outcome.updated == 1
    episode = db.scalar(select(Episode).where(Episode.police_reference == "MP/26/0001"))
    assert episode is not None and episode.status == "closed" and episode.interview is not None


def test_an_uncertain_match_waits_for_confirmation_and_nothing_close_is_a_new_person(db: Session) -> None:
    actor = coordinator(db)
    person(db, actor, "Jamie", "Rivers", CHILD_BORN)
    person(db, actor, "Jamie", "Rivers", CHILD_BORN)  # two identical records: not certain which
    before = db.scalar(select(func.count()).select_from(Person))
    outcome, _ = run(
        db,
        actor,
        csv_of(
            line(), line(police_reference="MP/26/0002", given_names="Zebedee", family_name="Quartermaine")
        ),
    )
    assert outcome.to_confirm == 1
    waiting = db.scalar(select(PendingMatch).where(PendingMatch.status == "pending"))
    assert waiting is not None and len(waiting.candidates) == 2 and waiting.line == 2
    assert before is not None and db.scalar(select(func.count()).select_from(Person)) == before + 1
    episode = db.scalar(select(Episode).where(Episode.police_reference == "MP/26/0001"))
    assert episode is not None and episode.person_id is None


def test_a_mapping_reads_another_layout(db: Session) -> None:
    mapping = json.dumps(
        {
            "columns": {
                "police_reference": "MISPER REF",
                "given_names": "FORENAME",
                "family_name": "SURNAME",
                "reported_at": "REPORTED",
                "risk_level": "RISK",
            },
            "values": {"risk_level": {"H": "high", "M": "medium"}},
        }
    )
    layout = feed.Layout.from_mapping(mapping, "force-x")
    data = b"MISPER REF,FORENAME,SURNAME,REPORTED,RISK\nX-1,Ann,Lee,03/11/2026 14:30,H\n"
    outcome, _ = run(db, coordinator(db), data, layout)
    assert outcome.loaded == 1
    episode = db.scalar(select(Episode).where(Episode.police_reference == "X-1"))
    assert episode is not None and episode.risk_level == "high" and episode.reported_at.hour == 14


def test_a_file_without_the_required_columns_is_refused_as_a_whole(db: Session) -> None:
    with pytest.raises(FormInvalid) as refused:
        run(db, coordinator(db), b"name,when\nAnn,today\n")
    assert "police_reference" in refused.value.errors["file"]


def test_a_broken_mapping_is_refused_at_its_field() -> None:
    with pytest.raises(FormInvalid) as refused:
        feed.Layout.from_mapping("{not json")
    assert "not valid JSON" in refused.value.errors["mapping"]
    with pytest.raises(FormInvalid) as unknown:
        feed.Layout.from_mapping('{"columns": {"shoe_size": "SIZE"}}')
    assert "shoe_size" in unknown.value.errors["mapping"]
