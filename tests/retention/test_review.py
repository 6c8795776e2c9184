"""The records reviewer's decisions [issue 19]: disposal only when due, not held and past any age rule,
confirmed; removing the case, its files and the people with no other record, leaving a content-free erasure
event and an audit chain that verifies; retention with a next review date; holds; need to know."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.audit import AuditEvent
from disclosure.auth import Principal
from disclosure.errors import FormInvalid, InvalidTransition, PermissionDenied
from disclosure.people.models import Person, PersonName
from disclosure.requests import service as requests
from disclosure.requests.models import CaseParty, DisclosureRequest
from disclosure.research.models import Attachment
from disclosure.retention import service
from disclosure.retention.models import RetentionRecord, RetentionReview
from disclosure.retention.schedule import add_years, scan
from disclosure.storage import LocalFileStore
from tests.research.builders import case_in_research
from tests.retention.builders import DUE, scheduled, withdrawn_case


def _count(db: Session, *where: object, model: object = AuditEvent) -> int:
    return db.scalar(select(func.count()).select_from(model).where(*where)) or 0  # type: ignore[arg-type]


def test_disposal_removes_the_case_its_files_and_the_people_with_no_other_record(
    db: Session, clerk: Principal, researcher: Principal, reviewer: Principal, store: LocalFileStore
) -> None:
    case = withdrawn_case(db, clerk, researcher, store)
    other = case_in_research(db, clerk, researcher)
    case_id, reference = case.id, case.reference
    parties = {p.person_id for p in db.scalars(select(CaseParty).where(CaseParty.request_id == case_id))}
    shared = next(iter(parties))
    requests.add_party(db, clerk, other.id, shared, {"role": "third_party"})
    names = [n.family_name for n in db.scalars(select(PersonName).where(PersonName.person_id.in_(parties)))]
    files = [store.path_for(a.storage_key) for a in db.scalars(select(Attachment))]
    record = scheduled(db, case_id)
    assert record.review_due_on == DUE and service.queue(db, reviewer, today=DUE).items == [record]
    shown = service.preview(db, reviewer, record, today=DUE)
    assert shown.refusal == "" and shown.files == 1 and shown.people == len(parties) - 1

    gone = service.dispose(
        db, reviewer, store, record.id, {"confirm": "yes", "version": str(record.version)}, today=DUE
    )
    db.commit()

    assert gone.people == len(parties) - 1
    assert db.get(DisclosureRequest, case_id) is None and db.get(DisclosureRequest, other.id) is not None
    assert db.get(Person, shared) is not None, "a person on another case stays"
    assert {p for p in parties if db.get(Person, p) is None} == parties - {shared}
    assert not any(path.exists() for path in files)
    assert _count(db, model=RetentionRecord) == 0 and _count(db, model=RetentionReview) == 0
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "retention.dispose"))
    assert event is not None and event.category == "erasure" and event.object_id == str(case_id)
    text = event.details + event.justification + (event.recipients or "")
    assert not any(name in text for name in names) and reference not in text
    assert audit.verify(db).intact


def test_a_refused_disposal_writes_nothing(
    db: Session, clerk: Principal, researcher: Principal, reviewer: Principal, store: LocalFileStore
) -> None:
    case_id = withdrawn_case(db, clerk, researcher, store).id
    record = scheduled(db, case_id)
    version = {"version": str(record.version)}
    before = _count(db)
    with pytest.raises(InvalidTransition, match="not due for review until"):
        service.dispose(
            db, reviewer, store, record.id, {"confirm": "yes"} | version, today=DUE - timedelta(days=1)
        )
    with pytest.raises(FormInvalid) as refused:
        service.dispose(db, reviewer, store, record.id, version, today=DUE)
    assert refused.value.errors == {"confirm": service.CONFIRMATION}
    with pytest.raises(PermissionDenied):
        service.dispose(db, clerk, store, record.id, {"confirm": "yes"} | version, today=DUE)
    service.hold(db, reviewer, record.id, {"rationale": "Civil claim lodged against the force", **version})
    with pytest.raises(InvalidTransition, match="legal hold"):
        service.dispose(
            db, reviewer, store, record.id, {"confirm": "yes", "version": str(record.version)}, today=DUE
        )
    assert service.queue(db, reviewer, today=DUE).items == []
    assert service.queue(db, reviewer, held=True).items == [record]
    assert db.get(DisclosureRequest, case_id) is not None and _count(db) == before + 1  # the hold alone
    with pytest.raises(InvalidTransition, match="already under a legal hold"):
        service.hold(
            db, reviewer, record.id, {"rationale": "Again and again", "version": str(record.version)}
        )
    service.release(
        db, reviewer, record.id, {"rationale": "The claim was settled", "version": str(record.version)}
    )
    service.dispose(
        db, reviewer, store, record.id, {"confirm": "yes", "version": str(record.version)}, today=DUE
    )
    assert db.get(DisclosureRequest, case_id) is None


def test_public_protection_records_are_kept_until_the_subject_is_100(
    db: Session, clerk: Principal, researcher: Principal, reviewer: Principal, store: LocalFileStore
) -> None:
    case = case_in_research(db, clerk, researcher, route="csods_application")
    requests.withdraw(db, clerk, case.id, {"reason": "applicant_withdrew", "notes": "No longer wishes to."})
    case_id = case.id
    record = scheduled(db, case_id)
    assert record.group_id == 1 and record.born_on == date(1988, 5, 17)
    confirmed = {"confirm": "yes", "version": str(record.version)}
    with pytest.raises(InvalidTransition, match="kept until the subject is 100, on 17 May 2088"):
        service.dispose(db, reviewer, store, record.id, confirmed, today=DUE)
    record.born_on = None
    with pytest.raises(InvalidTransition, match="date of birth is not recorded"):
        service.dispose(db, reviewer, store, record.id, confirmed, today=DUE)
    record.born_on = date(1900, 1, 1)
    service.dispose(db, reviewer, store, record.id, confirmed, today=DUE)
    assert db.get(DisclosureRequest, case_id) is None


def test_retaining_sets_the_next_review_within_the_groups_interval(
    db: Session, clerk: Principal, researcher: Principal, reviewer: Principal, store: LocalFileStore
) -> None:
    case = withdrawn_case(db, clerk, researcher, store)
    record = scheduled(db, case.id)

    def answers(day: date, rationale: str = "Subject re-offended abroad; still relevant") -> dict[str, str]:
        return {"rationale": rationale, "next_review": day.isoformat(), "version": str(record.version)}

    with pytest.raises(FormInvalid) as refused:
        service.retain(
            db, reviewer, record.id, answers(add_years(DUE, 10) + timedelta(days=1), "short"), today=DUE
        )
    assert set(refused.value.errors) == {"rationale", "next_review"}
    with pytest.raises(FormInvalid):
        service.retain(db, reviewer, record.id, answers(DUE), today=DUE)
    review = service.retain(db, reviewer, record.id, answers(add_years(DUE, 10)), today=DUE)
    assert review.next_review_on == add_years(DUE, 10) and record.review_due_on == add_years(DUE, 10)
    scan(db, today=DUE)
    db.refresh(record)
    assert record.review_due_on == add_years(DUE, 10), (
        "the scan never brings a retained record's review earlier"
    )
    assert service.queue(db, reviewer, today=DUE).items == []
    moved = service.regroup(
        db,
        reviewer,
        record.id,
        {"group": "3", "rationale": "No violence was found", "version": str(record.version)},
    )
    assert moved.group_id == 3 and record.review_due_on == add_years(DUE, 10)
    event = db.scalars(
        select(AuditEvent).where(AuditEvent.action.like("retention.%")).order_by(AuditEvent.seq.desc())
    ).first()
    assert event is not None and "No violence" not in event.details + event.justification
