"""Training the matching model on a force's own people index, and the versions it makes [issue 20].

As Splink does: u, the chance two different people agree at a level, is counted on random pairs of people; m,
the chance a person's two records agree at it, is estimated by expectation maximisation in sessions, each over
the pairs one blocking rule fetches (`SESSIONS`: people born on the same day; people whose family names sound
alike and whose given names share an initial). Most of a session's pairs are different people and some are
duplicates, and EM tells them apart by how the other fields agree together; the comparisons the rule itself
holds are left out of that session (every pair agrees on them, so they say nothing), and each comparison's m
is the mean of the sessions that estimate it. A session's m is kept only when the share of matches it finds
is plausible (`PLAUSIBLE_MATCH_SHARE`); the name frequencies are counted on the index. Each training, or
change of thresholds, is a new numbered version; one is in use; putting an earlier one back in use is as easy,
and every step is audited.
"""

from __future__ import annotations

import math
import random
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, aliased

from disclosure import audit
from disclosure.audit import Actor, AuditCategory
from disclosure.errors import FormInvalid, NotFound
from disclosure.people import blocking, candidates, matching, model
from disclosure.people.matching import Candidate, Probe, Scorer
from disclosure.people.models import MatcherVersion, Person, PersonMatchKey, PersonName
from disclosure.people.schemas import NameEntry, PersonDetails

RANDOM_PAIRS = 20_000
"""Random pairs of people counted for u."""
PROBES = 2_000
"""People whose pairs in each session EM learns m from."""
PAIRS_PER_PROBE = 20
"""Others fetched for each probe in a session (a common birthday or name must not crowd out the rest)."""
ITERATIONS = 30
CONVERGED = 1e-5
"""EM stops when no m moves by more than this in an iteration."""
TOP_NAMES = 2_000
"""Common given and family names whose own shares are kept; rarer ones share the rarest kept share."""
SMOOTHING = 1.0
"""Added to every level's count so that no m or u is 0 (a level never seen is rare, not impossible)."""
PLAUSIBLE_MATCH_SHARE = 0.5
"""A session's m is taken only when EM finds fewer than this share of its pairs to be matches. Most people
born on one day, or namesakes, are different people; a share near 1 means EM explained the rule's own
agreement as matches, and its m would mistake namesakes for one person: that session is set aside, and a
comparison no session estimated keeps its starting m (the shipped or last version's; `m_kept` counts them)."""
MIN_PEOPLE = 1_000
"""An index smaller than this is not trained on: its counts would say more about chance than the force."""


@dataclass(frozen=True)
class BlockingRule:
    """The pairs one EM session learns from, and the comparisons the rule fetching them holds."""

    name: str
    label: str
    held: frozenset[str]


BIRTHDAY = BlockingRule("birthday", "born on the same day", frozenset({"date_of_birth"}))
NAMESAKES = BlockingRule(
    "namesakes", "family names sound alike, same given initial", frozenset({"given_name", "family_name"})
)
SESSIONS = (BIRTHDAY, NAMESAKES)
"""Between them every comparison is estimated at least once: names and address on people born the same day,
the date of birth and address on namesakes."""


@dataclass(frozen=True)
class Trained:
    parameters: model.Parameters
    summary: dict[str, Any]


def details_of(candidate: Candidate) -> PersonDetails:
    """A person as stored, as if entered: the primary name, the other names as aliases, the first address."""
    names = sorted(candidate.names, key=lambda n: n.kind != "primary")
    first = names[0] if names else None
    place = candidate.addresses[0] if candidate.addresses else None
    return PersonDetails(
        given_names=first.given_names if first else "",
        family_name=first.family_name if first else "",
        aliases=tuple(NameEntry(n.given_names, n.family_name) for n in names[1:]),
        date_of_birth=candidate.date_of_birth,
        gender=candidate.gender,
        address_line_1=place.line_1 if place else "",
        town=place.town if place else "",
        postcode=place.postcode if place else "",
    )


Pattern = tuple[str | None, ...]
"""The level of each comparison of a pair (None: missing on one side), in `model.COMPARISONS` order."""


def pattern(probe: Probe, candidate: Candidate) -> Pattern:
    levels = {c.comparison: c.level for c in matching.score(probe, candidate).contributions}
    return tuple(levels.get(c.name) for c in model.COMPARISONS)


def _people(session: Session, ids: list[uuid.UUID]) -> list[Candidate]:
    return [c for chunk in _chunks(ids, 500) for c in candidates.load_candidates(session, chunk)]


def _chunks(items: list[uuid.UUID], size: int) -> Iterable[list[uuid.UUID]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _share(counts: Mapping[str | None, float], comparison: model.Comparison) -> dict[str, float]:
    """Smoothed shares of each level among the pairs where the comparison is known."""
    total = sum(n for level, n in counts.items() if level is not None) + SMOOTHING * len(comparison.levels)
    return {level.name: (counts.get(level.name, 0) + SMOOTHING) / total for level in comparison.levels}


def estimate_u(patterns: list[Pattern]) -> dict[str, dict[str, float]]:
    """u of every level: its share among random pairs (nearly all of which are different people)."""
    return {
        comparison.name: _share(Counter(p[i] for p in patterns), comparison)
        for i, comparison in enumerate(model.COMPARISONS)
    }


def estimate_m(
    patterns: Counter[Pattern],
    u: dict[str, dict[str, float]],
    start: model.Parameters,
    held: frozenset[str] = frozenset(),
) -> tuple[dict[str, dict[str, float]], float, int]:
    """m of every level and the share of pairs that match, by EM over the blocked pairs' patterns with u
    held (counted on random pairs); the comparisons in `held` (those the blocking rule fixes) take no part and
    keep their starting m. Returns m, the share and the iterations run."""
    m = {name: dict(levels) for name, levels in start.m.items()}
    used = [(i, c) for i, c in enumerate(model.COMPARISONS) if c.name not in held]
    matched = 0.1
    iterations = 0
    for iterations in range(1, ITERATIONS + 1):  # noqa: B007 (the count is returned)
        weights: dict[Pattern, float] = {}
        for found in patterns:
            log_m = log_u = 0.0
            for i, comparison in used:
                level = found[i]
                if level is not None:
                    log_m += math.log(m[comparison.name][level])
                    log_u += math.log(u[comparison.name][level])
            a = math.log(matched) + log_m
            b = math.log(1 - matched) + log_u
            weights[found] = 1 / (1 + math.exp(min(b - a, 700)))
        total = sum(patterns.values())
        matched = min(max(sum(weights[p] * n for p, n in patterns.items()) / total, 1e-6), 1 - 1e-6)
        moved = 0.0
        for i, comparison in used:
            counts: dict[str | None, float] = {}
            for found, n in patterns.items():
                counts[found[i]] = counts.get(found[i], 0.0) + weights[found] * n
            new = _share(counts, comparison)
            moved = max(moved, *(abs(new[k] - m[comparison.name][k]) for k in new))
            m[comparison.name] = new
        if moved < CONVERGED:
            break
    return m, matched, iterations


def name_frequencies(session: Session) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Each common first given name's and family name's share of the index's names, and the share given
    to the rest (the rarest kept share, or one name in all of them when every name is kept)."""
    given: Counter[str] = Counter()
    family: Counter[str] = Counter()
    for given_names, family_name in session.execute(select(PersonName.given_names, PersonName.family_name)):
        first, _, last = matching.name_parts(given_names, family_name)
        if first:
            given[first] += 1
        if last:
            family[last.replace(" ", "")] += 1
    tables: dict[str, dict[str, float]] = {}
    rare: dict[str, float] = {}
    for name, counts in (("given_name", given), ("family_name", family)):
        total = sum(counts.values()) or 1
        kept = dict(counts.most_common(TOP_NAMES))
        tables[name] = {value: n / total for value, n in kept.items()}
        rare[name] = (min(kept.values()) if len(kept) < len(counts) else 1) / total
    return tables, rare


def combined_m(
    start: model.Parameters, estimates: Iterable[tuple[BlockingRule, dict[str, dict[str, float]]]]
) -> tuple[dict[str, dict[str, float]], int]:
    """Each comparison's m as the mean of the sessions that estimated it (not held by their rule); the
    starting m where none did. Returns m and how many comparisons kept the starting m."""
    m: dict[str, dict[str, float]] = {}
    kept = 0
    taken = list(estimates)
    for comparison in model.COMPARISONS:
        found = [estimated[comparison.name] for rule, estimated in taken if comparison.name not in rule.held]
        if not found:
            kept += 1
            m[comparison.name] = dict(start.m[comparison.name])
            continue
        m[comparison.name] = {
            level.name: sum(e[level.name] for e in found) / len(found) for level in comparison.levels
        }
    return m, kept


def _pairs_of(session: Session, rule: BlockingRule, probe_id: uuid.UUID) -> list[uuid.UUID]:
    """Up to `PAIRS_PER_PROBE` people the rule pairs with a probe, by indexed lookups."""
    other = aliased(Person)
    if rule is BIRTHDAY:
        mine = select(Person.date_of_birth).where(Person.id == probe_id).scalar_subquery()
        statement = select(other.id).where(other.date_of_birth == mine)
    else:
        own, theirs = aliased(PersonMatchKey), aliased(PersonMatchKey)
        statement = (
            select(other.id)
            .join(theirs, theirs.person_id == other.id)
            .join(own, own.key == theirs.key)
            .where(own.person_id == probe_id, own.key.startswith(f"{blocking.GIVEN_SLIP}:"))
            .distinct()
        )
    statement = statement.where(other.id != probe_id, other.merged_into_id.is_(None))
    return list(session.scalars(statement.limit(PAIRS_PER_PROBE)))


def session_patterns(session: Session, rule: BlockingRule, probes: list[Candidate]) -> Counter[Pattern]:
    """The patterns of the pairs a rule fetches for the probes."""
    wanted = {probe.person_id: _pairs_of(session, rule, probe.person_id) for probe in probes}
    loaded = {c.person_id: c for c in _people(session, sorted({i for ids in wanted.values() for i in ids}))}
    found: Counter[Pattern] = Counter()
    for person in probes:
        probe = Probe.of(details_of(person))
        found.update(pattern(probe, loaded[i]) for i in wanted[person.person_id] if i in loaded)
    return found


def train(session: Session, *, seed: int = 0, start: model.Parameters = model.SHIPPED) -> Trained:
    """Estimate the model from the index as it is now (random, but repeatable with `seed`)."""
    rng = random.Random(seed)  # noqa: S311  # nosec B311  # sampling pairs to count, seeded: no secret
    ids = list(session.scalars(select(Person.id).where(Person.merged_into_id.is_(None)).order_by(Person.id)))
    if len(ids) < MIN_PEOPLE:
        raise FormInvalid(
            {"index": f"Training needs at least {MIN_PEOPLE:,} people in the index; it has {len(ids):,}"}, {}
        )
    frequencies, rare = name_frequencies(session)
    pairs = min(RANDOM_PAIRS, len(ids) * (len(ids) - 1) // 2)
    drawn = [tuple(rng.sample(range(len(ids)), 2)) for _ in range(pairs)]
    loaded = {c.person_id: c for c in _people(session, sorted({ids[i] for pair in drawn for i in pair}))}
    randoms = [
        pattern(Probe.of(details_of(loaded[ids[a]])), loaded[ids[b]])
        for a, b in drawn
        if ids[a] in loaded and ids[b] in loaded
    ]
    u = estimate_u(randoms)
    probes = _people(session, rng.sample(ids, min(PROBES, len(ids))))
    summary: dict[str, Any] = {"people": len(ids), "random_pairs": len(randoms), "seed": seed}
    plausible: list[tuple[BlockingRule, dict[str, dict[str, float]]]] = []
    for rule in SESSIONS:
        patterns = session_patterns(session, rule, probes)
        estimated, matched, iterations = estimate_m(patterns, u, start, rule.held)
        if matched < PLAUSIBLE_MATCH_SHARE:
            plausible.append((rule, estimated))
        summary |= {
            f"{rule.name}_pairs": sum(patterns.values()),
            f"{rule.name}_iterations": iterations,
            f"{rule.name}_matched_share": round(matched, 6),
        }
    m, kept = combined_m(start, plausible)
    parameters = model.Parameters(m=m, u=u, prior=start.prior, frequencies=frequencies, rare=rare)
    parameters.check()
    return Trained(parameters, summary | {"m_kept": kept})


# ------------------------------------------------------------------------------------------ versions


DEFAULT_POSSIBLE = matching.DEFAULT_THRESHOLD
DEFAULT_LIKELY = matching.LIKELY_THRESHOLD


def in_use(session: Session) -> MatcherVersion | None:
    return session.scalar(select(MatcherVersion).where(MatcherVersion.in_use.is_(True)))


_PARSED: dict[uuid.UUID, model.Parameters] = {}
"""Each version's parameters parsed (and checked) once, not at every match: a version never changes."""


def _parameters(version: MatcherVersion) -> model.Parameters:
    if version.id not in _PARSED:
        if len(_PARSED) >= 16:
            _PARSED.clear()
        _PARSED[version.id] = model.Parameters.from_json(version.parameters)
    return _PARSED[version.id]


def scorer_of(version: MatcherVersion | None, smallest_population: int) -> tuple[Scorer, int, int]:
    """The scorer a version makes, with its possible and likely thresholds; the shipped defaults when
    no version has been made."""
    if version is None:
        return Scorer(model.SHIPPED, smallest_population), DEFAULT_POSSIBLE, DEFAULT_LIKELY
    parameters = _parameters(version)
    scorer = Scorer(parameters, max(version.population, smallest_population), version.number)
    return scorer, version.possible, version.likely


def _next_number(session: Session) -> int:
    return int(session.scalar(select(func.max(MatcherVersion.number))) or 0) + 1


def _put_in_use(session: Session, version: MatcherVersion) -> None:
    session.execute(update(MatcherVersion).where(MatcherVersion.in_use.is_(True)).values(in_use=False))
    session.flush()
    version.in_use = True
    session.flush()


def _details(version: MatcherVersion) -> dict[str, Any]:
    """What an audit event says of a version: its number, how it was made, its thresholds and counts."""
    return {
        "number": version.number,
        "made_by": version.made_by,
        "possible": version.possible,
        "likely": version.likely,
        **{k: v for k, v in version.summary.items() if isinstance(v, int | float)},
    }


def _add_version(session: Session, actor: Actor, **fields: Any) -> MatcherVersion:
    """The next version, made by `actor`, put in use."""
    version = MatcherVersion(
        number=_next_number(session), created_by_id=getattr(actor, "user_id", None), **fields
    )
    session.add(version)
    session.flush()
    _put_in_use(session, version)
    return version


def record_training(session: Session, actor: Actor, trained: Trained) -> MatcherVersion:
    """Keep a training as the next version and put it in use, with the thresholds now in use."""
    current = in_use(session)
    version = _add_version(
        session,
        actor,
        parameters=trained.parameters.to_json(),
        population=int(trained.summary["people"]),
        possible=current.possible if current else DEFAULT_POSSIBLE,
        likely=current.likely if current else DEFAULT_LIKELY,
        made_by="trained",
        summary=trained.summary,
    )
    audit.record(
        session,
        actor=actor,
        action="matcher.train",
        category=AuditCategory.ADMINISTRATION,
        object_type="matcher_version",
        object_id=version.id,
        justification="Matching model trained on the people index",
        details=_details(version),
    )
    return version


def thresholds_from(values: Mapping[str, str]) -> tuple[int, int]:
    """The possible and likely thresholds typed on the matching settings page, as whole percentages."""
    errors: dict[str, str] = {}
    found: dict[str, int] = {}
    for field, label in (("possible", "possible match"), ("likely", "likely match")):
        raw = values.get(field, "").strip().removesuffix("%").strip()
        if not raw:
            errors[field] = f"Enter the {label} threshold"
        elif not raw.isdigit() or not 1 <= int(raw) <= 100:
            errors[field] = f"The {label} threshold must be a whole number from 1 to 100"
        else:
            found[field] = int(raw)
    if errors:
        raise FormInvalid(errors, dict(values))
    return found["possible"], found["likely"]


def set_thresholds(session: Session, actor: Actor, possible: int, likely: int) -> MatcherVersion:
    """A new version with the parameters in use and these thresholds (percentages), put in use."""
    if not 1 <= possible <= likely <= 100:
        raise FormInvalid(
            {"possible": "The possible threshold must be from 1 to 100 and no more than the likely one"},
            {"possible": str(possible), "likely": str(likely)},
        )
    current = in_use(session)
    version = _add_version(
        session,
        actor,
        parameters=current.parameters if current else model.SHIPPED.to_json(),
        population=current.population if current else 0,
        possible=possible,
        likely=likely,
        made_by="thresholds",
        summary={},
    )
    audit.record(
        session,
        actor=actor,
        action="matcher.thresholds",
        category=AuditCategory.ADMINISTRATION,
        object_type="matcher_version",
        object_id=version.id,
        justification="Matching thresholds changed",
        details=_details(version),
    )
    return version


def use_version(session: Session, actor: Actor, number: int) -> MatcherVersion:
    """Put an earlier (or later) version back in use."""
    version = session.scalar(select(MatcherVersion).where(MatcherVersion.number == number))
    if version is None:
        raise NotFound(f"There is no matching model version {number}")
    _put_in_use(session, version)
    audit.record(
        session,
        actor=actor,
        action="matcher.use",
        category=AuditCategory.ADMINISTRATION,
        object_type="matcher_version",
        object_id=version.id,
        justification=f"Matching model version {number} put in use",
        details=_details(version),
    )
    return version


def versions(session: Session, limit: int | None = None) -> list[MatcherVersion]:
    """The versions, newest first (the `limit` newest, when given)."""
    return list(session.scalars(select(MatcherVersion).order_by(MatcherVersion.number.desc()).limit(limit)))


def count_versions(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(MatcherVersion)) or 0)


__all__ = [
    "Trained",
    "combined_m",
    "count_versions",
    "details_of",
    "estimate_m",
    "estimate_u",
    "in_use",
    "record_training",
    "scorer_of",
    "session_patterns",
    "set_thresholds",
    "thresholds_from",
    "train",
    "use_version",
    "versions",
]
