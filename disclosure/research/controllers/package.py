"""Research pages for the package: summary and recommendation, review, submission, reopening, the frozen
versions and their panel pack PDFs, and the chase list of open partner requests."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from disclosure.auth import require_principal
from disclosure.errors import FormInvalid, StaleRecord
from disclosure.research import service
from disclosure.research.controllers.common import base_context, form_page, research_url, submit_form
from disclosure.research.service.package import why_not_review, why_not_send
from disclosure.research.vocabulary import Recommendation
from disclosure.web import Db, Form, Id, attachment_response, form_values, page, redirect
from disclosure.workflow import options


def _summary_context(db: Session, principal: Any, request_id: uuid.UUID) -> dict[str, Any]:
    context = base_context(db, principal, request_id)
    return {
        **context,
        "recommendation_options": options(Recommendation),
        "suggested_draft": service.draft_from_items(db, context["case"]),
    }


def _summary_values(package: Any, suggested: str) -> dict[str, Any]:
    return {
        "summary": package.summary,
        "risk_analysis": package.risk_analysis,
        "recommendation": package.recommendation or "",
        "recommendation_reasons": package.recommendation_reasons,
        "draft_disclosure": package.draft_disclosure or suggested,
        "version": str(package.version),
    }


@get("/requests/{request_id:uuid}/research/summary", name="research.summary_form", sync_to_thread=True)
def summary_form(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Template:
    context = _summary_context(db, require_principal(request), request_id)
    return form_page(
        request,
        db,
        request_id,
        "research/summary.html",
        "Summary and recommendation",
        values=_summary_values(context["package"], context["suggested_draft"]),
        context=_summary_context,
    )


@post("/requests/{request_id:uuid}/research/summary", name="research.update_summary", sync_to_thread=True)
def update_summary(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form
) -> Template | Redirect:
    actor = require_principal(request)
    return submit_form(
        request,
        db,
        request_id,
        data,
        template="research/summary.html",
        heading="Summary and recommendation",
        verb=lambda v: service.update_summary(db, actor, request_id, v),
        flash="Summary and recommendation saved",
        context=_summary_context,
        after="#package",
    )


def _review_context(db: Session, principal: Any, request_id: uuid.UUID) -> dict[str, Any]:
    context = base_context(db, principal, request_id)
    why_not = why_not_send(db, principal, context["case"], context["package"])
    return {
        **context,
        "reviewer_options": [(str(u.id), u.display_name) for u in service.reviewers(db, principal)],
        "why_not": why_not,
        "no_submit": bool(why_not),
    }


def _decision_context(db: Session, principal: Any, request_id: uuid.UUID) -> dict[str, Any]:
    context = base_context(db, principal, request_id)
    return {**context, "why_not": why_not_review(principal, context["case"], context["package"])}


@get("/requests/{request_id:uuid}/research/send-for-review", name="research.review_form", sync_to_thread=True)
def review_form(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Template:
    return form_page(
        request, db, request_id, "research/send_for_review.html", "Send for review", context=_review_context
    )


@post(
    "/requests/{request_id:uuid}/research/send-for-review",
    name="research.send_for_review",
    sync_to_thread=True,
)
def send_for_review(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form
) -> Template | Redirect:
    actor = require_principal(request)
    return submit_form(
        request,
        db,
        request_id,
        data,
        template="research/send_for_review.html",
        heading="Send for review",
        verb=lambda v: service.send_for_review(db, actor, request_id, v),
        flash="Package sent for review",
        context=_review_context,
        after="#package",
    )


@get("/requests/{request_id:uuid}/research/review", name="research.review_decision_form", sync_to_thread=True)
def review_decision_form(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Template:
    return form_page(
        request, db, request_id, "research/review.html", "Review the package", context=_decision_context
    )


@post("/requests/{request_id:uuid}/research/review", name="research.review", sync_to_thread=True)
def review(request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form) -> Template | Redirect:
    """One form, two buttons: approve, or return to the drafter with what must change."""
    actor = require_principal(request)
    approving = data.get("outcome") == "approve"
    return submit_form(
        request,
        db,
        request_id,
        data,
        template="research/review.html",
        heading="Review the package",
        verb=lambda v: (service.approve if approving else service.return_for_changes)(
            db, actor, request_id, v
        ),
        flash="Package approved for submission" if approving else "Package returned to the researcher",
        context=_decision_context,
        after="#package",
    )


@post("/requests/{request_id:uuid}/research/submit", name="research.submit", sync_to_thread=True)
def submit(request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form) -> Template | Redirect:
    """Submission problems are shown on the research page itself, each linking to the part that fixes it."""
    actor = require_principal(request)
    values = form_values(data)
    try:
        with db.begin_nested():
            frozen = service.submit(db, actor, request_id, values)
    except (FormInvalid, StaleRecord) as exc:
        from disclosure.research.overview import overview

        errors = exc.errors if isinstance(exc, FormInvalid) else {"package": exc.message}
        context = overview(db, actor, request_id)
        context["problems"] = errors
        return page(
            request,
            "research/package.html",
            heading=f"Research for {context['case'].reference}",
            status_code=exc.status_code,
            submit_errors=errors,
            **context,
        )
    return redirect(
        request, research_url(request_id), flash=f"Version {frozen.number} submitted for decision"
    )


@get("/requests/{request_id:uuid}/research/reopen", name="research.reopen_form", sync_to_thread=True)
def reopen_form(request: Request[Any, Any, Any], db: Db, request_id: Id) -> Template:
    return form_page(request, db, request_id, "research/reopen.html", "Reopen the package")


@post("/requests/{request_id:uuid}/research/reopen", name="research.reopen", sync_to_thread=True)
def reopen(request: Request[Any, Any, Any], db: Db, request_id: Id, data: Form) -> Template | Redirect:
    actor = require_principal(request)
    return submit_form(
        request,
        db,
        request_id,
        data,
        template="research/reopen.html",
        heading="Reopen the package",
        verb=lambda v: service.reopen(db, actor, request_id, v),
        flash="Package reopened: the case is back in research",
    )


@get(
    "/requests/{request_id:uuid}/research/versions/{number:int}",
    name="research.version",
    sync_to_thread=True,
)
def version(request: Request[Any, Any, Any], db: Db, request_id: Id, number: FromPath[int]) -> Template:
    case, frozen = service.get_version(db, require_principal(request), request_id, number)
    return page(
        request,
        "research/version.html",
        heading=f"{case.reference}: evidence package version {number}",
        case=case,
        frozen=frozen,
        snapshot=frozen.snapshot,
    )


@get(
    "/requests/{request_id:uuid}/research/versions/{number:int}/panel-pack.pdf",
    name="research.panel_pack",
    sync_to_thread=True,
)
def panel_pack(
    request: Request[Any, Any, Any], db: Db, request_id: Id, number: FromPath[int]
) -> Response[bytes]:
    filename, pdf = service.panel_pack(db, require_principal(request), request_id, number)
    return attachment_response(pdf, filename, "application/pdf")


@get("/research/partner-requests", name="research.open_partner_requests", sync_to_thread=True)
def open_partner_requests(request: Request[Any, Any, Any], db: Db, overdue: FromQuery[str] = "") -> Template:
    rows = service.open_requests(db, require_principal(request), overdue_only=overdue == "yes")
    return page(
        request,
        "research/open_partner_requests.html",
        heading="Partner requests awaiting an answer",
        rows=rows,
        overdue_only=overdue == "yes",
    )


ROUTES = [
    summary_form,
    update_summary,
    review_form,
    send_for_review,
    review_decision_form,
    review,
    submit,
    reopen_form,
    reopen,
    version,
    panel_pack,
    open_partner_requests,
]
