"""Markdown for a pull-request comment: the decision first, findings by severity, models and origins, size-capped."""

from __future__ import annotations

import re
from functools import lru_cache

from policy_support import (
    ALIBABA,
    DEEPSEEK,
    DEEPSEEK_API,
    OLLAMA,
    TODAY,
    check_golden,
    demo_under_policy,
    item,
    redact,
    report,
)

from upstream.models import Report
from upstream.policy import parse_policy, with_policy
from upstream.report.markdown import MAX_CHARS, render_markdown

GITHUB_COMMENT_LIMIT = 65_536


@lru_cache(maxsize=1)
def demo() -> Report:
    return demo_under_policy()


def test_golden_markdown_of_the_example_project() -> None:
    rep = demo()
    check_golden("demo-app.md", redact(render_markdown(rep), rep))


def test_the_decision_and_the_counts_come_first() -> None:
    md = render_markdown(demo())
    head = md.split("\n### ")[0]
    assert head.startswith("## ❌ upstream: policy failed")
    assert "**5 finding(s) fail the policy** (5 high), 2 below the threshold (2 low), 1 ignored with a reason." in head
    assert "policy `examples/demo-app/upstream.toml`, fails on high and above" in head


def test_findings_are_grouped_by_severity_with_where_and_why() -> None:
    md = render_markdown(demo())
    high = md.split("### High (5, fails the policy)")[1].split("### ")[0]
    low = md.split("### Low (2, reported only)")[1].split("### ")[0]
    assert "`operator-country` | deepseek-chat | `examples/demo-app/app/settings.py:9`" in high
    assert "US Commerce Entity List" in high and "unpinned-model-revision" not in high
    assert low.count("`unpinned-model-revision`") == 2
    assert "`examples/demo-app/notebooks/retrieval-eval.ipynb:3` (cell 1)" in low


def test_ignored_findings_show_their_reason_and_expiry() -> None:
    ignored = render_markdown(demo()).split("### Ignored (1)")[1].split("### ")[0]
    assert "qwen2.5-coder:7b" in ignored and "Reviewed by the platform team" in ignored and "2027-06-30" in ignored


def test_the_inventory_shows_developer_country_and_operator_apart() -> None:
    models = render_markdown(demo()).split("### Models (4)")[1]
    rows = {line.split(" | ")[0].lstrip("| "): line for line in models.splitlines() if line.startswith("| ")}
    assert "| DeepSeek | CN | DeepSeek | CN | MIT |" in rows["deepseek-chat"]
    assert "| Alibaba Group | CN | self-hosted (Ollama) (implied) | own machines |" in rows["qwen2.5-coder:7b"]
    assert "| not named in the code | - |" in rows["BAAI/bge-small-en-v1.5"]


def test_without_a_policy_it_says_nothing_was_checked() -> None:
    md = render_markdown(report(item("deepseek-chat", endpoint=DEEPSEEK_API, hub="api", developer=DEEPSEEK)))
    assert md.startswith("## upstream: model inventory (no policy applied)")
    assert "nothing was checked" in md and "| deepseek-chat | DeepSeek | CN |" in md


def test_docs_only_models_and_an_incomplete_scan_are_not_hidden() -> None:
    docs = item("gpt-4o", hub="api", where=(("README.md", 3),), docs_only=True)
    rep = report(item("Qwen/Qwen2.5-7B", developer=ALIBABA), docs, complete=False)
    md = render_markdown(rep)
    assert "Mentioned in documentation only (not held to the policy unless it sets `include_docs`): gpt-4o." in md
    assert "**Incomplete scan:**" in md


def test_scanned_text_cannot_inject_markup_into_the_comment() -> None:
    evil = "x](https://evil.example)<img src=x onerror=alert(1)>|`code`"
    rep = report(item(evil, endpoint=DEEPSEEK_API, hub="api", developer=DEEPSEEK, where=(("a|b`.py", 1),)))
    rep = with_policy(rep, parse_policy({"rules": {"developer-country": {"countries": ["CN"]}}}, "p.toml"),
                      today=TODAY)
    md = render_markdown(rep)
    assert "x\\](https://evil.example)\\<img src=x onerror=alert(1)\\>" in md
    assert not re.search(r"(?<!\\)<img", md) and not re.search(r"(?<!\\)\]\(https://evil", md)
    for line in md.splitlines():  # every table row keeps its column count: escaped pipes do not split cells
        if line.startswith("| ") and "evil" in line:
            assert len(re.findall(r"(?<!\\)\|", line)) in (5, 9), line


def _big_report(n: int) -> Report:
    items = [item(f"org{i}/model-with-a-rather-long-name-{i:05d}", endpoint=DEEPSEEK_API if i % 2 else OLLAMA,
                  hub="huggingface", developer=DEEPSEEK if i % 3 else ALIBABA,
                  where=((f"services/svc{i}/very/deep/path/to/the/module/config.py", i + 1),
                         (f"services/svc{i}/other.py", 2)))
             for i in range(n)]
    policy = parse_policy({"rules": {"developer-country": {"countries": ["CN"]},
                                     "operator-country": {"countries": ["CN"]},
                                     "unpinned-model-revision": {}}}, "upstream.toml")
    return with_policy(report(*items), policy, today=TODAY)


def test_a_huge_report_fits_a_pull_request_comment_and_says_what_it_left_out() -> None:
    rep = _big_report(600)
    md = render_markdown(rep)
    assert len(md) <= MAX_CHARS < GITHUB_COMMENT_LIMIT
    high = sum(1 for f in rep.findings if f.severity == "high")
    low = sum(1 for f in rep.findings if f.severity == "low")
    assert md.startswith("## ❌ upstream: policy failed") and f"**{high} finding(s) fail the policy**" in md
    section = md.split(f"### High ({high}, fails the policy)")[1].split("### ")[0]
    shown = sum(1 for line in section.splitlines() if line.startswith("| `"))
    cut = re.search(r"_(\d+) more high findings not shown \(comment size limit\)", section)
    assert cut is not None and shown > 0 and shown + int(cut.group(1)) == high  # the counts add up
    # what did not fit at all is named, with its size
    assert f"_Not shown (comment size limit): low findings ({low}), models (600)." in md
    assert "`upstream scan -f json`" in md


def test_a_small_limit_still_keeps_the_decision() -> None:
    md = render_markdown(_big_report(50), limit=2_000)
    assert len(md) <= 2_000 and "policy failed" in md and "not shown" in md
