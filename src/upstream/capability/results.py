"""Capability report types: plain frozen dataclasses, cheap to import and to turn into JSON.

`CapabilityReport` is the versioned document (`"kind": "capability"`) that `upstream probe --capability`
writes, on its own (`--suite none`) or under the key "capability" of the behaviour probe's document.
The fingerprint is the behaviour probe's (`upstream.probe.results.Fingerprint`), with the capability
suite's id, version and hash, and the harness version in `scorer_version`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from upstream.probe.results import Fingerprint, Rate

CAPABILITY_SCHEMA_VERSION = "1.0.0"
HARNESS_VERSION = "capability-1"  # prompt assembly, code extraction and judging; bump when any changes

TaskStatus = Literal["passed", "failed", "no-code", "not-scored"]
"""passed: the hidden tests passed · failed: they did not (wrong, crashed, timed out, blocked...) ·
no-code: the answer held no code (counts as a failure) · not-scored: no usable answer (infrastructure
error, provider block, sandbox failure), left out of every rate."""
SCORED: frozenset[str] = frozenset({"passed", "failed", "no-code"})


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskResult:
    """One answer to one task (one sample): how it came back, what code it held and what the tests said."""

    task: str
    title: str
    difficulty: str
    tags: list[str] = field(default_factory=list)
    sample: int = 0
    prompt_sha: str = ""
    transport: str  # the probe's transport class: ok, truncated, empty_after_reasoning, provider_blocked, infra_error
    detail: str | None = None  # why, for anything but ok
    status: str  # a TaskStatus
    sandbox_status: str | None = None  # the sandbox's status, when the code ran
    sandbox_detail: str | None = None
    sandbox_seconds: float | None = None
    extraction: str | None = None  # fenced / bare / none
    extraction_note: str | None = None
    defines_entry: bool = False
    code_sha: str | None = None
    code: str = ""  # the extracted program (cut short)
    stderr: str = ""  # the end of the tests' error output
    answer: str = ""  # the visible answer (cut short)
    answer_truncated: bool = False
    reasoning_chars: int = 0
    served_model: str | None = None
    finish_reason: str | None = None
    seconds: float = 0.0  # the request's time
    attempts: int = 0
    cached: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class PassAtK:
    """The unbiased pass@k estimate over the tasks with at least k scored samples."""

    k: int
    value: float | None  # None when no task has k scored samples
    n: int  # tasks that count


@dataclass(frozen=True, slots=True, kw_only=True)
class CapabilitySummary:
    """The numbers: pass@1 with its Wilson 95% interval overall and per difficulty, pass@k, status counts."""

    tasks: int  # tasks in the suite
    samples: int  # samples per task (k)
    pass_at_1: Rate  # x: tasks' pass shares summed, n: tasks with a scored answer
    by_difficulty: dict[str, Rate]
    pass_at_k: list[PassAtK]
    transport: dict[str, int]
    statuses: dict[str, int]
    sandbox: dict[str, int]  # sandbox statuses of the code that ran
    isolation: list[str]  # the sandbox's layers on the machine that ran the code
    min_n: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CapabilityReport:
    """One capability run."""

    schema_version: str = CAPABILITY_SCHEMA_VERSION
    tool: str = "upstream"
    kind: str = "capability"
    generated_at: str
    fingerprint: Fingerprint
    results: list[TaskResult]
    summary: CapabilitySummary
    complete: bool  # False when some answers were not scored (rerun to retry them)
    requests_sent: int
    requests_cached: int
