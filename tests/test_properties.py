"""Property tests [issue 19; QUALITY.md "Proof, with figures"]: rules that must hold for any input, tried by
Hypothesis on generated data. The validators (dates from the GOV.UK inputs, cleaned text, `next=` targets,
postcodes), the people matcher (a person always matches themselves best; scores stay within 0 to 100) and the
audit chain (an intact chain verifies; any edit, deletion or reordering of a stored event is named).
The clock arithmetic and letter rendering have theirs in tests/test_clocks.py and tests/letters/."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disclosure import audit
from disclosure.audit import GENESIS_HASH, AuditEvent
from disclosure.forms import parse_date
from disclosure.people import matching
from disclosure.people.matching import Probe, candidate_of
from disclosure.people.schemas import PersonDetails
from disclosure.text import clean, clean_line
from disclosure.web import safe_next

PROPERTY = settings(max_examples=200, deadline=None, derandomize=True, database=None)

# ---------------------------------------------------------------------------------------- validators

DIGITS = st.one_of(st.text(max_size=6), st.integers(-100, 10_000).map(str))


@PROPERTY
@given(DIGITS, DIGITS, DIGITS)
def test_a_date_input_is_a_real_date_or_a_message_never_an_exception(day: str, month: str, year: str) -> None:
    errors: dict[str, str] = {}
    found = parse_date({"d-day": day, "d-month": month, "d-year": year}, "d", "Date", errors)
    assert (found is None) == ("d" in errors)
    if found is not None:
        assert (found.day, found.month, found.year) == (int(day), int(month), int(year))


@PROPERTY
@given(st.text())
def test_cleaned_text_keeps_no_control_characters_and_cleaning_again_changes_nothing(raw: str) -> None:
    once = clean(raw)
    assert clean(once) == once
    assert not any(ord(c) < 32 and c not in "\t\n\r" for c in once)
    line = clean_line(raw)
    assert clean_line(line) == line and not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in line)


@PROPERTY
@given(st.text(max_size=80))
def test_a_next_target_always_stays_on_this_site(target: str) -> None:
    followed = safe_next(target)
    assert followed.startswith("/") and not followed.startswith("//") and "\\" not in followed
    assert not any(ord(c) < 32 or ord(c) == 127 for c in followed)
    assert followed in (target, "/")


POSTCODES = st.from_regex(r"\A[A-Za-z]{1,2}[0-9][0-9A-Za-z]? ?[0-9][A-Za-z]{2}\Z")


@PROPERTY
@given(st.one_of(POSTCODES, st.text(max_size=12)))
def test_a_normalised_postcode_normalises_to_itself(raw: str) -> None:
    once = matching.normalise_postcode(raw)
    assert matching.normalise_postcode(once) == once


# ------------------------------------------------------------------------------------------- matcher

NAMES = st.text(alphabet=st.characters(categories=("Lu", "Ll")), min_size=1, max_size=12)
BIRTHS = st.one_of(st.none(), st.dates(min_value=date(1920, 1, 1), max_value=date(2025, 12, 31)))


@PROPERTY
@given(NAMES, NAMES, BIRTHS, NAMES, NAMES, BIRTHS)
def test_a_person_matches_themselves_at_least_as_well_as_anyone_else(
    given_name: str,
    family: str,
    born: date | None,
    other_given: str,
    other_family: str,
    other_born: date | None,
) -> None:
    probe = Probe.of(PersonDetails(given_names=given_name, family_name=family, date_of_birth=born))
    themselves = matching.score(probe, candidate_of(uuid.uuid4(), f"{given_name} {family}", born))
    someone = matching.score(probe, candidate_of(uuid.uuid4(), f"{other_given} {other_family}", other_born))
    assert 0 <= someone.score <= 100 and 0 <= themselves.score <= 100
    assert themselves.score >= someone.score


# ---------------------------------------------------------------------------------------- audit chain


def _chain(size: int) -> list[AuditEvent]:
    """`size` events chained as `audit.record` chains them, kept in memory."""
    events: list[AuditEvent] = []
    prev = GENESIS_HASH
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for seq in range(1, size + 1):
        event = AuditEvent(
            seq=seq,
            id=uuid.UUID(int=seq),
            occurred_at=start + timedelta(minutes=seq),
            actor_id=None,
            actor_label="system",
            actor_roles="",
            category="consultation",
            action="request.view",
            object_type="request",
            object_id=str(seq),
            justification="Viewed",
            recipients=None,
            details="{}",
            prev_hash=prev,
        )
        event.hash = event.compute_hash()
        prev = event.hash
        events.append(event)
    return events


@pytest.fixture
def stored(monkeypatch: pytest.MonkeyPatch) -> list[AuditEvent]:
    """The events `audit.verify` reads: whatever this list holds, in its order."""
    events: list[AuditEvent] = []

    def stream(_session: Any, _batch: int) -> Iterator[AuditEvent]:
        yield from sorted(events, key=lambda e: e.seq)

    monkeypatch.setattr(audit, "_stream", stream)
    return events


FIELDS = ("actor_label", "action", "object_id", "justification", "details", "category")


@settings(PROPERTY, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    size=st.integers(2, 12),
    tamper=st.sampled_from(("edit", "delete", "swap")),
    at=st.integers(0, 11),
    field=st.sampled_from(FIELDS),
    text=st.text(min_size=1, max_size=20),
)
def test_any_edit_deletion_or_reordering_is_named_and_an_intact_chain_verifies(
    stored: list[AuditEvent], size: int, tamper: str, at: int, field: str, text: str
) -> None:
    stored[:] = _chain(size)
    assert audit.verify(None).intact  # type: ignore[arg-type]
    i = at % (size - 1)  # never the newest: removing the head leaves a shorter, valid chain (by design)
    target = stored[i]
    if tamper == "edit":
        setattr(target, field, getattr(target, field) + text)
    elif tamper == "delete":
        stored.remove(target)
    else:
        target.seq, stored[i + 1].seq = stored[i + 1].seq, target.seq
    report = audit.verify(None)  # type: ignore[arg-type]
    assert not report.intact
    named = f"event {target.seq if tamper != 'delete' else target.seq + 1}"
    assert any(
        problem.startswith(named) or f"event {target.seq} is" in problem for problem in report.problems
    )
