"""Letter and delivery verbs [issue 6]. Need to know is the case team's (the requests feature decides); the
disclosing officer named in a signed decision joins the team when it is signed. No letter is generated or
printed until an administrator has set the force's name (`context.unnamed_force`)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.documents import Block, Letterhead, letter_html, render_docx, render_pdf
from disclosure.errors import InvalidTransition, NotFound
from disclosure.letters.context import Draft, draft_for, drafts, unnamed_force
from disclosure.letters.models import GeneratedLetter
from disclosure.letters.render import compose, wording
from disclosure.letters.vocabulary import LetterKind
from disclosure.requests import service as requests_service
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.workflow import finished_reason, require_open
from disclosure.storage import AttachmentStore

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def record(
    session: Session,
    actor: Principal,
    case: DisclosureRequest,
    action: str,
    category: AuditCategory,
    justification: str,
    *,
    object_id: uuid.UUID | None = None,
    recipients: str | None = None,
    **details: Any,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"letters.{action}",
        category=category,
        object_type="letter" if object_id else "request",
        object_id=object_id or case.id,
        justification=justification,
        recipients=recipients,
        details={"reference": case.reference, **details},
    )


def _draft(session: Session, case: DisclosureRequest, kind: str, target_id: str, author: str = "") -> Draft:
    """The letter to preview, generate or print: none for a withdrawn or closed case (its state is named)."""
    require_open(case)
    try:
        letter_kind = LetterKind(kind)
    except ValueError:
        raise NotFound("There is no such letter") from None
    draft = draft_for(session, case, letter_kind, target_id, author)
    if draft is None:
        raise NotFound("This letter is not available for this case now")
    return draft


def available(
    session: Session, actor: Principal, request_id: uuid.UUID
) -> tuple[DisclosureRequest, list[Draft]]:
    case = requests_service.load(session, actor, request_id)
    return case, [] if finished_reason(case) else drafts(session, case, actor.display_name)


def cannot_make(session: Session) -> str:
    """Why no letter can be generated now, for the letter pages ("" when letters can be made)."""
    return unnamed_force(session)


def _require_named_force(session: Session) -> None:
    if reason := unnamed_force(session):
        raise InvalidTransition(reason)


def decision_letters(drafts_now: list[Draft]) -> list[Draft]:
    """The letters the signed decision calls for: all but the partner-agency requests, which follow
    research, not the decision."""
    return [d for d in drafts_now if d.kind is not LetterKind.PARTNER_REQUEST]


def generated(session: Session, case: DisclosureRequest) -> list[GeneratedLetter]:
    return list(
        session.scalars(
            select(GeneratedLetter)
            .where(GeneratedLetter.request_id == case.id)
            .order_by(GeneratedLetter.kind, GeneratedLetter.target_id, GeneratedLetter.number.desc())
        )
    )


def preview(
    session: Session, actor: Principal, request_id: uuid.UUID, kind: str, target_id: str = ""
) -> tuple[DisclosureRequest, Draft, Letterhead, list[Block]]:
    """The letter's parts, for the HTML preview (the same parts print as the PDF and Word files); reading
    it is audited."""
    case = requests_service.load(session, actor, request_id)
    draft = _draft(session, case, kind, target_id, actor.display_name)
    head, blocks = compose(draft, wording(session, draft.kind).body)
    record(session, actor, case, "preview", AuditCategory.CONSULTATION, f"{draft.kind.label} previewed")
    return case, draft, head, blocks


def generate(
    session: Session,
    actor: Principal,
    store: AttachmentStore,
    request_id: uuid.UUID,
    kind: str,
    target_id: str = "",
) -> GeneratedLetter:
    """Render the letter to PDF and Word and keep both as the next version (earlier versions stay). A letter
    whose addressee's safe contact does not allow post is refused with the reason (`Draft.blocked`), and so
    is every letter while the force has no name."""
    case = requests_service.load(session, actor, request_id)
    draft = _draft(session, case, kind, target_id, actor.display_name)
    _require_named_force(session)
    if draft.blocked:
        raise InvalidTransition(draft.blocked)
    return _keep(session, actor, store, case, draft)


@dataclass(frozen=True)
class Generation:
    """What one "generate every letter" made, and the letters it could not make with the reason."""

    made: list[GeneratedLetter]
    refused: list[tuple[Draft, str]]


def generate_all(
    session: Session, actor: Principal, store: AttachmentStore, request_id: uuid.UUID
) -> Generation:
    """Every letter the signed decision calls for, in one step: each is rendered, kept as its next version
    and audited exactly as when it is generated alone. A letter that cannot be sent (the addressee's safe
    contact does not allow post) is left out and named with the reason; with no letter to make, nothing is
    made and the reason is given."""
    case = requests_service.load(session, actor, request_id)
    require_open(case)
    _require_named_force(session)
    wanted = decision_letters(drafts(session, case, actor.display_name))
    if not wanted:
        raise InvalidTransition("The panel's signed decision calls for no letters on this case yet")
    makeable = [d for d in wanted if not d.blocked]
    if not makeable:
        raise InvalidTransition(
            "None of the letters can be sent: " + "; ".join(f"{d.name}: {d.blocked}" for d in wanted)
        )
    return Generation(
        made=[_keep(session, actor, store, case, draft) for draft in makeable],
        refused=[(d, d.blocked) for d in wanted if d.blocked],
    )


def _keep(
    session: Session, actor: Principal, store: AttachmentStore, case: DisclosureRequest, draft: Draft
) -> GeneratedLetter:
    """Render a draft and keep it as its next version, audited as a disclosure with both files' hashes."""
    used = wording(session, draft.kind)
    pdf, docx = render_files(draft, used.body)
    latest = session.scalar(
        select(func.max(GeneratedLetter.number)).where(
            GeneratedLetter.request_id == case.id,
            GeneratedLetter.kind == draft.kind.value,
            GeneratedLetter.target_id == draft.target_id,
        )
    )
    letter = GeneratedLetter(
        request_id=case.id,
        kind=draft.kind.value,
        target_id=draft.target_id,
        number=(latest or 0) + 1,
        title=draft.title,
        template_version=used.version,
        addressee="\n".join(draft.addressee),
        pdf_key=store.put(session, pdf),
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        docx_key=store.put(session, docx),
        docx_sha256=hashlib.sha256(docx).hexdigest(),
        generated_by_id=actor.user_id,
    )
    session.add(letter)
    session.flush()
    record(
        session,
        actor,
        case,
        "generate",
        AuditCategory.DISCLOSURE,
        f"{draft.kind.label} generated (version {letter.number})",
        object_id=letter.id,
        recipients=letter.addressee.splitlines()[0] if letter.addressee else None,
        kind=letter.kind,
        version=letter.number,
        pdf_sha256=letter.pdf_sha256,
        docx_sha256=letter.docx_sha256,
    )
    return letter


def render_files(draft: Draft, body: str | None = None) -> tuple[bytes, bytes]:
    """The letter as PDF and Word, from one composition."""
    head, blocks = compose(draft, body)
    return render_pdf(letter_html(head, blocks)), render_docx(head, blocks)


def render_for_print(
    session: Session, actor: audit.Actor, reference: str, kind: str, target_id: str = ""
) -> tuple[str, bytes, bytes]:
    """For batch printing from the command line (an operator, not a case worker): the letter's file name
    stem and its PDF and Word bytes, without storing a version; audited as a disclosure."""
    case = session.scalar(select(DisclosureRequest).where(DisclosureRequest.reference == reference))
    if case is None:
        raise NotFound(f"There is no request {reference}")
    draft = _draft(session, case, kind, target_id)
    _require_named_force(session)
    pdf, docx = render_files(draft, wording(session, draft.kind).body)
    audit.record(
        session,
        actor=actor,
        action="letters.print",
        category=AuditCategory.DISCLOSURE,
        object_type="request",
        object_id=case.id,
        justification=f"{draft.kind.label} rendered for printing",
        recipients=draft.addressee[0] if draft.addressee else None,
        details={"reference": case.reference, "kind": draft.kind.value},
    )
    return f"{case.reference}-{draft.kind.value.replace('_', '-')}", pdf, docx


def download(
    session: Session,
    actor: Principal,
    store: AttachmentStore,
    request_id: uuid.UUID,
    letter_id: uuid.UUID,
    form: str,
) -> tuple[str, bytes, str]:
    """One generated file (checked against its SHA-256); every download is audited."""
    case = requests_service.load(session, actor, request_id)
    letter = session.get(GeneratedLetter, letter_id)
    if letter is None or letter.request_id != case.id or form not in ("pdf", "docx"):
        raise NotFound("There is no such letter on this case")
    if form == "pdf":
        data, content_type = store.read(session, letter.pdf_key, sha256=letter.pdf_sha256), "application/pdf"
    else:
        data, content_type = store.read(session, letter.docx_key, sha256=letter.docx_sha256), DOCX
    record(
        session,
        actor,
        case,
        "download",
        AuditCategory.CONSULTATION,
        f"{LetterKind(letter.kind).label} version {letter.number} downloaded ({form})",
        object_id=letter.id,
    )
    filename = f"{case.reference}-{letter.kind.replace('_', '-')}-v{letter.number}.{form}"
    return filename, data, content_type
