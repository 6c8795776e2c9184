"""The words of a request: schemes, routes, channels, people's roles, risk levels, and their labels.

Sources: DOMAIN.md "The schemes in one table" and "What is recorded" ([DVDS-2023], [CSODS-2023], [WMP],
[SafeLives], [MARAC-criteria]).
"""

from __future__ import annotations

from disclosure.workflow import Labelled


class Scheme(Labelled):
    DVDS = "dvds", "Clare's Law (DVDS)"
    CSODS = "csods", "Sarah's Law (CSODS)"


class Route(Labelled):
    RIGHT_TO_ASK = "right_to_ask", "Right to Ask"
    RIGHT_TO_KNOW = "right_to_know", "Right to Know"
    CSODS_APPLICATION = "csods_application", "Sarah's Law application"
    CSODS_PROACTIVE = "csods_proactive", "Sarah's Law proactive disclosure"

    @property
    def scheme(self) -> Scheme:
        return Scheme.CSODS if self in (Route.CSODS_APPLICATION, Route.CSODS_PROACTIVE) else Scheme.DVDS

    @property
    def has_applicant(self) -> bool:
        """Right to Know and proactive Sarah's Law are police-initiated: there is no applicant, no identity
        meeting, and the police decide whom to tell [DVDS-2023][OMG][CSODS-2023]."""
        return self not in (Route.RIGHT_TO_KNOW, Route.CSODS_PROACTIVE)


class ApplicantType(Labelled):
    PERSON_AT_RISK = "person_at_risk", "The person at risk"
    THIRD_PARTY = "third_party", "A third party (family member, friend, neighbour)"
    PROFESSIONAL = "professional", "A professional (for example a social worker)"
    PARENT_OR_CARER = "parent_or_carer", "A parent, carer or guardian of the child"


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
    Route.CSODS_PROACTIVE: (),
}


class Channel(Labelled):
    """How first contact was made [WMP][D&C-FOI]."""

    PHONE_101 = "101", "101 telephone call"
    STATION = "station", "At a police station"
    STREET = "street", "In person to an officer (street)"
    ONLINE = "online", "Online form"
    PARTNER_REFERRAL = "partner_referral", "Referral from a partner agency"


class PartyRole(Labelled):
    APPLICANT = "applicant"
    PERSON_AT_RISK = "person_at_risk"
    SUBJECT = "subject"
    CHILD = "child"
    THIRD_PARTY = "third_party"
    BEST_PLACED_TO_PROTECT = "best_placed_to_protect", "Person best placed to protect"


class ChildRelationship(Labelled):
    """A person's relationship to the named child on a Sarah's Law case. Only a parent, carer or guardian of
    the child, or the person best placed to protect them, may be told [ASP-CSODS] (DOMAIN.md "The schemes in
    one table"): `protects` says which relationships make a person a parent, carer or guardian."""

    PARENT = "parent", "Parent"
    STEP_PARENT = "step_parent", "Step-parent, or a parent's partner living with the child"
    CARER = "carer", "Carer"
    GUARDIAN = "guardian", "Guardian"
    OTHER_FAMILY = "other_family", "Other family member"
    FRIEND_OR_NEIGHBOUR = "friend_or_neighbour", "Friend or neighbour"
    PROFESSIONAL = "professional", "Professional"
    OTHER = "other", "Other"

    @property
    def protects(self) -> bool:
        return self in (
            ChildRelationship.PARENT,
            ChildRelationship.STEP_PARENT,
            ChildRelationship.CARER,
            ChildRelationship.GUARDIAN,
        )


class SafeChannel(Labelled):
    """A way of reaching a person that their safe contact allows [Beds]: for a person at risk who lives with
    the subject a letter to home, or a voicemail, can be the harm. Each names the detail it needs."""

    IN_PERSON = "in_person", "In person, at a police station or another safe place"
    PHONE = "phone", "Telephone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    POST = "post", "Letter by post"

    @property
    def needs(self) -> str:
        """The field holding the detail this way needs ("" when it needs none)."""
        return {
            "phone": "safe_phone",
            "text": "safe_phone",
            "email": "safe_email",
            "post": "safe_address",
        }.get(self.value, "")


class RiskLevel(Labelled):
    """DASH risk levels: high at 14 or more ticks, medium 10-13, standard 0-9 [SafeLives]."""

    STANDARD = "standard"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return {"standard": 0, "medium": 1, "high": 2}[self.value]

    @classmethod
    def from_dash(cls, ticks: int) -> RiskLevel:
        if ticks >= 14:
            return cls.HIGH
        if ticks >= 10:
            return cls.MEDIUM
        return cls.STANDARD


class Rag(Labelled):
    """Red, amber, green: orders the work queue (red first)."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"

    @property
    def rank(self) -> int:
        return {"red": 0, "amber": 1, "green": 2}[self.value]


class IdentityDocument(Labelled):
    """Documents seen at the face-to-face meeting [Cleveland][ASP-CSODS]."""

    PASSPORT = "passport", "Passport (photo)"
    DRIVING_LICENCE = "driving_licence", "Driving licence (photo, address)"
    NATIONAL_ID_CARD = "national_id_card", "National identity card (photo)"
    BIRTH_CERTIFICATE = "birth_certificate"
    UTILITY_BILL = "utility_bill", "Utility bill (address)"
    BANK_STATEMENT = "bank_statement", "Bank statement (address)"
    COUNCIL_TAX_BILL = "council_tax_bill", "Council tax bill (address)"
    BENEFITS_LETTER = "benefits_letter", "Benefits letter (address)"
    CHILD_BIRTH_CERTIFICATE = "child_birth_certificate", "Child's birth certificate (relationship)"
    CHILD_BENEFIT_LETTER = "child_benefit_letter", "Child benefit letter (relationship)"
    SCHOOL_LETTER = "school_letter", "Letter from the child's school (relationship)"
    COURT_ORDER = "court_order", "Court order naming the carer (relationship)"

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


class ClosureReason(Labelled):
    OUT_OF_SCOPE = "out_of_scope"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"


# A Sarah's Law enquiry must name the person and the child; a general enquiry about an area is out of scope
# [ASP-CSODS]. The words are what users read, so the source stays here.
OUT_OF_SCOPE_REASONS = {
    "general_enquiry": "A general enquiry about an area, not about a named person",
    "no_named_child": "No specific child named",
    "no_named_subject": "No specific person named",
    "no_access_to_child": "The person named has no access to the child",
    "other": "Other (explain)",
}
