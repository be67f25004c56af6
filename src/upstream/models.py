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

from upstream.artifacts.types import ArtifactCard

# The detector side of the vocabulary lives in upstream.evidence (a scan needs it before forking); re-exported.
from upstream.evidence import CONFIDENCE_ORDER as CONFIDENCE_ORDER
from upstream.evidence import KIND_ORDER as KIND_ORDER
from upstream.evidence import PYDANTIC_CONFIG as PYDANTIC_CONFIG
from upstream.evidence import Confidence as Confidence
from upstream.evidence import Detection as Detection
from upstream.evidence import EvidenceKind as EvidenceKind
from upstream.evidence import Hub as Hub
from upstream.evidence import Related as Related
from upstream.evidence import Skipped as Skipped
from upstream.evidence import Subject as Subject
from upstream.evidence import Technique as Technique

REPORT_SCHEMA_VERSION = "1.0.0"

ProvenanceStatus = Literal["known", "partial", "unknown"]
Relation = Literal[
    "finetune", "continued-pretraining", "distilled", "merge", "adapter", "quantized", "repackaged", "unknown"
]
RestrictionClass = Literal[
    "territory-exclusion", "user-cap", "revenue-cap", "field-of-use", "acceptable-use", "attribution",
    "naming", "non-commercial", "no-training-other-models", "export-control", "application-required",
    "revocable", "guardrails", "terms-may-change", "derivatives-carry-terms", "other",
]
DisclosureLevel = Literal["open-data", "documented", "summary", "minimal", "none", "unknown"]


# --------------------------------------------------------------------------- report types

_CONFIG = PYDANTIC_CONFIG


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
    parent_country: str | None = None
    """Home country of the operator's parent, when it differs (an SG subsidiary of a CN group)"""
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


# --------------------------------------------------------------------------- provenance


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceRef:
    """A source a fact rests on."""

    __pydantic_config__ = _CONFIG

    id: str
    title: str
    url: str | None = None
    date: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrgRef:
    """A developer organisation: who made the weights (never the operator of an endpoint)."""

    __pydantic_config__ = _CONFIG

    id: str
    name: str
    country: str | None
    """ISO 3166-1 alpha-2 home country, null when unknown"""
    other_countries: list[str] = field(default_factory=list)
    type: str | None = None
    ownership: str | None = None
    state_ties: str | None = None
    listings: list[str] = field(default_factory=list)
    """Government lists naming the organisation"""
    transparency: dict[str, float] = field(default_factory=dict)
    """FMTI edition -> score"""


@dataclass(frozen=True, slots=True, kw_only=True)
class JurisdictionNote:
    """A law, listing or measure that applies to the developer, and why."""

    __pydantic_config__ = _CONFIG

    id: str
    jurisdiction: str
    kind: str
    name: str
    why: str
    """Why it applies: the developer's domicile, a listing, a restriction..."""
    summary: str
    sources: list[SourceRef] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class RestrictionInfo:
    """One restriction of a licence, by class."""

    __pydantic_config__ = _CONFIG

    kind: RestrictionClass
    text: str
    territories: list[str] = field(default_factory=list)
    threshold: str | None = None
    unverified: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class LicenceInfo:
    """A licence and its restrictions."""

    __pydantic_config__ = _CONFIG

    id: str
    name: str
    url: str | None = None
    spdx: str | None = None
    category: str
    applies_to: str | None = None
    restrictions: list[RestrictionInfo] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainingDataInfo:
    """How much the developer discloses about training data."""

    __pydantic_config__ = _CONFIG

    level: DisclosureLevel
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LineageEdge:
    """`child` was derived from `parent` by `relation`; `inferred` edges come from the name, not a record."""

    __pydantic_config__ = _CONFIG

    child: str
    parent: str
    relation: Relation
    role: str = "base"
    note: str | None = None
    inferred: bool = False
    unverified: bool = False
    sources: list[SourceRef] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class Root:
    """A model at the end of a lineage path, with its developer."""

    __pydantic_config__ = _CONFIG

    model: str
    family: str | None = None
    developer: OrgRef | None = None
    via: list[str] = field(default_factory=list)
    """Relations on the path from the resolved model"""


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """A possible identity for an ambiguous reference, ranked by confidence."""

    __pydantic_config__ = _CONFIG

    model: str | None = None
    family: str
    developer: str | None = None
    confidence: float
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Provenance:
    """Reference -> whose model it is and where it came from. The endpoint is a separate fact."""

    __pydantic_config__ = _CONFIG

    reference: str
    """The model reference as given"""
    normalized: str
    """The reference with provider prefixes and format suffixes removed"""
    status: ProvenanceStatus
    confidence: float
    resolver: Literal["kb", "hf-hub", "none"] = "kb"
    model: str | None = None
    """Knowledge-base model id, when the checkpoint is known"""
    family: str | None = None
    family_name: str | None = None
    developer: OrgRef | None = None
    jurisdiction_notes: list[JurisdictionNote] = field(default_factory=list)
    licence: LicenceInfo | None = None
    other_licences: list[LicenceInfo] = field(default_factory=list)
    open_weights: bool | Literal["partial"] | None = None
    training_data: TrainingDataInfo | None = None
    lineage: list[LineageEdge] = field(default_factory=list)
    roots: list[Root] = field(default_factory=list)
    endpoint: Endpoint | None = None
    """Who serves it: kept apart from the developer"""
    quantization: str | None = None
    sources: list[SourceRef] = field(default_factory=list)
    checked: str | None = None
    unverified: list[str] = field(default_factory=list)
    kb_version: str
    candidates: list[Candidate] = field(default_factory=list)
    tried: list[str] = field(default_factory=list)
    """What the resolver tried, in order"""


# --------------------------------------------------------------------------- measurements (probe runs)


@dataclass(frozen=True, slots=True, kw_only=True)
class Measurement:
    """One measured number from a probe run, with its 95% interval (None when n was too small)."""

    __pydantic_config__ = _CONFIG

    metric: str
    """Behaviour: non_answer, refusal, deflection, narrative, omission (China-topic items), sci (selective
    censorship index), language_gap, over_refusal. Capability: pass_at_1"""
    lang: str = "*"
    """A language tag, a gap such as "zh-Hans-en", or "*" for all"""
    scope: str = "all"
    """The topic id, a task subset (e.g. a difficulty), or all"""
    value: float | None
    low: float | None = None
    high: float | None = None
    n: int = 0
    insufficient: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeExample:
    """One answer from a probe run, kept as an example for the report (answer text cut short)."""

    __pydantic_config__ = _CONFIG

    item: str
    topic: str
    role: str
    lang: str
    label: str | None
    """answered / refusal / deflection / empty, or a task's passed / failed"""
    prompt: str = ""
    answer: str = ""
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MeasuredRun:
    """A saved probe run attached to an inventory item (or named to `upstream weigh`)."""

    __pydantic_config__ = _CONFIG

    kind: Literal["behaviour", "capability"]
    source: str
    """The run's JSON file as given"""
    endpoint: str | None = None
    model: str
    """The model name the run requested"""
    served_models: list[str] = field(default_factory=list)
    suite: str
    suite_version: str | None = None
    suite_hash: str | None = None
    date: str | None = None
    complete: bool = True
    match: str | None = None
    """How the run was matched to the inventory item"""
    metrics: list[Measurement] = field(default_factory=list)
    examples: list[ProbeExample] = field(default_factory=list)


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
    provenance: Provenance | None = None
    """Whose model it is and where it came from (the endpoint above is kept apart)"""
    measurements: list[MeasuredRun] = field(default_factory=list)
    """Probe runs (behaviour or capability) of this model, attached with `--probe RUN.json`"""


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


# --------------------------------------------------------------------------- policy

Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITY_ORDER: tuple[Severity, ...] = ("critical", "high", "medium", "low", "info")


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One policy rule that a model in the inventory breaks, with where and why."""

    __pydantic_config__ = _CONFIG

    rule: str
    """Stable kebab-case rule id (`upstream explain RULE` prints its documentation)"""
    severity: Severity
    confidence: Confidence
    message: str
    item: str | None = None
    """Id of the inventory item the finding is about"""
    model: str | None = None
    locations: list[Location] = field(default_factory=list)
    fingerprint: str
    """Stable across runs: hash of rule, model, endpoint and first location path (SARIF partialFingerprints)"""
    ignored: bool = False
    ignore_reason: str | None = None
    ignore_expires: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyOutcome:
    """How the policy was applied: where it came from, its decision, and the ignores that did not apply."""

    __pydantic_config__ = _CONFIG

    source: str
    """The policy file (or built-in profile) that was applied"""
    profile: str | None = None
    decision: Literal["pass", "fail"]
    fail_on: Severity
    """The lowest severity that fails the run"""
    unused_ignores: list[str] = field(default_factory=list)
    expired_ignores: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- weigh: risk against capability

RiskStatus = Literal["known", "partial", "unknown", "not-applicable"]
RiskLevel = Literal["low", "moderate", "elevated", "high"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskFactor:
    """One factor of provenance risk: its value, its weight, why, and the sources behind it."""

    __pydantic_config__ = _CONFIG

    id: str
    """developer-jurisdiction, lineage-roots, endpoint, licence, transparency, behaviour, supply-chain"""
    name: str
    value: float | None
    """0 (no concern) to 1 (highest concern); None when unknown or not applicable"""
    weight: float
    status: RiskStatus
    reason: str
    """One line"""
    details: list[str] = field(default_factory=list)
    sources: list[SourceRef] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskScore:
    """The weighted total, never without its factors; unknown factors widen [low, high]."""

    __pydantic_config__ = _CONFIG

    score: float
    """Weighted mean, unknown factors counted at the context's `unknown_as`"""
    low: float
    """Unknown factors counted as 0"""
    high: float
    """Unknown factors counted as 1"""
    level: RiskLevel
    unknown: list[str] = field(default_factory=list)
    """Ids of the factors whose facts are missing"""
    factors: list[RiskFactor]


@dataclass(frozen=True, slots=True, kw_only=True)
class BenchmarkScore:
    """One cited benchmark result from the knowledge base."""

    __pydantic_config__ = _CONFIG

    benchmark: str
    """Canonical key: livecodebench, swe-bench-verified, aider-polyglot, humaneval, ..."""
    name: str
    """The benchmark as the source names it (variant, window, harness)"""
    family: str
    model: str
    """The model as the source names it"""
    score: float
    independent: bool
    kind: str
    date: str
    note: str | None = None
    sources: list[SourceRef] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class Capability:
    """What a model can do on the team's task: cited benchmarks and the team's own measurement."""

    __pydantic_config__ = _CONFIG

    task: str
    benchmarks: list[BenchmarkScore] = field(default_factory=list)
    measured: list[MeasuredRun] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class BenchmarkDelta:
    """One benchmark for the model in use and an alternative."""

    __pydantic_config__ = _CONFIG

    benchmark: str
    current: float | None
    alternative: float | None
    delta: float | None
    comparable: bool
    """Same benchmark variant and same kind of source (vendor-reported vs independent)"""
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Alternative:
    """A model the team's policy allows, with what switching gains and costs."""

    __pydantic_config__ = _CONFIG

    family: str
    name: str
    developer: str | None = None
    country: str | None = None
    risk: RiskScore
    deltas: list[BenchmarkDelta] = field(default_factory=list)
    removes: list[str] = field(default_factory=list)
    """Risk factor ids that are lower for the alternative"""
    adds: list[str] = field(default_factory=list)
    """Risk factor ids that are higher for the alternative"""
    summary: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Assessment:
    """One model in use (or named as a candidate) weighed: risk factor by factor, capability, alternatives."""

    __pydantic_config__ = _CONFIG

    subject: str
    """The model as named"""
    item: str | None = None
    """The inventory item id, when it comes from a scan"""
    family: str | None = None
    name: str | None = None
    provenance_status: ProvenanceStatus
    passes_policy: bool | None = None
    """None when no policy applies"""
    policy_rules: list[str] = field(default_factory=list)
    """Rules whose findings fail this model"""
    risk: RiskScore
    capability: Capability
    alternatives: list[Alternative] = field(default_factory=list)
    summary: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FrontierPoint:
    """A model on the risk-against-capability chart."""

    __pydantic_config__ = _CONFIG

    family: str
    name: str
    developer: str | None = None
    country: str | None = None
    risk: float
    capability: float
    benchmark: str
    independent: bool
    on_frontier: bool
    in_use: bool
    passes_policy: bool | None = None
    measured: bool = False
    """Capability measured by the team's own capability probe rather than from a cited benchmark"""


@dataclass(frozen=True, slots=True, kw_only=True)
class WeighOutcome:
    """The `weigh` section: team context, weights, each model's assessment and the Pareto frontier."""

    __pydantic_config__ = _CONFIG

    task: str
    benchmark: str
    """The benchmark on the frontier's capability axis"""
    profile: str | None = None
    context: dict[str, str | int | float | bool | list[str]] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    assessments: list[Assessment] = field(default_factory=list)
    frontier: list[FrontierPoint] = field(default_factory=list)


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
    kb_version: str | None = None
    """Version (content hash) of the embedded knowledge base used to resolve provenance"""
    artifacts: list[ArtifactCard] = field(default_factory=list)
    """What each model file or folder met in the tree really is (identity, evidence, format safety)"""
    findings: list[Finding] = field(default_factory=list)
    policy: PolicyOutcome | None = None
    """Set when a policy was applied (`--policy`, upstream.toml or [tool.upstream])"""
    weigh: WeighOutcome | None = None
    """Set by `upstream weigh` (or `scan --weigh`): risk against capability, alternatives"""
    complete: bool
    """False when some input could not be read or parsed"""
