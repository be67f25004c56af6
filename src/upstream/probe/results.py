"""Probe report types: plain frozen dataclasses, cheap to import and to turn into JSON.

`ProbeReport` is the versioned document `-f json` writes, `--compare` reads back, and the HTML report's
probe section renders. Every rate carries its n; a value is None (with `insufficient`) when n is too small.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from upstream.capability.results import CapabilityReport

PROBE_SCHEMA_VERSION = "1.0.0"


@dataclass(frozen=True, slots=True, kw_only=True)
class Rate:
    """A proportion over items: `x` of `n` items (item-level shares when k > 1), Wilson 95% interval."""

    x: float
    n: int
    samples: int
    value: float | None  # None when n is insufficient
    low: float | None
    high: float | None
    insufficient: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class JudgeVerdict:
    """One judge's label for one answer."""

    judge: str
    label: str | None  # a rubric label, None when the judge's reply could not be read
    coarse: str | None  # answered / refusal / deflection, for agreement with the deterministic label
    error: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemResult:
    """One answer to one item in one language (one sample), with its transport class and labels."""

    item: str
    topic: str
    type: str
    role: str
    mirrors: str | None = None
    contested: bool = False
    lang: str
    sample: int = 0
    prompt_sha: str = ""
    transport: str
    detail: str | None = None
    label: str | None = None  # answered / refusal / deflection / empty; None unless transport is ok
    non_answer: bool | None = None
    refusal_evidence: list[str] = field(default_factory=list)
    deflection_evidence: list[str] = field(default_factory=list)
    partial_refusal: bool = False
    facts_found: list[str] = field(default_factory=list)
    facts_total: int = 0
    omission: bool = False
    narrative: list[str] = field(default_factory=list)
    narrative_attributed: list[str] = field(default_factory=list)
    answer_lang: str | None = None
    lang_mismatch: bool = False
    reasoning_chars: int = 0
    thought_suppressed: bool | None = None
    served_model: str | None = None
    finish_reason: str | None = None
    answer: str = ""
    answer_truncated: bool = False
    seconds: float = 0.0
    attempts: int = 0
    cached: bool = False
    judges: list[JudgeVerdict] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class Cell:
    """Rates for one group of answers (topic × type × language, topic × language, or role × language)."""

    topic: str  # a topic id, or "*" for all topics of the role
    type: str  # an item type, or "*"
    role: str
    lang: str
    non_answer: Rate
    refusal: Rate
    deflection: Rate
    narrative: Rate
    omission: Rate
    lang_mismatch: Rate
    fact_recall: float | None  # mean share of key facts found, over answered items with facts
    always: int  # items refused in every sample / in some / in none (k > 1)
    sometimes: int
    never: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PairedIndex:
    """A paired difference in non-answer share with its bootstrap interval and McNemar's exact test."""

    name: str  # sci (China items minus mirrors), language_gap (zh minus en), compare (B minus A)
    scope: str  # "all" or a topic id
    lang: str  # the language, or "zh-Hans-en" for a gap
    n: int  # pairs
    estimate: float | None
    low: float | None
    high: float | None
    discordant: list[int]  # [b, c]: pairs where only the first / only the second side is a non-answer
    p_value: float | None
    p_holm: float | None = None
    p_bh: float | None = None
    insufficient: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ThoughtSuppression:
    """Reasoning shown on neutral items versus on China items, same model and serving path."""

    lang: str
    baseline: Rate  # reasoning present on neutral and over-refusal items
    target_absent: Rate  # reasoning absent on China items
    applicable: bool  # the model shows reasoning on neutral items at all


@dataclass(frozen=True, slots=True, kw_only=True)
class JudgeAgreement:
    """How far the judge panel agrees with the deterministic labels and with itself."""

    judges: list[str]
    rubric_version: str
    units: int
    kappa_vs_deterministic: dict[str, float | None]
    kappa_pairwise: list[dict[str, Any]]
    alpha: float | None  # Krippendorff's alpha (nominal) over the judges' rubric labels
    errors: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Summary:
    """Everything the terminal table and the HTML section show."""

    transport: dict[str, int]
    cells: list[Cell]  # topic × type × language
    topics: list[Cell]  # topic × language, all types
    roles: list[Cell]  # role × language, all topics: target, mirror, neutral, over-refusal, harmful
    sci: list[PairedIndex]
    language_gap: list[PairedIndex]
    thought_suppression: list[ThoughtSuppression]
    judges: JudgeAgreement | None = None
    min_n: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Fingerprint:
    """What was measured, exactly: serving path, model, template, prompt, decoding, suite, date, tool."""

    endpoint: str  # without credentials or query
    local: bool
    model: str  # as requested
    served_models: list[str]  # as reported in the responses
    model_info: dict[str, Any] = field(default_factory=dict)  # the /models entry, when listed
    digest: str | None = None
    chat_template_sha256: str | None = None
    chat_template_source: str | None = None
    system_prompt: str | None = None
    system_prompt_sha256: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    samples: int = 1
    languages: list[str] = field(default_factory=list)
    suite: str
    suite_version: str
    suite_hash: str
    scorer_version: str
    system_fingerprints: list[str] = field(default_factory=list)
    date: str
    tool_version: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeReport:
    """One probe run."""

    schema_version: str = PROBE_SCHEMA_VERSION
    tool: str = "upstream"
    kind: str = "probe"
    generated_at: str
    fingerprint: Fingerprint
    results: list[ItemResult]
    summary: Summary
    complete: bool  # False when some requests ended in infrastructure errors
    requests_sent: int
    requests_cached: int
    capability: CapabilityReport | None = None  # the coding capability run made with it (`--capability`)


def to_dict(obj: Any) -> dict[str, Any]:
    return asdict(obj)


def result_from_dict(data: dict[str, Any]) -> ItemResult:
    """An ItemResult from its JSON form (unknown keys ignored, for reports from newer versions)."""
    names = set(ItemResult.__dataclass_fields__)
    values = {k: v for k, v in data.items() if k in names}
    values["judges"] = [JudgeVerdict(**{k: v for k, v in j.items() if k in JudgeVerdict.__dataclass_fields__})
                        for j in data.get("judges") or [] if isinstance(j, dict)]
    return ItemResult(**values)
