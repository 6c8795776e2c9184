"""Attendance per case on a panel's agenda: who is present, and who declared a conflict of interest (recorded
as not taking part) [issue 5]. The quorum is counted from it (`common.quorum`), so it is taken for every
case, even when a meeting hears several cases with the same people.

One answer covers the usual meeting: everyone is present, or the same members are present as for the case
before it on the agenda; otherwise each member is answered for. Presence is copied, never a conflict of
interest: a conflict is about one case, so it is declared (and described) case by case. Every error names
the member it is about."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.accounts.models import User
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.decisions.models import AgendaItem, Attendance, PanelMeeting, PanelMember
from disclosure.decisions.service.common import decision_for, load_item, record, require_convener
from disclosure.decisions.vocabulary import DecisionStatus
from disclosure.errors import InvalidTransition
from disclosure.forms import raise_if, text, yes_no
from disclosure.workflow import Labelled

NOTE_LIMIT = 2000


class Who(Labelled):
    """The first answer on the attendance form: who is present for this case."""

    EVERYONE = "everyone", "Everyone is present"
    PREVIOUS = "previous", "The same members as for the case before"
    EACH = "each", "Record each member"


@dataclass(frozen=True)
class Seat:
    """A member as the attendance form names them: "Pam Probation, Probation Service"."""

    member: PanelMember
    name: str

    @property
    def key(self) -> str:
        return str(self.member.id)

    @property
    def who(self) -> str:
        """As the form's headings name them: "Pam Probation, Probation Service"."""
        return f"{self.name}, {self.member.agency.name}" if self.name else self.member.agency.name

    @property
    def named(self) -> str:
        """As an error message names them: "Pam Probation (Probation Service)"."""
        agency = self.member.agency.name
        return f"{self.name} ({agency})" if self.name else f"the member for {agency}"


@dataclass(frozen=True)
class Previous:
    """The case before this one on the agenda whose attendance covers every member now seated."""

    item: AgendaItem
    number: int
    """Its place on the agenda as the meeting page numbers it (cases taken off are not counted)."""
    present: tuple[str, ...]
    absent: tuple[str, ...]

    @property
    def summary(self) -> str:
        parts = []
        if self.present:
            parts.append("Present: " + ", ".join(self.present) + ".")
        if self.absent:
            parts.append("Absent: " + ", ".join(self.absent) + ".")
        return " ".join(parts)


def seats(session: Session, meeting: PanelMeeting) -> list[Seat]:
    """Every member of the meeting with their name, whatever their account's state today."""
    ids = [m.user_id for m in meeting.members]
    names = {u.id: u.display_name for u in session.scalars(select(User).where(User.id.in_(ids)))}
    return [Seat(m, names.get(m.user_id, "")) for m in meeting.members]


def previous_attendance(session: Session, item: AgendaItem) -> Previous | None:
    """The nearest earlier case on the agenda with attendance recorded for every member now on the panel
    (a member added since has no answer there to copy), or None."""
    live = [i for i in item.meeting.items if i.removed_at is None]
    earlier = live[: live.index(item)] if item in live else []
    members = seats(session, item.meeting)
    for candidate in reversed(earlier):
        rows = {a.member_id: a for a in candidate.attendance}
        if not rows:
            continue
        if any(s.member.id not in rows for s in members):
            return None
        return Previous(
            item=candidate,
            number=live.index(candidate) + 1,
            present=tuple(s.name for s in members if rows[s.member.id].present),
            absent=tuple(s.name for s in members if not rows[s.member.id].present),
        )
    return None


def _presence(
    session: Session, item: AgendaItem, members: list[Seat], values: dict[str, Any], errors: dict[str, str]
) -> tuple[Who | None, dict[uuid.UUID, bool]]:
    """Who is present, by the first answer; only "record each member" reads the members' own answers."""
    raw = text(values, "attendance")
    previous = previous_attendance(session, item)
    try:
        who: Who | None = Who(raw)
    except ValueError:
        errors["attendance"] = "Select who is present for this case"
        return None, {}
    if who is Who.EVERYONE:
        return who, {s.member.id: True for s in members}
    if who is Who.PREVIOUS:
        if previous is None:
            errors["attendance"] = (
                "No earlier case on this agenda has attendance for every member: record each member"
            )
            return who, {}
        copied = {a.member_id: a.present for a in previous.item.attendance}
        return who, {s.member.id: copied[s.member.id] for s in members}
    present: dict[uuid.UUID, bool] = {}
    for seat in members:
        answer = yes_no(values, f"present-{seat.key}", "", {}, required=False)
        if answer is None:
            errors[f"present-{seat.key}"] = f"Select whether {seat.named} is present for this case"
        else:
            present[seat.member.id] = answer
    return who, present


def record_attendance(
    session: Session, actor: Principal, meeting_id: uuid.UUID, item_id: uuid.UUID, values: dict[str, Any]
) -> None:
    """Who is present for this case (`attendance`: everyone, previous, or each with `present-<member id>`
    yes or no), and who declared a conflict of interest (`conflict-<member id>` with its description in
    `conflict-note-<member id>`), recorded as not taking part. A signed decision's attendance is part of its
    record and does not change."""
    require_convener(actor)
    item = load_item(session, actor, meeting_id, item_id)
    decision = decision_for(session, item)
    if decision is not None and decision.status == DecisionStatus.SIGNED.value:
        raise InvalidTransition("The decision on this case is signed; its attendance is part of the record")
    members = seats(session, item.meeting)
    errors: dict[str, str] = {}
    who, present = _presence(session, item, members, values, errors)
    conflicts: dict[uuid.UUID, str] = {}
    for seat in members:
        if not yes_no(values, f"conflict-{seat.key}", "", {}, required=False):
            continue
        name = f"conflict-note-{seat.key}"
        note = text(values, name, limit=NOTE_LIMIT)
        if not note:
            errors[name] = f"Describe the conflict of interest {seat.named} declared"
        elif len(note) > NOTE_LIMIT:
            errors[name] = (
                f"The conflict of interest {seat.named} declared must be {NOTE_LIMIT:,} characters or fewer"
            )
        conflicts[seat.member.id] = note
    raise_if(errors, values)
    for seat in members:
        row = session.get(Attendance, (item.id, seat.member.id))
        if row is None:
            row = Attendance(agenda_item_id=item.id, member_id=seat.member.id, present=False)
            session.add(row)
        row.present = present[seat.member.id]
        row.conflict = seat.member.id in conflicts
        row.conflict_note = conflicts.get(seat.member.id, "")
    session.flush()
    session.expire(item, ["attendance"])
    record(
        session,
        actor,
        "agenda.attendance",
        AuditCategory.ALTERATION,
        "Attendance recorded for a case",
        object_type="agenda_item",
        object_id=item.id,
        answered=who.value if who else "",
        present=sum(1 for here in present.values() if here),
        conflicts=len(conflicts),
    )
