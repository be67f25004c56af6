"""Get the program out of a model's answer: fenced blocks first, bare code otherwise, demo code dropped.

Order of preference: reasoning (`<think>` blocks) is removed; among fenced blocks in Python (or with no
language) the last one that defines the entry point wins (then one with another label that does);
else the last Python block that writes `def <entry point>` but does not parse (so the answer fails on
its own syntax error); else all Python blocks joined; without fences, the text from the first line that
starts like code (`def`, `class`, `import`, ...) up to the longest prefix that parses. The result is then
cleaned on its syntax tree (parsed, never run): top-level demo code — `print(...)`, calls of its own
functions, other bare expressions, asserts, `if __name__ == "__main__":` blocks, calls that would run a
test runner or read input — is dropped; definitions and other statements are kept.
"""

from __future__ import annotations

import ast
import re
import threading
from dataclasses import dataclass
from typing import Literal

from upstream.probe.transport import split_reasoning

MAX_ANSWER_CHARS = 200_000
PYTHON_LANGS = frozenset({"", "python", "python3", "py", "py3", "ipython", "pycon"})
_FENCE = re.compile(r"^[ \t]{0,8}(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*?)[ \t]*$")
MAX_BARE_LINES = 2000
_CODE_START = re.compile(r"^(?:def |async def |class |import |from \S+ import |@\w)")
_DROP_CALLS = frozenset({"print", "input", "main", "unittest.main", "pytest.main", "doctest.testmod",
                         "exit", "quit", "sys.exit", "pprint", "pprint.pprint"})

Source = Literal["fenced", "bare", "none"]


@dataclass(frozen=True, slots=True)
class Extracted:
    """The code taken from an answer and where it came from."""

    code: str  # "" when the answer holds no usable code
    source: Source
    blocks: int  # fenced code blocks seen (any language)
    defines_entry: bool  # the code defines the entry point at top level
    parses: bool  # the code is valid Python (it is handed to the tests either way)
    note: str | None = None


@dataclass(frozen=True, slots=True)
class _Block:
    lang: str
    body: str
    closed: bool


def fenced_blocks(text: str) -> list[_Block]:
    """Fenced code blocks in order; an unclosed fence (a cut-off answer) runs to the end of the text."""
    blocks: list[_Block] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if m is None:
            i += 1
            continue
        fence = m.group("fence")
        info = m.group("info").replace("{", " ").replace(":", " ").split()
        lang = info[0].lstrip(".").lower() if info else ""
        indent = len(lines[i]) - len(lines[i].lstrip())
        body: list[str] = []
        j = i + 1
        closed = False
        while j < len(lines):
            stripped = lines[j].strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                closed = True
                break
            line = lines[j][indent:] if lines[j][:indent].isspace() else lines[j]
            if line.rstrip().endswith(fence):  # "    return x```": the fence closes on the code's last line
                body.append(line.rstrip()[:-len(fence)])
                closed = True
                break
            body.append(line)
            j += 1
        blocks.append(_Block(lang, "\n".join(body).strip("\n"), closed))
        i = j + 1
    return blocks


_PARSE_LOCK = threading.Lock()
"""CPython 3.11's parser is not safe to run from several threads at once ("AST constructor recursion depth
mismatch"); the runner extracts code in worker threads."""


def _tree(code: str) -> ast.Module | None:
    try:
        with _PARSE_LOCK:
            return ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def defines(tree: ast.Module, name: str) -> bool:
    """Whether `name` is bound at the top level (def, class, assignment, import as)."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return True
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return True
        if isinstance(node, (ast.Import, ast.ImportFrom)) and any(
                (a.asname or a.name) == name for a in node.names):
            return True
    return False


def _call_name(node: ast.expr) -> str | None:
    if not isinstance(node, ast.Call):
        return None
    parts: list[str] = []
    func: ast.expr = node.func
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
        return ".".join(reversed(parts))
    return None


def _is_main_guard(node: ast.stmt) -> bool:
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    names = [node.test.left, *node.test.comparators]
    return any(isinstance(n, ast.Name) and n.id == "__name__" for n in names)


def _demo(node: ast.stmt, index: int, own: set[str]) -> bool:
    """Top-level statements that only demonstrate or test the code (calling its own functions, printing,
    asserting, a main guard), or would run a test runner or read input. `own`: the names the code defines."""
    if isinstance(node, ast.Assert) or _is_main_guard(node):
        return True
    if isinstance(node, ast.Expr):
        if index == 0 and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return False  # module docstring
        name = _call_name(node.value)
        return name is None or name in _DROP_CALLS or name.split(".")[0] in own
    return False


def clean(code: str) -> tuple[str, ast.Module | None]:
    """`code` without top-level demo statements (see `_demo`), and its syntax tree; unparsable code as is."""
    tree = _tree(code)
    if tree is None:
        return code, None
    lines = code.split("\n")
    kept: list[str] = []
    dropped = False
    own = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}
    for index, node in enumerate(tree.body):
        if _demo(node, index, own):
            dropped = True
            continue
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        end = node.end_lineno or node.lineno
        kept.append("\n".join(lines[first - 1:end]))
    if not dropped:
        return code, tree
    out = "\n\n".join(kept).strip("\n") + "\n" if kept else ""
    return out, _tree(out)


def _bare(text: str) -> str:
    """Code written without fences: from the first code-like line to the longest prefix that parses."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if _CODE_START.match(line)), None)
    if start is None:
        return ""
    body = lines[start:start + MAX_BARE_LINES]
    for end in range(len(body), 0, -1):
        if end < len(body) and body[end - 1].strip() == "":
            continue
        candidate = "\n".join(body[:end]).rstrip()
        if _tree(candidate) is not None:
            return candidate + "\n"
        if len(body) - end > 400:
            break
    return "\n".join(body).rstrip() + "\n"


def extract_code(answer: str, entry_point: str | None = None) -> Extracted:
    """The program in `answer` (see the module docstring); `entry_point` picks the right block."""
    text, _ = split_reasoning(answer[:MAX_ANSWER_CHARS].replace("\r\n", "\n").replace("\r", "\n"))
    blocks = fenced_blocks(text)
    python = [b for b in blocks if b.lang in PYTHON_LANGS and b.body.strip()]
    others = [b for b in blocks if b.lang not in PYTHON_LANGS and b.body.strip()]
    code, note = "", None
    source: Source = "none"
    parsed = {id(b): _tree(b.body) for b in python + others}

    def defining(group: list[_Block]) -> list[_Block]:
        return [b for b in group if entry_point and (t := parsed[id(b)]) is not None and defines(t, entry_point)]

    written = re.compile(rf"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+{re.escape(entry_point)}\b",
                         re.MULTILINE) if entry_point else None
    broken = [b for b in python if written is not None and parsed[id(b)] is None and written.search(b.body)]
    if chosen := (defining(python) or defining(others)):
        block = chosen[-1]  # a corrected second version comes after the first
        code, source = block.body, "fenced"
        if block.lang not in PYTHON_LANGS:
            note = f"taken from a block labelled {block.lang!r}"
        elif not block.closed:
            note = "the code block was not closed (answer cut off?)"
    elif broken:  # the entry point is written in a block that does not parse: hand that on, to fail as it is
        code, source = broken[-1].body, "fenced"
        note = "the block defining the entry point is not valid Python"
    elif python:
        usable = [b for b in python if parsed[id(b)] is not None] or python
        code, source = "\n\n".join(b.body for b in usable), "fenced"
        note = "no block defines the entry point; all Python blocks joined" if entry_point else None
    else:
        code = _bare(text)
        source = "bare" if code else "none"
    if not code.strip():
        return Extracted("", "none", len(blocks), False, False, "no code in the answer")
    code, tree = clean(code.rstrip() + "\n")
    found = tree is not None and entry_point is not None and defines(tree, entry_point)
    return Extracted(code, source, len(blocks), found, tree is not None, note)
