"""The research page's view of a case: the check list, partner requests, evidence items, the package and
what the viewer may do next. Reading it is a consultation, recorded once per page view."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from disclosure.accounts.roles import Role
from disclosure.agencies.models import Agency
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.people.service import summaries
from disclosure.requests.vocabulary import Route, Scheme
from disclosure.requests.workflow import RequestStatus
from disclosure.research import service
from disclosure.research.service import offending
from disclosure.research.service.common import record, role_words, roles_by_person, user_names
from disclosure.research.service.partners import is_overdue, uk_today
from disclosure.research.vocabulary import (
    CheckKind,
    CheckResult,
    DiscloseTo,
    Nature,
    OnwardConsent,
    OwnerConsent,
    Recommendation,
    grading,
)
from disclosure.research.workflow import PackageStatus, PartnerRequestStatus


def overview(session: Session, actor: Principal, request_id: uuid.UUID) -> dict[str, Any]:
    case = service.open_case(session, actor, request_id)
    package = service.package_for(session, case)
    lines, extras = service.checklist(session, case)
    partner_requests = service.case_requests(session, case.id)
    items = service.live_items(session, case.id)
    checks = [c for line in lines for c in line.checks] + extras
    names = user_names(
        session,
        {package.reviewer_id, package.drafted_by_id}
        | {c.performed_by_id for c in checks}
        | {i.recorded_by_id for i in items},
    )
    people = summaries(session, [p.person_id for p in case.parties])
    roles = {person: role_words(held) for person, held in roles_by_person(case).items()}
    agencies = {a.id: a.name for a in session.query(Agency).all()}
    status = PackageStatus(package.status)
    in_research = RequestStatus(case.status) is RequestStatus.IN_RESEARCH
    researcher = Role.RESEARCHER.value in actor.roles
    editable = in_research and researcher and status in (PackageStatus.DRAFT, PackageStatus.REVIEWED)
    today = uk_today()
    by_id = {c.id: c for c in checks}
    answered = {c.partner_request_id: c for c in checks if c.partner_request_id is not None}
    record(session, actor, case, "package.view", AuditCategory.CONSULTATION, "Research page opened")
    return {
        "case": case,
        "package": package,
        "status": status,
        "labels": {
            "scheme": Scheme(case.scheme).label,
            "route": Route(case.route).label,
            "request_status": RequestStatus(case.status).label,
            "recommendation": Recommendation(package.recommendation).label if package.recommendation else "",
        },
        "lines": lines,
        "extras": extras,
        "check_labels": {
            **{r.value: r.label for r in CheckResult},
            **{c.value: c.label for c in OnwardConsent},
            **{k.value: k.label for k in CheckKind},
        },
        "partner_requests": [
            {
                "row": r,
                "agency": agencies.get(r.agency_id, ""),
                "status": PartnerRequestStatus(r.status),
                "overdue": is_overdue(r, today),
                "answer_check": answered.get(r.id),
            }
            for r in partner_requests
        ],
        "items": [
            {
                "item": i,
                "about": f"{roles.get(i.person_id, '')}: {people[i.person_id].display_name}"
                if i.person_id in people
                else "",
                "grading": grading(i.source_grade, i.information_grade, i.handling_code),
                "nature": Nature(i.nature).label,
                "disclose_to": DiscloseTo(i.disclose_to).label if i.disclose_to else "",
                "consent": OwnerConsent(i.owner_consent).label,
                "attachments": [a for a in i.attachments if a.removed_at is None],
                "check": by_id.get(i.check_id) if i.check_id else None,
                "check_struck_out": i.check_id is not None and i.check_id not in by_id,
            }
            for i in items
        ],
        "names": names,
        "offending": offending.snapshot(session, case, package),
        "versions": service.versions(session, package),
        "problems": service.submission_problems(session, case, package) if in_research else {},
        "actions": {
            "edit": editable,
            "send_for_review": editable and status is PackageStatus.DRAFT,
            "review": in_research
            and researcher
            and status is PackageStatus.IN_REVIEW
            and actor.user_id != package.drafted_by_id,
            "submit": editable and status is PackageStatus.REVIEWED,
            "reopen": researcher
            and status is PackageStatus.SUBMITTED
            and RequestStatus(case.status) is RequestStatus.AWAITING_DECISION,
        },
    }
