"""Panel pages: the meetings list, convening, a meeting with its members and agenda, attendance per case,
and the package version members read [issue 5]."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from disclosure.auth import require_principal
from disclosure.decisions import service
from disclosure.decisions.controllers.common import item_url, meeting_url
from disclosure.decisions.service.attendance import Who
from disclosure.decisions.service.common import is_convener
from disclosure.decisions.vocabulary import Forum, Outcome
from disclosure.research.pack import render_panel_pack
from disclosure.web import Db, Form, FormState, Id, attachment_response, page, redirect, round_trip
from disclosure.workflow import options

UK = ZoneInfo("Europe/London")

MEETING = "/panels/{meeting_id:uuid}"
ITEM = MEETING + "/items/{item_id:uuid}"


@get("/panels", name="decisions.meetings", sync_to_thread=True)
def meetings(request: Request[Any, Any, Any], db: Db) -> Template:
    principal = require_principal(request)
    params = request.query_params
    # Each list pages on its own: `list` names the one the cursor belongs to; the other shows its first page.
    paged = params.get("list", "past")
    after, before = params.get("after"), params.get("before")
    return page(
        request,
        "decisions/meetings.html",
        heading="Decision panels",
        meetings=service.scheduled_meetings(
            db,
            principal,
            after=_mine(paged == "scheduled", after),
            before=_mine(paged == "scheduled", before),
        ),
        past=service.past_meetings(
            db, principal, after=_mine(paged == "past", after), before=_mine(paged == "past", before)
        ),
        convener=is_convener(principal),
        chairs={u.id: u.display_name for u in service.chairs(db)},
        forums=dict(options(Forum)),
    )


def _mine(mine: bool, cursor: str | None) -> str | None:
    return cursor if mine else None


def _convene_page(
    request: Request[Any, Any, Any], db: Db, form: FormState, status: int = 200, meeting: Any = None
) -> Template:
    return page(
        request,
        "decisions/convene.html",
        heading="Change the meeting" if meeting else "Convene a panel",
        form=form,
        status_code=status,
        forums=options(Forum),
        chairs=[(str(u.id), u.display_name) for u in service.chairs(db)],
        meeting=meeting,
    )


@get("/panels/new", name="decisions.convene_form", sync_to_thread=True)
def convene_form(request: Request[Any, Any, Any], db: Db) -> Template:
    return _convene_page(request, db, FormState.empty(forum="disclosure_panel"))


@post("/panels", name="decisions.convene", sync_to_thread=True)
def convene(request: Request[Any, Any, Any], db: Db, data: Form) -> Template | Redirect:
    principal = require_principal(request)
    return round_trip(
        request,
        db,
        data,
        lambda values: service.convene(db, principal, values),
        lambda form, status: _convene_page(request, db, form, status),
        success=lambda meeting: meeting_url(meeting.id),
        flash="Panel convened",
    )


def _meeting_page(
    request: Request[Any, Any, Any], db: Db, meeting_id: Any, form: FormState | None = None, status: int = 200
) -> Template:
    principal = require_principal(request)
    meeting = service.load_meeting(db, principal, meeting_id)
    convener = is_convener(principal)
    names = {u.id: u.display_name for u in service.panel_users(db)}
    seated = {m.user_id for m in meeting.members}
    return page(
        request,
        "decisions/meeting.html",
        heading=f"{Forum(meeting.forum).label}",
        meeting=meeting,
        forum=Forum(meeting.forum).label,
        names=names,
        outcome_labels=dict(options(Outcome)),
        convener=convener and meeting.status == "scheduled",
        lines=service.agenda(db, principal, meeting),
        candidates=_candidates(db, principal) if convener else [],
        people=[(str(u.id), u.display_name) for u in service.panel_users(db) if u.id not in seated],
        agencies=[(str(a.id), a.name) for a in service.panel_agencies(db)],
        form=form or FormState.empty(),
        status_code=status,
    )


def _candidates(db: Db, principal: Any) -> list[tuple[str, str]]:
    return [
        (str(c.request_id), f"{c.reference} (package version {c.version})")
        for c in service.agenda_candidates(db, principal)
    ]


@get("/panels/{meeting_id:uuid}", name="decisions.meeting", sync_to_thread=True)
def meeting(request: Request[Any, Any, Any], db: Db, meeting_id: Id) -> Template:
    return _meeting_page(request, db, meeting_id)


@get(f"{MEETING}/edit", name="decisions.edit_meeting_form", sync_to_thread=True)
def edit_meeting_form(request: Request[Any, Any, Any], db: Db, meeting_id: Id) -> Template:
    meeting = service.load_meeting(db, require_principal(request), meeting_id)
    local = meeting.meets_at.astimezone(UK)
    values = {
        "version": str(meeting.version),
        "forum": meeting.forum,
        "meets_at-day": str(local.day),
        "meets_at-month": str(local.month),
        "meets_at-year": str(local.year),
        "meets_at-time": local.strftime("%H:%M"),
        "location": meeting.location,
        "chair_id": str(meeting.chair_id),
    }
    return _convene_page(request, db, FormState(values, {}), meeting=meeting)


@post(f"{MEETING}/edit", name="decisions.edit_meeting", sync_to_thread=True)
def edit_meeting(request: Request[Any, Any, Any], db: Db, meeting_id: Id, data: Form) -> Template | Redirect:
    principal = require_principal(request)
    meeting = service.load_meeting(db, principal, meeting_id)
    return round_trip(
        request,
        db,
        data,
        lambda values: service.update_meeting(db, principal, meeting_id, values),
        lambda form, status: _convene_page(request, db, form, status, meeting=meeting),
        success=meeting_url(meeting_id),
        flash="Meeting details saved",
    )


@post("/panels/{meeting_id:uuid}/members", name="decisions.add_member", sync_to_thread=True)
def add_member(request: Request[Any, Any, Any], db: Db, meeting_id: Id, data: Form) -> Template | Redirect:
    principal = require_principal(request)
    return round_trip(
        request,
        db,
        data,
        lambda values: service.add_member(db, principal, meeting_id, values),
        lambda form, status: _meeting_page(request, db, meeting_id, form, status),
        success=meeting_url(meeting_id, "#members"),
        flash="Member added",
    )


@post(
    "/panels/{meeting_id:uuid}/members/{member_id:uuid}/remove",
    name="decisions.remove_member",
    sync_to_thread=True,
)
def remove_member(request: Request[Any, Any, Any], db: Db, meeting_id: Id, member_id: Id) -> Redirect:
    service.remove_member(db, require_principal(request), meeting_id, member_id)
    return redirect(request, meeting_url(meeting_id, "#members"), flash="Member taken off the panel")


@post("/panels/{meeting_id:uuid}/agenda", name="decisions.add_to_agenda", sync_to_thread=True)
def add_to_agenda(request: Request[Any, Any, Any], db: Db, meeting_id: Id, data: Form) -> Template | Redirect:
    principal = require_principal(request)
    return round_trip(
        request,
        db,
        data,
        lambda values: service.add_to_agenda(db, principal, meeting_id, values),
        lambda form, status: _meeting_page(request, db, meeting_id, form, status),
        success=meeting_url(meeting_id, "#agenda"),
        flash="Case added to the agenda",
    )


@post("/panels/{meeting_id:uuid}/close", name="decisions.close", sync_to_thread=True)
def close(request: Request[Any, Any, Any], db: Db, meeting_id: Id) -> Redirect:
    service.close_meeting(db, require_principal(request), meeting_id)
    return redirect(request, meeting_url(meeting_id), flash="Meeting closed")


# ---------------------------------------------------------------- one case on the agenda


def item_page(request: Request[Any, Any, Any], db: Db, meeting_id: Any, item_id: Any) -> Template:
    principal = require_principal(request)
    item, case, frozen = service.open_item(db, principal, meeting_id, item_id)
    decision = service.decision_for(db, item)
    return page(
        request,
        "decisions/item.html",
        heading=f"{case.reference}",
        meeting=item.meeting,
        item=item,
        case=case,
        frozen=frozen,
        decision=decision,
        quorum=service.quorum(db, item),
        names={u.id: u.display_name for u in service.panel_users(db)},
        convener=is_convener(principal),
        me=principal.user_id,
        **decision_context(db, decision),
    )


def decision_context(db: Db, decision: Any) -> dict[str, Any]:
    return {"shown": service.describe(db, decision) if decision else None}


@get("/panels/{meeting_id:uuid}/items/{item_id:uuid}", name="decisions.item", sync_to_thread=True)
def item(request: Request[Any, Any, Any], db: Db, meeting_id: Id, item_id: Id) -> Template:
    return item_page(request, db, meeting_id, item_id)


def _attendance_page(
    request: Request[Any, Any, Any],
    db: Db,
    meeting_id: Any,
    item_id: Any,
    form: FormState | None = None,
    status: int = 200,
) -> Template:
    principal = require_principal(request)
    item, _ = service.decision_on_item(db, principal, meeting_id, item_id)
    if form is None:
        values: dict[str, Any] = {}
        recorded = {a.member_id: a for a in item.attendance}
        if recorded:  # attendance taken before: shown member by member, as recorded
            values["attendance"] = Who.EACH.value
        for member in item.meeting.members:
            row = recorded.get(member.id)
            values[f"present-{member.id}"] = "" if row is None else ("yes" if row.present else "no")
            values[f"conflict-{member.id}"] = ["yes"] if row is not None and row.conflict else []
            values[f"conflict-note-{member.id}"] = row.conflict_note if row else ""
        form = FormState(values, {})
    return page(
        request,
        "decisions/attendance.html",
        heading="Who is taking part in this case",
        meeting=item.meeting,
        item=item,
        seats=service.seats(db, item.meeting),
        previous=service.previous_attendance(db, item),
        who=Who,
        form=form,
        status_code=status,
    )


@get(
    "/panels/{meeting_id:uuid}/items/{item_id:uuid}/attendance",
    name="decisions.attendance_form",
    sync_to_thread=True,
)
def attendance_form(request: Request[Any, Any, Any], db: Db, meeting_id: Id, item_id: Id) -> Template:
    return _attendance_page(request, db, meeting_id, item_id)


@post(
    "/panels/{meeting_id:uuid}/items/{item_id:uuid}/attendance",
    name="decisions.attendance",
    sync_to_thread=True,
)
def attendance(
    request: Request[Any, Any, Any], db: Db, meeting_id: Id, item_id: Id, data: Form
) -> Template | Redirect:
    principal = require_principal(request)
    return round_trip(
        request,
        db,
        data,
        lambda values: service.record_attendance(db, principal, meeting_id, item_id, values),
        lambda form, status: _attendance_page(request, db, meeting_id, item_id, form, status),
        success=item_url(meeting_id, item_id),
        flash="Attendance recorded",
    )


def _remove_page(
    request: Request[Any, Any, Any], db: Db, meeting_id: Any, item_id: Any, form: FormState, status: int = 200
) -> Template:
    principal = require_principal(request)
    item, _ = service.decision_on_item(db, principal, meeting_id, item_id)
    return page(
        request,
        "decisions/remove_item.html",
        heading="Take this case off the agenda",
        meeting=item.meeting,
        item=item,
        form=form,
        status_code=status,
    )


@get(
    "/panels/{meeting_id:uuid}/items/{item_id:uuid}/remove",
    name="decisions.remove_item_form",
    sync_to_thread=True,
)
def remove_item_form(request: Request[Any, Any, Any], db: Db, meeting_id: Id, item_id: Id) -> Template:
    return _remove_page(request, db, meeting_id, item_id, FormState.empty())


@post(
    "/panels/{meeting_id:uuid}/items/{item_id:uuid}/remove", name="decisions.remove_item", sync_to_thread=True
)
def remove_item(
    request: Request[Any, Any, Any], db: Db, meeting_id: Id, item_id: Id, data: Form
) -> Template | Redirect:
    principal = require_principal(request)
    return round_trip(
        request,
        db,
        data,
        lambda values: service.remove_from_agenda(db, principal, meeting_id, item_id, values),
        lambda form, status: _remove_page(request, db, meeting_id, item_id, form, status),
        success=meeting_url(meeting_id, "#agenda"),
        flash="Case taken off the agenda",
    )


@get("/panels/{meeting_id:uuid}/items/{item_id:uuid}/package", name="decisions.package", sync_to_thread=True)
def package(request: Request[Any, Any, Any], db: Db, meeting_id: Id, item_id: Id) -> Template:
    item, case, frozen = service.package_for_item(db, require_principal(request), meeting_id, item_id)
    return page(
        request,
        "decisions/package.html",
        heading=f"Evidence package version {frozen.number}",
        meeting=item.meeting,
        item=item,
        case=case,
        frozen=frozen,
        snapshot=frozen.snapshot,
    )


@get(
    "/panels/{meeting_id:uuid}/items/{item_id:uuid}/panel-pack.pdf",
    name="decisions.panel_pack",
    sync_to_thread=True,
)
def panel_pack(request: Request[Any, Any, Any], db: Db, meeting_id: Id, item_id: Id) -> Response[bytes]:
    from disclosure.force.service import force_name

    _, case, frozen = service.package_for_item(db, require_principal(request), meeting_id, item_id)
    pdf = render_panel_pack(frozen.snapshot, force_name=force_name(db))
    return attachment_response(pdf, f"panel-pack-{case.reference}-v{frozen.number}.pdf", "application/pdf")


ROUTES = [
    meetings,
    convene_form,
    convene,
    meeting,
    edit_meeting_form,
    edit_meeting,
    add_member,
    remove_member,
    add_to_agenda,
    close,
    item,
    attendance_form,
    attendance,
    remove_item_form,
    remove_item,
    package,
    panel_pack,
]
