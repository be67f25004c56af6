"""`upstream report SAVED.json -f FORMAT`: convert a saved JSON report to another format without rescanning.

With `--probe RUN.json` the saved probe runs are attached to the models they measured, and with them (or with
`--policy` / `--profile`) the policy is applied again: the exit status then follows the decision, as for `scan`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from upstream.commands import EXIT_OK, EXIT_POLICY
from upstream.errors import UsageError
from upstream.models import REPORT_SCHEMA_VERSION, Report
from upstream.report import FORMATS, renderer

if TYPE_CHECKING:
    from upstream.policy.config import Policy

_MAX_BYTES = 256 << 20


def register(sub: Any) -> None:
    p = sub.add_parser("report", help="convert a saved JSON report to another format",
                       description="Render a report saved with 'upstream scan -f json' in another format "
                                   "(sarif, cyclonedx, spdx, markdown, html, ...) without scanning again.")
    p.add_argument("saved", metavar="SAVED.json", help="a report written by 'upstream scan -f json' ('-': stdin)")
    p.add_argument("-f", "--format", action="append", choices=sorted(FORMATS), dest="formats", required=True,
                   help="output format (repeatable)")
    p.add_argument("-o", "--output", help="write here instead of stdout (with several formats: a prefix, "
                                          "one file per format)")
    p.add_argument("--probe", action="append", default=[], metavar="RUN.json",
                   help="attach a saved probe run ('upstream probe -f json') to the models it measured and apply the "
                        "report's policy again (repeatable)")
    p.add_argument("--policy", metavar="FILE", help="apply this policy file to the saved report")
    p.add_argument("--profile", metavar="NAME", help="apply this built-in policy profile (over --policy, if given)")
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even when a policy applied here fails")
    p.set_defaults(run=run)


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read(_MAX_BYTES + 1)
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read(_MAX_BYTES + 1)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, not a saved report",
                         hint="to scan a folder, run 'upstream scan PATH'") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not a UTF-8 text file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror})") from None


def load_saved(path: str) -> Report:
    """Read, check and validate a saved report; every problem becomes a UsageError with a hint."""
    from pydantic import ValidationError

    from upstream.report.json_report import load_report

    hint = "save one with 'upstream scan PATH -f json -o report.json'"
    text = _read(path)
    if len(text) > _MAX_BYTES:
        raise UsageError(f"{path}: larger than {_MAX_BYTES >> 20} MiB; not a saved report", hint=hint)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})", hint=hint) from None
    if not isinstance(doc, dict) or doc.get("tool") != "upstream" or "schema_version" not in doc:
        raise UsageError(f"{path}: not an upstream JSON report (no 'tool': 'upstream' and 'schema_version')",
                         hint=hint)
    theirs, ours = str(doc["schema_version"]), REPORT_SCHEMA_VERSION
    if theirs.split(".")[0] != ours.split(".")[0]:
        raise UsageError(f"{path}: report schema {theirs} is not compatible with this upstream (reads {ours})",
                         hint="convert it with the upstream version that wrote it, or scan again")
    try:
        return load_report(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise UsageError(f"{path}: does not match report schema {ours}: {where}: {first['msg']} "
                         f"({exc.error_count()} problem(s))",
                         hint="check it with 'upstream schema' (the JSON Schema of the report)") from None


def _saved_policy(report: Report, stderr: TextIO) -> Policy | None:
    """The policy the saved report was checked against, read again from where it came from; None (with a warning)
    when it cannot be found."""
    from upstream.policy.config import load_policy, parse_policy

    outcome = report.policy
    if outcome is None:
        return None
    if outcome.source == f"profile:{outcome.profile}":
        return parse_policy({}, outcome.source, outcome.profile)
    path = outcome.source.removesuffix(" [tool.upstream]")
    if Path(path).is_file():
        return load_policy(path, outcome.profile)
    stderr.write(f"upstream: warning: the saved report's policy ({outcome.source}) is not found from here; its "
                 "findings are kept as saved and do not see the attached runs (pass --policy FILE)\n")
    return None


def _policy(args: argparse.Namespace, report: Report, stderr: TextIO) -> Policy | None:
    from upstream.policy.config import load_policy, parse_policy

    if args.policy:
        return load_policy(args.policy, args.profile)
    if args.profile:
        return parse_policy({}, f"profile:{args.profile}", args.profile)
    return _saved_policy(report, stderr) if args.probe else None


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from upstream.probe.attach import attach_runs, load_runs, regate, warning

    runs = load_runs(args.probe)
    report = load_saved(args.saved)
    if runs:
        result = attach_runs(report, runs)
        for u in result.unmatched:
            stderr.write(warning(u) + "\n")
        report = result.report
    policy = _policy(args, report, stderr)
    if policy is not None:
        from upstream.policy import policy_summary

        report = regate(report, policy)
        stderr.write(policy_summary(report) + "\n")
    for fmt in args.formats:
        text = renderer(fmt)(report, False)
        if args.output:
            path = args.output if len(args.formats) == 1 else f"{args.output}.{fmt}"
            try:
                with open(path, "w", encoding="utf-8") as fh:
                    fh.write(text)
            except OSError as exc:
                raise UsageError(f"{path}: cannot be written ({exc.strerror})") from None
        else:
            stdout.write(text)
    if policy is not None and report.policy is not None and report.policy.decision == "fail" and not args.exit_zero:
        return EXIT_POLICY
    return EXIT_OK
