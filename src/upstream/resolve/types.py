"""What the resolver answers: the provenance of one model reference, each fact with its sources.

The types live in `upstream.models` (the vocabulary of the Report); they are re-exported here.
"""

from __future__ import annotations

from upstream.models import (
    Candidate,
    JurisdictionNote,
    LicenceInfo,
    LineageEdge,
    OrgRef,
    Provenance,
    ProvenanceStatus,
    RestrictionInfo,
    Root,
    SourceRef,
    TrainingDataInfo,
)

Status = ProvenanceStatus

__all__ = [
    "Candidate", "JurisdictionNote", "LicenceInfo", "LineageEdge", "OrgRef", "Provenance", "RestrictionInfo",
    "Root", "SourceRef", "Status", "TrainingDataInfo",
]
