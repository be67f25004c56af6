"""Names in one module: what a callable's qualified name is, what a name or `self.x` is bound to,
which module class an object belongs to, and who calls a function. Bounded and memoised."""

from __future__ import annotations

import ast

from upstream.detect.python_catalog import lookup
from upstream.detect.python_facts import ClassInfo, Facts, FuncInfo, Param, Scope, Value

MAX_DEPTH = 12


class Names:
    """Name resolution over one module's facts."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self._callers: dict[int, list[tuple[ast.Call, Scope, bool]]] | None = None
        self._classes: dict[int, ClassInfo | None] = {}

    def qualify(self, expr: ast.expr, scope: Scope) -> str | None:
        """The qualified name of a callable (`openai.OpenAI`), `?.X` when X is bound nowhere, or None."""
        parts: list[str] = []
        while isinstance(expr, ast.Attribute):
            parts.append(expr.attr)
            expr = expr.value
        if not isinstance(expr, ast.Name):
            return None
        name = expr.id
        imported = self.facts.imports.get(name)
        if imported is not None:
            base = imported
        elif name in self.facts.local_defs:
            base = f"<local>.{name}"
        elif self.lookup_name(name, scope)[2] is not None:
            return None
        else:
            base = next((f"{m}.{name}" for m in self.facts.star_modules if lookup(f"{m}.{name}")), f"?.{name}")
        parts.append(base)
        return ".".join(reversed(parts))

    def lookup_name(self, name: str, scope: Scope) -> tuple[list[Value], Param | None, Scope | None]:
        s: Scope | None = scope
        while s is not None:
            if name in s.params:
                return s.bindings.get(name, []), s.params[name], s
            if name in s.bindings:
                return s.bindings[name], None, s
            s = s.parent
        return [], None, None

    def class_of(self, expr: ast.expr, scope: Scope, depth: int = 0) -> ClassInfo | None:
        """The module class that `expr` is (or is an instance of), when it can be told."""
        key = id(expr)
        if key in self._classes:
            return self._classes[key]
        if depth > MAX_DEPTH:
            return None
        self._classes[key] = None  # guards against cycles while this one is worked out
        found = self._class_of(expr, scope, depth)
        self._classes[key] = found
        return found

    def _class_of(self, expr: ast.expr, scope: Scope, depth: int) -> ClassInfo | None:
        if isinstance(expr, ast.Name):
            if expr.id in ("self", "cls") and scope.func and scope.func.cls:
                return scope.func.cls
            classes = self.facts.classes.get(expr.id)
            if classes and expr.id not in self.facts.imports:
                return classes[0]
            values, param, found = self.lookup_name(expr.id, scope)
            for v in values:
                if isinstance(v, ast.expr) and found is not None:
                    cls = self.class_of(v, found, depth + 1)
                    if cls:
                        return cls
            ann = param.annotation if param is not None else None
            if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
                ann = ast.Name(ann.value)
            if isinstance(ann, ast.Name) and ann.id in self.facts.classes and ann.id not in self.facts.imports:
                return self.facts.classes[ann.id][0]
            return None
        if isinstance(expr, ast.Call):
            func = expr.func
            if isinstance(func, ast.Name) and func.id in self.facts.classes:
                return self.facts.classes[func.id][0]
            if isinstance(func, ast.Name) and func.id == "cls" and scope.func and scope.func.cls:
                return scope.func.cls  # `cls()` in a classmethod
            for fn in self.called_functions(expr, scope, depth + 1):
                for ret in fn.scope.returns:
                    cls = self.class_of(ret, fn.scope, depth + 1)
                    if cls:
                        return cls
            return None
        if isinstance(expr, ast.Attribute):
            owner = self.class_of(expr.value, scope, depth + 1)
            for v, s in self.class_attrs(owner, expr.attr) if owner else ():
                if isinstance(v, ast.expr):
                    cls = self.class_of(v, s, depth + 1)
                    if cls:
                        return cls
        return None

    def class_attrs(self, cls: ClassInfo, attr: str, depth: int = 0) -> list[tuple[Value, Scope]]:
        """Values of `attr` on a class, its module-defined bases included."""
        found = list(cls.attrs.get(attr, ()))
        found.extend(self.facts.dotted.get(f"{cls.name}.{attr}", ()))  # `Settings._instance = Settings()`
        if depth < 4:
            for base in cls.bases:
                if isinstance(base, ast.Name) and base.id in self.facts.classes:
                    parent = self.facts.classes[base.id][0]
                    if parent is not cls:
                        found.extend(self.class_attrs(parent, attr, depth + 1))
        return found

    def called_functions(self, call: ast.Call, scope: Scope, depth: int = 0) -> list[FuncInfo]:
        """Module functions (or methods of the current class) a call may invoke."""
        func = call.func
        if isinstance(func, ast.Name) and func.id not in self.facts.imports:
            return [f for f in self.facts.functions.get(func.id, []) if f.cls is None]
        if isinstance(func, ast.Attribute) and depth <= MAX_DEPTH:
            owner = self.class_of(func.value, scope, depth + 1)
            if owner is not None and func.attr in owner.methods:
                return [owner.methods[func.attr]]
        return []

    def callers(self, func: FuncInfo) -> list[tuple[ast.Call, Scope, bool]]:
        """Call sites of a module function or method; the flag says the call passes `self` implicitly."""
        if self._callers is None:
            index: dict[int, list[tuple[ast.Call, Scope, bool]]] = {}
            for call, scope in self.facts.calls:
                f = call.func
                name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
                if isinstance(f, ast.Name) and name in self.facts.classes and name not in self.facts.imports:
                    init = self.facts.classes[name][0].methods.get("__init__")
                    if init is not None:
                        index.setdefault(id(init), []).append((call, scope, True))
                    continue
                if name is None or name not in self.facts.functions:
                    continue
                cands = self.facts.functions[name]
                explicit = self._explicit_method(f, scope) if isinstance(f, ast.Attribute) else None
                if explicit is not None:
                    target, bound = explicit
                    index.setdefault(id(target), []).append((call, scope, bound))
                    continue
                if isinstance(f, ast.Name):
                    targets = [c for c in cands if c.cls is None]
                    bound = False
                else:
                    targets = [c for c in cands if c.cls is not None] if len(cands) == 1 else []
                    bound = True
                for t in targets:
                    index.setdefault(id(t), []).append((call, scope, bound and not t.is_static))
            self._callers = index
        return self._callers.get(id(func), [])

    def _explicit_method(self, func: ast.Attribute, scope: Scope) -> tuple[FuncInfo, bool] | None:
        """The method named by `super().m(...)` (bound) or `Base.m(self, ...)` (unbound), in module classes."""
        base = func.value
        if (isinstance(base, ast.Call) and isinstance(base.func, ast.Name) and base.func.id == "super"
                and scope.func is not None and scope.func.cls is not None):
            for b in scope.func.cls.bases:
                found = self._method_in(b, func.attr, 0)
                if found is not None:
                    return found, not found.is_static
            return None
        if isinstance(base, ast.Name) and base.id in self.facts.classes and base.id not in self.facts.imports:
            found = self._method_in(base, func.attr, 0)
            if found is not None:
                return found, any(isinstance(d, ast.Name) and d.id == "classmethod" for d in found.node.decorator_list)
        return None

    def _method_in(self, base: ast.expr, name: str, depth: int) -> FuncInfo | None:
        """`name` defined on a module class or the nearest of its module-defined bases."""
        if not isinstance(base, ast.Name) or base.id not in self.facts.classes or depth > 4:
            return None
        cls = self.facts.classes[base.id][0]
        if name in cls.methods:
            return cls.methods[name]
        for b in cls.bases:
            found = self._method_in(b, name, depth + 1)
            if found is not None:
                return found
        return None
