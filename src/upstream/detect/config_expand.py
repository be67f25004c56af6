"""Shell parameter expansion in text a script writes or sends (heredoc bodies, curl JSON bodies).

`expand` replaces `${VAR}`, `${VAR:-default}`, `$VAR`, `$1`, `$(cmd)` and backquotes so that the
text parses in its own format: a variable the script assigned gets its value, a default its
default, and anything else a placeholder that can never pass for a model (`${VAR}` inside a
string, `0` where JSON or TOML expect a value). Which lines took a script variable's value is
returned too, so that a model found there can be reported at the variable's literal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from upstream.detect import Detection
from upstream.detect.config_args import Assignment
from upstream.evidence import Related

Format = Literal["json", "toml", "yaml", "raw"]

_BRACED_RE = re.compile(r"\$\{(#?)([A-Za-z_]\w*|\d+|[@*#?!$-])(?:\[[^\]]*\])?(?:(:?[-=+?]|##?|%%?|/)([^}]*))?\}")
_NAME_RE = re.compile(r"\$([A-Za-z_]\w*|\d|[@*#?!$-])")
_JSON_LITERAL_RE = re.compile(r"^(?:-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null)$")
_MAX_SUBST = 10_000


@dataclass(slots=True)
class Expanded:
    """The text after expansion, and the script variables whose values went into each line."""

    text: str
    used: dict[int, list[tuple[str, Assignment]]] = field(default_factory=dict)


def _closing(text: str, i: int, open_: str, close: str) -> int:
    """Index just past the bracket closing the one opened at `i` (or -1)."""
    depth = 0
    for j in range(i, min(len(text), i + 4000)):
        c = text[j]
        if c == open_:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return j + 1
    return -1


def _expansion(text: str, i: int) -> tuple[int, str | None, str | None, str | None]:
    """(end, variable name, operator, operand) of the expansion starting at `i`; end -1 if none."""
    if text[i] == "`":
        j = text.find("`", i + 1)
        return (j + 1 if j > 0 else -1), None, None, None
    if text.startswith("$((", i):
        j = text.find("))", i)
        return (j + 2 if j > 0 else -1), None, None, None
    if text.startswith("$(", i):
        return _closing(text, i + 1, "(", ")"), None, None, None
    m = _BRACED_RE.match(text, i)
    if m:
        if m.group(1):  # ${#VAR}: a length
            return m.end(), None, None, None
        return m.end(), m.group(2), m.group(3), m.group(4)
    if text.startswith("${", i):
        return _closing(text, i + 1, "{", "}"), None, None, None
    m = _NAME_RE.match(text, i)
    if m:
        return m.end(), m.group(1), None, None
    return -1, None, None, None


def expand(text: str, variables: Mapping[str, Assignment], fmt: Format, first_line: int = 1) -> Expanded:
    """`text` with its shell expansions replaced (see the module docstring); `first_line` numbers its lines."""
    out: list[str] = []
    result = Expanded("")
    quote = ""  # the JSON/TOML string being read, if any
    line = first_line
    i = 0
    n = len(text)
    count = 0
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            quote = ""
        elif c == "\\" and i + 1 < n:
            if text[i + 1] == "$":  # `\$VAR`: written as is, expanded (if ever) by whoever reads the file
                i += 1
                continue
            if quote and fmt == "json":
                out.append(text[i:i + 2])
                i += 2
                continue
        elif fmt in ("json", "toml") and c in ("\"'" if fmt == "toml" else '"') and (not quote or c == quote):
            quote = "" if quote else c
        elif c in "$`" and count < _MAX_SUBST:
            end, name, op, word = _expansion(text, i)
            if end > i:
                count += 1
                out.append(_replacement(name, op, word, variables, fmt, quote, line, result))
                line += text.count("\n", i, end)
                i = end
                continue
        out.append(c)
        i += 1
    result.text = "".join(out)
    return result


def _replacement(name: str | None, op: str | None, word: str | None, variables: Mapping[str, Assignment],
                 fmt: Format, quote: str, line: int, result: Expanded) -> str:
    value: str | None = None
    a = variables.get(name) if name else None
    if a is not None and op not in ("+", ":+"):
        value = a.value
        result.used.setdefault(line, []).append((name or "", a))
    elif op in ("-", ":-", "=", ":=") and word is not None and "$" not in word and "`" not in word:
        value = word.strip().strip("\"'")
    if value is None:
        placeholder = "${" + (name if name and (name[0].isalpha() or name[0] == "_") else "_") + "}"
        if fmt in ("json", "toml") and not quote:
            return "0"
        return placeholder
    if fmt in ("json", "toml"):
        if quote:
            return json.dumps(value)[1:-1] if quote == '"' else value.replace("'", "")
        return value if _JSON_LITERAL_RE.match(value) else json.dumps(value)
    return value


def unresolved(value: str) -> bool:
    """A value still holding a shell expansion (`$1`, `${MODEL}`, `$(cat f)`): not a model id."""
    return "$" in value or "`" in value


def relocate(found: list[Detection], ex: Expanded, lines: Sequence[str], target: str) -> list[Detection]:
    """A model whose value came whole from a script variable is reported at that variable's literal,
    with the place it was written to (`target`) as related evidence."""
    out: list[Detection] = []
    for d in found:
        used = ex.used.get(d.line, [])
        a = next((a for _, a in used if a.value.strip() == d.value), None)
        if d.subject == "model" and a is not None:
            note = f"written into {target}" if target else "used here"
            snippet = a.snippet or (lines[a.line - 1] if 0 < a.line <= len(lines) else "")
            d = replace(d, line=a.line, snippet=snippet, related=(Related(d.line, note), *d.related))
        out.append(d)
    return out
