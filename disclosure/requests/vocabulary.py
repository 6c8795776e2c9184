"""The words of a request: schemes, routes, channels, people's roles, risk levels, and their labels.

Sources: DOMAIN.md "The schemes in one table" and "What is recorded" ([DVDS-2023], [CSODS-2023], [WMP],
[SafeLives], [MARAC-criteria]).
"""

from __future__ import annotations

from enum import StrEnum


class Scheme(StrEnum):
    DVDS = "dvds"
    CSODS = "csods"

    @property
    def label(self) -> str:
        return {"dvds": "Clare's Law (DVDS)", "csods": "Sarah's Law (CSODS)"}[self.value]


class Route(StrEnum):
    RIGHT_TO_ASK = "right_to_ask"
    RIGHT_TO_KNOW = "right_to_know"
    CSODS_APPLICATION = "csods_application"

    @property
    def label(self) -> str:
        return ROUTE_LABELS[self]

    @property
    def scheme(self) -> Scheme:
        return Scheme.CSODS if self is Route.CSODS_APPLICATION else Scheme.DVDS

    @property
    def has_applicant(self) -> bool:
        """Right to Know is police-initiated: there is no applicant [DVDS-2023][OMG]."""
        return self is not Route.RIGHT_TO_KNOW


ROUTE_LABELS = {
    Route.RIGHT_TO_ASK: "Right to Ask",
    Route.RIGHT_TO_KNOW: "Right to Know",
    Route.CSODS_APPLICATION: "Sarah's Law application",
}


class ApplicantType(StrEnum):
    PERSON_AT_RISK = "person_at_risk"
    THIRD_PARTY = "third_party"
    PROFESSIONAL = "professional"
    PARENT_OR_CARER = "parent_or_carer"

    @property
    def label(self) -> str:
        return {
            "person_at_risk": "The person at risk",
            "third_party": "A third party (family member, friend, neighbour)",
            "professional": "A professional (for example a social worker)",
            "parent_or_carer": "A parent, carer or guardian of the child",
        }[self.value]


# Who may apply on each route: Right to Ask is open to anyone [DVDS-2023]; anyone may apply under Sarah's Law,
# though only a parent, carer or guardian may receive a disclosure [ASP-CSODS].
APPLICANT_TYPES = {
    Route.RIGHT_TO_ASK: (ApplicantType.PERSON_AT_RISK, ApplicantType.THIRD_PARTY, ApplicantType.PROFESSIONAL),
    Route.CSODS_APPLICATION: (
        ApplicantType.PARENT_OR_CARER,
        ApplicantType.THIRD_PARTY,
        ApplicantType.PROFESSIONAL,
    ),
    Route.RIGHT_TO_KNOW: (),
}


class Channel(StrEnum):
    """How first contact was made [WMP][D&C-FOI]."""

    PHONE_101 = "101"
    STATION = "station"
    STREET = "street"
    ONLINE = "online"
    PARTNER_REFERRAL = "partner_referral"

    @property
    def label(self) -> str:
        return {
            "101": "101 telephone call",
            "station": "At a police station",
            "street": "In person to an officer (street)",
            "online": "Online form",
            "partner_referral": "Referral from a partner agency",
        }[self.value]


class PartyRole(StrEnum):
    APPLICANT = "applicant"
    PERSON_AT_RISK = "person_at_risk"
    SUBJECT = "subject"
    CHILD = "child"
    THIRD_PARTY = "third_party"
    BEST_PLACED_TO_PROTECT = "best_placed_to_protect"

    @property
    def label(self) -> str:
        return {
            "applicant": "Applicant",
            "person_at_risk": "Person at risk",
            "subject": "Subject",
            "child": "Child",
            "third_party": "Third party",
            "best_placed_to_protect": "Person best placed to protect",
        }[self.value]


class RiskLevel(StrEnum):
    """DASH risk levels: high at 14 or more ticks, medium 10-13, standard 0-9 [SafeLives]."""

    STANDARD = "standard"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return {"standard": 0, "medium": 1, "high": 2}[self.value]

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @classmethod
    def from_dash(cls, ticks: int) -> RiskLevel:
        if ticks >= 14:
            return cls.HIGH
        if ticks >= 10:
            return cls.MEDIUM
        return cls.STANDARD


class Rag(StrEnum):
    """Red, amber, green: orders the work queue (red first)."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"

    @property
    def rank(self) -> int:
        return {"red": 0, "amber": 1, "green": 2}[self.value]

    @property
    def label(self) -> str:
        return self.value.capitalize()


class IdentityDocument(StrEnum):
    """Documents seen at the face-to-face meeting [Cleveland][ASP-CSODS]."""

    PASSPORT = "passport"
    DRIVING_LICENCE = "driving_licence"
    NATIONAL_ID_CARD = "national_id_card"
    BIRTH_CERTIFICATE = "birth_certificate"
    UTILITY_BILL = "utility_bill"
    BANK_STATEMENT = "bank_statement"
    COUNCIL_TAX_BILL = "council_tax_bill"
    BENEFITS_LETTER = "benefits_letter"
    CHILD_BIRTH_CERTIFICATE = "child_birth_certificate"
    CHILD_BENEFIT_LETTER = "child_benefit_letter"
    SCHOOL_LETTER = "school_letter"
    COURT_ORDER = "court_order"

    @property
    def label(self) -> str:
        return DOCUMENT_LABELS[self]

    @property
    def has_photo(self) -> bool:
        return self in (
            IdentityDocument.PASSPORT,
            IdentityDocument.DRIVING_LICENCE,
            IdentityDocument.NATIONAL_ID_CARD,
        )

    @property
    def proves_address(self) -> bool:
        return self in (
            IdentityDocument.DRIVING_LICENCE,
            IdentityDocument.UTILITY_BILL,
            IdentityDocument.BANK_STATEMENT,
            IdentityDocument.COUNCIL_TAX_BILL,
            IdentityDocument.BENEFITS_LETTER,
        )

    @property
    def proves_relationship(self) -> bool:
        return self in (
            IdentityDocument.CHILD_BIRTH_CERTIFICATE,
            IdentityDocument.CHILD_BENEFIT_LETTER,
            IdentityDocument.SCHOOL_LETTER,
            IdentityDocument.COURT_ORDER,
        )


DOCUMENT_LABELS = {
    IdentityDocument.PASSPORT: "Passport (photo)",
    IdentityDocument.DRIVING_LICENCE: "Driving licence (photo, address)",
    IdentityDocument.NATIONAL_ID_CARD: "National identity card (photo)",
    IdentityDocument.BIRTH_CERTIFICATE: "Birth certificate",
    IdentityDocument.UTILITY_BILL: "Utility bill (address)",
    IdentityDocument.BANK_STATEMENT: "Bank statement (address)",
    IdentityDocument.COUNCIL_TAX_BILL: "Council tax bill (address)",
    IdentityDocument.BENEFITS_LETTER: "Benefits letter (address)",
    IdentityDocument.CHILD_BIRTH_CERTIFICATE: "Child's birth certificate (relationship)",
    IdentityDocument.CHILD_BENEFIT_LETTER: "Child benefit letter (relationship)",
    IdentityDocument.SCHOOL_LETTER: "Letter from the child's school (relationship)",
    IdentityDocument.COURT_ORDER: "Court order naming the carer (relationship)",
}


class ClosureReason(StrEnum):
    OUT_OF_SCOPE = "out_of_scope"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return {"out_of_scope": "Out of scope", "withdrawn": "Withdrawn", "completed": "Completed"}[
            self.value
        ]


OUT_OF_SCOPE_REASONS = {
    "general_enquiry": "A general enquiry about an area, not about a named person [ASP-CSODS]",
    "no_named_child": "No specific child named [ASP-CSODS]",
    "no_named_subject": "No specific person named [ASP-CSODS]",
    "no_access_to_child": "The person named has no access to the child",
    "other": "Other (explain)",
}
