"""Where an endpoint processes data, as countries, read from the knowledge base's documented text.

The knowledge base records the data-processing location of an endpoint as text (`endpoints.yaml`,
`data_processing`), quoting what a privacy policy or region document says. The policy needs countries,
so this table restates, per endpoint record, the countries that text names. A test checks that every
entry still exists and that its text still names the place; records whose text says "not verified" or
"depends on..." are left out on purpose: their location is undocumented, and `require_documented`
reports them.
"""

from __future__ import annotations

from dataclasses import dataclass

from upstream.models import Endpoint


@dataclass(frozen=True)
class Processing:
    """Where an endpoint processes prompts, as far as the knowledge base documents it."""

    countries: tuple[str, ...] = ()
    verified: bool = True
    """False when the KB text itself marks the location unverified"""
    elsewhere: bool = False
    """The text says processing may also happen in places it does not name"""
    local: bool = False
    """The team's own machine or network"""

    @property
    def documented(self) -> bool:
        return self.local or bool(self.countries)


# endpoint record id -> (countries, verified, elsewhere); the KB text each entry restates is in the comment.
_DOCUMENTED: dict[str, tuple[tuple[str, ...], bool, bool]] = {
    "deepseek": (("CN",), True, False),  # servers located in the People's Republic of China
    "dashscope-cn": (("CN",), True, False),  # China (Beijing) region; inference restricted to mainland China
    "dashscope-intl": (("SG",), True, True),  # Singapore stores static data; inference global excluding mainland
    "moonshot-cn": (("CN",), True, False),  # privacy policy stores personal information in China
    "bigmodel": (("CN",), True, False),  # personal information collected in China stored in China
    "zai": (("SG",), True, False),  # DPA: customer data generally processed in Singapore
    "volcengine-ark": (("CN",), True, False),  # cn-beijing region per hostname
    "huawei-maas": (("CN",), True, False),  # cn-southwest-2 region per hostname
    "minimax-cn": (("CN",), False, False),  # China (not verified from policy)
    "qianfan": (("CN",), False, False),  # China (not verified from policy)
    "hunyuan": (("CN",), False, False),  # China (not verified)
    "xiaomi-mimo": (("CN", "SG", "NL"), False, False),  # CN / Singapore / Amsterdam regions (unverified)
}

# alibaba-token-plan: "ap-southeast-1 (Singapore) / cn-beijing per hostname": the host says which.
_BY_HOST_REGION = {"alibaba-token-plan": {"ap-southeast-1": "SG", "cn-beijing": "CN"}}


def processing(ep: Endpoint | None) -> Processing:
    """The documented processing location of an endpoint (empty when undocumented or unknown)."""
    if ep is None:
        return Processing()
    if ep.local:
        return Processing(local=True)
    key = ep.operator_id or ""
    if key in _DOCUMENTED:
        countries, verified, elsewhere = _DOCUMENTED[key]
        return Processing(countries=countries, verified=verified, elsewhere=elsewhere)
    regions = _BY_HOST_REGION.get(key, {})
    for region, country in regions.items():
        if ep.host and region in ep.host:
            return Processing(countries=(country,))
    return Processing()


def documented_ids() -> dict[str, tuple[str, ...]]:
    """Endpoint record id -> countries, for the consistency test against the knowledge base."""
    out = {k: v[0] for k, v in _DOCUMENTED.items()}
    out.update({k: tuple(v.values()) for k, v in _BY_HOST_REGION.items()})
    return out
