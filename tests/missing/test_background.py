"""A large feed file loads in the background, committing batch by batch so its page can show the progress;
an import that breaks says why on its page [issue 7]."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from disclosure.accounts.roles import Role
from disclosure.db import create_db_engine, create_session_factory, unit_of_work
from disclosure.missing import feed
from disclosure.missing.models import Episode, FeedImport
from tests import fresh_db
from tests.builders import make_user, principal_for
from tests.missing.test_feed import csv_of, line

fresh_database_url = fresh_db.fresh_database_url


def test_a_background_import_commits_as_it_goes_and_a_failure_is_recorded(
    fresh_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_db_engine(fresh_database_url)
    factory = create_session_factory(engine)
    try:
        rows = [line(police_reference=f"MP/{n:05d}", given_names=f"Child{n % 7}") for n in range(1, 2501)]
        data = csv_of(*rows)
        with unit_of_work(factory) as session:
            principal = principal_for(make_user(session, Role.DATA_ADMINISTRATOR).user)
            record = feed.start_import(
                session, principal, filename="big.csv", data=data, layout=feed.Layout()
            )
            import_id = record.id
        progress: list[int] = []
        real_run = feed.run_import

        def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
            kwargs["progress"] = lambda done, _total: progress.append(done)
            return real_run(*args, **kwargs)

        monkeypatch.setattr(feed, "run_import", watched)
        feed.run_saved_import(factory, principal, import_id, data, feed.Layout())
        with unit_of_work(factory) as session:
            finished = session.get(FeedImport, import_id)
            assert finished is not None and finished.status == "finished" and finished.processed_rows == 2500
            assert session.scalar(select(func.count()).select_from(Episode)) == 2500
        assert progress == [0, 1000, 2000, 2500]

        def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise RuntimeError("disk full")

        with unit_of_work(factory) as session:
            again = feed.start_import(session, principal, filename="big.csv", data=data, layout=feed.Layout())
            again_id = again.id
        monkeypatch.setattr(feed, "run_import", broken)
        feed.run_saved_import(factory, principal, again_id, data, feed.Layout())
        with unit_of_work(factory) as session:
            failed = session.get(FeedImport, again_id)
            assert failed is not None and failed.status == "failed" and "disk full" in failed.failure
    finally:
        engine.dispose()
