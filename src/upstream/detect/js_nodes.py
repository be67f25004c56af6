"""Small helpers over tree-sitter nodes of JavaScript / TypeScript: text, string values, keys, calls."""

from __future__ import annotations

from tree_sitter import Node

_WRAPPERS = frozenset({"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression",
                       "await_expression", "type_assertion"})
_ENV_OBJECTS = frozenset({"process.env", "import.meta.env", "Bun.env", "env", "c.env", "context.env", "this.env",
                          "ctx.env", "Netlify.env"})


def text(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def string_value(node: Node | None) -> str:
    """The value of a string literal (or template without substitutions); the text of anything else."""
    if node is None:
        return ""
    if node.type not in ("string", "template_string"):
        return text(node)
    parts: list[str] = []
    for c in node.named_children:
        if c.type == "string_fragment":
            parts.append(text(c))
        elif c.type == "escape_sequence":
            parts.append(unescape(text(c)))
    return "".join(parts)


def unescape(seq: str) -> str:
    """The character a JavaScript escape sequence stands for."""
    body = seq[1:]
    if body[:1] in ("u", "x"):
        digits = body[1:].strip("{}")
        try:
            return chr(int(digits, 16))
        except ValueError:
            return body
    return _ESCAPES.get(body, body)


def prop_key(node: Node | None) -> str | None:
    """The name of an object key: `model`, `"model"`, `['model']`; None for computed keys."""
    if node is None:
        return None
    if node.type in ("property_identifier", "identifier", "private_property_identifier",
                     "shorthand_property_identifier", "number"):
        return text(node)
    if node.type == "string":
        return string_value(node)
    if node.type == "computed_property_name":
        inner = node.named_children[0] if node.named_children else None
        if inner is not None and inner.type == "string":
            return string_value(inner)
    return None


def unwrap(node: Node) -> Node:
    while node.type in _WRAPPERS and node.named_children:
        node = node.named_children[-1] if node.type == "type_assertion" else node.named_children[0]
    return node


def arguments(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    if args is None or args.type != "arguments":
        return []
    return [a for a in args.named_children if a.type != "comment"]


def member_key(node: Node) -> str | None:
    if node.type == "member_expression":
        return prop_key(node.child_by_field_name("property"))
    if node.type == "subscript_expression":
        idx = node.child_by_field_name("index")
        return string_value(idx) if idx is not None and idx.type in ("string", "number") else None
    return None


def env_name(node: Node) -> str | None:
    """`process.env.X`, `import.meta.env.X`, `process.env["X"]`, `Deno.env.get("X")` -> X."""
    node = unwrap(node)
    if node.type in ("member_expression", "subscript_expression"):
        obj = node.child_by_field_name("object")
        obj_text = text(obj)
        if obj_text in _ENV_OBJECTS or obj_text.endswith(".env"):
            return member_key(node)
    if node.type == "call_expression" and text(node.child_by_field_name("function")) == "Deno.env.get":
        args = arguments(node)
        return string_value(args[0]) if args else None
    return None
