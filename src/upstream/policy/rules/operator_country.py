"""operator-country: a model served by an endpoint whose operator is based in a country the policy lists."""

from __future__ import annotations

from collections.abc import Iterator

from upstream.policy.facts import country_verdict, expand, is_remote, org_label, served_label
from upstream.policy.rules.base import Context, CountryOptions, Hit, Rule


class OperatorOptions(CountryOptions):
    include_parent: bool = True
    """Also match the operator's parent company (e.g. a Singapore subsidiary of a PRC group)"""


class OperatorCountry(Rule[OperatorOptions]):
    id = "operator-country"
    name = "OperatorCountry"
    default_severity = "high"
    summary = "The model is served by an endpoint whose operator is based in a country the policy does not accept"
    checks = ("For every model served by a remote endpoint (a base URL in the code or config, or the default "
              "endpoint of the SDK or route that selects it), the operator's country from the knowledge base, "
              "and with `include_parent` its parent company's, against `countries` (deny) or `allow`. Models run "
              "on the team's own machines are never reported. The developer of the weights is a separate fact: "
              "see `developer-country`.")
    why = ("Every prompt sent to an endpoint reaches its operator, and the operator answers to the law of the "
           "country it is based in. The same open-weight model can be served by its developer, a US inference "
           "host or your own GPU: the operator, not the model, decides who can be compelled to hand over the "
           "traffic. The Berlin data protection commissioner asked app stores to remove DeepSeek over "
           "transfers of personal data to China.")
    fix = ("Point the client at an endpoint run by an operator your policy accepts, or self-host open weights. "
           "`upstream explain MODEL` lists who serves a model.")
    example = '[rules.operator-country]\ncountries = ["CN"]\ninclude_parent = true'
    tags = ("security", "privacy", "data-residency", "jurisdiction")
    kb_sources = ("bans-germany", "ds-privacy", "nil-clt")
    options = OperatorOptions

    def check(self, ctx: Context, opts: OperatorOptions) -> Iterator[Hit]:
        deny, allow = expand(opts.countries), expand(opts.allow)
        for item in ctx.items:
            ep = item.endpoint
            if ep is None or not is_remote(item):
                continue
            parent_known = opts.include_parent and ep.parent_country is not None
            verdict = country_verdict(ep.operator_country, deny, allow, opts.flag_unknown and not parent_known)
            via_parent = False
            if verdict is None and opts.include_parent and ep.parent_country:
                verdict = country_verdict(ep.parent_country, deny, allow, False)
                via_parent = verdict is not None
            if verdict is None:
                continue
            dev = item.provenance.developer if item.provenance else None
            if verdict == "unknown":
                text = f"{item.model.canonical} is served by {served_label(ep)}, whose country is not known"
            else:
                whose = "whose parent company is based" if via_parent else "based"
                why = "in a country this policy lists" if verdict == "listed" else "outside the countries it allows"
                text = f"{item.model.canonical} is served by {served_label(ep)}, {whose} {why}"
            text += f" (weights by {org_label(dev)})" if dev else ""
            yield ctx.hit(item, text)


RULE = OperatorCountry()
