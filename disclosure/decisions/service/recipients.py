"""Who may be told, and in what capacity: each person on the case once, with every role they hold there, for
the decision form and the urgent disclosure.

A person may hold two roles on one case (the applicant who is also the person at risk): they are one
recipient, told in the capacity their strongest role gives them (the person at risk before the person best
placed to protect, before the applicant, before a third party) [OMG][ASP-CSODS]. The subject is never told,
and neither is a child directly, whatever other role the same person holds on the case."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from disclosure.decisions.vocabulary import Capacity
from disclosure.people.models import Person
from disclosure.requests.models import CaseParty, DisclosureRequest
from disclosure.requests.vocabulary import ApplicantType, ChildRelationship, PartyRole, Scheme

RECIPIENT_ROLES = (
    PartyRole.PERSON_AT_RISK,
    PartyRole.BEST_PLACED_TO_PROTECT,
    PartyRole.APPLICANT,
    PartyRole.THIRD_PARTY,
)
"""The roles that make someone a possible recipient, strongest first."""

NEVER_TOLD = frozenset({PartyRole.SUBJECT, PartyRole.CHILD})


@dataclass(frozen=True)
class RecipientOption:
    """One person who may be chosen, by the case party of their strongest role (`party_id`, `role`)."""

    party_id: uuid.UUID
    name: str
    role: PartyRole
    relationship_to_child: ChildRelationship | None = None
    """Sarah's Law: the recorded relationship (for the applicant, a parent-or-carer application counts)."""
    roles: tuple[PartyRole, ...] = ()
    """Every recipient role the person holds on the case, strongest first (`role` is the first)."""
    party_ids: tuple[uuid.UUID, ...] = ()
    """The case parties of all those roles: an answer naming any of them chooses this person."""

    @property
    def held(self) -> tuple[PartyRole, ...]:
        return self.roles or (self.role,)

    @property
    def roles_label(self) -> str:
        """ "Applicant and person at risk": the roles in words, the first capitalised."""
        words = [r.label.lower() for r in self.held]
        joined = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
        return joined[:1].upper() + joined[1:]

    @property
    def label(self) -> str:
        if self.relationship_to_child is None:
            return self.roles_label
        return f"{self.roles_label}; to the child: {self.relationship_to_child.label.lower()}"

    def holds(self, role: PartyRole) -> bool:
        return role in self.held


def _strength(party: CaseParty) -> int:
    role = PartyRole(party.role)
    return RECIPIENT_ROLES.index(role) if role in RECIPIENT_ROLES else len(RECIPIENT_ROLES)


def recipient_options(session: Session, case: DisclosureRequest) -> list[RecipientOption]:
    """Each person who may be told, once, in the order of their strongest role and then as added."""
    by_person: dict[uuid.UUID, list[CaseParty]] = {}
    for party in case.parties:
        by_person.setdefault(party.person_id, []).append(party)
    options = []
    for person_id, parties in by_person.items():
        if any(PartyRole(p.role) in NEVER_TOLD for p in parties):
            continue
        eligible = sorted((p for p in parties if PartyRole(p.role) in RECIPIENT_ROLES), key=_strength)
        person = session.get(Person, person_id)
        if not eligible or person is None:
            continue
        relationship = next((found for p in eligible if (found := _relationship(case, p)) is not None), None)
        options.append(
            RecipientOption(
                party_id=eligible[0].id,
                name=person.display_name,
                role=PartyRole(eligible[0].role),
                relationship_to_child=relationship,
                roles=tuple(PartyRole(p.role) for p in eligible),
                party_ids=tuple(p.id for p in eligible),
            )
        )
    return sorted(options, key=lambda o: RECIPIENT_ROLES.index(o.role))


def find_option(options: list[RecipientOption], party_id: uuid.UUID) -> RecipientOption | None:
    """The person an answer names, by the case party of any of their roles."""
    return next((o for o in options if party_id in (o.party_ids or (o.party_id,))), None)


def _relationship(case: DisclosureRequest, party: CaseParty) -> ChildRelationship | None:
    if party.relationship_to_child:
        return ChildRelationship(party.relationship_to_child)
    if party.role == PartyRole.APPLICANT.value and case.applicant_type == ApplicantType.PARENT_OR_CARER.value:
        return ChildRelationship.PARENT  # applied as a parent or carer: the case records no finer word
    return None


def capacity(scheme: Scheme, option: RecipientOption) -> Capacity | None:
    """In what capacity a person may be told, judged from what the case records of them, never assumed:
    Clare's Law, the person at risk or (with reasons) the person best placed to protect them [OMG]; Sarah's
    Law, only a parent, carer or guardian of the named child (their recorded relationship) or the person
    recorded as best placed to protect the child; anyone else (a neighbour, a professional, a relative,
    someone whose relationship is not recorded) cannot be told [ASP-CSODS]. None: may not be told."""
    if scheme is Scheme.DVDS:
        if option.holds(PartyRole.PERSON_AT_RISK):
            return Capacity.PERSON_AT_RISK
        return Capacity.BEST_PLACED_TO_PROTECT
    if option.relationship_to_child is not None and option.relationship_to_child.protects:
        return Capacity.PARENT_CARER_GUARDIAN
    if option.holds(PartyRole.BEST_PLACED_TO_PROTECT):
        return Capacity.BEST_PLACED_TO_PROTECT
    return None


def not_a_recipient(option: RecipientOption) -> str:
    recorded = (
        f"is recorded as {option.relationship_to_child.label.lower()} to the child"
        if option.relationship_to_child
        else "has no recorded relationship to the child"
    )
    return (
        f"{option.name} {recorded}: under Sarah's Law only a parent, carer or guardian of the child, or the "
        "person best placed to protect the child, can be told"
    )
