"""The provenance policy: rules with stable ids over the Report's facts, ignores with reasons, and a decision.

    policy = find_policy(root, policy_path, profile)   # None when there is none; ConfigError when it is bad
    findings, outcome = evaluate(report, policy)        # pure
    report = apply_policy(report, root, policy_path, profile)   # both, for the pipeline
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from upstream.models import Report
from upstream.policy.config import Policy, find_policy, load_policy, parse_policy
from upstream.policy.docs import rule_doc
from upstream.policy.engine import evaluate, fingerprint
from upstream.policy.probes import ProbeMetric, metrics_from_probe_report
from upstream.policy.profiles import profile_names, profile_text
from upstream.policy.rules import RULES


def with_policy(report: Report, policy: Policy, probes: Iterable[ProbeMetric] = (),
                today: date | None = None) -> Report:
    """The report with the policy's findings and outcome in it."""
    findings, outcome = evaluate(report, policy, probes, today)
    config = {**report.config, "policy": policy.source}
    if policy.profile:
        config["profile"] = policy.profile
    return replace(report, findings=findings, policy=outcome, config=config)


def policy_summary(report: Report) -> str:
    """One line for stderr: the decision, what failed it, and the ignores to look at."""
    from upstream.policy.engine import fails

    p = report.policy
    if p is None:
        return "upstream: no policy applied"
    failing = sum(1 for f in report.findings if fails(f, p.fail_on))
    below = sum(1 for f in report.findings if not f.ignored) - failing
    ignored = sum(1 for f in report.findings if f.ignored)
    text = (f"upstream: policy {'FAILED' if p.decision == 'fail' else 'passed'} ({p.source}): {failing} finding(s) "
            f"at {p.fail_on} or above, {below} below, {ignored} ignored")
    if p.expired_ignores or p.unused_ignores:
        text += f"; {len(p.expired_ignores)} expired and {len(p.unused_ignores)} unused ignore(s) to review"
    return text


def apply_policy(report: Report, root: str, policy_path: str | None = None, profile: str | None = None,
                 today: date | None = None) -> Report:
    """Apply the policy that a scan of `root` is under (`policy_path`, else upstream.toml / [tool.upstream] at the
    root, with `profile` as its base or alone); the report unchanged when there is none. ConfigError when bad."""
    policy = find_policy(root, policy_path, profile)
    return report if policy is None else with_policy(report, policy, today=today)


__all__ = [
    "RULES", "Policy", "ProbeMetric", "apply_policy", "evaluate", "find_policy", "fingerprint", "load_policy",
    "metrics_from_probe_report", "parse_policy", "policy_summary", "profile_names", "profile_text", "rule_doc",
    "with_policy",
]
