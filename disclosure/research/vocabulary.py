"""Research's words: check kinds and results, the 3x5x2 intelligence grading, fact or opinion, consent to
onward disclosure, and the researcher's recommendation. Sources: DOMAIN.md "Checks" [WMP][SafeLives] and the
College of Policing's intelligence management APP (the 3x5x2 model)."""

from __future__ import annotations

from disclosure.workflow import Labelled


class CheckKind(Labelled):
    POLICE_SYSTEM = "police_system"
    PARTNER_AGENCY = "partner_agency"


class CheckResult(Labelled):
    NIL_RETURN = "nil_return", "No trace (nil return)"
    INFORMATION_FOUND = "information_found"


class OnwardConsent(Labelled):
    """Whether the agency that owns the information consents to it being disclosed onward."""

    CONSENTS = "consents"
    DOES_NOT_CONSENT = "does_not_consent"
    NOT_APPLICABLE = "not_applicable"


class SourceGrade(Labelled):
    """3x5x2 source evaluation."""

    A = "A", "Reliable"
    B = "B", "Untested"
    C = "C", "Not reliable"


class InformationGrade(Labelled):
    """3x5x2 intelligence assessment."""

    KNOWN_DIRECTLY = "1", "Known directly to the source"
    INDIRECTLY_CORROBORATED = "2", "Known indirectly to the source but corroborated"
    INDIRECTLY = "3", "Known indirectly to the source"
    NOT_KNOWN = "4", "Not known"
    SUSPECTED_FALSE = "5", "Suspected to be false"


class HandlingCode(Labelled):
    """3x5x2 handling code."""

    PERMITTED = "P", "Lawful sharing permitted"
    CONDITIONS = "C", "Lawful sharing permitted subject to conditions"


class Nature(Labelled):
    FACT = "fact"
    OPINION = "opinion"


class OwnerConsent(Labelled):
    """The owning agency's consent to this item being disclosed to the named recipient."""

    GIVEN = "given"
    REFUSED = "refused"
    NOT_NEEDED = "not_needed", "Not needed (police information)"
    AWAITED = "awaited"


class DiscloseTo(Labelled):
    """Who an item may be disclosed to. Third-party applicants are never told what was disclosed [Bexley];
    for Sarah's Law only a parent, carer or guardian [ASP-CSODS]."""

    PERSON_AT_RISK = "person_at_risk"
    BEST_PLACED_TO_PROTECT = "best_placed_to_protect", "Person best placed to protect"
    PARENT_OR_CARER = "parent_or_carer", "Parent, carer or guardian"


class Recommendation(Labelled):
    DISCLOSE = "disclose"
    NO_DISCLOSURE = "no_disclosure", "Do not disclose"
    MORE_INFORMATION = "more_information", "More information needed"


def grading(source: str, information: str, handling: str) -> tuple[str, str]:
    """The short code ("A2 P") and its reading in words, for the package and the panel pack."""
    short = f"{source}{information} {handling}"
    words = (
        f"Source: {SourceGrade(source).label.lower()} ({source}); "
        f"information: {InformationGrade(information).label.lower()} ({information}); "
        f"handling: {HandlingCode(handling).label.lower()} ({handling})"
    )
    return short, words


class MappaCategory(Labelled):
    """MAPPA categories (Criminal Justice Act 2003 s.325; MAPPA Guidance): category 1 is registered sexual
    offenders."""

    REGISTERED_SEXUAL = "1", "Category 1: registered sexual offender"
    VIOLENT = "2", "Category 2: violent offender"
    OTHER_DANGEROUS = "3", "Category 3: other dangerous offender"


class MappaLevel(Labelled):
    """MAPPA management levels (MAPPA Guidance)."""

    ORDINARY = "1", "Level 1: ordinary agency management"
    MULTI_AGENCY = "2", "Level 2: active multi-agency management"
    SENIOR = "3", "Level 3: active multi-agency management with senior oversight"


class MappaLead(Labelled):
    """The agency leading the subject's MAPPA management."""

    PROBATION = "probation", "Probation Service"
    POLICE = "police", "Police"
    YOUTH_JUSTICE = "youth_justice", "Youth justice service"
    PRISON = "prison", "Prison Service"
    HEALTH = "health", "Mental health services"
