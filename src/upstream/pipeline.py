"""The story of a scan: walk the tree, run the detectors, merge the evidence, build the Report."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from datetime import UTC, datetime

from upstream import __version__
from upstream.artifacts.types import ArtifactCard
from upstream.config import ScanConfig
from upstream.detect import runner
from upstream.endpoints import table
from upstream.errors import UsageError
from upstream.inventory import build_inventory
from upstream.models import Detection, InventoryItem, PluginStatus, Provenance, Report, ScanStats
from upstream.policy import find_policy, with_policy
from upstream.registry import detectors
from upstream.sources import WalkResult, walk

_SKIP_LIST_CAP = 2000


def _load_kb() -> object:
    from upstream.kb.loader import default_kb

    return default_kb()


def _attach_provenance(items: list[InventoryItem], online: bool) -> tuple[list[InventoryItem], str]:
    """Each item with its provenance from the knowledge base (and the Hub with --online)."""
    from upstream.kb.loader import default_kb
    from upstream.resolve import resolve_item

    kb = default_kb()
    out = []
    for item in items:
        prov = resolve_item(item, kb)
        if online and prov.status != "known":
            prov = _enrich_online(prov)
        out.append(replace(item, provenance=replace(prov, endpoint=None)))
    return out, kb.version


def _enrich_online(prov: Provenance) -> Provenance:
    from upstream.resolve.hf_hub import HubError, enrich

    try:
        return enrich(prov)
    except HubError:
        return prov


def _artifacts(detections: list[tuple[str, Detection]]) -> list[ArtifactCard]:
    """One card per artifact met, in path order (a card may back several detections)."""
    seen: dict[str, ArtifactCard] = {}
    for _, d in detections:
        if d.artifact is not None:
            seen.setdefault(d.artifact.path, d.artifact)
    return sorted(seen.values(), key=lambda c: c.path)


def scan(config: ScanConfig) -> Report:
    """Scan `config.root` and return the Report. Raises UsageError only for a root that is not there."""
    if not os.path.exists(config.root):
        raise UsageError(f"{config.root}: no such file or directory")
    every = detectors()  # built once: the registry imports and instantiates every detector
    known = [d.id for d in every]
    unknown = set(config.detectors) - set(known)
    if unknown:
        raise UsageError(f"unknown detector(s): {', '.join(sorted(unknown))}", hint=f"known: {', '.join(known)}")
    policy = find_policy(config.root, config.policy, config.profile) if config.use_policy else None
    started = time.perf_counter()
    dets = [d for d in every if d.id in config.detectors] if config.detectors else every
    walked = WalkResult()
    entries = walk(config.root, walked, include_vendored=config.include_vendored,
                   use_gitignore=config.use_gitignore, follow_symlinks=config.follow_symlinks)
    jobs = config.effective_jobs()
    result = runner.run(entries, dets, config.max_file_size, jobs,
                        while_waiting=_load_kb if config.resolve else None)
    detections = sorted(result.detections, key=lambda t: (t[0], t[1].line))
    artifacts = _artifacts(detections)
    inventory, endpoint_uses, sdks = build_inventory(detections, table())
    kb_version = None
    if config.resolve:
        inventory, kb_version = _attach_provenance(inventory, config.online)
    skipped = sorted([*walked.skipped, *result.skipped], key=lambda s: (s.path, s.reason))
    statuses = [
        PluginStatus(plugin=pid, files=c.files, detections=c.detections, errors=c.errors,
                     error_samples=c.samples)
        for pid, c in sorted(result.counters.items())
    ]
    incomplete_reasons = {"unreadable", "parse-error", "invalid-utf8", "symlink-loop", "too-large"}
    complete = not any(s.reason in incomplete_reasons for s in skipped) and not any(st.errors for st in statuses)
    stats = ScanStats(
        files_seen=walked.files_seen, files_scanned=result.files_scanned,
        files_skipped=sum(1 for s in skipped if not s.path.endswith("/")), dirs_skipped=walked.dirs_skipped,
        bytes_read=result.bytes_read, seconds=round(time.perf_counter() - started, 3), jobs=jobs,
    )
    report = Report(
        tool_version=__version__,
        generated_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
        root=config.root,
        config=config.audit(),
        inventory=inventory,
        endpoints=endpoint_uses,
        sdks=sdks,
        skipped=skipped[:_SKIP_LIST_CAP],
        statuses=statuses,
        stats=stats,
        kb_version=kb_version,
        artifacts=artifacts,
        complete=complete,
    )
    return with_policy(report, policy) if policy is not None else report
