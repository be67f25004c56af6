"""Where a string comes from: constants, attributes, defaults, environment defaults, options, calls.

`Flow.strings(expr, scope)` follows an expression back to the string literals it can take, each
with the node where it is written (so a model id is reported at its literal, not at the call that
uses it). Flow-insensitive and bounded: every value ever assigned counts, at most `MAX_DEPTH` hops.
"""

from __future__ import annotations

import ast
import itertools
from dataclasses import dataclass

from upstream.detect.python_facts import (
    Each,
    Option,
    Param,
    Scope,
    Value,
    const_str,
    dotted_name,
)
from upstream.detect.python_names import MAX_DEPTH, Names

MAX_ORIGINS = 64
ARGS_NAMES = frozenset({"args", "opt", "opts", "options", "flags", "FLAGS", "cli_args", "parsed_args", "cmd_args",
                         "script_args", "model_args", "hparams"})
_DEFAULT_CALLS = frozenset({"Field", "field", "Option", "Argument", "Query", "Form", "Body", "Param", "Header",
                            "Env", "Setting"})
_CHOICE_CALLS = frozenset({"selectbox", "radio", "select_slider", "Dropdown", "Radio", "pills", "segmented_control"})
_GETENV = ("getenv", "environ.get", "env.get", "environ.setdefault")


@dataclass(frozen=True, slots=True)
class Origin:
    """A string literal (or a fully resolved f-string / concatenation) an expression can take."""

    node: ast.expr
    value: str
    note: str | None = None
    via: tuple[int, ...] = ()  # lines of the calls it was passed through


Seen = frozenset[tuple[str, int, str]]


def env_var(expr: ast.expr) -> str | None:
    """`X` for `os.getenv("X", ...)` / `os.environ.get("X")` / `os.environ["X"]`."""
    if isinstance(expr, ast.Call) and expr.args:
        name = dotted_name(expr.func) or ""
        if name.endswith(_GETENV) or name in ("config", "env", "env.str"):
            return const_str(expr.args[0])
    if isinstance(expr, ast.Subscript) and dotted_name(expr.value) in ("os.environ", "environ"):
        return const_str(expr.slice)
    return None


def _with_note(origins: list[Origin], note: str | None) -> list[Origin]:
    if note is None:
        return origins
    return [o if o.note else Origin(o.node, o.value, note, o.via) for o in origins]


class Flow(Names):
    """String tracing over one module's facts."""

    # ------------------------------------------------------------------ strings

    def strings(self, expr: ast.expr | None, scope: Scope, depth: int = 0, seen: Seen = frozenset()) -> list[Origin]:
        """The string literals `expr` can evaluate to, each at the node where it is written."""
        if expr is None or depth > MAX_DEPTH:
            return []
        if isinstance(expr, ast.Constant):
            return [Origin(expr, expr.value)] if isinstance(expr.value, str) else []
        d = depth + 1
        if isinstance(expr, (ast.JoinedStr, ast.BinOp)):
            return self._joined(expr, scope, d, seen)
        if isinstance(expr, ast.IfExp):
            return self.strings(expr.body, scope, d, seen) + self.strings(expr.orelse, scope, d, seen)
        if isinstance(expr, ast.BoolOp):
            values = expr.values if isinstance(expr.op, ast.Or) else expr.values[-1:]
            return [o for v in values for o in self.strings(v, scope, d, seen)][:MAX_ORIGINS]
        if isinstance(expr, ast.Name):
            return self._name(expr.id, scope, d, seen)
        if isinstance(expr, ast.Attribute):
            return self._attribute(expr, scope, d, seen)
        if isinstance(expr, ast.Subscript):
            return self._subscript(expr, scope, d, seen)
        if isinstance(expr, ast.Call):
            return self._call(expr, scope, d, seen)
        if isinstance(expr, ast.NamedExpr):
            return self.strings(expr.value, scope, d, seen)
        return []

    def _joined(self, expr: ast.JoinedStr | ast.BinOp, scope: Scope, depth: int, seen: Seen) -> list[Origin]:
        if isinstance(expr, ast.BinOp):
            if not isinstance(expr.op, ast.Add):
                return []
            parts: list[ast.expr] = [expr.left, expr.right]
        else:
            parts = []
            for v in expr.values:
                if isinstance(v, ast.FormattedValue):
                    if v.conversion != -1 or v.format_spec is not None:
                        return []
                    parts.append(v.value)
                else:
                    parts.append(v)
        options: list[list[str]] = []
        for p in parts:
            vals = list(dict.fromkeys(o.value for o in self.strings(p, scope, depth, seen)))[:8]
            if not vals:
                return []
            options.append(vals)
        out = []
        for combo in itertools.islice(itertools.product(*options), 16):
            out.append(Origin(expr, "".join(combo)))
        return out

    def _name(self, name: str, scope: Scope, depth: int, seen: Seen) -> list[Origin]:
        values, param, found = self.lookup_name(name, scope)
        if found is None:
            return []
        key = ("name", id(found), name)
        if key in seen:
            return []
        seen = seen | {key}
        out: list[Origin] = []
        for v in values:
            out.extend(self._value(v, found, depth, seen))
        if param is not None:
            outer = param.func.scope.parent or self.facts.module
            out.extend(_with_note(self.strings(param.default, outer, depth, seen), f"default of parameter {name}"))
            out.extend(self._passed(param, depth, seen))
        return out[:MAX_ORIGINS]

    def _passed(self, param: Param, depth: int, seen: Seen) -> list[Origin]:
        """Arguments passed for `param` at the call sites of its function."""
        out: list[Origin] = []
        for call, cscope, bound in self.callers(param.func):
            arg = next((k.value for k in call.keywords if k.arg == param.name), None)
            idx = param.index - (1 if bound else 0)
            if arg is None and 0 <= idx < len(call.args) and not any(
                    isinstance(a, ast.Starred) for a in call.args[:idx + 1]):
                arg = call.args[idx]
            if arg is None:
                continue
            for o in self.strings(arg, cscope, depth, seen):
                out.append(Origin(o.node, o.value, o.note, (*o.via, call.lineno)))
        return out

    def _value(self, v: Value, scope: Scope, depth: int, seen: Seen) -> list[Origin]:
        if isinstance(v, Each):
            return [o for e in self.elements(v.iter, scope, depth, seen) for o in self.strings(e, scope, depth, seen)]
        return self.strings(v, scope, depth, seen)

    def elements(self, expr: ast.expr, scope: Scope, depth: int = 0, seen: Seen = frozenset()) -> list[ast.expr]:
        """The element expressions of a list/tuple/set (or the keys of a dict) an expression holds."""
        if depth > MAX_DEPTH:
            return []
        if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
            return [e for e in expr.elts if not isinstance(e, ast.Starred)]
        if isinstance(expr, ast.Dict):
            return [k for k in expr.keys if k is not None]
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in ("keys",
                                                                                                      "values"):
            return [v for c in self.containers(expr.func.value, scope, depth + 1, seen) if isinstance(c, ast.Dict)
                    for v in (c.keys if expr.func.attr == "keys" else c.values) if v is not None]
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in (
                "list", "sorted", "tuple", "set") and expr.args:
            return self.elements(expr.args[0], scope, depth + 1, seen)
        return [e for c in self.containers(expr, scope, depth + 1, seen) for e in self.elements(c, scope, depth + 1)]

    def containers(self, expr: ast.expr, scope: Scope, depth: int = 0, seen: Seen = frozenset()) -> list[ast.expr]:
        """Dict/list/tuple literals an expression refers to (through names and attributes)."""
        if depth > MAX_DEPTH:
            return []
        if isinstance(expr, (ast.Dict, ast.List, ast.Tuple, ast.Set)):
            return [expr]
        pairs: list[tuple[Value, Scope]] = []
        if isinstance(expr, ast.Name):
            values, _, found = self.lookup_name(expr.id, scope)
            key = ("cont", id(found), expr.id)
            if found is None or key in seen:
                return []
            seen = seen | {key}
            pairs = [(v, found) for v in values]
        elif isinstance(expr, ast.Attribute):
            owner = self.class_of(expr.value, scope)
            pairs = self.class_attrs(owner, expr.attr) if owner else []
        return [c for v, s in pairs if isinstance(v, ast.expr) for c in self.containers(v, s, depth + 1, seen)]

    def _attribute(self, expr: ast.Attribute, scope: Scope, depth: int, seen: Seen) -> list[Origin]:
        base = expr.value
        if isinstance(base, ast.Name) and (base.id in self.facts.parsed_args or base.id in ARGS_NAMES):
            opts = self.facts.options.get(expr.attr)
            if opts:
                return self.option_strings(opts, depth, seen)
            # HfArgumentParser: fields of the argument dataclasses defined in this module
            for classes in self.facts.classes.values():
                for cls in classes:
                    if expr.attr in cls.attrs and ("attr", id(cls), expr.attr) not in seen:
                        key = ("attr", id(cls), expr.attr)
                        return [o for v, s in cls.attrs[expr.attr] for o in self._value(v, s, depth, seen | {key})]
        owner = self.class_of(base, scope, depth)
        if owner is not None:
            key = ("attr", id(owner), expr.attr)
            if key in seen:
                return []
            return [o for v, s in self.class_attrs(owner, expr.attr)
                    for o in self._value(v, s, depth, seen | {key})][:MAX_ORIGINS]
        dotted = dotted_name(expr)
        if dotted and dotted in self.facts.dotted:
            return [o for v, s in self.facts.dotted[dotted] for o in self.strings(v, s, depth, seen)][:MAX_ORIGINS]
        return []

    def option_strings(self, opts: list[Option], depth: int = 0, seen: Seen = frozenset()) -> list[Origin]:
        """Defaults and choices of a command-line option."""
        out: list[Origin] = []
        for opt in opts:
            out.extend(_with_note(self.strings(opt.default, opt.scope, depth, seen), f"default of {opt.flag}"))
            if opt.choices is not None:
                for e in self.elements(opt.choices, opt.scope, depth, seen):
                    out.extend(_with_note(self.strings(e, opt.scope, depth, seen), f"choice of {opt.flag}"))
        return out

    def _subscript(self, expr: ast.Subscript, scope: Scope, depth: int, seen: Seen) -> list[Origin]:
        key = expr.slice
        out: list[Origin] = []
        for c in self.containers(expr.value, scope, depth, seen):
            if isinstance(c, ast.Dict):
                want = const_str(key)
                for k, v in zip(c.keys, c.values, strict=True):
                    if k is not None and (want is None or const_str(k) == want):
                        out.extend(self.strings(v, scope, depth, seen))
            elif isinstance(c, (ast.List, ast.Tuple)):
                idx = key.value if isinstance(key, ast.Constant) and isinstance(key.value, int) else None
                elts = c.elts if idx is None else c.elts[idx:idx + 1] if -len(c.elts) <= idx < len(c.elts) else []
                for e in elts:
                    out.extend(self.strings(e, scope, depth, seen))
        return out[:MAX_ORIGINS]

    def _call(self, expr: ast.Call, scope: Scope, depth: int, seen: Seen) -> list[Origin]:
        func = expr.func
        name = dotted_name(func) or ""
        last = name.rsplit(".", 1)[-1]
        default = next((k.value for k in expr.keywords if k.arg == "default"), None)
        var = env_var(expr)
        if var is not None:
            arg = default if default is not None else expr.args[1] if len(expr.args) > 1 else None
            return _with_note(self.strings(arg, scope, depth, seen), f"default of environment variable {var}")
        if last in _CHOICE_CALLS:  # UI pickers: st.selectbox("Model", [...]), gr.Dropdown(choices=[...], value=...)
            opts = next((k.value for k in expr.keywords if k.arg in ("options", "choices")), None)
            if opts is None and len(expr.args) > 1:
                opts = expr.args[1]
            picks = [o for e in (self.elements(opts, scope, depth, seen) if opts is not None else [])
                     for o in self.strings(e, scope, depth, seen)]
            value = next((k.value for k in expr.keywords if k.arg == "value"), None)
            return picks + self.strings(value, scope, depth, seen) if value is not None else picks
        if last in _DEFAULT_CALLS:
            arg = default if default is not None else expr.args[0] if expr.args else None
            return self.strings(arg, scope, depth, seen)
        if default is not None:
            return self.strings(default, scope, depth, seen)
        if isinstance(func, ast.Attribute):
            if func.attr in ("get", "pop", "setdefault") and expr.args:
                out: list[Origin] = []
                want = const_str(expr.args[0])
                for c in self.containers(func.value, scope, depth, seen):
                    if isinstance(c, ast.Dict):
                        out.extend(o for k, v in zip(c.keys, c.values, strict=True)
                                   if k is not None and (want is None or const_str(k) == want)
                                   for o in self.strings(v, scope, depth, seen))
                if len(expr.args) > 1:
                    out.extend(self.strings(expr.args[1], scope, depth, seen))
                return out
            if func.attr in ("strip", "rstrip", "lstrip") and not expr.args:
                return self.strings(func.value, scope, depth, seen)
        if isinstance(func, ast.Name) and func.id == "str" and len(expr.args) == 1:
            return self.strings(expr.args[0], scope, depth, seen)
        out = []
        for fn in self.called_functions(expr, scope, depth):
            key = ("ret", id(fn), fn.name)
            if key not in seen:
                out.extend(o for r in fn.scope.returns for o in self.strings(r, fn.scope, depth, seen | {key}))
        return out[:MAX_ORIGINS]
