"""Every action code and record kind the service can write to the audit trail, read from its source.

Each `audit.record(...)` call in `disclosure/` is found with `ast`, and its `action=` (or `object_type=`)
worked out: a literal; an f-string, a conditional or a `+` of parts; a local variable's assignments or a
loop over a literal list; an enum member (`Verb.CLOSE.value`); and, when it is a parameter of a helper (the
features' `_record`, `record`, `_audit`...), every call of that helper across the code base, followed as far
as it goes. Anything it cannot work out is reported as a problem naming the file and line, so a test fails
rather than miss a code; a value that only the running code knows is declared in `DECLARED` with where to
read it.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "disclosure"
AUDIT_RECORD = ("disclosure.audit", "record")
_DEPTH = 15


def _consideration_answers() -> Iterable[str]:
    from disclosure.missing.service import considerations

    # the decisions the verb accepts, and so the codes it writes
    return considerations._ANSWERS.keys()


# (module, function, variable) -> the values it can hold, for a value read from the request and then
# checked against a table (the checked table is the source of truth).
DECLARED: dict[tuple[str, str, str], Callable[[], Iterable[str]]] = {
    ("disclosure.missing.service.considerations", "decide_consideration", "decision"): _consideration_answers,
}


class Unresolved(Exception):
    pass


Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass
class _Module:
    name: str
    tree: ast.Module
    functions: dict[str, Function] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # `S, V = RequestStatus, Verb`
    constants: dict[str, ast.expr] = field(default_factory=dict)
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # name -> (module, attribute)
    parents: dict[ast.AST, ast.AST] = field(default_factory=dict)


def _load(path: Path, root: Path) -> _Module:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    module = _Module(".".join(parts), tree)
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            module.parents[child] = node
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                module.imports[alias.asname or alias.name] = (node.module, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                module.imports[alias.asname or alias.name] = (alias.name, None)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            module.functions[node.name] = node
        elif isinstance(node, ast.ClassDef):
            module.classes[node.name] = node
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                module.constants[target.id] = node.value
            elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                for name, value in zip(target.elts, node.value.elts, strict=False):
                    if isinstance(name, ast.Name) and isinstance(value, ast.Name):
                        module.aliases[name.id] = value.id
    return module


class SourceCodes:
    """The code base's audit calls, and what each can write."""

    def __init__(self, root: Path = PACKAGE) -> None:
        self.modules = {m.name: m for m in (_load(p, root) for p in sorted(root.rglob("*.py")))}
        self.problems: list[str] = []
        self.calls: dict[tuple[str, str], list[tuple[_Module, ast.Call]]] = {}
        for module in self.modules.values():
            for node in ast.walk(module.tree):
                if isinstance(node, ast.Call) and (target := self._callee(module, node)):
                    self.calls.setdefault(target, []).append((module, node))

    # ------------------------------------------------------------------------------ names and calls

    def _resolve(self, module: _Module, name: str, depth: int = 0) -> tuple[str, str] | None:  # noqa: PLR0911 (one answer per kind of name)
        """What a name in a module is: ("module", M), ("function", M.f) or ("class", M.C)."""
        if depth > _DEPTH:
            return None
        if name in module.functions:
            return ("function", f"{module.name}:{name}")
        if name in module.classes:
            return ("class", f"{module.name}:{name}")
        if name in module.aliases:
            return self._resolve(module, module.aliases[name], depth + 1)
        source = module.imports.get(name)
        if source is None:
            return None
        imported, attribute = source
        if attribute is None:
            return ("module", imported)
        if f"{imported}.{attribute}" in self.modules:
            return ("module", f"{imported}.{attribute}")
        if imported in self.modules:
            return self._resolve(self.modules[imported], attribute, depth + 1)
        return None

    def _resolve_dotted(self, module: _Module, node: ast.expr) -> tuple[str, str] | None:
        if isinstance(node, ast.Name):
            return self._resolve(module, node.id)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            base = self._resolve(module, node.value.id)
            if base and base[0] == "module" and base[1] in self.modules:
                return self._resolve(self.modules[base[1]], node.attr)
        return None

    def _callee(self, module: _Module, call: ast.Call) -> tuple[str, str] | None:
        found = self._resolve_dotted(module, call.func)
        if found is None or found[0] != "function":
            return None
        owner, name = found[1].split(":")
        return (owner, name)

    def _enclosing(self, module: _Module, node: ast.AST) -> Function | None:
        while (node := module.parents.get(node)) is not None:  # type: ignore[assignment]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                return node
        return None

    @staticmethod
    def _bind(function: Function, call: ast.Call, parameter: str) -> tuple[ast.expr, bool]:
        """The expression a call passes for a parameter, or the parameter's default (True: a default, read
        in the function's own module)."""
        for keyword in call.keywords:
            if keyword.arg == parameter:
                return keyword.value, False
        args = function.args
        positional = [a.arg for a in (*args.posonlyargs, *args.args)]
        if parameter in positional:
            index = positional.index(parameter)
            if index < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
                return call.args[index], False
            defaults = dict(
                zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True)
            )
            if parameter in defaults:
                return defaults[parameter], True
        keyword_defaults = dict(zip((a.arg for a in args.kwonlyargs), args.kw_defaults, strict=True))
        default = keyword_defaults.get(parameter)
        if default is not None:
            return default, True
        raise Unresolved(f"a call passes no {parameter}: {ast.unparse(call)[:120]}")

    # ------------------------------------------------------------------------------------ values

    def _values(self, module: _Module, node: ast.expr, depth: int = 0) -> set[str]:  # noqa: PLR0911 (one answer per kind of node)
        if depth > _DEPTH:
            raise Unresolved(f"too deep at {ast.unparse(node)}")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.JoinedStr):
            parts: list[set[str]] = []
            for piece in node.values:
                if isinstance(piece, ast.FormattedValue):
                    parts.append(self._values(module, piece.value, depth + 1))
                else:
                    parts.append(self._values(module, piece, depth + 1))
            return {"".join(p) for p in itertools.product(*parts)}
        if isinstance(node, ast.IfExp):
            return self._values(module, node.body, depth + 1) | self._values(module, node.orelse, depth + 1)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = (
                self._values(module, node.left, depth + 1),
                self._values(module, node.right, depth + 1),
            )
            return {a + b for a in left for b in right}
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str":
            return self._values(module, node.args[0], depth + 1)
        if isinstance(node, ast.Attribute) and node.attr == "value":  # a StrEnum member's value
            return self._values(module, node.value, depth + 1)
        if isinstance(node, ast.Attribute) and (member := self._enum_member(module, node)) is not None:
            return self._values(member[0], member[1], depth + 1)
        if isinstance(node, ast.Name):
            return self._name(module, node, depth)
        raise Unresolved(f"{module.name}:{getattr(node, 'lineno', '?')}: {ast.unparse(node)}")

    def _enum_member(self, module: _Module, node: ast.Attribute) -> tuple[_Module, ast.expr] | None:
        found = self._resolve_dotted(module, node.value)
        if found is None or found[0] != "class":
            return None
        owner, name = found[1].split(":")
        for statement in self.modules[owner].classes[name].body:
            if isinstance(statement, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == node.attr for t in statement.targets
            ):
                return self.modules[owner], statement.value
        return None

    def _name(self, module: _Module, node: ast.Name, depth: int) -> set[str]:
        function = self._enclosing(module, node)
        if function is not None:
            declared = DECLARED.get((module.name, function.name, node.id))
            if declared is not None:
                return set(declared())
            parameters = [
                a.arg for a in (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs)
            ]
            if node.id in parameters:
                return self._from_callers(module, function, node.id, depth)
            assigned = [
                n.value
                for n in ast.walk(function)
                if isinstance(n, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == node.id for t in n.targets)
            ]
            loops = [
                n.iter
                for n in ast.walk(function)
                if isinstance(n, ast.For | ast.comprehension)
                and isinstance(n.target, ast.Name)
                and n.target.id == node.id
            ]
            if assigned or loops:
                found: set[str] = set()
                for value in assigned:
                    found |= self._values(module, value, depth + 1)
                for iterated in loops:
                    if not isinstance(iterated, ast.Tuple | ast.List | ast.Set):
                        raise Unresolved(
                            f"{module.name}:{node.lineno}: {node.id} loops over {ast.unparse(iterated)}"
                        )
                    for element in iterated.elts:
                        found |= self._values(module, element, depth + 1)
                return found
        if node.id in module.constants:
            return self._values(module, module.constants[node.id], depth + 1)
        raise Unresolved(f"{module.name}:{node.lineno}: {node.id}")

    def _from_callers(self, module: _Module, function: Function, parameter: str, depth: int) -> set[str]:
        callers = self.calls.get((module.name, function.name), [])
        if not callers:
            raise Unresolved(
                f"{module.name}.{function.name}: nothing calls it, so its {parameter} is unknown"
            )
        found: set[str] = set()
        for caller, call in callers:
            try:
                passed, is_default = self._bind(function, call, parameter)
                found |= self._values(module if is_default else caller, passed, depth + 1)
            except Unresolved as exc:
                self.problems.append(f"{caller.name}:{call.lineno}: {exc}")
        return found

    # ------------------------------------------------------------------------------------ answers

    def audit_calls(self) -> list[tuple[str, int]]:
        return [(m.name, c.lineno) for m, c in self.calls.get(AUDIT_RECORD, [])]

    def written(self, keyword: str) -> set[str]:
        """Every value the code base can pass as `keyword` to `audit.record`; problems are kept."""
        found: set[str] = set()
        for module, call in self.calls.get(AUDIT_RECORD, []):
            values = [k.value for k in call.keywords if k.arg == keyword]
            if not values:
                self.problems.append(f"{module.name}:{call.lineno}: audit.record without {keyword}=")
                continue
            try:
                found |= self._values(module, values[0])
            except Unresolved as exc:
                self.problems.append(f"{module.name}:{call.lineno}: {exc}")
        return found
