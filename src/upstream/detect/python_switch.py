"""Model ids the code tells apart: comparisons, `match` cases and lookup tables keyed by a model variable.

Multi-provider apps route on the model name: `if model in ["o1-preview", "o1-mini"]:`, `match model:
case "gpt-4o":`, `{"gpt-4o": 0, "deepseek-reasoner": 3}[model]` picking the client whose `model=` gets that
same variable. Such a literal is reported only when the compared variable really flows into a model argument
(of a known API, or a model-named keyword in AI code) and the literal has a model id's shape: medium
confidence when its branch or table entry picks the client (paired with that client's endpoint), low otherwise.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import lru_cache

from upstream.detect.identifiers import is_plausible
from upstream.detect.python_clients import Client, Clients
from upstream.detect.python_facts import ClassInfo, Facts, Scope, const_str, dotted_name
from upstream.detect.python_flow import ARGS_NAMES, Flow, Origin, env_var
from upstream.detect.python_names import MAX_DEPTH
from upstream.detect.python_sinks import Hit, Sink

Key = tuple[str, int, str]
MAX_VISITS = 20_000
_SAME_VALUE = frozenset({"strip", "lstrip", "rstrip", "lower", "upper", "casefold"})
_TABLE_NOTE = "key of a table the model is looked up in"
_CASE_NOTE = "compared with the model before use"


class Switches:
    """Literals a model variable is compared with or looked up by."""

    def __init__(self, facts: Facts, flow: Flow, clients: Clients, sinks: list[Sink]) -> None:
        self.facts, self.flow, self.clients, self.sinks = facts, flow, clients, sinks
        self.hits: list[Hit] = []
        self._carriers: set[Key] | None = None
        self._reach_memo: dict[tuple[int, int], frozenset[int]] = {}
        self._pick_index: dict[int, list[Sink]] | None = None

    def run(self) -> None:
        if not self.sinks:
            return
        for cmp, scope in self.facts.compares:
            self._compare(cmp, scope)
        for match, scope in self.facts.matches:
            if self._flows(match.subject, scope):
                for case in match.cases:
                    lits = [p for p in _patterns(case.pattern) if isinstance(p, ast.Constant)]
                    self._report(lits, scope, case.body)
        for sub, scope in self.facts.lookups:
            self._table(sub, sub.value, sub.slice, scope)
        for call, scope in self.facts.calls:
            func = call.func
            if isinstance(func, ast.Attribute) and func.attr == "get" and call.args:
                self._table(call, func.value, call.args[0], scope)

    # ------------------------------------------------------------------ comparisons

    def _compare(self, cmp: ast.Compare, scope: Scope) -> None:
        operands = [cmp.left, *cmp.comparators]
        for i, op in enumerate(cmp.ops):
            left, right = operands[i], operands[i + 1]
            if isinstance(op, (ast.Eq, ast.NotEq)):
                lit, var = (left, right) if _literal(left) is not None else (right, left)
                lits = [lit] if _literal(lit) is not None and _literal(var) is None else []
            elif isinstance(op, (ast.In, ast.NotIn)):
                var, lits = left, [e for e in self._members(right, scope) if _literal(e) is not None]
            else:
                continue
            consts = [x for x in lits if isinstance(x, ast.Constant) and _plausible(_literal(x) or "")]
            if not consts or not self._flows(var, scope):
                continue
            body = self.facts.branches.get(id(cmp)) if isinstance(op, (ast.Eq, ast.In)) else None
            self._report(consts, scope, body)

    def _members(self, expr: ast.expr, scope: Scope) -> list[ast.expr]:
        if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
            return list(expr.elts)
        if isinstance(expr, (ast.Name, ast.Attribute)):
            return self.flow.elements(expr, scope)
        return []

    def _report(self, lits: list[ast.Constant], scope: Scope, body: list[ast.stmt] | None) -> None:
        client = self._client_in(body, scope) if body else None
        for lit in lits:
            value = _literal(lit) or ""
            if not _plausible(value):
                continue
            if client is None:
                self.hits.append(Hit(Origin(lit, value), "low", note=_CASE_NOTE))
                continue
            related = [(client.line, "client built for it")] if client.line != lit.lineno else []
            self.hits.append(Hit(Origin(lit, value), "medium", client.provider, client.base_url, client.api.hub,
                                 related=related, note=client.note or "selects the client built in its branch"))

    def _client_in(self, body: list[ast.stmt], scope: Scope) -> Client | None:
        """The first client (or known model class) built in a branch."""
        seen = 0
        for stmt in body:
            for node in ast.walk(stmt):
                seen += 1
                if seen > 500:
                    return None
                if isinstance(node, ast.Call):
                    api, q = self.clients.api_for(self.flow.qualify(node.func, scope), node.func, scope)
                    if api is not None and (api.client or api.base_kw):
                        return self.clients.make(node, scope, api, q or "")
                elif isinstance(node, (ast.Return, ast.Assign)) and isinstance(node.value, (ast.Name, ast.Attribute)):
                    client = self.clients.client_of(node.value, scope)  # a client built elsewhere, picked here
                    if client is not None:
                        return client
        return None

    # ------------------------------------------------------------------ lookup tables

    def _table(self, node: ast.expr, table: ast.expr, key: ast.expr, scope: Scope) -> None:
        if not self._flows(key, scope):
            return
        dicts = [c for c in self.flow.containers(table, scope) if isinstance(c, ast.Dict)]
        entries = [(k, v) for d in dicts for k, v in zip(d.keys, d.values, strict=True)
                   if k is not None and _plausible(const_str(k) or "")]
        if not entries:
            return
        picks = self._picks(node)
        for k, v in entries:
            value = const_str(k) or ""
            client = next((c for s in picks if (c := self._client_for(_receiver(s.call), s.scope, node, v))), None)
            if not picks:
                self.hits.append(Hit(Origin(k, value), "low", note=_TABLE_NOTE))
                continue
            related = [(s.call.lineno, f"picks the client for {s.label}()") for s in picks if s.call is not None]
            if client is None:
                self.hits.append(Hit(Origin(k, value), "medium", related=related, note=_TABLE_NOTE))
                continue
            if client.line != k.lineno:
                related.append((client.line, "client built here"))
            self.hits.append(Hit(Origin(k, value), "medium", client.provider, client.base_url, client.api.hub,
                                 related=related, note=client.note or _TABLE_NOTE))
            for s in picks:  # the ids reaching the call through the same variable get the same client
                for hit in s.hits:
                    if hit.origin.value == value and hit.provider is None and hit.base_url is None:
                        hit.provider, hit.base_url = client.provider, client.base_url
                        hit.hub = hit.hub if hit.hub not in (None, "api") else client.api.hub

    def _reach(self, expr: ast.expr, scope: Scope, depth: int = 0) -> frozenset[int]:
        """Ids of the nodes `expr` is built from, through names and `self.x` (bounded, memoised per value)."""
        key = (id(expr), id(scope))
        memo = self._reach_memo
        if key in memo:
            return memo[key]
        memo[key] = frozenset()  # guards against cycles
        out: set[int] = set()
        todo: list[ast.AST] = [expr]
        steps = 0
        while todo and steps < 200:
            node = todo.pop()
            steps += 1
            out.add(id(node))
            if depth >= 4:
                continue
            if isinstance(node, ast.Name):
                values, _, found = self.flow.lookup_name(node.id, scope)
                if found is not None:
                    for v in values[:8]:
                        if isinstance(v, ast.expr):
                            out |= self._reach(v, found, depth + 1)
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
                owner = self.flow.class_of(node.value, scope)
                for v, s in self.flow.class_attrs(owner, node.attr)[:8] if owner is not None else ():
                    if isinstance(v, ast.expr):
                        out |= self._reach(v, s, depth + 1)
                continue
            todo.extend(ast.iter_child_nodes(node))
        memo[key] = frozenset(out)
        return memo[key]

    def _picks(self, lookup: ast.expr) -> list[Sink]:
        """The model calls whose client is chosen with `lookup`'s result."""
        if self._pick_index is None:
            self._pick_index = {}
            for s in self.sinks:
                receiver = _receiver(s.call)
                if receiver is not None:
                    for nid in self._reach(receiver, s.scope):
                        self._pick_index.setdefault(nid, []).append(s)
        return self._pick_index.get(id(lookup), [])

    def _client_for(self, expr: ast.expr | None, scope: Scope, lookup: ast.expr, entry: ast.expr,
                    depth: int = 0) -> Client | None:
        """The client `expr` is when the table lookup `lookup` yields `entry`."""
        if expr is None or depth > 6:
            return None
        if expr is lookup:
            return self.clients.client_of(entry, scope)
        if isinstance(expr, ast.Name):
            values, _, found = self.flow.lookup_name(expr.id, scope)
            for v in values[:8]:
                if isinstance(v, ast.expr) and found is not None and id(lookup) in self._reach(v, found):
                    return self._client_for(v, found, lookup, entry, depth + 1)
            return None
        if isinstance(expr, ast.Attribute):
            return self._client_for(expr.value, scope, lookup, entry, depth + 1)
        if isinstance(expr, ast.Subscript):
            if id(lookup) in self._reach(expr.slice, scope):
                pick = self._picked(expr.slice, scope, lookup, entry)
                for c in self.flow.containers(expr.value, scope):
                    item = _item(c, pick)
                    if item is not None:
                        return self.clients.client_of(item, scope)
                return None
            return self._client_for(expr.value, scope, lookup, entry, depth + 1)
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get" and \
                expr.args and id(lookup) in self._reach(expr.args[0], scope):
            pick = self._picked(expr.args[0], scope, lookup, entry)
            for c in self.flow.containers(expr.func.value, scope):
                item = _item(c, pick)
                if item is not None:
                    return self.clients.client_of(item, scope)
        return None

    def _picked(self, expr: ast.expr, scope: Scope, lookup: ast.expr, entry: ast.expr) -> object:
        """The constant an index expression takes when the lookup yields `entry` (`0`, `"deepseek"`)."""
        if expr is lookup:
            return entry.value if isinstance(entry, ast.Constant) else None
        if isinstance(expr, ast.Name):
            values, _, found = self.flow.lookup_name(expr.id, scope)
            for v in values[:8]:
                if isinstance(v, ast.expr) and found is not None:
                    got = self._picked(v, found, lookup, entry)
                    if got is not None:
                        return got
        return None

    # ------------------------------------------------------------------ does it reach a model argument?

    def _flows(self, expr: ast.expr, scope: Scope) -> bool:
        ident = self._identity(expr, scope)
        return bool(ident) and not ident.isdisjoint(self.carriers())

    def carriers(self) -> set[Key]:
        """Every variable whose value reaches a model argument (names, attributes, options), traced back."""
        if self._carriers is not None:
            return self._carriers
        out: set[Key] = set()
        todo: list[tuple[ast.expr, Scope, int]] = [(s.expr, s.scope, 0) for s in self.sinks]
        visited: set[tuple[int, int]] = set()
        while todo and len(visited) < MAX_VISITS:
            expr, scope, depth = todo.pop()
            if (id(expr), id(scope)) in visited or depth > MAX_DEPTH:
                continue
            visited.add((id(expr), id(scope)))
            out.update(self._identity(expr, scope))
            todo.extend((e, s, depth + 1) for e, s in self._sources(expr, scope))
        for _ in range(2):  # a helper handed the same variable (`get_client(model)`) sees the same model
            out |= self._handed(out)
        self._carriers = out
        return out

    def _handed(self, carriers: set[Key]) -> set[Key]:
        """Parameters of module functions that some call site fills with a carrier."""
        found: set[Key] = set()
        for funcs in self.facts.functions.values():
            for fn in funcs:
                for name, param in fn.scope.params.items():
                    key = ("n", id(fn.scope), name)
                    if key in carriers or name in ("self", "cls"):
                        continue
                    for call, cscope, bound in self.flow.callers(fn):
                        arg = next((k.value for k in call.keywords if k.arg == name), None)
                        idx = param.index - (1 if bound else 0)
                        if arg is None and 0 <= idx < len(call.args):
                            arg = call.args[idx]
                        if arg is not None and not self._identity(arg, cscope).isdisjoint(carriers):
                            found.add(key)
                            break
        return found

    def _sources(self, expr: ast.expr, scope: Scope) -> Iterator[tuple[ast.expr, Scope]]:
        """The expressions `expr` takes its value from."""
        flow = self.flow
        if isinstance(expr, ast.Name):
            values, param, found = flow.lookup_name(expr.id, scope)
            if found is None:
                return
            yield from ((v, found) for v in values if isinstance(v, ast.expr))
            if param is not None:
                for call, cscope, bound in flow.callers(param.func):
                    arg = next((k.value for k in call.keywords if k.arg == param.name), None)
                    idx = param.index - (1 if bound else 0)
                    if arg is None and 0 <= idx < len(call.args):
                        arg = call.args[idx]
                    if arg is not None and not isinstance(arg, ast.Starred):
                        yield arg, cscope
        elif isinstance(expr, ast.Attribute):
            owner = flow.class_of(expr.value, scope)
            if owner is not None:
                yield from ((v, s) for v, s in flow.class_attrs(owner, expr.attr) if isinstance(v, ast.expr))
            else:
                dotted = dotted_name(expr)
                yield from self.facts.dotted.get(dotted, ()) if dotted else ()
        elif isinstance(expr, ast.Call):
            func = expr.func
            if isinstance(func, ast.Attribute) and func.attr in _SAME_VALUE:
                yield func.value, scope
            elif isinstance(func, ast.Name) and func.id == "str" and expr.args:
                yield expr.args[0], scope
            else:
                for fn in flow.called_functions(expr, scope):
                    yield from ((r, fn.scope) for r in fn.scope.returns)
        elif isinstance(expr, ast.IfExp):
            yield from ((e, scope) for e in (expr.body, expr.orelse))
        elif isinstance(expr, ast.BoolOp):
            yield from ((e, scope) for e in expr.values)
        elif isinstance(expr, ast.NamedExpr):
            yield expr.value, scope

    def _identity(self, expr: ast.expr, scope: Scope) -> set[Key]:
        """What names the variable `expr` reads: a binding, a class attribute, a CLI option, an env variable."""
        if isinstance(expr, ast.Name):
            _, _, found = self.flow.lookup_name(expr.id, scope)
            return {("n", id(found), expr.id)} if found is not None else set()
        if isinstance(expr, ast.Attribute):
            base = expr.value
            if isinstance(base, ast.Name) and (base.id in self.facts.parsed_args or base.id in ARGS_NAMES):
                return {("opt", 0, expr.attr)}
            owner = self.flow.class_of(base, scope)
            if owner is not None:
                return {("a", id(c), expr.attr) for c in self._lineage(owner)}
            dotted = dotted_name(expr)
            return {("d", 0, dotted)} if dotted else set()
        if isinstance(expr, ast.Call):
            var = env_var(expr)
            if var is not None:
                return {("env", 0, var)}
            func = expr.func
            if isinstance(func, ast.Attribute) and func.attr in _SAME_VALUE:
                return self._identity(func.value, scope)
            if isinstance(func, ast.Name) and func.id == "str" and len(expr.args) == 1:
                return self._identity(expr.args[0], scope)
        return set()

    def _lineage(self, cls: ClassInfo) -> list[ClassInfo]:
        out = [cls]
        i = 0
        while i < len(out) and len(out) < 8:
            for base in out[i].bases:
                if isinstance(base, ast.Name) and base.id in self.facts.classes:
                    parent = self.facts.classes[base.id][0]
                    if parent not in out:
                        out.append(parent)
            i += 1
        return out


@lru_cache(maxsize=16384)
def _plausible(value: str) -> bool:
    return is_plausible(value, "keyed")


def _literal(expr: ast.expr | ast.pattern | None) -> str | None:
    return expr.value if isinstance(expr, ast.Constant) and isinstance(expr.value, str) else None


def _patterns(p: ast.pattern) -> list[ast.expr]:
    if isinstance(p, ast.MatchValue):
        return [p.value]
    if isinstance(p, ast.MatchOr):
        return [e for sub in p.patterns for e in _patterns(sub)]
    if isinstance(p, ast.MatchAs) and p.pattern is not None:
        return _patterns(p.pattern)
    return []


def _receiver(call: ast.Call | None) -> ast.expr | None:
    return call.func.value if call is not None and isinstance(call.func, ast.Attribute) else None


def _item(container: ast.expr, pick: object) -> ast.expr | None:
    """Element `pick` of a list/tuple literal (an int) or value under key `pick` of a dict literal (a str)."""
    if isinstance(container, (ast.List, ast.Tuple)) and isinstance(pick, int) and not isinstance(pick, bool):
        return container.elts[pick] if -len(container.elts) <= pick < len(container.elts) else None
    if isinstance(container, ast.Dict) and isinstance(pick, str):
        return next((v for k, v in zip(container.keys, container.values, strict=True)
                     if k is not None and const_str(k) == pick), None)
    return None
