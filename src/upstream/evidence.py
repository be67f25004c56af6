"""What detectors produce and the walk records: the part of the vocabulary (`upstream.models`) that a
scan needs before it reads a file.

Kept apart so that a scan's start, which runs before the worker processes fork and while the second core
waits, creates three dataclasses instead of fifty: the Report's types are imported while the workers scan.
`upstream.models` re-exports every name here; import them from either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from upstream.artifacts.types import ArtifactCard

EvidenceKind = Literal["code", "config", "env", "notebook", "docs", "artifact"]
Confidence = Literal["high", "medium", "low"]
Technique = Literal[
    "source-code-analysis", "manifest-analysis", "binary-analysis", "filename", "hash-comparison", "other"
]
Hub = Literal["huggingface", "ollama", "api", "file", "unknown"]
Subject = Literal["model", "endpoint", "sdk"]

KIND_ORDER: tuple[EvidenceKind, ...] = ("code", "config", "env", "notebook", "artifact", "docs")
CONFIDENCE_ORDER: tuple[Confidence, ...] = ("high", "medium", "low")

PYDANTIC_CONFIG = {"use_attribute_docstrings": True, "extra": "forbid"}


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
    artifact: ArtifactCard | None = None  # what a model file really is (model-files detector)


@dataclass(frozen=True, slots=True, kw_only=True)
class Skipped:
    """A file or folder the scan did not read, and why."""

    __pydantic_config__ = PYDANTIC_CONFIG

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
