"""artifact-identity-mismatch: a model file whose own evidence disagrees about what it is."""

from __future__ import annotations

from collections.abc import Iterator

from upstream.artifacts.types import ArtifactCard
from upstream.models import Location
from upstream.policy.rules.base import Context, Hit, Rule, RuleOptions

MISMATCH_IDS = ("name-tokenizer-mismatch", "base-tokenizer-mismatch")


class MismatchOptions(RuleOptions):
    findings: tuple[str, ...] = MISMATCH_IDS
    """Which `upstream inspect` findings count (add "identified-by-tokenizer" for files named after no family)"""


def card_model(card: ArtifactCard) -> str:
    """The best name for an artifact: its hub id, its declared name, or its path."""
    return card.identity.canonical or card.identity.name or card.path


def card_location(card: ArtifactCard) -> list[Location]:
    return [Location(path=card.path)]


class ArtifactIdentityMismatch(Rule[MismatchOptions]):
    id = "artifact-identity-mismatch"
    name = "ArtifactIdentityMismatch"
    default_severity = "medium"
    summary = "A model file's name says one family, its vocabulary says another"
    checks = ("The model files and folders in the tree, as `upstream inspect` reads them: when the name the file "
              "declares (or its file name, or its declared base model) names one model family and its tokenizer "
              "vocabulary is another family's, the file is reported.")
    why = ("A file name or a `general.name` field is a claim anyone can write; a vocabulary is hard to fake. A "
           "mismatch means the weights were renamed, or distilled or fine-tuned onto another family's base, so "
           "their provenance is not what the name says. The DeepSeek-R1 distills, for example, are Qwen and "
           "Llama models under DeepSeek names.")
    fix = ("Run `upstream inspect PATH` to see the evidence, find where the file came from, and rename it or "
           "record its real lineage; if the mismatch is understood, record an `[[ignore]]` with a reason.")
    example = "[rules.artifact-identity-mismatch]"
    tags = ("supply-chain", "provenance", "integrity")
    kb_sources = ("gh-ds-r1",)
    options = MismatchOptions

    def check(self, ctx: Context, opts: MismatchOptions) -> Iterator[Hit]:
        for card in ctx.artifacts:
            hits = [f for f in card.findings if f.id in opts.findings]
            if hits:
                yield Hit(message=f"{card.path}: " + "; ".join(f.message for f in hits), model=card_model(card),
                          locations=card_location(card), confidence=card.identity.confidence)


RULE = ArtifactIdentityMismatch()
