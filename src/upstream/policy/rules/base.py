"""What a policy rule is: an id, a default severity, documentation, an options model and a check."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from upstream.artifacts.types import ArtifactCard
from upstream.models import Confidence, InventoryItem, Location, Severity
from upstream.policy.probes import ProbeMetric


class RuleOptions(BaseModel):
    """Options every rule takes. A rule is on when its table is in the policy (`[rules.RULE-ID]`)."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    enabled: bool = True
    """false turns off a rule that a profile enabled"""
    severity: Severity | None = None
    """Overrides the rule's default severity"""
    paths: tuple[str, ...] = ()
    """Only models referenced under these paths (gitignore-style patterns, e.g. "services/billing/")"""
    exclude_paths: tuple[str, ...] = ()
    """Not models referenced only under these paths"""

    @field_validator("paths", "exclude_paths")
    @classmethod
    def _patterns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for p in value:
            if not p.strip():
                raise ValueError("a path pattern may not be empty")
        return value


class CountryOptions(RuleOptions):
    """A deny list (`countries`) or an allow list (`allow`) of ISO 3166-1 alpha-2 codes; "EU" means its members."""

    countries: tuple[str, ...] = ()
    """Flag when the country is one of these"""
    allow: tuple[str, ...] = ()
    """Flag when the country is known and not one of these"""
    flag_unknown: bool = False
    """Also flag when the country is not known"""

    @field_validator("countries", "allow")
    @classmethod
    def _codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from upstream.policy.facts import check_country_codes

        return check_country_codes(value)

    @model_validator(mode="after")
    def _some_condition(self) -> CountryOptions:
        if self.countries and self.allow:
            raise ValueError("set either `countries` (a deny list) or `allow` (an allow list), not both")
        if not (self.countries or self.allow or self.flag_unknown or self.other_condition()):
            raise ValueError(f"set `countries` (a deny list) or `allow` (an allow list){self.other_hint()}")
        return self

    def other_condition(self) -> bool:
        """A rule-specific option that makes the rule meaningful without a country list."""
        return False

    def other_hint(self) -> str:
        return ""


OptionsT = TypeVar("OptionsT", bound=RuleOptions)


@dataclass(frozen=True)
class Hit:
    """One breach a rule found; the engine turns it into a Finding (fingerprint, ignores, severity)."""

    message: str
    model: str | None
    locations: list[Location]
    item: InventoryItem | None = None
    operator: str | None = None
    """Endpoint operator (KB id or host), part of the fingerprint"""
    severity: Severity | None = None
    """Overrides the configured severity (e.g. a self-hosted model reported for review)"""
    confidence: Confidence = "high"


@dataclass(frozen=True)
class Context:
    """What one rule sees: the inventory items and artifacts in its scope, and any probe results."""

    items: tuple[InventoryItem, ...]
    artifacts: tuple[ArtifactCard, ...]
    probes: tuple[ProbeMetric, ...] = ()
    all_items: tuple[InventoryItem, ...] = ()
    """Every inventory item, in scope or not (to match probe results to models)"""
    locate: Callable[[InventoryItem], list[Location]] = field(default=lambda item: [])
    """The item's locations within the rule's scope, most telling first"""

    def hit(self, item: InventoryItem, message: str, **kw: Any) -> Hit:
        """A hit about an inventory item, with its model, operator and locations filled in."""
        ep = item.endpoint
        operator = (ep.operator_id or ep.host or ep.operator) if ep is not None else None
        kw.setdefault("confidence", item.confidence)
        return Hit(message=message, model=item.model.canonical, locations=self.locate(item), item=item,
                   operator=operator, **kw)


@dataclass(frozen=True)
class Source:
    """A public source a rule's rationale rests on."""

    title: str
    url: str


class Rule(Generic[OptionsT]):
    """A policy rule. Subclasses set the class attributes and implement `check`."""

    id: ClassVar[str]
    """Stable kebab-case id"""
    name: ClassVar[str]
    """PascalCase name (SARIF reportingDescriptor.name)"""
    default_severity: ClassVar[Severity]
    summary: ClassVar[str]
    """One line: what a finding means"""
    checks: ClassVar[str]
    """What it checks (markdown)"""
    why: ClassVar[str]
    """Why it matters (markdown)"""
    fix: ClassVar[str]
    """How to fix it (markdown)"""
    example: ClassVar[str]
    """A TOML snippet that enables it"""
    tags: ClassVar[tuple[str, ...]] = ()
    kb_sources: ClassVar[tuple[str, ...]] = ()
    """Knowledge-base source ids behind `why`"""
    sources: ClassVar[tuple[Source, ...]] = ()
    """Other public sources behind `why`"""
    options: type[OptionsT]

    def check(self, ctx: Context, opts: OptionsT) -> Iterator[Hit]:
        raise NotImplementedError


__all__ = ["CountryOptions", "Field", "Hit", "Rule", "RuleOptions", "Source"]
