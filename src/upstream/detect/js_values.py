"""What an expression can hold: follow names, object properties and env defaults back to string literals.

`values()` follows identifiers, member accesses, `require()` / `import()` and type wrappers to the
expressions they stand for; `strings()` turns those into the string literals an expression may hold,
keeping where each literal is written (the line a detection is reported at). `a ?? "x"`, `a || "x"` and
ternaries give every branch; `process.env.X ?? "x"` notes the env default. Depth is bounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

from upstream.detect.js_nodes import arguments, env_name, member_key, prop_key, string_value, text, unescape, unwrap
from upstream.detect.js_scope import FUNCTIONS, ImportRef, Index
from upstream.detect.js_sdks import normalize_module

MAX_DEPTH = 14
STATE_HOOKS = frozenset({"useState", "$state", "ref", "shallowRef", "signal", "createSignal", "writable", "useRef",
                         "atom", "useLocalStorage", "useSessionStorage", "useStorage", "reactive", "observable"})

Value = Node | ImportRef


@dataclass(frozen=True, slots=True)
class Str:
    """A string an expression may hold, and where its literal is written (0-based row, byte column)."""

    value: str
    row: int
    bcol: int
    note: str | None = None

    def noted(self, note: str | None) -> Str:
        return self if not note or self.note else Str(self.value, self.row, self.bcol, note)


_LONG_FLAG = re.compile(r"--([A-Za-z][\w-]*)")
_PARSERS = frozenset({"opts", "optsWithGlobals", "parse", "parseSync", "parseAsync"})


def _camel(flag: str) -> str:
    head, *rest = flag.split("-")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _parsed_options(node: Node) -> bool:
    if node.type == "member_expression":
        return text(node.child_by_field_name("property")) == "argv"
    if node.type == "call_expression":
        fn = node.child_by_field_name("function")
        return fn is not None and fn.type == "member_expression" and \
            text(fn.child_by_field_name("property")) in _PARSERS
    return False


class Resolver:
    """Answers `values` / `strings` / `objects` / `prop` questions about one module, memoised."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self._values: dict[int, list[Value]] = {}
        self._strings: dict[int, list[Str]] = {}
        self._busy: set[int] = set()
        self._busy_str: set[int] = set()
        self._cli: dict[str, list[Node]] | None = None
        self._keys: dict[int, dict[str, Node]] = {}

    # ------------------------------------------------------------------ values

    def values(self, node: Node, depth: int = 0) -> list[Value]:
        """The expressions (or imports) `node` stands for, through names, properties and imports."""
        node = unwrap(node)
        key = node.id
        if key in self._values:
            return self._values[key]
        if key in self._busy or depth > MAX_DEPTH:
            return []
        self._busy.add(key)
        try:
            out = self._values_of(node, depth + 1)
        finally:
            self._busy.discard(key)
        self._values[key] = out
        return out

    def _values_of(self, node: Node, depth: int) -> list[Value]:
        t = node.type
        if t in ("identifier", "shorthand_property_identifier"):
            return self._name(node, depth)
        if t in ("member_expression", "subscript_expression"):
            k = member_key(node)
            obj = node.child_by_field_name("object")
            if obj is not None and k is None and t == "subscript_expression":
                return self._any_item(obj, depth) or [node]  # MODELS[provider]: any of the table's values
            if k is None or obj is None:
                return [node]
            out: list[Value] = []
            if obj.type == "this":
                for v in self.index.this_member(node, k):
                    out.extend(self.values(v, depth))
                return out or [node]
            for base in self.values(obj, depth):
                out.extend(self._member(base, k, depth))
            return out or [node]
        if t in ("await_expression", "parenthesized_expression") and node.named_children:
            return self.values(node.named_children[0], depth)  # `await import("...")`
        if t == "call_expression":
            fn = node.child_by_field_name("function")
            args = arguments(node)
            if fn is not None and args and args[0].type in ("string", "template_string") and (
                fn.type == "import" or (fn.type == "identifier" and text(fn) == "require")
            ):
                raw = string_value(args[0])
                return [ImportRef(normalize_module(raw), "*" if fn.type == "import" else "default", raw)]
            if fn is not None and text(fn) in ("Object.freeze", "structuredClone") and args:
                return self.values(args[0], depth)
        if node.id in self.index.param_of:  # a destructured parameter: what the calls pass
            return self._arguments(node, depth)
        return [node]

    def _name(self, node: Node, depth: int) -> list[Value]:
        found = self.index.lookup(text(node), node)
        if found is None:
            return []
        out: list[Value] = []
        for b in found[1]:
            if b.kind == "import":
                out.extend([b.ref] if b.ref is not None else [])
                continue
            if b.node is None:
                continue
            if b.kind == "func":
                out.append(b.node)
                continue
            if b.kind == "param":
                out.extend(self._arguments(b.node, depth))
                continue
            if b.kind == "elem" and not b.each:
                out.extend(self._element(b.node, int(b.key), depth))
                continue
            sources = self.values(b.node, depth) if b.kind != "default" else []
            if b.each:
                sources = [v for s in sources if not isinstance(s, ImportRef) and s.type == "array"
                           for item in s.named_children if item.type != "comment" for v in self.values(item, depth)]
            if b.kind == "default":
                out.extend(self.values(b.node, depth))
            elif b.kind == "value":
                out.extend(sources)
            elif b.kind == "prop":
                for base in sources:
                    out.extend(self._member(base, b.key, depth))
        return out

    def _member(self, base: Value, key: str, depth: int) -> list[Value]:
        if isinstance(base, ImportRef):
            ref = base.member(key)
            return [ref] if ref is not None else []
        if base.type == "object":
            out: list[Value] = []
            for v in self.prop(base, key):
                out.extend(self.values(v, depth))
            return out
        if base.type == "call_expression" and key in ("value", "current"):  # Vue ref(x).value, useRef(x).current
            return self._element(base, 0, depth)
        if _parsed_options(base):  # commander `program.opts().model`, yargs `argv.model`
            return [v for d in self.cli_defaults().get(key, []) for v in self.values(d, depth)]
        if base.type == "enum_declaration":
            body = base.child_by_field_name("body")
            for m in body.named_children if body is not None else []:
                if m.type == "enum_assignment" and text(m.child_by_field_name("name")) == key:
                    value = m.child_by_field_name("value")
                    return self.values(value, depth) if value is not None else []
        return []

    def _arguments(self, param: Node, depth: int) -> list[Value]:
        """What the calls of a function in this module pass for the parameter `param`."""
        found = self.index.param_of.get(param.id)
        if found is None:
            return []
        fn, position = found
        out: list[Value] = []
        for call in self.index.calls_to(fn):
            args = arguments(call)
            if position < len(args) and args[position].type != "spread_element":
                out.extend(self.values(args[position], depth))
        return out

    def _any_item(self, table: Node, depth: int) -> list[Value]:
        out: list[Value] = []
        for base in self.values(table, depth):
            if isinstance(base, ImportRef) or base.type not in ("object", "array"):
                continue
            for c in base.named_children:
                item = c.child_by_field_name("value") if c.type == "pair" else c
                if item is not None and item.type not in ("comment", "spread_element", "method_definition"):
                    out.extend(self.values(item, depth))
        return out

    def _element(self, source: Node, index: int, depth: int) -> list[Value]:
        out: list[Value] = []
        for base in self.values(source, depth):
            if isinstance(base, ImportRef):
                continue
            if base.type == "call_expression" and index == 0:
                fn = base.child_by_field_name("function")
                args = arguments(base)
                if fn is not None and text(fn).rsplit(".", 1)[-1] in STATE_HOOKS and args:
                    out.extend(self.values(args[0], depth))
            elif base.type == "array":
                items = [c for c in base.named_children if c.type != "comment"]
                if index < len(items):
                    out.extend(self.values(items[index], depth))
        return out

    def cli_defaults(self) -> dict[str, list[Node]]:
        """Defaults of command-line options: commander `.option("--model <id>", "...", "gpt-4o")`, yargs."""
        if self._cli is None:
            self._cli = {}
            for call in self.index.nodes.get("call_expression", []):
                fn = call.child_by_field_name("function")
                args = arguments(call)
                if fn is None or fn.type != "member_expression" or len(args) < 2 or args[0].type != "string" or \
                        text(fn.child_by_field_name("property")) not in ("option", "requiredOption"):
                    continue
                flags = string_value(args[0])
                long = _LONG_FLAG.search(flags)
                name = _camel(long.group(1)) if long else flags.strip()
                if args[1].type == "object":
                    self._cli.setdefault(name, []).extend(self.prop(args[1], "default"))
                elif len(args) > 2:
                    self._cli.setdefault(name, []).append(args[2])
        return self._cli

    # ------------------------------------------------------------------ objects and strings

    def prop(self, obj: Node, key: str) -> list[Node]:
        """The value of property `key` in an object literal (the last one written; spreads followed)."""
        found = self.keys(obj).get(key)
        return [found] if found is not None else []

    def keys(self, obj: Node, depth: int = 0) -> dict[str, Node]:
        """Key -> value node of an object literal, spreads merged in order (memoised)."""
        cached = self._keys.get(obj.id)
        if cached is not None:
            return cached
        out: dict[str, Node] = {}
        self._keys[obj.id] = out  # a spread of itself sees the keys so far
        for c in obj.named_children:
            if c.type == "pair":
                k = prop_key(c.child_by_field_name("key"))
                value = c.child_by_field_name("value")
                if k is not None and value is not None:
                    out[k] = value
            elif c.type == "shorthand_property_identifier":
                out[text(c)] = c
            elif c.type == "spread_element" and c.named_children and depth < 4:
                for o in self.objects(c.named_children[0]):
                    out.update(self.keys(o, depth + 1))
        return out

    def objects(self, node: Node, depth: int = 0) -> list[Node]:
        """The object literals an expression may be."""
        out: list[Node] = []
        for v in self.values(node, depth):
            if isinstance(v, ImportRef):
                continue
            if v.type == "object":
                out.append(v)
            elif v.type == "ternary_expression" and depth < MAX_DEPTH:
                for f in ("consequence", "alternative"):
                    branch = v.child_by_field_name(f)
                    if branch is not None:
                        out.extend(self.objects(branch, depth + 1))
            elif v.type == "binary_expression" and text(v.child_by_field_name("operator")) in ("??", "||") \
                    and depth < MAX_DEPTH:
                for f in ("left", "right"):
                    side = v.child_by_field_name(f)
                    if side is not None:
                        out.extend(self.objects(side, depth + 1))
        return out

    def path(self, objs: list[Node], *keys: str) -> list[Node]:
        """Values of `a.b.c` inside the given object literals."""
        nodes = objs
        for i, k in enumerate(keys):
            found = [v for o in nodes for v in self.prop(o, k)]
            if i == len(keys) - 1:
                return found
            nodes = [o for v in found for o in self.objects(v)]
        return []

    def strings(self, node: Node, depth: int = 0) -> list[Str]:
        """Every string the expression may hold, with where each literal is written."""
        node = unwrap(node)
        key = node.id
        if key in self._strings:
            return self._strings[key]
        if key in self._busy_str or depth > MAX_DEPTH:
            return []
        self._busy_str.add(key)
        try:
            out = self._strings_of(node, depth + 1)
        finally:
            self._busy_str.discard(key)
        self._strings[key] = out
        return out

    def _strings_of(self, node: Node, depth: int) -> list[Str]:
        t = node.type
        if t == "string" or (t == "template_string" and not any(
            c.type == "template_substitution" for c in node.named_children
        )):
            return [Str(string_value(node), node.start_point.row, node.start_point.column)]
        if t == "template_string":
            return self._template(node, depth)
        if t == "binary_expression":
            op = text(node.child_by_field_name("operator"))
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is None or right is None:
                return []
            if op in ("??", "||"):
                env = env_name(left)
                note = f"default when {env} is unset" if env else None
                return [*self.strings(left, depth), *(s.noted(note) for s in self.strings(right, depth))]
            if op == "+":
                lhs, rhs = self.strings(left, depth), self.strings(right, depth)
                if len(lhs) == 1 and len(rhs) == 1:
                    return [Str(lhs[0].value + rhs[0].value, lhs[0].row, lhs[0].bcol, lhs[0].note or rhs[0].note)]
            return []
        if t == "call_expression":
            fn = node.child_by_field_name("function")
            args = arguments(node)
            method = text(fn.child_by_field_name("property")) if fn is not None and fn.type == "member_expression" \
                else ""
            if method in ("default", "catch") and args:  # zod `z.string().default("gpt-4o")`
                return self.strings(args[0], depth)
            if method in ("get", "getOrThrow") and len(args) == 2 and args[0].type == "string":
                note = f"default of config key {string_value(args[0])}"  # Nest ConfigService, convict, nconf
                return [s.noted(note) for s in self.strings(args[1], depth)]
            return []
        if t == "ternary_expression":
            return [s for f in ("consequence", "alternative")
                    for b in [node.child_by_field_name(f)] if b is not None for s in self.strings(b, depth)]
        out: list[Str] = []
        for v in self.values(node, depth):
            if isinstance(v, ImportRef) or v.id == node.id or v.type in FUNCTIONS:
                continue
            out.extend(self.strings(v, depth))
        return out

    def _template(self, node: Node, depth: int) -> list[Str]:
        parts: list[str] = []
        note: str | None = None
        for c in node.named_children:
            if c.type == "string_fragment":
                parts.append(text(c))
            elif c.type == "escape_sequence":
                parts.append(unescape(text(c)))
            elif c.type == "template_substitution":
                inner = c.named_children[0] if c.named_children else None
                found = self.strings(inner, depth) if inner is not None else []
                if len(found) != 1:
                    return []
                parts.append(found[0].value)
                note = note or found[0].note
        return [Str("".join(parts), node.start_point.row, node.start_point.column, note)]
