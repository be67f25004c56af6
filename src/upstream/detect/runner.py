"""Hand each walked file to the detectors that want it: read once, gate on keywords, collect evidence.

Large trees are split into batches run in worker processes (fork), so both cores read and parse;
small trees run in-process. Every failure becomes a recorded skip or a plugin error, never a crash.
Batches travel as two NUL-joined strings (paths, absolute paths), not as pickled objects: on a large
tree pickling the entries cost as much as reading the files.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import TYPE_CHECKING

from upstream.detect import Detection, Detector, FileInput, ParseError, Screen
from upstream.evidence import Skipped
from upstream.redact import redact
from upstream.sources import Entry

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

BINARY_PROBE = 8192
HEAD_BYTES = 1 << 16
BATCH = 1024
PARALLEL_THRESHOLD = 1500

Matcher = Callable[[bytes], bool]


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


def _matcher(words: tuple[bytes, ...]) -> Matcher:
    """Whether lower-cased bytes contain any of `words`: a leftmost-first Aho-Corasick automaton, which
    finds *a* match as surely as an overlapping search finds all of them, at about half the cost."""
    try:
        import ahocorasick_rs
    except ImportError:  # pragma: no cover - the wheel exists for every common platform
        return lambda data: any(w in data for w in words)
    automaton = ahocorasick_rs.BytesAhoCorasick(list(words), matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_FIRST)
    find = automaton.find_matches_as_indexes
    return lambda data: bool(find(data))


class KeywordIndex:
    """The keyword gates of a set of detectors: one automaton per distinct gate (detectors often share
    one), each run at most once per file over the lower-cased bytes."""

    def __init__(self, detectors: Sequence[Detector]) -> None:
        self.gates = {d.id: keyword_gate(d) for d in detectors}
        distinct = sorted({g for g in self.gates.values() if g})
        self.slot = {pid: distinct.index(g) if g else -1 for pid, g in self.gates.items()}
        self.matchers = [_matcher(g) for g in distinct]

    def passes(self, pid: str, lowered: bytes) -> bool:
        """Whether the lower-cased content passes the detector's gate (always, for a detector without one)."""
        slot = self.slot[pid]
        return slot < 0 or self.matchers[slot](lowered)


_INDEX: tuple[tuple[Detector, ...], KeywordIndex] | None = None


def _keyword_index(detectors: Sequence[Detector]) -> KeywordIndex:
    """The index for these detector objects, built once per process (a few milliseconds: per batch of a
    large tree that added up to half a second). Forked workers inherit the parent's."""
    global _INDEX
    if _INDEX is None or len(_INDEX[0]) != len(detectors) or any(
            a is not b for a, b in zip(_INDEX[0], detectors, strict=False)):
        _INDEX = (tuple(detectors), KeywordIndex(detectors))
    return _INDEX[1]


@dataclass(slots=True)
class _Plan:
    """A detector with what the hot loop asks of it, looked up once per run."""

    det: Detector
    id: str
    head_only: bool
    slot: int  # its keyword gate, -1 for none
    counters: PluginCounters


_Want = tuple[Callable[[str, str, str], bool], _Plan]


class _Dispatch:
    """Which detectors to ask about a file: by suffix from a table built as suffixes are met, plus those
    whose screen admits the name by prefix, plus those without a screen; each asked in registry order."""

    def __init__(self, rows: list[tuple[_Want, Screen | None]]) -> None:
        self.rows = rows
        self.prefixes = tuple(sorted({p for _, sc in rows if sc is not None for p in sc.prefixes}))
        self.by_suffix: dict[str, list[_Want]] = {}

    def candidates(self, name: str, suffix: str) -> list[_Want]:
        low = name.lower()
        if self.prefixes and low.startswith(self.prefixes):
            return [w for w, sc in self.rows if sc is None or sc.admits(low, suffix)]
        found = self.by_suffix.get(suffix)
        if found is None:
            found = self.by_suffix[suffix] = [w for w, sc in self.rows if sc is None or suffix in sc.suffixes]
        return found


def _dispatch(detectors: Sequence[Detector], plans: Sequence[_Plan]) -> _Dispatch:
    return _Dispatch([((d.wants, p), getattr(d, "screen", None)) for d, p in zip(detectors, plans, strict=True)])


def wanting(detectors: Sequence[Detector]) -> Callable[[str, str, str], list[Detector]]:
    """The detectors that want a file (relative path, name, lower-case suffix), asked as the runner asks them:
    only those whose screen admits the file. For tools and tests that need the runner's choice."""
    candidates = _dispatch(detectors, [_Plan(d, d.id, False, -1, PluginCounters()) for d in detectors]).candidates
    return lambda path, name, suffix: [p.det for w, p in candidates(name, suffix) if w(path, name, suffix)]


def _scan_pairs(pairs: Iterable[tuple[str, str]], detectors: Sequence[Detector], max_bytes: int) -> RunResult:
    """Run the detectors over (relative path, absolute path) pairs in this process.

    The hot loop of a scan (50,000 iterations on a large tree, most of them ending at the keyword gate):
    the read is inlined, and a file one detector wants skips the bookkeeping of several."""
    out = RunResult()
    keywords = _keyword_index(detectors)
    matchers = keywords.matchers
    plans = []
    for d in detectors:
        c = out.counters.setdefault(d.id, PluginCounters())
        plans.append(_Plan(d, d.id, bool(getattr(d, "head_only", False)), keywords.slot[d.id], c))
    candidates = _dispatch(detectors, plans).candidates
    skipped, detections = out.skipped, out.detections
    scanned = read_bytes = 0
    o_rdonly, os_open, os_fstat, os_read, os_close = os.O_RDONLY, os.open, os.fstat, os.read, os.close
    for path, abspath in pairs:
        name = path[path.rfind("/") + 1:]
        dot = name.rfind(".")
        suffix = name[dot:].lower() if dot > 0 else ""
        wanting = [p for w, p in candidates(name, suffix) if w(path, name, suffix)]
        if not wanting:
            continue
        head_only = wanting[0].head_only if len(wanting) == 1 else all(p.head_only for p in wanting)
        try:  # at most max_bytes, or HEAD_BYTES when only headers are wanted or the file is larger
            fd = os_open(abspath, o_rdonly)
            try:
                size = os_fstat(fd).st_size
                want = min(size, HEAD_BYTES if head_only or size > max_bytes else max_bytes)
                data = os_read(fd, want) if want else b""
                while len(data) < want:  # short reads: pipes, network file systems
                    more = os_read(fd, want - len(data))
                    if not more:
                        break
                    data += more
            finally:
                os_close(fd)
        except OSError as exc:
            skipped.append(Skipped(path=path, reason="unreadable", detail=exc.strerror or str(exc)))
            continue
        if not head_only and size > max_bytes:
            wanting = [p for p in wanting if p.head_only]
            if not wanting:
                skipped.append(Skipped(path=path, reason="too-large", detail=f"{size} bytes > {max_bytes}"))
                continue
            head_only = True
        scanned += 1
        read_bytes += len(data)
        if not head_only and data.find(b"\x00", 0, BINARY_PROBE) >= 0:
            wanting = [p for p in wanting if p.head_only]
            if not wanting:
                skipped.append(Skipped(path=path, reason="binary"))
                continue
        if len(wanting) == 1:  # most files: one detector, at most one gate
            slot = wanting[0].slot
            if slot >= 0 and not matchers[slot](data.lower()):
                continue
            _detect(wanting[0], FileInput(path, abspath, size, data), path, detections, skipped)
            continue
        lowered: bytes | None = None
        gate_seen: dict[int, bool] = {}
        file: FileInput | None = None
        for plan in wanting:
            slot = plan.slot
            if slot >= 0:
                passed = gate_seen.get(slot)
                if passed is None:
                    if lowered is None:
                        lowered = data.lower()
                    passed = gate_seen[slot] = matchers[slot](lowered)
                if not passed:
                    continue
            if file is None:
                file = FileInput(path, abspath, size, data)
            _detect(plan, file, path, detections, skipped)
    out.files_scanned += scanned
    out.bytes_read += read_bytes
    return out


def _detect(plan: _Plan, file: FileInput, path: str, detections: list[tuple[str, Detection]],
            skipped: list[Skipped]) -> None:
    """One detector on one file: its detections kept, its parse problem recorded, its bug counted."""
    c = plan.counters
    c.files += 1
    found: list[Detection] = []
    try:
        for x in plan.det.detect(file):
            found.append(_clean(x))
    except ParseError as exc:
        # a detector may recover part of a broken file: keep what it yielded, record the problem
        c.detections += len(found)
        detections.extend((path, x) for x in found)
        skipped.append(Skipped(path=path, reason="invalid-utf8" if str(exc).startswith("invalid UTF-8")
                               else "parse-error", detail=f"{plan.id}: {exc}"))
        return
    except RecursionError:
        skipped.append(Skipped(path=path, reason="parse-error", detail=f"{plan.id}: nested too deeply"))
        return
    except Exception as exc:  # a detector bug must not lose the rest of the scan
        c.errors += 1
        if len(c.samples) < 5:
            c.samples.append(f"{path}: {type(exc).__name__}: {exc}")
        return
    c.detections += len(found)
    detections.extend((path, x) for x in found)


def scan_entries(entries: Iterable[Entry], detectors: Sequence[Detector], max_bytes: int) -> RunResult:
    """Run the detectors over the entries in this process."""
    return _scan_pairs(entries, detectors, max_bytes)


_WORKER_DETECTORS: Sequence[Detector] = ()


def _worker_init(detector_ids: tuple[str, ...]) -> None:
    """Spawned workers (no fork) build the detectors again from the registry; forked ones have them."""
    global _WORKER_DETECTORS
    if _WORKER_DETECTORS:
        return
    from upstream.registry import detectors

    _WORKER_DETECTORS = detectors(detector_ids)


def _worker_run(paths: str, abspaths: str, max_bytes: int) -> RunResult:
    return _scan_pairs(zip(paths.split("\0"), abspaths.split("\0"), strict=True), _WORKER_DETECTORS, max_bytes)


def _submit(pool: ProcessPoolExecutor, batch: list[Entry], max_bytes: int) -> Future[RunResult]:
    return pool.submit(_worker_run, "\0".join([e.path for e in batch]), "\0".join([e.abspath for e in batch]),
                       max_bytes)


def run(entries: Iterable[Entry], detectors: Sequence[Detector], max_bytes: int, jobs: int,
        while_waiting: Callable[[], object] | None = None) -> RunResult:
    """Run detectors over all entries, in `jobs` worker processes once the tree is large enough.

    `while_waiting` is work the caller needs done anyway (loading the knowledge base, the policy):
    with workers it runs once all work is handed out, while they scan; in-process it runs first.
    An exception from it stops the scan and is raised.
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
        if while_waiting:
            while_waiting()
        result.absorb(scan_entries(pending, detectors, max_bytes))
        return result
    global _WORKER_DETECTORS
    _WORKER_DETECTORS = detectors  # forked workers inherit them as they are, custom detectors included
    _keyword_index(detectors)  # and the keyword automata, built once here
    try:
        _run_pool(chain(pending, it), detectors, max_bytes, jobs, while_waiting, result)
    finally:
        _WORKER_DETECTORS = ()
    return result


def _run_pool(entries: Iterable[Entry], detectors: Sequence[Detector], max_bytes: int, jobs: int,
              while_waiting: Callable[[], object] | None, result: RunResult) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    fork = sys.platform != "win32"
    ctx = multiprocessing.get_context("fork" if fork else "spawn")
    futures: list[Future[RunResult]] = []
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init,
                             initargs=(tuple(d.id for d in detectors),)) as pool:
        batch: list[Entry] = []
        for e in entries:  # streamed: workers start while the walk goes on
            batch.append(e)
            if len(batch) >= BATCH:
                futures.append(_submit(pool, batch, max_bytes))
                batch = []
        if batch:
            futures.append(_submit(pool, batch, max_bytes))
        try:
            if while_waiting:
                while_waiting()
            for f in futures:
                result.absorb(f.result())
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
