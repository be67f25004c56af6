"""`upstream probe`: measure how a served model behaves on politically sensitive topics.

    upstream probe --endpoint URL --model NAME [--suite quick|full|PATH] [--lang en,zh-Hans] [--samples K] ...
    upstream probe --endpoint URL --model NAME --capability quick|full|PATH [--suite none]
    upstream probe --compare RUN_A.json RUN_B.json
    upstream probe classify ANSWERS.jsonl
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from upstream.commands import EXIT_INCOMPLETE, EXIT_OK
from upstream.errors import UsageError

if TYPE_CHECKING:
    from upstream.capability.results import CapabilityReport
    from upstream.capability.runner import CapabilitySettings
    from upstream.capability.suite import CapabilitySuite
    from upstream.probe.results import ProbeReport


def _param(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    try:
        return key.strip(), json.loads(value)
    except ValueError:
        return key.strip(), value


def register(sub: Any) -> None:
    p = sub.add_parser("probe", help="measure refusals and narratives on politically sensitive topics",
                       description="Ask a served model (any OpenAI-compatible endpoint) the probe suite: "
                                   "China-sensitive items with matched controls, in several languages; "
                                   "report non-answers, narrative echo and paired indices with intervals.")
    p.add_argument("--endpoint", help="OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1")
    p.add_argument("--model", help="model name to request")
    p.add_argument("--suite", default="quick",
                   help="behaviour suite: quick (default), full, a path to suite YAML, or none (capability only)")
    p.add_argument("--topic", default="", help="comma-separated topic ids to keep (default: all)")
    p.add_argument("--type", default="", help="comma-separated item types to keep: direct,indirect,individual,task")
    p.add_argument("--role", default="", help="comma-separated roles to keep: target,mirror,neutral,...")
    p.add_argument("--lang", default="en,zh-Hans,zh-Hant",
                   help="comma-separated prompt languages (default en,zh-Hans,zh-Hant; items lacking one skip it)")
    p.add_argument("--samples", type=int, default=1, metavar="K", help="samples per item and language (default 1)")
    p.add_argument("--temperature", type=float, default=0.0)
    p.add_argument("--max-tokens", type=int, default=4096, help="answer budget; keep it high for reasoning models")
    p.add_argument("--param", type=_param, action="append", default=[], metavar="KEY=VALUE",
                   help="extra request field, JSON value (repeatable): top_p=0.9, repeat_penalty=1.0")
    p.add_argument("--seed", type=int, help="send seed+i with sample i")
    p.add_argument("--system-prompt", metavar="TEXT|@FILE", help="system prompt to send (default: none)")
    p.add_argument("--concurrency", type=int, default=8, help="requests in flight (default 8)")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per request (default 120)")
    p.add_argument("--retries", type=int, default=4, help="retries after timeouts, 429 and 5xx (default 4)")
    p.add_argument("--api-key-env", metavar="VAR", help="environment variable holding the API key (never stored)")
    p.add_argument("--api-key-header", default="Authorization",
                   help="header for the key (default Authorization: Bearer; e.g. api-key for Azure)")
    p.add_argument("--judge", action="append", default=[], metavar="URL=MODEL",
                   help="a judge endpoint and model (repeatable; two of different families recommended)")
    p.add_argument("--judge-api-key-env", metavar="VAR", help="environment variable with the judges' API key")
    p.add_argument("--capability", metavar="SUITE",
                   help="also run the coding capability suite: quick, full, or a path to suite YAML; the code in "
                        "each answer runs against hidden tests in a sandbox (pass@1 with its interval)")
    p.add_argument("--capability-difficulty", default="", metavar="LIST",
                   help="comma-separated difficulties to keep: easy,medium,hard (default: all)")
    p.add_argument("--capability-seconds", type=float, default=10.0, metavar="S",
                   help="time limit for one task's tests in the sandbox (default 10)")
    p.add_argument("--capability-jobs", type=int, metavar="N", help="sandbox runs at once (default: CPU count)")
    p.add_argument("--capability-min-n", type=int, default=10, metavar="N",
                   help="tasks below which pass@1 is not shown (default 10: the quick suite's 16 tasks give a "
                        "rate with its wide interval)")
    p.add_argument("--store", metavar="DIR", help="answer store (default ~/.cache/upstream/probe)")
    p.add_argument("--min-n", type=int, default=30, help="items or pairs below which a number is not shown")
    p.add_argument("--compare", nargs=2, metavar=("RUN_A", "RUN_B"), help="compare two saved JSON reports")
    p.add_argument("-f", "--format", choices=("table", "json"), help="default: table on a terminal, else json")
    p.add_argument("-o", "--output", help="write the report here instead of stdout")
    p.add_argument("--strict", action="store_true", help="exit 3 when some requests ended in errors")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress or summary on stderr")
    p.set_defaults(run=run)
    actions = p.add_subparsers(dest="probe_action", metavar="ACTION")
    c = actions.add_parser("classify", help="label saved answers (JSONL) without calling any endpoint",
                           description="Label JSONL records {prompt, answer, language?, item?, reasoning?, label?}. "
                                       "With human labels present, print the confusion matrix to stderr.")
    c.add_argument("answers", help="JSONL file, or - for stdin")
    c.add_argument("--suite", default="full", help="suite for item ids (default full)")
    c.add_argument("-o", "--output", help="write labelled JSONL here instead of stdout")
    c.set_defaults(run=run_classify)


def _write(text: str, output: str | None, stdout: TextIO) -> None:
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        stdout.write(text)


def _fmt(args: argparse.Namespace, stdout: TextIO) -> str:
    return str(args.format or ("table" if stdout.isatty() and not args.output else "json"))


def _csv(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.split(",") if x.strip())


def _key(var: str | None, flag: str) -> str | None:
    if not var:
        return None
    value = os.environ.get(var)
    if not value:
        raise UsageError(f"{flag} {var}: the variable is not set or empty")
    return value


def _system_prompt(value: str | None) -> str | None:
    if value is None or not value.startswith("@"):
        return value
    try:
        return Path(value[1:]).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--system-prompt {value}: {exc}") from None


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from upstream.probe import render

    if args.compare:
        from upstream.probe.offline import compare

        doc = compare(args.compare[0], args.compare[1], args.min_n)
        out = render.render_json(doc) if _fmt(args, stdout) == "json" else render.render_compare(doc)
        _write(out, args.output, stdout)
        return EXIT_OK
    if not args.endpoint or not args.model:
        raise UsageError("probe needs --endpoint and --model (or --compare A B, or `probe classify FILE`)",
                         hint="e.g. upstream probe --endpoint http://127.0.0.1:8000/v1 --model qwen2.5-7b-instruct")
    for name in ("samples", "concurrency", "max_tokens"):
        if getattr(args, name) < 1:
            raise UsageError(f"--{name.replace('_', '-')} must be at least 1")
    behaviour = args.suite != "none"
    if not behaviour and not args.capability:
        raise UsageError("--suite none leaves nothing to run", hint="add --capability quick (or full, or a path)")
    from upstream.probe.client import chat_url
    from upstream.probe.runner import ProbeSettings, run_probe
    from upstream.probe.scoring.judge import Judge
    from upstream.probe.store import Store, default_store_dir
    from upstream.probe.suite import load_suite, select
    from upstream.probe.sync import run_sync

    try:
        chat_url(args.endpoint)
        judges = tuple(Judge.parse(j) for j in args.judge)
        for j in judges:
            chat_url(j.endpoint)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    api_key = _key(args.api_key_env, "--api-key-env")
    judge_key = _key(args.judge_api_key_env, "--judge-api-key-env")
    langs = _csv(args.lang)
    system_prompt = _system_prompt(args.system_prompt)
    settings = ProbeSettings(
        endpoint=args.endpoint, model=args.model, langs=langs, samples=args.samples, temperature=args.temperature,
        max_tokens=args.max_tokens, params=dict(args.param), system_prompt=system_prompt,
        seed=args.seed, concurrency=args.concurrency, timeout=args.timeout, retries=args.retries,
        key_header=args.api_key_header, judges=judges, min_n=args.min_n)
    suite = select(load_suite(args.suite), topics=_csv(args.topic), types=_csv(args.type),
                   roles=_csv(args.role)) if behaviour else None
    capability = _capability_plan(args, system_prompt) if args.capability else None
    tty = stderr.isatty() and not args.quiet

    def progress_for(what: str) -> Callable[[int, int, int, int], None]:
        def progress(done: int, total: int, cached: int, errors: int) -> None:
            if tty and (done == total or done % 5 == 0):
                stderr.write(f"\r{what}: {done}/{total} ({cached} from the store, {errors} errors)")
                stderr.flush()
                if done == total:
                    stderr.write("\n")
        return progress

    report: ProbeReport | None = None
    cap: CapabilityReport | None = None
    with Store(args.store or default_store_dir()) as store:
        if suite is not None:
            report = run_sync(run_probe(settings, suite, store, api_key=api_key, judge_key=judge_key,
                                           progress=progress_for("probe")))
        if capability is not None:
            from upstream.capability.runner import run_capability

            cap_settings, cap_suite = capability
            cap = run_sync(run_capability(cap_settings, cap_suite, store, api_key=api_key,
                                             progress=progress_for("capability")))
    if report is not None and cap is not None:
        report = dataclasses.replace(report, capability=cap)
    _write(_render(report, cap, _fmt(args, stdout), _color(stdout)), args.output, stdout)
    if not args.quiet:
        _summary_lines(report, cap, stderr)
    complete = (report is None or report.complete) and (cap is None or cap.complete)
    return EXIT_INCOMPLETE if args.strict and not complete else EXIT_OK


def _capability_plan(args: argparse.Namespace, system_prompt: str | None) -> tuple[CapabilitySettings,
                                                                                  CapabilitySuite]:
    from upstream.capability import sandbox
    from upstream.capability.runner import CapabilitySettings
    from upstream.capability.suite import DIFFICULTIES, load_suite, select

    levels = _csv(args.capability_difficulty)
    unknown = [x for x in levels if x not in DIFFICULTIES]
    if unknown:
        raise UsageError(f"--capability-difficulty: unknown {', '.join(unknown)}", hint="use easy, medium, hard")
    if not 0 < args.capability_seconds <= 600:
        raise UsageError("--capability-seconds must be above 0 and at most 600")
    if args.capability_jobs is not None and args.capability_jobs < 1:
        raise UsageError("--capability-jobs must be at least 1")
    suite = select(load_suite(args.capability), difficulties=levels)
    settings = CapabilitySettings(
        endpoint=args.endpoint, model=args.model, samples=args.samples, temperature=args.temperature,
        max_tokens=args.max_tokens, params=dict(args.param), system_prompt=system_prompt, seed=args.seed,
        concurrency=args.concurrency, timeout=args.timeout, retries=args.retries, key_header=args.api_key_header,
        min_n=args.capability_min_n, limits=sandbox.Limits(seconds=args.capability_seconds),
        workers=args.capability_jobs)
    return settings, suite


def _render(report: ProbeReport | None, cap: CapabilityReport | None, fmt: str, color: bool) -> str:
    from upstream.probe import render

    if fmt == "json":
        return render.render_json(report if report is not None else dataclasses.asdict(cap) if cap else {})
    parts = []
    if report is not None:
        parts.append(render.render_table(report, color))
    if cap is not None:
        from upstream.capability.render import render_capability

        parts.append(render_capability(cap, color))
    return "\n".join(parts)


def _summary_lines(report: ProbeReport | None, cap: CapabilityReport | None, stderr: TextIO) -> None:
    if report is not None:
        t = report.summary.transport
        stderr.write(f"upstream probe: {len(report.results)} answers ({report.requests_sent} requests sent, "
                     f"{report.requests_cached} from the store); {t.get('ok', 0)} ok, "
                     f"{len(report.results) - t.get('ok', 0)} not scored (see transport)\n")
    if cap is not None:
        st, rate = cap.summary.statuses, cap.summary.pass_at_1
        stderr.write(f"upstream probe --capability: {len(cap.results)} answers ({cap.requests_sent} requests sent, "
                     f"{cap.requests_cached} from the store); {st.get('passed', 0)} passed, "
                     f"{st.get('failed', 0) + st.get('no-code', 0)} failed, {st.get('not-scored', 0)} not scored; "
                     f"pass@1 {rate.x:g}/{rate.n}\n")


def _color(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def run_classify(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from upstream.probe.offline import classify_records, confusion, render_confusion
    from upstream.probe.suite import load_suite

    items = load_suite(args.suite).by_id() if args.suite != "full" else None
    if args.answers == "-":
        records = list(classify_records(sys.stdin, items))
    else:
        try:
            with open(args.answers, encoding="utf-8", errors="replace") as fh:
                records = list(classify_records(fh, items))
        except OSError as exc:
            raise UsageError(f"cannot read {args.answers}: {exc}") from None
    bad = [r for r in records if "error" in r and "labels" not in r]
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records if "labels" in r)
    _write(text, args.output, stdout)
    for r in bad[:5]:
        stderr.write(f"line {r['line']}: {r['error']}\n")
    conf = confusion(records)
    if conf is not None:
        stderr.write(render_confusion(conf))
    stderr.write(f"upstream probe classify: {len(records) - len(bad)} labelled, {len(bad)} unreadable\n")
    if records and len(bad) == len(records):
        raise UsageError(f"{args.answers}: no readable records")
    return EXIT_OK
