"""Model files met in the tree (GGUF, safetensors, PyTorch / pickle, ONNX, Ollama blobs, PEFT adapters).

Each is identified with the same code as `upstream inspect` (header-only reads with hard caps,
never loading weights), and reported as one `artifact` detection: the best identity (hub id when
the artifact declares one), with the evidence summarised in the note.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterator
from typing import Any

from upstream.artifacts.binio import ArtifactError
from upstream.artifacts.families import families_in
from upstream.artifacts.hub import hf_id
from upstream.artifacts.types import ArtifactCard
from upstream.detect import Detection, FileInput, ParseError, Screen

_BLOB_RE = re.compile(r"^sha256[-:]([0-9a-f]{64})$")  # an Ollama store blob (as in artifacts.ollama_store)

_SUFFIXES = frozenset({".gguf", ".ggml", ".safetensors", ".onnx", ".pt", ".pth", ".ckpt", ".bin", ".llamafile"})
_TRAINER_FILES = re.compile(r"^(?:training_args\.bin|optimizer\.pt|scheduler\.pt|scaler\.pt|rng_state(?:_\d+)?\.pth"
                            r"|trainer_state\.json)$")
_SHARD_RE = re.compile(r"-(\d{5})-of-(\d{5})\.(?:safetensors|bin|gguf)$")
_ADAPTER_WEIGHTS = ("adapter_model.safetensors", "adapter_model.bin")
_LFS = b"version https://git-lfs.github.com/spec/"
# When Detection grows an `artifact` field, the card rides along to the Report (see the lead's note).
_CARRIES_CARD = "artifact" in {f.name for f in dataclasses.fields(Detection)}


def _summary(card: ArtifactCard) -> str:
    ident = card.identity
    parts = []
    if ident.family_label:
        parts.append(f"family {ident.family_label}" + (f" ({', '.join(ident.basis)})" if ident.basis else ""))
    tok = card.tokenizer
    if tok and tok.match:
        parts.append(f"tokenizer {tok.match.label} ({tok.match.kind})")
    if card.architecture:
        parts.append(f"architecture {card.architecture}")
    if card.license:
        parts.append(f"licence {card.license}")
    bases = [b.hub_id or b.name for b in card.base_models if (b.hub_id or b.name)]
    if bases:
        parts.append("declared base " + ", ".join(dict.fromkeys(x for x in bases if x)))
    if card.safety.verdict != "safe":
        parts.append(f"safety {card.safety.verdict}"
                     + (f" ({', '.join(card.safety.dangerous[:3])})" if card.safety.dangerous else ""))
    for f in card.findings:
        if f.severity != "info":
            parts.append(f"{f.severity}: {f.id}")
    return "; ".join(parts)[:600]


def _snippet(card: ArtifactCard) -> str:
    bits: list[str] = [card.format]
    if card.architecture:
        bits.append(card.architecture)
    if card.quantization:
        bits.append(card.quantization)
    if card.parameters:
        bits.append(f"{card.parameters:,} parameters")
    return " ".join(bits)


def _provider(card: ArtifactCard) -> str | None:
    if card.format == "ollama":
        return "ollama"
    if card.format in ("gguf", "ggml"):
        return "gguf-file"
    return "model-file"  # weights loaded in the team's own process (see PROVIDER_ENDPOINTS)


class ModelFileDetector:
    """Model files met in the tree: what each one really is (header-only, never loaded)."""

    id = "model-files"
    screen = Screen(_SUFFIXES, ("adapter_config.json", "sha256"))
    keywords: tuple[bytes, ...] = ()
    head_only = True

    def wants(self, path: str, name: str, suffix: str) -> bool:
        if _TRAINER_FILES.match(name):
            return False
        if suffix in _SUFFIXES or name == "adapter_config.json":
            return True
        return "/blobs/" in f"/{path}" and bool(_BLOB_RE.match(name))

    def detect(self, file: FileInput) -> Iterator[Detection]:
        name = file.name
        head = file.data[:64]
        if head.startswith(_LFS):
            yield from self._lfs_pointer(file)
            return
        shard = _SHARD_RE.search(name)
        if shard and int(shard.group(1)) > 1:
            first = _SHARD_RE.sub(f"-00001-of-{shard.group(2)}." + name.rsplit(".", 1)[1], name)
            if os.path.exists(os.path.join(os.path.dirname(file.abspath), first)):
                return  # the first shard or part speaks for the set
        folder = os.path.dirname(file.abspath)
        if name == "adapter_config.json":
            if any(os.path.exists(os.path.join(folder, w)) for w in _ADAPTER_WEIGHTS):
                return  # the adapter weights file reports the adapter
            yield from self._adapter_only(file)
            return
        if file.suffix == ".bin" and not _binary_model_magic(head):
            return
        try:
            from upstream.artifacts.walk import file_card  # the readers load on first use: most scans meet no model

            card = file_card(file.abspath, file.path)
        except ArtifactError as exc:
            raise ParseError(str(exc)) from None
        except (OSError, ValueError) as exc:
            raise ParseError(f"unreadable model file: {exc}") from None
        if card is None:
            return
        yield self._detection(card, file.path)
        for base in card.base_models:
            if base.relation == "adapter" and base.hub_id:
                yield Detection(
                    subject="model", value=base.name or base.hub_id, line=1, kind="artifact", confidence="high",
                    detector=self.id, technique="manifest-analysis", snippet=_snippet(card), hub="huggingface",
                    note=f"base model the adapter at {file.path} runs on ({base.source})",
                    canonical=base.hub_id if base.hub_id != base.name else None,
                )

    def _detection(self, card: ArtifactCard, path: str) -> Detection:
        ident = card.identity
        value = ident.canonical or ident.name or path
        extra: dict[str, Any] = {"artifact": card} if _CARRIES_CARD else {}
        return Detection(
            subject="model", value=value, line=1, kind="artifact", confidence=ident.confidence, detector=self.id,
            technique="binary-analysis", snippet=_snippet(card), provider=_provider(card),
            hub=ident.hub, revision=card.revision, note=_summary(card) or None, **extra,
        )

    def _adapter_only(self, file: FileInput) -> Iterator[Detection]:
        import json

        try:
            doc = json.loads(file.text())
        except ValueError as exc:
            raise ParseError(f"invalid JSON: {exc}") from None
        base = doc.get("base_model_name_or_path") if isinstance(doc, dict) else None
        if not isinstance(base, str) or not base.strip():
            return
        line = next((i for i, ln in enumerate(file.text().splitlines(), 1) if "base_model_name_or_path" in ln), 1)
        hid = hf_id(base)
        yield Detection(
            subject="model", value=base, line=line, kind="artifact", confidence="high" if hid else "medium",
            detector=self.id, technique="manifest-analysis", snippet=f'"base_model_name_or_path": "{base}"',
            hub="huggingface" if hid else "file", note="base model of a PEFT adapter (adapter weights not present)",
            canonical=hid if hid and hid != base else None,
        )

    def _lfs_pointer(self, file: FileInput) -> Iterator[Detection]:
        """A Git LFS pointer: the weights are elsewhere; only a name that says a family is evidence."""
        stem = file.name.rsplit(".", 1)[0]
        if not families_in(stem) or len(stem) < 6:
            return
        m = re.search(rb"size (\d+)", file.data[:400])
        yield Detection(
            subject="model", value=stem, line=1, kind="artifact", confidence="low", detector=self.id,
            technique="filename", snippet=file.name, hub="file",
            note="Git LFS pointer: the weights are not in the tree" + (f" ({int(m.group(1)):,} bytes in LFS)"
                                                                      if m else ""),
        )


def _binary_model_magic(head: bytes) -> bool:
    """A .bin that is a model: GGUF / ggml, a torch zip or pickle, or a safetensors header."""
    from upstream.artifacts.pickle_scan import looks_like_pickle

    return (head[:4] in (b"GGUF", b"lmgg", b"fmgg", b"tjgg", b"algg") or looks_like_pickle(head, loose=True)
            or (len(head) > 9 and head[8:9] == b"{" and int.from_bytes(head[:8], "little") < 100_000_000))
