"""JSON API for research: read a case's package, record checks, partner requests and evidence, submit, read
frozen versions; and, for partner agencies' systems, their inbox and answers. Same verbs as the pages."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from disclosure import paging
from disclosure.agencies.inbox import view_of
from disclosure.auth import require_principal
from disclosure.research import service
from disclosure.research.overview import overview
from disclosure.research.service import offending
from disclosure.web import Db, Id, body_values


@dataclass
class CheckBody:
    check_type_id: str
    result: str
    onward_consent: str
    performed: datetime
    name: str = ""
    kind: str = ""
    reference: str = ""
    notes: str = ""


@dataclass
class PartnerRequestBody:
    agency_id: uuid.UUID
    asked: str
    person_ids: list[uuid.UUID]


@dataclass
class EvidenceBody:
    person_id: uuid.UUID
    source: str
    summary: str
    source_grade: str
    information_grade: str
    handling_code: str
    nature: str
    disclosable: bool
    owner_consent: str
    disclose_to: str | None = None
    check_id: uuid.UUID | None = None
    source_reference: str = ""
    information_date: date | None = None


@dataclass
class ConvictionBody:
    offence: str
    convicted_on: date
    child_sexual_offence: bool
    spent: bool
    reference: str = ""


@dataclass
class OffendingBody:
    """The subject's offending and management as a whole (Sarah's Law): `convictions` replaces those
    recorded. `poses_risk` is null while not assessed. A registered sex offender is MAPPA category 1; a
    category needs `mappa_level` and `mappa_lead` [WYP-CSODS]."""

    subject_registered: bool
    convictions: list[ConvictionBody] = field(default_factory=list)
    registered_since: date | None = None
    visor_reference: str = ""
    mappa_category: str = ""
    mappa_level: str = ""
    mappa_lead: str = ""
    offender_manager: str = ""
    poses_risk: bool | None = None
    risk_to_child: str = ""
    version: int | None = None


@dataclass
class AnswerBody:
    result: str
    response: str
    onward_consent: str
    response_reference: str = ""
    version: int | None = None


@dataclass
class VersionBody:
    version: int | None = None


@dataclass
class CheckOut:
    id: uuid.UUID
    name: str
    kind: str
    result: str
    reference: str
    onward_consent: str
    performed_at: datetime
    check_type_id: uuid.UUID | None


@dataclass
class PartnerRequestOut:
    id: uuid.UUID
    agency: str
    status: str
    sent_at: datetime
    due_on: date
    overdue: bool
    chase_count: int
    version: int


@dataclass
class EvidenceOut:
    id: uuid.UUID
    number: int
    person_id: uuid.UUID
    source: str
    source_reference: str
    information_date: date | None
    summary: str
    grading: str
    nature: str
    disclosable: bool
    disclose_to: str | None
    owner_consent: str
    recorded_at: datetime
    attachments: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class PackageOut:
    request_id: uuid.UUID
    reference: str
    status: str
    version: int
    summary: str
    risk_analysis: str
    recommendation: str | None
    recommendation_reasons: str
    draft_disclosure: str
    missing_checks: list[str]
    submission_problems: dict[str, str]
    checks: list[CheckOut]
    partner_requests: list[PartnerRequestOut]
    evidence: list[EvidenceOut]
    versions: list[int]
    check_list: list[CheckLineOut]
    offending: dict[str, Any] | None = None
    """Sarah's Law: the subject's convictions, registration, MAPPA, the risk to the child and whether the
    presumption to disclose applies (null on Clare's Law)."""


@dataclass
class CheckLineOut:
    """A line of the scheme's check list: its `check_type_id` is what a check records; `missing` while a
    required line has no check yet."""

    check_type_id: uuid.UUID
    code: str
    name: str
    required: bool
    missing: bool


@dataclass
class VersionOut:
    number: int
    sha256: str
    submitted_at: datetime
    change_reason: str
    snapshot: dict[str, Any]


@dataclass
class PartnerInboxOut:
    id: uuid.UUID
    reference: str
    asked: str
    people: list[dict[str, Any]]
    due_on: date
    status: str
    overdue: bool
    version: int


def _package(db: Db, request: Request[Any, Any, Any], request_id: uuid.UUID) -> PackageOut:
    context = overview(db, require_principal(request), request_id)
    case, package = context["case"], context["package"]
    checks = [c for line in context["lines"] for c in line.checks] + context["extras"]
    return PackageOut(
        request_id=case.id,
        reference=case.reference,
        status=package.status,
        version=package.version,
        summary=package.summary,
        risk_analysis=package.risk_analysis,
        recommendation=package.recommendation,
        recommendation_reasons=package.recommendation_reasons,
        draft_disclosure=package.draft_disclosure,
        missing_checks=[line.check_type.name for line in context["lines"] if line.missing],
        check_list=[
            CheckLineOut(
                line.check_type.id,
                line.check_type.code,
                line.check_type.name,
                line.check_type.required,
                line.missing,
            )
            for line in context["lines"]
        ],
        submission_problems=context["problems"],
        checks=[
            CheckOut(
                c.id, c.name, c.kind, c.result, c.reference, c.onward_consent, c.performed_at, c.check_type_id
            )
            for c in checks
        ],
        partner_requests=[
            PartnerRequestOut(
                p["row"].id,
                p["agency"],
                p["row"].status,
                p["row"].sent_at,
                p["row"].due_on,
                p["overdue"],
                p["row"].chase_count,
                p["row"].version,
            )
            for p in context["partner_requests"]
        ],
        evidence=[
            EvidenceOut(
                id=e["item"].id,
                number=e["item"].number,
                person_id=e["item"].person_id,
                source=e["item"].source,
                source_reference=e["item"].source_reference,
                information_date=e["item"].information_date,
                summary=e["item"].summary,
                grading=e["grading"][0],
                nature=e["item"].nature,
                disclosable=e["item"].disclosable,
                disclose_to=e["item"].disclose_to,
                owner_consent=e["item"].owner_consent,
                recorded_at=e["item"].recorded_at,
                attachments=[
                    {"id": str(a.id), "filename": a.filename, "size": a.size, "sha256": a.sha256}
                    for a in e["attachments"]
                ],
            )
            for e in context["items"]
        ],
        versions=[v.number for v in context["versions"]],
        offending=context["offending"],
    )


@get(
    "/api/v1/requests/{request_id:uuid}/research", name="api.research", sync_to_thread=True, tags=["research"]
)
def get_package(request: Request[Any, Any, Any], db: Db, request_id: Id) -> PackageOut:
    """The case's evidence package as it stands, with what still stops its submission."""
    return _package(db, request, request_id)


@post(
    "/api/v1/requests/{request_id:uuid}/research/checks",
    name="api.record_check",
    sync_to_thread=True,
    tags=["research"],
)
def record_check(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: JSONBody[CheckBody]
) -> PackageOut:
    """Record a check: `check_type_id` is a line of the check list, or `other` with `name` and `kind`."""
    service.record_check(db, require_principal(request), request_id, body_values(data))
    return _package(db, request, request_id)


@post(
    "/api/v1/requests/{request_id:uuid}/research/partner-requests",
    name="api.send_partner_request",
    sync_to_thread=True,
    tags=["research"],
)
def send_partner_request(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: JSONBody[PartnerRequestBody]
) -> PackageOut:
    service.send_partner_request(db, require_principal(request), request_id, body_values(data))
    return _package(db, request, request_id)


@post(
    "/api/v1/requests/{request_id:uuid}/research/evidence",
    name="api.record_evidence",
    sync_to_thread=True,
    tags=["research"],
)
def record_evidence(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: JSONBody[EvidenceBody]
) -> PackageOut:
    service.record_evidence(db, require_principal(request), request_id, body_values(data))
    return _package(db, request, request_id)


@post(
    "/api/v1/requests/{request_id:uuid}/research/offending",
    name="api.record_offending",
    sync_to_thread=True,
    tags=["research"],
)
def record_offending(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: JSONBody[OffendingBody]
) -> PackageOut:
    """Record the subject's offending and management on a Sarah's Law case (409 on Clare's Law)."""
    values = body_values(data)
    del values["convictions"]
    values["poses_risk"] = {True: "yes", False: "no", None: "not_assessed"}[data.poses_risk]
    for n, conviction in enumerate(data.convictions):
        values |= {
            f"conviction-{n}-offence": conviction.offence,
            f"conviction-{n}-date": conviction.convicted_on.isoformat(),
            f"conviction-{n}-child_sexual": "yes" if conviction.child_sexual_offence else "",
            f"conviction-{n}-spent": "yes" if conviction.spent else "",
            f"conviction-{n}-reference": conviction.reference,
        }
    offending.record_offending(db, require_principal(request), request_id, values)
    return _package(db, request, request_id)


@dataclass
class SummaryBody:
    """The package's summary and the researcher's recommendation (`disclose` or `no_disclosure`) with its
    reasons; `draft_disclosure` the words that could be disclosed. `version` is the package's."""

    summary: str
    risk_analysis: str
    recommendation: str
    recommendation_reasons: str
    draft_disclosure: str = ""
    version: int | None = None


@dataclass
class ReviewBody:
    """Who reviews the package (a supervisor or a second researcher, never its drafter)."""

    reviewer_id: uuid.UUID
    version: int | None = None


@dataclass
class ApprovalBody:
    review_notes: str = ""
    version: int | None = None


@post(
    "/api/v1/requests/{request_id:uuid}/research/summary",
    name="api.research_summary",
    sync_to_thread=True,
    tags=["research"],
)
def update_summary(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: JSONBody[SummaryBody]
) -> PackageOut:
    """Write the summary and recommendation (each refusal at its field, as on the page)."""
    service.update_summary(db, require_principal(request), request_id, body_values(data))
    return _package(db, request, request_id)


@post(
    "/api/v1/requests/{request_id:uuid}/research/review",
    name="api.send_for_review",
    sync_to_thread=True,
    tags=["research"],
)
def send_for_review(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: JSONBody[ReviewBody]
) -> PackageOut:
    """Send the drafted package to its reviewer."""
    service.send_for_review(db, require_principal(request), request_id, body_values(data))
    return _package(db, request, request_id)


@post(
    "/api/v1/requests/{request_id:uuid}/research/approve",
    name="api.approve_package",
    sync_to_thread=True,
    tags=["research"],
)
def approve(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: JSONBody[ApprovalBody]
) -> PackageOut:
    """The reviewer approves the package (the token's user must be the reviewer it was sent to)."""
    service.approve(db, require_principal(request), request_id, body_values(data))
    return _package(db, request, request_id)


@post(
    "/api/v1/requests/{request_id:uuid}/research/submit",
    name="api.submit_package",
    sync_to_thread=True,
    tags=["research"],
)
def submit(
    request: Request[Any, Any, Any], db: Db, request_id: Id, data: JSONBody[VersionBody]
) -> VersionOut:
    """Submit the reviewed package for decision; refused (with each problem) while anything is missing."""
    frozen = service.submit(db, require_principal(request), request_id, body_values(data))
    return VersionOut(
        frozen.number, frozen.sha256, frozen.submitted_at, frozen.change_reason, frozen.snapshot
    )


@get(
    "/api/v1/requests/{request_id:uuid}/research/versions/{number:int}",
    name="api.package_version",
    sync_to_thread=True,
    tags=["research"],
)
def get_version(request: Request[Any, Any, Any], db: Db, request_id: Id, number: FromPath[int]) -> VersionOut:
    _case, frozen = service.get_version(db, require_principal(request), request_id, number)
    return VersionOut(
        frozen.number, frozen.sha256, frozen.submitted_at, frozen.change_reason, frozen.snapshot
    )


@dataclass
class PartnerInboxPageOut:
    """One page of a view of the requests to the partner's agency. `waiting` is how many wait for an answer,
    up to 1,000 (`waiting_capped`: more than that); follow `next_cursor` with `after`, `previous_cursor`
    with `before`."""

    view: str
    items: list[PartnerInboxOut]
    waiting: int
    waiting_capped: bool
    next_cursor: str | None
    previous_cursor: str | None


@get("/api/v1/partner/requests", name="api.partner_inbox", sync_to_thread=True, tags=["partner agencies"])
def partner_inbox(
    request: Request[Any, Any, Any],
    db: Db,
    view: FromQuery[Literal["waiting", "done"]] = "waiting",
    limit: paging.Limit = paging.LIMIT,
    after: paging.After = "",
    before: paging.Before = "",
) -> PartnerInboxPageOut:
    """For a partner agency's user, a page at a time: the requests to their agency waiting for an answer,
    nearest due date first (`view=waiting`), or those answered or closed, newest first (`view=done`)."""
    found = service.partner_inbox(
        db, require_principal(request), view=view_of(view), after=after, before=before, limit=limit
    )
    rows = found.found.items
    items = [
        PartnerInboxOut(
            r.id,
            r.reference,
            r.asked,
            [
                {
                    "role": p.role,
                    "name": p.name,
                    "aliases": p.aliases,
                    "date_of_birth": p.date_of_birth.isoformat() if p.date_of_birth else None,
                    "addresses": p.addresses,
                }
                for p in r.people
            ],
            r.due_on,
            r.status.value,
            r.overdue,
            r.version,
        )
        for r in rows
    ]
    return PartnerInboxPageOut(
        found.view.value, items, found.waiting, found.waiting_more, found.found.after, found.found.before
    )


@post(
    "/api/v1/partner/requests/{partner_request_id:uuid}/answer",
    name="api.partner_answer",
    sync_to_thread=True,
    tags=["partner agencies"],
)
def partner_answer(
    request: Request[Any, Any, Any], db: Db, partner_request_id: Id, data: JSONBody[AnswerBody]
) -> dict[str, str]:
    sent = service.answer(db, require_principal(request), partner_request_id, body_values(data))
    return {"id": str(sent.id), "status": sent.status}


ROUTES = [
    get_package,
    record_check,
    send_partner_request,
    record_evidence,
    record_offending,
    update_summary,
    send_for_review,
    approve,
    submit,
    get_version,
    partner_inbox,
    partner_answer,
]
