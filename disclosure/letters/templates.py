"""Administrators change the wording of each letter: preview against the synthetic sample data, then
publish. A version with a template error or an unknown field is refused with the reason; every published
version is kept and audited, and generated letters record which version they used [issue 6]."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from disclosure import audit
from disclosure.accounts.roles import Role
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.documents import Block, Letterhead
from disclosure.errors import FormInvalid, NotFound, PermissionDenied
from disclosure.forms import optional_text, required_text
from disclosure.letters.models import LetterTemplate
from disclosure.letters.render import compose, field_names, problems, wording
from disclosure.letters.samples import sample_draft
from disclosure.letters.vocabulary import LetterKind

MAX_WORDING = 50_000


def _kind(actor: Principal, kind: str) -> LetterKind:
    if Role.ADMINISTRATOR.value not in actor.roles:
        raise PermissionDenied()
    try:
        return LetterKind(kind)
    except ValueError:
        raise NotFound("There is no such letter") from None


@dataclass(frozen=True)
class TemplateSummary:
    kind: LetterKind
    version: int


def summaries(session: Session, actor: Principal) -> list[TemplateSummary]:
    if Role.ADMINISTRATOR.value not in actor.roles:
        raise PermissionDenied()
    return [TemplateSummary(kind, wording(session, kind).version) for kind in LetterKind]


def editor(
    session: Session, actor: Principal, kind: str
) -> tuple[LetterKind, str, list[LetterTemplate], list[str]]:
    """The kind, its current wording, its published versions (newest first) and the fields it may use."""
    letter = _kind(actor, kind)
    versions = list(
        session.scalars(
            select(LetterTemplate)
            .where(LetterTemplate.kind == letter.value)
            .order_by(LetterTemplate.version.desc())
        )
    )
    return letter, wording(session, letter).body, versions, field_names(sample_draft(letter).context)


def _checked(letter: LetterKind, values: dict[str, Any]) -> str:
    errors: dict[str, str] = {}
    body = required_text(values, "body", "Enter the wording of the letter", errors, limit=MAX_WORDING)
    if body and not errors:
        found = problems(body, sample_draft(letter))
        if found:
            errors["body"] = "; ".join(found)
    if errors:
        raise FormInvalid(errors, values)
    return body


def preview(actor: Principal, kind: str, values: dict[str, Any]) -> tuple[Letterhead, list[Block]]:
    """The wording as typed, rendered with the sample data (or the reasons it cannot be)."""
    letter = _kind(actor, kind)
    body = _checked(letter, values)
    return compose(sample_draft(letter), body)


def publish(session: Session, actor: Principal, kind: str, values: dict[str, Any]) -> LetterTemplate:
    letter = _kind(actor, kind)
    body = _checked(letter, values)
    errors: dict[str, str] = {}
    note = optional_text(values, "note", "What changed", errors, limit=2000)
    if not note:
        errors["note"] = "Say what changed and why"
    if errors:
        raise FormInvalid(errors, values)
    latest = session.scalar(
        select(func.max(LetterTemplate.version)).where(LetterTemplate.kind == letter.value)
    )
    template = LetterTemplate(
        kind=letter.value, version=(latest or 0) + 1, body=body, note=note, published_by_id=actor.user_id
    )
    session.add(template)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="letters.template.publish",
        category=AuditCategory.ADMINISTRATION,
        object_type="letter_template",
        object_id=template.id,
        justification=note,
        details={"kind": letter.value, "version": template.version},
    )
    return template
