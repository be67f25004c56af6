"""The knowledge base's record types: one pydantic model per YAML record, exported as JSON Schema.

Every fact-bearing record cites `sources` (ids into `sources.yaml`) and carries a `checked` date.
Facts nobody could confirm are listed under `unverified`; unknown values are null, never guessed.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from upstream.kb.countries import is_country, is_jurisdiction
from upstream.models import DisclosureLevel, Relation, RestrictionClass

__all__ = ["DisclosureLevel", "Relation", "RestrictionClass"]

KB_SCHEMA_VERSION = "1.0.0"

_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9.+_-]*$")


def _date(value: str) -> str:
    if not _DATE_RE.match(value):
        raise ValueError(f"not a date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}")
    return value


def _country(value: str) -> str:
    if not is_country(value):
        raise ValueError(f"not an ISO 3166-1 alpha-2 country code: {value!r}")
    return value


def _jurisdiction(value: str) -> str:
    if not is_jurisdiction(value):
        raise ValueError(f"not a country, region (EU) or ISO 3166-2 subdivision: {value!r}")
    return value


def _record_id(value: str) -> str:
    if not _ID_RE.match(value):
        raise ValueError(f"ids are lower-case kebab-case: {value!r}")
    return value


Date = Annotated[str, AfterValidator(_date)]
Country = Annotated[str, AfterValidator(_country)]
Jurisdiction = Annotated[str, AfterValidator(_jurisdiction)]
RecordId = Annotated[str, AfterValidator(_record_id)]
SourceIds = Annotated[list[str], Field(min_length=1, description="Ids into sources.yaml")]

SourceKind = Literal[
    "primary-report", "leaderboard", "official-doc", "official-blog", "model-card", "model-card-copy",
    "model-card-discussion", "model-repo", "code", "doc", "dataset", "paper", "news", "secondary",
    "secondary-copy", "commentary", "law-firm", "legal-text", "legal-analysis", "government", "aggregator",
    "third-party-doc", "third-party-eval", "licence-text", "licence-copy",
]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class _Sourced(_Record):
    unverified: list[str] = Field(default_factory=list, description="Facts in this record no source confirms")
    sources: SourceIds
    checked: Date = Field(description="When a person last checked this record against its sources")


class Source(_Record):
    """Where a fact comes from: a web page, or a file in a public repository (pinned to a commit when known)."""

    title: str
    kind: SourceKind
    url: str | None = None
    repo: str | None = Field(default=None, description="owner/name on GitHub")
    commit: str | None = None
    path: str | None = None
    date: Date | None = Field(default=None, description="Publication or snapshot date, when the source has one")
    note: str | None = None

    @model_validator(mode="after")
    def _where(self) -> Source:
        if not self.url and not (self.repo and self.path) and not self.note:
            raise ValueError("a source needs a url, a repo and a path, or a note saying why it has no address")
        return self


class Listing(_Record):
    """A government list or measure naming the organisation (e.g. the US Entity List)."""

    name: str
    jurisdiction: Jurisdiction
    date: str | None = None
    note: str | None = None
    measure: str | None = Field(default=None, description="Id of the measure in jurisdictions.yaml")
    sources: SourceIds


class TransparencyScore(_Record):
    index: Literal["fmti"] = "fmti"
    edition: str = Field(description="e.g. 2025-12")
    score: float
    out_of: int = 100
    sources: SourceIds


class Organisation(_Sourced):
    """A developer of model weights (not the operator of an endpoint: that is endpoints.yaml)."""

    id: RecordId
    name: str
    legal_names: list[str] = Field(default_factory=list)
    hq_city: str | None = None
    country: Country | None = Field(description="Home country (ISO 3166-1 alpha-2); null when not known")
    other_countries: list[Country] = Field(default_factory=list)
    type: str
    ownership: str | None = None
    parent: str | None = Field(default=None, description="Organisation id of a parent, when in the KB")
    state_ties: str | None = None
    listings: list[Listing] = Field(default_factory=list)
    transparency: list[TransparencyScore] = Field(default_factory=list)
    hf_namespaces: list[str] = Field(default_factory=list, description="Hugging Face orgs that publish its weights")


class Restriction(_Record):
    """One limit a licence places on use: who, where, what for, and what must be shown."""

    kind: RestrictionClass
    text: str
    territories: list[Jurisdiction] = Field(default_factory=list)
    threshold: str | None = None
    sources: SourceIds
    unverified: bool = False


class Licence(_Sourced):
    id: RecordId
    name: str
    spdx: str | None = None
    url: str | None = None
    category: Literal[
        "permissive", "open-weights-restricted", "non-commercial", "research-only", "proprietary", "unknown"
    ]
    osi_approved: bool | None = None
    restrictions: list[Restriction] = Field(default_factory=list)


class LicenceRef(_Record):
    id: str
    applies_to: str | None = Field(default=None, description="Which versions or sizes, when not all")


class TrainingData(_Record):
    level: DisclosureLevel
    note: str | None = None


class Parent(_Record):
    """A lineage edge from a model to the model it was derived from."""

    model: str = Field(description="Model id, or family:<id> when only the family is known")
    relation: Relation
    role: Literal["base", "teacher", "merge-parent", "original"] = "base"
    note: str | None = None
    sources: SourceIds
    unverified: bool = False


class ModelRecord(_Record):
    """One checkpoint or API model inside a family; inherits the family's facts unless it overrides them."""

    id: str = Field(description="Hugging Face repo id when there is one, else the API or Ollama name")
    aliases: list[str] = Field(default_factory=list, description="Other spellings: API names, Ollama tags")
    released: Date | None = None
    licence: str | None = Field(default=None, description="Licence id when it differs from the family's")
    open_weights: bool | None = None
    parents: list[Parent] = Field(default_factory=list)
    note: str | None = None
    unverified: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list, description="Extra sources beyond the family's")


class Match(_Record):
    """How references find the family: exact ids first, then name prefixes (longest wins), then patterns."""

    prefixes: list[str] = Field(
        default_factory=list, description="Lower-case name stems, e.g. qwen2.5-coder (matched at a separator)"
    )
    patterns: list[str] = Field(default_factory=list, description="Regular expressions over the lower-case stem")
    ollama: list[str] = Field(default_factory=list, description="Ollama library names")
    api: list[str] = Field(default_factory=list, description="API model names served by first-party APIs")

    @model_validator(mode="after")
    def _regexes(self) -> Match:
        for p in self.patterns:
            re.compile(p)
        return self


class Family(_Sourced):
    """A model family: developer, licence, openness, training-data disclosure, and how to recognise it."""

    id: RecordId
    name: str
    developer: str = Field(description="Organisation id")
    co_developers: list[str] = Field(default_factory=list)
    first_release: str | None = Field(default=None, description="Date, possibly partial or qualified")
    versions: str | None = None
    licences: list[LicenceRef] = Field(default_factory=list)
    licence_note: str | None = None
    open_weights: bool | Literal["partial"] | None
    training_data: TrainingData
    lineage_note: str | None = None
    architecture_note: str | None = None
    hf_architectures: list[str] = Field(default_factory=list)
    model_type: str | None = None
    gguf_architectures: list[str] = Field(default_factory=list)
    match: Match = Field(default_factory=Match)
    models: list[ModelRecord] = Field(default_factory=list)


class AppliesTo(_Record):
    domiciled_in: list[Jurisdiction] = Field(default_factory=list, description="Developers or operators based there")
    organisations: list[str] = Field(default_factory=list)
    families: list[str] = Field(default_factory=list)
    market: list[Jurisdiction] = Field(default_factory=list, description="Anyone placing models on this market")


class Measure(_Sourced):
    """A law, rule, listing, restriction or evaluation that bears on model provenance."""

    id: RecordId
    jurisdiction: Jurisdiction
    kind: Literal["law", "regulation", "listing", "restriction", "evaluation", "bill", "export-control"]
    name: str
    actor: str | None = None
    date: str | None = None
    provision: str
    relevance: str | None = None
    applies_to: AppliesTo = Field(default_factory=AppliesTo)


class TransparencyIndex(_Sourced):
    id: RecordId
    name: str
    note: str | None = None
    editions: dict[str, dict[str, float]]
    data_subscores: dict[str, dict[str, float]] = Field(default_factory=dict)
    domains: dict[str, dict[str, dict[str, float]]] = Field(default_factory=dict)


class Benchmark(_Record):
    family: str
    model: str
    benchmark: str
    score: float
    kind: str = Field(description="vendor-reported, independent leaderboard, third-party...")
    independent: bool
    date: str
    note: str | None = None
    sources: SourceIds


class EndpointSource(_Record):
    title: str
    url: str | None = None
    repo: str | None = None
    path: str | None = None
    commit: str | None = None
    date: str | None = None
    kind: str | None = None
    note: str | None = None


class EndpointRecord(_Record):
    """An API endpoint's operator and where it processes data (kb/data/endpoints.yaml)."""

    id: str
    operator: str
    operator_legal: str | None = None
    operator_country: Country | None = None
    parent_country: Country | None = None
    data_processing: str | None = None
    hosts: list[str] = Field(default_factory=list)
    host_suffixes: list[str] = Field(default_factory=list)
    host_patterns: list[str] = Field(default_factory=list,
                                     description="Glob patterns, e.g. bedrock-runtime.*.amazonaws.com")
    default_url: str | None = None
    local: bool = False
    local_ports: list[int] = Field(default_factory=list)
    serves: list[str] = Field(default_factory=list)
    note: str | None = None
    unverified: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    checked: Date


class EndpointsFile(_Record):
    checked: Date | None = None
    sources: dict[str, EndpointSource] = Field(default_factory=dict)
    endpoints: list[EndpointRecord]


class SourcesFile(_Record):
    sources: dict[str, Source]


class OrganisationsFile(_Record):
    organisations: list[Organisation]


class FamiliesFile(_Record):
    families: list[Family]


class LicencesFile(_Record):
    licences: list[Licence]


class JurisdictionsFile(_Record):
    measures: list[Measure]
    indices: list[TransparencyIndex] = Field(default_factory=list)


class BenchmarksFile(_Record):
    benchmarks: list[Benchmark]


FILE_MODELS: dict[str, type[_Record]] = {
    "sources": SourcesFile, "organisations": OrganisationsFile, "families": FamiliesFile,
    "licences": LicencesFile, "jurisdictions": JurisdictionsFile, "benchmarks": BenchmarksFile,
    "endpoints": EndpointsFile,
}


def json_schema() -> dict[str, Any]:
    """One JSON Schema document describing every knowledge-base file, keyed by file kind."""
    defs: dict[str, Any] = {}
    kinds: dict[str, Any] = {}
    for kind, model in FILE_MODELS.items():
        schema = model.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(schema.pop("$defs", {}))
        defs[model.__name__] = schema
        kinds[kind] = {"$ref": f"#/$defs/{model.__name__}"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://upstream.dev/schema/kb/knowledge-base-{KB_SCHEMA_VERSION}.json",
        "title": "upstream knowledge base",
        "description": "Records of kb/data/*.yaml. Each file is one of the kinds below (families/*.yaml are "
                       "'families').",
        "version": KB_SCHEMA_VERSION,
        "oneOf": list(kinds.values()),
        "x-file-kinds": kinds,
        "$defs": dict(sorted(defs.items())),
    }
