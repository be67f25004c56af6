"""licence-restriction: a model whose licence carries a restriction of a class the policy lists."""

from __future__ import annotations

from collections.abc import Iterator
from typing import get_args

from pydantic import field_validator

from upstream.models import RestrictionClass
from upstream.policy.facts import check_country_codes, expand, licences
from upstream.policy.rules.base import Context, Hit, Rule, RuleOptions

CLASSES: tuple[str, ...] = get_args(RestrictionClass)


class RestrictionOptions(RuleOptions):
    classes: tuple[RestrictionClass, ...]
    """Restriction classes to report, e.g. "territory-exclusion", "user-cap", "non-commercial", "field-of-use\""""
    territories: tuple[str, ...] = ()
    """For territory-exclusion: report only exclusions of these places (countries, or "EU"), e.g. where you sell"""
    include_unverified: bool = True
    """Also report restrictions the knowledge base marks unverified"""
    family_licences: bool = False
    """When only the model's family is known, also check the licences of the family's other members"""

    @field_validator("classes")
    @classmethod
    def _nonempty(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError(f"list at least one restriction class: {', '.join(CLASSES)}")
        return value

    @field_validator("territories")
    @classmethod
    def _codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return check_country_codes(value)


class LicenceRestriction(Rule[RestrictionOptions]):
    id = "licence-restriction"
    name = "LicenceRestriction"
    default_severity = "medium"
    summary = "The model's licence restricts who may use it, where, or for what, in a way the policy lists"
    checks = ("The restrictions the knowledge base records for the model's licence, by class: "
              + ", ".join(f"`{c}`" for c in CLASSES) + ". For `territory-exclusion`, `territories` narrows the "
              "check to the places you operate in.")
    why = ("Model licences limit use in ways software licences rarely do. Tencent's Hunyuan licence does not apply "
           "in the EU, the UK or South Korea; rights to the multimodal Llama 3.2 and Llama 4 models are not "
           "granted to EU-domiciled companies; Baichuan 2 caps commercial use at 1M daily active users; Grok 2 "
           "forbids training other models with it; the NVIDIA Open Model License embeds export-control terms. "
           "A product can breach one of these without anyone noticing at review time.")
    fix = ("Read the restriction (`upstream explain MODEL` quotes it), then choose another model, confirm the "
           "restriction does not bind you and record that as an `[[ignore]]` with a reason, or obtain the licence "
           "it asks for.")
    example = '[rules.licence-restriction]\nclasses = ["territory-exclusion", "non-commercial"]\nterritories = ["EU"]'
    tags = ("legal", "licence", "compliance")
    kb_sources = ("gh-hunyuan-a13b", "gh-llama", "gh-baichuan2", "grok2-lic", "nvidia-oml")
    options = RestrictionOptions

    def check(self, ctx: Context, opts: RestrictionOptions) -> Iterator[Hit]:
        places = expand(opts.territories)
        for item in ctx.items:
            found, unverified = [], False
            for lic in licences(item, opts.family_licences):
                for r in lic.restrictions:
                    if r.kind not in opts.classes or (r.unverified and not opts.include_unverified):
                        continue
                    if r.kind == "territory-exclusion" and places and not (expand(r.territories) & places):
                        continue
                    where = f" ({', '.join(r.territories)})" if r.territories else ""
                    found.append(f"{r.kind}{where} in {lic.name}: {r.text}")
                    unverified = unverified or r.unverified
            if found:
                yield ctx.hit(item, f"{item.model.canonical}: " + " | ".join(found),
                              confidence="low" if unverified else item.confidence)


RULE = LicenceRestriction()
