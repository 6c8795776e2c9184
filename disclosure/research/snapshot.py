"""The frozen form of a submitted evidence package: a JSON-compatible dict holding everything the panel
sees (people, summary, recommendation, checks, partner returns, evidence with provenance, attachment
hashes), with staff names and labels resolved so that later changes elsewhere cannot alter it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from disclosure.agencies.models import Agency
from disclosure.auth import Principal
from disclosure.people.models import Person
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.vocabulary import PartyRole, Route, Scheme
from disclosure.research.models import Check, ResearchPackage
from disclosure.research.service.checks import checklist, live_checks
from disclosure.research.service.common import role_words, roles_by_person, user_names
from disclosure.research.service.evidence import live_items
from disclosure.research.service.offending import snapshot as offending_snapshot
from disclosure.research.service.partners import case_requests
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
from disclosure.research.workflow import PartnerRequestStatus


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def build_snapshot(
    session: Session,
    case: DisclosureRequest,
    package: ResearchPackage,
    *,
    number: int,
    submitted_by: Principal,
    submitted_at: datetime,
) -> dict[str, Any]:
    checks = live_checks(session, case.id)
    items = live_items(session, case.id)
    requests = case_requests(session, case.id)
    names = user_names(
        session,
        {package.reviewer_id, submitted_by.user_id}
        | {c.performed_by_id for c in checks}
        | {i.recorded_by_id for i in items}
        | {r.responded_by_id for r in requests},
    )
    people = _people(session, case)
    lines, _extras = checklist(session, case)
    required = {line.check_type.id for line in lines if line.check_type.required}
    return {
        "reference": case.reference,
        "scheme": Scheme(case.scheme).label,
        "route": Route(case.route).label,
        "version": number,
        "change_reason": package.change_reason,
        "submitted_at": _iso(submitted_at),
        "submitted_by": names.get(submitted_by.user_id, ""),
        "reviewed_by": names.get(package.reviewer_id, "") if package.reviewer_id else "",
        "reviewed_at": _iso(package.reviewed_at),
        "review_notes": package.review_notes,
        "people": list(people.values()),
        "summary": package.summary,
        "risk_analysis": package.risk_analysis,
        "recommendation": {
            "code": package.recommendation,
            "label": Recommendation(package.recommendation).label if package.recommendation else "",
            "reasons": package.recommendation_reasons,
        },
        "draft_disclosure": package.draft_disclosure,
        "checks": [
            {
                "name": c.name,
                "kind": CheckKind(c.kind).label,
                "required": c.check_type_id in required,
                "result": CheckResult(c.result).label,
                "reference": c.reference,
                "performed_by": names.get(c.performed_by_id, ""),
                "performed_at": _iso(c.performed_at),
                "onward_consent": OnwardConsent(c.onward_consent).label,
                "notes": c.notes,
            }
            for c in checks
        ],
        "missing_checks": [line.check_type.name for line in lines if line.missing],
        "partner_requests": [_partner(session, r, names) for r in requests],
        "evidence": [_item(i, people, names, _found_in(session, i)) for i in items],
        "offending": offending_snapshot(session, case, package),
    }


def _people(session: Session, case: DisclosureRequest) -> dict[Any, dict[str, Any]]:
    """Everyone on the case with every role they hold (the person at risk may also be the applicant), in
    the order of their first role."""
    order = list(PartyRole)
    found: dict[Any, dict[str, Any]] = {}
    held = sorted(roles_by_person(case).items(), key=lambda pair: order.index(pair[1][0]))
    for person_id, roles in held:
        person = session.get(Person, person_id)
        if person is None:
            continue
        found[person_id] = {
            "role": role_words(roles),
            "roles": [role.label for role in roles],
            "name": person.display_name,
            "date_of_birth": _iso(person.date_of_birth),
            "aliases": [n.full_name for n in person.other_names],
            "addresses": [a.one_line for a in person.addresses],
        }
    return found


def _partner(session: Session, sent: Any, names: dict[Any, str]) -> dict[str, Any]:
    agency = session.get(Agency, sent.agency_id)
    return {
        "agency": agency.name if agency else "",
        "asked": sent.asked,
        "sent_at": _iso(sent.sent_at),
        "due_on": _iso(sent.due_on),
        "status": PartnerRequestStatus(sent.status).label,
        "response": sent.response,
        "responded_by": names.get(sent.responded_by_id, "") if sent.responded_by_id else "",
        "responded_at": _iso(sent.responded_at),
        "closed_reason": sent.closed_reason,
    }


def _found_in(session: Session, item: Any) -> dict[str, Any] | None:
    """The check an item was found in, as its provenance (kept even if the check was struck out since)."""
    check = session.get(Check, item.check_id) if item.check_id else None
    if check is None:
        return None
    return {
        "name": check.name,
        "performed_at": _iso(check.performed_at),
        "reference": check.reference,
        "struck_out": check.removed_at is not None,
    }


def _item(
    item: Any, people: dict[Any, dict[str, Any]], names: dict[Any, str], found_in: dict[str, Any] | None
) -> dict[str, Any]:
    short, words = grading(item.source_grade, item.information_grade, item.handling_code)
    person = people.get(item.person_id)
    return {
        "number": item.number,
        "about": f"{person['role']}: {person['name']}" if person else "",
        "summary": item.summary,
        "source": item.source,
        "source_reference": item.source_reference,
        "found_in": found_in,
        "information_date": _iso(item.information_date),
        "recorded_by": names.get(item.recorded_by_id, ""),
        "recorded_at": _iso(item.recorded_at),
        "grading": short,
        "grading_text": words,
        "nature": Nature(item.nature).label,
        "disclosable": item.disclosable,
        "disclose_to": DiscloseTo(item.disclose_to).label if item.disclose_to else "",
        "owner_consent": OwnerConsent(item.owner_consent).label,
        "attachments": [
            {"filename": a.filename, "size": a.size, "sha256": a.sha256}
            for a in item.attachments
            if a.removed_at is None
        ],
    }
