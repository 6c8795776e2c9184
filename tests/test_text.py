"""The kernel's text helpers: bounded JSON."""

from __future__ import annotations

import pytest

from disclosure.text import MAX_JSON_DEPTH, Repeated, as_list, json_depth_exceeded, load_json


def test_load_json_reads_ordinary_documents_with_brackets_inside_strings() -> None:
    assert load_json('{"a": [1, "[[[[{{", "\\"]]"]}') == {"a": [1, "[[[[{{", '"]]']}


def test_load_json_refuses_nesting_deeper_than_the_limit_without_recursing() -> None:
    deep = "[" * 50_000 + "]" * 50_000
    with pytest.raises(ValueError, match="deeper than"):
        load_json(deep)


def test_depth_limit_is_exact() -> None:
    at_limit = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert not json_depth_exceeded(at_limit)
    assert json_depth_exceeded("[" + at_limit + "]")
    assert load_json(at_limit.encode()) is not None


def test_a_repeated_field_reads_as_its_first_value_and_lists_every_value() -> None:
    repeated = Repeated(["passport", "utility_bill"])
    assert repeated == "passport" and isinstance(repeated, str)
    assert as_list(repeated) == ["passport", "utility_bill"]
    assert as_list("passport") == ["passport"]
    assert as_list("") == [] and as_list(None) == []
