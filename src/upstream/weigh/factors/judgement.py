"""upstream's judgement: every number the risk factors use that is not a fact, in one place.

Facts (a developer's country, a law that applies there, a licence's restrictions, an endpoint's
processing location, a transparency score) come from the knowledge base with their source ids. What
those facts *weigh* is a judgement, made here and documented in docs/weigh.md: change a constant and the
documentation together. Every value is on the 0 (no concern) .. 1 (highest concern) scale of a factor.
"""

from __future__ import annotations

from typing import Final

from upstream.models import RiskLevel

# --------------------------------------------------------------------------- factors and default weights

FACTOR_IDS: Final = (
    "developer-jurisdiction", "lineage-roots", "endpoint", "licence", "transparency", "behaviour", "supply-chain",
)
FACTOR_NAMES: Final[dict[str, str]] = {
    "developer-jurisdiction": "Developer jurisdiction",
    "lineage-roots": "Lineage roots",
    "endpoint": "Endpoint operator and data location",
    "licence": "Licence restrictions",
    "transparency": "Transparency",
    "behaviour": "Measured behaviour",
    "supply-chain": "Supply-chain integrity",
}
# Where the weights come from and who reads them: jurisdiction, lineage and the endpoint decide who can reach
# the weights and the data, so they count in full; licence and behaviour bind some teams and not others;
# transparency and supply chain are about what can be checked, so they count less by default.
DEFAULT_WEIGHTS: Final[dict[str, float]] = {
    "developer-jurisdiction": 1.0,
    "lineage-roots": 1.0,
    "endpoint": 1.0,
    "licence": 0.75,
    "transparency": 0.5,
    "behaviour": 0.75,
    "supply-chain": 0.75,
}
UNKNOWN_AS: Final = 0.5
"""How much an unknown factor counts in the score: halfway, neither safe nor condemned."""

# Level of the total score: the first whose upper bound the score stays under. A total is never "low" while
# its unknown factors could lift it (its `high`) to MIN_HIGH_FOR_LOW or above: missing facts are not safety.
LEVELS: Final[tuple[tuple[RiskLevel, float], ...]] = (
    ("low", 0.2), ("moderate", 0.4), ("elevated", 0.6), ("high", 1.01),
)
MIN_HIGH_FOR_LOW: Final = 0.4

# --------------------------------------------------------------------------- team context vocabulary

SECTORS: Final = (
    "general", "research", "education", "regulated", "finance", "health", "critical-infrastructure",
    "government", "defence",
)
# How much more a sector weighs a foreign state's access to the weights' maker or to the data (state-access laws,
# government restrictions naming the developer). Government and defence teams are the ones those measures
# address; regulated sectors answer to supervisors who ask about foreign access.
SECTOR_STATE_MULTIPLIER: Final[dict[str, float]] = {
    "general": 1.0, "research": 0.9, "education": 1.0, "regulated": 1.2, "finance": 1.2, "health": 1.2,
    "critical-infrastructure": 1.3, "government": 1.4, "defence": 1.5,
}

SENSITIVITIES: Final = ("public", "internal", "confidential", "personal", "special-category")
# How much of the endpoint concern applies, by the most sensitive data the team sends in prompts.
# special-category: health, biometric, political or similar data (GDPR art. 9 and its equivalents).
SENSITIVITY_SCALE: Final[dict[str, float]] = {
    "public": 0.4, "internal": 0.7, "confidential": 0.9, "personal": 1.0, "special-category": 1.0,
}
SENSITIVITY_FLOOR_FOR_REGULATED_DATA: Final = ("personal", "special-category")
"""Data whose transfer abroad is itself regulated: an undocumented processing location weighs more."""

# What the team does with the model; read against licence restriction classes. None declared: "commercial".
USES: Final = (
    "commercial", "research", "internal", "hosted-service", "train-other-models", "modify-weights",
    "redistribute-weights", "military", "surveillance", "medical", "critical-infrastructure", "law-enforcement",
)
SENSITIVE_USES: Final = ("military", "surveillance", "medical", "critical-infrastructure", "law-enforcement")
"""Uses that acceptable-use and field-of-use terms commonly restrict; the KB records such terms by class only."""

# --------------------------------------------------------------------------- developer jurisdiction

# Measures that, on upstream's reading of the law, oblige organisations domiciled there to give a state's
# intelligence or security services access or assistance. The measures themselves are KB records with sources.
STATE_ACCESS_MEASURES: Final = frozenset({"cn-nil-2017", "cn-counterespionage-2023"})
STATE_ACCESS_LAW: Final = 0.5
"""A foreign state-access law binds the developer (times the sector multiplier)."""
OTHER_FOREIGN_LAW: Final = 0.15
"""Another foreign law binds the developer by domicile (e.g. content rules that shape alignment)."""
LISTING: Final = 0.7
"""The developer is on a government list (sanctions, Entity List, military-company list)."""
LISTING_WHERE_TEAM_OPERATES: Final = 0.9
"""...and that government is one the team operates under: dealing with it may need a licence."""
GOV_RESTRICTION_WHERE_TEAM_OPERATES: Final = 0.5
"""A government where the team operates restricts the developer's models (device bans...), times the sector
multiplier."""
GOV_RESTRICTION_ELSEWHERE: Final = 0.2
BILL_WHERE_TEAM_OPERATES: Final = 0.2
"""A bill (not enacted) names the developer."""
BILL_ELSEWHERE: Final = 0.1
EVALUATION: Final = 0.15
"""A government evaluation names the developer's models (CAISI and the like)."""
STATE_OWNED: Final = 0.4
"""The KB says the developer is state-owned or a state lab (foreign to the team)."""
STATE_BACKED: Final = 0.2
"""The KB says the developer has state-backed investors."""
FOREIGN_DOMICILE: Final = 0.1
"""Developer domiciled outside every country the team operates in, with no measure recorded against it."""
# Measure kinds that carry no concern for a team using the model: obligations on the provider (regulation by
# market) and export controls on the developer's own exports.
NEUTRAL_MEASURE_KINDS: Final = frozenset({"regulation", "export-control"})

# --------------------------------------------------------------------------- endpoint

SELF_HOSTED: Final = 0.0
"""Weights run on the team's own machines: prompts do not leave them."""
REMOTE_BASE: Final = 0.15
"""Any remote endpoint: prompts leave the team's network for an operator."""
PROCESSING_IN_STATE_ACCESS: Final = 0.9
"""Prompts are processed in a jurisdiction with a state-access law (times sector multiplier)."""
OPERATOR_IN_STATE_ACCESS: Final = 0.65
"""The operator is domiciled there, though processing is documented elsewhere."""
PARENT_IN_STATE_ACCESS: Final = 0.5
"""Only the operator's parent is domiciled there."""
FOREIGN_PROCESSING: Final = 0.3
"""Processing (or, undocumented, the operator) outside every country the team operates in."""
UNDOCUMENTED_PROCESSING: Final = 0.1
"""Added when the processing location is not documented (more for personal data, see below)."""
UNDOCUMENTED_PROCESSING_REGULATED_DATA: Final = 0.25
PROCESSING_ELSEWHERE_TOO: Final = 0.05
"""The documented location says processing may also happen elsewhere."""
UNKNOWN_OPERATOR: Final = 0.4
"""A remote host no endpoint record names: value counted when the host is known but its operator is not."""

# --------------------------------------------------------------------------- licence

# Base concern of a licence category before its restrictions.
LICENCE_CATEGORY: Final[dict[str, float]] = {
    "permissive": 0.0, "open-weights-restricted": 0.1, "proprietary": 0.2, "non-commercial": 0.9,
    "research-only": 0.9,
}
# Concern of each restriction class when it binds the team; (binds, does not bind or cannot tell) pairs where the
# context decides (see licence.py for when each applies).
TERRITORY_EXCLUDED: Final = 1.0
"""A territory the team operates in is excluded: no licence there."""
TERRITORY_UNDECLARED: Final = 0.5
"""The licence excludes territories and the team has not said where it operates."""
CAP_EXCEEDED: Final = 0.8
"""The team is above a user or revenue cap: it needs another licence."""
CAP_UNKNOWN: Final = 0.2
"""A cap the team's declared context cannot be compared with (no MAU declared, a revenue or DAU cap)."""
CAP_UNKNOWN_LARGE: Final = 0.05
"""...when every user limit of the cap is at least CAP_LARGE_USERS: few products come near it."""
CAP_LARGE_USERS: Final = 100_000_000
NON_COMMERCIAL_BINDS: Final = 0.9
NON_COMMERCIAL_RESEARCH: Final = 0.1
FIELD_OF_USE: Final = 0.2
"""Use-based restrictions: standing constraints, rising when the team declares a use they commonly cover."""
FIELD_OF_USE_SENSITIVE: Final = 0.6
ACCEPTABLE_USE: Final = 0.1
ACCEPTABLE_USE_SENSITIVE: Final = 0.5
HOSTED_SERVICE_EXCLUDED: Final = 0.9
"""The field-of-use terms exclude service/cloud providers and the team offers the model as a service."""
NO_TRAINING_OTHER_MODELS: Final = 0.05
NO_TRAINING_OTHER_MODELS_BINDS: Final = 0.8
DERIVATIVES_CARRY_TERMS: Final = 0.05
DERIVATIVES_CARRY_TERMS_BINDS: Final = 0.3
RESTRICTION_CLASS: Final[dict[str, float]] = {
    "attribution": 0.0,
    "naming": 0.1,
    "export-control": 0.2,
    "application-required": 0.4,
    "revocable": 0.3,
    "guardrails": 0.1,
    "terms-may-change": 0.3,
    "other": 0.2,
}
UNVERIFIED_RESTRICTION: Final = 0.75
"""A restriction the KB marks unverified counts at this share."""

# --------------------------------------------------------------------------- transparency

DISCLOSURE: Final[dict[str, float]] = {
    "open-data": 0.0, "documented": 0.2, "summary": 0.5, "minimal": 0.75, "none": 1.0,
}
# The Foundation Model Transparency Index score s (0..100) counts as (100 - s) / 100.

# --------------------------------------------------------------------------- measured behaviour

# The lower bound of a 95% interval at which a behaviour counts in full; a lower bound at or under 0 counts 0.
# sci: China-item non-answer share minus mirror controls; narrative: share of China-item answers echoing the
# state narrative; language_gap: non-answer share in another language minus in English.
BEHAVIOUR_FULL: Final[dict[str, float]] = {"sci": 0.3, "narrative": 0.3, "language_gap": 0.3}

# --------------------------------------------------------------------------- supply chain

PROVENANCE_UNKNOWN: Final = 0.6
"""Nobody can say whose weights these are."""
PROVENANCE_PARTIAL: Final = 0.25
"""Identified by family or name only, or the developer's home is unknown."""
UNPINNED_REVISION: Final = 0.4
"""Downloaded from a hub by name: the files behind the name can change."""
UNSAFE_DANGEROUS: Final = 1.0
"""A model file imports code that executes commands when loaded."""
UNSAFE_REVIEW: Final = 0.6
"""A model file's format can run code when loaded and imports something outside the usual rebuild functions."""
EXECUTES_CODE: Final = 0.3
"""A pickle-based file judged safe by the static look: still code on load."""
IDENTITY_MISMATCH: Final = 0.6
"""A model file's own evidence disagrees about what it is."""
INCOMPLETE_ARTIFACT: Final = 0.2
"""A model file shorter than its header says, or not read in full."""
IDENTITY_MISMATCH_FINDINGS: Final = frozenset({"name-tokenizer-mismatch", "base-tokenizer-mismatch"})
