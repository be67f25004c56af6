"""lineage-root-country: a model built on weights (a lineage root) from a country the policy lists."""

from __future__ import annotations

from collections.abc import Iterator

from upstream.models import Provenance
from upstream.policy.facts import country_verdict, expand, org_label, served_label
from upstream.policy.rules.base import Context, Hit, Rule
from upstream.policy.rules.developer_country import SelfHostedOptions, self_hosted_case


class LineageOptions(SelfHostedOptions):
    include_inferred: bool = True
    """Also follow lineage inferred from the model's name (not only declared or recorded lineage)"""


def _declared_reach(prov: Provenance) -> set[str]:
    """Models reachable from the resolved model through declared or recorded (not inferred) lineage edges."""
    parents: dict[str, list[str]] = {}
    for e in prov.lineage:
        if not e.inferred:
            parents.setdefault(e.child, []).append(e.parent)
    todo = [m for m in (prov.model, prov.reference, prov.normalized) if m]
    seen: set[str] = set()
    while todo:
        m = todo.pop()
        if m not in seen:
            seen.add(m)
            todo.extend(parents.get(m, []))
    return seen


class LineageRootCountry(Rule[LineageOptions]):
    id = "lineage-root-country"
    name = "LineageRootCountry"
    default_severity = "high"
    summary = "The model is built on weights whose developer is based in a country the policy does not accept"
    checks = ("Every root of the model's lineage: the models at the end of its fine-tune, distillation, merge, "
              "quantization and re-upload chain (a distill of one family onto another has two roots). A root's "
              "developer country is checked against `countries` (deny) or `allow`. A model with no recorded "
              "lineage is its own root; that case is `developer-country`'s, so this rule looks only at roots "
              "the model was derived from.")
    why = ("A fine-tune or a quantization keeps what the base weights learned, including the alignment its "
           "developer gave it: re-uploading or fine-tuning does not change where the weights came from. A name "
           "on the Hugging Face Hub tells you who uploaded, not whose model it is.")
    fix = ("Choose a model whose whole lineage your policy accepts (`upstream explain MODEL` shows the roots), or "
           "record a reviewed exception as an `[[ignore]]` with a reason.")
    example = '[rules.lineage-root-country]\ncountries = ["CN"]\ninclude_inferred = true'
    tags = ("security", "supply-chain", "provenance", "lineage", "jurisdiction")
    kb_sources = ("nil-clt",)
    options = LineageOptions

    def check(self, ctx: Context, opts: LineageOptions) -> Iterator[Hit]:
        deny, allow = expand(opts.countries), expand(opts.allow)
        for item in ctx.items:
            prov = item.provenance
            if prov is None:
                continue
            declared = _declared_reach(prov)
            bad, inferred = [], False
            for root in prov.roots:
                if not root.via:
                    continue  # the resolved model itself: developer-country's job
                if root.model not in declared:
                    if not opts.include_inferred:
                        continue
                    inferred = True
                verdict = country_verdict(root.developer.country if root.developer else None, deny, allow,
                                          opts.flag_unknown)
                if verdict is not None:
                    bad.append(f"{root.model} by {org_label(root.developer)}")
            if not bad:
                continue
            skip, severity = self_hosted_case(item, opts)
            if skip:
                continue
            text = f"{item.model.canonical} is built on {'; '.join(bad)}"
            text += (f"; {served_label(item.endpoint)}, reported for review" if severity
                     else f"; served by {served_label(item.endpoint)}")
            yield ctx.hit(item, text, severity=severity, confidence="medium" if inferred else item.confidence)


RULE = LineageRootCountry()
