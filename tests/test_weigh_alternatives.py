"""The candidate pool, policy verdicts, alternatives and the Pareto frontier, over the real knowledge base and the
real us-government policy profile."""

from __future__ import annotations

import time
from datetime import date

import pytest

from upstream.endpoints import table
from upstream.kb.loader import KnowledgeBase, default_kb, load_kb
from upstream.models import Assessment, Endpoint, FrontierPoint, MeasuredRun, Measurement
from upstream.policy.config import Policy, parse_policy
from upstream.resolve import resolve
from upstream.weigh.alternatives import Current, alternatives_for
from upstream.weigh.candidates import Pool, build_pool, candidates, policy_verdicts, pool_for
from upstream.weigh.capability import capability_of
from upstream.weigh.context import WeighContext, context_from_policy
from upstream.weigh.frontier import MEASURED_PREFIX, choose_benchmark, frontier, frontier_points
from upstream.weigh.risk import RiskSubject, assess_risk

TODAY = date(2026, 6, 1)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return default_kb()


@pytest.fixture(scope="module")
def us_gov() -> Policy:
    return parse_policy({}, "profile:us-government", profile="us-government")


@pytest.fixture(scope="module")
def ctx(us_gov: Policy) -> WeighContext:
    return context_from_policy(us_gov)


@pytest.fixture(scope="module")
def pool(kb: KnowledgeBase, ctx: WeighContext, us_gov: Policy) -> Pool:
    return build_pool(kb, "coding", ctx, us_gov, today=TODAY)


def _current(kb: KnowledgeBase, ctx: WeighContext, ref: str, endpoint: Endpoint | None,
             passes: bool | None) -> Current:
    prov = resolve(ref, kb)
    risk = assess_risk(RiskSubject(provenance=prov, endpoint=endpoint), ctx, kb)
    cap = capability_of(prov.family, prov.model or ref, "coding", kb)
    return Current(subject=ref, family=prov.family, name=prov.model or ref, capability=cap, risk=risk,
                   passes_policy=passes)


def _deepseek_v3(kb: KnowledgeBase, ctx: WeighContext) -> Current:
    cur = _current(kb, ctx, "deepseek-ai/DeepSeek-V3", table().by_id("deepseek"), passes=False)
    return Current(subject=cur.subject, family=cur.family, name="DeepSeek-V3", capability=cur.capability,
                   risk=cur.risk, passes_policy=False)


# --------------------------------------------------------------------------- the pool


def test_pool_holds_every_family_with_coding_rows_each_resolved(kb: KnowledgeBase, pool: Pool) -> None:
    families_with_rows = {b.family for b in kb.benchmarks if b.family in kb.families}
    assert len(pool.entries) == len(families_with_rows) > 20
    for e in pool.entries:
        c = e.candidate
        assert c.provenance.family == c.family, c.family
        assert c.provenance.status in ("known", "partial")
        assert c.provenance.developer is not None
        assert c.capability.benchmarks and c.headline is not None
        assert e.risk.factors and 0.0 <= e.risk.score <= 1.0


def test_candidates_are_served_their_natural_way(pool: Pool) -> None:
    by = pool.by_family
    # open weights: self-hosted
    for fam in ("llama-4", "deepseek-v3", "qwen3-coder", "gpt-oss"):
        ep = by[fam].candidate.endpoint
        assert ep.local and ep.operator_id == "local", fam
    # API-only: the developer's own endpoint record, with its country
    assert by["claude-api"].candidate.endpoint.operator_id == "anthropic"
    assert by["openai-api"].candidate.endpoint.operator_id == "openai"
    assert by["gemini-api"].candidate.endpoint.operator_id == "gemini"
    assert by["claude-api"].candidate.endpoint.operator_country == "US"
    assert not by["claude-api"].candidate.endpoint.local


def test_us_government_profile_fails_deepseek_and_entity_list_and_flags_other_prc(pool: Pool, kb: KnowledgeBase,
                                                                                   us_gov: Policy) -> None:
    for e in pool.entries:
        dev = e.candidate.provenance.developer
        assert dev is not None
        if dev.id == "deepseek" or any("Entity List" in li for li in dev.listings):
            assert e.passes_policy is False and "developer-organisation" in e.failing, e.family
        elif dev.country == "CN":
            # the profile reports other PRC developers for review (medium) without failing them, unless the
            # candidate is served from the PRC (operator-country / data-processing-location)
            assert "developer-country" in e.flagged or "developer-country" in e.failing, e.family
            assert e.passes_policy is (not e.failing)
            assert set(e.failing) <= {"operator-country", "data-processing-location"}, e.family
        elif dev.country in ("US", "FR", "CA"):
            assert e.passes_policy is True and not e.failing, (e.family, e.failing)
    # the verdicts come from the policy engine, keyed by family
    verdicts = policy_verdicts(candidates(kb, "coding"), us_gov, kb, today=TODAY)
    assert set(verdicts) == set(pool.by_family)
    assert verdicts["deepseek-v3"] == ["developer-organisation"]
    assert verdicts["llama-4"] == []


def test_pool_is_built_once_per_kb_task_context_and_policy(kb: KnowledgeBase, ctx: WeighContext,
                                                           us_gov: Policy) -> None:
    first = pool_for(kb, "coding", ctx, us_gov)
    assert pool_for(kb, "coding", ctx, us_gov) is first
    assert pool_for(kb, "coding", ctx, None) is not first
    no_policy = pool_for(kb, "coding", ctx, None)
    assert all(e.passes_policy is None for e in no_policy.entries)


# --------------------------------------------------------------------------- alternatives


def test_alternatives_for_deepseek_v3_pass_the_policy_and_rank_by_swe_bench(kb: KnowledgeBase, ctx: WeighContext,
                                                                            pool: Pool) -> None:
    cur = _deepseek_v3(kb, ctx)
    alts = alternatives_for(cur, pool, limit=8)
    assert len(alts) == 8
    for a in alts:
        assert not a.family.startswith("deepseek")
        assert a.developer is not None and "DeepSeek" not in a.developer
        assert pool.by_family[a.family].passes_policy is True
        head = a.deltas[0]
        assert head.benchmark == "swe-bench-verified" and head.current == 42.0
        assert head.alternative is not None and head.delta == round(head.alternative - 42.0, 1)
        assert "DeepSeek-V3" in a.summary and "SWE-bench Verified" in a.summary
    scores = [a.deltas[0].alternative or 0.0 for a in alts if a.deltas[0].comparable]
    assert scores == sorted(scores, reverse=True) and scores
    # comparable (vendor-reported against vendor-reported) before not comparable
    flags = [a.deltas[0].comparable for a in alts]
    assert flags == sorted(flags, reverse=True)
    # a US alternative removes the developer-jurisdiction and endpoint factors of DeepSeek's own API
    us = next(a for a in alts if a.country == "US")
    assert {"developer-jurisdiction", "endpoint"} <= set(us.removes)
    assert "removes: " in us.summary and "developer-jurisdiction" in us.summary
    assert "(vendor-reported, both)" in alts[0].summary


def test_a_not_comparable_delta_says_why(kb: KnowledgeBase, ctx: WeighContext, pool: Pool) -> None:
    cur = _deepseek_v3(kb, ctx)
    alts = alternatives_for(cur, pool, limit=40)
    aider = [d for a in alts for d in a.deltas if d.benchmark == "aider-polyglot" and d.alternative is not None]
    assert aider
    for d in aider:
        if not d.comparable:
            assert d.note and "not comparable" in d.note


def test_alternatives_when_the_model_has_no_benchmark_rows_rank_by_risk(kb: KnowledgeBase, ctx: WeighContext,
                                                                        pool: Pool) -> None:
    cur = _current(kb, ctx, "someone/private-finetune-7b", None, passes=True)
    assert cur.capability.benchmarks == []
    alts = alternatives_for(cur, pool, limit=10)
    assert alts
    risks = [a.risk.score for a in alts]
    assert risks == sorted(risks)
    assert all("unknown" in a.summary for a in alts)
    assert all(a.risk.score < cur.risk.score for a in alts)


def test_no_alternative_is_worse_on_both_axes_than_a_model_that_passes(kb: KnowledgeBase, ctx: WeighContext,
                                                                      pool: Pool) -> None:
    cur = _current(kb, ctx, "openai/gpt-oss-20b", table().by_id("in-process"), passes=True)
    alts = alternatives_for(cur, pool, limit=40)
    base = next(d for d in alts[0].deltas if d.benchmark == "swe-bench-verified").current if alts else None
    for a in alts:
        assert a.family != "gpt-oss"
        head = next((d for d in a.deltas if d.benchmark == "swe-bench-verified"), None)
        worse_capability = head is None or head.alternative is None or (base is not None
                                                                         and head.alternative <= base)
        assert not (worse_capability and a.risk.score >= cur.risk.score), a.family


def test_an_assessment_is_accepted_as_the_model_in_use(kb: KnowledgeBase, ctx: WeighContext, pool: Pool) -> None:
    cur = _deepseek_v3(kb, ctx)
    assessment = Assessment(subject=cur.subject, family=cur.family, name=cur.name, provenance_status="known",
                            passes_policy=False, risk=cur.risk, capability=cur.capability, summary="")
    assert alternatives_for(assessment, pool, limit=3) == alternatives_for(cur, pool, limit=3)


# --------------------------------------------------------------------------- the frontier


def _check_pareto(points: list[FrontierPoint]) -> None:
    for p in points:
        same = [q for q in points if q.benchmark == p.benchmark and q is not p]
        dominated = any(q.risk <= p.risk and q.capability >= p.capability
                        and (q.risk < p.risk or q.capability > p.capability) for q in same)
        assert p.on_frontier is (not dominated), p


def test_frontier_points_are_the_non_dominated_ones(kb: KnowledgeBase, ctx: WeighContext, pool: Pool) -> None:
    cur = _deepseek_v3(kb, ctx)
    run = MeasuredRun(kind="capability", source="cap.json", endpoint="http://localhost:8080/v1", model="ds",
                      suite="upstream-coding", metrics=[Measurement(metric="pass_at_1", value=0.5, n=60)])
    cur_measured = Current(subject=cur.subject, family=cur.family, name=cur.name,
                           capability=capability_of(cur.family, cur.name, "coding", kb, measured=[run]),
                           risk=cur.risk, passes_policy=False)
    key, points = frontier_points(pool, [cur_measured])
    assert key == choose_benchmark(pool) == "swe-bench-verified"
    assert sum(p.on_frontier for p in points if p.benchmark == key) >= 2
    _check_pareto(points)
    in_use = [p for p in points if p.in_use]
    assert {p.benchmark for p in in_use} == {key, f"{MEASURED_PREFIX}upstream-coding"}
    measured = next(p for p in in_use if p.measured)
    assert measured.capability == 50.0 and measured.on_frontier
    # deterministic: same input, same order; the axis benchmark first, then by risk
    assert frontier_points(pool, [cur_measured])[1] == points
    axis = [p for p in points if p.benchmark == key]
    assert points[:len(axis)] == axis
    assert [p.risk for p in axis] == sorted(p.risk for p in axis)
    assert frontier(reversed(points), axis=key) == points


# --------------------------------------------------------------------------- speed (printed, not asserted)


def test_pool_and_weighing_200_models_speed(ctx: WeighContext, us_gov: Policy,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    kb = load_kb()  # a fresh knowledge base: nothing cached for it (resolver index, candidates)
    refs = [m.id for f in kb.families.values() for m in f.models][:200]
    refs += [f"someone/finetune-{i}" for i in range(200 - len(refs))]
    ep = table().by_id("openai")
    start = time.perf_counter()
    pool = build_pool(kb, "coding", ctx, us_gov, today=TODAY)
    built = time.perf_counter()
    currents = []
    for ref in refs:
        prov = resolve(ref, kb)
        risk = assess_risk(RiskSubject(provenance=prov, endpoint=ep), ctx, kb)
        cur = Current(subject=ref, family=prov.family, name=prov.model or ref,
                      capability=capability_of(prov.family, prov.model or ref, "coding", kb), risk=risk)
        alternatives_for(cur, pool)
        currents.append(cur)
    frontier_points(pool, currents)
    done = time.perf_counter()
    with capsys.disabled():
        print(f"\n[bench] pool of {len(pool.entries)} built in {(built - start) * 1000:.1f} ms; 200 models weighed "
              f"(resolve, risk, capability, alternatives, frontier) in {(done - built) * 1000:.1f} ms")


def test_a_task_without_rows_gives_an_empty_pool_not_invented_candidates(kb: KnowledgeBase,
                                                                         ctx: WeighContext) -> None:
    general = build_pool(kb, "general", ctx, None, today=TODAY)
    with_rows = {c.family for c in candidates(kb, "general")}
    assert {e.family for e in general.entries} == with_rows
    assert all(s.benchmark in ("mmlu-pro", "gpqa-diamond", "mmlu", "ifeval", "hle", "simpleqa", "arena-hard",
                               "math-500", "aime") for e in general.entries for s in e.candidate.capability.benchmarks)
    if not general.entries:  # the knowledge base holds no general benchmark rows yet
        assert choose_benchmark(general) is None
        assert frontier_points(general) == (None, [])
