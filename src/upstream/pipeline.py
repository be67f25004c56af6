"""The story of a scan: walk the tree, run the detectors, merge the evidence, build the Report."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from upstream import __version__
from upstream.config import ScanConfig
from upstream.detect import runner
from upstream.errors import UsageError
from upstream.evidence import Detection
from upstream.registry import detectors
from upstream.sources import WalkResult, walk

if TYPE_CHECKING:
    from upstream.artifacts.types import ArtifactCard
    from upstream.models import InventoryItem, Provenance, Report
    from upstream.policy import Policy

_SKIP_LIST_CAP = 2000


def _may_hold_policy(config: ScanConfig) -> bool:
    """False only when no policy can apply: no --policy, no --profile, and neither of the files a policy is
    discovered in (upstream.toml, pyproject.toml) at the root. Spares a tree without them the policy
    engine's import (a fifth of a second)."""
    if config.policy or config.profile:
        return True
    return any(os.path.isfile(os.path.join(config.root, n)) for n in ("upstream.toml", "pyproject.toml"))


class _Later:
    """What the scan needs after the detectors, prepared while they run (workers) or before (in-process):
    the policy (found and parsed, so a bad one still stops the scan), the knowledge base, the later stages'
    imports. None of it is needed to read files, so none of it delays the first worker."""

    def __init__(self, config: ScanConfig) -> None:
        self.config = config
        self.policy: Policy | None = None

    def __call__(self) -> None:
        cfg = self.config
        if cfg.use_policy and _may_hold_policy(cfg):
            from upstream.policy import find_policy

            self.policy = find_policy(cfg.root, cfg.policy, cfg.profile)
        # the later stages' imports and tables, made while the workers scan (the Report's types among them)
        import upstream.inventory
        import upstream.models  # noqa: F401
        from upstream.endpoints import table

        table()

        if cfg.resolve:
            from upstream.kb.loader import default_kb

            default_kb()


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
    started = time.perf_counter()
    dets = [d for d in every if d.id in config.detectors] if config.detectors else every
    walked = WalkResult()
    entries = walk(config.root, walked, include_vendored=config.include_vendored,
                   use_gitignore=config.use_gitignore, follow_symlinks=config.follow_symlinks)
    jobs = config.effective_jobs()
    later = _Later(config)
    result = runner.run(entries, dets, config.max_file_size, jobs, while_waiting=later)
    policy = later.policy

    from upstream.endpoints import table
    from upstream.inventory import build_inventory
    from upstream.models import PluginStatus, Report, ScanStats

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
    if policy is None:
        return report
    from upstream.policy import with_policy

    return with_policy(report, policy)
