"""The base model (FROM) of an Ollama Modelfile, and its ADAPTER lines."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace

from upstream.detect import Detection, FileInput, Screen
from upstream.detect.config_keys import model_detection
from upstream.detect.config_text import lenient_text
from upstream.detect.identifiers import MODEL_FILE_SUFFIXES, is_plausible, looks_like_path
from upstream.evidence import Hub

_INSTR_RE = re.compile(r"^\s*(FROM|ADAPTER)\s+(\S.*?)\s*$", re.I)
_HF_PREFIXES = ("hf.co/", "huggingface.co/")
_DRIVE_RE = re.compile(r"^[A-Za-z]:[\\/]")


def _hub(value: str) -> Hub:
    low = value.lower()
    if low.startswith(_HF_PREFIXES):
        return "ollama"  # Ollama pulls the GGUF from the Hub and runs it as an Ollama model
    if looks_like_path(value) or value.startswith(".") or _DRIVE_RE.match(value) or (
            "/" in value and not re.match(r"^[\w.-]+/[\w.:-]+$", value)):
        return "file"
    if re.search(r"\.(gguf|bin|safetensors)$", low):
        return "file"
    return "ollama"


def _local_path(value: str, quoted: bool) -> bool:
    """A path to local weights that the strict id check would refuse: spaces or Windows separators.

    A model file (`C:\\Users\\me\\models\\x.gguf`, `./my models/x.gguf`) anywhere, or a quoted folder path
    (`"./fine tuned/"`) with a path's shape.
    """
    norm = value.replace("\\", "/")
    if norm.lower().endswith(MODEL_FILE_SUFFIXES):
        return True
    return quoted and bool(_DRIVE_RE.match(value) or norm.startswith(("/", "./", "../", "~/")))


def scan_modelfile(lines: Sequence[str], *, detector: str = "ollama-modelfile") -> list[Detection]:
    """FROM and ADAPTER references of a Modelfile's lines (line n is `lines[n - 1]`)."""
    out: list[Detection] = []
    in_block = False
    for n, raw in enumerate(lines, start=1):
        if raw.count('"""') % 2 == 1:
            in_block = not in_block
            continue
        if in_block or raw.lstrip().startswith("#"):
            continue
        m = _INSTR_RE.match(raw)
        if not m:
            continue
        arg = m.group(2).strip()
        quoted = arg[0] in "\"'"
        value = arg[1:].split(arg[0])[0].strip() if quoted else arg.split()[0]
        if value in (".", "./", ""):
            continue
        path = _local_path(value, quoted)
        if not path and not is_plausible(value, "strong"):
            continue
        note = "LoRA adapter applied to the base model" if m.group(1).upper() == "ADAPTER" else None
        d = model_detection(value, n, kind="config", detector=detector, snippet=raw, provider="ollama",
                            hub="file" if path else _hub(value), confidence="high", route=False, note=note)
        if "\\" in value:  # one spelling for grouping: C:\models\x.gguf and C:/models/x.gguf are one file
            d = replace(d, canonical=value.replace("\\", "/"))
        out.append(d)
    return out


class ModelfileDetector:
    """The base model (FROM) of an Ollama Modelfile, and its ADAPTER lines."""

    id = "ollama-modelfile"
    screen = Screen(frozenset({".modelfile"}), ("modelfile",))
    keywords: tuple[bytes, ...] = (b"FROM", b"from", b"From")

    def wants(self, path: str, name: str, suffix: str) -> bool:
        low = name.lower()
        return low == "modelfile" or low.startswith("modelfile.") or suffix == ".modelfile"

    def detect(self, file: FileInput) -> Iterator[Detection]:
        yield from scan_modelfile(lenient_text(file).splitlines(), detector=self.id)
