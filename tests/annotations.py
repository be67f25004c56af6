"""Read the expectations written inside fixture files.

A fixture says inline what the scan must report, in a comment of its own language:

    client.chat.completions.create(model="gpt-4o")   # expect: gpt-4o @openai
    # expect-next: Qwen/Qwen2.5-7B-Instruct
    FROM Qwen/Qwen2.5-7B-Instruct
    <!-- expect: none -->

- ``expect: A, B`` applies to its own line; ``expect-next: ...`` to the next non-blank line.
- Each item is a canonical model id, optionally followed by ``@ENDPOINT`` (the endpoint record id that
  must serve it), or ``none`` (a look-alike: nothing may be reported on that line).
- ``expect-endpoint: ID`` / ``expect-endpoint-next: ID``: an endpoint of that operator record is
  reported at that line. ``expect-sdk: NAME``: an SDK dependency is reported at that line.
- Files that cannot hold comments (JSON) keep their expectations in ``FILE.expect`` beside them, one
  ``LINE: items`` per line (same item syntax; ``LINE: endpoint ID`` / ``LINE: sdk NAME``).
- In notebooks, annotations inside a cell refer to lines of that cell; keys carry the cell index.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

_ANN = re.compile(r"expect(-endpoint|-sdk)?(-next)?:\s*([^\n]*?)\s*(?:-->|\*/|$)")

Key = tuple[int | None, int]  # (notebook cell or None, line)


@dataclass
class Expectations:
    models: dict[Key, set[tuple[str, str | None]]] = field(default_factory=dict)
    lookalikes: set[Key] = field(default_factory=set)
    endpoints: dict[Key, set[str]] = field(default_factory=dict)
    sdks: dict[Key, set[str]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.models.values())

    def add(self, kind: str, key: Key, text: str) -> None:
        items = [t.strip() for t in text.split(",") if t.strip()]
        for item in items:
            if kind == "-endpoint":
                self.endpoints.setdefault(key, set()).add(item)
            elif kind == "-sdk":
                self.sdks.setdefault(key, set()).add(item)
            elif item == "none":
                self.lookalikes.add(key)
            else:
                model, _, ep = item.partition(" @")
                if not ep and "@" in model and model.rsplit("@", 1)[1].isidentifier():
                    model, _, ep = model.rpartition("@")
                self.models.setdefault(key, set()).add((model.strip(), ep.strip() or None))


def _scan_lines(lines: list[str], exp: Expectations, cell: int | None) -> None:
    pending: list[tuple[str, str]] = []
    for n, line in enumerate(lines, start=1):
        if pending and line.strip() and "expect" not in line:
            for kind, text in pending:
                exp.add(kind, (cell, n), text)
            pending = []
        for m in _ANN.finditer(line):
            kind, nxt, text = m.group(1) or "", m.group(2), m.group(3)
            if nxt:
                pending.append((kind, text))
            else:
                exp.add(kind, (cell, n), text)


def read_expectations(path: Path) -> Expectations:
    exp = Expectations()
    sidecar = path.with_name(path.name + ".expect")
    if sidecar.exists():
        for raw in sidecar.read_text(encoding="utf-8").splitlines():
            if not raw.strip() or raw.startswith("#"):
                continue
            num, _, text = raw.partition(":")
            text = text.strip()
            if text.startswith("endpoint "):
                exp.add("-endpoint", (None, int(num)), text[9:])
            elif text.startswith("sdk "):
                exp.add("-sdk", (None, int(num)), text[4:])
            else:
                exp.add("", (None, int(num)), text)
        return exp
    if path.suffix == ".ipynb":
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            return exp
        for i, cell in enumerate(nb.get("cells", [])):
            src = cell.get("source", "")
            text = "".join(src) if isinstance(src, list) else str(src)
            _scan_lines(text.splitlines(), exp, i)
        return exp
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return exp
    _scan_lines(text.splitlines(), exp, None)
    return exp
