"""The kernel's status machines and enumeration words (`disclosure.workflow`), and that every feature uses
them: one way of labelling an enumeration, one way of refusing a move."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from enum import StrEnum
from types import ModuleType

import pytest

import disclosure
from disclosure.errors import InvalidTransition
from disclosure.workflow import Labelled, Workflow, options


class Door(Labelled):
    OPEN = "open"
    LOCKED = "locked", "Locked for the night"


class Turn(StrEnum):
    LOCK = "lock"
    UNLOCK = "unlock"
    KNOCK_DOWN = "knock_down"


DOORS: Workflow[Door, Turn] = Workflow(
    "door", {(Door.OPEN, Turn.LOCK): Door.LOCKED, (Door.LOCKED, Turn.UNLOCK): Door.OPEN}
)


def test_a_member_reads_as_its_words_or_else_as_its_value() -> None:
    assert (Door.OPEN.label, Door.LOCKED.label) == ("Open", "Locked for the night")
    assert Door("locked") is Door.LOCKED and str(Door.LOCKED) == "locked" and f"{Door.LOCKED}" == "locked"
    assert options(Door) == [("open", "Open"), ("locked", "Locked for the night")]


def test_a_move_in_the_table_is_made_and_any_other_is_refused_naming_what_is_possible() -> None:
    assert DOORS.next(Door.OPEN, Turn.LOCK) is Door.LOCKED
    assert DOORS.allowed(Door.LOCKED) == [Turn.UNLOCK] and not DOORS.can(Door.OPEN, Turn.UNLOCK)
    with pytest.raises(InvalidTransition) as refused:
        DOORS.next(Door.LOCKED, Turn.KNOCK_DOWN)
    assert refused.value.message == (
        "A door that is 'Locked for the night' cannot 'knock down'. Possible now: unlock"
    )
    polite = Workflow("door", DOORS.table, refusal=lambda status, _turn: f"Not while {status.label.lower()}")
    with pytest.raises(InvalidTransition, match="Not while open"):
        polite.next(Door.OPEN, Turn.UNLOCK)


def _modules() -> list[ModuleType]:
    found = []
    for info in pkgutil.walk_packages(disclosure.__path__, "disclosure."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue
        found.append(importlib.import_module(info.name))
    return found


def test_every_enumeration_with_words_is_labelled_the_one_way() -> None:
    """A `label` written by hand on an enumeration (a dict of labels, a property) fails here: give the
    member its words, `NAME = "value", "Words"`."""
    by_hand = sorted(
        f"{module.__name__}.{name}"
        for module in _modules()
        for name, value in vars(module).items()
        if inspect.isclass(value)
        and issubclass(value, StrEnum)
        and value.__module__ == module.__name__
        and "label" in vars(value)
        and value is not Labelled
    )
    assert by_hand == []


def test_every_workflow_in_the_service_refuses_every_move_outside_its_table() -> None:
    workflows = {
        f"{module.__name__}.{name}": value
        for module in _modules()
        for name, value in vars(module).items()
        if isinstance(value, Workflow) and value is not DOORS
    }
    assert len(workflows) >= 3, sorted(workflows)
    for name, workflow in workflows.items():
        statuses = {status for status, _ in workflow.table} | set(workflow.table.values())
        verbs = {verb for _, verb in workflow.table}
        kinds = {type(status) for status in statuses}
        assert len(kinds) == 1, f"{name}: one kind of status"
        for status in next(iter(kinds)):
            for verb in verbs:
                if (status, verb) in workflow.table:
                    assert workflow.next(status, verb) is workflow.table[(status, verb)]
                else:
                    with pytest.raises(InvalidTransition):
                        workflow.next(status, verb)
