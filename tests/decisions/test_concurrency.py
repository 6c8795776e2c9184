"""Two chairs' screens press "Sign off" at the same moment: one decision, one move, one audit event."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from disclosure.audit import AuditEvent
from disclosure.db import create_db_engine, create_session_factory, unit_of_work
from disclosure.decisions import service
from disclosure.decisions.models import Decision
from disclosure.errors import Conflict
from disclosure.requests.models import DisclosureRequest
from tests import fresh_db
from tests.decisions.builders import no_disclosure_values
from tests.decisions.conftest import make_cast, make_panel

fresh_database_url = fresh_db.fresh_database_url


def test_signing_twice_at_once_has_one_effect(fresh_database_url: str) -> None:
    engine = create_db_engine(fresh_database_url)
    factory = create_session_factory(engine)
    try:
        with unit_of_work(factory) as session:
            cast = make_cast(session)
            panel = make_panel(session, cast)
            agencies = service.quorum(session, panel.item).agencies
            service.record_decision(
                session,
                cast.probation,
                panel.meeting.id,
                panel.item.id,
                no_disclosure_values(session, agencies),
            )
            meeting_id, item_id, case_id = panel.meeting.id, panel.item.id, panel.case.id
        outcomes: list[str] = []
        start = threading.Barrier(2)

        def sign() -> None:
            start.wait()
            try:
                with unit_of_work(factory) as session:
                    service.sign(session, cast.chair, meeting_id, item_id, {})
                outcomes.append("signed")
            except Conflict:
                outcomes.append("refused")
            except BaseException as exc:  # reported by the assertion below
                outcomes.append(repr(exc))

        threads = [threading.Thread(target=sign) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with unit_of_work(factory) as session:
            signs = session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "decisions.decision.sign")
            )
            moves = session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "request.decide_not_to_disclose")
            )
            decision = session.scalar(select(Decision))
            case = session.get(DisclosureRequest, case_id)
            assert decision is not None and case is not None
            status, version, case_status = decision.status, decision.version, case.status
    finally:
        engine.dispose()
    assert sorted(outcomes) == ["refused", "signed"]
    assert signs == 1 and moves == 1
    assert (status, case_status) == ("signed", "outcome_to_communicate")
    assert version == 2
