"""What each letter is rendered from: plain values taken from the case, its signed decision, the force's
settings and (for partner requests) the research record. The same context gives the HTML preview, the PDF
and the Word file. Which letters a case offers depends on where it is:

- after a signed decision to disclose: the disclosure record and script (kept by police, not left with the
  recipient [Beds][Bexley]), the confidentiality undertaking, and the subject notification letter when the
  panel decided the subject is told;
- after a signed decision not to disclose, where there is an applicant: the non-disclosure outcome letter;
- after any signed decision, where the applicant is a third party or a professional: the third-party outcome
  letter, which never says what was disclosed [Bexley];
- for each partner-agency request research sent: the information request letter.

Every letter names the officer behind it and tells its reader how to reach the disclosure unit (the
telephone number or email set in Settings). No letter is made until the force's name is set, so none can be
signed in the name of no force (`unnamed_force`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from disclosure.accounts.models import User
from disclosure.agencies.models import Agency
from disclosure.decisions.models import Decision, NoDisclosureReason
from disclosure.decisions.vocabulary import DecisionStatus, Outcome, Safeguarding
from disclosure.force.service import NAME_NOT_SET, current_profile, name_of, unit_contact
from disclosure.letters.vocabulary import LetterKind
from disclosure.people.models import Person
from disclosure.requests import safe_contact
from disclosure.requests.models import CaseParty, DisclosureRequest
from disclosure.requests.vocabulary import ApplicantType, PartyRole, Route, Scheme
from disclosure.research.models import PartnerRequest, PartnerRequestPerson
from disclosure.text import format_date, format_datetime

# How a letter names the scheme, in full, for people who have never heard of it.
SCHEME_NAMES = {
    Scheme.DVDS: "the Domestic Violence Disclosure Scheme (Clare's Law)",
    Scheme.CSODS: "the Child Sex Offender Disclosure Scheme (Sarah's Law)",
}


# Where people can turn for support, by scheme: a Sarah's Law letter is about a child, so it points to child
# protection help, not to the domestic abuse helpline [issue 15] (DOMAIN.md "Documents").
SUPPORT = {
    Scheme.DVDS: ("National Domestic Abuse Helpline: 0808 2000 247, free and open all day and night.",),
    Scheme.CSODS: (
        "NSPCC Helpline, for adults worried about a child: 0808 800 5000, or help@nspcc.org.uk.",
        "Stop It Now, confidential advice about child sexual abuse: 0808 1000 900.",
        "Childline, for children and young people: 0800 1111.",
    ),
}

# What of the decision each letter may be given [issue 15]: a letter's wording is edited by administrators,
# so what a letter must never say is kept out of its data, not merely out of its default wording. The third-
# party outcome letter never says what was, or was not, disclosed, nor to whom [Bexley].
DECISION_FIELDS: dict[LetterKind, frozenset[str] | None] = {
    LetterKind.DISCLOSURE_RECORD: None,  # the police record: everything
    LetterKind.CONFIDENTIALITY_UNDERTAKING: frozenset({"recipients", "deliverer", "signed_on"}),
    LetterKind.NON_DISCLOSURE: frozenset({"outcome", "safety_advice", "applicant_told", "signed_on"}),
    LetterKind.THIRD_PARTY_OUTCOME: frozenset({"signed_on"}),
    LetterKind.SUBJECT_NOTIFICATION: frozenset({"outcome", "signed_on"}),
    LetterKind.PARTNER_REQUEST: frozenset(),
}


def for_letter(kind: LetterKind, context: dict[str, Any]) -> dict[str, Any]:
    """The context with only the decision data this kind of letter may be given, and the officer it names
    (`case.officer`): the disclosing officer the panel assigned, on the letters that may say who delivers
    the disclosure; otherwise the officer making the letter. Naming the assigned officer on any other letter
    would tell its reader that a disclosure was decided, which the third-party letter must not [Bexley]."""
    allowed = DECISION_FIELDS[kind]
    decision = context.get("decision", {})
    case = context.get("case", {})
    assigned = decision.get("deliverer", "") if allowed is None or "deliverer" in allowed else ""
    named = {**context, "case": {**case, "officer": assigned or case.get("officer", "")}}
    if allowed is None:
        return named
    return {**named, "decision": {name: value for name, value in decision.items() if name in allowed}}


@dataclass(frozen=True)
class Draft:
    """One letter the case can have now, with everything it is rendered from."""

    kind: LetterKind
    addressee: tuple[str, ...]
    context: dict[str, Any] = field(default_factory=dict)
    target_id: str = ""
    subtitle: str = ""
    blocked: str = ""
    """Why this letter cannot be generated now (the addressee's safe contact does not allow post)."""

    @property
    def title(self) -> str:
        """The heading printed on the letter."""
        return f"{self.kind.heading}: {self.subtitle}" if self.subtitle else self.kind.heading

    @property
    def name(self) -> str:
        """What staff call it in lists."""
        return f"{self.kind.label}: {self.subtitle}" if self.subtitle else self.kind.label


def _party(case: DisclosureRequest, role: PartyRole) -> CaseParty | None:
    return next((p for p in case.parties if p.role == role.value), None)


def _person(session: Session, case: DisclosureRequest, role: PartyRole) -> dict[str, str]:
    """A person as letters may name them. The subject's address is where they live; anyone the police
    protect is given only their safe postal address, so no wording can print a home shared with the
    subject (`safe_contact`)."""
    party = _party(case, role)
    person = session.get(Person, party.person_id) if party else None
    if party is None or person is None:
        return {"name": "", "address": "", "first_name": ""}
    if role is PartyRole.SUBJECT:
        home = person.current_address
        parts = (home.line_1, home.line_2, home.town, home.postcode) if home else ()
        address = "\n".join(p for p in parts if p)
    else:
        address = safe_contact.postal_address(party) or ""
    primary = person.primary_name
    given = primary.given_names.split() if primary else []
    return {
        "name": person.display_name,
        "first_name": given[0] if given else person.display_name,
        "address": address,
    }


def signed_decision(session: Session, case: DisclosureRequest) -> Decision | None:
    return session.scalar(
        select(Decision)
        .where(Decision.request_id == case.id, Decision.status == DecisionStatus.SIGNED.value)
        .order_by(Decision.signed_at.desc())
        .limit(1)
    )


def recipient_names(case: DisclosureRequest, decision: Decision) -> list[str]:
    """Who the decision says is told, each person once: a person may hold two roles on the case (the
    applicant who is the person at risk), and a decision recorded before the form chose people rather than
    roles may list them twice. One person is one case party's person (by name where the party is gone)."""
    person_of = {str(p.id): str(p.person_id) for p in case.parties}
    seen: set[str] = set()
    names = []
    for recipient in decision.recipients:
        name = str(recipient.get("name", "")).strip()
        key = person_of.get(str(recipient.get("party_id", ""))) or name.casefold()
        if name and key not in seen:
            seen.add(key)
            names.append(name)
    return names


def _decision(session: Session, case: DisclosureRequest, decision: Decision | None) -> dict[str, Any]:
    if decision is None:
        return {}
    deliverer = session.get(User, decision.deliverer_id) if decision.deliverer_id else None
    reason_id = decision.no_disclosure_reason_id
    reason = session.get(NoDisclosureReason, reason_id) if reason_id else None
    return {
        "outcome": decision.outcome,
        "wording": decision.wording,
        "recipients": _joined(recipient_names(case, decision)),
        "safety_plan": decision.safety_plan,
        "safeguarding": [Safeguarding(s).label for s in decision.safeguarding],
        "deliverer": deliverer.display_name if deliverer else "",
        "subject_told": bool(decision.subject_told),
        "safety_advice": decision.safety_advice,
        "applicant_told": decision.applicant_told,
        "reason": reason.label if reason else "",
        "signed_on": format_date(decision.signed_at) if decision.signed_at else "",
    }


def _joined(names: list[str]) -> str:
    """ "Sam Sample", "Sam Sample and Jo Smith", "A, B and C"."""
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def unnamed_force(session: Session) -> str:
    """Why no letter can be made now ("" when one can): the force's name is not set."""
    return "" if name_of(current_profile(session)) else NAME_NOT_SET


def base_context(session: Session, case: DisclosureRequest, author: str = "") -> dict[str, Any]:
    """Everything a letter is rendered from; `author` is the name of the officer making it."""
    force = current_profile(session)
    return {
        "force": {
            "name": name_of(force),
            "address": force.address,
            "phone": force.phone or "",
            "email": force.email or "",
            "contact": unit_contact(force),
        },
        # For the letterhead only (not a wording field): see `render.compose`.
        "logo": {"data": force.logo, "type": force.logo_type},
        "case": {
            "reference": case.reference,
            "scheme": Scheme(case.scheme).label,
            "scheme_name": SCHEME_NAMES[Scheme(case.scheme)],
            "route": Route(case.route).label,
            "sarahs_law": case.scheme == Scheme.CSODS.value,
            "received_on": format_date(case.first_contact_at),
            "officer": author,
        },
        "support": list(SUPPORT[Scheme(case.scheme)]),
        "today": format_date(datetime.now(ZoneInfo("Europe/London")).date()),
        "applicant": _person(session, case, PartyRole.APPLICANT),
        "person_at_risk": _person(session, case, PartyRole.PERSON_AT_RISK),
        "subject": _person(session, case, PartyRole.SUBJECT),
        "decision": _decision(session, case, signed_decision(session, case)),
    }


def _lines(person: dict[str, str]) -> tuple[str, ...]:
    return tuple(line for line in [person["name"], *person["address"].splitlines()] if line)


def drafts(session: Session, case: DisclosureRequest, author: str = "") -> list[Draft]:
    """Every letter this case can have now (see the module docstring), as `author` would make it."""
    context = base_context(session, case, author)
    decision = signed_decision(session, case)
    outcome = Outcome(decision.outcome) if decision else None
    route = Route(case.route)
    found: list[Draft] = []
    if outcome is Outcome.DISCLOSE:
        recipients = (context["decision"]["recipients"],)
        found += [
            _draft(LetterKind.DISCLOSURE_RECORD, (), context),
            _draft(LetterKind.CONFIDENTIALITY_UNDERTAKING, recipients, context),
        ]
        if context["decision"]["subject_told"]:
            found.append(_draft(LetterKind.SUBJECT_NOTIFICATION, _lines(context["subject"]), context))
    # Letters posted to the applicant go to their safe postal address, or cannot be sent at all.
    applicant = _party(case, PartyRole.APPLICANT)
    blocked = "" if safe_contact.postal_address(applicant) else safe_contact.no_post(applicant, "applicant")
    if outcome is Outcome.NO_DISCLOSURE and route.has_applicant:
        found.append(_draft(LetterKind.NON_DISCLOSURE, _lines(context["applicant"]), context, blocked))
    third_party = case.applicant_type in (ApplicantType.THIRD_PARTY.value, ApplicantType.PROFESSIONAL.value)
    if outcome in (Outcome.DISCLOSE, Outcome.NO_DISCLOSURE) and route.has_applicant and third_party:
        found.append(_draft(LetterKind.THIRD_PARTY_OUTCOME, _lines(context["applicant"]), context, blocked))
    sent_requests = session.scalars(
        select(PartnerRequest).where(PartnerRequest.request_id == case.id).order_by(PartnerRequest.sent_at)
    )
    for sent in sent_requests:
        agency = session.get(Agency, sent.agency_id)
        name = agency.name if agency else ""
        partner = {
            "agency": name,
            "asked": sent.asked,
            "due_on": format_date(sent.due_on),
            "sent_at": format_datetime(sent.sent_at),
            "people": _asked_about(session, sent),
        }
        letter = for_letter(LetterKind.PARTNER_REQUEST, {**context, "partner": partner})
        found.append(Draft(LetterKind.PARTNER_REQUEST, (name,), letter, str(sent.id), name))
    return found


def _draft(kind: LetterKind, addressee: tuple[str, ...], context: dict[str, Any], blocked: str = "") -> Draft:
    return Draft(kind, addressee, for_letter(kind, context), blocked=blocked)


def _asked_about(session: Session, sent: PartnerRequest) -> list[str]:
    rows = session.scalars(
        select(PartnerRequestPerson).where(PartnerRequestPerson.partner_request_id == sent.id)
    )
    people = [session.get(Person, row.person_id) for row in rows]
    return [p.display_name for p in people if p is not None]


def draft_for(
    session: Session, case: DisclosureRequest, kind: LetterKind, target_id: str = "", author: str = ""
) -> Draft | None:
    found = drafts(session, case, author)
    return next((d for d in found if d.kind is kind and d.target_id == target_id), None)
