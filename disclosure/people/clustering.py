"""Groups of records that may all be one person: when A may be B and B may be C, the three are shown
together, so a coordinator settles them at once instead of linking one and missing the others [issue 20].

Connected components of the graph whose edges are "may be the same person" (a shared likely match), found
with a disjoint-set forest (path halving, union by size): linear in the edges, a few lines of the standard
algorithm, so no library is brought in for it."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import TypeVar

Item = TypeVar("Item")


class _Forest:
    def __init__(self) -> None:
        self.parent: dict[Hashable, Hashable] = {}
        self.size: dict[Hashable, int] = {}

    def find(self, node: Hashable) -> Hashable:
        self.parent.setdefault(node, node)
        self.size.setdefault(node, 1)
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def union(self, a: Hashable, b: Hashable) -> None:
        first, second = self.find(a), self.find(b)
        if first == second:
            return
        if self.size[first] < self.size[second]:
            first, second = second, first
        self.parent[second] = first
        self.size[first] += self.size[second]


def clusters(items: Sequence[Item], keys: Iterable[Iterable[Hashable]]) -> list[list[Item]]:
    """`items` grouped so that two items sharing a key (`keys`, one iterable per item, in order: the
    people each may be) are in one group, directly or through others. Groups keep the items' order and
    come in the order of their first item."""
    forest = _Forest()
    for index, item_keys in enumerate(keys):
        forest.find(("item", index))
        for key in item_keys:
            forest.union(("item", index), ("key", key))
    groups: dict[Hashable, list[Item]] = {}
    for index, item in enumerate(items):
        groups.setdefault(forest.find(("item", index)), []).append(item)
    return list(groups.values())
