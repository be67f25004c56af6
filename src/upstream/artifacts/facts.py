"""What the format readers found, before identification: a mutable bag of facts, each with its source.

Readers (gguf, safetensors, hf_folder, ollama_store, ...) fill a `Facts`; `identify.build_card`
turns it into the frozen `ArtifactCard`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from upstream.artifacts.types import (
    ArtifactFile,
    ArtifactFinding,
    ArtifactFormat,
    BaseModelRef,
    Claim,
    ClaimKind,
    DatasetRef,
    Safety,
    Severity,
)

NameKind = Literal["declared", "filename", "folder"]


@dataclass(slots=True)
class Name:
    value: str
    source: str
    kind: NameKind
    path: str | None = None


@dataclass(slots=True)
class HubId:
    """A hub id the artifact declares for itself (not for a base model)."""

    value: str
    hub: Literal["huggingface", "ollama"]
    source: str
    path: str | None = None


@dataclass(slots=True)
class Template:
    text: str
    source: str
    path: str | None = None


@dataclass(slots=True)
class Vocab:
    tokens: list[bytes]  # canonical token strings (UTF-8) in id order
    source: str
    partial: bool = False
    path: str | None = None


@dataclass(slots=True)
class Facts:
    path: str
    format: ArtifactFormat
    files: list[ArtifactFile] = field(default_factory=list)
    names: list[Name] = field(default_factory=list)
    hub_ids: list[HubId] = field(default_factory=list)
    organization: tuple[str, str] | None = None  # (value, source)
    architecture: tuple[str, str] | None = None
    parameters: int | None = None
    parameters_partial: bool = False
    size_label: str | None = None
    quantization: str | None = None
    context_length: int | None = None
    license: tuple[str, str] | None = None
    base_models: list[BaseModelRef] = field(default_factory=list)
    datasets: list[DatasetRef] = field(default_factory=list)
    tokenizer_model: str | None = None
    tokenizer_pre: str | None = None
    vocab: Vocab | None = None
    vocab_size: tuple[int, str] | None = None  # declared or shape-derived size when no vocabulary was read
    templates: list[Template] = field(default_factory=list)
    revision: tuple[str, str] | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    evidence: list[Claim] = field(default_factory=list)
    findings: list[ArtifactFinding] = field(default_factory=list)
    safety: list[Safety] = field(default_factory=list)
    lineage: list[str] = field(default_factory=list)
    complete: bool = True
    errors: list[str] = field(default_factory=list)

    def claim(self, supports: ClaimKind, value: object, source: str, path: str | None = None) -> None:
        text = str(value)
        if len(text) > 300:
            text = text[:297] + "..."
        self.evidence.append(Claim(supports=supports, value=text, source=source, path=path))

    def finding(self, fid: str, severity: Severity, message: str) -> None:
        if not any(f.id == fid and f.message == message for f in self.findings):
            self.findings.append(ArtifactFinding(id=fid, severity=severity, message=message))

    def error(self, message: str) -> None:
        self.complete = False
        if message not in self.errors:
            self.errors.append(message)

    def set_meta(self, key: str, value: object, limit: int = 200) -> None:
        text = value if isinstance(value, str) else str(value)
        text = text.replace("\n", " ")
        self.metadata[key] = text if len(text) <= limit else text[: limit - 3] + "..."

    def absorb(self, other: Facts) -> None:
        """Add another reader's facts (another file of the same artifact); first value of a field wins."""
        self.files.extend(other.files)
        self.names.extend(other.names)
        self.hub_ids.extend(other.hub_ids)
        for attr in ("organization", "architecture", "size_label", "quantization", "context_length", "license",
                     "tokenizer_model", "tokenizer_pre", "vocab", "vocab_size", "revision"):
            if getattr(self, attr) is None and getattr(other, attr) is not None:
                setattr(self, attr, getattr(other, attr))
        if other.parameters is not None:
            self.parameters = (self.parameters or 0) + other.parameters
            self.parameters_partial = self.parameters_partial or other.parameters_partial
        self.base_models.extend(b for b in other.base_models if b not in self.base_models)
        self.datasets.extend(d for d in other.datasets if d not in self.datasets)
        self.templates.extend(other.templates)
        for k, v in other.metadata.items():
            self.metadata.setdefault(k, v)
        self.evidence.extend(other.evidence)
        for f in other.findings:
            self.finding(f.id, f.severity, f.message)
        self.safety.extend(other.safety)
        self.lineage.extend(x for x in other.lineage if x not in self.lineage)
        self.complete = self.complete and other.complete
        for e in other.errors:
            self.error(e)
