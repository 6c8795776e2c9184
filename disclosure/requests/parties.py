"""Who is on a case: the roles each route allows and needs, one person holding several roles, and the checks
on putting a person on a case, every problem at its field at once.

A person is one record in the people index; on a case they have one row per role (`CaseParty`). An applicant
who is the person at risk is entered once, in both roles, and every list reads them once with all their
roles ("Applicant and person at risk"): `people_of` is the one grouping every page and letter list uses.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from disclosure.clocks import uk_today
from disclosure.requests import safe_contact
from disclosure.requests.models import CaseParty, DisclosureRequest
from disclosure.requests.vocabulary import ApplicantType, ChildRelationship, PartyRole, Route, Scheme
from disclosure.text import as_list

PARTY_ROLES_BY_ROUTE = {
    Route.RIGHT_TO_ASK: (
        PartyRole.APPLICANT,
        PartyRole.PERSON_AT_RISK,
        PartyRole.SUBJECT,
        PartyRole.CHILD,
        PartyRole.THIRD_PARTY,
        PartyRole.BEST_PLACED_TO_PROTECT,
    ),
    Route.RIGHT_TO_KNOW: (
        PartyRole.PERSON_AT_RISK,
        PartyRole.SUBJECT,
        PartyRole.CHILD,
        PartyRole.THIRD_PARTY,
        PartyRole.BEST_PLACED_TO_PROTECT,
    ),
    Route.CSODS_APPLICATION: (
        PartyRole.APPLICANT,
        PartyRole.CHILD,
        PartyRole.SUBJECT,
        PartyRole.THIRD_PARTY,
        PartyRole.BEST_PLACED_TO_PROTECT,
    ),
    # Proactive Sarah's Law: the police found the risk; they tell the parent, carer or guardian [CSODS-2023].
    Route.CSODS_PROACTIVE: (
        PartyRole.CHILD,
        PartyRole.SUBJECT,
        PartyRole.BEST_PLACED_TO_PROTECT,
        PartyRole.THIRD_PARTY,
    ),
}

ADULT_AGE = 18
"""A child under Sarah's Law is under 18 [CSODS-2023]."""

_NOT_WITH_SUBJECT = frozenset({PartyRole.APPLICANT, PartyRole.PERSON_AT_RISK})

PAGE_ORDER = (
    "existing_person_id",
    "role",
    "given_names",
    "family_name",
    "aliases",
    "date_of_birth",
    "gender",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "relationship",
    "relationship_to_child",
    "safe_channels",
    "safe_phone",
    "safe_email",
    "safe_address",
    "no_messages",
    "safe_times",
    "safe_contact_method",
    "person_id",
)
"""The add-person form's fields from top to bottom: its errors are listed in this order."""


def required_roles(request: DisclosureRequest) -> list[PartyRole]:
    """Who must be on the case before initial checks complete: Right to Ask names the applicant, the person at
    risk and the subject; Right to Know the person at risk and the subject; Sarah's Law the applicant, the
    subject and the specific child [DVDS-2023][ASP-CSODS]; proactive Sarah's Law the subject, the child and
    the parent, carer or guardian the police mean to tell [CSODS-2023]. An applicant who is the person at
    risk is both: one person in two roles."""
    route = Route(request.route)
    if route is Route.RIGHT_TO_KNOW:
        return [PartyRole.PERSON_AT_RISK, PartyRole.SUBJECT]
    if route is Route.CSODS_APPLICATION:
        return [PartyRole.APPLICANT, PartyRole.SUBJECT, PartyRole.CHILD]
    if route is Route.CSODS_PROACTIVE:
        return [PartyRole.SUBJECT, PartyRole.CHILD, PartyRole.BEST_PLACED_TO_PROTECT]
    return [PartyRole.APPLICANT, PartyRole.PERSON_AT_RISK, PartyRole.SUBJECT]


def missing_roles(request: DisclosureRequest) -> list[PartyRole]:
    present = {p.role for p in request.parties}
    return [role for role in required_roles(request) if role.value not in present]


# ---------------------------------------------------------------- one person, several roles


def roles_in_words(roles: Iterable[PartyRole]) -> str:
    """ "Applicant", "Applicant and person at risk", "Applicant, person at risk and child"."""
    words = [role.label.lower() for role in roles]
    if not words:
        return ""
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return text[0].upper() + text[1:]


@dataclass(frozen=True)
class PersonOnCase:
    """One person on a case with every role they hold there (one `CaseParty` row each, in role order)."""

    person_id: uuid.UUID
    parties: tuple[CaseParty, ...]

    @property
    def roles(self) -> tuple[PartyRole, ...]:
        return tuple(PartyRole(p.role) for p in self.parties)

    @property
    def roles_label(self) -> str:
        return roles_in_words(self.roles)

    def holds(self, role: PartyRole) -> bool:
        return role in self.roles

    def party(self, role: PartyRole) -> CaseParty | None:
        return next((p for p in self.parties if p.role == role.value), None)

    @property
    def contact(self) -> CaseParty | None:
        """The row whose safe contact speaks for the person: the applicant's first (it is required there),
        else their first role the police may contact; None for someone the police do not contact."""
        return next((p for p in self.parties if PartyRole(p.role) in safe_contact.CONTACTED_ROLES), None)

    @property
    def relationship(self) -> str:
        """Their recorded relationships in words, each said once."""
        said: list[str] = []
        for party in self.parties:
            for words in (
                party.relationship_to_person_at_risk,
                f"to the child: {ChildRelationship(party.relationship_to_child).label.lower()}"
                if party.relationship_to_child
                else "",
            ):
                if words and words not in said:
                    said.append(words)
        return "; ".join(said)


def people_of(case: DisclosureRequest, roles: Iterable[PartyRole] | None = None) -> list[PersonOnCase]:
    """The people on the case, each once with all their roles, ordered by their first role (applicant,
    person at risk, subject, child, ...). With `roles`, only those holding one of them, still with all
    their roles: the candidates to tell, to write to or to list, each person once."""
    order = list(PartyRole)
    by_person: dict[uuid.UUID, list[CaseParty]] = {}
    for party in sorted(case.parties, key=lambda p: order.index(PartyRole(p.role))):
        by_person.setdefault(party.person_id, []).append(party)
    found = [PersonOnCase(person_id, tuple(rows)) for person_id, rows in by_person.items()]
    if roles is None:
        return found
    wanted = set(roles)
    return [person for person in found if wanted & set(person.roles)]


def suggested_roles(case: DisclosureRequest, role: str) -> list[str]:
    """The roles the add-person form starts with ticked, from the case page's "Add ..." link: on Right to Ask
    with the applicant being the person at risk, the applicant and the person at risk are one person, so
    adding either suggests both (those not yet on the case) [DVDS-2023]."""
    if role not in {r.value for r in PARTY_ROLES_BY_ROUTE[Route(case.route)]}:
        return []
    pair = {PartyRole.APPLICANT.value, PartyRole.PERSON_AT_RISK.value}
    same_person = (
        Route(case.route) is Route.RIGHT_TO_ASK and case.applicant_type == ApplicantType.PERSON_AT_RISK.value
    )
    if not same_person or role not in pair:
        return [role]
    held = {p.role for p in case.parties}
    return [r.value for r in PartyRole if r.value in pair and (r.value == role or r.value not in held)]


# ---------------------------------------------------------------- checks on putting a person on a case


@dataclass(frozen=True)
class PartyInput:
    """The answers about a person's place on the case, read and checked; one row is made per role."""

    roles: tuple[PartyRole, ...]
    relationship: str
    relationship_to_child: str
    contact: Mapping[str, Any]


def chosen_roles(values: Mapping[str, Any]) -> list[str]:
    """The roles asked for: the form's `role` checkboxes (one or several), and the API's `role` with its
    `also_roles`; each once, in the order given."""
    raw = [*as_list(values.get("role")), *as_list(values.get("also_roles"))]
    return list(dict.fromkeys(r.strip() for r in raw if r.strip()))


def parse(request: DisclosureRequest, values: Mapping[str, Any], errors: dict[str, str]) -> PartyInput:
    """The roles, relationships and safe contact, every problem at its field. The safe ways of contact and
    safe times are required for the applicant, because they keep contact from putting the applicant at risk
    [Beds] (`safe_contact`); they are read for anyone else the police may contact and ignored for the
    others (the subject, a child)."""
    route = Route(request.route)
    allowed = PARTY_ROLES_BY_ROUTE[route]
    raw = chosen_roles(values)
    roles = tuple(r for r in allowed if r.value in raw)
    if not raw:
        errors["role"] = "Select the person's role on this case"
    elif len(roles) != len(raw):
        errors["role"] = f"Select a role for a {route.label} case"
    elif PartyRole.SUBJECT in roles and _NOT_WITH_SUBJECT & set(roles):
        errors["role"] = "The subject cannot also be the applicant or the person at risk on the same case"
    relationship = str(values.get("relationship") or "").strip()
    if len(relationship) > 200:
        errors["relationship"] = "Relationship must be 200 characters or fewer"
    to_child = str(values.get("relationship_to_child") or "").strip()
    known = {r.value for r in ChildRelationship} if request.scheme == Scheme.CSODS.value else set()
    if to_child and to_child not in known:
        errors["relationship_to_child"] = "Select the person's relationship to the child from the list"
    contacted = [r for r in roles if r in safe_contact.CONTACTED_ROLES]
    contact: dict[str, Any] = {}
    if contacted:
        speaking_as = PartyRole.APPLICANT if PartyRole.APPLICANT in roles else contacted[0]
        contact = safe_contact.parse(dict(values), speaking_as.value, errors)
    return PartyInput(roles, relationship[:200], to_child, contact)


def age_on(born: date, day: date) -> int:
    """Whole years from `born` to `day` (a birthday on 29 February falls on 1 March in other years)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def check_person(
    request: DisclosureRequest,
    person_id: uuid.UUID | None,
    roles: Sequence[PartyRole],
    date_of_birth: date | None,
    errors: dict[str, str],
    *,
    date_typed: bool,
) -> None:
    """The checks that need to know who the person is: not twice in one role, the subject never also the
    applicant or the person at risk [DVDS-2023], and a child on a Sarah's Law case under 18 by their date of
    birth where it is known [CSODS-2023] (refused at the date of birth when it was typed, else at the role).
    `person_id` is None for someone not yet in the index."""
    held = {PartyRole(p.role) for p in request.parties if person_id is not None and p.person_id == person_id}
    again = [r for r in roles if r in held]
    if again and "role" not in errors:
        errors["role"] = f"This person is already on the case as the {again[0].label.lower()}"
    subjects = {p.person_id for p in request.parties_in(PartyRole.SUBJECT)}
    if "role" not in errors and person_id is not None:
        if _NOT_WITH_SUBJECT & set(roles) and person_id in subjects:
            errors["role"] = "The subject cannot also be the applicant or the person at risk on the same case"
        elif PartyRole.SUBJECT in roles and _NOT_WITH_SUBJECT & held:
            errors["role"] = "The applicant or person at risk cannot also be the subject"
    is_child = PartyRole.CHILD in roles and request.scheme == Scheme.CSODS.value
    if is_child and date_of_birth is not None and age_on(date_of_birth, uk_today()) >= ADULT_AGE:
        field = "date_of_birth" if date_typed else "role"
        if field not in errors:
            errors[field] = (
                f"The child on a Sarah's Law case must be under {ADULT_AGE}: this date of birth makes them "
                f"{age_on(date_of_birth, uk_today())}. Check the date of birth, or choose another role"
            )


def date_typed(values: Mapping[str, Any]) -> bool:
    """Whether the form (or API body) gave a date of birth, so that a refusal belongs at that field."""
    return any(str(values.get(k) or "").strip() for k in ("date_of_birth", *_DOB_PARTS))


_DOB_PARTS = ("date_of_birth-day", "date_of_birth-month", "date_of_birth-year")


def in_page_order(errors: Mapping[str, str]) -> dict[str, str]:
    """The errors in the add-person form's order, top to bottom; any other field after them."""
    ordered = {k: errors[k] for k in PAGE_ORDER if k in errors}
    return {**ordered, **{k: v for k, v in errors.items() if k not in ordered}}
