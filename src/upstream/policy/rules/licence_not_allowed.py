"""licence-not-allowed: a model under a licence (or licence category) the policy does not accept."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import model_validator

from upstream.models import LicenceInfo
from upstream.policy.facts import licences
from upstream.policy.rules.base import Context, Hit, Rule, RuleOptions

LicenceCategory = Literal["permissive", "open-weights-restricted", "non-commercial", "research-only", "proprietary",
                          "unknown"]


class LicenceOptions(RuleOptions):
    allow: tuple[str, ...] = ()
    """Licence ids (knowledge base, e.g. "llama-3.1-community") or SPDX ids (e.g. "Apache-2.0") that are accepted"""
    deny: tuple[str, ...] = ()
    """Licence ids or SPDX ids that are never accepted"""
    allow_categories: tuple[LicenceCategory, ...] = ()
    """Licence categories that are accepted"""
    deny_categories: tuple[LicenceCategory, ...] = ()
    """Licence categories that are never accepted"""
    flag_unknown: bool | None = None
    """Report models whose licence is not known (default: yes when an allow list is set)"""
    family_licences: bool = False
    """When only the model's family is known, also check the licences of the family's other members"""

    @model_validator(mode="after")
    def _something(self) -> LicenceOptions:
        if not (self.allow or self.deny or self.allow_categories or self.deny_categories or self.flag_unknown):
            raise ValueError("set `allow`, `deny`, `allow_categories`, `deny_categories` or `flag_unknown = true`")
        return self


def _ids(lic: LicenceInfo) -> set[str]:
    return {x.lower() for x in (lic.id, lic.spdx) if x}


def breach(lic: LicenceInfo, opts: LicenceOptions) -> str | None:
    """Why one licence is not accepted, or None."""
    ids = _ids(lic)
    if ids & {x.lower() for x in opts.deny}:
        return "a licence this policy denies"
    if lic.category in opts.deny_categories:
        return f"in the {lic.category} category, which this policy denies"
    allowed_by_id = bool(ids & {x.lower() for x in opts.allow})
    allowed_by_cat = lic.category in opts.allow_categories
    if (opts.allow or opts.allow_categories) and not (allowed_by_id or allowed_by_cat):
        return "not a licence this policy allows"
    return None


class LicenceNotAllowed(Rule[LicenceOptions]):
    id = "licence-not-allowed"
    name = "LicenceNotAllowed"
    default_severity = "high"
    summary = "The model's licence is not one the policy accepts"
    checks = ("The licence the knowledge base records for the model (with `family_licences`, when only its family "
              "is known, also the licences of the family's other members), by id or SPDX id and by category "
              "(permissive, open-weights-restricted, non-commercial, research-only, proprietary), against allow "
              "and deny lists. With an allow list, a model whose licence is not known is reported too "
              "(`flag_unknown`).")
    why = ("The licence decides whether you may ship the model at all. Several model licences are not open-source "
           "licences: Cohere's Command weights are non-commercial (CC-BY-NC), Baichuan 2 allows commercial use only "
           "below 1M daily active users and after an application, and Llama licences require a separate licence "
           "above 700M monthly active users. Use `paths` to hold one product to a stricter list than another.")
    fix = ("Pick a model under a licence your policy allows, obtain the licence your use needs and record it as "
           "an `[[ignore]]` with a reason, or (for a product that may use it) narrow the rule with `paths`.")
    example = ('[rules.licence-not-allowed]\nallow = ["Apache-2.0", "MIT"]\nallow_categories = ["permissive"]\n'
               'paths = ["services/product-z/"]   # licence rules for one product only')
    tags = ("legal", "licence", "compliance")
    kb_sources = ("gh-llama", "gh-baichuan2", "llmstats")
    options = LicenceOptions

    def check(self, ctx: Context, opts: LicenceOptions) -> Iterator[Hit]:
        flag_unknown = opts.flag_unknown if opts.flag_unknown is not None else bool(opts.allow or opts.allow_categories)
        for item in ctx.items:
            found = licences(item, opts.family_licences)
            model = item.model.canonical
            if not found:
                if flag_unknown:
                    yield ctx.hit(item, f"{model}: its licence is not known, so it cannot be shown to be allowed",
                                  confidence="medium")
                continue
            bad = [f"{lic.name} ({why})" for lic in found if (why := breach(lic, opts))]
            if bad:
                yield ctx.hit(item, f"{model} is licensed under {'; '.join(bad)}")


RULE = LicenceNotAllowed()
