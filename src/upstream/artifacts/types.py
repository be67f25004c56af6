"""The artifact card: what `upstream inspect` says about one model file or folder, with evidence.

These types are part of the Report (`Report.artifacts`, one card per artifact met) and of the JSON
that `upstream inspect -f json` prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ArtifactFormat = Literal[
    "gguf", "ggml", "safetensors", "pytorch", "pickle", "torchscript", "onnx", "hf-folder", "peft-adapter",
    "ollama", "unknown",
]
Verdict = Literal["safe", "review", "dangerous", "unknown"]
Severity = Literal["error", "warning", "info"]
IdentityConfidence = Literal["high", "medium", "low"]
ArtifactHub = Literal["huggingface", "ollama", "file"]
BaseRelation = Literal["finetune", "quantized", "adapter", "merge", "distilled", "source", "unknown"]


_CONFIG = {"use_attribute_docstrings": True, "extra": "forbid"}


ClaimKind = Literal[
    "name", "hub-id", "family", "organization", "architecture", "tokenizer", "chat-template", "base-model",
    "license", "revision", "quantization", "parameters", "format", "dataset",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Claim:
    """One piece of evidence: what was read, where, and what it supports."""
    __pydantic_config__ = _CONFIG


    supports: ClaimKind
    value: str
    source: str
    """Where it was read: a metadata key, a file and key, or the path"""
    path: str | None = None
    """The file it was read from, when not the artifact itself"""


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenizerMatch:
    """A vocabulary found in the fingerprint table."""
    __pydantic_config__ = _CONFIG


    entry: str
    """Id of the fingerprint table entry"""
    label: str
    family: str
    used_by: list[str]
    """Model families known to ship this vocabulary"""
    kind: Literal["exact", "similar"]
    """exact: the table's token prefix hashes identically; similar: most anchor tokens agree"""
    score: float
    """Share of the entry's anchor tokens found at the same ids"""


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenizerInfo:
    __pydantic_config__ = _CONFIG

    model: str | None = None
    """Tokenizer algorithm as declared (gpt2, llama, BPE, ...)"""
    pre: str | None = None
    """GGUF pre-tokenizer name, when declared"""
    vocab_size: int | None = None
    fingerprint: str | None = None
    """sha256 over the whole vocabulary in id order"""
    source: str | None = None
    """Where the vocabulary was read"""
    partial: bool = False
    """The vocabulary was cut short (truncated file)"""
    match: TokenizerMatch | None = None
    chat_template_sha256: str | None = None
    chat_template_clues: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class BaseModelRef:
    """A model this artifact declares it was made from."""
    __pydantic_config__ = _CONFIG


    name: str | None = None
    hub_id: str | None = None
    """Hugging Face repo id, when one is given or derivable"""
    organization: str | None = None
    version: str | None = None
    url: str | None = None
    relation: BaseRelation = "unknown"
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DatasetRef:
    __pydantic_config__ = _CONFIG

    name: str | None = None
    hub_id: str | None = None
    organization: str | None = None
    url: str | None = None
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Safety:
    """Whether loading the artifact can run code, and what a static look found."""
    __pydantic_config__ = _CONFIG


    format: str
    executes_code: bool
    """The format can run code when loaded (pickle)"""
    verdict: Verdict
    imports: list[str] = field(default_factory=list)
    """module.name globals a pickle would import"""
    dangerous: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class ArtifactFinding:
    """Something a reviewer should know: evidence that disagrees, unsafe content, a damaged file."""
    __pydantic_config__ = _CONFIG


    id: str
    """Stable kebab-case id, e.g. name-tokenizer-mismatch, unsafe-pickle"""
    severity: Severity
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Identity:
    __pydantic_config__ = _CONFIG

    name: str | None = None
    """Best name for the model, as declared or derived"""
    canonical: str | None = None
    """Hub id (HF repo or Ollama tag) when declared"""
    hub: ArtifactHub = "file"
    family: str | None = None
    """Model family it is named or declared as"""
    family_label: str | None = None
    developer: str | None = None
    """Organisation behind the family"""
    tokenizer_family: str | None = None
    """Family whose vocabulary it uses"""
    confidence: IdentityConfidence = "low"
    basis: list[str] = field(default_factory=list)
    """Kinds of evidence the identity rests on"""


@dataclass(frozen=True, slots=True, kw_only=True)
class ArtifactFile:
    __pydantic_config__ = _CONFIG

    path: str
    size: int
    format: ArtifactFormat
    complete: bool = True
    """False when the file is shorter than its header says"""
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ArtifactCard:
    """What one model artifact (file, split file set, folder, or Ollama tag) really is."""
    __pydantic_config__ = _CONFIG


    path: str
    format: ArtifactFormat
    identity: Identity
    architecture: str | None = None
    parameters: int | None = None
    parameters_partial: bool = False
    """Counted from an incomplete tensor table"""
    size_label: str | None = None
    quantization: str | None = None
    context_length: int | None = None
    license: str | None = None
    """Licence as declared by the artifact itself"""
    base_models: list[BaseModelRef] = field(default_factory=list)
    datasets: list[DatasetRef] = field(default_factory=list)
    tokenizer: TokenizerInfo | None = None
    revision: str | None = None
    lineage: list[str] = field(default_factory=list)
    """Lineage hints in words"""
    evidence: list[Claim] = field(default_factory=list)
    findings: list[ArtifactFinding] = field(default_factory=list)
    safety: Safety
    files: list[ArtifactFile] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    """Declared metadata, values trimmed"""
    complete: bool = True
    """False when some part could not be read in full"""
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class InspectReport:
    """What `upstream inspect -f json` prints."""
    __pydantic_config__ = _CONFIG


    schema_version: str = "1.0.0"
    tool: str = "upstream"
    tool_version: str
    generated_at: str
    target: str
    artifacts: list[ArtifactCard]
    skipped: list[str] = field(default_factory=list)
    """Files that looked like models but were not read"""
