"""What the JSON API accepts: a body with a field the operation does not know is refused, not ignored, and
the OpenAPI document says so (`additionalProperties: false`) [issue 19; QUALITY.md 13].

The document also states the rules the services enforce on each field, so that what it calls valid is what
the service accepts: `filled()` (text that must hold more than spaces), `choice(Kind)` (one of a vocabulary's
values) and `choices(Kind)` for lists, and `needs_one_of` for a body that needs at least one of its fields
(`anyOf`). They describe; the services still decide, with their own words at the field, so the pages and the
API refuse the same things the same way.

A misspelt field ("saftey_plan_agreed") silently dropped is a fact an integration believes it recorded. The
bodies are dataclasses, which the framework's decoder reads leniently; one `before_request` hook on the API
routers checks every body against its dataclass (nested bodies and lists of them included), so no operation
can forget to, and the document's renderer closes the same dataclasses' schemas.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable, Iterable
from enum import Enum
from functools import cache
from typing import Any, TypeVar

import msgspec
from litestar import Request
from litestar.exceptions import ValidationException
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.params import KwargDefinition

from disclosure.text import has_control

_KEPT = r"[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]"
"""A character the API takes in text (`text.has_control`): not a control character but tab and line breaks,
not a bidirectional override."""
_VISIBLE = r"[^\s\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]"
"""A character the services keep when they tidy text: not a space, not a control character."""
KEPT_TEXT = f"^{_KEPT}*$"
"""The pattern of every text field and parameter in the document that has no stricter one."""
FILLED_TEXT = f"^{_KEPT}*{_VISIBLE}{_KEPT}*$"


def filled(limit: int | None = None) -> KwargDefinition:
    """Text the service requires (`Annotated[str, filled(200)]`): something other than spaces and control
    characters, which it strips; with `limit`, at most that many characters."""
    return KwargDefinition(min_length=1, max_length=limit, pattern=FILLED_TEXT)


def _values(kind: type[Enum] | Iterable[str]) -> list[str]:
    return [str(m.value) for m in kind] if isinstance(kind, type) and issubclass(kind, Enum) else list(kind)


def choice(kind: type[Enum] | Iterable[str], *, optional: bool = False) -> KwargDefinition:
    """One of a vocabulary's values (`Annotated[str, choice(Route)]`); with `optional`, also null."""
    values: list[Any] = _values(kind)
    return KwargDefinition(schema_extra={"enum": [*values, None] if optional else values})


def choices(kind: type[Enum] | Iterable[str]) -> KwargDefinition:
    """A list of a vocabulary's values (`Annotated[list[str], choices(SafeChannel)]`)."""
    return KwargDefinition(schema_extra={"items": {"type": "string", "enum": _values(kind)}})


_ONE_OF: dict[str, tuple[str, ...]] = {}
Body = TypeVar("Body", bound=type)


def needs_one_of(*names: str) -> Callable[[Body], Body]:
    """A body that needs at least one of these fields given (not empty, not null), as its document says."""

    def mark(kind: Body) -> Body:
        _ONE_OF[kind.__name__] = names
        return kind

    return mark


_GIVEN = {"not": {"enum": ["", None]}, "pattern": _VISIBLE}


@cache
def _fields(kind: type) -> dict[str, Any]:
    hints = typing.get_type_hints(kind, include_extras=False)
    return {f.name: hints[f.name] for f in dataclasses.fields(kind)}


def unknown_fields(value: Any, kind: Any, at: str = "") -> list[str]:
    """The paths (`attendance.0.agency_code`) of the fields in `value` that its body type does not have."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        return next((found for arg in typing.get_args(kind) if (found := unknown_fields(value, arg, at))), [])
    if origin in (list, tuple, set, frozenset) and isinstance(value, list):
        [item_kind, *_] = typing.get_args(kind) or (Any,)
        return [
            p
            for n, item in enumerate(value)
            for p in unknown_fields(item, item_kind, f"{at}.{n}" if at else str(n))
        ]
    if not (isinstance(kind, type) and dataclasses.is_dataclass(kind)) or not isinstance(value, dict):
        return []
    known, found = _fields(kind), []
    for key, item in value.items():
        path = f"{at}.{key}" if at else str(key)
        found += [path] if key not in known else unknown_fields(item, known[key], path)
    return found


def _body_type(request: Request[Any, Any, Any]) -> Any:
    parameter = request.route_handler.parsed_fn_signature.parameters.get("data")
    return parameter.annotation if parameter is not None else None


_AT = re.compile(r"^(Expected .+?) - at `\$\.?(.*)`$")


def wrong_type(value: Any, kind: Any) -> tuple[str, str] | None:
    """The first field of `value` whose JSON type is not its body type's, as (path, message): the
    framework's decoder would coerce it (a number read as a time, "12" as a number), so a fuzzer's or a
    client's mistake would be taken for a fact."""
    try:
        msgspec.convert(value, kind, strict=True)
    except msgspec.ValidationError as exc:
        found = _AT.match(str(exc))
        if found:  # a missing field or a bad value within a right type is the framework's or service's to say
            message, at = found.groups()
            return re.sub(r"\[(\d+)\]", r".\1", at), message.replace("`", "")
    return None


def control_text(value: Any, at: str = "") -> list[str]:
    """The paths of the strings in `value` (at any depth) holding a character the service does not keep
    (`text.has_control`: NUL, which PostgreSQL cannot store, other control characters but tab and line
    breaks, and bidirectional overrides). The pages drop them from what is typed; an integration is told,
    so that what it sent is what is kept."""
    if isinstance(value, str):
        return [at or "body"] if has_control(value) else []
    if isinstance(value, list):
        return [p for n, item in enumerate(value) for p in control_text(item, f"{at}.{n}" if at else str(n))]
    if isinstance(value, dict):
        return [
            p
            for key, item in value.items()
            for p in [*control_text(str(key), at), *control_text(item, f"{at}.{key}" if at else str(key))]
        ]
    return []


def _refuse(detail: str, source: str, problems: list[tuple[str, str]]) -> None:
    """A 400 naming each (field, message), as the framework's own refusals are told."""
    raise ValidationException(
        detail=detail, extra=[{"key": key, "message": message, "source": source} for key, message in problems]
    )


_CONTROL_MESSAGE = "{} must not contain control characters (only tabs and line breaks)"

_NOT_QUERY = frozenset({"request", "scope", "data", "state", "headers", "cookies", "query", "socket", "body"})


@cache
def _query_names(handler: Any, path: frozenset[str]) -> frozenset[str]:
    """The query parameters an operation takes: its signature's, less the request, body, path,
    dependencies, headers and cookies."""
    dependencies = set(handler.resolve_dependencies())
    names = set()
    for name, parameter in handler.parsed_fn_signature.parameters.items():
        given = parameter.kwarg_definition
        if name in _NOT_QUERY or name in dependencies or name in path:
            continue
        if given is not None and (getattr(given, "header", None) or getattr(given, "cookie", None)):
            continue
        names.add(getattr(given, "query", None) or name)
    return frozenset(names)


async def refuse_unknown_fields(request: Request[Any, Any, Any]) -> None:
    """A `before_request` hook: a 400 naming each query parameter the operation does not take (a misspelt
    filter would otherwise list everything), each field its body does not have, or the first field whose
    JSON type is not the one the document gives. A body that is not JSON is left to the framework,
    which says so."""
    if request.method != "OPTIONS":
        strange = sorted(
            set(request.query_params) - _query_names(request.route_handler, frozenset(request.path_params))
        )
        if strange:
            _refuse(
                "Unknown parameter",
                "query",
                [(n, f"{n} is not a parameter of this request") for n in strange],
            )
        controls = sorted({n for n, v in request.query_params.multi_items() if has_control(n + v)})
        if controls:
            _refuse("Control character", "query", [(n, _CONTROL_MESSAGE.format(n)) for n in controls])
    kind = _body_type(request)
    if kind is None or request.method in ("GET", "HEAD", "OPTIONS"):
        return
    try:
        body = await request.json()
    except Exception:  # malformed JSON: the framework's decoder refuses it next, in words
        return
    unknown = unknown_fields(body, kind)
    if unknown:
        _refuse(
            "Unknown field", "body", [(path, f"{path} is not a field of this request") for path in unknown]
        )
    controls = control_text(body)
    if controls:
        _refuse("Control character", "body", [(path, _CONTROL_MESSAGE.format(path)) for path in controls])
    wrong = wrong_type(body, kind)
    if wrong:
        path, message = wrong
        _refuse("Wrong type", "body", [(path, f"{path}: {message}")])


def _refs(schema: Any) -> list[str]:
    """The component names a schema refers to, at any depth within it."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        own = [ref.rsplit("/", 1)[1]] if isinstance(ref, str) else []
        return own + [name for value in schema.values() for name in _refs(value)]
    if isinstance(schema, list):
        return [name for value in schema for name in _refs(value)]
    return []


def close_bodies(document: dict[str, Any]) -> None:
    """Mark every request body's schema, and each schema it holds, `additionalProperties: false`, give
    those that need one of their fields (`needs_one_of`) their `anyOf`, and give every text in them and in
    the operations' parameters the characters the API takes (`KEPT_TEXT`)."""
    schemas = document.get("components", {}).get("schemas", {})
    waiting = [
        name
        for item in document.get("paths", {}).values()
        for operation in item.values()
        if isinstance(operation, dict)
        for name in _refs(operation.get("requestBody", {}))
    ]
    seen: set[str] = set()
    while waiting:
        name = waiting.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        if schemas[name].get("type") == "object":
            schemas[name]["additionalProperties"] = False
        _state_text_rule(schemas[name])
        if name in _ONE_OF:
            schemas[name]["anyOf"] = [
                {"required": [field], "properties": {field: _GIVEN}} for field in _ONE_OF[name]
            ]
        waiting += _refs(schemas[name])
    for item in document.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                _state_text_rule(parameter.get("schema", {}))


def _state_text_rule(schema: Any) -> None:
    """Give each text in `schema` that has no pattern, value list or format the one the API keeps
    (`KEPT_TEXT`: `control_text` refuses the rest), within objects, lists and alternatives; `$ref`s are
    each given theirs where they are defined."""
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not {"pattern", "enum", "format", "const"} & set(schema):
        schema["pattern"] = KEPT_TEXT
    for key in ("oneOf", "anyOf", "allOf"):
        for alternative in schema.get(key, []):
            _state_text_rule(alternative)
    for value in schema.get("properties", {}).values():
        _state_text_rule(value)
    _state_text_rule(schema.get("items"))


@dataclasses.dataclass(frozen=True)
class Link:
    """An answer that names a record (`parameters`: runtime expressions, by path parameter) and the
    operations under `under` that take that record by those parameters: the links the document gives
    `source`'s `status` answer, one for each operation."""

    source: str
    status: str
    under: str
    parameters: dict[str, str]


LINKS = (
    Link(
        "POST /api/v1/requests", "201", "/api/v1/requests/{request_id}", {"request_id": "$response.body#/id"}
    ),
    Link(
        "GET /api/v1/requests",
        "200",
        "/api/v1/requests/{request_id}",
        {"request_id": "$response.body#/items/0/id"},
    ),
    Link(
        "GET /api/v1/requests/{request_id}",
        "200",
        "/api/v1/people/{person_id}",
        {"person_id": "$response.body#/parties/0/person_id"},
    ),
    Link(
        "GET /api/v1/requests/{request_id}/research",
        "200",
        "/api/v1/requests/{request_id}/research/versions/{number}",
        {"request_id": "$request.path.request_id", "number": "$response.body#/versions/0"},
    ),
    Link(
        "GET /api/v1/requests/{request_id}/decisions",
        "200",
        "/api/v1/decisions/{decision_id}",
        {"decision_id": "$response.body#/0/id"},
    ),
    Link("POST /api/v1/people", "201", "/api/v1/people/{person_id}", {"person_id": "$response.body#/id"}),
    Link("POST /api/v1/panels", "201", "/api/v1/panels/{meeting_id}", {"meeting_id": "$response.body#/id"}),
    Link(
        "POST /api/v1/panels/{meeting_id}/agenda",
        "201",
        "/api/v1/panels/{meeting_id}/agenda/{item_id}",
        {"meeting_id": "$request.path.meeting_id", "item_id": "$response.body#/items/0/id"},
    ),
    Link(
        "POST /api/v1/panels/{meeting_id}/agenda/{item_id}/decision",
        "201",
        "/api/v1/decisions/{decision_id}",
        {"decision_id": "$response.body#/id"},
    ),
    Link(
        "POST /api/v1/missing/imports",
        "201",
        "/api/v1/missing/imports/{import_id}",
        {"import_id": "$response.body#/id"},
    ),
    Link(
        "GET /api/v1/missing/episodes",
        "200",
        "/api/v1/missing/episodes/{episode_id}",
        {"episode_id": "$response.body#/items/0/id"},
    ),
    Link("POST /api/v1/users", "201", "/api/v1/users/{user_id}", {"user_id": "$response.body#/user/id"}),
    Link("GET /api/v1/users", "200", "/api/v1/users/{user_id}", {"user_id": "$response.body#/0/id"}),
    Link(
        "GET /api/v1/retention/records",
        "200",
        "/api/v1/retention/records/{record_id}",
        {"record_id": "$response.body#/records/0/id"},
    ),
    Link(
        "POST /api/v1/subject-access",
        "201",
        "/api/v1/subject-access/{request_id}",
        {"request_id": "$response.body#/request/id"},
    ),
    Link(
        "GET /api/v1/subject-access",
        "200",
        "/api/v1/subject-access/{request_id}",
        {"request_id": "$response.body#/requests/0/id"},
    ),
    Link(
        "GET /api/v1/partner/requests",
        "200",
        "/api/v1/partner/requests/{partner_request_id}",
        {"partner_request_id": "$response.body#/items/0/id"},
    ),
)


def _path_parameters(path: str) -> set[str]:
    return {part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")}


def add_links(document: dict[str, Any]) -> list[tuple[str, str, str, dict[str, str]]]:
    """Give the document the links of `LINKS` (Litestar's handlers cannot declare them), each named by
    its target's operationId, so an integrator (and schemathesis' stateful tests) can follow a record from
    the answer that names it to every operation that takes it; returns them as (source label, status,
    target label, parameters)."""
    ids = {
        f"{method.upper()} {path}": operation["operationId"]
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    }
    declared = []
    for link in LINKS:
        method, path = link.source.split(" ", 1)
        response = document["paths"][path][method.lower()]["responses"][link.status]
        targets = [
            label
            for label in ids
            if label != link.source
            and (label.split(" ", 1)[1] + "/").startswith(link.under + "/")
            and _path_parameters(label.split(" ", 1)[1]) == set(link.parameters)
        ]
        if not targets:
            raise ValueError(f"{link.source} links to nothing under {link.under}")
        for target in sorted(targets):
            response.setdefault("links", {})[ids[target]] = {
                "operationId": ids[target],
                "parameters": dict(link.parameters),
            }
            declared.append((link.source, link.status, target, dict(link.parameters)))
    return declared


class ContractJsonPlugin(JsonRenderPlugin):
    """The OpenAPI document as JSON, each body's schema closed to fields it does not have, and the links
    from each answer that names a record to the operations that take it."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        close_bodies(openapi_schema)
        add_links(openapi_schema)  # the same links each time: rendering the document again changes nothing
        return super().render(request, openapi_schema)
