"""developer-country: a model whose developer is based in a country the policy lists."""

from __future__ import annotations

from collections.abc import Iterator

from upstream.models import InventoryItem, Severity
from upstream.policy.facts import country_verdict, expand, is_self_hosted, org_label, served_label
from upstream.policy.rules.base import Context, CountryOptions, Hit, Rule


class SelfHostedOptions(CountryOptions):
    unless_self_hosted: bool = False
    """Models whose open weights run on the team's own machines (a local endpoint or in-process) are allowed"""
    self_hosted_severity: Severity | None = None
    """With unless_self_hosted: still report them, at this severity, so that each one gets a review (an ignore
    with a reason records the review)"""


def self_hosted_case(item: InventoryItem, opts: SelfHostedOptions) -> tuple[bool, Severity | None]:
    """(skip, severity override) for a model the rule would report."""
    if opts.unless_self_hosted and is_self_hosted(item):
        if opts.self_hosted_severity is None:
            return True, None
        return False, opts.self_hosted_severity
    return False, None


class DeveloperCountry(Rule[SelfHostedOptions]):
    id = "developer-country"
    name = "DeveloperCountry"
    default_severity = "high"
    summary = "The model's developer is based in a country the policy does not accept"
    checks = ("The home country of the organisation that developed the model's weights (from the knowledge base), "
              "against a deny list (`countries`) or an allow list (`allow`). The endpoint that serves the model "
              "is a separate fact: see `operator-country` and `data-processing-location`.")
    why = ("A developer is bound by the laws of its home country. The PRC National Intelligence Law (art. 7) obliges "
           "organisations to support and cooperate with state intelligence work; US states and the Berlin data "
           "protection commissioner cited such laws when they restricted DeepSeek. Where a team's customers, "
           "contracts or regulators care where the models they rely on come from, the developer's country is a "
           "fact to decide on, not to discover later.")
    fix = ("Switch to a model from a developer your policy accepts (`upstream explain MODEL` shows the developer), "
           "or, for open weights, run them yourself and set `unless_self_hosted = true` if your policy allows that. "
           "Record an accepted exception as an `[[ignore]]` with a reason and an expiry.")
    example = ('[rules.developer-country]\ncountries = ["CN"]\nunless_self_hosted = true   '
               '# open weights run on our own machines are allowed...\nself_hosted_severity = "low"  '
               '# ...but listed, for review')
    tags = ("security", "supply-chain", "provenance", "jurisdiction")
    kb_sources = ("nil-clt", "bans-us-states", "bans-germany")
    options = SelfHostedOptions

    def check(self, ctx: Context, opts: SelfHostedOptions) -> Iterator[Hit]:
        deny, allow = expand(opts.countries), expand(opts.allow)
        for item in ctx.items:
            dev = item.provenance.developer if item.provenance else None
            if dev is None and not opts.flag_unknown:
                continue
            verdict = country_verdict(dev.country if dev else None, deny, allow, opts.flag_unknown)
            if verdict is None:
                continue
            skip, severity = self_hosted_case(item, opts)
            if skip:
                continue
            model = item.model.canonical
            if verdict == "unknown":
                text = f"{model}: the developer's country is not known ({org_label(dev)})"
            else:
                why = "a country this policy lists" if verdict == "listed" else "not a country this policy allows"
                text = f"{model} is developed by {org_label(dev)}: {why}"
            if severity is not None:
                text += f"; {served_label(item.endpoint)}, reported for review"
            else:
                text += f"; served by {served_label(item.endpoint)}"
            yield ctx.hit(item, text, severity=severity)


RULE = DeveloperCountry()
