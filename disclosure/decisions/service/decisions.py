"""The decision record: drafted by a member taking part, signed off by the chair after re-authentication,
then immutable, with corrections as addenda [issue 5].

Rules (DOMAIN.md "Decision", "No disclosure"; DVDS-2023; ASP-CSODS; Bexley):
- The quorum must be met, by recorded attendance, before a decision is recorded or signed.
- Disclose: all four legal tests met (lawful, necessary, proportionate, pressing need), each reasoned; the
  Article 8 balance and spent convictions reasoned; the exact wording; the recipients (the person at risk or
  the person best placed to protect; for Sarah's Law only a parent, carer or guardian; never automatically a
  third-party applicant); who delivers it; whether the subject's views were sought and whether they will be
  told; a safety plan; further safeguarding actions.
- Do not disclose: a reason from the configured list, the safety advice still given (no information does
  not mean no risk) and what the applicant will be told (a third party is never told what was disclosed);
  on Sarah's Law, where the package records child sexual offence convictions and a risk to the child, the
  reason for departing from the presumption to disclose [WYP-CSODS].
- An urgent disclosure made before the panel for immediate protection [Beds] is ratified or not by the
  decision (with reasons if not); signing records the answer on it (`decisions.service.urgent`).
- Defer: the questions research must answer; the case returns to research.
- Every agency taking part gives its view; dissent needs reasons; the chair's rationale is mandatory.
- The signer is the meeting's chair, and not the drafter when the panel policy says so. Signing is one
  conditional UPDATE, so two concurrent sign-offs have one effect.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from disclosure import chronology
from disclosure.accounts.directory import active_users_with
from disclosure.accounts.models import User
from disclosure.accounts.roles import Role
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.db import check_version, utcnow
from disclosure.decisions.models import (
    Addendum,
    AgencyView,
    AgendaItem,
    Decision,
    NoDisclosureReason,
    PanelAgency,
)
from disclosure.decisions.service import urgent
from disclosure.decisions.service.common import (
    Quorum,
    current_policy,
    decision_for,
    load_item,
    membership,
    papers_basis,
    quorum,
    record,
    takes_part,
)
from disclosure.decisions.service.prefill import TEST_PREFIX
from disclosure.decisions.service.recipients import (
    RecipientOption,
    capacity,
    find_option,
    not_a_recipient,
    recipient_options,
)
from disclosure.decisions.vocabulary import (
    DecisionStatus,
    LegalTest,
    Outcome,
    Safeguarding,
    SpentConvictions,
    View,
)
from disclosure.decisions.workflow import DECISIONS, DecisionVerb
from disclosure.errors import Conflict, InvalidTransition, NotFound, PermissionDenied
from disclosure.forms import (
    LONG,
    choice,
    identifier,
    identifiers,
    raise_if,
    required_text,
    text,
    yes_no,
)
from disclosure.requests import access
from disclosure.requests import service as requests_service
from disclosure.requests.models import DisclosureRequest
from disclosure.requests.vocabulary import PartyRole, Route, Scheme
from disclosure.requests.workflow import RequestStatus, Verb, require_open
from disclosure.research.models import PackageVersion
from disclosure.research.service.package import reopen_package
from disclosure.text import as_list


def disclosing_officers(session: Session) -> list[User]:
    return active_users_with(session, [Role.DISCLOSING_OFFICER])


def no_disclosure_reasons(session: Session, *, active_only: bool = True) -> list[NoDisclosureReason]:
    query = select(NoDisclosureReason).order_by(NoDisclosureReason.position, NoDisclosureReason.label)
    if active_only:
        query = query.where(NoDisclosureReason.active.is_(True))
    return list(session.scalars(query))


def _case_awaiting(session: Session, item: AgendaItem) -> DisclosureRequest:
    """The case must still be awaiting a decision on the version put to the panel."""
    case = session.get(DisclosureRequest, item.request_id)
    if case is None:
        raise NotFound("There is no such case on this agenda")
    require_open(case)
    if RequestStatus(case.status) is not RequestStatus.AWAITING_DECISION:
        raise InvalidTransition(
            f"This case is '{RequestStatus(case.status).label}', not awaiting a decision: "
            "take it off the agenda"
        )
    from disclosure.decisions.service.panels import latest_version

    latest = latest_version(session, case.id)
    if latest is None or latest.id != item.package_version_id:
        raise InvalidTransition("A newer package version was submitted: take this item off and add it again")
    return case


def _parse_tests(values: dict[str, Any], errors: dict[str, str], *, outcome: Outcome) -> dict[str, Any]:
    """A disclosure needs every test met, each reasoned [DVDS-2023][WYP-DVDS]; a decision not to disclose
    records the tests the panel considered, each reasoned. Each outcome asks them under its own names."""
    disclose, prefix = outcome is Outcome.DISCLOSE, TEST_PREFIX[outcome]
    tests: dict[str, Any] = {}
    for test in LegalTest:
        name, words = f"{prefix}{test.value}", test.value.replace("_", " ")
        answer = yes_no(values, name, f"the {words} test is met", errors, required=disclose)
        reasoning = text(values, f"{name}-reasoning", limit=LONG)
        if disclose and answer is False:
            errors[name] = f"A disclosure needs the {words} test met; if it is not, do not disclose"
        if answer is not None and not reasoning:
            errors[f"{name}-reasoning"] = f"Give the reasoning for the {words} test"
        if answer is not None:
            tests[test.value] = {"met": answer, "reasoning": reasoning}
    return tests


def _parse_views(
    values: dict[str, Any], agencies: list[PanelAgency], errors: dict[str, str]
) -> list[tuple[PanelAgency, View, str]]:
    views = []
    for agency in agencies:
        name = f"view-{agency.id}"
        view = choice(values, name, View, f"Select the view of {agency.name}", errors)
        reasons = text(values, f"{name}-reasons", limit=LONG)
        if view is View.DISSENT and not reasons:
            errors[f"{name}-reasons"] = f"Give the reasons for {agency.name}'s dissent"
        if view is not None:
            views.append((agency, view, reasons))
    return views


def presumption_applies(snapshot: dict[str, Any]) -> bool:
    """Sarah's Law's presumption to disclose, as the package put to the panel records it: convictions for
    child sexual offences and a risk to the child [WYP-CSODS] (`research.service.offending`)."""
    return bool((snapshot.get("offending") or {}).get("presumption"))


def _parse(
    session: Session,
    case: DisclosureRequest,
    agencies: list[PanelAgency],
    values: dict[str, Any],
    *,
    presumption: bool = False,
) -> tuple[dict[str, Any], list[tuple[PanelAgency, View, str]]]:
    """Every rule at its field at once; the values of the fields that do not apply are dropped. Where the
    presumption to disclose applies, a decision not to disclose gives the reason for departing from it."""
    errors: dict[str, str] = {}
    outcome = choice(values, "outcome", Outcome, "Select the panel's decision", errors)
    barred = requests_service.disclosure_barred(case)
    if outcome is Outcome.DISCLOSE and barred:
        errors["outcome"] = barred
    fields: dict[str, Any] = {
        "outcome": outcome.value if outcome else None,
        "presumption_applies": presumption,
    }
    # Only the chosen outcome's questions are read, in the order the form asks them, so the error summary
    # follows the page; answers left in another outcome's questions are ignored.
    if outcome is Outcome.DISCLOSE:
        fields["legal_tests"] = _parse_tests(values, errors, outcome=outcome)
        fields |= _parse_disclosure(session, case, values, errors)
    elif outcome is Outcome.NO_DISCLOSURE:
        fields |= _parse_no_disclosure(session, case, values, errors, presumption=presumption)
        fields["legal_tests"] = _parse_tests(values, errors, outcome=outcome)
    elif outcome is Outcome.DEFER:
        fields["questions"] = required_text(values, "questions", "Enter what research must find out", errors)
    fields |= urgent.parse_ratification(session, case, values, errors)
    views = _parse_views(values, agencies, errors)
    fields["rationale"] = required_text(values, "rationale", "Enter the chair's rationale", errors)
    raise_if(errors, values)
    return fields, views


def _parse_disclosure(
    session: Session, case: DisclosureRequest, values: dict[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "article8": required_text(values, "article8", "Enter the Article 8 balance and its reasoning", errors)
    }
    spent = choice(
        values, "spent_convictions", SpentConvictions, "Select how spent convictions were treated", errors
    )
    fields["spent_convictions"] = spent.value if spent else ""
    fields["spent_reasoning"] = text(values, "spent_reasoning", limit=LONG)
    if spent in (SpentConvictions.EXCLUDED, SpentConvictions.INCLUDED) and not fields["spent_reasoning"]:
        errors["spent_reasoning"] = "Give the reasoning on spent convictions"
    fields["wording"] = required_text(values, "wording", "Enter the exact words to be disclosed", errors)
    fields |= _parse_recipients(session, case, values, errors)
    deliverer = identifier(values, "deliverer_id", "Select who will deliver the disclosure", errors)
    if deliverer and deliverer not in {u.id for u in disclosing_officers(session)}:
        errors["deliverer_id"] = "Select an active user with the disclosing officer role"
    fields["deliverer_id"] = deliverer
    fields["subject_views_sought"] = yes_no(
        values, "subject_views_sought", "the subject's views were sought", errors
    )
    fields["subject_views"] = required_text(
        values, "subject_views", "Enter the subject's views, or why they were not sought", errors
    )
    fields["subject_told"] = yes_no(
        values, "subject_told", "the subject will be told of the disclosure", errors
    )
    fields["subject_told_reason"] = required_text(
        values, "subject_told_reason", "Enter why the subject will or will not be told", errors
    )
    fields["safety_plan"] = required_text(values, "safety_plan", "Enter the safety plan", errors)
    known = {s.value for s in Safeguarding}
    fields["safeguarding"] = [r for r in as_list(values.get("safeguarding")) if r in known]
    fields["safeguarding_details"] = text(values, "safeguarding_details", limit=LONG)
    if Safeguarding.OTHER.value in fields["safeguarding"] and not fields["safeguarding_details"]:
        errors["safeguarding_details"] = "Describe the other safeguarding action"
    return fields


def _parse_recipients(
    session: Session, case: DisclosureRequest, values: dict[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    """The person at risk, or the person best placed to protect them (with why); for Sarah's Law only a
    parent, carer or guardian (with how). A third-party applicant is never told automatically."""
    scheme = Scheme(case.scheme)
    options = recipient_options(session, case)
    chosen: list[RecipientOption] = []
    for party_id in identifiers(values, "recipients"):
        option = find_option(options, party_id)
        if option is not None and option not in chosen:  # one person, however many roles they hold
            chosen.append(option)
    reasons = text(values, "recipient_reasons", limit=LONG)
    refused = [o for o in chosen if capacity(scheme, o) is None]
    if not chosen:
        errors["recipients"] = "Select who will be told"
    elif refused:
        errors["recipients"] = not_a_recipient(refused[0])
    elif scheme is Scheme.CSODS and not reasons:
        errors["recipient_reasons"] = (
            "Say how each recipient is a parent, carer or guardian of the child, or best placed to "
            "protect them"
        )
    elif any(not o.holds(PartyRole.PERSON_AT_RISK) for o in chosen) and not reasons:
        errors["recipient_reasons"] = (
            "Say why each recipient other than the person at risk is best placed to protect them"
        )
    recipients = [
        {
            "party_id": str(o.party_id),
            "name": o.name,
            "role": o.role.value,
            "roles": [r.value for r in o.held],
            "capacity": told.value,
        }
        for o in chosen
        if (told := capacity(scheme, o)) is not None
    ]
    return {"recipients": recipients, "recipient_reasons": reasons}


def _parse_no_disclosure(
    session: Session,
    case: DisclosureRequest,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    presumption: bool,
) -> dict[str, Any]:
    """A listed reason; where Sarah's Law's presumption to disclose applies, why the panel departs from it
    [WYP-CSODS]; the safety advice still given, since no information does not mean no risk; and what the
    applicant will be told, where there is one [Bexley]."""
    reason_id = identifier(values, "no_disclosure_reason_id", "Select the reason for not disclosing", errors)
    if reason_id and reason_id not in {r.id for r in no_disclosure_reasons(session)}:
        errors["no_disclosure_reason_id"] = "Select a reason from the list"
    fields: dict[str, Any] = {"no_disclosure_reason_id": reason_id}
    if presumption:
        fields["presumption_departure"] = required_text(
            values,
            "presumption_departure",
            "The presumption to disclose applies: give the reason for departing from it",
            errors,
        )
    fields["safety_advice"] = required_text(
        values, "safety_advice", "Enter the safety advice still to be given", errors
    )
    if Route(case.route).has_applicant:
        fields["applicant_told"] = required_text(
            values, "applicant_told", "Enter what the applicant will be told", errors
        )
    return fields


_OUTCOME_FIELDS = (
    "legal_tests",
    "article8",
    "spent_convictions",
    "spent_reasoning",
    "wording",
    "recipients",
    "recipient_reasons",
    "deliverer_id",
    "subject_views_sought",
    "subject_views",
    "subject_told",
    "subject_told_reason",
    "safety_plan",
    "safeguarding",
    "safeguarding_details",
    "no_disclosure_reason_id",
    "safety_advice",
    "applicant_told",
    "questions",
    "presumption_applies",
    "presumption_departure",
    "urgent_ratification",
    "urgent_ratification_notes",
)
_EMPTY: dict[str, Any] = {
    "legal_tests": {},
    "recipients": [],
    "safeguarding": [],
    "deliverer_id": None,
    "subject_views_sought": None,
    "subject_told": None,
    "no_disclosure_reason_id": None,
    "presumption_applies": False,
}


def _may_draft(session: Session, actor: Principal, item: AgendaItem) -> None:
    """A panel member or chair taking part in this case drafts the decision."""
    if not actor.roles & {Role.PANEL_MEMBER.value, Role.PANEL_CHAIR.value}:
        raise PermissionDenied()
    if not takes_part(session, item, membership(session, item.meeting, actor)):
        raise PermissionDenied("Only a member taking part in this case can record its decision")


def _require_quorum(session: Session, item: AgendaItem) -> Quorum:
    met = quorum(session, item)
    if not met.met:
        raise InvalidTransition("The panel is not quorate for this case: " + "; ".join(met.problems))
    return met


def record_decision(
    session: Session, actor: Principal, meeting_id: uuid.UUID, item_id: uuid.UUID, values: dict[str, Any]
) -> Decision:
    """Save (or change) the draft decision on one case."""
    item = load_item(session, actor, meeting_id, item_id)
    _may_draft(session, actor, item)
    decision = decision_for(session, item)
    if decision is not None:
        if decision.status == DecisionStatus.SIGNED.value:
            raise InvalidTransition("This decision is signed off; add an addendum to correct it")
        check_version(decision.version, values.get("version"), what="this decision")
    case = _case_awaiting(session, item)
    met = _require_quorum(session, item)
    version = session.get(PackageVersion, item.package_version_id)
    presumption = presumption_applies(version.snapshot) if version else False
    fields, views = _parse(session, case, met.agencies, values, presumption=presumption)
    if decision is None:
        decision = Decision(
            agenda_item_id=item.id,
            request_id=case.id,
            package_version_number=version.number if version else 0,
            drafted_by_id=actor.user_id,
            outcome=fields["outcome"],
        )
        session.add(decision)
    for name in _OUTCOME_FIELDS:
        setattr(decision, name, fields.get(name, _EMPTY.get(name, "")))
    decision.outcome, decision.rationale, decision.drafted_by_id = (
        fields["outcome"],
        fields["rationale"],
        actor.user_id,
    )
    decision.views.clear()
    session.flush()
    for position, (agency, view, reasons) in enumerate(views):
        decision.views.append(
            AgencyView(panel_agency_id=agency.id, position=position, view=view.value, reasons=reasons)
        )
    session.flush()
    record(
        session,
        actor,
        "decision.draft",
        AuditCategory.COLLECTION,
        f"Decision drafted: {Outcome(decision.outcome).label}",
        object_type="decision",
        object_id=decision.id,
        reference=case.reference,
        outcome=decision.outcome,
        dissent=sum(1 for _, view, _ in views if view is View.DISSENT),
    )
    return decision


def sign(
    session: Session, actor: Principal, meeting_id: uuid.UUID, item_id: uuid.UUID, values: dict[str, Any]
) -> Decision:
    """The chair signs the decision off (the route asks for a recent password and code). The record is then
    immutable and the request moves on: to delivery, to communicating the outcome, or back to research."""
    item = load_item(session, actor, meeting_id, item_id)
    decision = decision_for(session, item)
    if decision is None:
        raise InvalidTransition("Record the decision before signing it off")
    status = DecisionStatus(decision.status)
    if not DECISIONS.can(status, DecisionVerb.SIGN_OFF):  # done already: a Conflict (see DECISIONS)
        raise Conflict("This decision is already signed off")
    if item.meeting.chair_id != actor.user_id or Role.PANEL_CHAIR.value not in actor.roles:
        raise PermissionDenied("Only the chair of this meeting can sign its decisions off")
    policy = current_policy(session)
    if policy.signer_not_drafter and decision.drafted_by_id == actor.user_id:
        raise PermissionDenied(
            "The panel's policy is that the chair who signs is not the person who drafted the decision"
        )
    check_version(decision.version, values.get("version"), what="this decision")
    case = _case_awaiting(session, item)
    barred = requests_service.disclosure_barred(case)
    if decision.outcome == Outcome.DISCLOSE.value and barred:
        raise InvalidTransition(barred)
    if urgent.awaiting(session, case.id) and not decision.urgent_ratification:
        raise InvalidTransition(
            "An urgent disclosure made before the panel awaits ratification: change the decision to answer it"
        )
    now = utcnow()
    for _, sentence in chronology.breaches("decisions.sign", {"meets_at": item.meeting.meets_at}, now=now):
        raise InvalidTransition(sentence)
    met = _require_quorum(session, item)
    signed_off = DECISIONS.next(status, DecisionVerb.SIGN_OFF)
    signed = session.execute(  # a CursorResult: UPDATE reports the rows it changed
        update(Decision)
        .where(
            Decision.id == decision.id,
            Decision.status == status.value,
            Decision.version == decision.version,
        )
        .values(
            status=signed_off.value,
            signed_by_id=actor.user_id,
            signed_at=now,
            quorum=met.as_record(policy),
            version=Decision.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], signed).rowcount != 1:
        raise Conflict("This decision was signed off or changed by someone else a moment ago")
    session.refresh(decision)
    urgent.ratify(session, decision)
    outcome = Outcome(decision.outcome)
    if outcome is Outcome.DISCLOSE:
        requests_service.move_on(session, actor, case, Verb.DECIDE_TO_DISCLOSE, "Panel decided to disclose")
        if decision.deliverer_id:  # the disclosing officer needs the case to prepare and record the delivery
            access.add_member(session, case, decision.deliverer_id)
    elif outcome is Outcome.NO_DISCLOSURE:
        requests_service.move_on(
            session, actor, case, Verb.DECIDE_NOT_TO_DISCLOSE, "Panel decided not to disclose"
        )
    else:
        reopen_package(
            session, actor, case, f"Deferred by the panel for more information: {decision.questions}"
        )
    record(
        session,
        actor,
        "decision.sign",
        AuditCategory.ALTERATION,
        f"Decision signed off: {outcome.label}",
        object_type="decision",
        object_id=decision.id,
        reference=case.reference,
        outcome=decision.outcome,
        package_version=decision.package_version_number,
    )
    return decision


def add_addendum(
    session: Session, actor: Principal, meeting_id: uuid.UUID, item_id: uuid.UUID, values: dict[str, Any]
) -> Addendum:
    """A correction to a signed decision, by its chair or a member who took part; the original stays."""
    item = load_item(session, actor, meeting_id, item_id)
    case = session.get(DisclosureRequest, item.request_id)
    if case is not None:
        require_open(case)
    decision = decision_for(session, item)
    if decision is None or decision.status != DecisionStatus.SIGNED.value:
        raise InvalidTransition("Only a signed decision takes addenda; change the draft instead")
    _may_draft(session, actor, item)
    errors: dict[str, str] = {}
    body = required_text(values, "text", "Enter the correction or addition", errors)
    reason = required_text(values, "reason", "Enter why it is needed", errors)
    raise_if(errors, values)
    addendum = Addendum(decision_id=decision.id, text=body, reason=reason, added_by_id=actor.user_id)
    session.add(addendum)
    session.flush()
    record(
        session,
        actor,
        "decision.addendum",
        AuditCategory.ALTERATION,
        "Addendum added to the signed decision (reason on the addendum)",
        object_type="decision",
        object_id=decision.id,
        addendum_id=str(addendum.id),
    )
    return addendum


# ---------------------------------------------------------------- reading


def decision_on_item(
    session: Session, actor: Principal, meeting_id: uuid.UUID, item_id: uuid.UUID
) -> tuple[AgendaItem, Decision | None]:
    item = load_item(session, actor, meeting_id, item_id)
    return item, decision_for(session, item)


def case_decisions(session: Session, actor: Principal, request_id: uuid.UUID) -> list[Decision]:
    """The signed decisions on a case, for its team (need to know is the requests feature's rule)."""
    case = requests_service.load(session, actor, request_id)
    return list(
        session.scalars(
            select(Decision)
            .where(Decision.request_id == case.id, Decision.status == DecisionStatus.SIGNED.value)
            .order_by(Decision.signed_at)
        )
    )


def get_decision(session: Session, actor: Principal, decision_id: uuid.UUID) -> Decision:
    """One decision, for those who may read its case's panel papers (`papers_basis`: its meeting's convener
    and chair, members taking part, the case team or a reason stated on the case); reading is audited with
    the basis. Anyone else is told there is no such decision."""
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound("There is no such decision")
    item = session.get(AgendaItem, decision.agenda_item_id)
    assert item is not None
    basis = papers_basis(session, actor, item)
    if basis is None:
        raise NotFound("There is no such decision")
    record(
        session,
        actor,
        "decision.view",
        AuditCategory.CONSULTATION,
        f"Decision read: {basis}",
        object_type="decision",
        object_id=decision.id,
    )
    return decision
