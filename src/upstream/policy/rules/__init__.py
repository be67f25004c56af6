"""The policy rules: one module per rule, listed here in a fixed order (the order of `upstream policy rules`)."""

from __future__ import annotations

from typing import Any

from upstream.policy.rules import (
    artifact_identity_mismatch,
    data_processing_location,
    developer_country,
    developer_organisation,
    licence_not_allowed,
    licence_restriction,
    lineage_root_country,
    operator_country,
    probe_threshold,
    unknown_provenance,
    unpinned_model_revision,
    unsafe_model_format,
)
from upstream.policy.rules.base import Context, Hit, Rule, RuleOptions

RULES: tuple[Rule[Any], ...] = (
    developer_country.RULE,
    lineage_root_country.RULE,
    operator_country.RULE,
    data_processing_location.RULE,
    developer_organisation.RULE,
    licence_not_allowed.RULE,
    licence_restriction.RULE,
    unknown_provenance.RULE,
    unpinned_model_revision.RULE,
    artifact_identity_mismatch.RULE,
    unsafe_model_format.RULE,
    probe_threshold.RULE,
)
BY_ID: dict[str, Rule[Any]] = {r.id: r for r in RULES}


def get_rule(rule_id: str) -> Rule[Any] | None:
    return BY_ID.get(rule_id)


__all__ = ["BY_ID", "RULES", "Context", "Hit", "Rule", "RuleOptions", "get_rule"]
