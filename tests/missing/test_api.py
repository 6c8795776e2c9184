"""The missing-person JSON API: a feed pushed by an integration, episodes read and their risk reviewed; an
episode says whether it is an adult's (with the prevention interview) and whether an urgent event about it
reached nobody, and the OpenAPI document describes exactly those answers [issue 15]."""

from __future__ import annotations

import dataclasses
import typing
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from disclosure.config import Settings
from disclosure.db import utcnow
from disclosure.missing import api as missing_api
from disclosure.missing import dispatcher, feed, service
from disclosure.missing.vocabulary import InterviewKind, InterviewOutcome, UnreachedReason
from tests.missing.builders import (
    ADULT_BORN,
    CHILD_BORN,
    UK,
    coordinator,
    episode_values,
    person,
    return_values,
)
from tests.missing.test_feed import csv_of, line
from tests.pages import PageClient
from tests.requests.test_api import api

__all__ = ["api"]


def test_an_integration_pushes_the_feed_and_reviews_the_risk(db: Session, api: PageClient) -> None:
    data = csv_of(line(), line(police_reference="MP/26/0002", risk_level="extreme"), line())
    pushed = api.post("/api/v1/missing/imports", json={"csv": data.decode(), "filename": "nightly.csv"})
    assert pushed.status_code == 201, pushed.text
    result = pushed.json()
    assert (result["total"], result["loaded"], result["unchanged"], result["rejected"]) == (3, 1, 1, 1)
    assert result["problems"][0]["line"] == 3 and "extreme" in result["problems"][0]["reason"]
    listed = api.get("/api/v1/missing/episodes?status=open").json()["items"]
    [mine] = [e for e in listed if e["police_reference"] == "MP/26/0001"]
    assert (
        mine["name"] == "Jamie Rivers" and mine["risk_level"] == "medium" and mine["repeat_missing"] is False
    )
    reviewed = api.post(
        f"/api/v1/missing/episodes/{mine['id']}/risk",
        json={
            "risk_level": "high",
            "rationale": "Phone switched off",
            "source": "Mother",
            "obtained_at": (utcnow() - timedelta(minutes=5)).isoformat(),
        },
    )
    assert reviewed.status_code == 200, reviewed.text
    assert api.get(f"/api/v1/missing/episodes/{mine['id']}").json()["risk_level"] == "high"
    refused = api.post(
        f"/api/v1/missing/episodes/{mine['id']}/risk",
        json={"risk_level": "high", "rationale": "", "source": "", "obtained_at": utcnow().isoformat()},
    )
    assert refused.status_code == 400 and "rationale" in refused.text
    assert api.get("/api/v1/missing/episodes?status=lost").status_code == 400
    empty = api.post("/api/v1/missing/imports", json={"csv": "  "})
    assert empty.status_code == 400


def test_an_integration_runs_a_stopped_import_again_and_follows_it(
    db: Session, api: PageClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    actor = coordinator(db)
    reported = (utcnow() - timedelta(hours=30)).astimezone(UK).strftime("%Y-%m-%d %H:%M")
    data = csv_of(
        line(reported_at=reported), line(police_reference="MP/2", reported_at=reported, risk_level="x")
    )
    record = feed.start_import(db, actor, filename="nightly.csv", data=data, layout=feed.Layout())
    feed.fail_import(db, record, "The import was cut off (the service stopped or restarted)")
    db.commit()
    stopped = api.get(f"/api/v1/missing/imports/{record.id}").json()
    assert stopped["status"] == "failed" and "cut off" in stopped["failure"]
    again = api.post(f"/api/v1/missing/imports/{record.id}/run-again")
    assert again.status_code == 202 and again.json()["status"] == "queued", again.text
    assert dispatcher.run_once(session_factory, settings).imports_run == 1
    done = api.get(f"/api/v1/missing/imports/{record.id}").json()
    assert (done["status"], done["total"], done["loaded"], done["rejected"]) == ("finished", 2, 1, 1)
    assert api.post(f"/api/v1/missing/imports/{record.id}/run-again").status_code == 409


def _closed(db: Session, born: str, given: str, **overrides: str) -> str:
    actor = coordinator(db, f"mash.{given.lower()}")
    who = person(db, actor, given=given, born=born)
    episode = service.record_episode(db, actor, who.id, episode_values(hours_ago=85, **overrides))
    service.close_episode(db, actor, episode.id, return_values(hours_ago=80))
    return str(episode.id)


def test_the_api_tells_an_adults_prevention_interview_from_a_childs_overdue_one(
    db: Session, api: PageClient
) -> None:
    adult = _closed(db, ADULT_BORN, "Alex", care_status="none")
    child = _closed(db, CHILD_BORN, "Kai")
    answers = {e["id"]: e for e in api.get("/api/v1/missing/episodes?status=closed").json()["items"]}
    pick = ("interview", "interview_kind", "adult")
    assert tuple(answers[adult][k] for k in pick) == ("optional", "prevention", True)
    assert tuple(answers[child][k] for k in pick) == ("overdue", "return_home", False)


def test_the_api_says_when_an_urgent_event_reached_nobody(db: Session, api: PageClient) -> None:
    actor = coordinator(db)
    who = person(db, actor)
    episode = service.record_episode(db, actor, who.id, episode_values(care_status="cp_plan"))
    answer = api.get(f"/api/v1/missing/episodes/{episode.id}").json()
    assert answer["unreached"] == ["no_recipient"] and answer["interview_kind"] is None
    assert answer["adult"] is False


def test_the_openapi_document_describes_each_episode_answer_exactly(api: PageClient) -> None:
    schema = api.get("/api/v1/schema/openapi.json").json()
    episode = schema["components"]["schemas"]["EpisodeOut"]
    fields = {f.name for f in dataclasses.fields(missing_api.EpisodeOut)}
    assert set(episode["properties"]) == fields and set(episode["required"]) == fields

    def enum(prop: dict[str, typing.Any]) -> set[str]:
        found = set(prop.get("enum", []))
        for option in prop.get("oneOf", []) + prop.get("anyOf", []):
            found |= set(option.get("enum", []))
            found |= set(option.get("items", {}).get("enum", []))
        return found | set(prop.get("items", {}).get("enum", []))

    states = {o.value for o in InterviewOutcome} | {"", "overdue", "optional"}
    assert set(typing.get_args(missing_api.InterviewState)) == states
    assert enum(episode["properties"]["interview"]) == states
    assert enum(episode["properties"]["interview_kind"]) == {k.value for k in InterviewKind} | {None}
    assert enum(episode["properties"]["unreached"]) == {r.value for r in UnreachedReason}
    assert episode["properties"]["adult"]["type"] == "boolean"


def test_the_episodes_list_pages_newest_report_first(db: Session, api: PageClient) -> None:
    references = [f"MP/26/01{n:02}" for n in range(5)]
    reported = [utcnow() - timedelta(hours=n + 1) for n in range(5)]
    rows = [
        line(
            police_reference=ref,
            given_names=given,
            reported_at=at.astimezone(UK).strftime("%Y-%m-%d %H:%M"),
        )
        for ref, at, given in zip(references, reported, ["Ann", "Bea", "Cal", "Dee", "Eve"], strict=True)
    ]
    assert api.post("/api/v1/missing/imports", json={"csv": csv_of(*rows).decode()}).status_code == 201
    seen, cursor = [], ""
    while True:
        page = api.get(f"/api/v1/missing/episodes?status=open&limit=2&after={cursor}").json()
        assert page["count"] == 5 and len(page["items"]) <= 2
        seen += [e["police_reference"] for e in page["items"]]
        if (cursor := page["next_cursor"]) is None:
            break
    assert seen == references, "newest report first, none lost or repeated"
    assert api.get("/api/v1/missing/episodes?limit=201").status_code == 400
