"""Settings > Partner agencies: names, agreed response times, secure mailboxes and partner users
(administrators; no case content)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from disclosure.agencies import service
from disclosure.agencies.vocabulary import AgencyKind
from disclosure.auth import require_principal
from disclosure.errors import FormInvalid, StaleRecord
from disclosure.web import Db, Form, FormState, Id, form_values, page, redirect


@get("/admin/agencies", name="agencies.list", sync_to_thread=True)
def agency_list(request: Request[Any, Any, Any], db: Db) -> Template:
    return page(
        request,
        "agencies/list.html",
        heading="Partner agencies",
        agencies=service.agencies(db),
        kinds={k.value: k.label for k in AgencyKind},
    )


def _agency_page(
    request: Request[Any, Any, Any], db: Db, agency_id: uuid.UUID, form: FormState, status: int = 200
) -> Template:
    agency = service.get_agency(db, agency_id)
    return page(
        request,
        "agencies/agency.html",
        heading=agency.name,
        agency=agency,
        form=form,
        members=service.members(db, agency.id),
        candidates=[
            (str(u.id), f"{u.display_name} ({u.username})") for u in service.partner_users_without_agency(db)
        ],
        status_code=status,
    )


@get("/admin/agencies/{agency_id:uuid}", name="agencies.agency", sync_to_thread=True)
def agency_page(request: Request[Any, Any, Any], db: Db, agency_id: Id) -> Template:
    agency = service.get_agency(db, agency_id)
    form = FormState.empty(
        name=agency.name,
        response_working_days=str(agency.response_working_days),
        contact_email=agency.contact_email,
        active="yes" if agency.active else "no",
        version=str(agency.version),
    )
    return _agency_page(request, db, agency_id, form)


@post("/admin/agencies/{agency_id:uuid}", name="agencies.update", sync_to_thread=True)
def update(request: Request[Any, Any, Any], db: Db, agency_id: Id, data: Form) -> Template | Redirect:
    values = form_values(data)
    try:
        service.update_agency(db, require_principal(request), agency_id, values)
    except FormInvalid as exc:
        db.rollback()
        return _agency_page(request, db, agency_id, FormState(values, exc.errors), 400)
    except StaleRecord as exc:
        db.rollback()
        return _agency_page(request, db, agency_id, FormState(values, {"name": exc.message}), 409)
    return redirect(request, f"/admin/agencies/{agency_id}", flash="Agency saved")


@post("/admin/agencies/{agency_id:uuid}/members", name="agencies.add_member", sync_to_thread=True)
def add_member(request: Request[Any, Any, Any], db: Db, agency_id: Id, data: Form) -> Template | Redirect:
    values = form_values(data)
    try:
        service.add_member(db, require_principal(request), agency_id, values)
    except FormInvalid as exc:
        db.rollback()
        return _agency_page(request, db, agency_id, FormState(values, exc.errors), 400)
    return redirect(request, f"/admin/agencies/{agency_id}", flash="Partner user added")


@post(
    "/admin/agencies/{agency_id:uuid}/members/{user_id:uuid}/remove",
    name="agencies.remove_member",
    sync_to_thread=True,
)
def remove_member(request: Request[Any, Any, Any], db: Db, agency_id: Id, user_id: Id) -> Redirect:
    service.remove_member(db, require_principal(request), agency_id, user_id)
    return redirect(request, f"/admin/agencies/{agency_id}", flash="Partner user removed")


ROUTES = [agency_list, agency_page, update, add_member, remove_member]
