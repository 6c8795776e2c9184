"""Research's words: check kinds and results, the 3x5x2 intelligence grading, fact or opinion, consent to
onward disclosure, and the researcher's recommendation. Sources: DOMAIN.md "Checks" [WMP][SafeLives] and the
College of Policing's intelligence management APP (the 3x5x2 model)."""

from __future__ import annotations

from enum import StrEnum


class _Labelled(StrEnum):
    @property
    def label(self) -> str:
        return LABELS[(type(self), self.value)]


class CheckKind(_Labelled):
    POLICE_SYSTEM = "police_system"
    PARTNER_AGENCY = "partner_agency"


class CheckResult(_Labelled):
    NIL_RETURN = "nil_return"
    INFORMATION_FOUND = "information_found"


class OnwardConsent(_Labelled):
    """Whether the agency that owns the information consents to it being disclosed onward."""

    CONSENTS = "consents"
    DOES_NOT_CONSENT = "does_not_consent"
    NOT_APPLICABLE = "not_applicable"


class SourceGrade(_Labelled):
    """3x5x2 source evaluation."""

    A = "A"
    B = "B"
    C = "C"


class InformationGrade(_Labelled):
    """3x5x2 intelligence assessment."""

    KNOWN_DIRECTLY = "1"
    INDIRECTLY_CORROBORATED = "2"
    INDIRECTLY = "3"
    NOT_KNOWN = "4"
    SUSPECTED_FALSE = "5"


class HandlingCode(_Labelled):
    """3x5x2 handling code."""

    PERMITTED = "P"
    CONDITIONS = "C"


class Nature(_Labelled):
    FACT = "fact"
    OPINION = "opinion"


class OwnerConsent(_Labelled):
    """The owning agency's consent to this item being disclosed to the named recipient."""

    GIVEN = "given"
    REFUSED = "refused"
    NOT_NEEDED = "not_needed"
    AWAITED = "awaited"


class DiscloseTo(_Labelled):
    """Who an item may be disclosed to. Third-party applicants are never told what was disclosed [Bexley];
    for Sarah's Law only a parent, carer or guardian [ASP-CSODS]."""

    PERSON_AT_RISK = "person_at_risk"
    BEST_PLACED_TO_PROTECT = "best_placed_to_protect"
    PARENT_OR_CARER = "parent_or_carer"


class Recommendation(_Labelled):
    DISCLOSE = "disclose"
    NO_DISCLOSURE = "no_disclosure"
    MORE_INFORMATION = "more_information"


_LABELS: list[tuple[StrEnum, str]] = [
    (CheckKind.POLICE_SYSTEM, "Police system"),
    (CheckKind.PARTNER_AGENCY, "Partner agency"),
    (CheckResult.NIL_RETURN, "No trace (nil return)"),
    (CheckResult.INFORMATION_FOUND, "Information found"),
    (OnwardConsent.CONSENTS, "Consents"),
    (OnwardConsent.DOES_NOT_CONSENT, "Does not consent"),
    (OnwardConsent.NOT_APPLICABLE, "Not applicable"),
    (SourceGrade.A, "Reliable"),
    (SourceGrade.B, "Untested"),
    (SourceGrade.C, "Not reliable"),
    (InformationGrade.KNOWN_DIRECTLY, "Known directly to the source"),
    (InformationGrade.INDIRECTLY_CORROBORATED, "Known indirectly to the source but corroborated"),
    (InformationGrade.INDIRECTLY, "Known indirectly to the source"),
    (InformationGrade.NOT_KNOWN, "Not known"),
    (InformationGrade.SUSPECTED_FALSE, "Suspected to be false"),
    (HandlingCode.PERMITTED, "Lawful sharing permitted"),
    (HandlingCode.CONDITIONS, "Lawful sharing permitted subject to conditions"),
    (Nature.FACT, "Fact"),
    (Nature.OPINION, "Opinion"),
    (OwnerConsent.GIVEN, "Given"),
    (OwnerConsent.REFUSED, "Refused"),
    (OwnerConsent.NOT_NEEDED, "Not needed (police information)"),
    (OwnerConsent.AWAITED, "Awaited"),
    (DiscloseTo.PERSON_AT_RISK, "Person at risk"),
    (DiscloseTo.BEST_PLACED_TO_PROTECT, "Person best placed to protect"),
    (DiscloseTo.PARENT_OR_CARER, "Parent, carer or guardian"),
    (Recommendation.DISCLOSE, "Disclose"),
    (Recommendation.NO_DISCLOSURE, "Do not disclose"),
    (Recommendation.MORE_INFORMATION, "More information needed"),
]
# Keyed by (kind, value): members of different kinds may share a value (source grade C, handling code C).
LABELS: dict[tuple[type[StrEnum], str], str] = {
    (type(member), member.value): text for member, text in _LABELS
}


def grading(source: str, information: str, handling: str) -> tuple[str, str]:
    """The short code ("A2 P") and its reading in words, for the package and the panel pack."""
    short = f"{source}{information} {handling}"
    words = (
        f"Source: {SourceGrade(source).label.lower()} ({source}); "
        f"information: {InformationGrade(information).label.lower()} ({information}); "
        f"handling: {HandlingCode(handling).label.lower()} ({handling})"
    )
    return short, words


def options(kind: type[_Labelled]) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in kind]
