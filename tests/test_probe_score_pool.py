"""Scoring in a forked second process (`score_pool.py`) gives the labels scoring in the run's own process
gives, and loses no result when the scorer process dies or fails: those answers are scored in the run."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from upstream.probe import runner
from upstream.probe.results import ItemResult
from upstream.probe.runner import ProbeSettings, run_probe
from upstream.probe.score_pool import ScorePool, usable
from upstream.probe.scoring import Labels, score
from upstream.probe.store import Store
from upstream.probe.suite import Suite, load_suite

HERE = Path(__file__).parent
LABELLED = [json.loads(line) for line in (HERE / "data" / "probe_labelled.jsonl").read_text("utf-8").splitlines()
            if line.strip()]
TIMING = {"seconds", "attempts"}


def _needs_fork() -> None:
    assert sys.platform.startswith("linux"), "these tests run where the scorer process is used (Linux)"
    assert threading.active_count() == 1, f"a thread was left running: {threading.enumerate()}"
    assert usable(), "fork is available, no other thread runs, more than one core: the pool must be usable"


@pytest.fixture(scope="module")
def varied_server() -> Iterator[str]:
    """tests/probe_server.py as its own process (a server thread here would keep the run from forking)."""
    proc = subprocess.Popen([sys.executable, str(HERE / "probe_server.py"), "--delay", "0.001", "--varied"],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    try:
        yield proc.stdout.readline().strip()
    finally:
        proc.kill()
        proc.wait()


def _quick_suite_times(k: int) -> Suite:
    """The quick suite's items k times over under new ids: enough answers for the run to use the pool."""
    quick = load_suite("quick")
    items = tuple(dataclasses.replace(item, id=f"{item.id}.{n}") for n in range(k) for item in quick.items)
    return Suite(quick.id, quick.version, quick.hash, items)


def _labels(results: list[ItemResult]) -> list[dict[str, object]]:
    return [{k: v for k, v in dataclasses.asdict(r).items() if k not in TIMING} for r in results]


def test_pool_labels_every_answer_as_scoring_here_does() -> None:
    _needs_fork()
    suite = load_suite("quick")
    facts_item = next(i for i in suite.items if i.key_facts)
    positions = (-1, 0, suite.items.index(facts_item))  # no item, an item, an item with reference facts
    jobs = [(n, positions[n % 3], rec["language"], rec["answer"], "", rec.get("prompt", ""))
            for n, rec in enumerate(LABELLED)]
    got: dict[int, Labels] = {}

    async def go() -> ScorePool:
        pool = ScorePool.start(suite.items, lambda i, lab: got.__setitem__(i, lab))
        assert pool is not None
        try:
            for job in jobs:
                pool.add(job)
            await pool.drain()
        finally:
            pool.close()
        return pool

    pool = asyncio.run(go())
    assert pool.broken == "closed" and pool.scored == len(jobs) == len(got)
    assert not pool.process.is_alive(), "the scorer ends when its pipe closes"
    for i, pos, lang, answer, reasoning, prompt in jobs:
        item = suite.items[pos] if pos >= 0 else None
        assert got[i] == score(answer, lang, item, reasoning, prompt), LABELLED[i]["id"]
    assert {lab.label for lab in got.values()} >= {"answered", "refusal", "deflection"}


def test_a_batch_the_scorer_fails_on_is_left_to_the_caller() -> None:
    _needs_fork()
    suite = load_suite("quick")
    got: dict[int, Labels] = {}

    async def go() -> ScorePool:
        pool = ScorePool.start(suite.items, lambda i, lab: got.__setitem__(i, lab))
        assert pool is not None
        try:
            pool.add((0, len(suite.items) + 5, "en", "An answer.", "", "A question?"))  # no such item there
            await pool.drain()
            pool.add((1, 0, "en", "Another answer.", "", "A question?"))  # after a failure: not sent
            await pool.drain()
        finally:
            pool.close()
        return pool

    pool = asyncio.run(go())
    assert got == {} and pool.scored == 0
    assert pool.broken is not None and "IndexError" in pool.broken


def _run(url: str, suite: Suite, store_dir: Path) -> list[ItemResult]:
    settings = ProbeSettings(endpoint=url, model="m", langs=("en", "zh-Hans", "zh-Hant"), concurrency=16,
                             max_tokens=64)
    with Store(store_dir) as store:
        report = asyncio.run(run_probe(settings, suite, store))
    assert report.requests_sent == len(report.results) and report.complete
    return report.results


def _recording_start(monkeypatch: pytest.MonkeyPatch) -> list[ScorePool]:
    pools: list[ScorePool] = []
    real = ScorePool.start

    def start(items: object, done: object) -> ScorePool | None:
        pool = real(items, done)  # type: ignore[arg-type]
        if pool is not None:
            pools.append(pool)
        return pool

    monkeypatch.setattr(ScorePool, "start", staticmethod(start))
    return pools


def test_a_run_scored_in_the_second_process_equals_one_scored_in_its_own(
        varied_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _needs_fork()
    suite = _quick_suite_times(4)  # 352 answers, above POOL_MIN
    with monkeypatch.context() as m:
        m.setattr(runner, "POOL_MIN", 10**9)
        inline = _run(varied_server, suite, tmp_path / "inline")
    pools = _recording_start(monkeypatch)
    pooled = _run(varied_server, suite, tmp_path / "pooled")
    assert len(pools) == 1 and pools[0].scored == sum(1 for r in pooled if r.transport == "ok")
    assert pools[0].scored >= runner.POOL_MIN
    assert _labels(pooled) == _labels(inline)
    labels = {r.label for r in pooled}
    assert {"answered", "refusal", "deflection", "empty"} <= labels, labels
    assert any(r.narrative for r in pooled), "the state line's marker is found through the pool too"


def test_a_scorer_killed_mid_run_loses_no_result(
        varied_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _needs_fork()
    suite = _quick_suite_times(4)
    with monkeypatch.context() as m:
        m.setattr(runner, "POOL_MIN", 10**9)
        inline = _run(varied_server, suite, tmp_path / "inline")
    pools: list[ScorePool] = []
    real = ScorePool.start

    def start(items: object, done: object) -> ScorePool | None:
        def killing(i: int, labels: Labels) -> None:
            done(i, labels)  # type: ignore[operator]
            if pool is not None and pool.process.is_alive():
                pool.process.kill()  # after the first batch is back

        pool = real(items, killing)  # type: ignore[arg-type]
        if pool is not None:
            pools.append(pool)
        return pool

    monkeypatch.setattr(ScorePool, "start", staticmethod(start))
    pooled = _run(varied_server, suite, tmp_path / "pooled")
    assert len(pools) == 1
    assert pools[0].broken is not None and "gone" in pools[0].broken
    assert 0 < pools[0].scored < len(pooled), "some answers came back from the scorer, the rest were scored here"
    assert _labels(pooled) == _labels(inline)
