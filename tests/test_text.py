"""The kernel's text helpers: bounded JSON."""

from __future__ import annotations

import pytest

from disclosure.text import MAX_JSON_DEPTH, json_depth_exceeded, load_json


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
