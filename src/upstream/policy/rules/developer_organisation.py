"""developer-organisation: a model developed by an organisation the policy names, or one on a government list."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import field_validator, model_validator

from upstream.models import OrgRef
from upstream.policy.facts import closest, served_label, short_name
from upstream.policy.rules.base import Context, Hit, Rule, RuleOptions


class OrganisationOptions(RuleOptions):
    organisations: tuple[str, ...] = ()
    """Knowledge-base organisation ids (`upstream kb search NAME` finds them), e.g. "deepseek", "zhipu\""""
    listed_on: tuple[str, ...] = ()
    """Government lists, matched as text in the organisation's listings, e.g. "Entity List\""""
    include_roots: bool = False
    """Also check the developers of the model's lineage roots (what it was fine-tuned or distilled from)"""

    @field_validator("organisations")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from upstream.kb.loader import default_kb

        known = default_kb().organisations
        out = []
        for raw in value:
            org = raw.strip().lower()
            if org not in known:
                raise ValueError(f"{raw!r} is not an organisation id in the knowledge base{closest(org, known)}; "
                                 "'upstream kb search NAME' finds the id")
            out.append(org)
        return tuple(out)

    @model_validator(mode="after")
    def _something(self) -> OrganisationOptions:
        if not (self.organisations or self.listed_on):
            raise ValueError("set `organisations` (knowledge-base ids) or `listed_on` (e.g. [\"Entity List\"])")
        return self


def _why(org: OrgRef, opts: OrganisationOptions) -> str | None:
    if org.id in opts.organisations:
        return "an organisation this policy names"
    for listing in org.listings:
        for wanted in opts.listed_on:
            if wanted.lower() in listing.lower():
                return f"listed on the {listing}"
    return None


class DeveloperOrganisation(Rule[OrganisationOptions]):
    id = "developer-organisation"
    name = "DeveloperOrganisation"
    default_severity = "high"
    summary = "The model was developed by an organisation the policy names, or one on a government list"
    checks = ("The organisation that developed the model (and with `include_roots`, the developers of its lineage "
              "roots) against a list of knowledge-base organisation ids (`organisations`) and against the "
              "government lists the knowledge base records for it (`listed_on`, matched as text: \"Entity List\" "
              "matches \"US Commerce Entity List\").")
    why = ("Some obligations name organisations rather than countries. The US Commerce Entity List names Zhipu AI "
           "(January 2025) and the Beijing Academy of Artificial Intelligence (March 2025): US exporters need a "
           "licence to supply them, and procurement and sanctions screening look for them. Government "
           "device bans in US states (Texas, New York, Virginia) and federal bodies name DeepSeek. The Entity "
           "List restricts exports to the listed entity; it does not by itself forbid using the weights it "
           "published, which is why this is a policy decision and not a legal verdict.")
    fix = ("Replace the model with one from another developer, or record a reviewed exception (for example, "
           "open weights used offline where your counsel found no restriction) as an `[[ignore]]` with a reason.")
    example = '[rules.developer-organisation]\norganisations = ["deepseek"]\nlisted_on = ["Entity List"]'
    tags = ("security", "supply-chain", "sanctions", "provenance")
    kb_sources = ("zhipu-entity", "baai-entity-worldecr", "bans-us-states", "bans-us-states-list")
    options = OrganisationOptions

    def check(self, ctx: Context, opts: OrganisationOptions) -> Iterator[Hit]:
        for item in ctx.items:
            prov = item.provenance
            if prov is None:
                continue
            reasons = []
            if prov.developer is not None and (why := _why(prov.developer, opts)):
                reasons.append(f"developed by {short_name(prov.developer.name)}, {why}")
            if opts.include_roots:
                for root in prov.roots:
                    if root.via and root.developer and root.developer.id != getattr(prov.developer, "id", None) \
                            and (why := _why(root.developer, opts)):
                        reasons.append(f"built on {root.model} by {short_name(root.developer.name)}, {why}")
            if reasons:
                text = f"{item.model.canonical} is {'; and '.join(reasons)}; served by {served_label(item.endpoint)}"
                yield ctx.hit(item, text)


RULE = DeveloperOrganisation()
