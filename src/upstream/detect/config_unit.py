"""systemd units: the commands of `ExecStart=` (and friends) and the settings of `Environment=`.

`vllm.service` or `ollama.service` files, in a repository or written by an install script's heredoc:
`ExecStart=/opt/venv/bin/vllm serve Qwen/Qwen2.5-7B-Instruct --port 8000` runs a model server, and
`Environment="OLLAMA_MODEL=llama3.2"` sets a model for the service. Variables set by `Environment=`
resolve `$VAR` in the commands.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from upstream.detect import Detection
from upstream.detect.config_args import Assignment
from upstream.detect.config_commands import split_words
from upstream.detect.config_env import EnvVar, env_detections
from upstream.detect.config_keys import dedupe
from upstream.evidence import EvidenceKind

_EXEC_RE = re.compile(r"^\s*(Exec(?:Start|StartPre|StartPost|Reload|Stop|StopPost|Condition))\s*=\s*(.*)$")
_ENV_RE = re.compile(r"^\s*Environment\s*=\s*(.*)$")


def _snip(lines: Sequence[str], n: int) -> str:
    return lines[n - 1] if 0 < n <= len(lines) else ""


def scan_unit(unit: Sequence[str], *, kind: EvidenceKind = "config", detector: str = "shell",
              lines: Sequence[str] | None = None) -> list[Detection]:
    """Model references in a unit file's lines (line n is `unit[n - 1]`; `lines` give the snippets)."""
    from upstream.detect.config_script import scan_script

    file_lines = list(lines) if lines is not None else list(unit)
    env: list[EnvVar] = []
    known: dict[str, Assignment] = {}
    out: list[Detection] = []
    n = 0
    while n < len(unit):
        raw = unit[n]
        n += 1
        m = _ENV_RE.match(raw)
        if m:
            for word in split_words(m.group(1)):
                key, eq, value = word.partition("=")
                if eq and re.fullmatch(r"[A-Za-z_]\w*", key):
                    env.append(EnvVar(key, value, n, _snip(file_lines, n)))
                    known[key] = Assignment(value, n, _snip(file_lines, n))
            continue
        m = _EXEC_RE.match(raw)
        if not m:
            continue
        first = n
        command = [m.group(2).lstrip("-@+!:")]  # prefixes that change how systemd runs the command
        while command[-1].rstrip().endswith("\\") and n < len(unit):
            command.append(unit[n])
            n += 1
        out.extend(scan_script("\n".join(command), first_line=first, kind=kind, detector=detector,
                               lines=file_lines, variables=known))
    out.extend(env_detections(env, kind=kind, detector=detector))
    return dedupe(out)
