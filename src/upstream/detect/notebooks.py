"""Model references in Jupyter notebooks: code cells as Python, shell lines as commands, markdown as docs.

All code cells are analysed as one module (imports and clients flow from cell to cell); IPython
magics are blanked in place so line numbers hold, and a cell that is not valid Python is left out
rather than failing the notebook. Detections carry the cell index and the line within the cell.
Outputs are never read.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from upstream.detect import Detection, FileInput, ParseError, Screen
from upstream.detect.python_code import analyze_tree, parse
from upstream.detect.python_prefilter import worth_parsing
from upstream.evidence import Related

_PY_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "memit", "cache", "markdown_off"})
_SHELL_CELL_MAGICS = frozenset({"bash", "sh", "script", "shell", "system"})
_ASSIGN_MAGIC = re.compile(r"^(\s*[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*)[!%]")
_LINE_MAGIC = re.compile(r"^%%?[A-Za-z_]")
_HELP = re.compile(r"^\s*(?:\?{1,2}[\w.]+|[\w.]+\?{1,2})\s*$")
_MAX_RETRIES = 64


@dataclass(slots=True)
class _Code:
    lines: list[str] = field(default_factory=list)
    where: list[tuple[int, int]] = field(default_factory=list)  # combined line -> (cell, line in cell)
    shell: list[tuple[int, int, str, str]] = field(default_factory=list)  # cell, line, command, raw line


def _source(cell: dict[str, Any]) -> str:
    src = cell.get("source", cell.get("input", ""))
    if isinstance(src, list):
        return "".join(s for s in src if isinstance(s, str))
    return src if isinstance(src, str) else ""


def _cells(nb: Any) -> list[dict[str, Any]]:
    if not isinstance(nb, dict):
        raise ParseError("not a notebook: top level is not an object")
    cells = nb.get("cells")
    if cells is None and isinstance(nb.get("worksheets"), list):  # nbformat 3
        cells = [c for ws in nb["worksheets"] if isinstance(ws, dict) for c in ws.get("cells", [])]
    if not isinstance(cells, list):
        raise ParseError("not a notebook: no cells")
    return [c if isinstance(c, dict) else {} for c in cells]


def _is_python(nb: dict[str, Any]) -> bool:
    meta = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    lang = None
    info = meta.get("language_info") if isinstance(meta, dict) else None
    if isinstance(info, dict):
        lang = info.get("name")
    spec = meta.get("kernelspec") if isinstance(meta, dict) else None
    if lang is None and isinstance(spec, dict):
        lang = spec.get("language")
    return not isinstance(lang, str) or lang.lower() in ("python", "python3", "ipython", "")


def _add_cell(code: _Code, index: int, text: str) -> None:
    lines = text.splitlines()
    first = lines[0].strip() if lines else ""
    skip_all = False
    if first.startswith("%%"):
        magic = first[2:].split(None, 1)[0] if len(first) > 2 else ""
        arg = first[2 + len(magic):].strip()
        if magic in _SHELL_CELL_MAGICS:
            for n, line in enumerate(lines[1:], start=2):
                if line.strip() and not line.lstrip().startswith("#"):
                    code.shell.append((index, n, line.strip(), line))
            skip_all = True
        elif not (magic in _PY_CELL_MAGICS or (magic == "writefile" and arg.endswith(".py"))):
            skip_all = True
    for n, line in enumerate(lines, start=1):
        code.where.append((index, n))
        if skip_all or (n == 1 and first.startswith("%%")):
            code.lines.append("")
            continue
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if stripped.startswith("!") and not stripped.startswith("!="):
            code.shell.append((index, n, stripped[1:].strip(), line))
            code.lines.append(indent + "pass")
        elif _LINE_MAGIC.match(stripped):
            if stripped.startswith(("%sx ", "%system ", "%sh ")):
                code.shell.append((index, n, stripped.split(None, 1)[1], line))
            code.lines.append(indent + "pass")
        elif _HELP.match(line):
            code.lines.append(indent + "pass")
        else:
            m = _ASSIGN_MAGIC.match(line)
            code.lines.append(m.group(1) + "None" if m else line)


def _python(code: _Code) -> list[Detection]:
    lines = list(code.lines)
    if not worth_parsing("\n".join(lines).encode("utf-8", "replace")):
        return []
    dropped: set[int] = set()
    for _ in range(_MAX_RETRIES):
        try:
            tree = parse("\n".join(lines))
        except ParseError as exc:
            m = re.search(r"at line (\d+)", str(exc))
            bad = int(m.group(1)) if m else 0
            if not 0 < bad <= len(lines):
                return []
            cell = code.where[bad - 1][0]
            if cell in dropped:
                return []
            dropped.add(cell)
            lines = ["" if code.where[i][0] == cell else ln for i, ln in enumerate(lines)]
            continue
        return analyze_tree(tree, lines, detector="notebook", kind="notebook")
    return []


def _map(code: _Code, d: Detection) -> Detection:
    cell, line = code.where[d.line - 1] if 0 < d.line <= len(code.where) else (None, d.line)
    related = []
    for r in d.related:
        rc, rl = code.where[r.line - 1] if 0 < r.line <= len(code.where) else (cell, r.line)
        related.append(Related(rl, r.note if rc == cell else f"cell {rc}: {r.note}", r.path))
    return replace(d, line=line, cell=cell, related=tuple(related))


def _command_detector() -> tuple[Callable[[str], list[str]], Callable[..., list[Detection]]] | None:
    for module in ("upstream.detect.config_commands", "upstream.detect.shell"):
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        split, detect = getattr(mod, "split_words", None), getattr(mod, "detect_command_line", None)
        if callable(split) and callable(detect):
            return split, detect
    return None


def _mentions() -> Callable[[str], Iterator[tuple[int, str, str | None]]] | None:
    try:
        from upstream.detect.docs import mentions
    except ImportError:
        return None
    return mentions


def analyze_notebook(text: str) -> list[Detection]:
    """Model references in a notebook's JSON text. Raises ParseError when it is not a notebook."""
    try:
        nb = json.loads(text)
    except ValueError as exc:
        raise ParseError(f"invalid notebook JSON: {exc}") from None
    cells = _cells(nb)
    python = _is_python(nb)
    code = _Code()
    out: list[Detection] = []
    mention = _mentions()
    for i, cell in enumerate(cells):
        kind = cell.get("cell_type", "code")
        text_i = _source(cell)
        if kind == "code" and python:
            _add_cell(code, i, text_i)
        elif kind == "markdown" and mention is not None:
            md_lines = text_i.splitlines()
            for line, value, canonical in mention(text_i):
                out.append(Detection(
                    subject="model", value=value, line=line, kind="docs", confidence="low", detector="notebook",
                    technique="other", snippet=md_lines[line - 1] if 0 < line <= len(md_lines) else "", cell=i,
                    canonical=canonical))
    out.extend(_map(code, d) for d in _python(code))
    commands = _command_detector() if code.shell else None
    if commands is not None:
        split_words, detect_line = commands
        for cell_i, line, command, raw in code.shell:
            for d in detect_line(split_words(command), line, kind="notebook", detector="notebook", snippet=raw):
                out.append(replace(d, cell=cell_i))
    out.sort(key=lambda d: (d.cell or 0, d.line, d.column or 0))
    return out


class NotebookDetector:
    """Model references in Jupyter notebook code cells (markdown cells as docs)."""

    id = "notebook"
    screen = Screen(frozenset({".ipynb"}))
    keywords: tuple[bytes, ...] = ()

    def wants(self, path: str, name: str, suffix: str) -> bool:
        return suffix == ".ipynb"

    def detect(self, file: FileInput) -> Iterator[Detection]:
        yield from analyze_notebook(file.text())
