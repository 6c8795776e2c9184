"""Minutes of a panel meeting as a PDF: who sat for which agency, and for each case whose papers the reader
may read (`papers_basis`): attendance, the decision with its legal tests, each agency's view and any dissent,
the chair's rationale, the sign-off and any addenda [issue 5]. Marked OFFICIAL-SENSITIVE on every page
(documents pipeline)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.accounts.models import User
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.decisions.service import agenda, decision_for, describe, load_meeting
from disclosure.decisions.service.common import record
from disclosure.decisions.vocabulary import Forum
from disclosure.documents import render_html, render_pdf
from disclosure.force.service import force_name


def minutes_context(session: Session, actor: Principal, meeting_id: Any) -> dict[str, Any]:
    meeting = load_meeting(session, actor, meeting_id)
    ids = [m.user_id for m in meeting.members]
    people = {u.id: u.display_name for u in session.scalars(select(User).where(User.id.in_(ids)))}
    items = []
    for line in agenda(session, actor, meeting):
        if not line.readable:
            continue
        decision = decision_for(session, line.item)
        attendance = {a.member_id: a for a in line.item.attendance}

        def seat(member: Any, attendance: dict[Any, Any] = attendance) -> dict[str, Any]:
            row = attendance.get(member.id)
            return {
                "name": people.get(member.user_id, ""),
                "agency": member.agency.name,
                "present": row.present if row else None,
                "conflict": row.conflict_note if row and row.conflict else "",
            }

        items.append(
            {
                "reference": line.reference,
                "version": line.version,
                "attendance": [seat(m) for m in meeting.members],
                "decision": describe(session, decision) if decision else None,
            }
        )
    return {
        "meeting": {
            "forum": Forum(meeting.forum).label,
            "meets_at": meeting.meets_at.isoformat(),
            "location": meeting.location,
            "chair": people.get(meeting.chair_id, ""),
            "members": [
                {"name": people.get(m.user_id, ""), "agency": m.agency.name} for m in meeting.members
            ],
        },
        "items": items,
    }


def render_minutes(session: Session, actor: Principal, meeting_id: Any) -> tuple[str, bytes]:
    """The minutes as this reader may see them (cases they did not take part in are left out); audited."""
    context = minutes_context(session, actor, meeting_id)
    html = render_html("decisions/minutes.html", force_name=force_name(session), **context)
    record(
        session,
        actor,
        "minutes.download",
        AuditCategory.CONSULTATION,
        "Panel minutes downloaded",
        object_type="panel_meeting",
        object_id=meeting_id,
        cases=len(context["items"]),
    )
    day = context["meeting"]["meets_at"][:10]
    return f"panel-minutes-{day}.pdf", render_pdf(html)
