"""The probe's fast paths keep the slow paths' behaviour: bounded concurrency with the fingerprint look-ups
running beside the first requests, results in plan order however answers arrive, slots handed on when a
waiting request is cancelled, and fingerprint look-ups on the lean transport following their URL's origin."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from pathlib import Path

from probe_server import Reply, Request, ScriptedServer, chat_reply, echo_handler

from upstream.probe.client import ChatClient
from upstream.probe.runner import ProbeSettings, run_probe
from upstream.probe.store import Store
from upstream.probe.suite import Item, Suite, suite_hash


def suite_of(n: int) -> Suite:
    items = tuple(Item(id=f"s.{i:03d}", topic="speed", type="direct", role="neutral", mirrors=None, contested=False,
                       expect="answer", prompts=(("en", f"Question number {i}?"),), key_facts=(),
                       narrative_markers=(), source="tests", licence="CC0-1.0") for i in range(n))
    return Suite("speed", "1", suite_hash("speed", "1", items), items)


def test_fingerprint_runs_beside_the_requests_within_the_concurrency(tmp_path: Path) -> None:
    def slow(req: Request) -> Reply:
        reply = echo_handler(req)
        if req.path.endswith("/models"):
            reply = Reply(body={"data": [{"id": "m", "object": "model", "owned_by": "tests", "max_model_len": 4096}]})
        reply.delay = 0.03
        return reply

    with ScriptedServer(slow) as srv, Store(tmp_path) as store:
        settings = ProbeSettings(endpoint=srv.url, model="m", langs=("en",), concurrency=4, max_tokens=16)
        report = asyncio.run(run_probe(settings, suite_of(24), store))
        paths = [r.path for r in srv.requests]
        assert srv.max_inflight <= 4, "the fingerprint look-ups hold one of the slots"
    assert report.requests_sent == 24 and report.summary.transport["ok"] == 24
    assert report.fingerprint.model_info.get("max_model_len") == 4096
    assert paths.index("/v1/chat/completions") < paths.index("/api/tags"), "requests start before the look-ups end"


def test_results_keep_plan_order_when_answers_arrive_out_of_order(tmp_path: Path) -> None:
    rng = random.Random(7)

    def jittery(req: Request) -> Reply:
        reply = echo_handler(req)
        reply.delay = rng.uniform(0, 0.02)
        return reply

    with ScriptedServer(jittery) as srv, Store(tmp_path) as store:
        settings = ProbeSettings(endpoint=srv.url, model="m", langs=("en",), concurrency=8, max_tokens=16)
        report = asyncio.run(run_probe(settings, suite_of(60), store))
        again = asyncio.run(run_probe(settings, suite_of(60), store))
    assert [r.item for r in report.results] == [f"s.{i:03d}" for i in range(60)]
    for i, r in enumerate(report.results):
        assert r.answer.endswith(f"Question number {i}?"), r
        assert r.label == "answered" and not r.cached
    assert again.requests_sent == 0
    assert [(r.item, r.answer, r.label) for r in again.results] == [(r.item, r.answer, r.label) for r in report.results]


def test_a_cancelled_wait_hands_its_slot_on() -> None:
    with ScriptedServer(lambda req: chat_reply("ok", delay=0.05)) as srv:
        async def go() -> list[int | None]:
            async with ChatClient(srv.url, concurrency=1, lean=True) as client:
                first = asyncio.create_task(client.chat({"model": "m", "messages": []}))
                waiting = asyncio.create_task(client.chat({"model": "m", "messages": []}))
                last = asyncio.create_task(client.chat({"model": "m", "messages": []}))
                await asyncio.sleep(0.01)
                waiting.cancel()
                done = await asyncio.wait_for(asyncio.gather(first, last), 5)
                return [ex.status for ex in done]

        assert asyncio.run(go()) == [200, 200]
        assert srv.max_inflight == 1 and len(srv.chat_requests()) == 2


def test_lean_lookups_follow_the_origin_of_their_url() -> None:
    def listing(name: str) -> Callable[[Request], Reply]:
        return lambda req: Reply(body={"data": [{"id": name}]}) if req.path.endswith("/models") else echo_handler(req)

    with ScriptedServer(listing("a")) as a, ScriptedServer(listing("b")) as b:
        async def go() -> list[object]:
            async with ChatClient(a.url, lean=True) as client:
                return [await client.get_json(a.url + "/models"), await client.get_json(b.url + "/models"),
                        await client.get_json(a.url + "/models")]

        found = asyncio.run(go())
    assert found == [{"data": [{"id": "a"}]}, {"data": [{"id": "b"}]}, {"data": [{"id": "a"}]}]
