"""The evidence package: summary, risk analysis, recommendation and draft disclosure; review by someone
other than the drafter; submission for decision, which freezes a numbered version the panel decides on;
reopening with a reason; and the panel pack PDF rendered from a frozen version [issue 4]."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.accounts.directory import active_users_with
from disclosure.accounts.models import User
from disclosure.accounts.roles import Role
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.db import check_version, utcnow
from disclosure.errors import FormInvalid, InvalidTransition, NotFound, PermissionDenied
from disclosure.force.service import force_name
from disclosure.forms import LONG, choice, identifier, raise_if, required_text, text
from disclosure.requests import access
from disclosure.requests import service as requests_service
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.vocabulary import Scheme
from disclosure.requests.workflow import RequestStatus, Verb
from disclosure.research.models import PackageVersion, ResearchPackage
from disclosure.research.service.checks import missing_required
from disclosure.research.service.common import (
    begin_change,
    case_to_change,
    open_case,
    package_for,
    record,
    require_in_research,
)
from disclosure.research.service.evidence import live_items
from disclosure.research.service.partners import unanswered
from disclosure.research.snapshot import build_snapshot
from disclosure.research.vocabulary import DiscloseTo, Recommendation
from disclosure.research.workflow import PackageStatus, PackageVerb, transition


def _package_record(
    session: Session,
    actor: Principal,
    case: DisclosureRequest,
    package: ResearchPackage,
    action: str,
    why: str,
) -> None:
    record(
        session,
        actor,
        case,
        f"package.{action}",
        AuditCategory.ALTERATION,
        why,
        object_type="research_package",
        object_id=package.id,
    )


def update_summary(
    session: Session, actor: Principal, request_id: uuid.UUID, values: dict[str, Any]
) -> ResearchPackage:
    """The research summary, risk analysis, recommendation (disclose / do not disclose / more information
    needed) with reasons, and the draft of what could be disclosed."""
    case = case_to_change(session, actor, request_id)
    package = package_for(session, case)
    check_version(package.version, values.get("version"))
    begin_change(session, actor, case)
    errors: dict[str, str] = {}
    summary = required_text(values, "summary", "Enter the research summary", errors)
    risk = required_text(values, "risk_analysis", "Enter the risk analysis", errors)
    recommendation = choice(values, "recommendation", Recommendation, "Select your recommendation", errors)
    reasons = required_text(
        values, "recommendation_reasons", "Enter the reasons for your recommendation", errors
    )
    draft = text(values, "draft_disclosure", limit=LONG)
    if len(draft) > LONG:
        errors["draft_disclosure"] = f"Draft disclosure must be {LONG:,} characters or fewer"
    if recommendation is Recommendation.DISCLOSE and not draft:
        errors["draft_disclosure"] = "Enter the draft of what could be disclosed"
    raise_if(errors, values)
    package.summary, package.risk_analysis, package.recommendation_reasons = summary, risk, reasons
    package.recommendation = recommendation.value if recommendation else None
    package.draft_disclosure = draft
    _package_record(session, actor, case, package, "summary", "Research summary and recommendation saved")
    return package


def draft_from_items(session: Session, case: DisclosureRequest) -> str:
    """A starting draft of the disclosure, one paragraph per item marked disclosable, for the researcher
    to edit: what could be said, never the grading or source references."""
    paragraphs = []
    for item in live_items(session, case.id):
        if item.disclosable and item.disclose_to:
            who = DiscloseTo(item.disclose_to).label.lower()
            paragraphs.append(f"E{item.number} (to the {who}): {item.summary}")
    return "\n\n".join(paragraphs)


def reviewers(session: Session, actor: Principal) -> list[User]:
    """Active researchers other than the actor: a supervisor or second researcher reviews."""
    return [u for u in active_users_with(session, [Role.RESEARCHER]) if u.id != actor.user_id]


def why_not_send(
    session: Session, actor: Principal, case: DisclosureRequest, package: ResearchPackage
) -> str:
    """Why the package cannot be sent for review now, in words, or "" when it can: so the page offers the
    action only when it can be done."""
    if RequestStatus(case.status) is not RequestStatus.IN_RESEARCH:
        return f"Research is closed for this case: it is '{RequestStatus(case.status).label.lower()}'"
    status = PackageStatus(package.status)
    if status is not PackageStatus.DRAFT:
        return f"The package is '{status.label.lower()}': only a draft is sent for review"
    if not reviewers(session, actor):
        return "There is no other active researcher to review it. Ask an administrator to add one"
    return ""


def why_not_review(actor: Principal, case: DisclosureRequest, package: ResearchPackage) -> str:
    """Why the actor cannot review the package now, in words, or "" when they can."""
    if RequestStatus(case.status) is not RequestStatus.IN_RESEARCH:
        return f"Research is closed for this case: it is '{RequestStatus(case.status).label.lower()}'"
    status = PackageStatus(package.status)
    if status is not PackageStatus.IN_REVIEW:
        return (
            f"The package is '{status.label.lower()}': there is nothing to review until it is sent for review"
        )
    if actor.user_id == package.drafted_by_id:
        return "You drafted this package, so someone else must review it"
    return ""


def send_for_review(
    session: Session, actor: Principal, request_id: uuid.UUID, values: dict[str, Any]
) -> None:
    """Send the draft to a named supervisor or second researcher, who joins the case team to review it."""
    case = case_to_change(session, actor, request_id)
    require_in_research(case)
    package = package_for(session, case)
    check_version(package.version, values.get("version"))
    errors: dict[str, str] = {}
    reviewer_id = identifier(values, "reviewer_id", "Select who will review the package", errors)
    if reviewer_id and reviewer_id not in {u.id for u in reviewers(session, actor)}:
        errors["reviewer_id"] = "Select an active researcher other than yourself"
    raise_if(errors, values)
    package.status = transition(PackageStatus(package.status), PackageVerb.SEND_FOR_REVIEW).value
    package.drafted_by_id, package.reviewer_id, package.review_notes = actor.user_id, reviewer_id, ""
    if reviewer_id is not None:
        access.add_member(session, case, reviewer_id)
    _package_record(session, actor, case, package, "send_for_review", "Package sent for review")


def _as_reviewer(session: Session, actor: Principal, request_id: uuid.UUID, version: object) -> Any:
    case = case_to_change(session, actor, request_id)
    require_in_research(case)
    package = package_for(session, case)
    check_version(package.version, version)
    if PackageStatus(package.status) is PackageStatus.IN_REVIEW and actor.user_id == package.drafted_by_id:
        raise PermissionDenied("You drafted this package, so someone else must review it")
    return case, package


def approve(session: Session, actor: Principal, request_id: uuid.UUID, values: dict[str, Any]) -> None:
    """The reviewer (never the drafter) approves the package for submission."""
    case, package = _as_reviewer(session, actor, request_id, values.get("version"))
    package.status = transition(PackageStatus(package.status), PackageVerb.APPROVE).value
    package.reviewer_id, package.reviewed_at = actor.user_id, utcnow()
    package.review_notes = text(values, "review_notes", limit=LONG)[:LONG]
    _package_record(session, actor, case, package, "approve", "Package reviewed and approved")


def return_for_changes(
    session: Session, actor: Principal, request_id: uuid.UUID, values: dict[str, Any]
) -> None:
    """The reviewer returns the package to its drafter with what needs to change."""
    case, package = _as_reviewer(session, actor, request_id, values.get("version"))
    errors: dict[str, str] = {}
    notes = required_text(values, "review_notes", "Enter what needs to change", errors)
    raise_if(errors, values)
    package.status = transition(PackageStatus(package.status), PackageVerb.RETURN_FOR_CHANGES).value
    package.review_notes = notes
    # The notes are case text: they stay on the package, and the event points at it [issue 14 §6].
    _package_record(
        session, actor, case, package, "return_for_changes", "Returned for changes (notes on the package)"
    )


def submission_problems(
    session: Session, case: DisclosureRequest, package: ResearchPackage
) -> dict[str, str]:
    """Why the package cannot go to the panel yet, by the part of the page that fixes it. Submission is
    refused while a required check is missing or a partner request is unanswered without a recorded
    reason [issue 4][WMP], and on Sarah's Law until the subject's offending and management are recorded
    (the presumption to disclose turns on them) [WYP-CSODS]."""
    problems: dict[str, str] = {}
    missing = missing_required(session, case)
    if missing:
        problems["checks"] = f"Record the required checks first: {', '.join(missing)}"
    waiting = unanswered(session, case.id)
    if waiting:
        problems["partner-requests"] = (
            f"{len(waiting)} partner request{'s are' if len(waiting) > 1 else ' is'} unanswered: "
            "record the answer or close the request with a reason"
        )
    if case.scheme == Scheme.CSODS.value and package.offending_recorded_at is None:
        problems["offending"] = "Record the subject's convictions, registration and MAPPA management"
    if not (package.summary and package.risk_analysis and package.recommendation):
        problems["summary"] = "Write the research summary, risk analysis and recommendation"
    elif package.recommendation == Recommendation.DISCLOSE.value:
        if not any(i.disclosable for i in live_items(session, case.id)):
            problems["evidence"] = "A recommendation to disclose needs at least one item marked disclosable"
        if not package.draft_disclosure:
            problems["summary"] = "Write the draft of what could be disclosed"
    if PackageStatus(package.status) is not PackageStatus.REVIEWED:
        problems["review"] = "The package must be reviewed by a supervisor or second researcher"
    return problems


def submit(
    session: Session, actor: Principal, request_id: uuid.UUID, values: dict[str, Any]
) -> PackageVersion:
    """Submit the reviewed package for decision: it is locked, a numbered version is frozen with its
    SHA-256, and the request moves to 'awaiting decision'."""
    case = case_to_change(session, actor, request_id)
    require_in_research(case)
    package = package_for(session, case)
    check_version(package.version, values.get("version"))
    problems = submission_problems(session, case, package)
    if problems:
        raise FormInvalid(problems, values)
    package.status = transition(PackageStatus(package.status), PackageVerb.SUBMIT).value
    number = package.submitted_version + 1
    now = utcnow()
    snapshot = build_snapshot(session, case, package, number=number, submitted_by=actor, submitted_at=now)
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    frozen = PackageVersion(
        package_id=package.id,
        number=number,
        snapshot=snapshot,
        sha256=hashlib.sha256(canonical.encode()).hexdigest(),
        change_reason=package.change_reason,
        submitted_at=now,
        submitted_by_id=actor.user_id,
        reviewed_by_id=package.reviewer_id,
    )
    package.submitted_version, package.change_reason = number, ""
    session.add(frozen)
    session.flush()
    requests_service.move_on(
        session, actor, case, Verb.SUBMIT_FOR_DECISION, f"Evidence package version {number} submitted"
    )
    record(
        session,
        actor,
        case,
        "package.submit",
        AuditCategory.ALTERATION,
        f"Evidence package version {number} submitted for decision",
        object_type="package_version",
        object_id=frozen.id,
        sha256=frozen.sha256,
    )
    return frozen


def reopen(session: Session, actor: Principal, request_id: uuid.UUID, values: dict[str, Any]) -> None:
    """Reopen a submitted package to change it: the reason is recorded and carried into the next version;
    the submitted versions stay readable. The request returns to research until it is submitted again."""
    case = case_to_change(session, actor, request_id)
    package = package_for(session, case)
    check_version(package.version, values.get("version"))
    errors: dict[str, str] = {}
    reason = required_text(values, "reason", "Enter why the package is being reopened", errors)
    raise_if(errors, values)
    reopen_package(session, actor, case, reason)


def reopen_package(session: Session, actor: Principal, case: DisclosureRequest, reason: str) -> None:
    """For this feature and the decisions feature (a panel deferring for more information)."""
    package = package_for(session, case)
    if RequestStatus(case.status) is not RequestStatus.AWAITING_DECISION:
        raise InvalidTransition("Only a package awaiting a decision can be reopened")
    package.status = transition(PackageStatus(package.status), PackageVerb.REOPEN).value
    package.change_reason, package.reviewed_at = reason, None
    requests_service.move_on(
        session, actor, case, Verb.RETURN_TO_RESEARCH, "Package reopened (reason on the package)"
    )
    _package_record(session, actor, case, package, "reopen", "Package reopened (reason on the package)")


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class VersionSummary:
    number: int
    submitted_at: Any
    submitted_by: str
    change_reason: str
    sha256: str


def versions(session: Session, package: ResearchPackage) -> list[VersionSummary]:
    rows = list(
        session.scalars(
            select(PackageVersion)
            .where(PackageVersion.package_id == package.id)
            .order_by(PackageVersion.number)
        )
    )
    names = {
        u.id: u.display_name
        for u in session.scalars(select(User).where(User.id.in_({r.submitted_by_id for r in rows})))
    }
    return [
        VersionSummary(r.number, r.submitted_at, names.get(r.submitted_by_id, ""), r.change_reason, r.sha256)
        for r in rows
    ]


def get_version(
    session: Session, actor: Principal, request_id: uuid.UUID, number: int
) -> tuple[DisclosureRequest, PackageVersion]:
    """A frozen version, as the panel saw it; reading it is audited."""
    case = open_case(session, actor, request_id)
    package = package_for(session, case)
    frozen = session.scalar(
        select(PackageVersion).where(PackageVersion.package_id == package.id, PackageVersion.number == number)
    )
    if frozen is None:
        raise NotFound("There is no such version of this package")
    record(
        session,
        actor,
        case,
        "package_version.view",
        AuditCategory.CONSULTATION,
        f"Evidence package version {number} read",
        object_type="package_version",
        object_id=frozen.id,
    )
    return case, frozen


def panel_pack(session: Session, actor: Principal, request_id: uuid.UUID, number: int) -> tuple[str, bytes]:
    """The panel pack PDF of a frozen version (file name, bytes); the download is audited."""
    from disclosure.research.pack import render_panel_pack

    case, frozen = get_version(session, actor, request_id, number)
    pdf = render_panel_pack(frozen.snapshot, force_name=force_name(session))
    record(
        session,
        actor,
        case,
        "panel_pack.download",
        AuditCategory.CONSULTATION,
        f"Panel pack for version {number} downloaded",
        object_type="package_version",
        object_id=frozen.id,
    )
    return f"panel-pack-{case.reference}-v{number}.pdf", pdf
