"""Shell-like scripts line by line: assignments, continuations, heredocs, and the commands they run.

`scan_script` serves shell scripts, Makefile recipes, Dockerfile `RUN` lines, CI `run:` steps and
notebook `!` lines. Variables assigned in the script (`MODEL=${MODEL:-Qwen/Qwen2.5-7B}`) are
resolved where commands use them and reported at the literal; upper-case settings that name a
model (`export OPENAI_MODEL=gpt-4o`) are reported even when no command in the script uses them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Literal, NamedTuple

from upstream.detect import Detection
from upstream.detect.config_commands import Assignment, detect_command_line, split_words, strip_comment
from upstream.detect.config_env import EnvVar, env_detections
from upstream.detect.config_heredoc import Heredoc, heredocs_in, scan_heredoc
from upstream.detect.config_keys import dedupe, unwrap
from upstream.evidence import EvidenceKind

Dialect = Literal["sh", "make", "bat"]

_SH_ASSIGN_RE = re.compile(
    r"^(?:export\s+|local\s+|readonly\s+|declare(?:\s+-\w+)*\s+|typeset\s+)?([A-Za-z_]\w*)=(.*)$"
)
_DEFAULT_ASSIGN_RE = re.compile(r"^:\s+\"?\$\{([A-Za-z_]\w*):?=([^}]*)\}\"?\s*$")
_MAKE_ASSIGN_RE = re.compile(r"^(?:export\s+|override\s+)?([A-Za-z_][\w.]*)\s*(?:\?=|:=|::=|=)\s*(.*)$")
_BAT_ASSIGN_RE = re.compile(r"^set\s+\"?([A-Za-z_]\w*)=([^\"]*)\"?\s*$", re.I)
_PS_ASSIGN_RE = re.compile(r"^\$(?:env:)?([A-Za-z_]\w*)\s*=\s*[\"']?([^\"']*)[\"']?\s*$", re.I)
_MAKE_REF_RE = re.compile(r"\$[({]([A-Za-z_][\w.]*)[)}]")
_BAT_REF_RE = re.compile(r"%([A-Za-z_]\w*)%")
_PS_REF_RE = re.compile(r"\$env:([A-Za-z_]\w*)", re.I)
_PS_CAPTURE_RE = re.compile(r"^\$[A-Za-z_][\w:]*\s*=\s*(?=[A-Za-z])")  # `$reply = Invoke-RestMethod ...`
MAX_LINES = 20_000


def _literal(raw: str) -> str | None:
    v = raw.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        v = v[1:-1]
    if v.startswith("${"):
        value = unwrap(v)
        return value if value and "$" not in value else None
    if "$" in v or "`" in v or not v:
        return None
    return v


class LogicalLine(NamedTuple):
    """One command line: its first line, its text, the line of each joined piece, the heredocs it opens."""

    start: int
    text: str
    pieces: list[int]
    heredocs: list[Heredoc]


_MAX_QUOTED_LINES = 200  # a quote left open longer than this is a stray one, not a multi-line argument


def logical_lines(text: str, first_line: int = 1, continuation: str = "\\", quotes: bool = False,
                  ) -> list[LogicalLine]:
    """Every logical line: `\\`-continued lines joined with a blank, and with `quotes`, lines inside a
    quoted argument (`-d '{` ... `}'`) joined with a newline. Heredoc bodies are not lines of their
    own: they are collected into the heredocs of the line that opens them."""
    out: list[LogicalLine] = []
    pending: list[tuple[int, str, str]] = []  # (line, text, how it joins the next: "q" newline, "c" blank)
    raw_lines = text.splitlines()[:MAX_LINES]
    waiting: list[Heredoc] = []  # heredocs whose bodies come next
    quote = ""
    plain_until = 0  # after a stray quote, lines before this index are read without quote tracking
    i = 0
    while i < len(raw_lines):
        raw = raw_lines[i]
        n = first_line + i
        i += 1
        if waiting:
            doc = waiting[0]
            if raw.strip() == doc.delimiter:
                waiting.pop(0)
            elif len(doc.body) < MAX_LINES:
                doc.body.append((n, raw))
            continue
        stripped = raw.rstrip()
        if quotes and i > plain_until:
            quote = _open_quote(stripped, quote)
            if quote and len(pending) < _MAX_QUOTED_LINES and i < len(raw_lines):
                if stripped.endswith(continuation) and not stripped.endswith(continuation * 2):
                    stripped = stripped[: -len(continuation)]  # a continuation inside "..." (or a Dockerfile)
                pending.append((n, stripped, "q"))
                continue
            if quote:  # a stray quote, never closed: read these lines again, each on its own
                plain_until = i
                i = (pending[0][0] if pending else n) - first_line
                pending = []
                quote = ""
                continue
        if stripped.endswith(continuation) and not stripped.endswith(continuation * 2) and not _comment_only(
                stripped):
            pending.append((n, stripped[: -len(continuation)], "c"))
            continue
        pending.append((n, stripped, ""))
        joined = _join(pending)
        docs = heredocs_in(strip_comment(joined), pending[0][0]) if "<<" in joined else []
        out.append(LogicalLine(pending[0][0], joined, [p[0] for p in pending], docs))
        waiting.extend(docs)
        pending = []
    if pending:
        out.append(LogicalLine(pending[0][0], _join(pending), [p[0] for p in pending], []))
    return out


def _join(pending: list[tuple[int, str, str]]) -> str:
    """Pieces joined: after a piece inside an open quote with a newline, after a continuation with a blank."""
    parts: list[str] = []
    for k, (_, text, how) in enumerate(pending):
        parts.append(text)
        if k < len(pending) - 1:
            parts.append("\n" if how == "q" else " ")
    return "".join(parts)


def _comment_only(text: str) -> bool:
    return text.lstrip().startswith("#")


def _open_quote(text: str, quote: str) -> str:
    """The quote still open at the end of `text` when `quote` was open at its start (shell rules)."""
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if quote == "'":
            if c == "'":
                quote = ""
        elif quote == "$'":  # ANSI-C quoting: backslash escapes, `\'` included
            if c == "\\":
                i += 1
            elif c == "'":
                quote = ""
        elif quote == '"':
            if c == "\\":
                i += 1
            elif c == '"':
                quote = ""
        elif c == "\\":
            i += 1
        elif c == "$" and text[i + 1:i + 2] == "'":
            quote = "$'"
            i += 1
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or text[i - 1] in " \t;|&("):
            break
        i += 1
    return quote


def _token_lines(words: list[str], pieces: list[int], lines_text: Sequence[str], first: int) -> list[int]:
    if len(pieces) == 1:
        return [pieces[0]] * len(words)
    out: list[int] = []
    k = 0
    for w in words:
        head = w.split("\n", 1)[0]
        j = k
        while j < len(pieces) and head not in _line(lines_text, pieces[j], first):
            j += 1
        if j < len(pieces):
            k = j
        out.append(pieces[k])
        k = min(k + w.count("\n"), len(pieces) - 1)  # a quoted word over several lines ends further down
    return out


def _line(lines_text: Sequence[str], n: int, first: int) -> str:
    idx = n - first
    return lines_text[idx] if 0 <= idx < len(lines_text) else ""


def scan_script(
    text: str, *, first_line: int = 1, kind: EvidenceKind = "config", detector: str = "shell",
    lines: Sequence[str] | None = None, variables: Mapping[str, Assignment] | None = None,
    dialect: Dialect = "sh", snippet: str = "", image: str | None = None, depth: int = 0,
) -> list[Detection]:
    """Model references in a script whose first line is `first_line` of its file.

    `lines` are the file's lines (for snippets; line n is `lines[n - 1]`); without them each
    detection carries the script's own line, or `snippet`. `variables` seeds the assignments
    (Dockerfile ARG/ENV, Makefile variables). `image` hands each command to a container image.
    Heredoc bodies are read in the format of what they are written to (`config_heredoc`); `depth`
    counts the heredocs this script is nested in.
    """
    own = text.splitlines()
    file_lines = lines if lines is not None else ([""] * (first_line - 1) + own)
    known: dict[str, Assignment] = dict(variables or {})
    lists: dict[str, list[Assignment]] = {}  # bash arrays: MODELS=(llama3 mistral)
    loops: list[tuple[str, list[Assignment]]] = []  # enclosing `for NAME in ...` loops
    array: str | None = None  # a multi-line array being read
    env: list[EnvVar] = []
    found: list[Detection] = []
    for start, joined, pieces, docs in logical_lines(text, first_line, quotes=dialect == "sh"):
        if docs:
            words_all = split_words(joined.strip())
            for doc in docs:
                found.extend(scan_heredoc(doc, lines=file_lines, variables=known, words=words_all, kind=kind,
                                          detector=detector, depth=depth))
        body = joined.strip()
        if not body or body.startswith("#") or (dialect == "bat" and body.lower().startswith(("rem ", "::"))):
            continue
        if dialect == "make":
            if not joined.startswith("\t"):
                m = _MAKE_ASSIGN_RE.match(body.split("#", 1)[0].rstrip())
                if m and not body.startswith(("ifeq", "ifneq", "ifdef", "define")):
                    record_assignment(m.group(1), m.group(2), start, file_lines, known, env)
                continue
            body = _MAKE_REF_RE.sub(r"${\1}", body.lstrip("@-+ \t")).replace("$$", "$")
        elif dialect == "bat":
            bare = strip_comment(body).rstrip()
            m = _BAT_ASSIGN_RE.match(bare) or _PS_ASSIGN_RE.match(bare)
            if m:
                record_assignment(m.group(1), m.group(2), start, file_lines, known, env)
                continue
            body = _PS_REF_RE.sub(r"${\1}", _BAT_REF_RE.sub(r"${\1}", _PS_CAPTURE_RE.sub("", body)))
        else:
            m = _DEFAULT_ASSIGN_RE.match(body)
            if m:
                record_assignment(m.group(1), m.group(2), start, file_lines, known, env)
                continue
        if array is not None:
            array = _array_items(array, body, start, file_lines, lists)
            continue
        arr = _ARRAY_RE.match(body) if dialect == "sh" else None
        if arr:
            lists[arr.group(1)] = []
            array = arr.group(1)
            array = _array_items(array, arr.group(2), start, file_lines, lists)
            continue
        words = split_words(body)
        if dialect == "sh" and words and _all_assignments(words):
            for w in words:
                if "=" in w:
                    k, _, v = w.partition("=")
                    record_assignment(k, v, start, file_lines, known, env)
            continue
        snip = _line(file_lines, start, 1) or snippet
        tlines = _token_lines(words, pieces, file_lines, 1)
        for seg, seg_lines, bindings in _segments(words, tlines, loops, lists, start, snip):
            for binding in bindings:
                found.extend(detect_command_line(
                    seg, start, token_lines=seg_lines, kind=kind, detector=detector, snippet=snip,
                    lines=file_lines, variables={**known, **binding}, image=image,
                ))
    if env:
        found.extend(env_detections(env, kind=kind, detector=detector))
    return dedupe(found)


_ARRAY_RE = re.compile(r"^(?:declare\s+-a\s+|local\s+|readonly\s+)?([A-Za-z_]\w*)=\((.*)$")
_LIST_REF_RE = re.compile(r"^\$\{([A-Za-z_]\w*)\[[@*]\]\}$|^\$\{?([A-Za-z_]\w*)\}?$")
_KEYWORDS = frozenset({"then", "else", "elif", "if", "while", "until", "!", "do", "{", "}"})


def _array_items(name: str, text: str, line: int, file_lines: Sequence[str],
                 lists: dict[str, list[Assignment]]) -> str | None:
    """Read the items of a bash array on this line; the array's name while it continues, None once closed."""
    closed = ")" in strip_comment(text)
    body = strip_comment(text).split(")", 1)[0]
    for w in split_words(body):
        if w and "$" not in w:
            lists[name].append(Assignment(w, line, _line(file_lines, line, 1)))
    return None if closed else name


def _segments(words: list[str], tlines: list[int], loops: list[tuple[str, list[Assignment]]],
              lists: dict[str, list[Assignment]], line: int, snip: str,
              ) -> list[tuple[list[str], list[int], list[dict[str, Assignment]]]]:
    """The commands of one line split at `;` with the loop bindings each runs under; `for` headers,
    `do`/`done` and `if`/`then` are handled here."""
    out: list[tuple[list[str], list[int], list[dict[str, Assignment]]]] = []
    seg: list[str] = []
    seg_lines: list[int] = []
    for w, n in [*zip(words, tlines, strict=True), (";", line)]:
        if w != ";":
            seg.append(w)
            seg_lines.append(n)
            continue
        while seg and seg[0] in _KEYWORDS:
            seg, seg_lines = seg[1:], seg_lines[1:]
        if seg and seg[0] == "for" and len(seg) >= 3 and seg[2] == "in":
            loops.append((seg[1], _loop_values(seg[3:], lists, line, snip)))
        elif seg and seg[0] == "done":
            if loops:
                loops.pop()
        elif seg:
            out.append((seg, seg_lines, _bindings(seg, loops)))
        seg, seg_lines = [], []
    return out


def _loop_values(words: list[str], lists: dict[str, list[Assignment]], line: int, snip: str) -> list[Assignment]:
    values: list[Assignment] = []
    for w in words:
        ref = _LIST_REF_RE.match(w)
        if ref:
            values.extend(lists.get(ref.group(1) or ref.group(2), []))
        elif "$" not in w and "*" not in w:
            values.append(Assignment(w, line, snip))
    return values


def _bindings(seg: list[str], loops: list[tuple[str, list[Assignment]]]) -> list[dict[str, Assignment]]:
    """One variable binding per value of the innermost loop variable the command uses (or one, empty)."""
    for name, values in reversed(loops):
        if values and any(f"${name}" in w or f"${{{name}}}" in w for w in seg):
            return [{name: v} for v in values[:50]]
    return [{}]


def _all_assignments(words: list[str]) -> bool:
    rest = words[1:] if words[0] in ("export", "local", "readonly", "declare", "typeset") else words
    rest = [w for w in rest if not w.startswith("-")]
    return bool(rest) and all(_SH_ASSIGN_RE.match(w) for w in rest)


def record_assignment(name: str, raw: str, line: int, file_lines: Sequence[str], known: dict[str, Assignment],
                      env: list[EnvVar]) -> None:
    """Remember `name=raw` (its literal, or the variable it copies); upper-case literals also go to `env`."""
    value = _literal(raw)
    if value is None:
        ref = re.fullmatch(r"\"?\$\{?([A-Za-z_]\w*)\}?\"?", raw.strip())
        prior = known.get(ref.group(1)) if ref else None
        if prior is not None:
            known[name] = prior
        return
    snip = _line(file_lines, line, 1)
    known[name] = Assignment(value, line, snip)
    if name.isupper():
        env.append(EnvVar(name, value, line, snip))
