"""Small readings of the Report's facts that several rules share: countries, self-hosting, labels."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from upstream.kb.countries import is_country
from upstream.models import Endpoint, InventoryItem, LicenceInfo, OrgRef

# The 27 member states of the European Union, so that a policy can write "EU" for all of them.
# Source: https://european-union.europa.eu/principles-countries-history/eu-countries_en (Greece is GR in ISO 3166-1).
EU_MEMBERS = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU",
    "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
})


def check_country_codes(codes: Iterable[str]) -> tuple[str, ...]:
    """Upper-cased ISO 3166-1 alpha-2 codes (or "EU"); ValueError naming the first bad one."""
    out = []
    for raw in codes:
        code = raw.strip().upper()
        if code != "EU" and not is_country(code):
            hint = {"UK": " (the United Kingdom is GB)", "EL": " (Greece is GR)"}.get(code, "")
            raise ValueError(f"{raw!r} is not an ISO 3166-1 alpha-2 country code{hint}; use e.g. CN, US, DE, or EU "
                             "for the EU member states")
        out.append(code)
    return tuple(out)


def expand(codes: Iterable[str]) -> frozenset[str]:
    """Country codes with "EU" replaced by the member states (keeping "EU" itself, for KB records that use it)."""
    out: set[str] = set()
    for c in codes:
        out.add(c)
        if c == "EU":
            out |= EU_MEMBERS
    return frozenset(out)


def is_self_hosted(item: InventoryItem) -> bool:
    """The weights run on the team's own machines: a local endpoint (Ollama, vLLM, in-process...) and weights
    that are not known to be closed. An unknown endpoint is not self-hosted: nobody wrote where it runs."""
    ep = item.endpoint
    if ep is None or not ep.local:
        return False
    prov = item.provenance
    return prov is None or prov.open_weights is not False


def is_remote(item: InventoryItem) -> bool:
    """Served by an endpoint that is not the team's own."""
    return item.endpoint is not None and not item.endpoint.local


def short_name(name: str) -> str:
    """An organisation's name without the legal names and aliases the knowledge base adds after it."""
    for cut in (" (", " / ", "; "):
        if cut in name and name.index(cut) > 0:
            name = name[: name.index(cut)]
    return name.strip()


def org_label(org: OrgRef | None) -> str:
    if org is None:
        return "an unknown developer"
    name = short_name(org.name)
    return f"{name} ({org.country})" if org.country else f"{name} (country unknown)"


def served_label(ep: Endpoint | None) -> str:
    """How an endpoint reads in a message: who operates it, and where, when that is known."""
    if ep is None:
        return "an endpoint the code does not name"
    if ep.operator and ep.local:
        return ep.operator
    who = short_name(ep.operator) if ep.operator else (ep.host or ep.url or "an unknown operator")
    where = ep.operator_country or ""
    if ep.parent_country and ep.parent_country != ep.operator_country:
        where = f"{where}, parent {ep.parent_country}" if where else f"parent {ep.parent_country}"
    host = f" at {ep.host}" if ep.host and ep.host not in who else ""
    return f"{who}{host}" + (f" ({where})" if where and not ep.local else "")


def country_verdict(country: str | None, deny: frozenset[str], allow: frozenset[str],
                    flag_unknown: bool) -> str | None:
    """Why a country breaks a deny/allow list ("listed", "not allowed", "unknown"), or None when it does not."""
    if country is None:
        return "unknown" if flag_unknown else None
    if deny and country in deny:
        return "listed"
    if allow and country not in allow:
        return "not allowed"
    return None


def closest(word: str, choices: Iterable[str]) -> str:
    """' (did you mean X?)' when a choice is close to a misspelt word."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def licences(item: InventoryItem, family_too: bool) -> list[LicenceInfo]:
    """The licence the knowledge base gives the model; with `family_too`, when only the family is known (not the
    checkpoint), also the licences of the family's other members, one of which may be the one that applies."""
    prov = item.provenance
    if prov is None:
        return []
    out = [prov.licence] if prov.licence else []
    if family_too and prov.model is None:
        out += prov.other_licences
    return out
