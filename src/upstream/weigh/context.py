"""The team's context for weighing risk: where it operates, its sector, its data, its scale, its uses, its weights.

It comes from the `[weigh]` table of the policy file (upstream.toml or `[tool.upstream]`), over the built-in
profile the policy extends, and falls back to defaults when there is no policy:

    [weigh]
    task = "coding"                  # the task capability is weighed on
    operates_in = ["US", "EU"]       # ISO 3166-1 alpha-2 codes, or "EU" for the member states
    sector = "government"            # general, research, education, regulated, finance, health, ...
    data_sensitivity = "personal"    # public, internal, confidential, personal, special-category
    monthly_active_users = 250000    # compared with licence user caps
    uses = ["commercial"]            # compared with licence use restrictions
    unknown_as = 0.5                 # how much an unknown factor counts in the score (0..1)
    [weigh.weights]                  # per factor id; missing ones keep their default
    endpoint = 2.0
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from upstream.errors import ConfigError
from upstream.policy.facts import check_country_codes, closest
from upstream.weigh.factors.judgement import (
    DEFAULT_WEIGHTS,
    FACTOR_IDS,
    SECTORS,
    SENSITIVITIES,
    UNKNOWN_AS,
    USES,
)

if TYPE_CHECKING:
    from upstream.policy.config import Policy

Sector = Literal[
    "general", "research", "education", "regulated", "finance", "health", "critical-infrastructure",
    "government", "defence",
]
Sensitivity = Literal["public", "internal", "confidential", "personal", "special-category"]
_TASK_RE = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
_DEFAULT_TASK = "coding"


@dataclass(frozen=True)
class WeighContext:
    """Who is weighing: the facts about the team that change how much a provenance fact weighs."""

    task: str = _DEFAULT_TASK
    operates_in: tuple[str, ...] = ()
    """Countries (ISO 3166-1 alpha-2) or "EU"; empty: not declared"""
    sector: str = "general"
    data_sensitivity: str = "internal"
    monthly_active_users: int | None = None
    uses: tuple[str, ...] = ()
    """Empty: not declared (licence terms are read as for commercial use)"""
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    unknown_as: float = UNKNOWN_AS
    profile: str | None = None

    def weight(self, factor: str) -> float:
        """The weight of one factor (its default when the context does not set it)."""
        return float(self.weights.get(factor, DEFAULT_WEIGHTS.get(factor, 1.0)))

    def as_dict(self) -> dict[str, str | int | float | bool | list[str]]:
        """The context as it appears in the report (weights are reported apart)."""
        out: dict[str, str | int | float | bool | list[str]] = {
            "task": self.task, "operates_in": list(self.operates_in), "sector": self.sector,
            "data_sensitivity": self.data_sensitivity, "uses": list(self.uses), "unknown_as": self.unknown_as,
        }
        if self.monthly_active_users is not None:
            out["monthly_active_users"] = self.monthly_active_users
        if self.profile:
            out["profile"] = self.profile
        return out


class WeighTable(BaseModel):
    """The `[weigh]` table of a policy file, validated (errors read like the other policy errors)."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    task: str = _DEFAULT_TASK
    """The task capability is weighed on: coding, general..."""
    operates_in: tuple[str, ...] = ()
    """Countries the team operates in (ISO 3166-1 alpha-2), or "EU" for the member states"""
    sector: Sector = "general"
    """general, research, education, regulated, finance, health, critical-infrastructure, government, defence"""
    data_sensitivity: Sensitivity = "internal"
    """The most sensitive data sent in prompts: public, internal, confidential, personal, special-category"""
    monthly_active_users: int | None = Field(default=None, ge=0)
    """Users of the product per month, compared with licence user caps"""
    uses: tuple[str, ...] = ()
    """What the team does with the model (see USES): commercial, research, hosted-service, train-other-models..."""
    unknown_as: float = Field(default=UNKNOWN_AS, ge=0.0, le=1.0)
    """How much an unknown factor counts in the score, from 0 to 1"""
    weights: dict[str, float] = Field(default_factory=dict)
    """Weight per factor id (0 leaves a factor out of the total; it is still shown)"""

    @field_validator("task")
    @classmethod
    def _task(cls, value: str) -> str:
        value = value.strip().lower()
        known = _known_tasks()
        if known and value not in known:
            raise ValueError(f"unknown task {value!r}{closest(value, known)}; tasks: {', '.join(known)}")
        if not _TASK_RE.match(value):
            raise ValueError(f"a task is a short lower-case word such as 'coding' (got {value!r})")
        return value

    @field_validator("operates_in")
    @classmethod
    def _countries(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(check_country_codes(value)))

    @field_validator("uses")
    @classmethod
    def _uses(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        out = []
        for raw in value:
            use = raw.strip().lower().replace("_", "-").replace(" ", "-")
            if use not in USES:
                raise ValueError(f"unknown use {raw!r}{closest(use, USES)}; uses: {', '.join(USES)}")
            out.append(use)
        return tuple(dict.fromkeys(out))

    @field_validator("weights")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        for key, weight in value.items():
            if key not in FACTOR_IDS:
                raise ValueError(f"unknown factor {key!r}{closest(key, FACTOR_IDS)}; factors: {', '.join(FACTOR_IDS)}")
            if not weight >= 0 or weight == float("inf"):
                raise ValueError(f"the weight of {key!r} must be a finite number >= 0 (got {weight!r})")
        return value

    @model_validator(mode="after")
    def _some_weight(self) -> WeighTable:
        merged = {**DEFAULT_WEIGHTS, **self.weights}
        if not any(w > 0 for w in merged.values()):
            raise ValueError("weights: at least one factor needs a weight above 0")
        return self


def _known_tasks() -> tuple[str, ...]:
    """The tasks capability knows benchmarks for (empty while that module is not there)."""
    try:
        from upstream.weigh.capability import TASK_BENCHMARKS
    except ImportError:
        return ()
    return tuple(TASK_BENCHMARKS)


def validate_table(data: Any) -> dict[str, Any]:
    """A `[weigh]` table checked and normalised (only the keys it sets); pydantic ValidationError when bad."""
    return WeighTable.model_validate(data).model_dump(exclude_unset=True)


def merge_tables(base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    """A profile's `[weigh]` with a file's over it: key by key, and weights factor by factor."""
    out = {**base, **top}
    if isinstance(base.get("weights"), Mapping) and isinstance(top.get("weights"), Mapping):
        out["weights"] = {**base["weights"], **top["weights"]}
    return out


def context_from_table(table: Mapping[str, Any] | None, *, profile: str | None = None,
                       task: str | None = None) -> WeighContext:
    """The context a `[weigh]` table describes (defaults for what it leaves out)."""
    t = _checked(dict(table or {}), "[weigh]")
    return WeighContext(
        task=_checked({"task": task}, "task").task if task else t.task,
        operates_in=t.operates_in, sector=t.sector, data_sensitivity=t.data_sensitivity,
        monthly_active_users=t.monthly_active_users, uses=t.uses, weights={**DEFAULT_WEIGHTS, **t.weights},
        unknown_as=t.unknown_as, profile=profile,
    )


def _checked(data: dict[str, Any], what: str) -> WeighTable:
    try:
        return WeighTable.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        msg = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{what}: {where + ': ' if where else ''}{msg}", hint="see docs/weigh.md") from None


def context_from_policy(policy: Policy | None, *, task: str | None = None) -> WeighContext:
    """The team's context from its policy's `[weigh]` table; defaults when there is no policy or no table.
    `task` (e.g. from the command line) overrides the table's."""
    if policy is None:
        return context_from_table(None, task=task)
    table: Mapping[str, Any] | None = getattr(policy, "weigh", None)
    return context_from_table(table, profile=policy.profile, task=task)


__all__ = [
    "SECTORS", "SENSITIVITIES", "USES", "WeighContext", "WeighTable", "context_from_policy", "context_from_table",
    "merge_tables", "validate_table",
]
