"""Everything the service holds about a person, as items for a subject access request [issue 19]: their own
details, each case they are on (in any role), the research findings and files about them, the letters on
their cases, their missing episodes, and who has seen those records (the audit trail, by role, never by
the colleague's name).

Each item carries the text the subject would receive and, where a restriction of DPA 2018 s.45(4) may apply,
the one to consider and why: a case about the person made by or for someone else may reveal that person
(s.45(4)(e)); police and partner findings and files may prejudice policing or a partner's information
(s.45(4)(b)). The officer decides every item; a suggestion decides nothing."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from disclosure.audit import AuditEvent
from disclosure.auditing import records, words
from disclosure.auditing.schemas import EventFilter
from disclosure.letters.models import GeneratedLetter
from disclosure.letters.vocabulary import LetterKind
from disclosure.missing.models import Episode
from disclosure.people.models import Person
from disclosure.requests.models import CaseParty, DisclosureRequest
from disclosure.requests.vocabulary import PartyRole, Route
from disclosure.requests.workflow import RequestStatus
from disclosure.research.models import Attachment, EvidenceItem
from disclosure.subject_access.vocabulary import Exemption, ItemKind
from disclosure.text import format_date, format_datetime

OTHERS_ON_THE_CASE = (
    "The case was made by or for someone else: disclosing it, or parts of it, may reveal who they are"
)
POLICE_INFORMATION = (
    "Police or partner information found in research: check it would not prejudice an investigation or a "
    "partner's information, and that the owning agency agrees"
)
ROLES_SEEN = 2000
"""The most audit events listed in "Who has seen the records" (the latest); the count says if there were
more."""


@dataclass(frozen=True)
class Found:
    kind: ItemKind
    object_id: str
    label: str
    content: str
    suggested: Exemption | None = None
    suggestion: str = ""


def _label(kind: type[PartyRole] | type[Route] | type[RequestStatus], value: str) -> str:
    try:
        return kind(value).label
    except ValueError:
        return value


def _person(person: Person) -> Found:
    lines = [f"Name: {person.display_name}"]
    lines += [f"Also known as: {n.full_name}" for n in person.other_names]
    if person.date_of_birth:
        lines.append(f"Date of birth: {format_date(person.date_of_birth)}")
    lines += [f"Address: {a.one_line}" for a in person.addresses]
    return Found(ItemKind.PERSON, str(person.id), "Your details as held", "\n".join(lines))


def gather(session: Session, person: Person) -> list[Found]:
    """The items about `person`, in the bundle's order."""
    found = [_person(person)]
    parties = list(
        session.execute(select(CaseParty.request_id, CaseParty.role).where(CaseParty.person_id == person.id))
    )
    roles: dict[uuid.UUID, list[str]] = {}
    for request_id, role in parties:
        roles.setdefault(request_id, []).append(role)
    cases = list(
        session.scalars(
            select(DisclosureRequest)
            .where(DisclosureRequest.id.in_(roles))
            .order_by(DisclosureRequest.first_contact_at, DisclosureRequest.id)
        )
    )
    for case in cases:
        theirs = roles[case.id]
        about_them = PartyRole.SUBJECT.value in theirs
        found.append(
            Found(
                ItemKind.CASE,
                str(case.id),
                f"Case {case.reference}",
                "\n".join(
                    [
                        f"Reference: {case.reference}",
                        f"Scheme and route: {_label(Route, case.route)}",
                        f"First contact: {format_datetime(case.first_contact_at)}",
                        f"Stage: {_label(RequestStatus, case.status)}",
                        "Your part in it: " + ", ".join(_label(PartyRole, r).lower() for r in theirs),
                    ]
                ),
                Exemption.OTHERS if about_them else None,
                OTHERS_ON_THE_CASE if about_them else "",
            )
        )
    found += _evidence(session, person.id)
    found += _letters(session, cases, roles)
    found += _episodes(session, person.id)
    found.append(_access(session, person.id, cases))
    return found


def _evidence(session: Session, person_id: uuid.UUID) -> list[Found]:
    items = list(
        session.scalars(
            select(EvidenceItem)
            .where(EvidenceItem.person_id == person_id, EvidenceItem.removed_at.is_(None))
            .order_by(EvidenceItem.recorded_at, EvidenceItem.id)
        )
    )
    found: list[Found] = []
    for item in items:
        dated = f" ({format_date(item.information_date)})" if item.information_date else ""
        found.append(
            Found(
                ItemKind.EVIDENCE,
                str(item.id),
                f"Research finding E{item.number} from {item.source}"[:200],
                f"{item.summary}\nSource: {item.source}{dated}",
                Exemption.CRIME,
                POLICE_INFORMATION,
            )
        )
        found.extend(_attachment(f, item.number) for f in item.attachments if f.removed_at is None)
    return found


def _attachment(file: Attachment, number: int) -> Found:
    return Found(
        ItemKind.ATTACHMENT,
        str(file.id),
        f"File {file.filename} (research finding E{number})"[:200],
        f"{file.filename}, {file.size:,} bytes, attached {format_date(file.uploaded_at)}",
        Exemption.CRIME,
        POLICE_INFORMATION,
    )


def _letters(
    session: Session, cases: Iterable[DisclosureRequest], roles: dict[uuid.UUID, list[str]]
) -> list[Found]:
    references = {case.id: case.reference for case in cases}
    letters = session.scalars(
        select(GeneratedLetter)
        .where(GeneratedLetter.request_id.in_(references))
        .order_by(GeneratedLetter.generated_at, GeneratedLetter.id)
    )
    found: list[Found] = []
    for letter in letters:
        about_them = PartyRole.SUBJECT.value in roles[letter.request_id]
        kind = _letter_kind(letter.kind)
        found.append(
            Found(
                ItemKind.LETTER,
                str(letter.id),
                f"{kind} (version {letter.number}), case {references[letter.request_id]}"[:200],
                f"{letter.title}, to {letter.addressee or 'the recipient'}, "
                f"{format_date(letter.generated_at)}",
                Exemption.OTHERS if about_them else None,
                OTHERS_ON_THE_CASE if about_them else "",
            )
        )
    return found


def _letter_kind(value: str) -> str:
    try:
        return LetterKind(value).label
    except ValueError:
        return "Letter"


def _episodes(session: Session, person_id: uuid.UUID) -> list[Found]:
    episodes = session.scalars(
        select(Episode).where(Episode.person_id == person_id).order_by(Episode.reported_at, Episode.id)
    )
    found: list[Found] = []
    for episode in episodes:
        lines = [f"Reported missing: {format_datetime(episode.reported_at)}"]
        if episode.police_reference:
            lines.append(f"Police reference: {episode.police_reference}")
        if episode.last_seen_place:
            lines.append(f"Last seen: {episode.last_seen_place}")
        if episode.returned_at:
            lines.append(f"Found or returned: {format_datetime(episode.returned_at)}")
        if episode.return_place:
            lines.append(f"Where found: {episode.return_place}")
        found.append(
            Found(
                ItemKind.EPISODE,
                str(episode.id),
                f"Missing episode reported {format_date(episode.reported_at)}",
                "\n".join(lines),
            )
        )
    return found


def _access(session: Session, person_id: uuid.UUID, cases: Iterable[DisclosureRequest]) -> Found:
    """Who has seen or changed the records: each event's time, the role of whoever acted and what they did,
    newest first (the audit trail's own matching of a person and of a case)."""
    filters = [EventFilter(person=str(person_id))] + [EventFilter(reference=c.reference) for c in cases]
    where = or_(*(condition for f in filters for condition in records.conditions(session, f)))
    events = list(
        session.scalars(select(AuditEvent).where(where).order_by(AuditEvent.seq.desc()).limit(ROLES_SEEN + 1))
    )
    lines = [
        f"{format_datetime(e.occurred_at)}: {words.role_words(e.actor_roles) or 'The service'}: "
        f"{words.action_words(e.action)}"
        for e in events[:ROLES_SEEN]
    ]
    if len(events) > ROLES_SEEN:
        lines.append(f"(the latest {ROLES_SEEN:,} events are listed)")
    return Found(
        ItemKind.ACCESS,
        str(person_id),
        f"Who has seen the records ({min(len(events), ROLES_SEEN):,} events)",
        "\n".join(lines) or "No one has viewed or changed these records.",
    )
