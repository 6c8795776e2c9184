"""The matcher in use for intake, the feed and search: the matching model's version in use (or the
shipped defaults), its possible and likely thresholds, and the size of the people index, whose prior odds
say how likely any one candidate is to be the person entered (one in a thousand people is a needle in a
smaller haystack than one in a million) [issue 20]."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from disclosure.people import training
from disclosure.people.matching import Scorer

SMALLEST_POPULATION = 1_000
"""The prior never assumes fewer people than a village's worth: a person entered into a new service, or a
small one, is far likelier new than one of the few it holds, so two people sharing only a date of birth in
an index of ten are not called a match. The size is the one measured when the matcher was last trained."""


@dataclass(frozen=True)
class Matcher:
    scorer: Scorer
    possible: int
    """A match is shown from this probability (per cent)."""
    likely: int
    """A match is called likely from this probability (per cent)."""


def matcher(session: Session) -> Matcher:
    """The matcher in use now."""
    return Matcher(*training.scorer_of(training.in_use(session), SMALLEST_POPULATION))


def scorer(session: Session) -> Scorer:
    """The scorer in use now."""
    return matcher(session).scorer


def resemblance(session: Session) -> Scorer:
    """The scorer for a search, which asks what is like the words typed rather than whether this is the
    same person: the same weights without the prior, so a record is found when its fields agree more than
    they differ."""
    return replace(scorer(session), population=1)
