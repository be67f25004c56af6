"""SARIF 2.1.0 for code scanning: every rule's metadata, one result per policy finding, stable fingerprints.

Paths are made relative to the repository root under `%SRCROOT%`: evidence paths are relative to the scanned
root, so the root as given on the command line (relative, as CI runs it from the checkout) is put in front,
and GitHub's `/github/workspace/` prefix is dropped. Suppressed results are the findings an `[[ignore]]`
covers, with its reason as the justification.
"""

from __future__ import annotations

import json
import posixpath
from typing import Any
from urllib.parse import quote

from upstream import __version__
from upstream.models import SEVERITY_ORDER, Finding, Location, Report, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/upstream-ai/upstream"
DOCS_URI = f"{INFORMATION_URI}/blob/main/docs/policy.md"
LEVEL: dict[Severity, str] = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub's bands: critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9 (only for rules tagged "security").
SECURITY_SEVERITY: dict[Severity, str] = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
_MAX_RELATED = 20
_WORKSPACE = "/github/workspace/"


def _base(root: str) -> str:
    """The scanned root relative to the repository root ("" when it is the repository root or unknown)."""
    r = root.replace("\\", "/")
    if r.startswith(_WORKSPACE) or r.rstrip("/") == _WORKSPACE.rstrip("/"):
        r = r[len(_WORKSPACE):]
    elif r.startswith("/") or (len(r) > 1 and r[1] == ":"):
        return ""  # absolute: paths stay relative to the scanned root
    r = posixpath.normpath(r) if r else "."
    return "" if r == "." or r.startswith("../") or r == ".." else r


def repo_path(root: str, path: str) -> str:
    """A location path (relative to the scanned root) relative to the repository root."""
    base = _base(root)
    if not base:
        return path
    if base == path or base.endswith("/" + path):
        return base  # the root was this file
    return f"{base}/{path}"


def _physical(root: str, loc: Location) -> dict[str, Any]:
    line = loc.line if loc.line and loc.line > 0 and loc.cell is None else 1
    return {"artifactLocation": {"uri": quote(repo_path(root, loc.path), safe="/"), "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": line}}


def _location_message(loc: Location) -> str:
    if loc.cell is not None:
        return f"notebook cell {loc.cell}" + (f", line {loc.line}" if loc.line else "")
    return ""


def _rule_descriptor(rule: Any, severity: Severity) -> dict[str, Any]:
    from upstream.policy.docs import rule_markdown

    doc = rule_markdown(rule)
    props: dict[str, Any] = {"tags": list(rule.tags), "precision": "high"}
    if "security" in rule.tags and severity in SECURITY_SEVERITY:
        props["security-severity"] = SECURITY_SEVERITY[severity]
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": " ".join(rule.checks.replace("`", "").split())},
        "help": {"text": doc, "markdown": doc},
        "helpUri": f"{DOCS_URI}#{rule.id}",
        "defaultConfiguration": {"level": LEVEL[severity]},
        "properties": props,
    }


def _rule_severity(rule: Any, findings: list[Finding]) -> Severity:
    """The severity the rule's findings carry in this report (the highest), else its default."""
    own = [f.severity for f in findings if f.rule == rule.id]
    return min(own, key=SEVERITY_ORDER.index) if own else rule.default_severity


def _anchor(report: Report) -> Location | None:
    """Where to pin a finding that has no location of its own: the policy file, when it is one."""
    src = report.policy.source if report.policy else ""
    path = src.removesuffix(" [tool.upstream]")
    if not path or path.startswith(("profile:", "/", "..")):
        return None
    base = _base(report.root)
    if base and path.startswith(base + "/"):
        path = path[len(base) + 1:]
    return Location(path=path, line=1)


def _result(report: Report, f: Finding, index: int) -> dict[str, Any] | None:
    locs = f.locations or ([a] if (a := _anchor(report)) is not None else [])
    if not locs:
        return None
    first = {"physicalLocation": _physical(report.root, locs[0])}
    if (note := _location_message(locs[0])):
        first["message"] = {"text": note}
    out: dict[str, Any] = {
        "ruleId": f.rule, "ruleIndex": index, "level": LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [first],
        "partialFingerprints": {"primaryLocationLineHash": f.fingerprint, "upstreamFindingHash/v1": f.fingerprint},
        "properties": {"severity": f.severity, "confidence": f.confidence, "model": f.model, "item": f.item},
    }
    related = [{"id": n, "physicalLocation": _physical(report.root, loc),
                "message": {"text": _location_message(loc) or f"{f.model or 'the model'} is also referenced here"}}
               for n, loc in enumerate(locs[1:1 + _MAX_RELATED], start=1)]
    if related:
        out["relatedLocations"] = related
    if f.ignored:
        sup: dict[str, Any] = {"kind": "external", "status": "accepted", "justification": f.ignore_reason or ""}
        if f.ignore_expires:
            sup["properties"] = {"expires": f.ignore_expires}
        out["suppressions"] = [sup]
    return out


def _notifications(report: Report, dropped: list[Finding]) -> list[dict[str, Any]]:
    notes = []
    if report.policy is None:
        notes.append(("note", "no policy applied: add upstream.toml or [tool.upstream], or pass --policy/--profile"))
    else:
        notes += [("warning", f"expired ignore (no longer applies): {x}") for x in report.policy.expired_ignores]
        notes += [("warning", f"unused ignore (matches no finding): {x}") for x in report.policy.unused_ignores]
    notes += [("warning", f"finding without a location in the repository: {f.rule}: {f.message}") for f in dropped]
    if not report.complete:
        notes.append(("warning", "the scan is incomplete: some files could not be read or parsed"))
    return [{"level": level, "message": {"text": text}} for level, text in notes]


def render_sarif(report: Report, color: bool = False) -> str:
    from upstream.policy.rules import RULES

    index = {r.id: n for n, r in enumerate(RULES)}
    results, dropped = [], []
    for f in report.findings:
        r = _result(report, f, index.get(f.rule, -1))
        if r is None:
            dropped.append(f)
        else:
            results.append(r)
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "upstream", "version": report.tool_version or __version__, "semanticVersion": report.tool_version,
            "informationUri": INFORMATION_URI,
            "rules": [_rule_descriptor(r, _rule_severity(r, report.findings)) for r in RULES],
        }},
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": _notifications(report, dropped)}],
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {
            "decision": report.policy.decision if report.policy else None,
            "policy": report.policy.source if report.policy else None,
            "failOn": report.policy.fail_on if report.policy else None,
            "kbVersion": report.kb_version,
            "complete": report.complete,
        },
    }
    doc = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
