"""`upstream weigh`: provenance risk against capability, factor by factor, with the alternatives a policy allows.

    upstream weigh MODEL[@ENDPOINT] ...          candidates named on the command line
    upstream weigh --report SAVED.json          the models a saved scan found
    upstream weigh --scan PATH                  scan PATH, then weigh what it uses
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any, TextIO

from upstream.commands import EXIT_OK, EXIT_POLICY
from upstream.errors import UsageError
from upstream.models import MeasuredRun, Report
from upstream.report import FORMATS, renderer

WEIGH_FORMATS = sorted({*FORMATS, "table"})


def register(sub: Any) -> None:
    p = sub.add_parser("weigh", help="weigh provenance risk against capability; name better alternatives",
                       description="For each model (named here, from a saved scan, or from a fresh scan): the "
                                   "provenance risk factor by factor, capability from cited benchmarks and your "
                                   "own capability-probe runs, and the best alternatives your policy allows.")
    p.add_argument("models", nargs="*", metavar="MODEL[@ENDPOINT]",
                   help="model ids to weigh as candidates, e.g. deepseek-ai/DeepSeek-V3 or "
                        "deepseek-chat@https://api.deepseek.com (no endpoint: self-hosted where the weights are "
                        "open, else the developer's own API)")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--report", metavar="SAVED.json", help="weigh the models of a report saved with 'scan -f json'")
    src.add_argument("--scan", metavar="PATH", help="scan PATH first, then weigh the models it uses")
    p.add_argument("--task", help="what the models are for: coding (default) or general")
    p.add_argument("--policy", metavar="FILE", help="policy file with the [weigh] context and the rules "
                                                    "alternatives must pass")
    p.add_argument("--profile", metavar="NAME", help="a built-in policy profile (see 'upstream policy')")
    p.add_argument("--probe", action="append", default=[], metavar="RUN.json",
                   help="a saved behaviour or capability probe run to take into account (repeatable)")
    p.add_argument("--alternatives", type=int, default=5, metavar="N",
                   help="alternatives to list per model (default 5; 0: none)")
    p.add_argument("--chart", metavar="FILE", help="also draw the risk/capability frontier to FILE (.svg or .png)")
    p.add_argument("--include-docs", action="store_true", help="also weigh models only mentioned in documentation")
    p.add_argument("-f", "--format", action="append", choices=WEIGH_FORMATS, dest="formats",
                   help="output format (repeatable; default: table on a terminal, json otherwise)")
    p.add_argument("-o", "--output", help="write here instead of stdout (several formats: a prefix)")
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even when a model in use fails the policy")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    p.set_defaults(run=run)


def _color(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def _base_report(args: argparse.Namespace, stderr: TextIO) -> Report:
    from upstream.weigh.assess import named_report

    if args.report:
        from upstream.commands.report_cmd import load_saved

        if args.models:
            raise UsageError("name models or --report, not both")
        return load_saved(args.report)
    if args.scan:
        from upstream.config import scan_config
        from upstream.pipeline import scan

        if args.models:
            raise UsageError("name models or --scan, not both")
        if not os.path.exists(args.scan):
            raise UsageError(f"{args.scan}: no such file or directory")
        flags = {"policy": args.policy, "profile": args.profile}
        return scan(scan_config(args.scan, flags))
    if not args.models:
        raise UsageError("nothing to weigh", hint="name models (upstream weigh deepseek-ai/DeepSeek-V3 gpt-4o), "
                                                  "or use --report SAVED.json or --scan PATH")
    return named_report(args.models)


def _write(report: Report, formats: list[str], output: str | None, stdout: TextIO) -> None:
    from upstream.report.weigh_text import render_weigh_text

    for fmt in formats:
        color = _color(stdout) and not output
        if fmt == "table" and report.weigh is not None:
            text = render_weigh_text(report.weigh, color)
        else:
            text = renderer(fmt)(report, color)
        if output:
            path = output if len(formats) == 1 else f"{output}.{fmt}"
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            stdout.write(text)


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from upstream.policy.config import find_policy
    from upstream.weigh.assess import weigh_report

    if args.alternatives < 0:
        raise UsageError("--alternatives must be 0 or more")
    t0 = time.perf_counter()
    root = args.scan if args.scan and os.path.isdir(args.scan) else "."
    policy = find_policy(root, args.policy, args.profile, weigh=True)  # a bad policy stops us before any work
    runs: list[MeasuredRun] = []
    if args.probe:
        from upstream.probe.attach import load_runs

        runs = load_runs(args.probe)  # likewise a bad run file
    report = _base_report(args, stderr)
    if runs:
        from upstream.probe.attach import attach_runs, warning

        attached = attach_runs(report, runs)
        report = attached.report
        for u in attached.unmatched:
            stderr.write(warning(u) + "\n")
    report = weigh_report(report, policy=policy, task=args.task, alternatives=args.alternatives,
                          include_docs=args.include_docs)
    if args.chart:
        from upstream.weigh.chart import write_chart

        assert report.weigh is not None
        write_chart(report.weigh, args.chart)
    formats = args.formats or (["table"] if stdout.isatty() and not args.output else ["json"])
    _write(report, formats, args.output, stdout)
    outcome = report.weigh
    failing = [a for a in outcome.assessments if a.passes_policy is False] if outcome else []
    if not args.quiet and outcome is not None:
        stderr.write(f"upstream: weighed {len(outcome.assessments)} model(s) for {outcome.task} "
                     f"against {len(outcome.frontier)} candidate(s) in {time.perf_counter() - t0:.2f}s"
                     + (f"; {len(failing)} fail the policy" if policy is not None else "; no policy applied")
                     + (f"; chart: {args.chart}" if args.chart else "") + "\n")
    if failing and not args.exit_zero:
        return EXIT_POLICY
    return EXIT_OK
