"""Hand-built reports for the policy, SARIF and Markdown tests, and the example project scanned under its policy."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from upstream.artifacts.types import ArtifactCard, ArtifactFinding, Identity, Safety
from upstream.models import (
    Endpoint,
    Evidence,
    InventoryItem,
    LicenceInfo,
    ModelRef,
    OrgRef,
    Provenance,
    Report,
    RestrictionInfo,
    Root,
    ScanStats,
)

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
SARIF_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
FIXED_TIME = "2000-01-01T00:00:00+00:00"
TODAY = date(2026, 12, 1)

DEEPSEEK = OrgRef(id="deepseek", name="DeepSeek", country="CN")
ALIBABA = OrgRef(id="alibaba-qwen", name="Alibaba Group / Alibaba Cloud - Qwen (Tongyi Qianwen) team", country="CN")
META = OrgRef(id="meta", name="Meta Platforms", country="US")
ZHIPU = OrgRef(id="zhipu", name="Zhipu AI", country="CN", listings=["US Commerce Entity List (US, 2025-01-15)"])
MISTRAL = OrgRef(id="mistral", name="Mistral AI", country="FR")

DEEPSEEK_API = Endpoint(url="https://api.deepseek.com", host="api.deepseek.com", operator="DeepSeek",
                        operator_id="deepseek", operator_country="CN")
OPENAI_API = Endpoint(url="https://api.openai.com/v1", host="api.openai.com", operator="OpenAI", operator_id="openai",
                      operator_country="US")
OLLAMA = Endpoint(url="http://localhost:11434", operator="self-hosted (Ollama)", operator_id="local-ollama",
                  local=True, implied=True)
IN_PROCESS = Endpoint(operator="self-hosted (in-process)", operator_id="in-process", local=True, implied=True)
DASHSCOPE_INTL = Endpoint(url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
                          host="dashscope-intl.aliyuncs.com", operator="Alibaba Cloud Model Studio (International)",
                          operator_id="dashscope-intl", parent_country="CN")
TOGETHER = Endpoint(url="https://api.together.xyz/v1", host="api.together.xyz", operator="Together AI",
                    operator_id="together", operator_country="US")
APACHE = LicenceInfo(id="apache-2.0", name="Apache License 2.0", spdx="Apache-2.0", category="permissive")
MIT = LicenceInfo(id="mit", name="MIT License", spdx="MIT", category="permissive")


def evidence(path: str, line: int, raw: str, kind: str = "code", cell: int | None = None) -> Evidence:
    return Evidence(path=path, line=line, cell=cell, raw=raw, snippet=f'model = "{raw}"', kind=kind,  # type: ignore[arg-type]
                    confidence="high", technique="source-code-analysis", detector="python")


def prov(ref: str, **kw: Any) -> Provenance:
    base: dict[str, Any] = {"reference": ref, "normalized": ref, "status": "known", "confidence": 0.9,
                            "kb_version": "kb-test", "model": ref}
    base.update(kw)
    return Provenance(**base)


def item(name: str, *, endpoint: Endpoint | None = None, hub: str = "huggingface", developer: OrgRef | None = None,
         where: tuple[tuple[str, int], ...] = (("app/main.py", 3),), docs_only: bool = False,
         revision: str | None = None, provenance: Provenance | bool | None = True, **prov_kw: Any) -> InventoryItem:
    """An inventory item; `provenance=True` builds a known one from `developer` and `prov_kw`."""
    ev = [evidence(p, ln, name, "docs" if docs_only or p.endswith(".md") else "code") for p, ln in where]
    kind = "docs" if docs_only else "code"
    if provenance is True:
        p: Provenance | None = prov(name, developer=developer, **prov_kw)
    else:
        p = provenance or None
    key = f"{name}@{endpoint.operator_id}" if endpoint is not None else name
    return InventoryItem(id=key, model=ModelRef(raw=name, canonical=name, hub=hub, revision=revision),  # type: ignore[arg-type]
                         endpoint=endpoint, kinds=[kind], docs_only=docs_only, confidence="high",  # type: ignore[list-item]
                         evidence=ev, provenance=p)


def card(path: str, *, verdict: str = "safe", fmt: str = "gguf", findings: tuple[tuple[str, str], ...] = (),
         name: str | None = None, dangerous: tuple[str, ...] = ()) -> ArtifactCard:
    return ArtifactCard(path=path, format=fmt, identity=Identity(name=name, confidence="medium"),  # type: ignore[arg-type]
                        findings=[ArtifactFinding(id=i, severity="warning", message=m) for i, m in findings],
                        safety=Safety(format=fmt, executes_code=verdict != "safe", verdict=verdict,  # type: ignore[arg-type]
                                      dangerous=list(dangerous)))


def report(*items: InventoryItem, artifacts: tuple[ArtifactCard, ...] = (), root: str = ".",
           complete: bool = True) -> Report:
    stats = ScanStats(files_seen=1, files_scanned=1, files_skipped=0, dirs_skipped=0, bytes_read=1, seconds=0.0, jobs=1)
    return Report(tool_version="0.0.0", generated_at="2026-12-01T00:00:00+00:00", root=root, inventory=list(items),
                  endpoints=[], sdks=[], skipped=[], statuses=[], stats=stats, artifacts=list(artifacts),
                  complete=complete)


def restricted(licence_id: str, kind: str, territories: tuple[str, ...] = ()) -> LicenceInfo:
    return LicenceInfo(id=licence_id, name=licence_id, category="open-weights-restricted", restrictions=[
        RestrictionInfo(kind=kind, text=f"{kind} clause", territories=list(territories))])  # type: ignore[arg-type]


def root(model: str, org: OrgRef, *via: str) -> Root:
    return Root(model=model, developer=org, via=list(via))


@contextmanager
def cwd(path: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def demo_under_policy() -> Report:
    """The example project scanned from the repository root, under its own upstream.toml, with a fixed clock."""
    from upstream.config import scan_config
    from upstream.pipeline import scan
    from upstream.policy import find_policy, with_policy

    with cwd(ROOT):
        scanned = scan(scan_config("examples/demo-app", {"jobs": 1}))
        policy = find_policy("examples/demo-app")
    assert policy is not None
    scanned = dataclasses.replace(scanned, generated_at=FIXED_TIME)
    return with_policy(scanned, policy, today=TODAY)


def redact(text: str, rep: Report) -> str:
    text = text.replace(str(ROOT), "<REPO>")
    if rep.kb_version:
        text = text.replace(rep.kb_version, "<KB-VERSION>")
    return text.replace(f'"{rep.tool_version}"', '"<TOOL-VERSION>"').replace(f"upstream {rep.tool_version}",
                                                                               "upstream <TOOL-VERSION>")


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPSTREAM_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing {path}: run with UPSTREAM_UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} changed: diff it; if the change is right, regenerate (UPSTREAM_UPDATE_GOLDEN=1) and review it")
