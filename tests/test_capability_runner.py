"""The capability runner end to end against a scripted model: right, wrong and garbage answers, 429s, timeouts,
provider blocks, the answer store, pass@1 with its Wilson interval, pass@k, the CLI and the attached run."""

from __future__ import annotations

import asyncio
import io
import json
import re
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from probe_cli import main
from probe_server import Reply, Request, ScriptedServer, chat_reply

from upstream.capability.attach import measured_run
from upstream.capability.runner import CapabilitySettings, run_capability
from upstream.capability.suite import CapabilitySuite, load_suite, select
from upstream.capability.summary import pass_at_k
from upstream.errors import ConfigError
from upstream.probe.stats import wilson
from upstream.probe.store import Store

HERE = Path(__file__).parent
MINI = str(HERE / "fixtures" / "probe" / "mini")
QUICK = load_suite("quick")
FULL = load_suite("full")
NAME = re.compile(r"`(\w+)")


def entry(req: Request) -> str:
    prompt = req.json()["messages"][-1]["content"]
    m = NAME.search(prompt)
    assert m is not None
    return m.group(1)


def right(name: str) -> str:
    task = next(t for t in FULL.tasks if t.entry_point == name)
    return f"Here is my solution:\n\n```python\n{task.solution}```\n\nIt handles the edge cases."


def wrong(name: str) -> str:
    return f"```python\ndef {name}(*args, **kwargs):\n    return 0\n```"


def model(plan: dict[str, Callable[[str], Reply]], default: Callable[[str], Reply] | None = None
          ) -> Callable[[Request], Reply]:
    """A scripted model answering each task (by entry point) as `plan` says; right answers otherwise."""
    def handler(req: Request) -> Reply:
        if req.path.endswith("/models"):
            return Reply(body={"data": [{"id": "coder", "object": "model", "owned_by": "tests"}]})
        name = entry(req)
        make = plan.get(name, default or (lambda n: chat_reply(right(n), model="coder-q4")))
        return make(name)
    return handler


def settings(url: str, **kw: Any) -> CapabilitySettings:
    base: dict[str, Any] = dict(endpoint=url, model="coder", min_n=1, timeout=5.0, retries=2, workers=2)
    base.update(kw)
    return CapabilitySettings(**base)


def run(cs: CapabilitySettings, suite: CapabilitySuite, store: Path) -> Any:
    with Store(store) as st:
        return asyncio.run(run_capability(cs, suite, st))


def by_task(report: Any) -> dict[str, Any]:
    return {r.task: r for r in report.results}


def test_right_wrong_garbage_and_the_numbers(tmp_path: Path) -> None:
    plan = {
        "count_vowels": lambda n: chat_reply(wrong(n)),
        "is_palindrome_phrase": lambda n: chat_reply("I think you should use a loop over the characters."),
        "second_largest": lambda n: chat_reply("```python\ndef second_largest(xs):\n    while True:\n"
                                               "        pass\n```"),
        "tick_tock": lambda n: chat_reply("```python\ndef tick_tock(n):\n"
                                          "    return [str(i) for i in range(1, n + 1)\n```"),
    }
    with ScriptedServer(model(plan)) as srv:
        report = run(settings(srv.url, limits=_limits(2.0)), QUICK, tmp_path)
    r = by_task(report)
    assert r["count-vowels"].status == "failed" and r["count-vowels"].sandbox_status == "failed"
    assert "AssertionError" in r["count-vowels"].stderr or r["count-vowels"].sandbox_detail
    assert r["phrase-palindrome"].status == "no-code" and r["phrase-palindrome"].sandbox_status is None
    assert r["second-largest"].status == "failed" and r["second-largest"].sandbox_status == "timeout"
    assert r["tick-tock"].status == "failed" and r["tick-tock"].code.startswith("def tick_tock")
    passed = [t for t, x in r.items() if x.status == "passed"]
    assert len(passed) == 12 and all(r[t].extraction == "fenced" and r[t].defines_entry for t in passed)
    s = report.summary
    assert (s.pass_at_1.x, s.pass_at_1.n) == (12, 16)
    low, high = wilson(12, 16)
    assert s.pass_at_1.value == pytest.approx(0.75) and (s.pass_at_1.low, s.pass_at_1.high) == (low, high)
    assert 0.50 < low < 0.52 and 0.89 < high < 0.91
    easy, medium = s.by_difficulty["easy"], s.by_difficulty["medium"]
    assert (easy.x, easy.n, medium.x, medium.n) == (6, 10, 6, 6)
    assert list(s.by_difficulty) == ["easy", "medium"]
    assert s.statuses == {"passed": 12, "failed": 3, "no-code": 1, "not-scored": 0}
    assert s.sandbox == {"failed": 2, "passed": 12, "timeout": 1}
    assert report.complete and report.requests_sent == 16 and report.requests_cached == 0
    assert "rlimits" in s.isolation and "audit-hook" in s.isolation
    fp = report.fingerprint
    assert report.kind == "capability" and fp.suite == QUICK.id and fp.suite_hash == QUICK.hash
    assert fp.params == {"max_tokens": 2048, "temperature": 0.0} and fp.served_models == ["coder-q4", "scripted"]
    assert fp.model_info.get("id") == "coder" and fp.languages == ["python"] and fp.local


def _limits(seconds: float) -> Any:
    from upstream.capability.sandbox import Limits

    return Limits(seconds=seconds)


def test_min_n_hides_small_rates(tmp_path: Path) -> None:
    with ScriptedServer(model({})) as srv:
        report = run(settings(srv.url, min_n=30), QUICK, tmp_path)
    rate = report.summary.pass_at_1
    assert (rate.x, rate.n) == (16, 16) and rate.insufficient and rate.value is None and rate.low is None


def test_infrastructure_errors_are_not_failures_and_a_rerun_retries_only_them(tmp_path: Path) -> None:
    blocked = {"error": {"code": "content_filter", "message": "The response was filtered by the content policy"}}
    plan: dict[str, Callable[[str], Reply]] = {
        "count_vowels": lambda n: Reply(fault="hang"),
        "digit_sum": lambda n: Reply(status=503, body={"error": "overloaded"}),
        "leap_year": lambda n: Reply(status=400, body=blocked),
    }
    plan["is_leap_year"] = plan.pop("leap_year")
    suite = select(QUICK, difficulties=("easy",))
    broken = [True]
    flaky, healthy = model(plan), model({})
    with ScriptedServer(lambda req: flaky(req) if broken[0] else healthy(req)) as srv:
        report = run(settings(srv.url, timeout=0.5, retries=1), suite, tmp_path)
        broken[0] = False  # the endpoint recovered
        sent = len(srv.chat_requests())
        again = run(settings(srv.url), suite, tmp_path)
        assert len(srv.chat_requests()) - sent == 2, "only the infrastructure errors are sent again"
    r = by_task(report)
    assert r["count-vowels"].status == "not-scored" and r["count-vowels"].transport == "infra_error"
    assert r["digit-sum"].status == "not-scored" and "503" in (r["digit-sum"].detail or "")
    assert r["leap-year"].status == "not-scored" and r["leap-year"].transport == "provider_blocked"
    s = report.summary
    assert (s.pass_at_1.x, s.pass_at_1.n) == (7, 7), "not-scored answers are left out, not failed"
    assert s.statuses["not-scored"] == 3 and not report.complete
    assert again.requests_cached == 8 and again.requests_sent == 2
    assert by_task(again)["leap-year"].status == "not-scored", "a provider block is a final, stored answer"
    assert by_task(again)["count-vowels"].status == "passed" and not again.complete


def test_retry_after_429_then_success(tmp_path: Path) -> None:
    seen: Counter[str] = Counter()
    lock = threading.Lock()

    def flaky(name: str) -> Reply:
        with lock:
            seen[name] += 1
            first = seen[name] == 1
        if first:
            return Reply(status=429, body={"error": "rate limited"}, headers={"retry-after": "0"})
        return chat_reply(right(name))

    suite = select(QUICK, ids=("digit-sum", "leap-year", "chunk-list"))
    with ScriptedServer(model({}, default=flaky)) as srv:
        report = run(settings(srv.url), suite, tmp_path)
    assert all(r.status == "passed" and r.attempts == 2 for r in report.results)


def test_a_rerun_is_served_from_the_store(tmp_path: Path) -> None:
    suite = select(QUICK, difficulties=("medium",))
    plan = {"to_roman": lambda n: chat_reply(wrong(n))}
    with ScriptedServer(model(plan)) as srv:
        first = run(settings(srv.url, temperature=0.2), suite, tmp_path)
        again = run(settings(srv.url, temperature=0.2), suite, tmp_path)
        assert len(srv.chat_requests()) == 6
        other = run(settings(srv.url, temperature=0.7), suite, tmp_path)
        assert len(srv.chat_requests()) == 12, "other decoding parameters are other requests"
    assert again.requests_sent == 0 and again.requests_cached == 6 and all(r.cached for r in again.results)
    assert [(r.task, r.status) for r in again.results] == [(r.task, r.status) for r in first.results]
    assert again.summary.pass_at_1 == first.summary.pass_at_1
    assert first.fingerprint.params["temperature"] == 0.2 and other.fingerprint.params["temperature"] == 0.7


def test_samples_give_shares_per_task_and_unbiased_pass_at_k(tmp_path: Path) -> None:
    """Task A passes 1 of 4 samples, task B 4 of 4, task C 0 of 4 (the sample is told by its seed)."""
    def handler(req: Request) -> Reply:
        if req.path.endswith("/models"):
            return Reply(body={"data": []})
        name, seed = entry(req), req.json()["seed"]
        good = {"digit_sum": seed == 10, "is_leap_year": True, "chunk": False}[name]
        return chat_reply(right(name) if good else wrong(name))

    suite = select(QUICK, ids=("digit-sum", "leap-year", "chunk-list"))
    with ScriptedServer(handler) as srv:
        report = run(settings(srv.url, samples=4, seed=10, temperature=0.8), suite, tmp_path)
    assert len(report.results) == 12
    s = report.summary
    assert s.pass_at_1.x == pytest.approx(1.25) and s.pass_at_1.n == 3 and s.pass_at_1.samples == 12
    assert s.pass_at_1.value == pytest.approx(1.25 / 3)
    assert (s.pass_at_1.low, s.pass_at_1.high) == wilson(1.25, 3)
    ks = {p.k: p.value for p in s.pass_at_k}
    assert set(ks) == {1, 2, 4}
    assert ks[1] == pytest.approx((0.25 + 1 + 0) / 3)
    assert ks[2] == pytest.approx((0.5 + 1 + 0) / 3)
    assert ks[4] == pytest.approx(2 / 3)
    assert report.fingerprint.samples == 4


def test_pass_at_k_estimator() -> None:
    assert pass_at_k(10, 0, 1) == 0.0 and pass_at_k(10, 10, 5) == 1.0
    assert pass_at_k(10, 3, 1) == pytest.approx(0.3)
    assert pass_at_k(5, 1, 2) == pytest.approx(1 - 6 / 10)
    assert pass_at_k(4, 2, 3) == 1.0, "fewer failures than k: some sample of any k passes"
    with pytest.raises(ValueError):
        pass_at_k(3, 1, 4)


def test_an_endpoint_that_rejects_everything_stops_the_run(tmp_path: Path) -> None:
    with ScriptedServer(lambda req: Reply(status=401, body={"error": "bad key"})) as srv, pytest.raises(
            ConfigError, match="rejects the requests"):
        run(settings(srv.url), QUICK, tmp_path)


def test_truncated_answers_are_scored_and_reasoning_is_ignored(tmp_path: Path) -> None:
    plan = {
        "digit_sum": lambda n: chat_reply(right(n), finish="length"),
        "is_leap_year": lambda n: chat_reply("<think>```python\ndef is_leap_year(y):\n    return True\n```</think>"
                                             + right(n)),
        "chunk": lambda n: chat_reply("", reasoning="Let me think about chunking " * 50, finish="length"),
    }
    suite = select(QUICK, ids=("digit-sum", "leap-year", "chunk-list"))
    with ScriptedServer(model(plan)) as srv:
        report = run(settings(srv.url), suite, tmp_path)
    r = by_task(report)
    assert r["digit-sum"].transport == "truncated" and r["digit-sum"].status == "passed"
    assert r["leap-year"].status == "passed" and r["leap-year"].transport == "ok"
    assert r["chunk-list"].transport == "empty_after_reasoning" and r["chunk-list"].status == "no-code"
    assert r["chunk-list"].reasoning_chars > 0


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["probe", *argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def both(req: Request) -> Reply:
    """Behaviour items get prose; capability tasks get right answers, except count_vowels (wrong)."""
    if req.path.endswith("/models"):
        return Reply(body={"data": [{"id": "coder"}]})
    prompt = req.json()["messages"][-1]["content"]
    if "```python" not in prompt:
        return chat_reply(f"A full and factual answer about {prompt[:40]}, with names, places and dates.")
    name = entry(req)
    return chat_reply(wrong(name) if name == "count_vowels" else right(name))


def test_cli_capability_only(tmp_path: Path) -> None:
    out_file = tmp_path / "cap.json"
    with ScriptedServer(both) as srv:
        code, out, err = cli("--endpoint", srv.url, "--model", "coder", "--suite", "none", "--capability", "quick",
                             "--capability-difficulty", "easy", "--store", str(tmp_path / "store"),
                             "--capability-min-n", "5",
                             "-f", "json", "-o", str(out_file))
    assert code == 0, err
    assert out == "" and "10 answers" in err and "9 passed, 1 failed" in err
    doc = json.loads(out_file.read_text())
    assert doc["kind"] == "capability" and doc["tool"] == "upstream" and doc["schema_version"] == "1.0.0"
    assert doc["summary"]["pass_at_1"]["x"] == 9 and doc["summary"]["pass_at_1"]["n"] == 10
    assert doc["fingerprint"]["suite"] == "upstream-coding-quick" and doc["summary"]["min_n"] == 5
    run_ = measured_run(doc, str(out_file))
    assert run_.kind == "capability" and run_.model == "coder" and run_.suite == "upstream-coding-quick"
    [overall] = [m for m in run_.metrics if m.scope == "all"]
    assert overall.metric == "pass_at_1" and overall.value == 0.9 and overall.n == 10
    assert overall.low is not None and overall.high is not None and overall.low < 0.9 < overall.high
    assert {m.scope for m in run_.metrics} == {"all", "easy"}
    assert run_.examples[0].label == "failed" and run_.examples[0].item == "count-vowels"
    assert run_.examples[0].prompt.startswith("Write a Python function `count_vowels")
    assert {e.label for e in run_.examples} == {"passed", "failed"}


def test_cli_behaviour_and_capability_in_one_run(tmp_path: Path) -> None:
    with ScriptedServer(both) as srv:
        code, out, err = cli("--endpoint", srv.url, "--model", "coder", "--suite", MINI, "--lang", "en",
                             "--capability", "quick", "--store", str(tmp_path), "--min-n", "1", "-f", "json")
        assert code == 0, err
        doc = json.loads(out)
        assert doc["kind"] == "probe" and doc["results"] and doc["capability"]["kind"] == "capability"
        cap = doc["capability"]
        assert cap["summary"]["pass_at_1"]["x"] == 15 and cap["summary"]["pass_at_1"]["n"] == 16
        assert cap["fingerprint"]["model"] == doc["fingerprint"]["model"] == "coder"
        run_ = measured_run(doc, "run.json")
        assert run_.kind == "capability" and run_.metrics[0].value == pytest.approx(15 / 16, abs=1e-4)
        code, table, err = cli("--endpoint", srv.url, "--model", "coder", "--suite", MINI, "--lang", "en",
                               "--capability", "quick", "--store", str(tmp_path), "--capability-min-n", "30",
                               "-f", "table")
    assert code == 0, err
    assert "upstream probe · coder" in table and "upstream capability · coder" in table
    assert "all tasks  15/16 insufficient n" in table
    assert "count-vowels [easy] failed" in table
    assert "0 requests sent" in err.split("--capability")[1], "the second run came from the store"


def test_cli_plain_probe_has_no_capability(tmp_path: Path) -> None:
    with ScriptedServer(both) as srv:
        code, out, err = cli("--endpoint", srv.url, "--model", "coder", "--suite", MINI, "--lang", "en",
                             "--store", str(tmp_path), "-f", "json")
    assert code == 0, err
    assert json.loads(out)["capability"] is None and "--capability" not in err


@pytest.mark.parametrize(("argv", "message"), [
    (["--suite", "none"], "nothing to run"),
    (["--capability", "quick", "--capability-difficulty", "trivial"], "unknown trivial"),
    (["--capability", "quick", "--capability-seconds", "0"], "capability-seconds"),
    (["--capability", "quick", "--capability-jobs", "0"], "capability-jobs"),
    (["--capability", "/no/such/suite.yaml"], "no such capability suite"),
])
def test_cli_usage_errors(tmp_path: Path, argv: list[str], message: str) -> None:
    code, _, err = cli("--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "--store", str(tmp_path), *argv)
    assert code != 0 and message in err


def test_measured_run_rejects_what_is_not_a_capability_run() -> None:
    for doc, message in (({"kind": "probe", "fingerprint": {"model": "m"}}, "not a capability run"),
                         ({"kind": "capability", "summary": {}}, "fingerprint"),
                         ({"kind": "capability", "fingerprint": {"model": "m"}, "summary": {"pass_at_1": 3}},
                          "pass@1")):
        with pytest.raises(ConfigError, match=message):
            measured_run(doc, "x.json")
    minimal = {"kind": "capability", "fingerprint": {"model": "m", "served_models": "odd"},
               "summary": {"pass_at_1": {"value": "high", "n": -3}, "by_difficulty": [1, 2],
                           "pass_at_k": [{"k": 5, "value": 0.5, "n": 2}, "junk"]},
               "results": [None, {"status": "failed", "task": "t", "code": 5}]}
    run_ = measured_run(minimal, "x.json")
    assert run_.served_models == [] and run_.suite == "unknown"
    assert [(m.metric, m.value, m.n) for m in run_.metrics] == [("pass_at_1", None, 0), ("pass_at_5", 0.5, 2)]
    assert run_.examples[0].item == "t" and run_.examples[0].label == "failed"
