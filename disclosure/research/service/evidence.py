"""Evidence items: each fact or opinion found, with its provenance (source and reference, date of the
information, who recorded it and when, the 3x5x2 grading) and whether, to whom and with whose consent it
may be disclosed; and the files that support it [DOMAIN.md "What DVDS may disclose"][issue 4]."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure import audit, chronology
from disclosure.audit import Actor, AuditCategory
from disclosure.auth import Principal
from disclosure.db import check_version, utcnow
from disclosure.errors import FormInvalid, NotFound
from disclosure.forms import (
    LONG,
    SHORT,
    choice,
    identifier,
    optional_text,
    parse_date,
    present,
    raise_if,
    required_text,
    yes_no,
)
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.vocabulary import Scheme
from disclosure.research.models import Attachment, Check, EvidenceItem
from disclosure.research.service.common import begin_change, case_to_change, open_case, record
from disclosure.research.vocabulary import (
    DiscloseTo,
    HandlingCode,
    InformationGrade,
    Nature,
    OwnerConsent,
    SourceGrade,
)
from disclosure.storage import AttachmentStore, LocalFileStore
from disclosure.uploads import UploadRefused, check_upload

# Sarah's Law disclosures go only to a parent, carer or guardian [ASP-CSODS]; Clare's Law ones to the
# person at risk or the person best placed to protect them [DVDS-2023].
RECIPIENTS = {
    Scheme.DVDS: (DiscloseTo.PERSON_AT_RISK, DiscloseTo.BEST_PLACED_TO_PROTECT),
    Scheme.CSODS: (DiscloseTo.PARENT_OR_CARER,),
}


def live_items(session: Session, case_id: uuid.UUID) -> list[EvidenceItem]:
    return list(
        session.scalars(
            select(EvidenceItem)
            .where(EvidenceItem.request_id == case_id, EvidenceItem.removed_at.is_(None))
            .order_by(EvidenceItem.number)
        )
    )


def _parse(session: Session, case: DisclosureRequest, values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    people = {p.person_id for p in case.parties}
    person_id = identifier(values, "person_id", "Select who the item is about", errors)
    if person_id is not None and person_id not in people:
        errors["person_id"] = "Select a person on this case"
    check_id = None
    if values.get("check_id"):
        check_id = identifier(values, "check_id", "Select the check it was found in", errors)
        check = session.get(Check, check_id) if check_id else None
        if check_id and (check is None or check.request_id != case.id or check.removed_at is not None):
            errors["check_id"] = "Select a check recorded on this case"
    source = required_text(values, "source", "Enter the source system or agency", errors, limit=SHORT)
    source_reference = optional_text(values, "source_reference", "Source reference", errors, limit=120)
    information_date = parse_date(
        values, "information_date", "Date of the information", errors, required=False
    )
    chronology.check("research.evidence", {"information_date": information_date}, errors)
    summary = required_text(values, "summary", "Enter the fact or opinion", errors, limit=LONG)
    source_grade = choice(
        values, "source_grade", SourceGrade, "Select the source evaluation (A, B or C)", errors
    )
    information_grade = choice(
        values, "information_grade", InformationGrade, "Select the intelligence assessment (1 to 5)", errors
    )
    handling = choice(values, "handling_code", HandlingCode, "Select the handling code (P or C)", errors)
    nature = choice(values, "nature", Nature, "Select whether it is a fact or an opinion", errors)
    disclosable = yes_no(values, "disclosable", "it could be disclosed", errors)
    disclose_to = None
    allowed = RECIPIENTS[Scheme(case.scheme)]
    if disclosable:
        disclose_to = choice(values, "disclose_to", DiscloseTo, "Select who it could be disclosed to", errors)
        if disclose_to is not None and disclose_to not in allowed:
            names = " or ".join(r.label.lower() for r in allowed)
            errors["disclose_to"] = f"Under this scheme it could be disclosed only to the {names}"
    consent = choice(values, "owner_consent", OwnerConsent, "Select the owning agency's consent", errors)
    if disclosable and consent is OwnerConsent.REFUSED:
        errors["owner_consent"] = "The owning agency refused consent: mark the item as not disclosable"
    raise_if(errors, values)
    return {
        "person_id": person_id,
        "check_id": check_id,
        "source": source,
        "source_reference": source_reference,
        "information_date": information_date,
        "summary": summary,
        "source_grade": present(source_grade).value,
        "information_grade": present(information_grade).value,
        "handling_code": present(handling).value,
        "nature": present(nature).value,
        "disclosable": bool(disclosable),
        "disclose_to": disclose_to.value if disclose_to else None,
        "owner_consent": present(consent).value,
    }


def record_evidence(
    session: Session, actor: Principal, request_id: uuid.UUID, values: dict[str, Any]
) -> EvidenceItem:
    """Record a fact or opinion with its provenance; numbered E1, E2... within the case."""
    case = case_to_change(session, actor, request_id)
    begin_change(session, actor, case)
    fields = _parse(session, case, values)
    number = (
        session.scalar(select(func.max(EvidenceItem.number)).where(EvidenceItem.request_id == case.id)) or 0
    ) + 1
    item = EvidenceItem(request_id=case.id, number=number, recorded_by_id=actor.user_id, **fields)
    session.add(item)
    session.flush()
    record(
        session,
        actor,
        case,
        "evidence.record",
        AuditCategory.COLLECTION,
        f"Evidence item E{number} recorded",
        object_type="evidence_item",
        object_id=item.id,
    )
    return item


def get_item(session: Session, case: DisclosureRequest, item_id: uuid.UUID) -> EvidenceItem:
    item = session.get(EvidenceItem, item_id)
    if item is None or item.request_id != case.id or item.removed_at is not None:
        raise NotFound("There is no such evidence item on this case")
    return item


def load_item(
    session: Session, actor: Principal, request_id: uuid.UUID, item_id: uuid.UUID
) -> tuple[DisclosureRequest, EvidenceItem]:
    case = open_case(session, actor, request_id)
    return case, get_item(session, case, item_id)


def change_evidence(
    session: Session, actor: Principal, request_id: uuid.UUID, item_id: uuid.UUID, values: dict[str, Any]
) -> EvidenceItem:
    """Correct an item; who recorded it first stays, and the change is audited with what moved."""
    case = case_to_change(session, actor, request_id)
    item = get_item(session, case, item_id)
    begin_change(session, actor, case)
    check_version(item.version, values.get("version"))
    fields = _parse(session, case, values)
    changed = sorted(k for k, v in fields.items() if getattr(item, k) != v)
    for key, value in fields.items():
        setattr(item, key, value)
    record(
        session,
        actor,
        case,
        "evidence.change",
        AuditCategory.ALTERATION,
        f"Evidence item E{item.number} corrected",
        object_type="evidence_item",
        object_id=item.id,
        fields=changed,
    )
    return item


def remove_evidence(
    session: Session, actor: Principal, request_id: uuid.UUID, item_id: uuid.UUID, values: dict[str, Any]
) -> None:
    """Strike an item out with a reason: it leaves the package but stays on record."""
    case = case_to_change(session, actor, request_id)
    item = get_item(session, case, item_id)
    begin_change(session, actor, case)
    errors: dict[str, str] = {}
    reason = required_text(values, "reason", "Enter why the item is being struck out", errors, limit=2000)
    raise_if(errors, values)
    item.removed_at, item.removed_reason = utcnow(), reason
    record(
        session,
        actor,
        case,
        "evidence.remove",
        AuditCategory.ALTERATION,
        f"Evidence item E{item.number} struck out (reason on the item)",
        object_type="evidence_item",
        object_id=item.id,
    )


# ---------------------------------------------------------------- attachments


def add_attachment(
    session: Session,
    actor: Principal,
    store: AttachmentStore,
    request_id: uuid.UUID,
    item_id: uuid.UUID,
    *,
    filename: str,
    data: bytes,
    max_bytes: int,
) -> Attachment:
    """Attach a PDF, image or Word document: its type is read from its content, its size limited, and it
    is kept under a random name with its SHA-256 (QUALITY.md 14). The file and its row are written
    together: if the transaction fails the file is removed (QUALITY.md 22)."""
    case = case_to_change(session, actor, request_id)
    item = get_item(session, case, item_id)
    begin_change(session, actor, case)
    try:
        checked = check_upload(filename, data, max_bytes=max_bytes)
    except UploadRefused as exc:
        raise FormInvalid({"file": exc.message}, {}) from None
    key = store.put(session, data)
    attachment = Attachment(
        evidence_item_id=item.id,
        filename=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        storage_key=key,
        uploaded_by_id=actor.user_id,
    )
    session.add(attachment)
    session.flush()
    record(
        session,
        actor,
        case,
        "attachment.add",
        AuditCategory.COLLECTION,
        f"File attached to evidence item E{item.number}",
        object_type="attachment",
        object_id=attachment.id,
        sha256=checked.sha256,
        size=checked.size,
    )
    return attachment


def _attachment(
    session: Session, case: DisclosureRequest, attachment_id: uuid.UUID, *, removed: bool = False
) -> Attachment:
    """A file on this case; a removed one only when asked for (earlier package versions still cite it)."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or attachment.item.request_id != case.id:
        raise NotFound("There is no such file on this case")
    if attachment.removed_at is not None and not removed:
        raise NotFound("There is no such file on this case")
    return attachment


def download_attachment(
    session: Session,
    actor: Principal,
    store: AttachmentStore,
    request_id: uuid.UUID,
    attachment_id: uuid.UUID,
) -> tuple[Attachment, bytes]:
    """The file's bytes, checked against the SHA-256 taken at upload; every download is audited."""
    case = open_case(session, actor, request_id)
    attachment = _attachment(session, case, attachment_id, removed=True)
    data = store.read(session, attachment.storage_key, sha256=attachment.sha256)
    record(
        session,
        actor,
        case,
        "attachment.download",
        AuditCategory.CONSULTATION,
        "Attachment downloaded",
        object_type="attachment",
        object_id=attachment.id,
    )
    return attachment, data


def remove_attachment(
    session: Session,
    actor: Principal,
    request_id: uuid.UUID,
    attachment_id: uuid.UUID,
) -> None:
    """Take a wrongly attached file off the item. Its contents stay in the store: an earlier submitted
    version of the package may cite it, and versions stay readable."""
    case = case_to_change(session, actor, request_id)
    attachment = _attachment(session, case, attachment_id)
    begin_change(session, actor, case)
    attachment.removed_at = utcnow()
    record(
        session,
        actor,
        case,
        "attachment.remove",
        AuditCategory.ALTERATION,
        "Attachment removed",
        object_type="attachment",
        object_id=attachment.id,
    )


def sweep_orphan_files(session: Session, store: LocalFileStore, actor: Actor, *, remove: bool) -> list[str]:
    """Files in the local store that no attachment row refers to: left by a crash between writing a file
    and committing its row (a rolled-back upload removes its own file). Removal is audited."""
    referenced = set(session.scalars(select(Attachment.storage_key)))
    orphans = store.orphans(referenced)
    if remove and orphans:
        for key in orphans:
            store.delete(key)
        audit.record(
            session,
            actor=actor,
            action="attachments.orphans_removed",
            category=AuditCategory.ERASURE,
            object_type="stored_file",
            justification=f"{len(orphans)} attachment file(s) with no record removed from the local store",
            details={"keys": orphans},
        )
    return orphans
