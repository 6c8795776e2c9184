"""What the JSON API accepts: a body with a field the operation does not know is refused, not ignored, and
the OpenAPI document says so (`additionalProperties: false`) [issue 19; QUALITY.md 13].

A misspelt field ("saftey_plan_agreed") silently dropped is a fact an integration believes it recorded. The
bodies are dataclasses, which the framework's decoder reads leniently; one `before_request` hook on the API
routers checks every body against its dataclass (nested bodies and lists of them included), so no operation
can forget to, and the document's renderer closes the same dataclasses' schemas.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import cache
from typing import Any

from litestar import Request
from litestar.exceptions import ValidationException
from litestar.openapi.plugins import JsonRenderPlugin


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


async def refuse_unknown_fields(request: Request[Any, Any, Any]) -> None:
    """A `before_request` hook: a 400 naming each field the operation's body does not have. A body that is
    not JSON is left to the framework, which says so."""
    kind = _body_type(request)
    if kind is None or request.method in ("GET", "HEAD", "OPTIONS"):
        return
    try:
        body = await request.json()
    except Exception:  # malformed JSON: the framework's decoder refuses it next, in words
        return
    unknown = unknown_fields(body, kind)
    if unknown:
        raise ValidationException(
            detail="Unknown field",
            extra=[
                {"key": path, "message": f"{path} is not a field of this request", "source": "body"}
                for path in unknown
            ],
        )


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
    """Mark every request body's schema, and each schema it holds, `additionalProperties: false`."""
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
        waiting += _refs(schemas[name])


class ContractJsonPlugin(JsonRenderPlugin):
    """The OpenAPI document as JSON, each body's schema closed to fields it does not have."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        close_bodies(openapi_schema)
        return super().render(request, openapi_schema)
