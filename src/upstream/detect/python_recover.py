"""What can still be read from a Python file the 3.11 parser rejects.

A Python 3.12 statement (`type X = ...`), a merge-conflict marker or one pathological line should not
lose every reference in the file. The lines the parser rejects are set aside (first the bad line alone,
replaced by `pass`; then, if that is not enough, the top-level block around it) and the rest is analysed
as usual. The lines set aside are read token by token for high-signal references only: a string handed
to `from_pretrained`, to the model argument of a known API, or kept under a model-named keyword or
variable, reported at lower confidence (medium for a known API, low otherwise).
"""

from __future__ import annotations

import ast
import io
import re
import textwrap
import tokenize
import warnings
from collections.abc import Callable
from dataclasses import dataclass

from upstream.detect import Detection
from upstream.detect.identifiers import has_family, is_model_file, is_plausible, looks_like_path
from upstream.detect.python_catalog import API_SHAPES, FROM_PRETRAINED_KW, Api, lookup, module_api
from upstream.detect.python_keyed import is_model_key
from upstream.evidence import Confidence, Hub

MAX_RETRIES = 12
MAX_TOKENS = 200_000
NOTE = "token-level fallback: the file does not parse as Python 3.11"
_TOP_LEVEL = re.compile(r"[A-Za-z_@]")
_STRING_PREFIX = re.compile(r"^(?i:[ru]?)(?:'''|\"\"\"|'|\")")

Analyze = Callable[[ast.Module, list[str]], list[Detection]]


@dataclass(frozen=True, slots=True)
class _Found:
    line: int
    column: int
    value: str
    confidence: Confidence
    provider: str | None
    hub: Hub | None


def recover(source: str, analyze: Analyze, detector: str = "python") -> list[Detection]:
    """References in a file that does not parse: the parseable rest analysed, the rejected lines tokenised."""
    lines = source.splitlines()
    work = list(lines)
    spans: list[tuple[int, int]] = []
    tree: ast.Module | None = None
    tried: set[int] = set()
    for _ in range(MAX_RETRIES if len(source) < 200_000 else 3):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse("\n".join(work))
            break
        except SyntaxError as exc:
            bad = (exc.lineno or 0) - 1
            if not 0 <= bad < len(work):
                break
            if bad not in tried and not work[bad].rstrip().endswith(("\\", "(", "[", "{", ",")):
                tried.add(bad)
                indent = work[bad][:len(work[bad]) - len(work[bad].lstrip())]
                work[bad] = indent + "pass"
                spans.append((bad, bad + 1))
                continue
            start, end = _block(work, bad)
            if all(not work[i].strip() for i in range(start, end)):
                break
            work[start:end] = [""] * (end - start)
            spans.append((start, end))
        except (ValueError, MemoryError, OverflowError, RecursionError):
            break
    out = analyze(tree, lines) if tree is not None else []
    if tree is None:
        spans = [(0, len(lines))]
    seen = {(d.line, d.value) for d in out}
    for start, end in _merged(spans):
        for f in _scan(lines, start, end):
            if (f.line, f.value) in seen:
                continue
            seen.add((f.line, f.value))
            out.append(Detection(subject="model", value=f.value, line=f.line, column=f.column, kind="code",
                                 confidence=f.confidence, detector=detector, snippet=lines[f.line - 1],
                                 provider=f.provider, hub=f.hub, note=NOTE))
    out.sort(key=lambda d: (d.line, d.column or 0, d.subject))
    return out


def _block(lines: list[str], bad: int) -> tuple[int, int]:
    """The top-level statement around line `bad` (0-based): from the last line starting at column 0 to the next."""
    start = bad
    while start > 0 and not _TOP_LEVEL.match(lines[start]):
        start -= 1
    end = bad + 1
    while end < len(lines) and not _TOP_LEVEL.match(lines[end]):
        end += 1
    return start, end


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


# --------------------------------------------------------------------------- token scan


@dataclass(slots=True)
class _Call:
    callee: str | None  # dotted name before the bracket (`client.chat.completions.create`), None for [ and {
    arg: int = 0  # index of the positional argument being read
    at_start: bool = True  # nothing read yet in this argument


def _scan(lines: list[str], start: int, end: int) -> list[_Found]:
    text = textwrap.dedent("\n".join(lines[start:end])) + "\n"
    out: list[_Found] = []
    stack: list[_Call] = []
    chain: list[str] = []
    prev: list[tokenize.TokenInfo] = []  # the last significant tokens
    pending: tuple[str, str | None] | None = None  # (keyword or variable, callee) awaiting its string
    try:
        for n, tok in enumerate(tokenize.generate_tokens(io.StringIO(text).readline)):
            if n > MAX_TOKENS:
                break
            kind, s = tok.type, tok.string
            if kind in (tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING):
                continue
            top = stack[-1] if stack else None
            if kind == tokenize.STRING:
                value = _string(s)
                row = start + tok.start[0] - 1
                if value is not None and 0 <= row < len(lines):
                    if pending is not None:
                        found = _classify(pending[0], pending[1], value)
                    elif top is not None and top.callee and top.at_start and top.arg == 0:
                        found = _classify(None, top.callee, value)
                    else:
                        found = None
                    if found is not None:
                        col = lines[row].find(s[:40]) + 1 or tok.start[1] + 1
                        out.append(_Found(row + 1, col, value, *found))
                pending = None
            elif kind == tokenize.NAME:
                chain = [*chain, s] if prev and prev[-1].string == "." and chain else [s]
                pending = None
            elif kind == tokenize.OP:
                pending = _op(s, stack, chain, prev, top)
                if s == "(":
                    stack.append(_Call(".".join(chain) if chain else None))
                elif s in "[{":
                    stack.append(_Call(None))
                if s in ")]}":
                    if stack:
                        stack.pop()
                    chain = ["<call>"] if s == ")" else []
                elif s != ".":
                    chain = []
            else:
                chain, pending = [], None
                if kind == tokenize.NEWLINE:
                    stack.clear()
            if top is not None and s not in (",", "(") and kind != tokenize.NEWLINE:
                top.at_start = False
            prev = [*prev[-2:], tok]
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass
    return out


def _op(s: str, stack: list[_Call], chain: list[str], prev: list[tokenize.TokenInfo],
        top: _Call | None) -> tuple[str, str | None] | None:
    """After `NAME =`: the keyword (in a call) or variable it names, awaiting the string that follows."""
    if s == "," and top is not None:
        top.arg += 1
        top.at_start = True
        return None
    if s != "=" or not prev or prev[-1].type != tokenize.NAME:
        return None
    name = prev[-1].string
    before = prev[-2].string if len(prev) > 1 else ""
    if top is not None and top.callee and before in ("(", ","):
        return name, top.callee
    if not stack:
        return name, None
    return None


def _string(token: str) -> str | None:
    """The text of a plain string literal token (no f-, b- strings, no escapes), without evaluating anything."""
    m = _STRING_PREFIX.match(token)
    if m is None:
        return None
    quote = m.group(0).lstrip("rRuU")
    body = token[m.end():len(token) - len(quote)]
    if "\\" in body or "\n" in body or not body.strip():
        return None
    return body


def _classify(key: str | None, callee: str | None, value: str) -> tuple[Confidence, str | None, Hub | None] | None:
    api, kws = _api(callee) if callee else (None, ())
    if api is not None and ((key is None and api.model_pos == 0) or (key is not None and key in kws)):
        hub = api.hub
        if hub == "huggingface" and (looks_like_path(value) or is_model_file(value)):
            hub = "file"
        if is_plausible(value, "strong") and (hub != "huggingface" or "/" in value or "-" in value):
            return "medium", api.provider, hub
        return None
    if key is not None and is_model_key(key) and is_plausible(value, "keyed") and (
            has_family(value) or is_model_file(value)):
        return "low", None, None
    return None


def _api(callee: str) -> tuple[Api | None, tuple[str, ...]]:
    """The catalog entry a dotted callee names, as far as names alone can tell, with its model keywords."""
    parts = callee.split(".")
    last = parts[-1]
    if last in ("from_pretrained", "from_single_file"):
        return Api("transformers", hub="huggingface", model_pos=0), FROM_PRETRAINED_KW
    if len(parts) == 1:
        api = lookup(f"?.{last}")
    elif parts[0] == "<call>" or not parts[0].islower():
        api = None
    else:
        api = lookup(callee) or (module_api(callee) or (None, None))[1]
    if api is not None:
        return api, api.model_kw
    if any(tuple(parts[-len(shape):]) == shape for shape in API_SHAPES):
        return Api(None, model_pos=None), ("model",)
    return None, ()
