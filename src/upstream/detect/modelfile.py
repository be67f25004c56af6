"""The base model (FROM) of an Ollama Modelfile, and its ADAPTER lines."""

from __future__ import annotations

import re
from collections.abc import Iterator

from upstream.detect import Detection, FileInput
from upstream.detect.config_keys import model_detection
from upstream.detect.identifiers import is_plausible, looks_like_path
from upstream.models import Hub

_INSTR_RE = re.compile(r"^\s*(FROM|ADAPTER)\s+(\S.*?)\s*$", re.I)
_HF_PREFIXES = ("hf.co/", "huggingface.co/")


def _hub(value: str) -> Hub:
    low = value.lower()
    if low.startswith(_HF_PREFIXES):
        return "ollama"  # Ollama pulls the GGUF from the Hub and runs it as an Ollama model
    if looks_like_path(value) or value.startswith(".") or ("/" in value and not re.match(r"^[\w.-]+/[\w.:-]+$", value)):
        return "file"
    if re.search(r"\.(gguf|bin|safetensors)$", low):
        return "file"
    return "ollama"


class ModelfileDetector:
    """The base model (FROM) of an Ollama Modelfile, and its ADAPTER lines."""

    id = "ollama-modelfile"
    keywords: tuple[bytes, ...] = (b"FROM", b"from", b"From")

    def wants(self, path: str, name: str, suffix: str) -> bool:
        low = name.lower()
        return low == "modelfile" or low.startswith("modelfile.") or suffix == ".modelfile"

    def detect(self, file: FileInput) -> Iterator[Detection]:
        lines = file.text().splitlines()
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
            value = arg[1:].split(arg[0])[0] if arg[0] in "\"'" else arg.split()[0]
            if value in (".", "./") or not is_plausible(value, "strong"):
                continue
            note = "LoRA adapter applied to the base model" if m.group(1).upper() == "ADAPTER" else None
            yield model_detection(value, n, kind="config", detector=self.id, snippet=raw, provider="ollama",
                                  hub=_hub(value), confidence="high", route=False, note=note)
