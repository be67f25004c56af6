"""The vocabulary of upstream: every type that crosses a stage boundary or appears in the Report.

Detectors produce light `Detection` values (plain dataclasses: cheap to create and to send between
processes); the pipeline merges them into the pydantic types below, which make up the versioned
Report that every output format reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

REPORT_SCHEMA_VERSION = "1.0.0"

EvidenceKind = Literal["code", "config", "env", "notebook", "docs", "artifact"]
Confidence = Literal["high", "medium", "low"]
Technique = Literal[
    "source-code-analysis", "manifest-analysis", "binary-analysis", "filename", "hash-comparison", "other"
]
Hub = Literal["huggingface", "ollama", "api", "file", "unknown"]
Subject = Literal["model", "endpoint", "sdk"]

KIND_ORDER: tuple[EvidenceKind, ...] = ("code", "config", "env", "notebook", "artifact", "docs")
CONFIDENCE_ORDER: tuple[Confidence, ...] = ("high", "medium", "low")


# --------------------------------------------------------------------------- detector output


@dataclass(frozen=True, slots=True)
class Related:
    """A further place that supports a detection, e.g. the call site a constant flows into."""

    line: int
    note: str
    path: str | None = None  # None: same file as the detection


@dataclass(frozen=True, slots=True)
class Detection:
    """One piece of evidence a detector found in one file.

    `subject` says what it is evidence of: a model reference, an endpoint (base URL) the code talks
    to, or the presence of an AI SDK (a dependency, never a model). `value` is the text as written:
    the model id, the base URL, or the SDK's package name.
    """

    subject: Subject
    value: str
    line: int
    kind: EvidenceKind
    confidence: Confidence
    detector: str
    technique: Technique = "source-code-analysis"
    snippet: str = ""
    provider: str | None = None  # the SDK / framework / route that selects the model ("openai", "litellm")
    base_url: str | None = None  # the endpoint tied to this model reference, as written
    hub: Hub | None = None  # where the model id lives, when the context says so
    revision: str | None = None  # a pinned hub revision or digest
    column: int | None = None
    cell: int | None = None  # notebook cell index
    related: tuple[Related, ...] = field(default_factory=tuple)
    note: str | None = None
    canonical: str | None = None  # the model id proper, when `value` wraps it (a LiteLLM route, a URL)


# --------------------------------------------------------------------------- report types


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Location(_Frozen):
    """A place in the scanned tree; `path` is relative to the scanned root, POSIX separators."""

    path: str
    line: int | None = None
    column: int | None = None
    cell: int | None = Field(default=None, description="Notebook cell index (0-based), for .ipynb files")


class RelatedLocation(_Frozen):
    """Further evidence for the same reference: e.g. the call that a constant reaches."""

    location: Location
    note: str


class Evidence(_Frozen):
    """One place where a model is referenced."""

    path: str
    line: int | None
    column: int | None = None
    cell: int | None = None
    raw: str = Field(description="The model reference exactly as written")
    snippet: str = Field(description="The source line, trimmed and with secrets redacted")
    kind: EvidenceKind
    confidence: Confidence
    technique: Technique
    detector: str
    provider: str | None = None
    related: list[RelatedLocation] = Field(default_factory=list)
    note: str | None = None


class Endpoint(_Frozen):
    """Who serves a model: the base URL as written and the operator its host maps to."""

    url: str | None = Field(default=None, description="Base URL as written, or the SDK default")
    host: str | None = None
    operator: str | None = Field(default=None, description="Organisation operating the endpoint")
    operator_id: str | None = Field(default=None, description="Knowledge-base id of the endpoint record")
    operator_country: str | None = Field(default=None, description="ISO 3166-1 alpha-2, when known")
    data_processing: str | None = None
    local: bool = Field(default=False, description="Served from the team's own machine or network")
    implied: bool = Field(
        default=False, description="Not written in the code: the default endpoint of the SDK or route"
    )
    sources: list[str] = Field(default_factory=list)


class ModelRef(_Frozen):
    """A model as referenced, and its canonical identifier when one can be derived."""

    raw: str
    canonical: str
    hub: Hub
    provider: str | None = Field(default=None, description="SDK, framework or route that selects it")
    revision: str | None = None


class InventoryItem(_Frozen):
    """One model served by one endpoint, with all evidence merged."""

    id: str = Field(description="Stable key: canonical model id, and endpoint host when served remotely")
    model: ModelRef
    endpoint: Endpoint | None = None
    kinds: list[EvidenceKind]
    docs_only: bool = Field(description="True when the model is only mentioned in documentation")
    confidence: Confidence
    evidence: list[Evidence]


class EndpointUse(_Frozen):
    """An endpoint (base URL) the software talks to, with or without a model tied to it."""

    endpoint: Endpoint
    evidence: list[Evidence]


class SdkUse(_Frozen):
    """An AI SDK declared as a dependency: evidence that it is present, never a model."""

    name: str
    ecosystem: Literal["pypi", "npm"]
    locations: list[Location]


class Skipped(_Frozen):
    """A file or folder the scan did not read, and why."""

    path: str
    reason: Literal[
        "vendored",
        "gitignored",
        "too-large",
        "binary",
        "invalid-utf8",
        "unreadable",
        "symlink-loop",
        "symlink-outside-root",
        "parse-error",
        "not-a-file",
    ]
    detail: str | None = None


class PluginStatus(_Frozen):
    """How one detector fared over the whole scan."""

    plugin: str
    files: int = Field(description="Files handed to it")
    detections: int
    errors: int
    error_samples: list[str] = Field(default_factory=list)


class ScanStats(_Frozen):
    files_seen: int
    files_scanned: int
    files_skipped: int
    dirs_skipped: int
    bytes_read: int
    seconds: float
    jobs: int


class Report(_Frozen):
    """The one document every output format reads."""

    schema_version: str = REPORT_SCHEMA_VERSION
    tool: str = "upstream"
    tool_version: str
    generated_at: str
    root: str = Field(description="The scanned path as given on the command line")
    config: dict[str, str | int | bool | list[str]] = Field(default_factory=dict)
    inventory: list[InventoryItem]
    endpoints: list[EndpointUse]
    sdks: list[SdkUse]
    skipped: list[Skipped]
    statuses: list[PluginStatus]
    stats: ScanStats
    complete: bool = Field(description="False when some input could not be read or parsed")
