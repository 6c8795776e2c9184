"""The feed import pages: a large file is queued for the dispatcher and its page follows it; an import that
stopped is run again from its page; a mapping file that is not a mapping is refused at its field, never with
a 500 [issue 13]. The dispatcher is driven by hand, as the app starts none when testing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from disclosure.config import Settings
from disclosure.db import utcnow
from disclosure.missing import dispatcher, feed
from disclosure.missing.controllers import INLINE_IMPORT_BYTES
from disclosure.missing.models import Episode, FeedImport
from tests.builders import sign_in_as
from tests.missing.builders import UK, coordinator
from tests.missing.test_feed import csv_of, line
from tests.pages import PageClient


def _reported() -> str:
    return (utcnow() - timedelta(hours=30)).astimezone(UK).strftime("%Y-%m-%d %H:%M")


def test_a_mapping_nested_50000_levels_deep_is_refused_at_the_mapping_field(
    db: Session, client: PageClient
) -> None:
    sign_in_as(db, client, coordinator(db))
    response = client.post(
        "/missing/imports/new",
        files={
            "file": ("feed.csv", csv_of(line(reported_at=_reported())), "text/csv"),
            "mapping": ("force.json", b"[" * 50_000 + b"]" * 50_000, "application/json"),
        },
        data={"_csrf_token": client.csrf()},
    )
    assert response.status_code == 400
    assert 'href="#mapping"' in response.text and "deeper than 32 levels" in response.text
    assert db.scalar(select(FeedImport.id)) is None


def test_a_large_file_is_queued_for_the_dispatcher_and_its_page_follows_it(
    db: Session, client: PageClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    sign_in_as(db, client, coordinator(db))
    rows = [
        line(police_reference=f"MP/{n:05d}", reported_at=_reported(), clothing="x" * 200) for n in range(1300)
    ]
    data = csv_of(*rows)
    assert INLINE_IMPORT_BYTES < len(data) < settings.max_upload_mb * 1024 * 1024
    queued = client.post(
        "/missing/imports/new",
        files={"file": ("nightly.csv", data, "text/csv")},
        data={"_csrf_token": client.csrf()},
        follow_redirects=False,
    )
    assert queued.status_code == 303
    waiting = client.get(queued.headers["location"])
    assert "Waiting to start" in waiting.text and "data-progress-url" in waiting.text
    assert client.get(queued.headers["location"] + "/progress").json()["status"] == "queued"
    assert dispatcher.run_once(session_factory, settings).imports_run == 1
    done = client.get(queued.headers["location"])
    assert "Finished: all 1300 rows dealt with" in done.text and "data-progress-url" not in done.text
    assert len(db.scalars(select(Episode.id)).all()) == 1300


def test_an_import_that_stopped_is_run_again_from_its_page(
    db: Session, client: PageClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    actor = coordinator(db)
    data = csv_of(line(reported_at=_reported()), line(police_reference="MP/2", reported_at=_reported()))
    record = feed.start_import(db, actor, filename="feed.csv", data=data, layout=feed.Layout())
    feed.fail_import(db, record, "The import was cut off (the service stopped or restarted)")
    db.commit()
    sign_in_as(db, client, actor)
    stopped = client.get(f"/missing/imports/{record.id}")
    assert "The import stopped" in stopped.text and "Run the import again" in stopped.text
    again = client.submit(f"/missing/imports/{record.id}/run-again")
    assert again.status_code == 303 and again.headers["location"] == f"/missing/imports/{record.id}"
    assert "Waiting to start" in client.get(again.headers["location"]).text
    assert dispatcher.run_once(session_factory, settings).imports_run == 1
    finished = client.get(f"/missing/imports/{record.id}")
    assert "Finished: all 2 rows dealt with" in finished.text and "Run the import again" not in finished.text
    refused = client.submit(f"/missing/imports/{record.id}/run-again")
    assert refused.status_code == 409 and "Only an import that stopped can be run again" in refused.text
