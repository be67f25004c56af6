"""The vocabulary of upstream: every type that crosses a stage boundary or appears in the Report.

Everything here is a plain frozen dataclass: cheap to import, create and send between worker
processes. Detectors produce `Detection` values; the pipeline merges them into the Report types below,
the versioned document every output format reads. Validation and the published JSON Schema come from
pydantic at the edges (`upstream.report.json_report`), which reads `__pydantic_config__` and the
attribute docstrings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

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

_CONFIG = {"use_attribute_docstrings": True, "extra": "forbid"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    """A place in the scanned tree; `path` is relative to the scanned root, POSIX separators."""

    __pydantic_config__ = _CONFIG
    path: str
    line: int | None = None
    column: int | None = None
    cell: int | None = None
    """Notebook cell index (0-based), for .ipynb files"""


@dataclass(frozen=True, slots=True, kw_only=True)
class RelatedLocation:
    """Further evidence for the same reference: e.g. the call that a constant reaches."""

    __pydantic_config__ = _CONFIG

    location: Location
    note: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """One place where a model is referenced."""

    __pydantic_config__ = _CONFIG

    path: str
    line: int | None
    column: int | None = None
    cell: int | None = None
    raw: str
    """The model reference exactly as written"""
    snippet: str
    """The source line, trimmed and with secrets redacted"""
    kind: EvidenceKind
    confidence: Confidence
    technique: Technique
    detector: str
    provider: str | None = None
    related: list[RelatedLocation] = field(default_factory=list)
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Endpoint:
    """Who serves a model: the base URL as written and the operator its host maps to."""

    __pydantic_config__ = _CONFIG

    url: str | None = None
    """Base URL as written, or the SDK default"""
    host: str | None = None
    operator: str | None = None
    """Organisation operating the endpoint"""
    operator_id: str | None = None
    """Knowledge-base id of the endpoint record"""
    operator_country: str | None = None
    """ISO 3166-1 alpha-2, when known"""
    data_processing: str | None = None
    local: bool = False
    """Served from the team's own machine or network"""
    implied: bool = False
    """Not written in the code: the default endpoint of the SDK or route"""
    sources: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelRef:
    """A model as referenced, and its canonical identifier when one can be derived."""

    __pydantic_config__ = _CONFIG

    raw: str
    canonical: str
    hub: Hub
    provider: str | None = None
    """SDK, framework or route that selects it"""
    revision: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class InventoryItem:
    """One model served by one endpoint, with all evidence merged."""

    __pydantic_config__ = _CONFIG

    id: str
    """Stable key: canonical model id, and endpoint host when served remotely"""
    model: ModelRef
    endpoint: Endpoint | None = None
    kinds: list[EvidenceKind]
    docs_only: bool
    """True when the model is only mentioned in documentation"""
    confidence: Confidence
    evidence: list[Evidence]


@dataclass(frozen=True, slots=True, kw_only=True)
class EndpointUse:
    """An endpoint (base URL) the software talks to, with or without a model tied to it."""

    __pydantic_config__ = _CONFIG

    endpoint: Endpoint
    evidence: list[Evidence]


@dataclass(frozen=True, slots=True, kw_only=True)
class SdkUse:
    """An AI SDK declared as a dependency: evidence that it is present, never a model."""

    __pydantic_config__ = _CONFIG

    name: str
    ecosystem: Literal["pypi", "npm"]
    locations: list[Location]


@dataclass(frozen=True, slots=True, kw_only=True)
class Skipped:
    """A file or folder the scan did not read, and why."""

    __pydantic_config__ = _CONFIG

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


@dataclass(frozen=True, slots=True, kw_only=True)
class PluginStatus:
    """How one detector fared over the whole scan."""

    __pydantic_config__ = _CONFIG

    plugin: str
    files: int
    """Files handed to it"""
    detections: int
    errors: int
    error_samples: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanStats:
    """Counts and timing of the scan."""

    __pydantic_config__ = _CONFIG

    files_seen: int
    files_scanned: int
    files_skipped: int
    dirs_skipped: int
    bytes_read: int
    seconds: float
    jobs: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """The one document every output format reads."""

    __pydantic_config__ = _CONFIG

    schema_version: str = REPORT_SCHEMA_VERSION
    tool: str = "upstream"
    tool_version: str
    generated_at: str
    root: str
    """The scanned path as given on the command line"""
    config: dict[str, str | int | bool | list[str]] = field(default_factory=dict)
    inventory: list[InventoryItem]
    endpoints: list[EndpointUse]
    sdks: list[SdkUse]
    skipped: list[Skipped]
    statuses: list[PluginStatus]
    stats: ScanStats
    complete: bool
    """False when some input could not be read or parsed"""
