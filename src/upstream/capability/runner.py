"""Run a capability suite: ask the endpoint each task, take the code from each answer, run the hidden tests.

Requests go through the behaviour probe's machinery (`ChatClient`, the on-disk `Store`, its sender and
transport classes): bounded concurrency, timeouts, retries with Retry-After, every final answer committed
as it arrives, so a killed run resumes and a repeated run sends nothing. Each answer's code runs in the
sandbox on a thread pool (the sandbox waits on a child process, so the event loop keeps sending while
tests run). An infrastructure error, a provider block or a sandbox that could not start is never a
failed task: it is "not-scored", left out of every rate, and the report says it is incomplete.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import os
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from upstream import __version__
from upstream.capability import sandbox
from upstream.capability.extract import extract_code
from upstream.capability.results import HARNESS_VERSION, CapabilityReport, TaskResult
from upstream.capability.suite import CapabilitySuite, Task
from upstream.capability.summary import summarize
from upstream.errors import ConfigError
from upstream.probe import fingerprint
from upstream.probe.client import chat_url, is_local, public_url
from upstream.probe.results import Fingerprint
from upstream.probe.runner import answer_of, decoding, start_run
from upstream.probe.stats import MIN_N
from upstream.probe.store import Store, request_key
from upstream.probe.transport import Answer

MAX_ANSWER_CHARS = 4000
MAX_CODE_CHARS = 8000
MAX_STDERR_CHARS = 1500
Progress = Callable[[int, int, int, int], None]  # done, total, cached, not scored
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CapabilitySettings:
    """Everything that decides what a capability run sends, and how its code is run."""

    endpoint: str
    model: str
    samples: int = 1
    temperature: float = 0.0
    max_tokens: int = 2048
    params: dict[str, Any] = field(default_factory=dict)  # extra request fields (top_p, repeat_penalty, ...)
    system_prompt: str | None = None
    seed: int | None = None  # when set, sample i sends seed + i
    concurrency: int = 8
    timeout: float = 120.0
    retries: int = 4
    key_header: str = "Authorization"
    min_n: int = MIN_N
    limits: sandbox.Limits = field(default_factory=sandbox.Limits)
    workers: int | None = None  # sandbox runs at once; None: the number of CPUs


@dataclass(frozen=True, slots=True)
class Planned:
    task: Task
    sample: int
    payload: dict[str, Any]
    key: str


def plan(settings: CapabilitySettings, suite: CapabilitySuite) -> list[Planned]:
    endpoint = public_url(chat_url(settings.endpoint))
    out = []
    for task in suite.tasks:
        messages = [{"role": "user", "content": suite.message(task)}]
        if settings.system_prompt:
            messages.insert(0, {"role": "system", "content": settings.system_prompt})
        for sample in range(settings.samples):
            payload: dict[str, Any] = {"model": settings.model, "messages": messages, **decoding(settings)}
            if settings.seed is not None:
                payload["seed"] = settings.seed + sample
            out.append(Planned(task, sample, payload, request_key(endpoint, payload, sample)))
    return out


def judge(p: Planned, answer: Answer, seconds: float, attempts: int, cached: bool,
          limits: sandbox.Limits) -> tuple[TaskResult, tuple[str, ...] | None]:
    """Extract the code from one answer and run the task's hidden tests on it (blocking: call it in a thread).

    Returns the result and the sandbox's isolation layers (None when no code ran)."""
    t = p.task
    message = p.payload["messages"][-1]["content"]
    common: dict[str, Any] = dict(
        task=t.id, title=t.title, difficulty=t.difficulty, tags=list(t.tags), sample=p.sample,
        prompt_sha=hashlib.sha256(message.encode()).hexdigest()[:16], transport=answer.transport,
        detail=answer.detail, served_model=answer.model, finish_reason=answer.finish_reason,
        answer=answer.content[:MAX_ANSWER_CHARS], answer_truncated=len(answer.content) > MAX_ANSWER_CHARS,
        reasoning_chars=len(answer.reasoning.strip()), seconds=round(seconds, 3), attempts=attempts, cached=cached)
    if answer.transport in ("infra_error", "provider_blocked"):
        return TaskResult(**common, status="not-scored"), None
    got = extract_code(answer.content, t.entry_point)
    found: dict[str, Any] = dict(extraction=got.source, extraction_note=got.note, defines_entry=got.defines_entry)
    if not got.code:
        return TaskResult(**common, **found, status="no-code"), None
    found.update(code=got.code[:MAX_CODE_CHARS], code_sha=hashlib.sha256(got.code.encode()).hexdigest()[:16])
    try:
        ran = sandbox.run_tests(got.code, t.tests, limits=limits)
    except Exception as exc:  # the sandbox itself failed (cannot start a process, disk full): not the model's fault
        common["detail"] = f"sandbox error: {type(exc).__name__}: {exc}"[:300]
        return TaskResult(**common, **found, status="not-scored"), None
    return TaskResult(**common, **found, status="passed" if ran.status == "passed" else "failed",
                      sandbox_status=ran.status, sandbox_detail=(ran.detail or "")[:500] or None,
                      sandbox_seconds=round(ran.seconds, 3), stderr=ran.stderr[-MAX_STDERR_CHARS:]), ran.isolation


async def _gather(coros: list[Coroutine[Any, Any, T]]) -> list[T]:
    """Run all; the first ConfigError (the endpoint rejects everything) stops the run and is raised plainly."""
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(c) for c in coros]
    except BaseExceptionGroup as group:
        for exc in group.exceptions:
            if isinstance(exc, ConfigError):
                raise exc from None
        raise
    return [t.result() for t in tasks]


def _fingerprint(settings: CapabilitySettings, suite: CapabilitySuite, results: list[TaskResult],
                 found: dict[str, Any], fps: list[str]) -> Fingerprint:
    def sha(text: str | None) -> str | None:
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest() if text else None

    return Fingerprint(
        endpoint=public_url(settings.endpoint), local=is_local(settings.endpoint), model=settings.model,
        served_models=sorted({r.served_model for r in results if r.served_model}),
        model_info=found.get("model_info") or {}, digest=found.get("digest"),
        chat_template_sha256=sha(found.get("template")), chat_template_source=found.get("template_source"),
        system_prompt=settings.system_prompt, system_prompt_sha256=sha(settings.system_prompt),
        params=dict(sorted(decoding(settings).items())), samples=settings.samples, languages=["python"],
        suite=suite.id, suite_version=suite.version, suite_hash=suite.hash, scorer_version=HARNESS_VERSION,
        system_fingerprints=sorted(set(fps)), date=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        tool_version=__version__)


async def run_capability(settings: CapabilitySettings, suite: CapabilitySuite, store: Store, *,
                         api_key: str | None = None, progress: Progress | None = None) -> CapabilityReport:
    """Run the suite against the endpoint; returns the report. Raises ConfigError when the endpoint refuses."""
    jobs = plan(settings, suite)
    start = start_run(settings, jobs, store, api_key, None)
    have, missing, found, client, sender = start.have, start.missing, start.found, start.client, start.sender
    workers = max(1, settings.workers or os.cpu_count() or 1)
    loop = asyncio.get_running_loop()
    done = [0, 0]  # judged, not scored
    fps: list[str] = []
    layers: list[tuple[str, ...]] = []

    def tick(judged: tuple[TaskResult, tuple[str, ...] | None]) -> TaskResult:
        result, isolation = judged
        if isolation is not None and not layers:
            layers.append(isolation)
        done[0] += 1
        done[1] += result.status == "not-scored"
        if progress is not None:
            progress(done[0], len(jobs), len(jobs) - len(missing), done[1])
        return result

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="upstream-sandbox") as pool:
        async def one(j: Planned) -> TaskResult:
            if j.key in have:
                st = have[j.key]
                answer, seconds, attempts, cached = answer_of(st), st.seconds, st.attempts, True
            else:
                answer, ex = await sender.send(j.payload, j.key)
                seconds, attempts, cached = ex.seconds, ex.attempts, False
            if answer.system_fingerprint:
                fps.append(answer.system_fingerprint)
            return tick(await loop.run_in_executor(pool, judge, j, answer, seconds, attempts, cached, settings.limits))

        if found is None or missing:  # a fully stored run opens no connection at all
            async with client:
                if found is None:
                    found = await fingerprint.probe_endpoint(client, settings.model)
                    store.put_meta(start.meta_key, found)
                results = await _gather([one(j) for j in jobs])
        else:
            results = await _gather([one(j) for j in jobs])
    summary = summarize(results, tasks=len(suite.tasks), samples=settings.samples,
                        isolation=layers[0] if layers else sandbox.isolation(), min_n=settings.min_n)
    return CapabilityReport(generated_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                            fingerprint=_fingerprint(settings, suite, results, found or {}, fps), results=results,
                            summary=summary, complete=summary.statuses.get("not-scored", 0) == 0,
                            requests_sent=sender.sent, requests_cached=len(jobs) - len(missing))
