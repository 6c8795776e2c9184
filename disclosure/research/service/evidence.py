"""Evidence items: each fact or opinion found, with its provenance (source and reference, date of the
information, who recorded it and when, the 3x5x2 grading) and whether, to whom and with whose consent it
may be disclosed; and the files that support it [DOMAIN.md "What DVDS may disclose"][issue 4]."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure import audit, chronology
from disclosure.audit import Actor, AuditCategory
from disclosure.auth import Principal
from disclosure.clocks import uk_date
from disclosure.db import check_version, utcnow
from disclosure.errors import FormInvalid, NotFound
from disclosure.forms import (
    LONG,
    SHORT,
    choice,
    identifier,
    in_page_order,
    optional_text,
    parse_date,
    raise_if,
    required_text,
    text,
    yes_no,
)
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.vocabulary import PartyRole, Scheme
from disclosure.research.models import Attachment, Check, EvidenceItem, PartnerRequest
from disclosure.research.service.common import (
    begin_change,
    case_to_change,
    open_case,
    record,
)
from disclosure.research.vocabulary import (
    DiscloseTo,
    HandlingCode,
    InformationGrade,
    Nature,
    OnwardConsent,
    OwnerConsent,
    SourceGrade,
)
from disclosure.storage import AttachmentStore, LocalFileStore, stored_file_keys
from disclosure.uploads import CheckedUpload, UploadRefused, check_upload

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


# The evidence form's fields, top to bottom: the error summary lists its messages in this order.
EVIDENCE_FIELDS = (
    "person_id",
    "summary",
    "nature",
    "check_id",
    "source",
    "source_reference",
    "information_date",
    "source_grade",
    "information_grade",
    "handling_code",
    "disclosable",
    "disclose_to",
    "owner_consent",
    "file",
)

# What a check's onward-disclosure answer means for an item found in it: the owner consented, refused, or
# (police information) no consent is needed.
CONSENT_FROM_CHECK = {
    OnwardConsent.CONSENTS: OwnerConsent.GIVEN,
    OnwardConsent.DOES_NOT_CONSENT: OwnerConsent.REFUSED,
    OnwardConsent.NOT_APPLICABLE: OwnerConsent.NOT_NEEDED,
}


def _parse(
    session: Session,
    case: DisclosureRequest,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    kept_check: uuid.UUID | None = None,
) -> dict[str, Any]:
    """The item's columns from the form; each problem goes into `errors` (the caller raises them all at
    once with any problem with the file). `kept_check` is the check an item already cites: it stays
    acceptable even if that check has since been struck out."""
    people = {p.person_id for p in case.parties}
    person_id = identifier(values, "person_id", "Select who the item is about", errors)
    if person_id is not None and person_id not in people:
        errors["person_id"] = "Select a person on this case"
    check_id = None
    if values.get("check_id"):
        check_id = identifier(values, "check_id", "Select the check it was found in", errors)
        check = session.get(Check, check_id) if check_id else None
        live = check is not None and check.request_id == case.id and check.removed_at is None
        if check_id and not live and not (check is not None and check.id == kept_check):
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
    return {
        "person_id": person_id,
        "check_id": check_id,
        "source": source,
        "source_reference": source_reference,
        "information_date": information_date,
        "summary": summary,
        "source_grade": source_grade.value if source_grade else None,
        "information_grade": information_grade.value if information_grade else None,
        "handling_code": handling.value if handling else None,
        "nature": nature.value if nature else None,
        "disclosable": bool(disclosable),
        "disclose_to": disclose_to.value if disclose_to else None,
        "owner_consent": consent.value if consent else None,
    }


def answers_from_check(
    session: Session, actor: Principal, request_id: uuid.UUID, check_id: uuid.UUID
) -> dict[str, str]:
    """The evidence form's first answers for an item found in a check, so nothing is typed twice: the
    check as its provenance, its system or agency as the source, its reference, the day it was done (for
    a partner's answer: the day it was received) as the date of the information, and the owner's consent
    from the check's onward-disclosure answer. Who it is about is filled in when the check was a partner's
    answer about one person, or when the case has one subject [DOMAIN.md "Checks"][WMP]."""
    case = open_case(session, actor, request_id)
    check = session.get(Check, check_id)
    if check is None or check.request_id != case.id or check.removed_at is not None:
        raise NotFound("There is no such check on this case")
    day = uk_date(check.performed_at)
    answers = {
        "check_id": str(check.id),
        "source": check.name,
        "source_reference": check.reference,
        "information_date-day": str(day.day),
        "information_date-month": str(day.month),
        "information_date-year": str(day.year),
        "owner_consent": CONSENT_FROM_CHECK[OnwardConsent(check.onward_consent)].value,
    }
    asked_about: list[uuid.UUID] = []
    if check.partner_request_id is not None:
        sent = session.get(PartnerRequest, check.partner_request_id)
        asked_about = [p.person_id for p in sent.people] if sent else []
    subjects = {p.person_id for p in case.parties if p.role == PartyRole.SUBJECT.value}
    if len(set(asked_about)) == 1:
        answers["person_id"] = str(asked_about[0])
    elif not asked_about and len(subjects) == 1:
        answers["person_id"] = str(next(iter(subjects)))
    return answers


# ---------------------------------------------------------------- a file given with the item


@dataclass(frozen=True)
class Upload:
    """A file chosen on a form: the name it was sent with and its bytes."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class Uploads:
    """Where files given with an item are kept, how large they may be, and the key that signs a file held
    for a form shown again (so a held file is only ever attached by the user who chose it)."""

    store: AttachmentStore
    max_bytes: int
    secret: str


HELD_FIELDS = ("held_file", "held_name", "held_size", "held_signature")
"""The hidden answers that carry a held file from a form shown again to the next submission."""


def _signature(uploads: Uploads, actor: Principal, key: str, filename: str) -> str:
    message = f"held-upload\n{actor.user_id}\n{key}\n{filename}".encode()
    return hmac.new(uploads.secret.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class _Pending:
    checked: CheckedUpload
    data: bytes
    key: str | None  # already in the store: a file held when the form was shown again


def _file_given(
    session: Session,
    actor: Principal,
    values: dict[str, Any],
    upload: Upload | None,
    uploads: Uploads | None,
    errors: dict[str, str],
) -> _Pending | None:
    """The file to attach with the item: one chosen now, else one held from the form shown again; its
    problem, if any, goes into `errors` at the file field, beside the item's own problems."""
    if upload is not None and upload.filename:
        if uploads is None:
            raise ValueError("a file was given without the attachment store")
        try:
            checked = check_upload(upload.filename, upload.data, max_bytes=uploads.max_bytes)
        except UploadRefused as exc:
            errors["file"] = exc.message
            return None
        return _Pending(checked, upload.data, None)
    if uploads is None or not text(values, "held_file"):
        return None
    try:
        return _file_held(session, actor, values, uploads)
    except UploadRefused as exc:
        errors["file"] = exc.message
        return None


def _file_held(session: Session, actor: Principal, values: dict[str, Any], uploads: Uploads) -> _Pending:
    """A file held for this user when the form was shown again, checked again as it is attached."""
    key, name = text(values, "held_file", limit=64), text(values, "held_name", limit=SHORT)
    again = f"Choose {name or 'the file'} again"
    expected = _signature(uploads, actor, key, name)
    if not hmac.compare_digest(expected, text(values, "held_signature", limit=64)):
        raise UploadRefused(f"{again}: the file kept for this form could not be found")
    if session.scalar(select(Attachment.id).where(Attachment.storage_key == key)) is not None:
        raise UploadRefused(f"{again}: the file kept for this form is already attached to an evidence item")
    try:
        data = uploads.store.read(session, key)
    except NotFound:
        raise UploadRefused(f"{again}: the file kept for this form is no longer held") from None
    return _Pending(check_upload(name, data, max_bytes=uploads.max_bytes), data, key)


def hold_upload(
    session: Session, actor: Principal, request_id: uuid.UUID, upload: Upload, uploads: Uploads
) -> dict[str, str]:
    """Keep a good file chosen on an evidence form that came back with problems elsewhere, so it need not
    be chosen again: it goes into the attachment store now, and the form carries its key, name and a
    signature binding them to this user. The caller keeps this write although the form was refused; a
    file held but never attached has no record pointing at it and is swept as an orphan. Holding is
    audited as a collection of data [DPA-62]. A file with problems of its own is not held (no answers)."""
    case = open_case(session, actor, request_id)
    try:
        checked = check_upload(upload.filename, upload.data, max_bytes=uploads.max_bytes)
    except UploadRefused:
        return {}
    key = uploads.store.put(session, upload.data)
    record(
        session,
        actor,
        case,
        "attachment.hold",
        AuditCategory.COLLECTION,
        "File kept for an evidence item being recorded",
        sha256=checked.sha256,
        size=checked.size,
    )
    return {
        "held_file": key,
        "held_name": checked.filename,
        "held_size": str(checked.size),
        "held_signature": _signature(uploads, actor, key, checked.filename),
    }


def _attach(
    session: Session,
    actor: Principal,
    case: DisclosureRequest,
    item: EvidenceItem,
    pending: _Pending,
    store: AttachmentStore,
) -> Attachment:
    """The file's row, written with the file: if the transaction fails the file is removed (QUALITY.md
    22); a held file is already in the store and keeps its key."""
    checked = pending.checked
    attachment = Attachment(
        evidence_item_id=item.id,
        filename=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        storage_key=pending.key or store.put(session, pending.data),
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


def record_evidence(
    session: Session,
    actor: Principal,
    request_id: uuid.UUID,
    values: dict[str, Any],
    *,
    upload: Upload | None = None,
    uploads: Uploads | None = None,
) -> EvidenceItem:
    """Record a fact or opinion with its provenance, numbered E1, E2... within the case, and with it, in
    the same step, the file that supports it (`upload`, or a file held from the form shown again): the
    file is checked as any attachment is, and the item and the file are kept together or not at all.
    Every problem, the item's and the file's, is reported at once in the order of the form."""
    case = case_to_change(session, actor, request_id)
    begin_change(session, actor, case)
    errors: dict[str, str] = {}
    fields = _parse(session, case, values, errors)
    pending = _file_given(session, actor, values, upload, uploads, errors)
    raise_if(in_page_order(errors, EVIDENCE_FIELDS), values)
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
    if pending is not None and uploads is not None:
        _attach(session, actor, case, item, pending, uploads.store)
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
    errors: dict[str, str] = {}
    fields = _parse(session, case, values, errors, kept_check=item.check_id)
    raise_if(in_page_order(errors, EVIDENCE_FIELDS), values)
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
    return _attach(session, actor, case, item, _Pending(checked, data, None), store)


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
    """Files in the local store that no record refers to: left by a crash between writing a file and
    committing its row (a rolled-back upload removes its own file), or held for an evidence form that was
    never saved. Letters and protocol forms keep their files in the same store, so every store key counts
    (`stored_file_keys`). Removal is audited."""
    referenced = stored_file_keys(session)
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
