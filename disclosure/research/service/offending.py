"""The subject's offending and management on a Sarah's Law case: relevant convictions (offence, date,
whether a child sexual offence, whether spent), registered-sex-offender status and MAPPA management
(category, level, lead agency, offender manager), and research's assessment of the risk to the child.

The presumption to disclose applies when the subject has child sexual offence convictions and poses a risk
(and disclosure is necessary and proportionate, which the panel decides) [WYP-CSODS][CSODS-2023]: the panel
then reads that the presumption applies, and a decision not to disclose gives its reason for departing from
it (`decisions.service.decisions`). Registered-sex-offender status also feeds the CSODS Annual Data
Requirement ("applications about registered sex offenders") [PQ-2025].
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.clocks import uk_today
from disclosure.db import check_version, utcnow
from disclosure.errors import InvalidTransition
from disclosure.forms import LONG, SHORT, parse_date, raise_if, rows, text, yes_no
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.vocabulary import PartyRole, Scheme
from disclosure.research.models import ResearchPackage, SubjectConviction
from disclosure.research.service.common import begin_change, case_to_change, record
from disclosure.research.vocabulary import MappaCategory, MappaLead, MappaLevel

MAX_CONVICTIONS = 50

NOT_SARAHS_LAW = "The subject's offending and MAPPA management are recorded on Sarah's Law cases"


@dataclass(frozen=True)
class Offending:
    """What the panel reads about the subject's offending, and whether the presumption applies."""

    registered: bool | None
    convictions: list[SubjectConviction]
    poses_risk: bool | None

    @property
    def child_sexual_convictions(self) -> list[SubjectConviction]:
        return [c for c in self.convictions if c.child_sexual_offence]

    @property
    def presumption(self) -> bool:
        """Child sexual offence convictions and a risk to the child [WYP-CSODS]."""
        return bool(self.child_sexual_convictions) and self.poses_risk is True


def convictions(session: Session, request_id: uuid.UUID) -> list[SubjectConviction]:
    return list(
        session.scalars(
            select(SubjectConviction)
            .where(SubjectConviction.request_id == request_id)
            .order_by(SubjectConviction.position)
        )
    )


def offending(session: Session, case: DisclosureRequest, package: ResearchPackage) -> Offending:
    return Offending(package.subject_registered, convictions(session, case.id), package.poses_risk)


def _subject(case: DisclosureRequest) -> uuid.UUID:
    subjects = case.parties_in(PartyRole.SUBJECT)
    if not subjects:
        raise InvalidTransition("Add the subject to the case before recording their offending")
    return subjects[0].person_id


def _choice(values: dict[str, Any], name: str, vocabulary: Any, message: str, errors: dict[str, str]) -> str:
    raw = text(values, name)
    if raw and raw not in {str(v) for v in vocabulary}:
        errors[name] = message
        return ""
    return raw


def _management(values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """Registration and MAPPA. A registered sex offender is managed under MAPPA category 1, and category 1
    is registered sexual offenders (MAPPA Guidance; CJA 2003 s.325); a category needs a level and a lead."""
    registered = yes_no(values, "subject_registered", "the subject is a registered sex offender", errors)
    since = parse_date(values, "registered_since", "Date registered", errors, required=False)
    if since and since > uk_today():
        errors["registered_since"] = "Date registered must be today or in the past"
    if registered is False and since:
        errors["registered_since"] = "Remove the date registered, or answer yes: the subject is registered"
    category = _choice(values, "mappa_category", MappaCategory, "Select a MAPPA category", errors)
    level = _choice(values, "mappa_level", MappaLevel, "Select a MAPPA level", errors)
    lead = _choice(values, "mappa_lead", MappaLead, "Select the lead agency", errors)
    one = MappaCategory.REGISTERED_SEXUAL.value
    if registered and category and category != one and "mappa_category" not in errors:
        errors["mappa_category"] = "A registered sex offender is managed under MAPPA category 1"
    if registered is False and category == one:
        errors["mappa_category"] = "Category 1 is registered sexual offenders: answer yes, or choose 2 or 3"
    if category and not level and "mappa_level" not in errors:
        errors["mappa_level"] = "Select the MAPPA level the subject is managed at"
    if category and not lead and "mappa_lead" not in errors:
        errors["mappa_lead"] = "Select the agency leading the subject's MAPPA management"
    if not category and (level or lead):
        errors["mappa_category"] = "Select the MAPPA category, or clear the level and lead agency"
    manager = text(values, "offender_manager", limit=SHORT)
    if len(manager) > SHORT:
        errors["offender_manager"] = f"Offender manager must be {SHORT} characters or fewer"
    visor = text(values, "visor_reference", limit=60)
    if len(visor) > 60:
        errors["visor_reference"] = "ViSOR reference must be 60 characters or fewer"
    return {
        "subject_registered": registered,
        "registered_since": since,
        "visor_reference": visor,
        "mappa_category": category,
        "mappa_level": level if category else "",
        "mappa_lead": lead if category else "",
        "offender_manager": manager,
    }


def _risk(values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    raw = text(values, "poses_risk")
    poses = {"yes": True, "no": False, "not_assessed": None}.get(raw)
    if raw not in ("yes", "no", "not_assessed"):
        errors["poses_risk"] = "Select whether the subject poses a risk of harm to the child"
    reasons = text(values, "risk_to_child", limit=LONG)
    if poses is not None and not reasons:
        errors["risk_to_child"] = "Say why the subject does or does not pose a risk to the child"
    return {"poses_risk": poses, "risk_to_child": reasons}


def _convictions(values: dict[str, Any], errors: dict[str, str]) -> list[dict[str, Any]]:
    """Rows `conviction-N-offence`, `-date`, `-child_sexual`, `-spent` and `-reference`; a blank row is
    dropped, so clearing a row removes a mistaken conviction."""
    found = []
    today = uk_today()
    fields = ("offence", "date", "reference")
    for n in rows(values, "conviction", fields, errors, limit=MAX_CONVICTIONS):
        name, number = f"conviction-{n}", n + 1
        offence = text(values, f"{name}-offence", limit=300)
        if not offence:
            errors[f"{name}-offence"] = f"Enter the offence for conviction {number}"
        elif len(offence) > 300:
            errors[f"{name}-offence"] = f"Offence for conviction {number} must be 300 characters or fewer"
        day = parse_date(values, f"{name}-date", f"Date of conviction {number}", errors)
        if day and day > today:
            errors[f"{name}-date"] = f"Date of conviction {number} must be today or in the past"
        reference = text(values, f"{name}-reference", limit=120)
        if len(reference) > 120:
            errors[f"{name}-reference"] = f"Reference for conviction {number} must be 120 characters or fewer"
        found.append(
            {
                "offence": offence,
                "convicted_on": day,
                "child_sexual_offence": bool(yes_no(values, f"{name}-child_sexual", "", {}, required=False)),
                "spent": bool(yes_no(values, f"{name}-spent", "", {}, required=False)),
                "reference": reference,
            }
        )
    return sorted(found, key=lambda c: c["convicted_on"] or date.min, reverse=True)


def record_offending(
    session: Session, actor: Principal, request_id: uuid.UUID, values: dict[str, Any]
) -> ResearchPackage:
    """Save the subject's offending and management as a whole: a conviction left out is removed, one kept
    keeps who recorded it and when. Only on a Sarah's Law case in research with a draft package."""
    case = case_to_change(session, actor, request_id)
    if case.scheme != Scheme.CSODS.value:
        raise InvalidTransition(NOT_SARAHS_LAW)
    package = begin_change(session, actor, case)
    check_version(package.version, values.get("version"))
    subject_id = _subject(case)
    errors: dict[str, str] = {}
    fields = _management(values, errors) | _risk(values, errors)
    found = _convictions(values, errors)
    raise_if(errors, values)
    for name, value in fields.items():
        setattr(package, name, value)
    package.offending_recorded_at = utcnow()
    _replace(session, actor, case, subject_id, found)
    package.updated_at = utcnow()
    current = offending(session, case, package)
    record(
        session,
        actor,
        case,
        "offending",
        AuditCategory.ALTERATION,
        "The subject's offending and MAPPA management saved",
        object_type="research_package",
        object_id=package.id,
        convictions=len(current.convictions),
        registered=package.subject_registered,
        presumption=current.presumption,
    )
    return package


def _replace(
    session: Session,
    actor: Principal,
    case: DisclosureRequest,
    subject_id: uuid.UUID,
    found: list[dict[str, Any]],
) -> None:
    held = {
        (c.offence, c.convicted_on, c.child_sexual_offence, c.spent, c.reference): c
        for c in convictions(session, case.id)
    }
    for position, row in enumerate(found):
        key = (
            row["offence"],
            row["convicted_on"],
            row["child_sexual_offence"],
            row["spent"],
            row["reference"],
        )
        kept = held.pop(key, None)
        if kept is None:
            kept = SubjectConviction(
                request_id=case.id, person_id=subject_id, recorded_by_id=actor.user_id, **row
            )
            session.add(kept)
        kept.position = position
    for gone in held.values():
        session.delete(gone)
    session.flush()


def form_values(session: Session, case: DisclosureRequest, package: ResearchPackage) -> dict[str, str]:
    """The saved record as the form's values."""
    since = package.registered_since
    risk = {True: "yes", False: "no", None: "not_assessed" if package.offending_recorded_at else ""}
    values = {
        "subject_registered": {True: "yes", False: "no", None: ""}[package.subject_registered],
        "registered_since-day": str(since.day) if since else "",
        "registered_since-month": str(since.month) if since else "",
        "registered_since-year": str(since.year) if since else "",
        "visor_reference": package.visor_reference,
        "mappa_category": package.mappa_category,
        "mappa_level": package.mappa_level,
        "mappa_lead": package.mappa_lead,
        "offender_manager": package.offender_manager,
        "poses_risk": risk[package.poses_risk],
        "risk_to_child": package.risk_to_child,
        "version": str(package.version),
    }
    for n, conviction in enumerate(convictions(session, case.id)):
        day = conviction.convicted_on
        values |= {
            f"conviction-{n}-offence": conviction.offence,
            f"conviction-{n}-date-day": str(day.day),
            f"conviction-{n}-date-month": str(day.month),
            f"conviction-{n}-date-year": str(day.year),
            f"conviction-{n}-child_sexual": "yes" if conviction.child_sexual_offence else "",
            f"conviction-{n}-spent": "yes" if conviction.spent else "",
            f"conviction-{n}-reference": conviction.reference,
        }
    return values


def snapshot(session: Session, case: DisclosureRequest, package: ResearchPackage) -> dict[str, Any] | None:
    """The frozen form for the panel (none on a Clare's Law case)."""
    if case.scheme != Scheme.CSODS.value:
        return None
    current = offending(session, case, package)
    return {
        "recorded": package.offending_recorded_at is not None,
        "registered": package.subject_registered,
        "registered_since": package.registered_since.isoformat() if package.registered_since else None,
        "visor_reference": package.visor_reference,
        "mappa": {
            "category": MappaCategory(package.mappa_category).label if package.mappa_category else "",
            "level": MappaLevel(package.mappa_level).label if package.mappa_level else "",
            "lead": MappaLead(package.mappa_lead).label if package.mappa_lead else "",
            "offender_manager": package.offender_manager,
        },
        "convictions": [
            {
                "offence": c.offence,
                "convicted_on": c.convicted_on.isoformat(),
                "child_sexual_offence": c.child_sexual_offence,
                "spent": c.spent,
                "reference": c.reference,
            }
            for c in current.convictions
        ],
        "poses_risk": package.poses_risk,
        "risk_to_child": package.risk_to_child,
        "presumption": current.presumption,
    }
