"""`upstream scan PATH`: find every AI model a source tree uses."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any, TextIO

from upstream.commands import EXIT_INCOMPLETE, EXIT_OK, EXIT_POLICY
from upstream.config import ScanConfig, scan_config
from upstream.report import FORMATS, renderer

if TYPE_CHECKING:  # the Report's types are imported while the scan's workers read files (upstream.evidence)
    from upstream.models import MeasuredRun, Report


def _size(text: str) -> int:
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    t = text.strip().lower().rstrip("b")
    try:
        if t and t[-1] in units:
            return int(float(t[:-1]) * units[t[-1]])
        return int(t)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 4M, 512k)") from None


def register(sub: Any) -> None:
    scan = sub.add_parser("scan", help="find every AI model a source tree uses",
                          description="Find every AI model reference in a source tree, with file and line.")
    scan.add_argument("path", nargs="?", default=".", help="directory or file to scan (default: .)")
    scan.add_argument("-f", "--format", action="append", choices=sorted(FORMATS), dest="formats",
                      help="output format (repeatable; default: table on a terminal, json otherwise)")
    scan.add_argument("-o", "--output", help="write the report here instead of stdout "
                      "(with several formats: a prefix, one file per format)")
    scan.add_argument("--include-vendored", action="store_true", default=None,
                      help="also scan node_modules, virtualenvs, site-packages, build output...")
    scan.add_argument("--no-gitignore", dest="use_gitignore", action="store_false", default=None,
                      help="also scan files that .gitignore excludes")
    scan.add_argument("--no-follow-symlinks", dest="follow_symlinks", action="store_false", default=None)
    scan.add_argument("--max-file-size", type=_size, default=None, metavar="SIZE",
                      help="skip text files larger than this (default 4M)")
    scan.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: one per core)")
    scan.add_argument("--detectors", help="comma-separated detector ids to run (default: all)")
    scan.add_argument("--online", action="store_true", default=None,
                      help="ask the Hugging Face Hub for what the knowledge base lacks (cached; off by default)")
    scan.add_argument("--no-resolve", dest="resolve", action="store_false", default=None,
                      help="inventory only: do not attach provenance")
    scan.add_argument("--policy", metavar="FILE",
                      help="policy file (default: upstream.toml or [tool.upstream] in pyproject.toml at PATH)")
    scan.add_argument("--profile", metavar="NAME", help="apply a built-in policy profile (see 'upstream policy')")
    scan.add_argument("--no-policy", dest="use_policy", action="store_false", default=None,
                      help="inventory only: do not apply any policy")
    scan.add_argument("--probe", action="append", default=[], metavar="RUN.json",
                      help="attach a saved probe run ('upstream probe -f json') to the models it measured; the "
                           "policy's probe-threshold rule reads it (repeatable)")
    scan.add_argument("--strict", action="store_true", help="exit 3 when the scan is incomplete")
    scan.add_argument("--exit-zero", action="store_true", help="always exit 0 unless the tool itself fails")
    scan.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    scan.set_defaults(run=run)


def _color(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def _summary(report: Report) -> str:
    used = [i for i in report.inventory if not i.docs_only]
    docs = len(report.inventory) - len(used)
    s = report.stats
    text = (f"upstream: {len(used)} model(s) in use, {docs} mentioned in docs only, "
            f"{len(report.endpoints)} endpoint(s); {s.files_scanned} of {s.files_seen} files read "
            f"in {s.seconds:.2f}s")
    problems = [x for x in report.skipped if x.reason not in ("vendored", "gitignored", "binary")]
    if problems:
        text += f"; {len(problems)} file(s) could not be read or parsed (see report 'skipped')"
    errors = sum(st.errors for st in report.statuses)
    if errors:
        text += f"; {errors} detector error(s)"
    return text


def _with_probes(report: Report, runs: list[MeasuredRun], config: ScanConfig, stderr: TextIO,
                 quiet: bool) -> Report:
    """Attach the saved runs, say which matched nothing, and apply the policy again so that it sees them."""
    from upstream.policy import find_policy
    from upstream.probe.attach import attach_runs, regate, warning

    result = attach_runs(report, runs)
    for u in result.unmatched:
        stderr.write(warning(u) + "\n")
    attached = sum(len(i.measurements) for i in result.report.inventory)
    if not quiet and attached:
        items = sum(1 for i in result.report.inventory if i.measurements)
        stderr.write(f"upstream: {len(runs) - len(result.unmatched)} of {len(runs)} probe run(s) attached "
                     f"to {items} model(s)\n")
    policy = find_policy(config.root, config.policy, config.profile) if config.use_policy else None
    return regate(result.report, policy) if policy is not None else result.report


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from upstream.pipeline import scan

    flags = {
        "include_vendored": args.include_vendored, "use_gitignore": args.use_gitignore,
        "follow_symlinks": args.follow_symlinks, "online": args.online, "resolve": args.resolve,
        "max_file_size": args.max_file_size, "jobs": args.jobs,
        "policy": args.policy, "profile": args.profile, "use_policy": args.use_policy,
        "detectors": tuple(x.strip() for x in args.detectors.split(",") if x.strip()) if args.detectors else None,
    }
    config = scan_config(args.path, flags)
    runs: list[MeasuredRun] = []
    if args.probe:  # only then: loading runs imports the policy engine
        from upstream.probe.attach import load_runs

        runs = load_runs(args.probe)  # a bad run file stops us before the scan
    report = scan(config)
    if runs:
        report = _with_probes(report, runs, config, stderr, args.quiet)
    formats = args.formats or (["table"] if stdout.isatty() and not args.output else ["json"])
    for fmt in formats:
        if args.output:
            path = args.output if len(formats) == 1 else f"{args.output}.{fmt}"
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(renderer(fmt)(report, False))
        else:
            stdout.write(renderer(fmt)(report, _color(stdout)))
    if not args.quiet:
        stderr.write(_summary(report) + "\n")
        if report.policy is not None:
            from upstream.policy import policy_summary

            stderr.write(policy_summary(report) + "\n")
    if args.exit_zero:
        return EXIT_OK
    if report.policy is not None and report.policy.decision == "fail":
        return EXIT_POLICY
    if args.strict and not report.complete:
        return EXIT_INCOMPLETE
    return EXIT_OK


