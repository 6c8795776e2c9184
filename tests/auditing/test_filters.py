"""Finding anything in the audit trail [issue 16]: by case reference, person's record, user name, what
happened, operation, record and UK days in GOV.UK date inputs, alike on the page, in the export and through
the API; the events read as words, with the case's reference rather than raw ids, and never a person's name.

Each filter's test keeps events that differ from the wanted ones only in what that filter looks at, so it
fails if the filter is ignored."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from time_machine import TimeMachineFixture

from disclosure.audit import AuditCategory, AuditEvent, SystemActor
from disclosure.clocks import UK_TIME, uk_date
from disclosure.decisions import service as decisions
from disclosure.requests.vocabulary import PartyRole
from tests.auditing.builders import api_token, found_everywhere, older_href, record, seqs_on, signed_in
from tests.builders import SampleUser
from tests.decisions.builders import no_disclosure_values
from tests.decisions.conftest import make_cast, make_panel
from tests.pages import PageClient
from tests.requests.builders import add, make_person, make_request


def _date_boxes(name: str, day: date) -> dict[str, str]:
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


def _found(
    client: PageClient, headers: dict[str, str], made: dict[str, AuditEvent], query: dict[str, Any]
) -> set[str]:
    shown = found_everywhere(client, headers, query)
    return {name for name, event in made.items() if event.seq in shown}


# Case reference -----------------------------------------------------------------------------------


def test_a_case_reference_finds_every_event_on_the_case_and_nothing_else(
    client: PageClient, db: Session, auditor: SampleUser
) -> None:
    cast = make_cast(db)
    panel = make_panel(db, cast)
    case, other = panel.case, make_request(db, cast.clerk)
    agencies = decisions.quorum(db, panel.item).agencies
    decision = decisions.record_decision(
        db, cast.probation, panel.meeting.id, panel.item.id, no_disclosure_values(db, agencies)
    )
    decisions.get_decision(db, cast.chair, decision.id)

    def latest(action: str, object_id: object) -> AuditEvent:
        found = db.scalar(
            select(AuditEvent)
            .where(AuditEvent.action == action, AuditEvent.object_id == str(object_id))
            .order_by(AuditEvent.seq.desc())
        )
        assert found is not None, action
        return found

    made = {
        # the service's own events on the case's records that carry no reference
        "decision read": latest("decisions.decision.view", decision.id),
        "attendance": latest("decisions.agenda.attendance", panel.item.id),
        "logged": latest("request.log", case.id),
        "on the case": record(db, action="test.case", object_type="disclosure_request", object_id=case.id)[0],
        "carries it": record(db, action="test.case", object_id="X-1", details={"reference": case.reference})[
            0
        ],
        "names the case": record(
            db,
            action="test.case",
            object_type="panel_meeting",
            object_id="M-1",
            details={"request_id": str(case.id)},
        )[0],
        # and what must not be found
        "other case": latest("request.log", other.id),
        "longer reference": record(db, action="test.case", details={"reference": case.reference + "9"})[0],
        "police reference": record(db, action="test.case", details={"police_reference": case.reference})[0],
    }
    headers = api_token(db, auditor)
    signed_in(client, db, auditor)
    wanted = {"decision read", "attendance", "logged", "on the case", "carries it", "names the case"}
    assert _found(client, headers, made, {"reference": case.reference.lower()}) == wanted
    assert _found(client, headers, made, {"reference": other.reference}) == {"other case"}
    page = client.get("/audit", params={"reference": case.reference.lower()})
    assert f'value="{case.reference}"' in page.text, "the form shows the reference as understood"


def test_a_reference_no_case_has_any_more_still_finds_the_events_that_carry_it(
    client: PageClient, db: Session, auditor: SampleUser
) -> None:
    made = {
        "gone": record(db, action="test.gone", details={"reference": "DVDS-2019-000001"})[0],
        "another": record(db, action="test.gone", details={"reference": "DVDS-2019-000002"})[0],
    }
    signed_in(client, db, auditor)
    assert _found(client, api_token(db, auditor), made, {"reference": "dvds-2019-000001"}) == {"gone"}


# Person -------------------------------------------------------------------------------------------


def test_a_person_is_found_by_their_record_identifier_and_never_by_name(
    client: PageClient, db: Session, auditor: SampleUser
) -> None:
    cast = make_cast(db)
    case = make_request(db, cast.clerk)
    person = make_person(db, cast.clerk, given="Zebedee", family="Quartermaine")
    someone_else = make_person(db, cast.clerk, given="Other", family="Body")
    add(db, cast.clerk, case, PartyRole.SUBJECT, person=person)
    add(db, cast.clerk, case, PartyRole.APPLICANT, person=someone_else)

    def latest(action: str, **where: Any) -> AuditEvent:
        statement = select(AuditEvent).where(AuditEvent.action == action)
        for column, value in where.items():
            statement = statement.where(getattr(AuditEvent, column) == value)
        found = db.scalar(statement.order_by(AuditEvent.seq.desc()))
        assert found is not None, action
        return found

    made = {
        "created": latest("person.create", object_id=str(person.id)),
        "added to the case": db.scalars(
            select(AuditEvent).where(AuditEvent.action == "request.add_party").order_by(AuditEvent.seq)
        ).all()[-2],
        "merged into": record(
            db,
            action="test.person",
            object_type="person",
            object_id="P-x",
            details={"duplicate": str(person.id)},
        )[0],
        "someone else": latest("person.create", object_id=str(someone_else.id)),
        "longer id": record(db, action="test.person", details={"person": f"{person.id}0"})[0],
    }
    assert str(person.id) in made["added to the case"].details
    headers = api_token(db, auditor)
    signed_in(client, db, auditor)
    assert _found(client, headers, made, {"person": str(person.id).upper()}) == {
        "created",
        "added to the case",
        "merged into",
    }
    for path in ("/audit", f"/audit?person={person.id}", f"/audit/events/{made['created'].seq}"):
        page = client.get(path)
        assert page.status_code == 200
        assert "Quartermaine" not in page.text and "Zebedee" not in page.text, (
            "a person's name is case content"
        )
    shown = client.get(f"/audit/events/{made['added to the case'].seq}").text
    assert f"Every event on case {case.reference}" in shown


def test_a_person_filter_that_is_not_an_identifier_says_so_at_the_field(
    client: PageClient, db: Session, auditor: SampleUser
) -> None:
    signed_in(client, db, auditor)
    response = client.get("/audit", params={"person": "Zebedee Quartermaine"})
    assert response.status_code == 400
    assert response.text.count("Enter the person&#39;s record identifier in full") == 2
    assert 'href="#person"' in response.text
    assert client.get("/api/v1/audit/events?person=Sam", headers=api_token(db, auditor)).status_code == 400


# User name, action, operation, record ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "wanted"),
    [
        ("Rory.Researcher", {"exact"}),
        ("rory.r*", {"exact", "longer", "short"}),
        ("ROR*", {"exact", "longer", "short", "x"}),
        ("rory_*", set()),  # `_` and `%` are letters here, not wildcards
        ("%*", set()),
    ],
)
def test_the_user_name_is_exact_or_with_a_star_its_start(
    client: PageClient, db: Session, auditor: SampleUser, actor: str, wanted: set[str]
) -> None:
    labels = {
        "exact": "rory.researcher",
        "longer": "rory.researcher2",
        "short": "rory.r",
        "x": "roryxresearcher",
        "other": "ada.admin",
    }
    made = {k: record(db, action="test.who", actor=SystemActor(label=v))[0] for k, v in labels.items()}
    signed_in(client, db, auditor)
    assert _found(client, api_token(db, auditor), made, {"actor": actor, "action": "test.who"}) == wanted


def test_the_action_is_matched_exactly(client: PageClient, db: Session, auditor: SampleUser) -> None:
    made = {a: record(db, action=a, object_id="R-act")[0] for a in ("test.act.b", "test.act.bb", "test.act")}
    signed_in(client, db, auditor)
    headers = api_token(db, auditor)
    assert _found(client, headers, made, {"action": "test.act.b", "object_id": "R-act"}) == {"test.act.b"}
    assert _found(client, headers, made, {"action": "test.act", "object_id": "R-act"}) == {"test.act"}


def test_the_operation_narrows_the_trail(client: PageClient, db: Session, auditor: SampleUser) -> None:
    made = {
        c.value: record(db, action="test.operation", category=c)[0]
        for c in (AuditCategory.ERASURE, AuditCategory.CONSULTATION)
    }
    signed_in(client, db, auditor)
    query = {"category": "erasure", "action": "test.operation"}
    assert _found(client, api_token(db, auditor), made, query) == {"erasure"}


def test_the_kind_of_record_and_its_identifier_narrow_the_trail(
    client: PageClient, db: Session, auditor: SampleUser
) -> None:
    made = {
        "request": record(db, action="test.kind", object_type="request", object_id="R-77")[0],
        "disclosure_request": record(
            db, action="test.kind", object_type="disclosure_request", object_id="R-78"
        )[0],
        "person": record(db, action="test.kind", object_type="person", object_id="R-77")[0],
    }
    signed_in(client, db, auditor)
    headers = api_token(db, auditor)
    kind = {"object_type": "request", "action": "test.kind"}
    assert _found(client, headers, made, kind) == {"request", "disclosure_request"}, "both are a case"
    assert _found(client, headers, made, {**kind, "object_id": "R-77"}) == {"request"}
    assert _found(client, headers, made, {"object_id": "R-77", "action": "test.kind"}) == {
        "request",
        "person",
    }


# Dates --------------------------------------------------------------------------------------------


def test_the_dates_are_uk_days_entered_in_gov_uk_date_inputs(
    client: PageClient, db: Session, auditor: SampleUser, time_machine: TimeMachineFixture
) -> None:
    now = datetime.now(UTC)
    made: dict[str, AuditEvent] = {}
    for days in (3, 1, 0):
        time_machine.move_to(now - timedelta(days=days), tick=False)
        made[f"{days} days ago"] = record(db, action="test.dated")[0]
    time_machine.move_to(now)
    day = {name: uk_date(event.occurred_at) for name, event in made.items()}
    signed_in(client, db, auditor)
    headers = api_token(db, auditor)

    def wanted(start: date | None, end: date | None) -> set[str]:
        return {n for n, d in day.items() if (start is None or d >= start) and (end is None or d <= end)}

    for start, end in (
        (day["1 days ago"], None),
        (None, day["1 days ago"]),
        (day["1 days ago"], day["1 days ago"]),
        (day["3 days ago"], day["3 days ago"]),
    ):
        query: dict[str, str] = {"action": "test.dated"}
        query |= _date_boxes("date_from", start) if start else {}
        query |= _date_boxes("date_to", end) if end else {}
        expected = wanted(start, end)
        assert expected and expected != set(made)
        assert _found(client, headers, made, query) == expected


def test_an_event_just_after_midnight_in_summer_is_on_that_uk_day(
    client: PageClient, db: Session, auditor: SampleUser, time_machine: TimeMachineFixture
) -> None:
    now = datetime.now(UTC)
    summer = date(now.year + 1, 7, 1)
    time_machine.move_to(
        datetime(summer.year, 7, 1, 0, 30, tzinfo=UK_TIME), tick=False
    )  # 23:30 UTC on 30 June
    made = {"just after midnight": record(db, action="test.midnight")[0]}
    time_machine.move_to(now)
    signed_in(client, db, auditor)
    headers = api_token(db, auditor)
    on = {"action": "test.midnight", **_date_boxes("date_from", summer), **_date_boxes("date_to", summer)}
    assert _found(client, headers, made, on) == {"just after midnight"}
    day_before = summer - timedelta(days=1)
    assert (
        _found(client, headers, made, {"action": "test.midnight", **_date_boxes("date_to", day_before)})
        == set()
    )


@pytest.mark.parametrize(
    ("boxes", "field", "message"),
    [
        (
            {"date_from-day": "1", "date_from-month": "", "date_from-year": "{year}"},
            "date_from",
            "From date must include a month",
        ),
        (
            {"date_from-day": "31", "date_from-month": "2", "date_from-year": "{year}"},
            "date_from",
            "From date must be a real date",
        ),
        (
            {"date_to-day": "", "date_to-month": "", "date_to-year": "{year}"},
            "date_to",
            "To date must include a day and month",
        ),
        (
            {"date_to-day": "x", "date_to-month": "3", "date_to-year": "{year}"},
            "date_to",
            "To date must be a real date",
        ),
    ],
)
def test_a_date_that_is_not_a_real_date_is_shown_at_its_boxes_and_in_the_summary(
    client: PageClient, db: Session, auditor: SampleUser, boxes: dict[str, str], field: str, message: str
) -> None:
    year = str(datetime.now(UTC).year)
    query = {k: v.format(year=year) for k, v in boxes.items()} | {"actor": "kept.value"}
    signed_in(client, db, auditor)
    response = client.get("/audit", params=query)
    assert response.status_code == 400
    assert response.text.count(message) == 2, "once in the error summary, once at the field"
    assert f'href="#{field}"' in response.text and f'id="{field}"' in response.text
    at_field = response.text[response.text.index(f'id="{field}-group-error"') :]
    assert message in at_field[:300], "the message sits in the date's own fieldset"
    assert f'id="{field}"' in at_field and f'name="{field}-day"' in at_field
    assert 'value="kept.value"' in response.text and f'value="{year}"' in response.text, "answers kept"
    assert "govuk-input--error" in at_field


def test_a_to_date_before_the_from_date_is_an_error_at_the_to_date(
    client: PageClient, db: Session, auditor: SampleUser
) -> None:
    today = uk_date(datetime.now(UTC))
    query = {**_date_boxes("date_from", today), **_date_boxes("date_to", today - timedelta(days=1))}
    signed_in(client, db, auditor)
    response = client.get("/audit", params=query)
    assert response.status_code == 400
    assert response.text.count("To date must be the same as or after the from date") == 2
    assert 'href="#date_to"' in response.text
    export = client.get("/audit/export.csv", params={**query, "reason": "SAR"})
    assert export.status_code == 400 and 'href="#date_to"' in export.text
    api = client.get(
        "/api/v1/audit/events",
        params={"date_from": today.isoformat(), "date_to": (today - timedelta(days=1)).isoformat()},
        headers=api_token(db, auditor),
    )
    assert api.status_code == 400 and "date_to" in api.json()["errors"]


def test_paging_keeps_the_filter_with_the_dates_in_their_boxes(
    client: PageClient, db: Session, auditor: SampleUser
) -> None:
    record(db, 51, action="test.pages")
    today = uk_date(datetime.now(UTC))
    signed_in(client, db, auditor)
    first = client.get("/audit", params={"action": "test.pages", **_date_boxes("date_from", today)})
    assert f"date_from-day={today.day}&amp;" in first.text and "date_from=" not in first.text
    older = older_href(first.text)
    assert older is not None and "date_from-day=" in older
    cursor = older.split("after=")[1]
    second = client.get(
        "/audit", params={"action": "test.pages", "date_from": today.isoformat(), "after": cursor}
    )
    assert len(seqs_on(second.text)) == 1
    assert f'id="date_from" name="date_from-day" type="text" value="{today.day}"' in second.text, (
        "an API-style date shows in the page's boxes"
    )


# What the page shows ------------------------------------------------------------------------------


def test_the_trail_reads_in_words_with_the_case_reference_not_ids(
    client: PageClient, db: Session, auditor: SampleUser
) -> None:
    case_id = uuid.uuid4()
    record(db, action="request.view", object_id=case_id, details={"reference": "DVDS-2026-000042"})
    record(
        db,
        action="research.panel_pack.download",
        object_type="package_version",
        object_id=uuid.uuid4(),
        details={"reference": "DVDS-2026-000042"},
    )
    record(db, action="missing.vanished", object_type="missing_episode", object_id=uuid.uuid4())
    signed_in(client, db, auditor)
    page = client.get("/audit")
    assert page.status_code == 200
    table = page.text[page.text.index("<table") : page.text.index("</table>")]
    for shown in (
        "Viewed the case",
        "Downloaded the panel pack",
        "Evidence package version",
        "DVDS-2026-000042",
        "Unlisted action: missing vanished (missing.vanished)",
        "Missing episode",
        "Consultation",
    ):
        assert shown in table
    assert "request.view" not in table and str(case_id) not in table, (
        "words and references, not codes and ids"
    )
    assert '<option value="request.view">Viewed the case</option>' in page.text


def test_the_chosen_action_shows_in_the_select_even_when_it_has_no_words(
    client: PageClient, db: Session, auditor: SampleUser
) -> None:
    signed_in(client, db, auditor)
    chosen = client.get("/audit", params={"action": "request.view"}).text
    assert '<option value="request.view" selected>Viewed the case</option>' in chosen
    old = client.get("/audit", params={"action": "old.code"}).text
    assert '<option value="old.code" selected>Unlisted action: old code (old.code)</option>' in old


def test_the_export_and_the_api_carry_the_words_and_the_reference(
    client: PageClient, db: Session, auditor: SampleUser
) -> None:
    record(db, action="request.triage", object_id="R-words", details={"reference": "DVDS-2026-000077"})
    signed_in(client, db, auditor)
    export = client.get("/audit/export.csv", params={"object_id": "R-words", "reason": "check"})
    header, row = export.text.splitlines()[:2]
    assert "what_happened" in header and "Recorded the triage" in row and "Case DVDS-2026-000077" in row
    body = client.get("/api/v1/audit/events?object_id=R-words", headers=api_token(db, auditor)).json()
    [event] = body["events"]
    assert (event["what_happened"], event["reference"], event["record"]) == (
        "Recorded the triage",
        "DVDS-2026-000077",
        "Case DVDS-2026-000077",
    )


def test_the_openapi_document_describes_every_filter(client: PageClient) -> None:
    schema = client.get("/api/v1/schema/openapi.json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/audit/events"]["get"]["parameters"]}
    filters = {
        "reference",
        "person",
        "actor",
        "action",
        "category",
        "object_type",
        "object_id",
        "date_from",
        "date_to",
    }
    assert filters | {"limit", "after", "before"} <= set(parameters)
    for name in filters | {"limit", "after", "before"}:
        assert parameters[name]["in"] == "query" and parameters[name].get("description"), name
    assert parameters["date_from"]["schema"].get("format") == "date"
    assert "never a name" in parameters["person"]["description"]
