"""Bindings of a JavaScript / TypeScript module: which declaration each name refers to, scope by scope.

One walk over the syntax tree records imports, `const`/`let`/`var` declarators (with destructuring and
defaults), function declarations and parameters, class fields and `this.x = ...` assignments, and keeps
the nodes the detectors look at (calls, `new`, object properties, JSX attributes...). Type annotations,
comments and regex literals are never entered.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from tree_sitter import Node

from upstream.detect.js_nodes import prop_key, string_value, text
from upstream.detect.js_sdks import normalize_module

SCOPES = frozenset({
    "program", "statement_block", "function_declaration", "function_expression", "function", "arrow_function",
    "method_definition", "generator_function_declaration", "generator_function", "class_body", "for_statement",
    "for_in_statement", "catch_clause",
})
FUNCTIONS = frozenset({
    "function_declaration", "function_expression", "function", "arrow_function", "method_definition",
    "generator_function_declaration", "generator_function",
})
_SKIP = frozenset({
    "comment", "html_comment", "hash_bang_line", "regex", "type_annotation", "type_alias_declaration",
    "interface_declaration", "type_arguments", "type_parameters", "abstract_class_declaration_type", "string",
    "jsx_text", "number", "ambient_declaration", "predefined_type",
})
_ANCHORS = frozenset({"identifier", "shorthand_property_identifier", "member_expression", "subscript_expression",
                      "assignment_expression"})
WATCHED = frozenset({
    "call_expression", "new_expression", "object", "variable_declarator", "assignment_expression",
    "field_definition", "public_field_definition", "jsx_attribute", "enum_declaration",
})

BindKind = Literal["value", "default", "prop", "elem", "import", "func", "param"]


@dataclass(frozen=True, slots=True)
class ImportRef:
    """An imported name: `module` is the package (normalised), `name` the export ("default", "*")."""

    module: str
    name: str
    raw: str  # the specifier as written

    def member(self, key: str) -> ImportRef | None:
        if self.name in ("*", "default"):
            return ImportRef(self.module, key, self.raw)
        return None

    @property
    def relative(self) -> bool:
        return self.raw.startswith((".", "/", "@/", "~/", "#", "$lib"))


@dataclass(frozen=True, slots=True)
class Bind:
    """What a declared name stands for.

    value: the node is its initializer (None: declared without one); default: a default value;
    prop: the property `key` of the expression `node` (destructuring); elem: element `key` of `node`;
    import: `ref`; func: a function declaration; param: the parameter `node` (takes the arguments of the
    function's calls in this module). With `each`, `node` is iterated first.
    """

    kind: BindKind
    node: Node | None = None
    key: str = ""
    ref: ImportRef | None = None
    each: bool = False  # `node` is a list and the name takes each of its items (for-of, `.map(x => ...)`)


class Index:
    """Declarations per scope, class members, imports and the watched nodes of one module."""

    def __init__(self, root: Node) -> None:
        self.root = root
        self.scopes: dict[int, dict[str, list[Bind]]] = defaultdict(lambda: defaultdict(list))
        self.members: dict[int, dict[str, list[Node]]] = defaultdict(lambda: defaultdict(list))
        self.nodes: dict[str, list[Node]] = defaultdict(list)
        self.params: list[tuple[Node, Node]] = []  # (name identifier, default value)
        self.imports: list[ImportRef] = []
        self.scope_parent: dict[int, int] = {}  # scope id -> enclosing scope id
        self.class_bodies: set[int] = set()
        self.scope_of: dict[int, int] = {}  # name-like node id -> innermost scope id
        self._iterated: dict[int, Node] = {}  # callback function id -> the list it iterates
        self._settled: dict[int, Node] = {}  # `.then` callback id -> the promise whose value it receives
        self.fn_names: dict[int, str] = {}  # function node id -> the name it is called by
        self.param_of: dict[int, tuple[Node, int]] = {}  # parameter pattern id -> (function, position)
        self._calls_by_name: dict[str, list[Node]] | None = None
        self._chains: dict[int, tuple[int, ...]] = {}
        self._walk(root)
        self._assignments()

    # ------------------------------------------------------------------ walk

    def _walk(self, root: Node) -> None:
        stack: list[tuple[Node, int]] = [(root, root.id)]
        while stack:
            node, scope = stack.pop()
            t = node.type
            if t in _SKIP:
                continue
            if t in WATCHED:
                self.nodes[t].append(node)
            if t in _ANCHORS:
                self.scope_of[node.id] = scope
            if t == "call_expression":
                self._callback(node)
            if t == "import_statement":
                self._import(node, scope)
            elif t == "variable_declarator":
                self._pattern(node.child_by_field_name("name"), node.child_by_field_name("value"), scope)
                self._name_function(node, "name", "value")
            elif t == "pair":
                self._name_function(node, "key", "value")
            elif t in ("function_declaration", "generator_function_declaration", "class_declaration",
                       "enum_declaration"):
                name = node.child_by_field_name("name")
                if name is not None:
                    self._bind(scope, text(name), Bind("func" if "function" in t else "value", node))
            elif t in ("field_definition", "public_field_definition"):
                self._field(node, scope)
                self._name_function(node, "property", "value")
                self._name_function(node, "name", "value")
            inner = scope
            if t in SCOPES and node.id != scope:
                inner = node.id
                self.scope_parent[inner] = scope
                if t == "class_body":
                    self.class_bodies.add(inner)
            if t in FUNCTIONS:
                self._params(node, inner, scope)
            elif t == "for_in_statement" and text(node.child_by_field_name("operator")) == "of":
                self._pattern(node.child_by_field_name("left"), node.child_by_field_name("right"), inner, each=True)
            stack.extend((c, inner) for c in reversed(node.named_children))

    def _bind(self, scope: int, name: str, bind: Bind) -> None:
        if name:
            self.scopes[scope][name].append(bind)

    def _import(self, node: Node, scope: int) -> None:
        source = node.child_by_field_name("source")
        if source is None or any(c.type == "type" for c in node.children):
            return
        raw = string_value(source)
        module = normalize_module(raw)
        self.imports.append(ImportRef(module, "*", raw))
        clause = next((c for c in node.named_children if c.type == "import_clause"), None)
        if clause is None:
            return
        for c in clause.named_children:
            if c.type == "identifier":
                self._bind(scope, text(c), Bind("import", ref=ImportRef(module, "default", raw)))
            elif c.type == "namespace_import":
                ident = next((x for x in c.named_children if x.type == "identifier"), None)
                self._bind(scope, text(ident), Bind("import", ref=ImportRef(module, "*", raw)))
            elif c.type == "named_imports":
                for spec in c.named_children:
                    if spec.type != "import_specifier" or any(x.type == "type" for x in spec.children):
                        continue
                    name = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias") or name
                    self._bind(scope, text(alias), Bind("import", ref=ImportRef(module, string_value(name), raw)))

    def _pattern(self, pattern: Node | None, source: Node | None, scope: int, default: Node | None = None,
                 each: bool = False) -> None:
        """Bind the names of a declarator or parameter pattern to what they take from `source`."""
        if pattern is None:
            return
        t = pattern.type
        if t in ("identifier", "shorthand_property_identifier_pattern"):
            self._bind(scope, text(pattern), Bind("value", source, each=each))
            if default is not None:
                self._bind(scope, text(pattern), Bind("default", default))
        elif t == "assignment_pattern":
            self._pattern(pattern.child_by_field_name("left"), source, scope, pattern.child_by_field_name("right"))
        elif t == "object_pattern":
            for c in pattern.named_children:
                self._object_member(c, source, scope, each)
        elif t == "array_pattern":
            for i, c in enumerate(pattern.named_children):
                left, dflt = (c.child_by_field_name("left"), c.child_by_field_name("right")) \
                    if c.type == "assignment_pattern" else (c, None)
                if left is not None and left.type == "identifier":
                    self._bind(scope, text(left), Bind("elem", source, str(i)))
                    if dflt is not None:
                        self._bind(scope, text(left), Bind("default", dflt))

    def _object_member(self, c: Node, source: Node | None, scope: int, each: bool = False) -> None:
        if c.type == "shorthand_property_identifier_pattern":
            self._bind(scope, text(c), Bind("prop", source, text(c), each=each))
        elif c.type == "object_assignment_pattern":
            left = c.child_by_field_name("left")
            self._bind(scope, text(left), Bind("prop", source, text(left), each=each))
            right = c.child_by_field_name("right")
            if right is not None:
                self._bind(scope, text(left), Bind("default", right))
                if left is not None:
                    self.params.append((left, right))
        elif c.type == "pair_pattern":
            key = prop_key(c.child_by_field_name("key"))
            value = c.child_by_field_name("value")
            if key is None or value is None:
                return
            if value.type == "assignment_pattern":
                left, right = value.child_by_field_name("left"), value.child_by_field_name("right")
                if left is not None and left.type == "identifier":
                    self._bind(scope, text(left), Bind("prop", source, key, each=each))
                    if right is not None:
                        self._bind(scope, text(left), Bind("default", right))
            elif value.type == "identifier":
                self._bind(scope, text(value), Bind("prop", source, key, each=each))

    def _name_function(self, node: Node, name_field: str, value_field: str) -> None:
        value = node.child_by_field_name(value_field)
        name = node.child_by_field_name(name_field)
        if value is not None and name is not None and value.type in FUNCTIONS and name.type != "object_pattern":
            self.fn_names[value.id] = text(name)

    def _callback(self, call: Node) -> None:
        callee = call.child_by_field_name("function")
        args = call.child_by_field_name("arguments")
        if callee is None or callee.type != "member_expression" or args is None or not args.named_children:
            return
        first = args.named_children[0]
        prop = text(callee.child_by_field_name("property"))
        if first.type in FUNCTIONS and prop in _ITERATORS:
            items = callee.child_by_field_name("object")
            if items is not None:
                self._iterated[first.id] = items
        elif first.type in FUNCTIONS and prop == "then":  # import("@huggingface/transformers").then(({ pipeline }) =>
            promise = callee.child_by_field_name("object")
            if promise is not None:
                self._settled[first.id] = promise

    def _params(self, fn: Node, scope: int, outer: int) -> None:
        items = self._iterated.get(fn.id)
        own_name = fn.child_by_field_name("name")
        if own_name is not None and fn.id not in self.fn_names:
            self.fn_names[fn.id] = text(own_name)
        settled = self._settled.get(fn.id)
        single = fn.child_by_field_name("parameter")
        if single is not None:
            self._pattern(single, items if items is not None else settled, scope, each=items is not None)
            return
        params = fn.child_by_field_name("parameters")
        if params is None:
            return
        for i, p in enumerate(params.named_children):
            if i == 0 and (items is not None or settled is not None):
                self._pattern(p.child_by_field_name("pattern") or p, items if items is not None else settled, scope,
                              each=items is not None)
                continue
            if p.type in ("required_parameter", "optional_parameter"):
                pattern, value = p.child_by_field_name("pattern"), p.child_by_field_name("value")
                if pattern is not None and pattern.type == "identifier" and value is not None and \
                        outer in self.class_bodies and any(
                            c.type in ("accessibility_modifier", "readonly") for c in p.children):
                    self.members[outer][text(pattern)].append(value)  # `constructor(private model = "...")`
            elif p.type == "assignment_pattern":
                pattern, value = p.child_by_field_name("left"), p.child_by_field_name("right")
            else:
                pattern, value = p, None
            if pattern is None:
                continue
            self.param_of[pattern.id] = (fn, i)
            if pattern.type == "identifier":
                self._bind(scope, text(pattern), Bind("param", pattern))
                if value is not None:
                    self._bind(scope, text(pattern), Bind("default", value))
                    self.params.append((pattern, value))
            else:
                self._pattern(pattern, pattern, scope)
                if value is not None:
                    self._pattern(pattern, value, scope)

    def _field(self, node: Node, scope: int) -> None:
        name = node.child_by_field_name("property") or node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name is not None and value is not None and scope in self.class_bodies:
            self.members[scope][text(name)].append(value)

    def _assignments(self) -> None:
        for node in self.nodes.get("assignment_expression", []):
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is None or right is None:
                continue
            if left.type == "identifier":
                found = self.lookup(text(left), node)
                scope = found[0] if found else self.root.id
                self.scopes[scope][text(left)].append(Bind("value", right))
            elif left.type == "member_expression":
                obj = left.child_by_field_name("object")
                body = self.class_body(node)
                if obj is not None and obj.type == "this" and body is not None:
                    prop = left.child_by_field_name("property")
                    self.members[body][text(prop)].append(right)

    # ------------------------------------------------------------------ queries

    def chain(self, node: Node) -> tuple[int, ...]:
        """Ids of the scopes enclosing `node`, innermost first."""
        sid = self.scope_of.get(node.id)
        if sid is None:  # not a name-like node seen by the walk: find the nearest scope by climbing
            n = node.parent
            while n is not None and n.id not in self.scope_parent and n.type != "program":
                n = n.parent
            sid = n.id if n is not None else self.root.id
        cached = self._chains.get(sid)
        if cached is not None:
            return cached
        ids = [sid]
        while ids[-1] in self.scope_parent and len(ids) < 10_000:
            ids.append(self.scope_parent[ids[-1]])
        out = tuple(ids)
        self._chains[sid] = out
        return out

    def calls_to(self, fn: Node) -> list[Node]:
        """Calls in this module of the function `fn`, by its name (`name(...)` or `this.name(...)`)."""
        name = self.fn_names.get(fn.id)
        if not name:
            return []
        if self._calls_by_name is None:
            self._calls_by_name = defaultdict(list)
            for call in self.nodes.get("call_expression", []):
                callee = call.child_by_field_name("function")
                if callee is None:
                    continue
                if callee.type == "identifier":
                    self._calls_by_name[text(callee)].append(call)
                elif callee.type == "member_expression" and text(callee.child_by_field_name("object")) == "this":
                    self._calls_by_name[text(callee.child_by_field_name("property"))].append(call)
        return self._calls_by_name.get(name, [])[:32]

    def class_body(self, at: Node) -> int | None:
        """The innermost class body around `at` (what `this` refers to)."""
        return next((sid for sid in self.chain(at) if sid in self.class_bodies), None)

    def lookup(self, name: str, at: Node) -> tuple[int, list[Bind]] | None:
        """The scope declaring `name` as seen from `at`, and its bindings there."""
        for sid in self.chain(at):
            scope = self.scopes.get(sid)
            if scope is not None and name in scope:
                return sid, scope[name]
        return None

    def this_member(self, at: Node, key: str) -> list[Node]:
        body = self.class_body(at)
        if body is None:
            return []
        return list(self.members.get(body, {}).get(key, []))


_ITERATORS = frozenset({"map", "forEach", "flatMap", "filter", "find", "some", "every", "reduce"})


