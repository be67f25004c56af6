"""WeighOutcome values built by hand for the weigh views: three models weighed, their factors (known, partial,
unknown, not applicable), cited benchmarks (vendor-reported and independent), a measured capability run,
alternatives with deltas, and a 22-point risk/capability frontier (two points measured). Scores are the
knowledge base's rows (src/upstream/kb/data/benchmarks.yaml); risk values are made up for the tests."""

from __future__ import annotations

import dataclasses

from report_fixtures import HOSTILE, sample_report

from upstream.models import (
    Alternative,
    Assessment,
    BenchmarkDelta,
    BenchmarkScore,
    Capability,
    FrontierPoint,
    MeasuredRun,
    Measurement,
    ProbeExample,
    Report,
    RiskFactor,
    RiskScore,
    SourceRef,
    WeighOutcome,
)

WEIGHTS = {"developer-jurisdiction": 3.0, "lineage-roots": 2.0, "endpoint": 2.0, "licence": 1.0,
           "transparency": 1.0, "behaviour": 1.5, "supply-chain": 1.0}
NAMES = {"developer-jurisdiction": "Developer jurisdiction", "lineage-roots": "Lineage roots",
         "endpoint": "Endpoint operator and data location", "licence": "Licence restrictions",
         "transparency": "Transparency", "behaviour": "Measured behaviour", "supply-chain": "Supply-chain integrity"}
UNKNOWN_AS = 0.5

GH_R1 = SourceRef(id="gh-ds-r1", title="DeepSeek-R1 README (release commit 2025-01-20)",
                  url="https://github.com/deepseek-ai/DeepSeek-R1", date="2025-04-09")
GH_V32 = SourceRef(id="gh-ds-v32exp", title="DeepSeek-V3.2-Exp README (first commit 2025-09-29)",
                   url="https://github.com/deepseek-ai/DeepSeek-V3.2-Exp", date="2025-10-02")
AIDER = SourceRef(id="aider-lb", title="Aider polyglot leaderboard data", url="https://aider.chat/docs/leaderboards/",
                  date="2026-05-22")
LLMSTATS = SourceRef(id="llmstats", title="llm-stats leaderboard data",
                     url="https://github.com/JonathanChavezTamales/llm-leaderboard")
NIL = SourceRef(id="cn-nil-2017", title="PRC National Intelligence Law (2017), art. 7",
                url="http://www.npc.gov.cn/zgrdw/npc/xinwen/2017-06/27/content_2024529.htm")
LOCAL_SRC = SourceRef(id="local-note", title="not a web source", url="file:///etc/passwd")


def _level(score: float) -> str:
    return "low" if score < 0.25 else "moderate" if score < 0.5 else "elevated" if score < 0.75 else "high"


def risk(values: dict[str, tuple[float | None, str]], *, partial: tuple[str, ...] = (),
         not_applicable: tuple[str, ...] = (), sources: dict[str, list[SourceRef]] | None = None) -> RiskScore:
    """A RiskScore computed the documented way: unknown counted at 0.5 in the score, 0 / 1 for [low, high]."""
    factors = []
    for fid, (value, reason) in values.items():
        status = ("not-applicable" if fid in not_applicable else "unknown" if value is None
                  else "partial" if fid in partial else "known")
        factors.append(RiskFactor(id=fid, name=NAMES[fid], value=value, weight=WEIGHTS[fid], status=status,
                                  reason=reason, details=[f"{fid} detail"] if value else [],
                                  sources=(sources or {}).get(fid, [])))
    counted = [f for f in factors if f.status != "not-applicable"]
    total = sum(f.weight for f in counted)

    def mean(unknown: float) -> float:
        return round(sum(f.weight * (unknown if f.value is None else f.value) for f in counted) / total, 3)

    score = mean(UNKNOWN_AS)
    return RiskScore(score=score, low=mean(0.0), high=mean(1.0), level=_level(score),  # type: ignore[arg-type]
                     unknown=[f.id for f in counted if f.value is None], factors=factors)


def _bench(key: str, name: str, family: str, model: str, score: float, independent: bool, date: str,
           source: SourceRef) -> BenchmarkScore:
    return BenchmarkScore(benchmark=key, name=name, family=family, model=model, score=score, independent=independent,
                          kind="independent leaderboard" if independent else "vendor-reported", date=date,
                          sources=[source])


def capability_run(model: str = "mistral-large-latest") -> MeasuredRun:
    return MeasuredRun(
        kind="capability", source="runs/mistral-capability.json", endpoint="https://api.mistral.ai/v1", model=model,
        served_models=[model], suite="upstream-coding", suite_version="1.0", date="2026-02-01", match="model name",
        metrics=[Measurement(metric="pass_at_1", scope="all", value=0.617, low=0.49, high=0.73, n=60),
                 Measurement(metric="pass_at_1", scope="easy", value=0.85, low=0.64, high=0.95, n=20),
                 Measurement(metric="pass_at_1", scope="hard", value=None, n=3, insufficient=True)],
        examples=[ProbeExample(item="py-easy-001", topic="strings", role="task", lang="python", label="passed")])


def behaviour_run() -> MeasuredRun:
    """A behaviour run: the capability views must not show it as capability."""
    return MeasuredRun(kind="behaviour", source="runs/behaviour.json", model="deepseek-chat", suite="china-sensitive",
                       metrics=[Measurement(metric="sci", value=0.42, low=0.3, high=0.55, n=80)])


# name, family, developer, country, LiveCodeBench score (KB), risk, passes policy, in use (subject)
_POINTS: list[tuple[str, str, str, str, float, float, bool, str | None]] = [
    ("DeepSeek-V4-Pro (Think Max)", "deepseek-v4", "DeepSeek", "CN", 93.5, 0.78, False, None),
    ("MiniMax-M2", "minimax-m2", "MiniMax", "CN", 83.0, 0.66, False, None),
    ("GLM-4.6", "glm-4.5", "Zhipu AI", "CN", 82.8, 0.70, False, None),
    ("DeepSeek-V3.1-Terminus", "deepseek-v3.1", "DeepSeek", "CN", 74.9, 0.73, False, None),
    ("DeepSeek-V3.2-Exp", "deepseek-v3.2", "DeepSeek", "CN", 74.1, 0.74, False, "deepseek-chat"),
    ("Qwen3-235B-A22B-Thinking-2507", "qwen3", "Alibaba", "CN", 74.1, 0.52, False, None),
    ("DeepSeek-R1-0528", "deepseek-r1", "DeepSeek", "CN", 73.3, 0.60, False, None),
    ("GLM-4.5", "glm-4.5", "Zhipu AI", "CN", 72.9, 0.62, False, None),
    ("NVIDIA Nemotron Nano 9B v2 (reasoning on)", "nemotron", "NVIDIA", "US", 71.1, 0.19, True, None),
    ("Llama-3.1-Nemotron-Ultra-253B (reasoning)", "llama-nemotron", "NVIDIA", "US", 66.3, 0.25, True, None),
    ("MiniMax-M1-80k", "minimax-m1", "MiniMax", "CN", 65.0, 0.64, False, None),
    ("QwQ-32B", "qwq", "Alibaba", "CN", 63.4, 0.50, False, None),
    ("DeepSeek-R1-Distill-Llama-70B", "deepseek-r1-distill", "DeepSeek", "CN", 57.5, 0.55, False, None),
    ("Phi-4-reasoning", "phi", "Microsoft", "US", 53.8, 0.15, True, None),
    ("Kimi K2 Instruct", "kimi-k2", "Moonshot AI", "CN", 53.7, 0.61, False, None),
    ("Llama 4 Maverick", "llama-4", "Meta", "US", 43.4, 0.20, True, None),
    ("DeepSeek-R1-Distill-Llama-8B", "deepseek-r1-distill", "DeepSeek", "CN", 39.6, 0.57, False,
     "acme/R1-Distill-Llama-8B-GGUF"),
    ("Llama 4 Scout", "llama-4", "Meta", "US", 32.8, 0.28, True, None),
    ("Qwen2.5-Coder-32B-Instruct", "qwen2.5-coder", "Alibaba", "CN", 31.4, 0.46, False, None),
    ("Gemma 3 27B IT", "gemma", "Google", "US", 29.7, 0.12, True, None),
]
MEASURED = "capability-probe:upstream-coding"


def frontier_points(assessments: list[Assessment]) -> list[FrontierPoint]:
    """The points as weigh/frontier.py makes them: a team's model sits at its assessed risk, its capability-probe
    runs are points of their own (pass@1 in %), and `on_frontier` is set per benchmark by Pareto dominance."""
    risk_of = {a.subject: a.risk.score for a in assessments}
    pts = [FrontierPoint(family=f, name=n, developer=d, country=c, risk=risk_of.get(use or "", r), capability=cap,
                         benchmark="livecodebench", independent=False, on_frontier=False, in_use=use is not None,
                         passes_policy=ok)
           for n, f, d, c, cap, r, ok, use in _POINTS]
    pts += [FrontierPoint(family="mistral-large", name="mistral-large-latest @ https://api.mistral.ai/v1",
                          developer="Mistral AI", country="FR", risk=risk_of["mistral-large-latest"], capability=61.7,
                          benchmark=MEASURED, independent=True, on_frontier=False, in_use=True, passes_policy=True,
                          measured=True),
            FrontierPoint(family="deepseek-r1-distill", name="DeepSeek-R1-Distill-Llama-8B @ http://127.0.0.1:8080",
                          developer="DeepSeek", country="CN", risk=risk_of["acme/R1-Distill-Llama-8B-GGUF"],
                          capability=43.3, benchmark=MEASURED, independent=True, on_frontier=False, in_use=True,
                          passes_policy=False, measured=True)]

    def dominated(p: FrontierPoint) -> bool:
        return any(q.benchmark == p.benchmark and q.risk <= p.risk and q.capability >= p.capability
                   and (q.risk < p.risk or q.capability > p.capability) for q in pts)

    return [dataclasses.replace(p, on_frontier=not dominated(p)) for p in pts]


def _deepseek_chat() -> Assessment:
    score = risk({
        "developer-jurisdiction": (0.9, "Developer DeepSeek is domiciled in CN: National Intelligence Law art. 7"),
        "lineage-roots": (0.9, "Every lineage root is DeepSeek's (CN)"),
        "endpoint": (1.0, "Served by DeepSeek's own API: data processed in CN"),
        "licence": (0.1, "MIT licence: no territory, user or field-of-use restriction"),
        "transparency": (None, "No Foundation Model Transparency Index score for DeepSeek"),
        "behaviour": (None, "No behaviour probe run attached"),
        "supply-chain": (0.0, "API model: no weights to pin"),
    }, sources={"developer-jurisdiction": [NIL, GH_V32], "endpoint": [LOCAL_SRC]})
    nano = risk({"developer-jurisdiction": (0.1, "NVIDIA, US"), "lineage-roots": (0.1, "Roots: NVIDIA (US)"),
                 "endpoint": (0.0, "Self-hosted on the team's machines"), "licence": (0.3, "NVIDIA Open Model License"),
                 "transparency": (0.4, "Training data summarised"), "behaviour": (None, "No behaviour probe run"),
                 "supply-chain": (0.2, "Open weights from the Hugging Face hub")})
    phi = risk({"developer-jurisdiction": (0.1, "Microsoft, US"), "lineage-roots": (0.1, "Roots: Microsoft (US)"),
                "endpoint": (0.0, "Self-hosted"), "licence": (0.0, "MIT"), "transparency": (0.3, "Documented"),
                "behaviour": (None, "No behaviour probe run"), "supply-chain": (0.2, "Open weights")})
    return Assessment(
        subject="deepseek-chat", family="deepseek-v3.2", name="DeepSeek-V3.2-Exp", provenance_status="known",
        passes_policy=False, policy_rules=["developer-country", "endpoint-country"], risk=score,
        capability=Capability(task="coding", benchmarks=[
            _bench("livecodebench", "LiveCodeBench", "deepseek-v3.2", "DeepSeek-V3.2-Exp", 74.1, False,
                   "2025-09-29", GH_V32),
            _bench("swe-bench-verified", "SWE-bench Verified", "deepseek-v3.2", "DeepSeek-V3.2-Exp", 67.8, False,
                   "2025-09-29", GH_V32),
            _bench("aider-polyglot", "Aider polyglot (pass_rate_2, %)", "deepseek-v3.2", "DeepSeek-V3.2-Exp (Chat)",
                   70.2, True, "2025-10-03", AIDER)]),
        alternatives=[
            Alternative(family="nemotron", name="NVIDIA Nemotron Nano 9B v2 (reasoning on)", developer="NVIDIA",
                        country="US", risk=nano,
                        deltas=[BenchmarkDelta(benchmark="livecodebench", current=74.1, alternative=71.1, delta=-3.0,
                                               comparable=True),
                                BenchmarkDelta(benchmark="swe-bench-verified", current=67.8, alternative=None,
                                               delta=None, comparable=False, note="no row for the alternative")],
                        removes=["developer-jurisdiction", "lineage-roots", "endpoint"], adds=["licence"],
                        summary="Replacing deepseek-chat with NVIDIA Nemotron Nano 9B v2 keeps 71.1 of 74.1 points "
                                "on LiveCodeBench and removes developer-jurisdiction, lineage-roots, endpoint."),
            Alternative(family="phi", name="Phi-4-reasoning", developer="Microsoft", country="US", risk=phi,
                        deltas=[BenchmarkDelta(benchmark="livecodebench", current=74.1, alternative=53.8, delta=-20.3,
                                               comparable=False, note="LiveCodeBench windows differ (8/24-2/25)")],
                        removes=["developer-jurisdiction", "lineage-roots", "endpoint"],
                        summary="Replacing deepseek-chat with Phi-4-reasoning keeps 53.8 of 74.1 points on "
                                "LiveCodeBench and removes developer-jurisdiction, lineage-roots, endpoint.")],
        summary="deepseek-chat fails the policy (developer-country, endpoint-country); NVIDIA Nemotron Nano 9B v2 "
                "keeps 71.1 of 74.1 points on LiveCodeBench at risk 0.22 instead of 0.71.")


def _distill(item: str) -> Assessment:
    score = risk({
        "developer-jurisdiction": (0.9, "Developer DeepSeek is domiciled in CN"),
        "lineage-roots": (0.6, "Roots: Meta (US) and DeepSeek (CN)"),
        "endpoint": (0.0, "Self-hosted in the software's own process"),
        "licence": (0.4, "Llama 3.1 Community License: 700M MAU cap, EU multimodal exclusion"),
        "transparency": (0.5, "Training data summarised"),
        "behaviour": (None, "No behaviour probe run attached"),
        "supply-chain": (0.1, "Pinned revision, GGUF (no code execution)"),
    }, partial=("lineage-roots",), sources={"lineage-roots": [GH_R1]})
    maverick = risk({"developer-jurisdiction": (0.1, "Meta, US"), "lineage-roots": (0.1, "Meta (US)"),
                     "endpoint": (0.0, "Self-hosted"), "licence": (0.5, "Llama 4 Community License"),
                     "transparency": (0.4, "Summary"), "behaviour": (None, "No behaviour probe run"),
                     "supply-chain": (0.2, "Open weights")})
    return Assessment(
        subject=item, item=item, family="deepseek-r1-distill", name="DeepSeek-R1-Distill-Llama-8B",
        provenance_status="known", passes_policy=False, policy_rules=["developer-country"], risk=score,
        capability=Capability(task="coding", benchmarks=[
            _bench("livecodebench", "LiveCodeBench (Pass@1)", "deepseek-r1-distill", "DeepSeek-R1-Distill-Llama-8B",
                   39.6, False, "2025-01-20", GH_R1)]),
        alternatives=[Alternative(
            family="llama-4", name="Llama 4 Maverick", developer="Meta", country="US", risk=maverick,
            deltas=[BenchmarkDelta(benchmark="livecodebench", current=39.6, alternative=43.4, delta=3.8,
                                   comparable=True)],
            removes=["developer-jurisdiction", "lineage-roots"], adds=["licence"],
            summary="Replacing the R1 distill with Llama 4 Maverick gains 3.8 points on LiveCodeBench and removes "
                    "developer-jurisdiction, lineage-roots.")],
        summary="The R1 distill fails the policy (developer-country); Llama 4 Maverick scores higher at lower risk.")


def _mistral(item: str) -> Assessment:
    score = risk({
        "developer-jurisdiction": (0.2, "Mistral AI, FR: EU AI Act GPAI obligations"),
        "lineage-roots": (0.2, "Root: Mistral AI (FR)"),
        "endpoint": (0.2, "Mistral AI's API: data processed in the EU"),
        "licence": (None, "Licence of mistral-large-latest not in the knowledge base"),
        "transparency": (0.5, "Minimal training-data disclosure"),
        "behaviour": (None, "No behaviour probe run attached"),
        "supply-chain": (None, "API model"),
    }, not_applicable=("supply-chain",))
    return Assessment(
        subject="mistral-large-latest", item=item, family="mistral-large", name="mistral-large-latest",
        provenance_status="partial", passes_policy=True, risk=score,
        capability=Capability(task="coding", measured=[capability_run(), behaviour_run()]),
        summary="mistral-large-latest passes the policy; no cited coding benchmark, your own run measures "
                "pass@1 0.62 [0.49–0.73] on upstream-coding.")


def weigh_outcome(*, distill_item: str = "acme/R1-Distill-Llama-8B-GGUF",
                  mistral_item: str = "mistral-large-latest@mistral") -> WeighOutcome:
    assessments = [_deepseek_chat(), _distill(distill_item), _mistral(mistral_item)]
    return WeighOutcome(
        task="coding", benchmark="livecodebench", profile="eu-data-residency",
        context={"task": "coding", "operates_in": ["DE", "FR"], "sector": "finance",
                 "data_sensitivity": "confidential", "monthly_active_users": 120000, "unknown_as": UNKNOWN_AS},
        weights=dict(WEIGHTS),
        assessments=assessments, frontier=frontier_points(assessments))


def hostile_outcome() -> WeighOutcome:
    """Every name, reason and summary carries markup (and a control character) that must stay text."""
    out = weigh_outcome()
    evil = HOSTILE + "\x1b[31m\x00"
    points = [dataclasses.replace(p, name=evil + p.name, developer=evil) if p.in_use else p for p in out.frontier]
    first = out.assessments[0]
    factors = [dataclasses.replace(f, reason=evil, name=evil + f.name) for f in first.risk.factors]
    first = dataclasses.replace(first, subject=evil, summary=evil,
                                risk=dataclasses.replace(first.risk, factors=factors),
                                alternatives=[dataclasses.replace(a, name=evil, summary=evil)
                                              for a in first.alternatives])
    return dataclasses.replace(out, benchmark=evil, frontier=points, assessments=[first, *out.assessments[1:]])


def weigh_report() -> Report:
    """The format tests' sample report with the weigh section for two of its items (and one named candidate)."""
    return dataclasses.replace(sample_report(), weigh=weigh_outcome())
