"""The decision's words: forums, outcomes, the legal tests, recipients' capacities, safeguarding actions and
agency views. Sources: DOMAIN.md "What is recorded" (Decision, No disclosure) [WYP-DVDS][DVDS-2023]
[ASP-CSODS][Bexley]."""

from __future__ import annotations

from disclosure.workflow import Labelled


class Forum(Labelled):
    """Where the decision is made: a DVDS panel, MARAC, or MAPPA where the subject is a MAPPA nominal
    [WYP-DVDS][WMP]; for Sarah's Law the police with partners [CSODS-2023]."""

    DISCLOSURE_PANEL = "disclosure_panel", "Disclosure decision panel"
    MARAC = "marac", "MARAC"
    MAPPA = "mappa", "MAPPA meeting"


class MeetingStatus(Labelled):
    SCHEDULED = "scheduled"
    CLOSED = "closed"


class Outcome(Labelled):
    DISCLOSE = "disclose"
    NO_DISCLOSURE = "no_disclosure", "Do not disclose"
    DEFER = "defer", "Defer for more information"


class DecisionStatus(Labelled):
    DRAFT = "draft"
    SIGNED = "signed", "Signed off"


class LegalTest(Labelled):
    """The tests every disclosure must meet, each answered with reasoning [DVDS-2023][WYP-DVDS]."""

    LAWFUL = "lawful", "Lawful: there is a lawful basis to disclose (common-law police power)"
    NECESSARY = "necessary", "Necessary: disclosure is necessary to protect the person from harm"
    PROPORTIONATE = "proportionate", "Proportionate: the intrusion into the subject's privacy is justified"
    PRESSING_NEED = "pressing_need", "Pressing need: there is a pressing need to disclose"


class SpentConvictions(Labelled):
    """Rehabilitation of Offenders Act 1974: spent convictions are disclosed only exceptionally."""

    NONE = "none", "There are no spent convictions"
    EXCLUDED = "excluded", "Spent convictions were considered and are not disclosed"
    INCLUDED = "included", "Spent convictions were considered and exceptionally are disclosed"


class Capacity(Labelled):
    """In what capacity a recipient is told: never automatically a third-party applicant [OMG][Bexley]."""

    PERSON_AT_RISK = "person_at_risk"
    BEST_PLACED_TO_PROTECT = "best_placed_to_protect", "Person best placed to protect"
    PARENT_CARER_GUARDIAN = "parent_carer_guardian", "Parent, carer or guardian of the child"


class Safeguarding(Labelled):
    MARAC_REFERRAL = "marac_referral", "MARAC referral"
    IDVA_REFERRAL = "idva_referral", "IDVA referral"
    CHILDREN_SOCIAL_CARE = "children_social_care", "Children's social care referral"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care referral"
    OTHER = "other", "Other safeguarding action"


class View(Labelled):
    AGREE = "agree", "Agrees"
    DISSENT = "dissent", "Dissents"


class Ratification(Labelled):
    """The next panel's answer on an urgent disclosure made at first contact for immediate protection
    [Beds]."""

    RATIFIED = "ratified", "Ratified: the urgent disclosure was right"
    NOT_RATIFIED = "not_ratified", "Not ratified"
