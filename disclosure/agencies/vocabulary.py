"""The kinds of partner agency a MASH works with [SafeLives]; the agencies themselves are data (seeded by
migration 0006, edited in Settings > Partner agencies)."""

from __future__ import annotations

from disclosure.workflow import Labelled


class AgencyKind(Labelled):
    PROBATION = "probation"
    PRISONS = "prisons"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    ADULT_SOCIAL_CARE = "adult_social_care"
    HEALTH = "health"
    EDUCATION = "education"
    HOUSING = "housing"
    IDVA_MARAC = "idva_marac", "IDVA and MARAC"
    OTHER = "other"
