"""Records that may be one person are grouped, through any chain of shared likely matches [issue 20]."""

from disclosure.people.clustering import clusters


def test_a_chain_of_shared_matches_is_one_group_and_the_rest_stay_apart() -> None:
    items = ["a", "b", "c", "d", "e"]
    keys = [["p1"], ["p1", "p2"], ["p2"], ["p3"], []]
    assert clusters(items, keys) == [["a", "b", "c"], ["d"], ["e"]]


def test_groups_keep_the_items_order_and_come_in_the_order_of_their_first() -> None:
    items = [1, 2, 3, 4]
    keys = [["x"], ["y"], ["x"], ["y", "z"]]
    assert clusters(items, keys) == [[1, 3], [2, 4]]
    assert clusters([], []) == []
