"""What is weighed: one model's provenance, the endpoint that serves it, its probe runs and its model files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from upstream.artifacts.types import ArtifactCard
from upstream.models import Endpoint, MeasuredRun, Provenance


@dataclass(frozen=True)
class RiskSubject:
    """One model as the team uses it (or would use it): whose it is, who serves it, what was measured."""

    provenance: Provenance | None
    endpoint: Endpoint | None
    """Who serves it; None when the serving path is unknown (the provenance's endpoint is used when set)"""
    measurements: Sequence[MeasuredRun] = ()
    artifacts: Sequence[ArtifactCard] = ()
    """Model files of this model met in the tree (`upstream inspect` cards)"""
    revision_pinned: bool | None = None
    """Hub downloads: True pinned, False by name only; None when not applicable or not known (API models)"""
