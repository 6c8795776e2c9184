"""The sandbox letter wording runs in, with limits, so that no wording an administrator types can hold a
worker or exhaust its memory [issue 13]: numbers stay printable, text grows only so far (in one operation
and in the whole letter), and a render stops after a time limit. Jinja's immutable sandbox already refuses
unsafe attributes and changing lists or dicts, and keeps `range` short; this adds what it leaves open."""

from __future__ import annotations

import math
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from jinja2 import Environment, Template
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_OUTPUT = 200_000
"""Characters in any one value a wording makes: pages more than any letter needs."""
MAX_LETTER = 1_000_000
"""Characters of letter markup a wording renders to (values count twice or more: `documents.literal`)."""
MAX_NUMBER = 10**30
"""The largest number a wording may compute (a power, a product): far beyond any date, count or sum."""
MAX_ARGUMENT = 10_000
"""The largest number a filter may be given (a width, a count)."""
TIME_LIMIT = 2.0
"""Seconds a wording may take to render."""


class WordingLimit(Exception):
    """The wording asks for more than a letter can hold; the message says what, for the editor."""


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple) else 0


_TOO_LARGE = "The wording makes a number too large to print (the limit is 10 to the power 30)"
_TOO_LONG = f"The wording makes text longer than a letter can hold ({MAX_OUTPUT:,} characters)"


def _check_number(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        raise WordingLimit(_TOO_LARGE)
    return value


def _check_size(value: Any) -> Any:
    if _size(value) > MAX_OUTPUT:
        raise WordingLimit(_TOO_LONG)
    return value


def _power(left: Any, right: Any) -> Any:
    if isinstance(left, int | float) and isinstance(right, int | float):
        base = abs(left)
        if base > 1 and right > 0 and right * math.log10(base) > math.log10(MAX_NUMBER):
            raise WordingLimit(_TOO_LARGE)  # before Python computes it
    return _check_number(left**right)


def _times(left: Any, right: Any) -> Any:
    for seq, count in ((left, right), (right, left)):
        if _size(seq) and isinstance(count, int) and _size(seq) * count > MAX_OUTPUT:
            raise WordingLimit(_TOO_LONG)  # before the text is built
    return _check_size(_check_number(left * right))


# A width or precision in a %-format or a str.format field ("%999999999d", "{:>999999999}") would build its
# padding before any check could see the result.
_WIDTHS = re.compile(r"%[-+ #0]*(\d+)|%[-+ #0]*\d*\.(\d+)|\{[^{}]*:[^{}]*?(\d+)[^{}]*\}")


def _check_widths(pattern: Any) -> None:
    if isinstance(pattern, str):
        widths = [int(n) for found in _WIDTHS.findall(pattern) for n in found if n]
        if any(w > MAX_ARGUMENT for w in widths):
            raise WordingLimit(f"The wording asks for a width over {MAX_ARGUMENT:,}")


def _format(left: Any, right: Any) -> Any:
    _check_widths(left)
    return _check_size(left % right)


_BINOPS: dict[str, Callable[[Any, Any], Any]] = {
    "**": _power,
    "*": _times,
    "%": _format,
    "+": lambda left, right: _check_size(_check_number(left + right)),
}


def _check_arguments(name: str, value: Any, arguments: list[Any]) -> None:
    """Numbers bounded, and no text argument that could multiply `value` past the limit (`replace`, `join`,
    `center`, `ljust`, `indent`, `format` and the rest)."""
    for argument in arguments:
        if isinstance(argument, int | float) and not isinstance(argument, bool):
            if abs(argument) > MAX_ARGUMENT:
                raise WordingLimit(f"The wording gives {name} a number over {MAX_ARGUMENT:,}")
        elif _size(argument) * max(_size(value), 1) > MAX_OUTPUT:
            raise WordingLimit(f"The wording asks {name} for text longer than a letter can hold")


def _guarded(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter within the limits, before and after it runs."""

    def call(*args: Any, **kwargs: Any) -> Any:
        given = [
            a for a in (*args, *kwargs.values()) if not isinstance(a, Context | EvalContext | Environment)
        ]
        if given:
            if name == "format":
                _check_widths(given[0])
            _check_arguments(f"the {name} filter", given[0], given[1:])
        return _check_size(_check_number(function(*args, **kwargs)))

    call.__dict__.update(getattr(function, "__dict__", {}))  # keeps Jinja's pass_context marker
    return call


class LetterEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with numbers, sizes and time bounded (see the module docstring)."""

    intercepted_binops = frozenset(_BINOPS)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        # Letters need neither; each can build unbounded text without any operator above seeing it.
        for name in ("namespace", "lipsum"):
            self.globals.pop(name, None)
        self.filters = {name: _guarded(name, f) for name, f in self.filters.items()}

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        """Text methods (`ljust`, `replace`, `format` ...) within the limits, like the filters."""
        receiver = getattr(__obj, "__self__", None)
        if isinstance(receiver, str):
            name = getattr(__obj, "__name__", "a text method")
            _check_arguments(name, receiver, [*args, *kwargs.values()])
        return _check_size(_check_number(super().call(__context, __obj, *args, **kwargs)))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """`str.format` and `format_map`, however they are reached: their widths checked first, and every
        width given as an argument bounded like any other number."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        _check_widths(value.__self__)

        def checked(*args: Any, **kwargs: Any) -> str:
            _check_arguments(value.__name__, value.__self__, [*args, *kwargs.values()])
            return str(_check_size(wrapped(*args, **kwargs)))

        return checked

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator in _BINOPS:
            return _BINOPS[operator](left, right)
        return super().call_binop(context, operator, left, right)


def render(template: Template, context: dict[str, Any]) -> str:
    """The template rendered within the limits, or `WordingLimit` saying which it reached."""
    deadline = time.monotonic() + TIME_LIMIT
    parts: list[str] = []
    length = 0
    with _time_limit(deadline, template.filename or "<template>"):
        for part in template.generate(**context):
            length += len(part)
            if length > MAX_LETTER:
                raise WordingLimit("The letter would be longer than any letter needs to be")
            parts.append(part)
    return "".join(parts)


@contextmanager
def _time_limit(deadline: float, filename: str) -> Iterator[None]:
    """Stop a render still running at `deadline`. A loop can spin without output or calls, so the clock is
    read on each line of the template's own compiled code (`filename`; other frames are not traced). A
    tracer already installed (a debugger, coverage) is left alone, and then only the size limits apply."""
    if sys.gettrace() is not None:
        yield
        return

    def on_line(_frame: FrameType, _event: str, _arg: Any) -> Any:
        if time.monotonic() > deadline:
            raise WordingLimit(f"The wording took longer than {TIME_LIMIT:g} seconds to render")
        return on_line

    def on_call(frame: FrameType, _event: str, _arg: Any) -> Any:
        return on_line if frame.f_code.co_filename == filename else None

    sys.settrace(on_call)
    try:
        yield
    finally:
        sys.settrace(None)
