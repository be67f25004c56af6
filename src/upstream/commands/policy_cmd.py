"""`upstream policy`: check a policy file, list the rules, and show the ready-made profiles."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from upstream.commands import EXIT_OK, EXIT_USAGE


def register(sub: Any) -> None:
    p = sub.add_parser("policy", help="check a policy file; list the rules and the ready-made profiles",
                       description="The provenance policy that `upstream scan` applies (upstream.toml or "
                                   "[tool.upstream] in pyproject.toml). See docs/policy.md.")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    c = verbs.add_parser("check", help="validate a policy file and print what it enforces (exit 2 when invalid)")
    c.add_argument("file", nargs="?", help="policy file (default: upstream.toml or pyproject.toml in PATH)")
    c.add_argument("--path", default=".", help="directory to look in when FILE is not given (default: .)")
    c.add_argument("--profile", help="a built-in profile to use as the base")
    verbs.add_parser("rules", help="every rule: id, default severity, one line")
    verbs.add_parser("profiles", help="the ready-made profiles and the public rules they reflect")
    s = verbs.add_parser("profile", help="print a profile's TOML (to start an upstream.toml from)")
    s.add_argument("name")
    p.set_defaults(run=run)


def _check(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from upstream.policy import find_policy

    policy = find_policy(args.path, args.file, args.profile)
    if policy is None:
        stderr.write(f"upstream: no policy in {args.path} (no upstream.toml, no [tool.upstream] with a policy)\n")
        return EXIT_USAGE
    stdout.write(f"{policy.source}: valid" + (f" ({policy.title})" if policy.title else "") + "\n")
    if policy.profile:
        stdout.write(f"  based on profile: {policy.profile}\n")
    stdout.write(f"  fails on: {policy.fail_on} and above; docs-only models "
                 f"{'included' if policy.include_docs else 'not checked'}\n")
    from upstream.policy.rules import BY_ID

    for rid, opts in policy.rules.items():
        rule = BY_ID[rid]
        state = "off" if not opts.enabled else (opts.severity or rule.default_severity)
        set_opts = opts.model_dump(mode="json", exclude_defaults=True, exclude={"severity", "enabled"})
        detail = ", ".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in set_opts.items())
        stdout.write(f"  {rid:28} {state:9} {detail}".rstrip() + "\n")
    for ig in policy.ignores:
        stdout.write(f"  {ig.describe()}\n")
    return EXIT_OK


def _rules(stdout: TextIO) -> int:
    from upstream.policy.rules import RULES

    for rule in RULES:
        stdout.write(f"{rule.id:28} {rule.default_severity:9} {rule.summary}\n")
    stdout.write("\n'upstream explain RULE' prints a rule's documentation and options.\n")
    return EXIT_OK


def _profiles(stdout: TextIO) -> int:
    from upstream.policy.profiles import profile_data, profile_names

    for name in profile_names():
        about = profile_data(name).get("about", {})
        stdout.write(f"{name}: {about.get('title', '')}\n")
        for line in about.get("reflects", []):
            stdout.write(f"  reflects: {line}\n")
    stdout.write("\n'upstream policy profile NAME' prints one; '[policy] extends = \"NAME\"' starts from it.\n")
    return EXIT_OK


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    if args.verb == "check":
        return _check(args, stdout, stderr)
    if args.verb == "rules":
        return _rules(stdout)
    if args.verb == "profiles":
        return _profiles(stdout)
    from upstream.policy.profiles import profile_text

    stdout.write(profile_text(args.name))
    return EXIT_OK
