"""Run a probe: plan the requests, serve what the store has, send the rest, class, score, summarise.

Every final answer is committed to the store as it arrives, before its request counts as done and before
its slot sends anything else, so a killed run loses at most what was in flight, resumes where it stopped,
and a repeated run sends nothing. Infrastructure errors are not stored: a rerun retries them. Requests go
out from one worker per concurrency slot. A large run's answers are scored in a forked second process
(`score_pool.py`) while this one keeps talking to the endpoint; otherwise scoring runs here in the gaps
between network events, never ahead of the next request. Both give the same labels.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any, Generic, Protocol, TypeVar

from upstream.errors import ConfigError
from upstream.probe import fingerprint
from upstream.probe.client import ChatClient, Exchange, chat_url, public_url
from upstream.probe.results import ItemResult, JudgeVerdict, ProbeReport
from upstream.probe.score_pool import ScorePool
from upstream.probe.scoring import Labels, score
from upstream.probe.scoring.judge import Judge, agreement, judge_payload, parse_verdict
from upstream.probe.stats import MIN_N
from upstream.probe.store import Store, Stored, canonical, request_key
from upstream.probe.suite import Item, Suite
from upstream.probe.summary import mark_thought_suppression, summarize
from upstream.probe.transport import Answer, classify

MAX_ANSWER_CHARS = 4000
ABORT_AFTER = 8  # consecutive auth / not-found failures before any success: stop and say so
SCORE_SLICE = 0.0005  # seconds of scoring at most before the event loop looks at the network again
POOL_MIN = 256  # fresh answers from which scoring moves to a second process (below it the fork costs more)
Progress = Callable[[int, int, int, int], None]  # done, total, cached, errors
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ProbeSettings:
    """Everything that decides what a probe run sends and how."""

    endpoint: str
    model: str
    langs: tuple[str, ...] = ("en", "zh-Hans", "zh-Hant")
    samples: int = 1
    temperature: float = 0.0
    max_tokens: int = 4096
    params: dict[str, Any] = field(default_factory=dict)  # extra request fields (top_p, repeat_penalty, ...)
    system_prompt: str | None = None
    seed: int | None = None  # when set, sample i sends seed + i
    concurrency: int = 8
    timeout: float = 120.0
    retries: int = 4
    key_header: str = "Authorization"
    judges: tuple[Judge, ...] = ()
    min_n: int = MIN_N


@dataclass(frozen=True, slots=True)
class Planned:
    item: Item
    lang: str
    sample: int
    payload: dict[str, Any]
    key: str


class Decoding(Protocol):
    """What a request's decoding parameters come from (probe and capability settings alike)."""

    @property
    def temperature(self) -> float: ...
    @property
    def max_tokens(self) -> int: ...
    @property
    def params(self) -> dict[str, Any]: ...


def decoding(settings: Decoding) -> dict[str, Any]:
    return {"temperature": settings.temperature, "max_tokens": settings.max_tokens, **settings.params}


def plan(settings: ProbeSettings, suite: Suite) -> list[Planned]:
    endpoint = public_url(chat_url(settings.endpoint))
    out = []
    for item in suite.items:
        for lang in settings.langs:
            prompt = item.prompt(lang)
            if prompt is None:
                continue
            messages = [{"role": "user", "content": prompt}]
            if settings.system_prompt:
                messages.insert(0, {"role": "system", "content": settings.system_prompt})
            for sample in range(settings.samples):
                payload: dict[str, Any] = {"model": settings.model, "messages": messages, **decoding(settings)}
                if settings.seed is not None:
                    payload["seed"] = settings.seed + sample
                out.append(Planned(item, lang, sample, payload, request_key(endpoint, payload, sample)))
    return out


def _result(p: Planned, answer: Answer, seconds: float, attempts: int, cached: bool,
            labels: Labels | None = None) -> ItemResult:
    """One answer's result; `labels` when the scorer process already scored it, else scored here."""
    prompt = p.item.prompt(p.lang) or ""
    common: dict[str, Any] = dict(
        item=p.item.id, topic=p.item.topic, type=p.item.type, role=p.item.role, mirrors=p.item.mirrors,
        contested=p.item.contested, lang=p.lang, sample=p.sample,
        prompt_sha=hashlib.sha256(prompt.encode()).hexdigest()[:16], transport=answer.transport,
        detail=answer.detail, served_model=answer.model, finish_reason=answer.finish_reason,
        answer=answer.content[:MAX_ANSWER_CHARS], answer_truncated=len(answer.content) > MAX_ANSWER_CHARS,
        reasoning_chars=len(answer.reasoning.strip()), seconds=round(seconds, 3), attempts=attempts, cached=cached)
    if answer.transport != "ok":
        return ItemResult(**common)
    lab = labels if labels is not None else score(answer.content, p.lang, p.item, answer.reasoning, prompt)
    return ItemResult(
        **common, label=lab.label, non_answer=lab.non_answer, refusal_evidence=list(lab.refusal_evidence),
        deflection_evidence=list(lab.deflection_evidence), partial_refusal=lab.partial_refusal,
        facts_found=list(lab.facts_found), facts_total=lab.facts_total, omission=lab.omission,
        narrative=list(lab.narrative), narrative_attributed=list(lab.narrative_attributed),
        answer_lang=lab.answer_lang, lang_mismatch=lab.lang_mismatch)


class Connection(Protocol):
    """What a run's settings say about reaching the endpoint (probe and capability settings alike)."""

    @property
    def endpoint(self) -> str: ...
    @property
    def model(self) -> str: ...
    @property
    def concurrency(self) -> int: ...
    @property
    def timeout(self) -> float: ...
    @property
    def retries(self) -> int: ...
    @property
    def key_header(self) -> str: ...


class Keyed(Protocol):
    @property
    def key(self) -> str: ...


K = TypeVar("K", bound=Keyed)


@dataclass
class RunStart(Generic[K]):
    """A run's opening: what the store has, what is missing, the stored fingerprint, a client and sender."""

    have: dict[str, Stored]
    missing: list[K]
    meta_key: str
    found: dict[str, Any] | None
    client: ChatClient
    sender: Sender


def start_run(settings: Connection, jobs: list[K], store: Store, api_key: str | None,
              progress: Progress | None) -> RunStart[K]:
    """Look the planned requests up in the store and open a client (not connected yet) for the rest."""
    endpoint = public_url(chat_url(settings.endpoint))
    have = store.get_many(j.key for j in jobs)
    missing = [j for j in jobs if j.key not in have]
    meta_key = f"fingerprint:{endpoint}:{settings.model}"
    client = ChatClient(settings.endpoint, api_key=api_key, concurrency=settings.concurrency,
                        timeout=settings.timeout, retries=settings.retries, key_header=settings.key_header)
    sender = Sender(client, store, endpoint, len(jobs), len(jobs) - len(missing), progress)
    return RunStart(have, missing, meta_key, store.get_meta(meta_key), client, sender)


def answer_of(x: Exchange | Stored) -> Answer:
    """The classified answer of a fresh exchange or a stored one."""
    return classify(x.status, x.body, x.raw, getattr(x, "error", None))


class Sender:
    """Sends missing requests, stores final answers, stops early when the endpoint rejects everything."""

    def __init__(self, client: ChatClient, store: Store, endpoint: str, total: int, cached: int,
                 progress: Progress | None) -> None:
        self.client, self.store, self.endpoint = client, store, endpoint
        self.total, self.done, self.cached, self.errors = total, cached, cached, 0
        self.progress = progress
        self.rejected = 0
        self.any_ok = False
        self.sent = 0

    async def send(self, payload: dict[str, Any], key: str) -> tuple[Answer, Exchange]:
        """Send one request; a final answer is committed to the store before this returns."""
        body = canonical(payload)
        ex = await self.client.chat(body.encode())
        self.sent += 1
        answer = answer_of(ex)
        if answer.transport != "infra_error":
            self.store.put(key, self.endpoint, str(payload.get("model", "")), body, ex.status, ex.text, ex.seconds,
                           ex.attempts)
            self.any_ok = True
        else:
            self.errors += 1
            unreachable = ex.status is None and (ex.error or "").startswith(("ConnectError", "ConnectTimeout"))
            if (ex.status in (401, 403, 404) or unreachable) and not self.any_ok:
                self.rejected += 1
                if self.rejected >= min(ABORT_AFTER, self.total):
                    what = "cannot be reached" if unreachable else "rejects the requests"
                    raise ConfigError(f"the endpoint {what}: {answer.detail}",
                                      hint="check --endpoint, --model and the API key variable (--api-key-env)")
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total, self.cached, self.errors)
        return answer, ex


async def _send_all(sender: Sender, jobs: list[tuple[dict[str, Any], str]],
                    finish: Callable[[int, Answer, Exchange], T],
                    first: Callable[[], Awaitable[None]] | None = None) -> list[T]:
    """Send every job from `concurrency` workers; `finish(index, answer, exchange)` runs for each answer in the
    gaps between network events (in slices of SCORE_SLICE), so scoring never holds up the next request.
    `first` (the fingerprint requests) runs on one worker before it takes any job."""
    out: list[Any] = [None] * len(jobs)
    ready: deque[tuple[int, Answer, Exchange]] = deque()
    wake = asyncio.Event()
    queue = iter(range(len(jobs)))
    workers = max(1 if first is not None else 0, min(sender.client.concurrency, len(jobs)))
    running = [workers]

    async def worker(before: Callable[[], Awaitable[None]] | None) -> None:
        try:
            if before is not None:
                await before()
            for i in queue:
                payload, key = jobs[i]
                answer, ex = await sender.send(payload, key)
                ready.append((i, answer, ex))
                wake.set()
        finally:
            running[0] -= 1
            wake.set()

    async def scorer() -> None:
        while ready or running[0]:
            if not ready:
                wake.clear()
                await wake.wait()
                continue
            stop = time.perf_counter() + SCORE_SLICE
            while ready:
                i, answer, ex = ready.popleft()
                out[i] = finish(i, answer, ex)
                if time.perf_counter() >= stop:
                    break
            await asyncio.sleep(0)

    try:
        async with asyncio.TaskGroup() as tg:
            for w in range(workers):
                tg.create_task(worker(first if w == 0 else None))
            tg.create_task(scorer())
    except BaseExceptionGroup as group:  # the first ConfigError stops the run; report it (or a lone error) plainly
        for exc in group.exceptions:
            if isinstance(exc, ConfigError):
                raise exc from None
        if len(group.exceptions) == 1:
            raise group.exceptions[0] from None
        raise
    return out


async def _send_scored(sender: Sender, missing: list[Planned], suite: Suite,
                       look: Callable[[], Awaitable[None]]) -> list[tuple[ItemResult, str | None]]:
    """Send the missing requests and score each answer: in a forked scorer from POOL_MIN answers where
    `score_pool.usable()` (each result built when its labels come back), else here in the gaps between network
    events. Answers a scorer never returned are scored here at the end."""
    answers: list[tuple[Answer, Exchange] | None] = [None] * len(missing)
    built: list[tuple[ItemResult, str | None] | None] = [None] * len(missing)

    def build(i: int, labels: Labels | None) -> None:
        pair = answers[i]
        assert pair is not None
        a, ex = pair
        built[i] = (_result(missing[i], a, ex.seconds, ex.attempts, cached=False, labels=labels), a.system_fingerprint)

    pool = ScorePool.start(suite.items, build) if len(missing) >= POOL_MIN else None
    position = {id(item): k for k, item in enumerate(suite.items)} if pool is not None else {}

    def hand_over(i: int, a: Answer, ex: Exchange) -> None:
        answers[i] = (a, ex)
        p = missing[i]
        if pool is None or a.transport != "ok":
            build(i, None)
        else:
            pool.add((i, position[id(p.item)], p.lang, a.content, a.reasoning, p.item.prompt(p.lang) or ""))

    try:
        async with sender.client:
            await _send_all(sender, [(j.payload, j.key) for j in missing], hand_over, first=look)
        if pool is not None:
            await pool.drain()
    finally:
        if pool is not None:
            pool.close()
    for i, pair in enumerate(built):
        if pair is None:
            build(i, None)
    return [pair for pair in built if pair is not None]


async def _judge(results: list[ItemResult], planned: dict[tuple[str, str, int], Planned], settings: ProbeSettings,
                 store: Store, judge_key: str | None) -> list[ItemResult]:
    verdicts: dict[tuple[str, str, int], list[JudgeVerdict]] = {}
    for judge in settings.judges:
        endpoint = public_url(chat_url(judge.endpoint))
        jobs = []
        for r in results:
            if r.transport == "ok" and r.label != "empty":
                p = planned[(r.item, r.lang, r.sample)]
                payload = judge_payload(judge, p.item, p.item.prompt(p.lang) or "", p.lang, r.answer)
                jobs.append(((r.item, r.lang, r.sample), payload, request_key(endpoint, payload, 0)))
        have = store.get_many(k for _, _, k in jobs)
        async with ChatClient(judge.endpoint, api_key=judge_key, concurrency=settings.concurrency,
                              timeout=settings.timeout, retries=settings.retries,
                              key_header=settings.key_header) as client:
            sender = Sender(client, store, endpoint, len(jobs), 0, None)
            missing = [(payload, key) for _, payload, key in jobs if key not in have]
            answers = await _send_all(sender, missing, lambda _i, a, _ex: a)
            fresh = dict(zip((k for _, k in missing), answers, strict=True))
        for rid, _, key in jobs:
            answer = answer_of(have[key]) if key in have else fresh[key]
            verdict = parse_verdict(judge, answer.content) if answer.transport == "ok" else JudgeVerdict(
                judge=judge.name, label=None, coarse=None, error=answer.detail or answer.transport)
            verdicts.setdefault(rid, []).append(verdict)
    return [replace(r, judges=verdicts.get((r.item, r.lang, r.sample), [])) for r in results]


async def run_probe(settings: ProbeSettings, suite: Suite, store: Store, *, api_key: str | None = None,
                    judge_key: str | None = None, progress: Progress | None = None) -> ProbeReport:
    """Run the suite against the endpoint; returns the report. Raises ConfigError when the endpoint refuses."""
    jobs = plan(settings, suite)
    if not jobs:
        raise ConfigError(f"no suite item has a prompt in {', '.join(settings.langs) or 'no language'}",
                          hint="use --lang en,zh-Hans,zh-Hant")
    start = start_run(settings, jobs, store, api_key, progress)
    have, missing, found, client, sender = start.have, start.missing, start.found, start.client, start.sender
    fresh_list: list[tuple[ItemResult, str | None]] = []
    if found is None or missing:  # a fully stored run opens no connection at all
        async def look() -> None:  # on one of the workers, beside the first requests
            nonlocal found
            found = await fingerprint.probe_endpoint(client, settings.model)
            store.put_meta(start.meta_key, found)

        fresh_list = await _send_scored(sender, missing, suite, look)
    fresh = {j.key: pair for j, pair in zip(missing, fresh_list, strict=True)}
    results: list[ItemResult] = []
    fps: list[str] = []
    for j in jobs:
        if j.key in have:
            st = have[j.key]
            answer = answer_of(st)
            results.append(_result(j, answer, st.seconds, st.attempts, cached=True))
            fp_id = answer.system_fingerprint
        else:
            result, fp_id = fresh[j.key]
            results.append(result)
        if fp_id:
            fps.append(fp_id)
    results = mark_thought_suppression(results, settings.min_n)
    if settings.judges:
        results = await _judge(results, {(j.item.id, j.lang, j.sample): j for j in jobs}, settings, store, judge_key)
    summary = summarize(results, settings.min_n)
    if settings.judges:
        summary = replace(summary, judges=agreement(results, settings.judges))
    served = [r.served_model for r in results if r.served_model]
    fp = fingerprint.build(settings.endpoint, settings.model, suite, params=decoding(settings),
                           samples=settings.samples, languages=list(settings.langs),
                           system_prompt=settings.system_prompt, served=served, system_fingerprints=fps,
                           found=found or {})
    return ProbeReport(generated_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), fingerprint=fp,
                       results=results, summary=summary, complete=summary.transport.get("infra_error", 0) == 0,
                       requests_sent=sender.sent, requests_cached=len(jobs) - len(missing))
