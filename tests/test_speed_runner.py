"""The scan's fast paths give the answers of the plain ones: worker processes against one process, the
per-gate keyword automata against a substring test, the skipped policy import against policy discovery."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from upstream.config import scan_config
from upstream.detect import Detection, FileInput
from upstream.detect import runner as runner_mod
from upstream.detect.runner import KeywordIndex, keyword_gate, run
from upstream.errors import ConfigError
from upstream.pipeline import _may_hold_policy, scan
from upstream.policy import find_policy
from upstream.report.json_report import render_json
from upstream.sources import WalkResult, walk

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "scan"
DEMO = ROOT / "examples" / "demo-app"


def _normalised(root: Path, jobs: int) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(render_json(scan(scan_config(str(root), {"jobs": jobs}))))
    for volatile in ("generated_at",):
        doc.pop(volatile)
    doc["stats"].pop("seconds")
    doc["stats"].pop("jobs")
    doc["config"].pop("jobs")
    return doc


@pytest.mark.parametrize("root", [CORPUS, DEMO], ids=["fixture-corpus", "demo-app-with-policy"])
def test_worker_processes_report_exactly_what_one_process_reports(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = _normalised(root, jobs=1)
    # every file through the workers, in small batches, so batch boundaries fall everywhere
    monkeypatch.setattr(runner_mod, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(runner_mod, "BATCH", 7)
    parallel = _normalised(root, jobs=2)
    assert parallel == serial
    assert serial["inventory"], "the comparison must cover real findings"


class _Word:
    """A detector that is not in the registry: forked workers must use it as handed over."""

    id = "word"
    keywords: tuple[bytes, ...] = (b"USE:",)

    def wants(self, path: str, name: str, suffix: str) -> bool:
        return suffix == ".txt"

    def detect(self, file: FileInput) -> Iterator[Detection]:
        for n, line in enumerate(file.text().splitlines(), 1):
            if line.startswith("use:"):
                yield Detection(subject="model", value=line[4:].strip(), line=n, kind="config",
                                confidence="high", detector=self.id, snippet=line)


def _tree(tmp_path: Path) -> Path:
    for i in range(40):
        (tmp_path / f"f{i:02d}.txt").write_text(f"use: model-{i}\n" if i % 3 == 0 else "nothing here\n")
    (tmp_path / "bin.txt").write_bytes(b"use: x\x00\x01")
    (tmp_path / "big.txt").write_text("use: big\n" + "x" * 3000)
    (tmp_path / "latin1.txt").write_bytes("use: caf\xe9\n".encode("latin-1"))
    return tmp_path


def test_custom_detectors_run_in_workers_with_the_same_result(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = _tree(tmp_path)

    def go(jobs: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]], int, int]:
        res = run(walk(str(root), WalkResult()), [_Word()], 2000, jobs)
        return (sorted((p, d.value) for p, d in res.detections), sorted((s.path, s.reason) for s in res.skipped),
                res.files_scanned, res.bytes_read)

    serial = go(1)
    monkeypatch.setattr(runner_mod, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(runner_mod, "BATCH", 4)
    assert go(2) == serial
    assert len(serial[0]) == 14 and ("bin.txt", "binary") in serial[1] and ("big.txt", "too-large") in serial[1]


def test_an_error_while_workers_scan_stops_the_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _tree(tmp_path)
    monkeypatch.setattr(runner_mod, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(runner_mod, "BATCH", 1)

    def bad_policy() -> None:
        raise ConfigError("upstream.toml: bad rule")

    started = time.perf_counter()
    with pytest.raises(ConfigError, match="bad rule"):
        run(walk(str(root), WalkResult()), [_Word()], 2000, 2, while_waiting=bad_policy)
    assert time.perf_counter() - started < 30


class _Gated:
    def __init__(self, pid: str, keywords: tuple[bytes, ...]) -> None:
        self.id = pid
        self.keywords = keywords


def test_keyword_gates_agree_with_a_plain_substring_test() -> None:
    """Leftmost-first automata, one per distinct gate, say "contains a keyword" exactly when a substring
    test over the lower-cased bytes does, overlapping and nested keywords included."""
    rng = random.Random(5)
    alphabet = b"modelMODEL_-lm :/\x00\xe9"
    dets = [
        _Gated("a", (b"model", b"Model", b"MODEL", b"llm", b"from_pretrained")),
        _Gated("b", (b"del_", b"odel", b"l:")),  # keywords inside other detectors' keywords
        _Gated("c", (b"model", b"MODEL", b"llm")),  # the same gate as "a" in part, not in whole
        _Gated("d", (b"m", b"mod")),  # "mod" adds nothing once "m" is there
        _Gated("e", ()),
    ]
    index = KeywordIndex(dets)  # type: ignore[arg-type]
    assert keyword_gate(dets[3]) == (b"m",)  # type: ignore[arg-type]
    for _ in range(3000):
        data = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 24))).lower()
        for d in dets:
            expected = not d.keywords or any(k.lower() in data for k in d.keywords)
            assert index.passes(d.id, data) == expected, (d.id, data)


@pytest.mark.parametrize("files, flags, may", [
    ({}, {}, False),
    ({"README.md": "# x\n"}, {}, False),
    ({"upstream.toml": "[policy]\nfail_on = 'high'\n"}, {}, True),
    ({"pyproject.toml": "[project]\nname = 'x'\n"}, {}, True),
    ({}, {"profile": "inventory-only"}, True),
])
def test_the_policy_import_is_skipped_only_where_no_policy_can_apply(
        tmp_path: Path, files: dict[str, str], flags: dict[str, str], may: bool) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    config = scan_config(str(tmp_path), flags)
    assert _may_hold_policy(config) is may
    if not may:
        assert find_policy(str(tmp_path), config.policy, config.profile) is None
