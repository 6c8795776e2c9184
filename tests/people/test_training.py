"""Training the matching model on the index, and its versions: EM finds the m of a known mixture, a
training becomes a version in use that matching reads, thresholds are versions too, an earlier version can
be put back in use, each step audited, and a refused training writes nothing [issue 20]."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from disclosure.audit import AuditEvent, SystemActor
from disclosure.db import utcnow
from disclosure.errors import FormInvalid, NotFound
from disclosure.people import model, scoring, training
from disclosure.people import service as people
from disclosure.people.models import (
    MatcherVersion,
    Person,
    PersonAddress,
    PersonMatchCard,
    PersonMatchKey,
    PersonName,
)
from disclosure.synthetic.population import Population, draw_people
from tests.builders import make_user

CLI = SystemActor(label="cli")


def _mixture(rng: random.Random, pairs: int, matched: float) -> Counter[training.Pattern]:
    """Patterns drawn from a known model: a share `matched` of pairs at m's levels, the rest at u's."""
    drawn: Counter[training.Pattern] = Counter()
    for _ in range(pairs):
        table = model.SHIPPED.m if rng.random() < matched else model.SHIPPED.u
        drawn[
            tuple(
                rng.choices(list(table[c.name]), weights=list(table[c.name].values()))[0]
                for c in model.COMPARISONS
            )
        ] += 1
    return drawn


def test_em_recovers_the_m_of_a_known_mixture_with_u_held() -> None:
    rng = random.Random(7)  # noqa: S311 (a seeded mixture, no secret)
    blocked = _mixture(rng, 40_000, 0.2)
    start = model.Parameters(
        m={c.name: {level.name: 1 / len(c.levels) for level in c.levels} for c in model.COMPARISONS},
        u=model.SHIPPED.u,
    )
    u = {name: dict(levels) for name, levels in model.SHIPPED.u.items()}
    m, matched, iterations = training.estimate_m(blocked, u, start)
    assert matched == pytest.approx(0.2, abs=0.02)
    assert m["date_of_birth"]["exact"] == pytest.approx(model.SHIPPED.m["date_of_birth"]["exact"], abs=0.03)
    assert m["given_name"]["exact"] == pytest.approx(model.SHIPPED.m["given_name"]["exact"], abs=0.03)
    assert m["family_name"]["other"] == pytest.approx(model.SHIPPED.m["family_name"]["other"], abs=0.03)
    assert 1 < iterations <= training.ITERATIONS


def test_comparisons_a_rule_holds_take_no_part_in_its_session_and_keep_their_m() -> None:
    rng = random.Random(8)  # noqa: S311 (a seeded mixture, no secret)
    start = model.Parameters(
        m={c.name: {level.name: 1 / len(c.levels) for level in c.levels} for c in model.COMPARISONS},
        u=model.SHIPPED.u,
    )
    u = {name: dict(levels) for name, levels in model.SHIPPED.u.items()}
    m, matched, _ = training.estimate_m(_mixture(rng, 20_000, 0.2), u, start, training.BIRTHDAY.held)
    assert m["date_of_birth"] == start.m["date_of_birth"]
    assert matched == pytest.approx(0.2, abs=0.03)
    assert m["given_name"]["exact"] == pytest.approx(model.SHIPPED.m["given_name"]["exact"], abs=0.04)


def test_each_comparisons_m_is_the_mean_of_the_sessions_that_estimate_it() -> None:
    def flat(value: float) -> dict[str, dict[str, float]]:
        return {c.name: {level.name: value for level in c.levels} for c in model.COMPARISONS}

    m, kept = training.combined_m(
        model.SHIPPED, [(training.BIRTHDAY, flat(0.2)), (training.NAMESAKES, flat(0.4))]
    )
    assert m["date_of_birth"]["exact"] == pytest.approx(0.4)  # only the namesakes estimate it
    assert m["given_name"]["exact"] == pytest.approx(0.2)  # only people born on one day estimate it
    assert m["address"]["full"] == pytest.approx(0.3) and m["sex"]["exact"] == pytest.approx(0.3)  # both
    assert kept == 0
    alone, kept = training.combined_m(model.SHIPPED, [(training.BIRTHDAY, flat(0.2))])
    assert alone["date_of_birth"] == model.SHIPPED.m["date_of_birth"] and kept == 1
    assert training.combined_m(model.SHIPPED, [])[0] == model.SHIPPED.m


def test_u_is_each_levels_share_of_random_pairs_and_never_zero() -> None:
    patterns: list[training.Pattern] = [("exact", "other", None, None, "exact")] * 3 + [
        ("other", "other", "other", None, "other")
    ]
    u = training.estimate_u(patterns)
    assert u["given_name"]["exact"] == pytest.approx((3 + 1) / (4 + 5))
    assert u["date_of_birth"]["exact"] == pytest.approx(1 / (1 + 6))  # seen nowhere: smoothed, not zero
    assert all(0 < value < 1 for levels in u.values() for value in levels.values())


def _index(db: Session, people_count: int) -> None:
    """A synthetic index bulk-loaded as the service would hold it (names, addresses, blocking keys)."""
    creator = make_user(db, username="ivy.index", display_name="Ivy Index").user
    rng = random.Random(3)  # noqa: S311 (made-up people, seeded)
    batch = draw_people(Population(rng), people_count, creator.id, utcnow(), duplicates=0.1)
    db.execute(insert(Person), batch.people)
    db.execute(insert(PersonName), batch.names)
    db.execute(insert(PersonAddress), batch.addresses)
    db.execute(insert(PersonMatchKey), batch.keys)
    db.execute(insert(PersonMatchCard), batch.cards)
    db.flush()


def test_a_training_is_a_version_in_use_that_matching_reads_and_can_be_undone(db: Session) -> None:
    _index(db, 1_200)
    before = scoring.matcher(db)
    assert before.scorer.parameters is model.SHIPPED and before.possible == training.DEFAULT_POSSIBLE

    trained = training.train(db, seed=1)
    first = training.record_training(db, CLI, trained)
    assert first.number == 1 and first.in_use and first.made_by == "trained"
    now = scoring.matcher(db)
    assert now.scorer.version == 1 and now.scorer.population == max(1_200, scoring.SMALLEST_POPULATION)
    assert now.scorer.parameters.frequencies["family_name"]  # counted on this index, not shipped
    assert now.scorer.parameters.u != model.SHIPPED.u
    assert 0 <= trained.summary["m_kept"] <= len(model.COMPARISONS)
    assert trained.summary["random_pairs"] > 1_000
    assert trained.summary["birthday_pairs"] > 0 and trained.summary["namesakes_pairs"] > 0

    second = training.set_thresholds(db, CLI, 35, 95)
    assert (second.number, second.possible, second.likely) == (2, 35, 95)
    assert second.parameters == first.parameters
    assert scoring.matcher(db).possible == 35
    probe = people.PersonDetails(given_names="Zed", family_name="Nobody")
    people.find_matches(db, CLI, probe)
    [searched] = db.scalars(select(AuditEvent).where(AuditEvent.action == "person.search")).all()
    assert '"threshold": 35' in searched.details

    training.use_version(db, CLI, 1)
    assert [v.number for v in training.versions(db) if v.in_use] == [1]
    assert scoring.matcher(db).possible == training.DEFAULT_POSSIBLE
    actions = list(
        db.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "matcher_version")
            .order_by(AuditEvent.seq)
        )
    )
    assert actions == ["matcher.train", "matcher.thresholds", "matcher.use"]


def test_each_session_pairs_people_by_its_rule(db: Session) -> None:
    """People born on the same day for names and address; namesakes (family names that sound alike, the
    same given initial) for the date of birth."""
    _index(db, 1_200)
    probes = training._people(db, list(db.scalars(select(Person.id).limit(300))))
    born = training.session_patterns(db, training.BIRTHDAY, probes)
    namesakes = training.session_patterns(db, training.NAMESAKES, probes)
    at = {c.name: i for i, c in enumerate(model.COMPARISONS)}
    assert born and {p[at["date_of_birth"]] for p in born} == {"exact"}
    assert namesakes and "other" not in {p[at["family_name"]] for p in namesakes}


def test_a_refused_training_or_threshold_writes_nothing(db: Session) -> None:
    _index(db, 50)
    with pytest.raises(FormInvalid, match="at least 1,000 people"):
        training.train(db)
    with pytest.raises(FormInvalid):
        training.set_thresholds(db, CLI, 60, 40)
    with pytest.raises(NotFound):
        training.use_version(db, CLI, 9)
    assert db.scalar(select(func.count()).select_from(MatcherVersion)) == 0
    assert (
        db.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.object_type == "matcher_version")
        )
        == 0
    )
