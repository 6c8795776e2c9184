"""Disposal's walk of the foreign keys [issue 19]: every optional reference is classified, a case's every row
and file goes, the records beside it stay, and the audit chain still verifies."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.accounts.roles import Role
from disclosure.corrections import Correction
from disclosure.db import Base
from disclosure.people.models import Person
from disclosure.requests.models import CaseParty, DisclosureRequest
from disclosure.research import service as research
from disclosure.research.models import Attachment, EvidenceItem
from disclosure.retention import disposal
from disclosure.storage import LocalFileStore
from tests import samples
from tests.builders import make_user, principal_for
from tests.research.builders import case_in_research, evidence_values


def _reachable() -> set[str]:
    """Every table whose rows disposal can reach from a root through the foreign keys it follows."""
    seen, waiting = set(disposal.ROOTS), list(disposal.ROOTS)
    while waiting:
        table = Base.metadata.tables[waiting.pop()]
        for column, _ in disposal.referring(Base.metadata, table):
            if disposal.classification(column) == "part" and column.table.name not in seen:
                seen.add(column.table.name)
                waiting.append(column.table.name)
    return seen


def test_every_optional_reference_to_a_disposable_row_is_classified() -> None:
    """A new optional foreign key into anything disposal removes must say whether its row is part of what
    it refers to (`PART_OF`) or only mentions it (`MENTIONS`): unclassified, this test names it."""
    unclassified = [
        f"{column.table.name}.{column.name}"
        for name in sorted(_reachable())
        for column, _ in disposal.referring(Base.metadata, Base.metadata.tables[name])
        if disposal.classification(column) == ""
    ]
    assert unclassified == []
    listed = disposal.PART_OF | disposal.MENTIONS
    known = {(t.name, c.name) for t in Base.metadata.sorted_tables for c in t.columns if c.foreign_keys}
    assert listed <= known, "a classified foreign key no longer exists"
    assert "attachments" in _reachable() and "deliveries" in _reachable() and "users" not in _reachable()


def _case_with_files(db: Session, store: LocalFileStore, clerk: Any, researcher: Any) -> DisclosureRequest:
    case = case_in_research(db, clerk, researcher)
    item = research.record_evidence(db, researcher, case.id, evidence_values(case))
    for name, data in (("PNC print.pdf", samples.pdf()), ("photo.png", samples.image())):
        research.add_attachment(
            db, researcher, store, case.id, item.id, filename=name, data=data, max_bytes=10**6
        )
    db.add(
        Correction(
            object_type="request",
            object_id=case.id,
            field="x",
            label="X",
            old_value="a",
            new_value="b",
            reason="r",
        )
    )
    db.commit()
    return case


def _count(db: Session, model: Any, *where: Any) -> int:
    return db.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_disposing_of_a_case_removes_its_every_row_and_file_and_nothing_else(
    db: Session, store: LocalFileStore
) -> None:
    clerk = principal_for(make_user(db, Role.DATA_ADMINISTRATOR).user)
    researcher = principal_for(make_user(db, Role.RESEARCHER).user)
    gone, kept = (_case_with_files(db, store, clerk, researcher) for _ in range(2))
    gone_id, kept_id = gone.id, kept.id
    kept.linked_request_id = gone_id
    db.commit()
    files = [store.path_for(a.storage_key) for a in db.scalars(select(Attachment))]
    assert len(files) == 4 and all(path.exists() for path in files)
    people = _count(db, Person)

    found = disposal.footprint(db, {"requests": [gone_id]})
    assert found.counts["requests"] == 1 and found.counts["attachments"] == 2 and len(found.files) == 2
    assert found.cleared["requests.linked_request_id"] == 1
    disposal.remove(db, found, store)
    assert all(path.exists() for path in files), "files go only when the removal commits"
    db.commit()

    assert db.get(DisclosureRequest, gone_id) is None
    for model, column in ((CaseParty, CaseParty.request_id), (EvidenceItem, EvidenceItem.request_id)):
        assert _count(db, model, column == gone_id) == 0
        assert _count(db, model, column == kept_id) > 0
    assert _count(db, Correction, Correction.object_id == gone_id) == 0
    assert _count(db, Correction, Correction.object_id == kept_id) == 1
    assert [path.exists() for path in files].count(True) == 2
    assert db.get(DisclosureRequest, kept_id).linked_request_id is None  # type: ignore[union-attr]
    assert _count(db, Person) == people, "people go only when nothing else refers to them"
    assert audit.verify(db).intact


def test_a_removal_rolled_back_keeps_every_row_and_file(db: Session, store: LocalFileStore) -> None:
    clerk = principal_for(make_user(db, Role.DATA_ADMINISTRATOR).user)
    researcher = principal_for(make_user(db, Role.RESEARCHER).user)
    case = _case_with_files(db, store, clerk, researcher)
    files = [store.path_for(a.storage_key) for a in db.scalars(select(Attachment))]
    disposal.remove(db, disposal.footprint(db, {"requests": [case.id]}), store)
    db.rollback()
    assert db.get(DisclosureRequest, case.id) is not None
    assert all(path.exists() for path in files)
    db.commit()
    assert all(path.exists() for path in files)


def test_the_database_store_discards_with_the_transaction(db: Session) -> None:
    from disclosure.storage import DatabaseStore, StoredFile

    store = DatabaseStore()
    key = store.put(db, b"letter")
    db.commit()
    store.discard(db, [key])
    db.rollback()
    assert db.get(StoredFile, key) is not None
    store.discard(db, [key])
    db.commit()
    assert db.get(StoredFile, key) is None
