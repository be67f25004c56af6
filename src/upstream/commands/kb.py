"""`upstream kb validate | show ID | search TEXT | schema`: for people who read and extend the knowledge base."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

import yaml

from upstream.commands import EXIT_OK, EXIT_POLICY
from upstream.errors import UsageError


def register(sub: Any) -> None:
    p = sub.add_parser("kb", help="validate, show and search the knowledge base; export its JSON Schema",
                       description="Read and check the embedded knowledge base (or a copy of its data folder).")
    verbs = p.add_subparsers(dest="kb_command", metavar="VERB")
    v = verbs.add_parser("validate", help="check every record: schema, sources, lineage parents, duplicate aliases")
    v.add_argument("path", nargs="?", help="a data folder to check instead of the embedded one")
    s = verbs.add_parser("show", help="print one record (family, model, organisation, licence, measure, source)")
    s.add_argument("id")
    s.add_argument("-f", "--format", choices=("yaml", "json"), default="yaml")
    q = verbs.add_parser("search", help="records whose id, name or aliases contain TEXT")
    q.add_argument("text")
    sc = verbs.add_parser("schema", help="the JSON Schema of the knowledge-base files")
    sc.add_argument("-o", "--output", help="write to this file instead of stdout")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    verb = getattr(args, "kb_command", None)
    if verb == "schema":
        from upstream.kb.schema import json_schema

        text = json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
        else:
            stdout.write(text)
        return EXIT_OK
    from upstream.kb.loader import default_kb, load_kb

    if verb == "validate":
        return _validate(load_kb(Path(args.path)) if args.path else load_kb(), stdout)
    kb = default_kb()
    if verb == "show":
        record = _find(kb, args.id)
        if record is None:
            raise UsageError(f"no record with id {args.id!r}", hint="try 'upstream kb search TEXT'")
        if args.format == "json":
            stdout.write(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
        else:
            stdout.write(yaml.safe_dump(record, sort_keys=False, allow_unicode=True, width=110))
        return EXIT_OK
    if verb == "search":
        for kind, rid, name in _search(kb, args.text):
            stdout.write(f"{kind:<13} {rid:<45} {name}\n")
        return EXIT_OK
    raise UsageError("kb needs a verb: validate, show, search or schema", hint="see 'upstream kb --help'")


def _validate(kb: Any, stdout: TextIO) -> int:
    from upstream.kb.validate import problems
    from upstream.resolve.selfcheck import self_resolution_problems

    found = problems(kb) + self_resolution_problems(kb)
    for p in found:
        stdout.write(f"problem: {p}\n")
    stdout.write(f"{kb.version}: {len(kb.families)} families, {sum(len(f.models) for f in kb.families.values())} "
                 f"models, {len(kb.organisations)} organisations, {len(kb.licences)} licences, "
                 f"{len(kb.measures)} measures, {len(kb.benchmarks)} benchmark rows, {len(kb.sources)} sources, "
                 f"{len(kb.endpoints.endpoints)} endpoints: {len(found)} problem(s)\n")
    return EXIT_POLICY if found else EXIT_OK


def _find(kb: Any, rid: str) -> dict[str, Any] | None:
    low = rid.lower()
    for table in (kb.families, kb.organisations, kb.licences, kb.sources):
        for key, rec in table.items():
            if key.lower() == low:
                return dict(rec.model_dump(exclude_defaults=True), **({"id": key} if table is kb.sources else {}))
    for fam in kb.families.values():
        for m in fam.models:
            if low in {m.id.lower(), *(a.lower() for a in m.aliases)}:
                return {"family": fam.id, **m.model_dump(exclude_defaults=True)}
    for me in kb.measures:
        if me.id == low:
            return dict(me.model_dump(exclude_defaults=True))
    for ep in kb.endpoints.endpoints:
        if ep.id == low:
            return dict(ep.model_dump(exclude_defaults=True))
    return None


def _search(kb: Any, text: str) -> list[tuple[str, str, str]]:
    t = text.lower()
    out: list[tuple[str, str, str]] = []
    for f in kb.families.values():
        keys = [f.id, f.name, *f.match.prefixes, *f.match.ollama, *f.match.api]
        if any(t in k.lower() for k in keys):
            out.append(("family", f.id, f.name))
        out += [("model", m.id, f.id) for m in f.models if any(t in k.lower() for k in (m.id, *m.aliases))]
    out += [("organisation", o.id, o.name) for o in kb.organisations.values()
            if any(t in k.lower() for k in (o.id, o.name, *o.hf_namespaces))]
    out += [("licence", li.id, li.name) for li in kb.licences.values() if t in li.id or t in li.name.lower()]
    out += [("measure", m.id, m.name) for m in kb.measures if t in m.id or t in m.name.lower()]
    out += [("endpoint", e.id, e.operator) for e in kb.endpoints.endpoints
            if t in e.id or t in e.operator.lower() or any(t in h for h in e.hosts)]
    return out
