"""Recording how the outcome reached the recipient [issue 6]: the in-person disclosure (identity re-confirmed,
confidentiality warning given and acknowledged, safety plan agreed, support signposted, the reaction, whether
the subject was told) or how a decision not to disclose was communicated (DOMAIN.md "What is recorded":
Delivery [ASP-CSODS][Gloucs]). Recording it completes the request's clock and allows closure; it needs a
signed decision and happens once."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure import chronology, corrections
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.decisions.vocabulary import Outcome
from disclosure.errors import Conflict, InvalidTransition, NotFound
from disclosure.forms import (
    LONG,
    SHORT,
    choice,
    datetime_answers,
    in_page_order,
    optional_text,
    parse_datetime,
    present,
    raise_if,
    required_text,
    text,
    yes_no,
)
from disclosure.letters.context import recipient_names, signed_decision
from disclosure.letters.models import Delivery, GeneratedLetter
from disclosure.letters.service import record
from disclosure.letters.vocabulary import Acknowledgement, DeliveryMethod, LetterKind
from disclosure.requests import safe_contact
from disclosure.requests import service as requests_service
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.vocabulary import PartyRole, SafeChannel
from disclosure.requests.workflow import RequestStatus, Verb

DELIVERY_STATUSES = frozenset({RequestStatus.TO_DISCLOSE, RequestStatus.OUTCOME_TO_COMMUNICATE})


def allowed_methods(case: DisclosureRequest, *, disclosure: bool) -> list[DeliveryMethod]:
    """How the outcome may be given: a disclosure always in person [Beds][Bexley]; an outcome to an applicant
    only the ways their safe contact allows (in person, a call to the safe number, a letter to the safe
    address) [issue 15]; with no applicant (Right to Know), any."""
    if disclosure:
        return [DeliveryMethod.IN_PERSON]
    applicant = next((p for p in case.parties if p.role == PartyRole.APPLICANT.value), None)
    if applicant is None:
        return list(DeliveryMethod)
    safe = {
        DeliveryMethod.IN_PERSON: SafeChannel.IN_PERSON in applicant.channels,
        DeliveryMethod.TELEPHONE: SafeChannel.PHONE in applicant.channels,
        DeliveryMethod.LETTER: safe_contact.postal_address(applicant) is not None,
    }
    return [method for method in DeliveryMethod if safe[method]]


def delivery_for(session: Session, case: DisclosureRequest) -> Delivery | None:
    return session.scalar(select(Delivery).where(Delivery.request_id == case.id))


def undertakings(session: Session, case: DisclosureRequest) -> list[GeneratedLetter]:
    return list(
        session.scalars(
            select(GeneratedLetter)
            .where(
                GeneratedLetter.request_id == case.id,
                GeneratedLetter.kind == LetterKind.CONFIDENTIALITY_UNDERTAKING.value,
            )
            .order_by(GeneratedLetter.number.desc())
        )
    )


def _parse_disclosure(
    session: Session,
    case: DisclosureRequest,
    decision: Any,
    values: dict[str, Any],
    errors: dict[str, str],
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "present": optional_text(values, "present", "Who else was present", errors, limit=LONG),
        "identity_reconfirmed": yes_no(values, "identity_reconfirmed", "identity was re-confirmed", errors),
        "warning_given": yes_no(values, "warning_given", "the confidentiality warning was given", errors),
    }
    if fields["identity_reconfirmed"] is False:
        errors["identity_reconfirmed"] = "Nothing is disclosed until the recipient's identity is re-confirmed"
    if fields["warning_given"] is False:
        errors["warning_given"] = "The confidentiality warning must be given with every disclosure"
    acknowledgement = choice(
        values, "acknowledgement", Acknowledgement, "Select how the warning was acknowledged", errors
    )
    fields["acknowledgement"] = acknowledgement.value if acknowledgement else None
    if acknowledgement is Acknowledgement.SIGNED:
        chosen = text(values, "undertaking_letter_id")
        known = {str(u.id): u.id for u in undertakings(session, case)}
        if chosen not in known:
            errors["undertaking_letter_id"] = "Select the undertaking that was signed (generate it first)"
        fields["undertaking_letter_id"] = known.get(chosen)
    # In the order the form asks, so the error summary reads top to bottom.
    fields["safety_plan_agreed"] = yes_no(values, "safety_plan_agreed", "the safety plan was agreed", errors)
    fields["support"] = required_text(values, "support", "Enter the support services signposted", errors)
    fields["reaction"] = required_text(values, "reaction", "Enter how the recipient reacted", errors)
    fields["subject_told"] = yes_no(values, "subject_told", "the subject has been told", errors)
    fields |= _difference_from_the_panel(values, decision.subject_told, fields["subject_told"], errors)
    if fields["subject_told"]:
        fields["subject_told_at"] = parse_datetime(
            values, "subject_told_at", "Date the subject was told", errors
        )
        if fields["subject_told_at"] is None and "subject_told_at" not in errors:
            errors["subject_told_at"] = "Enter when the subject was told"
    return fields


def _difference_from_the_panel(
    values: dict[str, Any], decided: bool | None, told: bool | None, errors: dict[str, str]
) -> dict[str, Any]:
    """Whether the subject is told is the panel's decision [WYP-DVDS]: a delivery that departs from it says
    why, with the chair's agreement [issue 15]."""
    if told is None or decided is None or told == decided:
        return {"subject_told_difference": "", "chair_agreed_difference": None}
    panel = "tell the subject" if decided else "not tell the subject"
    why = required_text(
        values,
        "subject_told_difference",
        f"Enter why this differs from the panel's decision to {panel}",
        errors,
    )
    agreed = yes_no(values, "chair_agreed_difference", "the chair agreed to the difference", errors)
    if agreed is False:
        errors["chair_agreed_difference"] = (
            f"The panel decided to {panel}: a different course needs the chair's agreement"
        )
    return {"subject_told_difference": why, "chair_agreed_difference": agreed}


def record_delivery(
    session: Session, actor: Principal, request_id: uuid.UUID, values: dict[str, Any]
) -> Delivery:
    """Record the disclosure or the communication of the outcome, once, after a signed decision."""
    case = requests_service.load_open(session, actor, request_id)
    if delivery_for(session, case) is not None:
        raise Conflict("The delivery of this outcome is already recorded")
    decision = signed_decision(session, case)
    status = RequestStatus(case.status)
    if decision is None or status not in DELIVERY_STATUSES:
        raise InvalidTransition(
            "A delivery can be recorded only after the panel has signed off its decision"
            + (f": this case is '{status.label}'" if decision is not None else "")
        )
    disclosure = decision.outcome == Outcome.DISCLOSE.value
    barred = requests_service.disclosure_barred(case)
    if disclosure and barred:
        raise InvalidTransition(barred)
    errors: dict[str, str] = {}
    method = _method(values, disclosure, errors)
    allowed = allowed_methods(case, disclosure=disclosure)
    if method is not None and method not in allowed and not disclosure:
        errors["method"] = f"The applicant's safe contact does not allow this ({method.label.lower()}): " + (
            f"choose {' or '.join(m.label.lower() for m in allowed)}"
            if allowed
            else "record a safe way first"
        )
    occurred_at = parse_datetime(values, "occurred", "Delivery date", errors)
    if occurred_at is None and "occurred" not in errors and "occurred-time" not in errors:
        errors["occurred"] = "Enter when it happened"
    place = optional_text(values, "place", "Where it happened", errors, limit=SHORT)
    if method is DeliveryMethod.IN_PERSON and not place:
        errors["place"] = "Enter where it happened"
    fields = _parse_disclosure(session, case, decision, values, errors) if disclosure else {}
    chronology.check(
        "letters.delivery",
        {
            "signed": decision.signed_at,
            "occurred": occurred_at,
            "subject_told_at": fields.get("subject_told_at"),
        },
        errors,
    )
    notes = optional_text(values, "notes", "Notes", errors, limit=LONG)
    raise_if(errors, values)
    delivery = Delivery(
        request_id=case.id,
        decision_id=decision.id,
        disclosure=disclosure,
        method=present(method).value,
        occurred_at=present(occurred_at),
        place=place,
        officer_id=actor.user_id,
        notes=notes,
        recorded_by_id=actor.user_id,
        **fields,
    )
    session.add(delivery)
    session.flush()
    what = "Disclosure delivered" if disclosure else "Outcome communicated"
    requests_service.move_on(session, actor, case, Verb.RECORD_OUTCOME_DELIVERED, what)
    record(
        session,
        actor,
        case,
        "delivery",
        AuditCategory.DISCLOSURE if disclosure else AuditCategory.COLLECTION,
        what,
        recipients=decision_recipients(case, decision) if disclosure else None,
        method=delivery.method,
    )
    return delivery


# ------------------------------------------------------------------------------------ corrections

OBJECT_TYPE = "delivery"
"""Corrections to a delivery record are filed under this object type."""
DELIVERY_FIELDS = [
    corrections.Field("occurred_at", "When it happened"),
    corrections.Field("place", "Where it happened"),
    corrections.Field("present", "Who else was present"),
    corrections.Field("support", "Support services signposted"),
    corrections.Field("reaction", "How the recipient reacted"),
    corrections.Field("notes", "Notes"),
]
"""What a delivery record's correction may change: the facts of the meeting or call. What the officer
attested (identity re-confirmed, the warning given and how it was acknowledged, the safety plan agreed) is
not corrected: a delivery without them could not have been recorded. Whether the subject was told follows
the panel's decision and is recorded with it."""


def correctable_values(delivery: Delivery) -> dict[str, Any]:
    """The delivery's facts as the correction form's answers."""
    return {
        **datetime_answers("occurred", delivery.occurred_at),
        **{f.name: getattr(delivery, f.name) for f in DELIVERY_FIELDS if f.name != "occurred_at"},
    }


def correct_delivery(
    session: Session, actor: Principal, request_id: uuid.UUID, values: dict[str, Any]
) -> Delivery:
    """Correct the record of a delivery (a mistyped time or place), with a reason, while the case is open;
    the old values stay in its history and the correction is audited (DPA 2018 s.62 [DPA-62]). The answers
    are checked as when it was recorded: in person needs a place, a disclosure its support and reaction,
    and the time falls after the signed decision and not in the future."""
    case = requests_service.load_open(session, actor, request_id)
    delivery = delivery_for(session, case)
    if delivery is None:
        raise NotFound("No delivery is recorded for this case yet")
    decision = signed_decision(session, case)
    errors: dict[str, str] = {}
    occurred_at = parse_datetime(values, "occurred", "Delivery date", errors)
    if occurred_at is None and "occurred" not in errors and "occurred-time" not in errors:
        errors["occurred"] = "Enter when it happened"
    new: dict[str, Any] = {
        "occurred_at": occurred_at,
        "place": optional_text(values, "place", "Where it happened", errors, limit=SHORT),
        "notes": optional_text(values, "notes", "Notes", errors, limit=LONG),
    }
    if delivery.method == DeliveryMethod.IN_PERSON.value and not new["place"] and "place" not in errors:
        errors["place"] = "Enter where it happened"
    if delivery.disclosure:
        new["present"] = optional_text(values, "present", "Who else was present", errors, limit=LONG)
        new["support"] = required_text(values, "support", "Enter the support services signposted", errors)
        new["reaction"] = required_text(values, "reaction", "Enter how the recipient reacted", errors)
    chronology.check(
        "letters.delivery",
        {"signed": decision.signed_at if decision else None, "occurred": occurred_at},
        errors,
    )
    reason = corrections.reason_from(values, errors)
    raise_if(in_page_order(errors, CORRECTION_FIELDS), values)
    corrections.amend(
        session,
        actor,
        delivery,
        DELIVERY_FIELDS,
        new,
        reason,
        object_type=OBJECT_TYPE,
        action="letters.delivery.correct",
        values=values,
        unchanged_at="occurred",
        reference=case.reference,
    )
    return delivery


CORRECTION_FIELDS = ("occurred", "place", "present", "support", "reaction", "notes", corrections.REASON)
"""The correction form's fields in page order."""


def decision_recipients(case: DisclosureRequest, decision: Any) -> str:
    """Who was told, each person once however many roles they hold on the case."""
    return ", ".join(recipient_names(case, decision))


IN_PERSON_ONLY = "A disclosure is made in person only"


def _method(values: dict[str, Any], disclosure: bool, errors: dict[str, str]) -> DeliveryMethod | None:
    """How it was done. A disclosure is made in person, never by telephone or letter, and nothing written
    is left with the recipient [Beds][Bexley] (DOMAIN.md "Delivery"): left unanswered it is in person, and
    any other way is refused at the field with the reason."""
    if disclosure and not text(values, "method"):
        return DeliveryMethod.IN_PERSON
    method = choice(values, "method", DeliveryMethod, "Select how it was done", errors)
    if disclosure and method is not None and method is not DeliveryMethod.IN_PERSON:
        errors["method"] = f"{IN_PERSON_ONLY}, never {method.label.lower()}: meet the recipient to tell them"
        return None
    if disclosure and method is None:
        errors["method"] = f"{IN_PERSON_ONLY}: select in person"
    return method
