"""Configuration files as one small tree of mappings, sequences and scalars, each with its line.

YAML keeps its own marks (composed, never constructed); JSON and TOML are parsed by the standard
library and their lines found by searching the text in document order; INI files get a small parser
of our own. Every loader bounds its work: at most `MAX_NODES` nodes and `MAX_DEPTH` levels.
"""

from __future__ import annotations

import json
import re
import tomllib
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

import yaml

from upstream.detect import ParseError

MAX_NODES = 100_000
MAX_DEPTH = 64

try:
    _Loader: type[Any] = yaml.CSafeLoader  # the parser only: nothing is constructed from scanned files
except AttributeError:  # pragma: no cover - libyaml not built
    _Loader = yaml.SafeLoader


@dataclass(slots=True)
class Scalar:
    """A leaf value as text. `tag` is str/int/float/bool/null; `style` the YAML style ('|', '>', '"'...)."""

    value: str
    line: int
    end_line: int
    tag: str = "str"
    style: str | None = None


@dataclass(slots=True)
class Seq:
    items: list[Node]
    line: int


@dataclass(slots=True)
class Map:
    entries: list[tuple[str, int, Node]] = field(default_factory=list)  # (key, key line, value)
    line: int = 1

    def get(self, key: str) -> Node | None:
        for k, _, v in self.entries:
            if k == key:
                return v
        return None


Node = Scalar | Seq | Map


class _Budget:
    __slots__ = ("left",)

    def __init__(self) -> None:
        self.left = MAX_NODES

    def take(self) -> bool:
        self.left -= 1
        return self.left >= 0


# --------------------------------------------------------------------------- YAML

_YAML_TAGS = {
    "tag:yaml.org,2002:str": "str", "tag:yaml.org,2002:int": "int", "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:bool": "bool", "tag:yaml.org,2002:null": "null",
}
# YAML 1.1 implicit types of plain scalars (as PyYAML's resolver reads them).
_IMPLICIT = (
    ("null", re.compile(r"^(?:~|null|Null|NULL|)$")),
    ("bool", re.compile(r"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")),
    ("int", re.compile(r"^[-+]?(?:0b[0-1_]+|0[0-7_]+|(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+"
                       r"|[1-9][0-9_]*(?::[0-5]?[0-9])+)$")),
    ("float", re.compile(r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?"
                         r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")),
)


def _event_tag(event: yaml.ScalarEvent) -> str:
    if event.tag and event.tag != "!":
        return _YAML_TAGS.get(event.tag, "str")
    if event.style or not event.implicit[0]:
        return "str"
    return next((name for name, rx in _IMPLICIT if rx.match(event.value)), "str")


@dataclass(slots=True)
class _Frame:
    node: Map | Seq
    key: tuple[str, int, bool] | None = None  # a mapping's pending key: text, line, is `<<`
    merged: list[Node] = field(default_factory=list)


def load_yaml(text: str) -> list[Node]:
    """Every document of a YAML stream; raises ParseError for invalid YAML.

    Built from the parser's events (much faster than composing nodes), with anchors, aliases and
    `<<` merge keys resolved; stops reading after `MAX_NODES` nodes.
    """
    try:
        return _build(yaml.parse(text, Loader=_Loader))
    except yaml.YAMLError as exc:
        raise ParseError(f"invalid YAML: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None


def _build(events: Any) -> list[Node]:
    docs: list[Node] = []
    stack: list[_Frame] = []
    anchors: dict[str, Node] = {}
    budget = _Budget()

    def add(node: Node, merge_key: bool = False) -> None:
        if not stack:
            docs.append(node)
            return
        f = stack[-1]
        if isinstance(f.node, Seq):
            f.node.items.append(node)
        elif f.key is None:
            f.key = (node.value, node.line, merge_key) if isinstance(node, Scalar) else ("", node.line, False)
        else:
            key, kline, merge = f.key
            f.key = None
            if merge:
                f.merged.append(node)
            else:
                f.node.entries.append((key, kline, node))

    for ev in events:
        if isinstance(ev, yaml.ScalarEvent | yaml.AliasEvent | yaml.CollectionStartEvent) and not budget.take():
            break
        start = ev.start_mark.line + 1 if ev.start_mark else 1
        if isinstance(ev, yaml.ScalarEvent):
            end = ev.end_mark.line + 1 if ev.end_mark else start
            node: Node = Scalar(ev.value, start, end, _event_tag(ev), ev.style or None)
            add(node, merge_key=ev.value == "<<" and not ev.style and ev.implicit[0])
        elif isinstance(ev, yaml.AliasEvent):
            if ev.anchor not in anchors:
                raise ParseError(f"invalid YAML: found undefined alias {ev.anchor!r}")
            add(anchors[ev.anchor])
            continue
        elif isinstance(ev, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            node = Map([], start) if isinstance(ev, yaml.MappingStartEvent) else Seq([], start)
            add(node)
            stack.append(_Frame(node))
        elif isinstance(ev, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            done = stack.pop()
            if isinstance(done.node, Map) and done.merged:
                _merge(done.node, done.merged)
            continue
        else:
            continue
        anchor = getattr(ev, "anchor", None)
        if anchor:
            anchors[anchor] = node
    return docs


def _merge(m: Map, merged: list[Node]) -> None:
    own = {k for k, _, _ in m.entries}
    sources = [c for n in merged for c in ([n] if isinstance(n, Map) else n.items if isinstance(n, Seq) else [])]
    for src in sources:
        if isinstance(src, Map) and src is not m:
            m.entries.extend([e for e in src.entries if e[0] not in own])


# --------------------------------------------------------------------------- JSON and TOML

_WINDOW = 1 << 16  # how far ahead a key or value is looked for (bounds the work on large documents)


class _Locator:
    """Finds the line of keys and values in document order, with a cursor that only moves forward."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.pos = 0

    def line_at(self, pos: int) -> int:
        return bisect_right(self.starts, pos)

    def find(self, needle: str, move: bool = True) -> int:
        if not needle:
            return self.line_at(self.pos)
        i = self.text.find(needle, self.pos, self.pos + _WINDOW)
        if i < 0:
            return self.line_at(self.pos)
        if move:
            self.pos = i
        return self.line_at(i)


def _scalar_tag(v: object) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    return "str"


def _from_obj(obj: object, loc: _Locator, quote: bool, budget: _Budget, depth: int, line: int) -> Node:
    if depth > MAX_DEPTH or not budget.take():
        return Scalar("", line, line, "null")
    if isinstance(obj, dict):
        m = Map([], line)
        for k, v in obj.items():
            key = str(k)
            kline = loc.find(json.dumps(key, ensure_ascii=False) if quote else key)
            m.entries.append((key, kline, _from_obj(v, loc, quote, budget, depth + 1, kline)))
        return m
    if isinstance(obj, list):
        return Seq([_from_obj(v, loc, quote, budget, depth + 1, line) for v in obj], line)
    if isinstance(obj, str):
        needle = json.dumps(obj, ensure_ascii=False) if quote else obj
        vline = loc.find(needle) if len(obj) < 500 else line
        return Scalar(obj, vline, vline + obj.count("\n"), "str")
    if obj is None:
        return Scalar("", line, line, "null")
    value = ("true" if obj else "false") if isinstance(obj, bool) else str(obj)
    return Scalar(value, line, line, _scalar_tag(obj))


_JSONC_COMMENT_RE = re.compile(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/', re.S)
_JSONC_COMMA_RE = re.compile(r'"(?:\\.|[^"\\])*"|,(?=\s*[}\]])', re.S)


def _blank(m: re.Match[str]) -> str:
    s = m.group(0)
    return s if s.startswith('"') else re.sub(r"[^\n]", " ", s)  # keep line numbers


def _strip_jsonc(text: str) -> str:
    """JSON with comments and trailing commas (VS Code, devcontainer) as plain JSON, lines kept."""
    return _JSONC_COMMA_RE.sub(_blank, _JSONC_COMMENT_RE.sub(_blank, text))


def load_json(text: str) -> Node:
    """A JSON (or JSON-with-comments) document; raises ParseError when it is neither."""
    try:
        obj = json.loads(text)
    except ValueError:
        try:
            obj = json.loads(_strip_jsonc(text))
        except ValueError as exc:
            raise ParseError(f"invalid JSON: {exc}") from None
    except RecursionError:
        raise ParseError("JSON nested too deeply") from None
    return _from_obj(obj, _Locator(text), True, _Budget(), 0, 1)


def load_toml(text: str) -> Node:
    """A TOML document; raises ParseError for invalid TOML."""
    try:
        obj = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ParseError(f"invalid TOML: {exc}") from None
    except RecursionError:
        raise ParseError("TOML nested too deeply") from None
    return _from_obj(obj, _Locator(text), False, _Budget(), 0, 1)


# --------------------------------------------------------------------------- INI

_SECTION_RE = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(?:[;#].*)?$")
_PAIR_RE = re.compile(r"^([^=:\s][^=:]*?)\s*(?:=|:)\s*(.*)$")
_PAIR_SPACE_RE = re.compile(r"^([A-Za-z_][\w.-]*)\s+(\S.*)$")


def _ini_value(raw: str) -> str:
    v = raw.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    for marker in (" ;", " #", "\t;", "\t#"):
        cut = v.find(marker)
        if cut >= 0:
            v = v[:cut].rstrip()
    return v


def load_ini(text: str, strict: bool) -> Node:
    """An INI/cfg file as a mapping of sections (keys before any section sit at the top).

    Section names keep their dots (`[llm.openai]`); continuation lines extend the previous value.
    With `strict`, a line that is neither a section, a pair, a comment nor a continuation raises
    ParseError; otherwise such lines are ignored (many `.conf` files are not INI at all).
    """
    root = Map([], 1)
    current = root
    last: tuple[Map, int] | None = None
    budget = _Budget()
    for n, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped[0] in "#;":
            continue
        if raw[0] in " \t" and last is not None:
            sect, idx = last
            old = sect.entries[idx][2]
            if isinstance(old, Scalar):
                old.value = f"{old.value}\n{stripped}" if old.value else stripped
                old.end_line = n
            continue
        if not budget.take():
            break
        m = _SECTION_RE.match(raw)
        if m:
            current = Map([], n)
            root.entries.append((m.group(1).strip().strip('"'), n, current))
            last = None
            continue
        p = _PAIR_RE.match(stripped) or _PAIR_SPACE_RE.match(stripped)
        if p and not p.group(1).startswith(("[", "{", "<")):
            current.entries.append((p.group(1).strip(), n, Scalar(_ini_value(p.group(2)), n, n, "str")))
            last = (current, len(current.entries) - 1)
            continue
        if strict:
            raise ParseError(f"invalid INI at line {n}")
        last = None
    return root
