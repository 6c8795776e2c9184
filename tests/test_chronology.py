"""Every pair of related times in `disclosure.chronology.RULES` is refused through its form's service, with
the rule's sentence at its field, and a time just inside the rule's grace is accepted.

Each form below gives its times in their natural order and a way to submit them. A rule is tested by laying
the times out in that order, a few hours apart and in the past, and then moving the rule's later time to
before its earlier one (or its earlier time into the future, when the later is now). So a rule added to the
list is tested here as it stands, and a form (or a time) the list names without an entry here fails.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy.orm import Session

from disclosure import chronology
from disclosure.auditing import service as auditing
from disclosure.chronology import NOW, Order
from disclosure.clocks import uk_today
from disclosure.db import utcnow
from disclosure.decisions import service as decisions
from disclosure.errors import FormInvalid, InvalidTransition
from disclosure.letters import delivery
from disclosure.missing import service as missing
from disclosure.people import service as people
from disclosure.people.schemas import AddressDetails, PersonDetails
from disclosure.requests import service as requests_service
from disclosure.research import service as research
from disclosure.text import format_datetime
from tests.builders import date_fields, date_time_fields, sign_in_as
from tests.decisions.builders import (
    all_present,
    disclose_values,
    meeting_values,
    panel_with,
    submitted_case,
)
from tests.decisions.conftest import Cast, make_cast
from tests.missing.builders import coordinator, episode_values, person, return_values
from tests.pages import PageClient
from tests.requests.builders import make_request, meeting_fields, ready_for_checks
from tests.requests.test_api import api
from tests.research.builders import case_in_research, check_values, evidence_values

__all__ = ["api"]

Moment = date | datetime
Times = dict[str, Any]
Outcome = dict[str, str] | str  # the errors at their fields, or the refusal of the whole verb


@dataclass
class World:
    db: Session
    cast: Cast


def _outcome(call: Callable[[], object]) -> Outcome:
    try:
        call()
    except FormInvalid as exc:
        return dict(exc.errors)
    except InvalidTransition as exc:
        return exc.message
    return {}


# ------------------------------------------------------------------------------------- the forms


def _log(w: World, t: Times) -> Outcome:
    return _outcome(lambda: make_request(w.db, w.cast.clerk, first_contact_at=t["first_contact"]))


def _identity_meeting(w: World, t: Times) -> Outcome:
    case = make_request(w.db, w.cast.clerk, first_contact_at=t["first_contact"])
    ready_for_checks(w.db, w.cast.clerk, case)
    requests_service.complete_initial_checks(w.db, w.cast.clerk, case.id)
    values = meeting_fields(t["meeting"], ["passport", "utility_bill"])
    return _outcome(lambda: requests_service.verify_identity(w.db, w.cast.clerk, case.id, values))


def _check(w: World, t: Times) -> Outcome:
    case = case_in_research(w.db, w.cast.clerk, w.cast.researcher, first_contact_at=t["first_contact"])
    values = check_values(w.db, case, "pnc", **date_time_fields("performed", t["performed"]))
    return _outcome(lambda: research.record_check(w.db, w.cast.researcher, case.id, values))


def _evidence(w: World, t: Times) -> Outcome:
    case = case_in_research(w.db, w.cast.clerk, w.cast.researcher)
    values = evidence_values(case, **date_fields("information_date", t["information_date"]))
    return _outcome(lambda: research.record_evidence(w.db, w.cast.researcher, case.id, values))


def _urgent(w: World, t: Times) -> Outcome:
    """An urgent disclosure at first contact [Beds], said at `said_at` on a case first contacted then."""
    from disclosure.accounts.roles import Role
    from disclosure.decisions.service import urgent
    from disclosure.requests import access
    from tests.decisions.builders import person as make_principal

    inspector = make_principal(w.db, Role.URGENT_AUTHORISER, f"ian.{uuid.uuid4().hex[:8]}", "Ian Inspector")
    case = make_request(w.db, w.cast.clerk, first_contact_at=t["first_contact"])
    ready_for_checks(w.db, w.cast.clerk, case)
    case.immediate_risk, case.immediate_risk_action = True, "Officers sent"  # as triage would record
    access.add_member(w.db, case, inspector.user_id)
    party = next(p for p in case.parties if p.role == "person_at_risk")
    values = {
        "recipient": str(party.id),
        "words": "He has a conviction for violence against a former partner.",
        "reason": "He is on his way to her address.",
        **date_time_fields("said_at", t["said_at"]),
        "said_by": "PC Ana Example",
        "confidentiality_warning": "yes",
    }
    return _outcome(lambda: urgent.authorise(w.db, inspector, case.id, values))


def _decided(w: World, meets_at: datetime) -> tuple[Any, Any]:
    """A case on the agenda of a meeting at `meets_at`, attended, with a draft decision to disclose."""
    cast = w.cast
    case = submitted_case(w.db, cast.clerk, cast.researcher, cast.reviewer)
    meeting, [item] = panel_with(
        w.db, cast.clerk, cast.chair, [(cast.probation, "probation")], case, at=meets_at
    )
    decisions.record_attendance(w.db, cast.clerk, meeting.id, item.id, all_present(meeting))
    agencies = decisions.quorum(w.db, item).agencies
    form = disclose_values(w.db, case, cast.officer, agencies)
    decisions.record_decision(w.db, cast.probation, meeting.id, item.id, form)
    return case, item


def _sign(w: World, t: Times) -> Outcome:
    _, item = _decided(w, t["meets_at"])
    return _outcome(lambda: decisions.sign(w.db, w.cast.chair, item.meeting_id, item.id, {}))


def _signed(w: World, meets_at: datetime, signed: datetime) -> tuple[Any, Any]:
    with time_machine.travel(signed, tick=False):
        case, item = _decided(w, meets_at)
        decisions.sign(w.db, w.cast.chair, item.meeting_id, item.id, {})
    w.db.refresh(case)
    return case, item


def _move_meeting(w: World, t: Times) -> Outcome:
    _, item = _signed(w, t["first_signed"] - timedelta(hours=1), t["first_signed"])
    meeting = item.meeting
    values = {**meeting_values(w.cast.chair, at=t["meets_at"]), "version": str(meeting.version)}
    return _outcome(lambda: decisions.update_meeting(w.db, w.cast.clerk, meeting.id, values))


def _deliver(w: World, t: Times) -> Outcome:
    from tests.letters.builders import disclosure_delivery

    case, _ = _signed(w, t["signed"] - timedelta(hours=1), t["signed"])
    values = disclosure_delivery(
        **date_time_fields("occurred", t["occurred"]),
        subject_told="yes",
        **date_time_fields("subject_told_at", t["subject_told_at"]),
    )
    return _outcome(lambda: delivery.record_delivery(w.db, w.cast.officer, case.id, values))


def _episode_values(t: Times) -> dict[str, Any]:
    return {
        **episode_values(),
        **date_time_fields("reported", t["reported"]),
        **date_time_fields("last_seen", t["last_seen"]),
    }


def _report(w: World, t: Times) -> Outcome:
    actor = coordinator(w.db)
    who = person(w.db, actor)
    return _outcome(lambda: missing.record_episode(w.db, actor, who.id, _episode_values(t)))


def _episode(w: World, t: Times) -> tuple[Any, Any]:
    actor = coordinator(w.db)
    return actor, missing.record_episode(w.db, actor, person(w.db, actor).id, _episode_values(t))


def _risk(w: World, t: Times) -> Outcome:
    actor, episode = _episode(w, t)
    values = {
        "risk_level": "high",
        "rationale": "Seen getting into a car with an older male",
        "source": "CCTV operator",
        "version": str(episode.version),
        **date_time_fields("obtained", t["obtained"]),
    }
    return _outcome(lambda: missing.change_risk(w.db, actor, episode.id, values))


def _close(w: World, t: Times) -> Outcome:
    actor, episode = _episode(w, t)
    values = {
        **{**return_values(), **date_time_fields("returned", t["returned"])},
        "version": str(episode.version),
    }
    return _outcome(lambda: missing.close_episode(w.db, actor, episode.id, values))


def _interview(w: World, t: Times) -> Outcome:
    actor, episode = _episode(w, t)
    missing.close_episode(
        w.db, actor, episode.id, {**{**return_values(), **date_time_fields("returned", t["returned"])}}
    )
    assert episode.interview is not None
    values = {
        "outcome": "completed",
        **date_time_fields("offered", t["offered"]),
        **date_time_fields("completed", t["completed"]),
        "interviewer_name": "Robin Reyes",
        "interviewer_organisation": "Safer Futures",
        "independent": "yes",
        "findings": "Says she was taken to a flat in Armley",
        "version": str(episode.interview.version),
    }
    return _outcome(lambda: missing.record_interview(w.db, actor, episode.id, values))


def _born(w: World, t: Times) -> Outcome:
    details = PersonDetails(given_names="Jamie", family_name="Rivers", date_of_birth=t["date_of_birth"])
    return people.validate_details(details)


def _address(w: World, t: Times) -> Outcome:
    actor = coordinator(w.db)
    who = person(w.db, actor)
    address = AddressDetails(
        line_1="1 High Street",
        town="Leeds",
        postcode="LS1 1AA",
        from_date=t["from_date"],
        to_date=t["to_date"],
        current=False,
    )
    return _outcome(lambda: people.add_address(w.db, actor, who.id, address))


def _audit_search(w: World, t: Times) -> Outcome:
    values = {"date_from": t["date_from"].isoformat(), "date_to": t["date_to"].isoformat()}
    return _outcome(lambda: auditing.parse_filter(values))


@dataclass(frozen=True)
class Form:
    times: tuple[str, ...]  # in their natural order
    submit: Callable[[World, Times], Outcome]
    days: bool = False  # calendar dates, not times of day


FORMS: dict[str, Form] = {
    "requests.log": Form(("first_contact",), _log),
    "requests.meeting": Form(("first_contact", "meeting"), _identity_meeting),
    "research.check": Form(("first_contact", "performed"), _check),
    "research.evidence": Form(("information_date",), _evidence, days=True),
    "decisions.urgent": Form(("first_contact", "said_at"), _urgent),
    "decisions.sign": Form(("meets_at",), _sign),
    "decisions.meeting": Form(("meets_at", "first_signed"), _move_meeting),
    "letters.delivery": Form(("signed", "occurred", "subject_told_at"), _deliver),
    "missing.episode": Form(("last_seen", "reported"), _report),
    "missing.risk": Form(("last_seen", "reported", "obtained"), _risk),
    "missing.close": Form(("last_seen", "reported", "returned"), _close),
    "missing.interview": Form(("last_seen", "reported", "returned", "offered", "completed"), _interview),
    "people.details": Form(("date_of_birth",), _born, days=True),
    "people.address": Form(("from_date", "to_date"), _address, days=True),
    "auditing.search": Form(("date_from", "date_to"), _audit_search, days=True),
}

STEP = timedelta(hours=6)


def _in_order(form: Form, now: datetime) -> Times:
    """The form's times in their order, a step apart, the last a step before now."""
    n = len(form.times)
    if form.days:
        return {name: uk_today(now) - timedelta(days=3 * (n - i)) for i, name in enumerate(form.times)}
    return {name: now - STEP * (n - i) for i, name in enumerate(form.times)}


def _breaking(rule: Order, form: Form, now: datetime) -> Times:
    times = _in_order(form, now)
    unit = timedelta(days=1) if form.days else timedelta(hours=2)
    if rule.later == NOW:
        times[rule.earlier] = (uk_today(now) if form.days else now) + rule.grace + unit
    else:
        times[rule.later] = times[rule.earlier] - rule.grace - unit
    return times


def _just_inside(rule: Order, form: Form, now: datetime) -> Times:
    times = _in_order(form, now)
    if rule.later == NOW:
        times[rule.earlier] = uk_today(now) if form.days else now + rule.grace - timedelta(minutes=2)
    else:
        times[rule.later] = times[rule.earlier] - (
            timedelta(days=rule.grace.days) if form.days else rule.grace
        )
    return times


def _id(rule: Order) -> str:
    return f"{rule.form}:{rule.earlier}<={rule.later}"


@pytest.fixture
def world(db: Session) -> World:
    return World(db, make_cast(db))


def _now() -> datetime:
    return utcnow().replace(second=0, microsecond=0)


def test_every_form_with_time_rules_can_be_submitted_with_each_of_its_times() -> None:
    assert set(FORMS) == chronology.FORMS
    for rule in chronology.RULES:
        named = {rule.earlier, rule.later} - {NOW}
        assert named <= set(FORMS[rule.form].times), f"{_id(rule)}: add the time to FORMS[{rule.form!r}]"


@pytest.mark.parametrize("rule", chronology.RULES, ids=_id)
def test_each_rule_is_refused_with_its_sentence_at_its_field(world: World, rule: Order) -> None:
    form, now = FORMS[rule.form], _now()
    times = _breaking(rule, form, now)
    said = form.submit(world, times)
    expected = rule.sentence(times, now)
    if rule.field is None:
        assert said == expected
    else:
        assert isinstance(said, dict) and said.get(rule.field) == expected, said


@pytest.mark.parametrize("rule", chronology.RULES, ids=_id)
def test_a_time_just_inside_each_rule_is_accepted(world: World, rule: Order) -> None:
    form, now = FORMS[rule.form], _now()
    times = _just_inside(rule, form, now)
    said = form.submit(world, times)
    sentence = rule.sentence(times, now)
    assert said == {} or (isinstance(said, dict) and sentence not in said.values()), said


def test_the_sentence_names_the_earlier_time_as_a_user_reads_it() -> None:
    [rule] = [r for r in chronology.rules("missing.close") if r.earlier == "last_seen"]
    seen = datetime(2026, 7, 1, 13, 5, tzinfo=UTC)
    [(_, sentence)] = chronology.breaches(
        "missing.close",
        {"last_seen": seen, "reported": seen - timedelta(minutes=5), "returned": seen - timedelta(minutes=1)},
        now=seen + timedelta(days=1),
    )
    assert sentence == "The return must be after the person was last seen (1 July 2026 at 2:05pm)"
    assert rule.sentence({"last_seen": seen}, seen) == sentence


def test_a_form_without_rules_is_a_mistake_not_a_pass() -> None:
    with pytest.raises(KeyError, match="no time rules for missing\\.teleport"):
        chronology.check("missing.teleport", {}, {})


def test_the_delivery_page_refuses_tomorrow_at_the_field_and_keeps_what_was_typed(
    db: Session, client: PageClient, world: World
) -> None:
    from tests.letters.builders import disclosure_delivery

    case, _ = _signed(world, _now() - timedelta(hours=3), _now() - timedelta(hours=2))
    sign_in_as(db, client, world.cast.officer)
    tomorrow = date_time_fields("occurred", _now() + timedelta(days=1))
    shown = client.submit(
        f"/requests/{case.id}/delivery", disclosure_delivery(**tomorrow, reaction="Kept words")
    )
    assert shown.status_code == 400 and 'href="#occurred"' in shown.text
    assert "Delivery date must be today or in the past" in shown.text and "Kept words" in shown.text


def test_the_api_refuses_a_risk_review_obtained_before_the_report_at_the_field(
    db: Session, api: PageClient
) -> None:
    actor = coordinator(db)
    reported = _now() - timedelta(hours=3)
    episode = missing.record_episode(
        db,
        actor,
        person(db, actor).id,
        _episode_values({"reported": reported, "last_seen": reported - timedelta(hours=1)}),
    )
    refused = api.post(
        f"/api/v1/missing/episodes/{episode.id}/risk",
        json={
            "risk_level": "high",
            "rationale": "Phone switched off",
            "source": "Mother",
            "obtained_at": (reported - timedelta(days=2)).isoformat(),
        },
    )
    assert refused.status_code == 400, refused.text
    assert refused.json()["errors"] == {
        "obtained": "The information must have been obtained around or after the report "
        f"({format_datetime(reported)})"
    }
