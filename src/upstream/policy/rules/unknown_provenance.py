"""unknown-provenance: a model whose developer and origin are unknown or only partly known."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import field_validator

from upstream.policy.facts import served_label
from upstream.policy.rules.base import Context, Hit, Rule, RuleOptions


class ProvenanceOptions(RuleOptions):
    statuses: tuple[Literal["unknown", "partial"], ...] = ("unknown", "partial")
    """Which resolution results to report: "unknown" (nothing known) and/or "partial" (the family is known, not the
    exact checkpoint, or the developer is missing)"""

    @field_validator("statuses")
    @classmethod
    def _nonempty(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError('list "unknown", "partial" or both (or set enabled = false)')
        return value


class UnknownProvenance(Rule[ProvenanceOptions]):
    id = "unknown-provenance"
    name = "UnknownProvenance"
    default_severity = "medium"
    summary = "Nobody can say whose model this is or where it came from"
    checks = ("The resolution status of each model: `unknown` when neither the knowledge base nor (with "
              "`--online`) the Hugging Face Hub knows it, `partial` when only its family is known or its developer "
              "is missing. A scan run with `--no-resolve` attaches no provenance, so every model counts as unknown.")
    why = ("Every other provenance rule needs to know the model: a model of unknown origin passes a country or "
           "licence rule only because nothing is known about it. A re-upload under a new name, a private "
           "fine-tune or a renamed GGUF file can carry any weights. Knowing what you ship is the first thing "
           "regulators ask of AI deployers: the EU AI Act obliges general-purpose model providers to document "
           "their models so that those who build on them can.")
    fix = ("Reference the model by its canonical id (the Hugging Face repo id, with a pinned revision), run "
           "`upstream inspect FILE` on local weights to identify them, try `--online`, or add the model to the "
           "knowledge base. For an in-house model, record it as an `[[ignore]]` with a reason.")
    example = '[rules.unknown-provenance]\nstatuses = ["unknown", "partial"]'
    tags = ("supply-chain", "provenance")
    kb_sources = ("euai-fines", "euai-scl")
    options = ProvenanceOptions

    def check(self, ctx: Context, opts: ProvenanceOptions) -> Iterator[Hit]:
        for item in ctx.items:
            prov = item.provenance
            model = item.model.canonical
            if prov is None:
                if "unknown" in opts.statuses:
                    yield ctx.hit(item, f"{model}: provenance was not resolved (the scan ran with --no-resolve)")
                continue
            status = prov.status
            if status == "known" and prov.developer is None:
                status = "partial"
            if status not in opts.statuses:
                continue
            if status == "unknown":
                text = f"{model}: whose model this is is not known (tried: {', '.join(prov.tried[:4]) or 'nothing'})"
            else:
                family = prov.family_name or prov.family
                known = f"its family ({family}) is known" if family else "some facts are known"
                gap = "the developer is not" if prov.developer is None else "the exact checkpoint is not"
                text = f"{model}: provenance is partial: {known}, {gap}"
            yield ctx.hit(item, f"{text}; served by {served_label(item.endpoint)}",
                          confidence="high" if status == "unknown" else "medium")


RULE = UnknownProvenance()
