"""data-processing-location: prompts processed in a country the policy lists, or in an undocumented place."""

from __future__ import annotations

from collections.abc import Iterator

from upstream.models import Severity
from upstream.policy.facts import expand, is_remote, served_label
from upstream.policy.processing import processing
from upstream.policy.rules.base import Context, CountryOptions, Hit, Rule


class ProcessingOptions(CountryOptions):
    require_documented: bool = False
    """Also report remote endpoints whose processing location the knowledge base does not document"""
    undocumented_severity: Severity = "medium"
    """Severity of those reports"""
    include_unverified: bool = True
    """Count locations the knowledge base marks unverified (reported with low confidence)"""

    def other_condition(self) -> bool:
        return self.require_documented

    def other_hint(self) -> str:
        return ", or `require_documented = true`"


class DataProcessingLocation(Rule[ProcessingOptions]):
    id = "data-processing-location"
    name = "DataProcessingLocation"
    default_severity = "high"
    summary = "Prompts are processed in a country the policy does not accept, or in a place nobody documents"
    checks = ("For every model served by a remote endpoint, where that endpoint processes or stores data, as the "
              "operator's privacy policy or region documentation states it (recorded in the knowledge base), "
              "against `countries` (deny) or `allow`. With `require_documented`, an endpoint whose location is "
              "not documented (\"not verified\", a router that forwards to other providers, a customer-chosen "
              "cloud region the code does not show) is reported at `undocumented_severity`. Local endpoints "
              "process data on the team's own machines and are never reported.")
    why = ("Where prompts and the personal data in them are processed decides which law governs them. The "
           "operator's country and the processing location differ: Alibaba Cloud's international Model Studio "
           "stores data in Singapore and runs inference outside mainland China, its Chinese-mainland mode "
           "inside it. DeepSeek's privacy policy says it stores what it collects on servers in the PRC; the "
           "Berlin data protection commissioner called that transfer unlawful.")
    fix = ("Choose an endpoint (or an endpoint's region) that processes data where your policy allows, or "
           "self-host. When the location is simply undocumented, ask the provider, and record what you "
           "learn as an `[[ignore]]` with a reason until the knowledge base has it.")
    example = '[rules.data-processing-location]\nallow = ["EU"]\nrequire_documented = true'
    tags = ("privacy", "data-residency", "jurisdiction")
    kb_sources = ("ds-privacy", "bans-germany", "alibaba-regions-tc")
    options = ProcessingOptions

    def check(self, ctx: Context, opts: ProcessingOptions) -> Iterator[Hit]:
        deny, allow = expand(opts.countries), expand(opts.allow)
        for item in ctx.items:
            if not is_remote(item):
                continue
            where = processing(item.endpoint)
            model, served = item.model.canonical, served_label(item.endpoint)
            if not where.countries or (not where.verified and not opts.include_unverified):
                if opts.require_documented:
                    yield ctx.hit(item, f"{model} is served by {served}: where it processes data is not documented",
                                  severity=opts.undocumented_severity)
                continue
            named = ", ".join(where.countries) + (" (unverified)" if not where.verified else "")
            listed = [c for c in where.countries if c in deny]
            outside = [c for c in where.countries if allow and c not in allow]
            if listed:
                why = f"{', '.join(listed)} is a country this policy lists" if len(listed) == 1 else \
                    f"{', '.join(listed)} are countries this policy lists"
            elif outside:
                why = "outside the countries this policy allows"
            elif allow and where.elsewhere:
                why = "and, its documentation says, in other places too: not only where this policy allows"
            else:
                continue
            text = f"{model} is served by {served}, which processes data in {named}: {why}"
            yield ctx.hit(item, text, confidence="high" if where.verified else "low")


RULE = DataProcessingLocation()
