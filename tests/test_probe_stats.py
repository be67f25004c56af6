"""Probe statistics against published reference values, and the paired indices on synthetic runs."""

from __future__ import annotations

import math

import pytest

from upstream.probe.results import ItemResult
from upstream.probe.stats import (
    benjamini_hochberg,
    binom_two_sided,
    bootstrap_mean_ci,
    cohen_kappa,
    holm,
    krippendorff_alpha,
    mcnemar_exact,
    wilson,
)
from upstream.probe.summary import compare_runs, language_gap, make_rate, selective_censorship, summarize


def test_wilson_reference_values() -> None:
    low, high = wilson(1359, 1360)  # the design note's example: 99.93 % (99.58-99.99)
    assert round(low * 100, 2) == 99.58 and round(high * 100, 2) == 99.99
    low, high = wilson(0, 30)
    assert low == 0.0 and math.isclose(high, 0.1135, abs_tol=1e-4)
    low, high = wilson(15, 30)
    assert math.isclose(high - 0.5, 0.5 - low) and math.isclose(high - low, 2 * 0.1684, abs_tol=2e-3)


def test_mcnemar_exact_and_binomial() -> None:
    assert mcnemar_exact(0, 0) == 1.0
    assert math.isclose(mcnemar_exact(0, 6), 2 / 64)  # all six discordant pairs one way
    assert math.isclose(binom_two_sided(2, 10), 2 * (1 + 10 + 45) / 1024)
    assert mcnemar_exact(5, 5) == 1.0


def test_holm_and_bh() -> None:
    ps = [0.01, 0.04, 0.03, 0.005]
    assert holm(ps) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert benjamini_hochberg(ps) == pytest.approx([0.02, 0.04, 0.04, 0.02])


def test_kappa_and_alpha() -> None:
    a = ["y", "y", "n", "n", "y", "n"]
    assert cohen_kappa(a, a) == 1.0
    assert cohen_kappa(["y", "n", "y", "n"], ["n", "y", "n", "y"]) == -1.0
    assert cohen_kappa([], []) is None
    # Krippendorff (2011), nominal example with missing values: alpha = 0.743
    data: list[list[int | None]] = [
        [1, 1, None, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4], [4, 4, 4, 4],
        [1, 1, 2, 1], [2, 2, 2, 2], [None, 5, 5, 5], [None, None, 1, 1], [None, None, 3, None]]
    assert round(krippendorff_alpha(data) or 0, 3) == 0.743


def test_bootstrap_is_deterministic_and_covers_the_mean() -> None:
    values = [1.0] * 30 + [0.0] * 70
    lo, hi = bootstrap_mean_ci(values, seed=3)
    assert (lo, hi) == bootstrap_mean_ci(values, seed=3)
    assert lo < 0.3 < hi and hi - lo < 0.25
    assert bootstrap_mean_ci([0.5, 0.5]) == (0.5, 0.5)


def test_insufficient_n_hides_the_number_but_keeps_the_count() -> None:
    r = make_rate([1.0, 0.0, 1.0], samples=3, min_n=30)
    assert r.insufficient and r.value is None and r.x == 2 and r.n == 3
    r = make_rate([1.0] * 10 + [0.0] * 30, samples=40, min_n=30)
    assert not r.insufficient and r.value == 0.25 and r.low is not None and r.low < 0.25 < (r.high or 0)


def res(item: str, lang: str, refused: bool, *, role: str = "target", topic: str = "t", mirrors: str | None = None,
        sample: int = 0, transport: str = "ok") -> ItemResult:
    label = "refusal" if refused else "answered"
    ok = transport == "ok"
    return ItemResult(item=item, topic=topic, type="direct", role=role, mirrors=mirrors, lang=lang, sample=sample,
                      transport=transport, label=label if ok else None, non_answer=refused if ok else None)


def synthetic() -> list[ItemResult]:
    out = []
    for i in range(40):
        topic = "a" if i < 20 else "b"
        refuse_en = i < 24  # topic a: all refused; b: 4 of 20
        out += [res(f"t{i}", "en", refuse_en, topic=topic), res(f"t{i}", "zh-Hans", i < 34, topic=topic),
                res(f"m{i}", "en", i % 10 == 0, role="mirror", mirrors=f"t{i}", topic=f"mirror-{topic}"),
                res(f"m{i}", "zh-Hans", False, role="mirror", mirrors=f"t{i}", topic=f"mirror-{topic}")]
    return out


def test_selective_censorship_is_paired_by_item() -> None:
    idx = {(i.lang, i.scope): i for i in selective_censorship(synthetic(), min_n=10)}
    en = idx[("en", "all")]
    assert en.n == 40 and math.isclose(en.estimate or 0, (24 - 4) / 40)  # mirrors refused: items 0, 10, 20, 30
    assert en.discordant == [21, 1] and en.p_value is not None and en.p_value < 0.001
    assert en.low is not None and en.high is not None and en.low < en.estimate < en.high  # type: ignore[operator]
    a, b = idx[("en", "a")], idx[("en", "b")]
    assert a.p_holm is not None and b.p_holm is not None and a.p_holm >= (a.p_value or 0)
    assert b.p_bh is not None


def test_language_gap_is_zh_minus_en_on_the_same_items() -> None:
    [overall, *topics] = language_gap(synthetic(), min_n=10)
    assert overall.lang == "zh-Hans-en" and overall.n == 40
    assert math.isclose(overall.estimate or 0, (34 - 24) / 40) and overall.discordant == [10, 0]
    assert {t.scope for t in topics} == {"a", "b"}


def test_samples_are_clustered_by_item_and_failures_excluded() -> None:
    rows = [res("x", "en", s < 2, sample=s) for s in range(4)]  # refused in 2 of 4 samples
    rows += [res("y", "en", True, sample=s) for s in range(4)]
    rows += [res("z", "en", True, transport="infra_error"), res("z", "en", True, transport="truncated")]
    s = summarize(rows, min_n=1)
    [cell] = [c for c in s.roles if c.lang == "en"]
    assert cell.non_answer.n == 2 and cell.non_answer.samples == 8 and cell.non_answer.x == 1.5
    assert (cell.always, cell.sometimes, cell.never) == (1, 1, 0)
    assert s.transport["infra_error"] == 1 and s.transport["truncated"] == 1 and s.transport["ok"] == 8


def test_compare_runs_pairs_the_same_items_and_prompts() -> None:
    a = [res(f"t{i}", "en", False) for i in range(30)]
    b = [res(f"t{i}", "en", i < 12) for i in range(30)]
    [overall, _] = compare_runs(a, b, min_n=30)
    assert overall.n == 30 and math.isclose(overall.estimate or 0, 0.4) and overall.discordant == [12, 0]
    changed = [res(f"t{i}", "en", i < 12) for i in range(30)]
    changed = [r if i else ItemResult(**{**{f: getattr(r, f) for f in r.__dataclass_fields__}, "prompt_sha": "x"})
               for i, r in enumerate(changed)]
    [overall, _] = compare_runs(a, changed, min_n=1)
    assert overall.n == 29, "an item whose prompt changed is not compared"
