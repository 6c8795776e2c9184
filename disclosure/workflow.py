"""Status machines and the words of enumerations, one way for every feature.

`Labelled` is an enumeration whose members carry the words users read beside the value the database keeps:
`OPEN = "open", "Awaiting answer"` (a member without words reads as its value, "Open"). `Workflow` is ONE
table of (status, verb) -> next status for a kind of record, with the refusal that says what is possible
instead; preconditions beyond the status (people present, identity verified, quorum) stay with the service
verb, which checks them before it asks the workflow for the next status.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Generic, Self, TypeVar

from disclosure.errors import InvalidTransition


class Labelled(StrEnum):
    """Members written `NAME = "value", "What users read"`; `label` is those words."""

    _label_: str

    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label_ = label or value.replace("_", " ").capitalize()
        return member

    @property
    def label(self) -> str:
        return self._label_


def options(kind: type[Labelled]) -> list[tuple[str, str]]:
    """(value, words) for each member, in order: the choices of a radio group or a select."""
    return [(member.value, member.label) for member in kind]


S = TypeVar("S", bound=Labelled)
V = TypeVar("V", bound=StrEnum)


def _words(verb: StrEnum) -> str:
    return verb.value.replace("_", " ")


class Workflow(Generic[S, V]):
    """The moves a kind of record (`thing`: "request", "package", ...) can make. A move not in the table is
    refused with `refusal(status, verb)` when given, else by naming the status and what is possible now."""

    def __init__(
        self,
        thing: str,
        table: Mapping[tuple[S, V], S],
        *,
        refusal: Callable[[S, V], str] | None = None,
    ) -> None:
        self.thing = thing
        self.table = dict(table)
        self.refusal = refusal

    def allowed(self, status: S) -> list[V]:
        return [verb for (source, verb) in self.table if source is status]

    def can(self, status: S, verb: V) -> bool:
        return (status, verb) in self.table

    def next(self, status: S, verb: V) -> S:
        """The next status, or `InvalidTransition` saying why not."""
        try:
            return self.table[(status, verb)]
        except KeyError:
            if self.refusal is not None:
                raise InvalidTransition(self.refusal(status, verb)) from None
            possible = ", ".join(_words(v) for v in self.allowed(status)) or "nothing"
            raise InvalidTransition(
                f"A {self.thing} that is '{status.label}' cannot '{_words(verb)}'. Possible now: {possible}"
            ) from None

    @property
    def statuses(self) -> set[S]:
        return {source for source, _ in self.table} | set(self.table.values())
