"""The kinds of partner agency a MASH works with [SafeLives]; the agencies themselves are data (seeded by
migration 0006, edited in Settings > Partner agencies)."""

from __future__ import annotations

from enum import StrEnum


class AgencyKind(StrEnum):
    PROBATION = "probation"
    PRISONS = "prisons"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    ADULT_SOCIAL_CARE = "adult_social_care"
    HEALTH = "health"
    EDUCATION = "education"
    HOUSING = "housing"
    IDVA_MARAC = "idva_marac"
    OTHER = "other"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    AgencyKind.PROBATION: "Probation",
    AgencyKind.PRISONS: "Prisons",
    AgencyKind.CHILDRENS_SOCIAL_CARE: "Children's social care",
    AgencyKind.ADULT_SOCIAL_CARE: "Adult social care",
    AgencyKind.HEALTH: "Health",
    AgencyKind.EDUCATION: "Education",
    AgencyKind.HOUSING: "Housing",
    AgencyKind.IDVA_MARAC: "IDVA and MARAC",
    AgencyKind.OTHER: "Other",
}
