"""From a JavaScript / TypeScript / Vue / Svelte file to a tree-sitter syntax tree.

Vue and Svelte components keep their `<script>` blocks; everything else is blanked to spaces (newlines
kept), so that lines and columns in the tree are those of the file. The grammar follows the suffix
(or the script's `lang`); a tree that is mostly syntax errors is retried with the other grammar and
then rejected with ParseError. Nothing is ever executed.
"""

from __future__ import annotations

import re
from functools import cache

import tree_sitter_javascript
import tree_sitter_typescript
from tree_sitter import Language, Node, Parser, Tree

from upstream.detect import ParseError

SUFFIXES = frozenset({".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts", ".vue", ".svelte"})
_DECLARATION_SUFFIXES = (".d.ts", ".d.mts", ".d.cts")
_MINIFIED_NAMES = re.compile(r"[.-]min\.[mc]?js$|\.bundle\.[mc]?js$")
LONG_LINE = 5000
_MAX_ERROR_SHARE = 0.5

_SCRIPT = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_SPACE = re.compile(rb"\s+")
_LANG = re.compile(rb"""\blang\s*=\s*["']?(ts|typescript|tsx)\b""", re.I)


@cache
def _parser(grammar: str) -> Parser:
    if grammar == "typescript":
        lang = Language(tree_sitter_typescript.language_typescript())
    elif grammar == "tsx":
        lang = Language(tree_sitter_typescript.language_tsx())
    else:
        lang = Language(tree_sitter_javascript.language())
    return Parser(lang)


def wanted(name: str, suffix: str) -> bool:
    """Source files this detector reads: not type declarations, not minified bundles."""
    low = name.lower()
    return suffix in SUFFIXES and not low.endswith(_DECLARATION_SUFFIXES) and not _MINIFIED_NAMES.search(low)


def is_minified(data: bytes) -> bool:
    """A bundle: lines over LONG_LINE characters hold most of the file."""
    if len(data) <= LONG_LINE:
        return False
    long_bytes = sum(len(line) for line in data.split(b"\n") if len(line) > LONG_LINE)
    return long_bytes * 2 > len(data)


def script_source(data: bytes, suffix: str) -> tuple[bytes, str]:
    """The bytes to parse and the grammar to use; component files keep only their <script> blocks."""
    if suffix in (".ts", ".mts", ".cts"):
        return data, "typescript"
    if suffix == ".tsx":
        return data, "tsx"
    if suffix not in (".vue", ".svelte"):
        return data, "javascript"
    out = bytearray(re.sub(rb"[^\n]", b" ", data))
    grammar = "javascript"
    for m in _SCRIPT.finditer(data):
        lang = _LANG.search(m.group(1))
        if lang:
            grammar = "tsx" if lang.group(1).lower() == "tsx" else "typescript"
        out[m.start(2):m.end(2)] = m.group(2)
    return bytes(out), grammar


def _error_share(root: Node, size: int) -> tuple[float, int]:
    """Share of the non-blank bytes inside ERROR nodes, and the first error's line (1-based)."""
    if not root.has_error or size == 0:
        return 0.0, 0
    err = 0
    first = 0
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            err += len(_SPACE.sub(b"", node.text or b""))
            line = node.start_point.row + 1
            first = line if not first else min(first, line)
            continue
        stack.extend(c for c in node.children if c.has_error)
    return err / size, first


def parse(source: bytes, grammar: str) -> Tree:
    """Parse with the grammar; retry with the other family when most of the file is an error."""
    size = len(_SPACE.sub(b"", source)) or 1
    tree = _parser(grammar).parse(source)
    share, line = _error_share(tree.root_node, size)
    if share <= _MAX_ERROR_SHARE:
        return tree
    other = "javascript" if grammar != "javascript" else "tsx"
    alt = _parser(other).parse(source)
    alt_share, _ = _error_share(alt.root_node, size)
    if alt_share <= _MAX_ERROR_SHARE:
        return alt
    raise ParseError(f"not valid {grammar} (syntax error at line {line})")
