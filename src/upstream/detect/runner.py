"""Hand each walked file to the detectors that want it: read once, gate on keywords, collect evidence.

Large trees are split into batches run in worker processes (fork), so both cores read and parse;
small trees run in-process. Every failure becomes a recorded skip or a plugin error, never a crash.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from upstream.detect import Detection, Detector, FileInput, ParseError
from upstream.models import Skipped
from upstream.redact import redact
from upstream.sources import Entry

BINARY_PROBE = 8192
HEAD_BYTES = 1 << 16
BATCH = 384
PARALLEL_THRESHOLD = 1500


@dataclass(slots=True)
class PluginCounters:
    files: int = 0
    detections: int = 0
    errors: int = 0
    samples: list[str] = field(default_factory=list)


@dataclass(slots=True)
class RunResult:
    detections: list[tuple[str, Detection]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    counters: dict[str, PluginCounters] = field(default_factory=dict)
    files_scanned: int = 0
    bytes_read: int = 0

    def absorb(self, other: RunResult) -> None:
        self.detections.extend(other.detections)
        self.skipped.extend(other.skipped)
        self.files_scanned += other.files_scanned
        self.bytes_read += other.bytes_read
        for pid, c in other.counters.items():
            mine = self.counters.setdefault(pid, PluginCounters())
            mine.files += c.files
            mine.detections += c.detections
            mine.errors += c.errors
            mine.samples.extend(c.samples[: max(0, 5 - len(mine.samples))])


def _read(path: str, limit: int, head_limit: int, head_only: bool) -> tuple[int, bytes]:
    """(size, first bytes): at most `limit` bytes, or `head_limit` when only headers are wanted or the
    file is larger than `limit` (then the caller decides whether a header is enough)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        want = min(size, head_limit if head_only or size > limit else limit)
        data = os.read(fd, want) if want else b""
        while len(data) < want:  # short reads: pipes, network file systems
            more = os.read(fd, want - len(data))
            if not more:
                break
            data += more
        return size, data
    finally:
        os.close(fd)


def _clean(d: Detection) -> Detection:
    snippet = redact(d.snippet.strip())
    if len(snippet) > 240:
        snippet = snippet[:237] + "..."
    return d if snippet == d.snippet else replace(d, snippet=snippet)


def keyword_gate(det: Detector) -> tuple[bytes, ...]:
    """A detector's keywords as the core applies them: case-insensitively, deduplicated, shortest
    first (a keyword that contains another adds nothing)."""
    lowered = sorted({k.lower() for k in det.keywords}, key=len)
    kept: list[bytes] = []
    for k in lowered:
        if not any(s in k for s in kept):
            kept.append(k)
    return tuple(kept)


class KeywordIndex:
    """Which detectors' keywords occur in a file: one Aho-Corasick pass over the lower-cased bytes for all
    detectors together (a `bytes.find` per keyword costs several times more on a large tree)."""

    def __init__(self, detectors: Sequence[Detector]) -> None:
        self.gates = {d.id: keyword_gate(d) for d in detectors}
        words = sorted({k for g in self.gates.values() for k in g})
        self.index = {w: i for i, w in enumerate(words)}
        self.wanted = {pid: frozenset(self.index[k] for k in g) for pid, g in self.gates.items()}
        self.automaton: Any = None
        if words:
            try:
                import ahocorasick_rs

                self.automaton = ahocorasick_rs.BytesAhoCorasick(words)
            except ImportError:  # pragma: no cover - the wheel exists for every common platform
                self.automaton = None

    def present(self, lowered: bytes) -> frozenset[int] | None:
        """Indexes of the keywords found, or None when no automaton is available."""
        if self.automaton is None:
            return None
        return frozenset(i for i, _, _ in self.automaton.find_matches_as_indexes(lowered, overlapping=True))

    def passes(self, pid: str, lowered: bytes, present: frozenset[int] | None) -> bool:
        if not self.gates[pid]:
            return True
        if present is not None:
            return not self.wanted[pid].isdisjoint(present)
        return any(k in lowered for k in self.gates[pid])


def scan_entries(entries: Iterable[Entry], detectors: Sequence[Detector], max_bytes: int) -> RunResult:
    """Run the detectors over the entries in this process."""
    out = RunResult()
    keywords = KeywordIndex(detectors)
    for d in detectors:
        out.counters.setdefault(d.id, PluginCounters())
    for entry in entries:
        name = entry.path.rsplit("/", 1)[-1]
        dot = name.rfind(".")
        suffix = name[dot:].lower() if dot > 0 else ""
        wanting = [d for d in detectors if d.wants(entry.path, name, suffix)]
        if not wanting:
            continue
        head_only = all(getattr(d, "head_only", False) for d in wanting)
        try:
            size, data = _read(entry.abspath, max_bytes, HEAD_BYTES, head_only)
        except OSError as exc:
            out.skipped.append(Skipped(path=entry.path, reason="unreadable", detail=exc.strerror or str(exc)))
            continue
        if not head_only and size > max_bytes:
            wanting = [d for d in wanting if getattr(d, "head_only", False)]
            if not wanting:
                out.skipped.append(Skipped(path=entry.path, reason="too-large", detail=f"{size} bytes > {max_bytes}"))
                continue
            head_only = True
        out.files_scanned += 1
        out.bytes_read += len(data)
        file = FileInput(entry.path, entry.abspath, size, data)
        if not head_only and b"\x00" in data[:BINARY_PROBE]:
            wanting = [d for d in wanting if getattr(d, "head_only", False)]
            if not wanting:
                out.skipped.append(Skipped(path=entry.path, reason="binary"))
                continue
        lowered: bytes | None = None
        present: frozenset[int] | None = None
        for det in wanting:
            if keywords.gates[det.id]:
                if lowered is None:
                    lowered = data.lower()
                    present = keywords.present(lowered)
                if not keywords.passes(det.id, lowered, present):
                    continue
            c = out.counters[det.id]
            c.files += 1
            found: list[Detection] = []
            try:
                for x in det.detect(file):
                    found.append(_clean(x))
            except ParseError as exc:
                # a detector may recover part of a broken file: keep what it yielded, record the problem
                c.detections += len(found)
                out.detections.extend((entry.path, x) for x in found)
                if str(exc).startswith("invalid UTF-8"):
                    out.skipped.append(Skipped(path=entry.path, reason="invalid-utf8", detail=f"{det.id}: {exc}"))
                else:
                    out.skipped.append(Skipped(path=entry.path, reason="parse-error", detail=f"{det.id}: {exc}"))
                continue
            except RecursionError:
                out.skipped.append(Skipped(path=entry.path, reason="parse-error",
                                           detail=f"{det.id}: nested too deeply"))
                continue
            except Exception as exc:  # a detector bug must not lose the rest of the scan
                c.errors += 1
                if len(c.samples) < 5:
                    c.samples.append(f"{entry.path}: {type(exc).__name__}: {exc}")
                continue
            c.detections += len(found)
            out.detections.extend((entry.path, x) for x in found)
    return out


_WORKER_DETECTORS: Sequence[Detector] = ()


def _worker_init(detector_ids: tuple[str, ...]) -> None:
    global _WORKER_DETECTORS
    from upstream.registry import detectors

    _WORKER_DETECTORS = detectors(detector_ids)


def _worker_run(batch: list[Entry], max_bytes: int) -> RunResult:
    return scan_entries(batch, _WORKER_DETECTORS, max_bytes)


def run(entries: Iterable[Entry], detectors: Sequence[Detector], max_bytes: int, jobs: int,
        while_waiting: Callable[[], object] | None = None) -> RunResult:
    """Run detectors over all entries, in `jobs` worker processes once the tree is large enough.

    `while_waiting` is called once all work is handed out (with workers, while they run), so the
    caller can prepare the next stage without adding to the wall time.
    """
    result = RunResult()
    for d in detectors:
        result.counters.setdefault(d.id, PluginCounters())
    pending: list[Entry] = []
    it = iter(entries)
    for e in it:
        pending.append(e)
        if jobs > 1 and len(pending) >= PARALLEL_THRESHOLD:
            break
    else:
        result.absorb(scan_entries(pending, detectors, max_bytes))
        if while_waiting:
            while_waiting()
        return result
    ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    ids = tuple(d.id for d in detectors)
    futures: list[Future[RunResult]] = []
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init,
                             initargs=(ids,)) as pool:
        batch: list[Entry] = []
        for e in [*pending, *it]:
            batch.append(e)
            if len(batch) >= BATCH:
                futures.append(pool.submit(_worker_run, batch, max_bytes))
                batch = []
        if batch:
            futures.append(pool.submit(_worker_run, batch, max_bytes))
        if while_waiting:
            while_waiting()
        for f in futures:
            result.absorb(f.result())
    return result
