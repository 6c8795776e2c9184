"""The decision's words: forums, outcomes, the legal tests, recipients' capacities, safeguarding actions and
agency views. Sources: DOMAIN.md "What is recorded" (Decision, No disclosure) [WYP-DVDS][DVDS-2023]
[ASP-CSODS][Bexley]."""

from __future__ import annotations

from enum import StrEnum


class _Labelled(StrEnum):
    @property
    def label(self) -> str:
        return LABELS[(type(self), self.value)]


class Forum(_Labelled):
    """Where the decision is made: a DVDS panel, MARAC, or MAPPA where the subject is a MAPPA nominal
    [WYP-DVDS][WMP]; for Sarah's Law the police with partners [CSODS-2023]."""

    DISCLOSURE_PANEL = "disclosure_panel"
    MARAC = "marac"
    MAPPA = "mappa"


class MeetingStatus(_Labelled):
    SCHEDULED = "scheduled"
    CLOSED = "closed"


class Outcome(_Labelled):
    DISCLOSE = "disclose"
    NO_DISCLOSURE = "no_disclosure"
    DEFER = "defer"


class DecisionStatus(_Labelled):
    DRAFT = "draft"
    SIGNED = "signed"


class LegalTest(_Labelled):
    """The tests every disclosure must meet, each answered with reasoning [DVDS-2023][WYP-DVDS]."""

    LAWFUL = "lawful"
    NECESSARY = "necessary"
    PROPORTIONATE = "proportionate"
    PRESSING_NEED = "pressing_need"


class SpentConvictions(_Labelled):
    """Rehabilitation of Offenders Act 1974: spent convictions are disclosed only exceptionally."""

    NONE = "none"
    EXCLUDED = "excluded"
    INCLUDED = "included"


class Capacity(_Labelled):
    """In what capacity a recipient is told: never automatically a third-party applicant [OMG][Bexley]."""

    PERSON_AT_RISK = "person_at_risk"
    BEST_PLACED_TO_PROTECT = "best_placed_to_protect"
    PARENT_CARER_GUARDIAN = "parent_carer_guardian"


class Safeguarding(_Labelled):
    MARAC_REFERRAL = "marac_referral"
    IDVA_REFERRAL = "idva_referral"
    CHILDREN_SOCIAL_CARE = "children_social_care"
    ADULT_SOCIAL_CARE = "adult_social_care"
    OTHER = "other"


class View(_Labelled):
    AGREE = "agree"
    DISSENT = "dissent"


_LABELS: list[tuple[StrEnum, str]] = [
    (Forum.DISCLOSURE_PANEL, "Disclosure decision panel"),
    (Forum.MARAC, "MARAC"),
    (Forum.MAPPA, "MAPPA meeting"),
    (MeetingStatus.SCHEDULED, "Scheduled"),
    (MeetingStatus.CLOSED, "Closed"),
    (Outcome.DISCLOSE, "Disclose"),
    (Outcome.NO_DISCLOSURE, "Do not disclose"),
    (Outcome.DEFER, "Defer for more information"),
    (DecisionStatus.DRAFT, "Draft"),
    (DecisionStatus.SIGNED, "Signed off"),
    (LegalTest.LAWFUL, "Lawful: there is a lawful basis to disclose (common-law police power)"),
    (LegalTest.NECESSARY, "Necessary: disclosure is necessary to protect the person from harm"),
    (LegalTest.PROPORTIONATE, "Proportionate: the intrusion into the subject's privacy is justified"),
    (LegalTest.PRESSING_NEED, "Pressing need: there is a pressing need to disclose"),
    (SpentConvictions.NONE, "There are no spent convictions"),
    (SpentConvictions.EXCLUDED, "Spent convictions were considered and are not disclosed"),
    (SpentConvictions.INCLUDED, "Spent convictions were considered and exceptionally are disclosed"),
    (Capacity.PERSON_AT_RISK, "Person at risk"),
    (Capacity.BEST_PLACED_TO_PROTECT, "Person best placed to protect"),
    (Capacity.PARENT_CARER_GUARDIAN, "Parent, carer or guardian of the child"),
    (Safeguarding.MARAC_REFERRAL, "MARAC referral"),
    (Safeguarding.IDVA_REFERRAL, "IDVA referral"),
    (Safeguarding.CHILDREN_SOCIAL_CARE, "Children's social care referral"),
    (Safeguarding.ADULT_SOCIAL_CARE, "Adult social care referral"),
    (Safeguarding.OTHER, "Other safeguarding action"),
    (View.AGREE, "Agrees"),
    (View.DISSENT, "Dissents"),
]
# Keyed by (kind, value): members of different kinds may share a value.
LABELS: dict[tuple[type[StrEnum], str], str] = {(type(m), m.value): text for m, text in _LABELS}


def options(kind: type[_Labelled]) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in kind]
