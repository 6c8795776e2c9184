"""The feed import works row by row: a bad value in any column refuses its own row, with its line and every
reason, and never the file; values are cleaned of control characters as the page forms clean theirs; a
mapping file that is not a mapping is refused at its field [issue 13]."""

from __future__ import annotations

import csv
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.db import utcnow
from disclosure.errors import FormInvalid
from disclosure.missing import feed
from disclosure.missing.feed.reader import _decode
from disclosure.missing.models import Episode
from disclosure.people.models import PersonName
from tests.missing.builders import UK, coordinator
from tests.missing.test_feed import HEADER, line, run


def _ago(hours: float) -> str:
    return (utcnow() - timedelta(hours=hours)).astimezone(UK).strftime("%Y-%m-%d %H:%M")


def _in(hours: float) -> str:
    return _ago(-hours)


def row(**cells: str) -> str:
    """A good row reported a day and a half ago, unless the cells say otherwise."""
    return line(**{"reported_at": _ago(36), **cells})


def text_of(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


RETURNED = {"returned_at": _ago(2), "return_place": "Home", "safe_and_well": "completed"}

BAD_VALUES: list[tuple[str, str, dict[str, str], str]] = [
    # (column, bad value, other cells the value needs, what the reason says)
    ("police_reference", "R" * 41, {}, "Police reference is longer than 40 characters"),
    ("police_reference", "", {}, "No police reference"),
    ("given_names", "123", {}, "Given names must include letters"),
    ("given_names", "J" * 201, {}, "Given names is longer than 200 characters"),
    ("family_name", "123", {}, "Family name must include letters"),
    ("family_name", "R" * 201, {}, "Family name is longer than 200 characters"),
    ("date_of_birth", "31/02/2011", {}, "Date of birth '31/02/2011' is not a date"),
    ("date_of_birth", "1/1/99999999999999999999", {}, "is not a date"),
    ("date_of_birth", "1/2", {}, "Date of birth '1/2' is not a date"),
    ("date_of_birth", "1850-01-01", {}, "Date of birth must be the same as or after 1 January 1900"),
    ("gender", "g" * 41, {}, "Gender must be 40 characters or fewer"),
    ("postcode", "NOWHERE", {}, "Enter a real postcode"),
    ("care_status", "fostered", {}, "Care status 'fostered' is not one of"),
    (
        "placing_authority",
        "Atlantis council",
        {},
        "Placing authority 'Atlantis council' is not a partner agency",
    ),
    ("placement", "p" * 201, {}, "Placement is longer than 200 characters"),
    ("reported_at", "yesterday", {}, "Reported at 'yesterday' is not a date and time"),
    ("reported_at", "", {}, "No reported at date and time"),
    ("reported_at", "0001-01-01 00:00", {}, "Reported at '0001-01-01 00:00' is not a date and time"),
    ("reported_at", "31/12/9999 23:59", {}, "The date reported must be now or in the past"),
    ("reported_by", "b" * 201, {}, "Reported by is longer than 200 characters"),
    ("last_seen_at", "noon", {}, "Last seen at 'noon' is not a date and time"),
    ("last_seen_at", _ago(1), {}, "The date last seen must be before the report"),
    ("last_seen_place", "l" * 301, {}, "Last seen place is longer than 300 characters"),
    ("clothing", "c" * 2001, {}, "Clothing is longer than 2,000 characters"),
    ("risk_level", "extreme", {}, "Risk level 'extreme' is not one of"),
    ("risk_level", "", {}, "Risk level '' is not one of"),
    ("risk_factors", "witchcraft", {}, "Unknown risk factor witchcraft"),
    ("returned_at", "soon", {}, "Returned at 'soon' is not a date and time"),
    (
        "returned_at",
        _in(3),
        {"return_place": "Home", "safe_and_well": "completed"},
        "The date found or returned must be now or in the past",
    ),
    (
        "returned_at",
        _ago(100),
        {"return_place": "Home", "safe_and_well": "completed"},
        "The return must be after the person was reported missing",
    ),
    ("return_place", "", {"returned_at": _ago(2), "safe_and_well": "completed"}, "Without the return place"),
    ("return_place", "h" * 301, RETURNED, "Return place is longer than 300 characters"),
    ("returned_with", "w" * 301, RETURNED, "Returned with is longer than 300 characters"),
    ("safe_and_well", "fine", RETURNED, "Safe and well 'fine' is not one of"),
    (
        "safe_and_well",
        "",
        {"returned_at": _ago(2), "return_place": "Home"},
        "Without a safe and well outcome",
    ),
]


def test_the_walk_gives_every_column_a_bad_value() -> None:
    assert {column for column, *_ in BAD_VALUES} == set(feed.FIELDS)


@pytest.mark.parametrize(
    ("column", "value", "context", "reason"), BAD_VALUES, ids=[f"{c}:{v[:12]}" for c, v, *_ in BAD_VALUES]
)
def test_a_bad_value_in_any_column_refuses_its_row_with_its_line_and_the_other_rows_load(
    db: Session, column: str, value: str, context: dict[str, str], reason: str
) -> None:
    bad = row(**{"police_reference": "MP/BAD", **context, column: value})
    data = text_of(
        row(police_reference="MP/1"), bad, row(police_reference="MP/3", given_names="Olu")
    ).encode()
    outcome, _ = run(db, coordinator(db), data)
    assert (outcome.total, outcome.loaded, outcome.rejected) == (3, 2, 1), outcome.problems
    [(line_number, _, said)] = outcome.problems
    assert line_number == 3 and reason.casefold() in said.casefold(), said
    loaded = db.scalars(
        select(Episode.police_reference).where(Episode.police_reference.in_(["MP/1", "MP/3"]))
    )
    assert sorted(r or "" for r in loaded) == ["MP/1", "MP/3"]


def test_a_family_name_of_digits_refuses_only_its_row(db: Session) -> None:
    """The example in the issue: this aborted the whole file with a 400 and no line number."""
    data = text_of(row(), row(police_reference="MP/26/0002", family_name="123"), row(police_reference="MP/3"))
    outcome, record = run(db, coordinator(db), data.encode())
    assert (outcome.loaded, outcome.rejected) == (2, 1)
    assert outcome.problems == [(3, "MP/26/0002", "Family name must include letters")]
    assert record.status == "finished" and record.rejected == 1


def test_a_row_lists_every_reason_it_is_refused(db: Session) -> None:
    bad = row(police_reference="MP/2", family_name="123", risk_level="extreme", care_status="fostered")
    outcome, _ = run(db, coordinator(db), text_of(row(), bad).encode())
    [(_, _, said)] = outcome.problems
    assert "Family name must include letters" in said
    assert "risk level 'extreme'" in said and "care status 'fostered'" in said


@pytest.mark.parametrize("column", feed.FIELDS)
def test_bytes_that_are_not_text_refuse_only_their_row_and_keep_the_others_accents(
    db: Session, column: str
) -> None:
    """A Windows-1252 byte in a UTF-8 file refuses its row; it does not turn every other name to mojibake."""
    bad = row(**{"police_reference": "MP/BAD", column: "Caf\udce9"})
    text = text_of(row(police_reference="MP/1", given_names="José"), bad)
    outcome, _ = run(db, coordinator(db), text.encode("utf-8", errors="surrogateescape"))
    assert (outcome.loaded, outcome.rejected) == (1, 1), outcome.problems
    [(line_number, _, said)] = outcome.problems
    label = column.replace("_", " ")
    assert line_number == 3 and f"{label} holds bytes that are not text".casefold() in said.casefold()
    episode = db.scalar(select(Episode).where(Episode.police_reference == "MP/1"))
    assert episode is not None and episode.reported_name == "José Rivers"


def test_a_file_written_in_windows_1252_still_loads() -> None:
    assert _decode("José".encode("cp1252")) == "José"


def test_a_row_that_is_not_valid_csv_refuses_only_itself(db: Session) -> None:
    huge = row(police_reference="MP/2", clothing="x" * (csv.field_size_limit() + 1))
    data = text_of(row(police_reference="MP/1"), huge, row(police_reference="MP/3", risk_level="extreme"))
    outcome, _ = run(db, coordinator(db), data.encode())
    assert (outcome.total, outcome.loaded, outcome.rejected) == (3, 1, 2)
    assert [(p[0], "not valid CSV" in p[2]) for p in outcome.problems] == [(3, True), (4, False)]


CONTROLS = {
    "NUL": "\x00",
    "CR/LF": "\r\n",
    "ESC": "\x1b",
    "BEL": "\x07",
    "right-to-left override": "\u202e",
    "left-to-right override": "\u202d",
    "first strong isolate": "\u2068",
}


@pytest.mark.parametrize("control", CONTROLS.values(), ids=CONTROLS.keys())
def test_control_characters_are_removed_from_every_value_as_on_the_pages(db: Session, control: str) -> None:
    cells = {
        "police_reference": f"MP/{control}7",
        "given_names": f"Ja{control}mie",
        "family_name": f"Riv{control}ers",
        "reported_by": f"Oak{control} House staff",
        "risk_level": f"med{control}ium",
        "clothing": f"Black{control} hoodie",
    }
    outcome, _ = run(db, coordinator(db), text_of(row(**cells), row(police_reference="MP/8")).encode())
    assert (outcome.loaded, outcome.rejected) == (2, 0), outcome.problems
    episode = db.scalar(select(Episode).where(Episode.police_reference == "MP/7"))
    assert episode is not None and episode.reported_name == "Jamie Rivers"
    assert (episode.reported_by, episode.risk_level, episode.clothing) == (
        "Oak House staff",
        "medium",
        "Black hoodie",
    )
    names = db.scalars(select(PersonName.family_name).where(PersonName.person_id == episode.person_id))
    assert list(names) == ["Rivers"]


def test_a_later_return_before_the_loaded_episode_was_reported_refuses_its_row(db: Session) -> None:
    actor = coordinator(db)
    run(db, actor, text_of(row(police_reference="MP/1", reported_at=_ago(10))).encode())
    late = row(
        police_reference="MP/1",
        reported_at=_ago(60),
        returned_at=_ago(48),
        return_place="Home",
        safe_and_well="completed",
    )
    outcome, _ = run(db, actor, text_of(row(police_reference="MP/2"), late).encode())
    assert (outcome.loaded, outcome.updated, outcome.rejected) == (1, 0, 1)
    assert (
        outcome.problems[0][:2] == (3, "MP/1")
        and "already loaded, the return must be after the person was reported" in outcome.problems[0][2]
    )
    episode = db.scalar(select(Episode).where(Episode.police_reference == "MP/1"))
    assert episode is not None and episode.status == "open"


@pytest.mark.parametrize(
    "mapping",
    [
        "[" * 50_000 + "]" * 50_000,
        '{"columns": ' + "[" * 50_000 + "]" * 50_000 + "}",
        '{"columns": [{"a": 1}]}',
        '{"columns": 5}',
        '{"values": {"risk_level": {"H": {"x": 1}}}}',
        '{"values": {"risk_level": ["H"]}}',
        b"\xff\xfe{\x00",
    ],
    ids=[
        "nested 50,000 deep",
        "nested columns",
        "list columns",
        "number",
        "nested code",
        "code list",
        "binary",
    ],
)
def test_a_mapping_that_is_not_a_mapping_is_refused_at_its_field(mapping: str | bytes) -> None:
    with pytest.raises(FormInvalid) as refused:
        feed.Layout.from_mapping(mapping)
    assert set(refused.value.errors) == {"mapping"}


def test_a_mapping_nested_too_deep_says_so() -> None:
    with pytest.raises(FormInvalid) as refused:
        feed.Layout.from_mapping("[" * 50_000 + "]" * 50_000)
    assert "deeper than 32 levels" in refused.value.errors["mapping"]
