"""Model and endpoint settings in .env files and their .env.example templates."""

from __future__ import annotations

import re
from collections.abc import Iterator

from upstream.detect import Detection, FileInput, Screen
from upstream.detect.config_env import EnvVar, env_detections
from upstream.detect.config_keys import dedupe
from upstream.detect.config_text import lenient_text

_LINE_RE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*?)\s*$")
_TEMPLATE_NAMES = frozenset({"env.example", "env.sample", "env.template", "example.env", "sample.env",
                             "template.env", "dot-env", "dotenv", "env.dist"})


def parse_dotenv(text: str) -> list[EnvVar]:
    """`KEY=value` pairs (optional `export`, quotes, inline comments); commented-out lines are skipped.

    A quoted value that spans lines is read to its closing quote; anything that is not a pair is ignored
    (a .env file has no strict grammar to break).
    """
    lines = text.splitlines()
    out: list[EnvVar] = []
    i = 0
    while i < len(lines):
        raw = lines[i]
        line = i + 1
        i += 1
        m = _LINE_RE.match(raw)
        if not m:
            continue
        key, value = m.group(1), m.group(2)
        if value[:1] in ("'", '"', "`"):
            q = value[0]
            end = value.find(q, 1)
            while end < 0 and i < len(lines):
                value += "\n" + lines[i]
                i += 1
                end = value.find(q, 1)
            value = value[1:end] if end > 0 else value[1:]
        else:
            value = re.split(r"\s+#", value, maxsplit=1)[0].strip()
        out.append(EnvVar(key, value, line, raw))
    return out


class DotenvDetector:
    """Model and endpoint settings in .env files and their .env.example templates."""

    id = "dotenv"
    screen = Screen(frozenset({".env"}), (".env", *sorted(_TEMPLATE_NAMES)))
    keywords: tuple[bytes, ...] = (b"MODEL", b"model", b"Model", b"LLM", b"_URL", b"_BASE", b"ENDPOINT", b"HOST",
                                   b"DEPLOYMENT", b"_LLM")

    def wants(self, path: str, name: str, suffix: str) -> bool:
        low = name.lower()
        return (low == ".env" or low.startswith(".env.") or suffix == ".env" or low in _TEMPLATE_NAMES) and \
            low != ".envrc"

    def detect(self, file: FileInput) -> Iterator[Detection]:
        pairs = parse_dotenv(lenient_text(file))  # a stray non-UTF-8 byte costs its own line only
        yield from dedupe(env_detections(pairs, kind="env", detector=self.id))
