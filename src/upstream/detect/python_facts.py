"""One walk over a Python syntax tree, collecting what the model detector reasons about.

Imports (local name -> qualified name), scopes with their bindings (flow-insensitive: every value
ever assigned to a name), classes with their attributes (class body and `self.x = ...`), functions
with parameters and returns, every call, every dict literal, argparse/click options. The walk is
iterative, so deeply nested code cannot exhaust the interpreter stack here.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Literal


@dataclass(eq=False, slots=True)
class Each:
    """A loop variable: it takes each element of `iter` in turn."""

    iter: ast.expr


Value = ast.expr | Each


@dataclass(eq=False, slots=True)
class Param:
    name: str
    index: int  # position among the function's positional parameters (self included)
    default: ast.expr | None
    func: FuncInfo
    annotation: ast.expr | None = None


@dataclass(eq=False, slots=True)
class Scope:
    kind: Literal["module", "class", "function"]
    name: str
    parent: Scope | None  # the enclosing scope names are looked up in (class bodies are skipped)
    cls: ClassInfo | None = None  # the class of a class body, or of a method
    bindings: dict[str, list[Value]] = field(default_factory=dict)
    params: dict[str, Param] = field(default_factory=dict)
    returns: list[ast.expr] = field(default_factory=list)
    func: FuncInfo | None = None


@dataclass(eq=False, slots=True)
class FuncInfo:
    name: str
    node: ast.FunctionDef | ast.AsyncFunctionDef
    scope: Scope
    cls: ClassInfo | None  # set for methods
    is_static: bool = False


@dataclass(eq=False, slots=True)
class ClassInfo:
    name: str
    node: ast.ClassDef
    bases: list[ast.expr]
    scope: Scope
    attrs: dict[str, list[tuple[Value, Scope]]] = field(default_factory=dict)
    methods: dict[str, FuncInfo] = field(default_factory=dict)


@dataclass(eq=False, slots=True)
class Option:
    """A command-line option (`--model`) with its default and choices."""

    flag: str
    dest: str
    default: ast.expr | None
    choices: ast.expr | None
    call: ast.Call
    scope: Scope


@dataclass(slots=True)
class Facts:
    module: Scope
    imports: dict[str, str] = field(default_factory=dict)
    star_modules: list[str] = field(default_factory=list)
    local_defs: set[str] = field(default_factory=set)
    calls: list[tuple[ast.Call, Scope]] = field(default_factory=list)
    # (target name or key, value, scope): candidates for the model-named-target rule
    assigns: list[tuple[str, ast.expr, Scope]] = field(default_factory=list)
    dicts: list[tuple[ast.Dict, Scope]] = field(default_factory=list)
    dotted: dict[str, list[tuple[ast.expr, Scope]]] = field(default_factory=dict)  # `openai.api_base = ...`
    env_sets: dict[str, list[tuple[ast.expr, Scope]]] = field(default_factory=dict)  # `os.environ["X"] = ...`
    classes: dict[str, list[ClassInfo]] = field(default_factory=dict)
    functions: dict[str, list[FuncInfo]] = field(default_factory=dict)
    options: dict[str, list[Option]] = field(default_factory=dict)
    parsed_args: set[str] = field(default_factory=set)  # names bound to parser.parse_args()
    # Where the code tells model ids apart: `model == "x"`, `model in [...]`, `match model:`, `TABLE[model]`.
    compares: list[tuple[ast.Compare, Scope]] = field(default_factory=list)
    branches: dict[int, list[ast.stmt]] = field(default_factory=dict)  # id(Compare) -> body of the `if` it tests
    matches: list[tuple[ast.Match, Scope]] = field(default_factory=list)
    lookups: list[tuple[ast.Subscript, Scope]] = field(default_factory=list)  # `X[name]`, keyed by a variable
    docstrings: list[ast.Constant] = field(default_factory=list)


def dotted_name(expr: ast.expr) -> str | None:
    """`a.b.c` for a chain of attributes on a name, else None (iterative)."""
    parts: list[str] = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return None
    parts.append(expr.id)
    return ".".join(reversed(parts))


def const_str(expr: ast.expr | None) -> str | None:
    return expr.value if isinstance(expr, ast.Constant) and isinstance(expr.value, str) else None


def _option_dest(call: ast.Call) -> tuple[str, str] | None:
    flags = [s for s in (const_str(a) for a in call.args) if s]
    if not flags:
        return None
    longs = [f for f in flags if f.startswith("--")]
    flag = longs[0] if longs else flags[0]
    dest = next((const_str(k.value) for k in call.keywords if k.arg == "dest"), None)
    return flag, dest or flag.lstrip("-").replace("-", "_")


def _kw(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


_INTERESTING = frozenset({
    ast.Call, ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.Dict, ast.For, ast.AsyncFor, ast.With, ast.AsyncWith,
    ast.Return, ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.comprehension,
    ast.If, ast.Compare, ast.Match, ast.Subscript,
})
# Nodes with nothing of interest below them.
_LEAVES = frozenset({ast.Name, ast.Constant, ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal,
                     ast.alias, ast.operator, ast.unaryop, ast.cmpop, ast.boolop, ast.expr_context})


class _Walker:
    def __init__(self) -> None:
        self.facts = Facts(module=Scope("module", "<module>", None))

    def run(self, tree: ast.Module) -> Facts:
        self._docstring(tree.body)
        stack: list[tuple[ast.AST, Scope]] = [(tree, self.facts.module)]
        push = stack.append
        interesting = _INTERESTING
        leaves = _LEAVES
        while stack:
            node, scope = stack.pop()
            inner = self.visit(node, scope) if type(node) in interesting else None
            for name in node._fields:
                if name == "ctx":
                    continue
                value = getattr(node, name, None)
                if type(value) is list:
                    for item in reversed(value):
                        if isinstance(item, ast.AST) and type(item) not in leaves:
                            push((item, inner.get(id(item), scope) if inner else scope))
                elif isinstance(value, ast.AST) and type(value) not in leaves:
                    push((value, inner.get(id(value), scope) if inner else scope))
        return self.facts

    # Returns a map child-id -> scope for children that live in a new scope.
    def visit(self, node: ast.AST, scope: Scope) -> dict[int, Scope] | None:
        f = self.facts
        if isinstance(node, ast.Call):
            f.calls.append((node, scope))
            self._call(node, scope)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                self._bind(target, node.value, scope)
        elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)):
            if node.value is not None:
                self._bind(node.target, node.value, scope)
        elif isinstance(node, ast.Dict):
            f.dicts.append((node, scope))
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)) and isinstance(node.target, ast.Name):
            scope.bindings.setdefault(node.target.id, []).append(Each(node.iter))
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name):
                    scope.bindings.setdefault(item.optional_vars.id, []).append(item.context_expr)
        elif isinstance(node, ast.Return) and node.value is not None:
            scope.returns.append(node.value)
        elif isinstance(node, ast.Compare):
            f.compares.append((node, scope))
        elif isinstance(node, ast.Subscript):
            if isinstance(node.slice, (ast.Name, ast.Attribute, ast.Call)):
                f.lookups.append((node, scope))
        elif isinstance(node, ast.If):
            tests = node.test.values if isinstance(node.test, ast.BoolOp) else [node.test]
            for test in tests:
                if isinstance(test, ast.Compare):
                    f.branches[id(test)] = node.body
        elif isinstance(node, ast.Match):
            f.matches.append((node, scope))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    f.imports[alias.asname] = alias.name
                else:
                    root = alias.name.split(".")[0]
                    f.imports.setdefault(root, root)
        elif isinstance(node, ast.ImportFrom):
            mod = ("." * node.level) + (node.module or "")
            for alias in node.names:
                if alias.name == "*":
                    f.star_modules.append(mod)
                else:
                    f.imports[alias.asname or alias.name] = f"{mod}.{alias.name}"
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return self._function(node, scope)
        elif isinstance(node, ast.ClassDef):
            return self._class(node, scope)
        return None

    def _docstring(self, body: list[ast.stmt]) -> None:
        first = body[0] if body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
            self.facts.docstrings.append(first.value)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> dict[int, Scope]:
        f = self.facts
        self._docstring(node.body)
        lookup_parent = scope.parent if scope.kind == "class" else scope
        cls = scope.cls if scope.kind == "class" else None
        fscope = Scope("function", node.name, lookup_parent, cls=cls)
        static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list)
        info = FuncInfo(node.name, node, fscope, cls, static)
        fscope.func = info
        f.local_defs.add(node.name)
        f.functions.setdefault(node.name, []).append(info)
        if cls is not None:
            cls.methods.setdefault(node.name, info)
        else:
            scope.bindings.setdefault(node.name, [])
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
        for i, (a, d) in enumerate(zip(positional, defaults, strict=True)):
            fscope.params[a.arg] = Param(a.arg, i, d, info, a.annotation)
            if d is not None:
                f.assigns.append((a.arg, d, scope))
        for a, kd in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            fscope.params[a.arg] = Param(a.arg, -1, kd, info, a.annotation)
            if kd is not None:
                f.assigns.append((a.arg, kd, scope))
        self._click_options(node, fscope)
        inner: dict[int, Scope] = {id(stmt): fscope for stmt in node.body}
        return inner

    def _click_options(self, node: ast.FunctionDef | ast.AsyncFunctionDef, fscope: Scope) -> None:
        for dec in node.decorator_list:
            if not (isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute)
                    and dec.func.attr in ("option", "argument")):
                continue
            found = _option_dest(dec)
            if found is None:
                continue
            flag, dest = found
            opt = Option(flag, dest, _kw(dec, "default"), None, dec, fscope)
            self.facts.options.setdefault(dest, []).append(opt)
            param = fscope.params.get(dest)
            default = _kw(dec, "default")
            if param is not None and param.default is None and default is not None:
                param.default = default

    def _class(self, node: ast.ClassDef, scope: Scope) -> dict[int, Scope]:
        cscope = Scope("class", node.name, scope.parent if scope.kind == "class" else scope)
        self._docstring(node.body)
        info = ClassInfo(node.name, node, list(node.bases), cscope)
        cscope.cls = info
        self.facts.local_defs.add(node.name)
        self.facts.classes.setdefault(node.name, []).append(info)
        scope.bindings.setdefault(node.name, [])
        return {id(stmt): cscope for stmt in node.body}

    def _call(self, node: ast.Call, scope: Scope) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "add_argument":
            found = _option_dest(node)
            if found:
                flag, dest = found
                self.facts.options.setdefault(dest, []).append(
                    Option(flag, dest, _kw(node, "default"), _kw(node, "choices"), node, scope))
        elif isinstance(func, ast.Attribute) and func.attr == "setdefault" and dotted_name(func.value) in (
                "os.environ", "environ") and len(node.args) == 2:
            key = const_str(node.args[0])
            if key:
                self.facts.env_sets.setdefault(key, []).append((node.args[1], scope))

    def _bind(self, target: ast.expr, value: ast.expr, scope: Scope) -> None:
        f = self.facts
        if isinstance(target, ast.Name):
            scope.bindings.setdefault(target.id, []).append(value)
            if scope.kind == "class" and scope.cls is not None:
                scope.cls.attrs.setdefault(target.id, []).append((value, scope))
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in (
                    "parse_args", "parse_known_args", "parse_args_into_dataclasses", "parse_dict", "parse_json_file",
                    "parse_yaml_file"):
                f.parsed_args.add(target.id)
            f.assigns.append((target.id, value, scope))
        elif isinstance(target, (ast.Tuple, ast.List)):
            if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts):
                for t, v in zip(target.elts, value.elts, strict=True):
                    self._bind(t, v, scope)
            elif (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
                  and value.func.attr in ("parse_known_args", "parse_args_into_dataclasses")):
                elts = target.elts if value.func.attr != "parse_known_args" else target.elts[:1]
                f.parsed_args.update(e.id for e in elts if isinstance(e, ast.Name))
        elif isinstance(target, ast.Attribute):
            base = target.value
            owner = scope.func.cls if scope.func else None
            if isinstance(base, ast.Name) and base.id in ("self", "cls") and owner is not None:
                owner.attrs.setdefault(target.attr, []).append((value, scope))
            else:
                name = dotted_name(target)
                if name:
                    f.dotted.setdefault(name, []).append((value, scope))
            f.assigns.append((target.attr, value, scope))
        elif isinstance(target, ast.Subscript):
            key = const_str(target.slice)
            if key is None:
                return
            if dotted_name(target.value) in ("os.environ", "environ"):
                f.env_sets.setdefault(key, []).append((value, scope))
            else:
                f.assigns.append((key, value, scope))


def collect(tree: ast.Module) -> Facts:
    """All facts of one module, in a single iterative walk."""
    return _Walker().run(tree)
