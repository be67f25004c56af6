"""Who operates an endpoint: base URL or host -> operator, country and data-processing location.

The records live in `kb/data/endpoints.yaml`, each with sources and a checked date. A local address
(loopback, private range, a dotless service name such as `ollama`) on a runtime's well-known port maps to
that runtime; otherwise matching is by exact host, then host suffix (`*.openai.azure.com`), then host
pattern (`bedrock-runtime.*.amazonaws.com`, where `*` stands within one DNS label), then the `local` record.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import yaml

from upstream.models import Endpoint

_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]", "host.docker.internal"})


class EndpointRecord:
    """One operator record from the knowledge base."""

    __slots__ = ("data", "id")

    def __init__(self, data: dict[str, Any]) -> None:
        self.id: str = data["id"]
        self.data = data

    def endpoint(self, url: str | None, host: str | None, implied: bool, sources: dict[str, Any]) -> Endpoint:
        d = self.data
        return Endpoint(
            url=url or d.get("default_url"),
            host=host or (d.get("hosts") or [None])[0],
            operator=d.get("operator"),
            operator_id=self.id,
            operator_country=d.get("operator_country"),
            parent_country=d.get("parent_country"),
            data_processing=d.get("data_processing"),
            local=bool(d.get("local", False)),
            implied=implied,
            sources=[_cite(sources, s) for s in d.get("sources", [])],
        )


def _cite(sources: dict[str, Any], sid: str) -> str:
    src = sources.get(sid)
    if not src:
        return sid
    where = src.get("url") or src.get("repo") or ""
    return f"{src.get('title', sid)} <{where}>" if where else str(src.get("title", sid))


class EndpointTable:
    """Lookup of endpoint records by id, host, host suffix and local port."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.sources: dict[str, Any] = doc.get("sources", {}) or {}
        self.records: dict[str, EndpointRecord] = {}
        self.by_host: dict[str, EndpointRecord] = {}
        self.suffixes: list[tuple[str, EndpointRecord]] = []
        self.patterns: list[tuple[re.Pattern[str], EndpointRecord]] = []
        self.local_ports: dict[int, EndpointRecord] = {}
        for raw in doc.get("endpoints", []):
            rec = EndpointRecord(raw)
            self.records[rec.id] = rec
            for h in raw.get("hosts", []) or []:
                self.by_host[h.lower()] = rec
            for suf in raw.get("host_suffixes", []) or []:
                self.suffixes.append((suf.lower(), rec))
            for pat in raw.get("host_patterns", []) or []:
                self.patterns.append((_host_pattern(pat), rec))
            for port in raw.get("local_ports", []) or []:
                self.local_ports[int(port)] = rec
        self.suffixes.sort(key=lambda t: -len(t[0]))

    def by_id(self, record_id: str, implied: bool = True) -> Endpoint | None:
        rec = self.records.get(record_id)
        return rec.endpoint(None, None, implied, self.sources) if rec else None

    def for_url(self, url: str) -> Endpoint:
        """The endpoint a base URL (or bare host) points at; unknown hosts keep their host, no operator."""
        raw = url.strip()
        parts = urlsplit(raw if "//" in raw else f"//{raw}")
        host = (parts.hostname or "").lower()
        try:
            port = parts.port
        except ValueError:
            port = None
        if not host:
            return Endpoint(url=raw)
        local = _is_local(host)
        rec = self.local_ports.get(port or 0) if local else None
        rec = rec or self.by_host.get(host)
        if rec is None:
            for suf, r in self.suffixes:
                if host.endswith(suf):
                    rec = r
                    break
        if rec is None:
            rec = next((r for pat, r in self.patterns if pat.fullmatch(host)), None)
        if rec is None and local:
            rec = self.records.get("local")
        if rec is None:
            return Endpoint(url=raw, host=host, local=_is_private(host))
        return rec.endpoint(raw, host, False, self.sources)


def _host_pattern(pattern: str) -> re.Pattern[str]:
    """`bedrock-runtime.*.amazonaws.com` -> a regex where `*` matches within one DNS label."""
    return re.compile("[a-z0-9-]+".join(re.escape(part) for part in pattern.lower().split("*")))


def _is_local(host: str) -> bool:
    if host in _LOCAL_HOSTS or host.endswith((".localhost", ".local", ".lan", ".home", ".home.arpa", ".intranet",
                                              ".internal", ".corp")):
        return True
    return _is_private(host)


def _is_private(host: str) -> bool:
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host.endswith((".svc", ".svc.cluster.local", ".internal")) or "." not in host
    return ip.is_private or ip.is_loopback


@lru_cache(maxsize=1)
def table() -> EndpointTable:
    """The embedded endpoint table (loaded once)."""
    text = resources.files("upstream.kb").joinpath("data/endpoints.yaml").read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return EndpointTable(yaml.load(text, Loader=loader))  # a safe loader: plain data only
