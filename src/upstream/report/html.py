"""A self-contained HTML report: one file with inline CSS, script and SVG charts that opens offline.

Inventory with filters (text, evidence kind, developer country, operator country), a provenance
card per model with its lineage graph, a breakdown by developer and operator country, the findings
with their locations, and the model artifacts. Every value from the report is HTML-escaped, and a
Content-Security-Policy forbids network access and any script but the report's own.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from html import escape
from urllib.parse import urlsplit

from upstream.models import KIND_ORDER, SEVERITY_ORDER, Finding, InventoryItem, Report
from upstream.report import facts, html_probe, html_weigh
from upstream.report.html_assets import CSS, JS
from upstream.report.html_svg import bar_chart, lineage_graph

_NL = "\n"


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _link(url: str | None, text: str | None = None) -> str:
    """A link for http(s) URLs only; anything else is shown as text."""
    if not url:
        return _e(text or "")
    if urlsplit(url).scheme not in ("http", "https"):
        return _e(text or url)
    return f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(text or url)}</a>'


def dev_country(item: InventoryItem) -> str:
    dev = item.provenance.developer if item.provenance else None
    return dev.country if dev and dev.country else "unknown"


def op_country(item: InventoryItem) -> str:
    ep = item.endpoint
    if ep is None:
        return "unknown"
    return ep.operator_country or ("local" if ep.local else "unknown")


def _loc(path: str, line: int | None) -> str:
    return f"<code>{_e(path)}{':' + str(line) if line else ''}</code>"


def _badge(text: str, cls: str) -> str:
    return f'<span class="badge {_e(cls)}">{_e(text)}</span>'


def _findings_of(report: Report, item: InventoryItem) -> list[Finding]:
    return [f for f in report.findings if f.item == item.id]


def _filter_attrs(item: InventoryItem) -> str:
    prov = item.provenance
    words = [item.model.canonical, item.model.raw, item.id, dev_country(item), op_country(item)]
    if prov and prov.developer:
        words.append(prov.developer.name)
    if item.endpoint and item.endpoint.operator:
        words.append(item.endpoint.operator)
    if prov and prov.licence:
        words.append(prov.licence.spdx or prov.licence.name)
    words += [e.path for e in item.evidence]
    return (f'data-item data-kinds="{_e(" ".join(item.kinds))}" data-dev="{_e(dev_country(item))}" '
            f'data-op="{_e(op_country(item))}" data-text="{_e(" ".join(dict.fromkeys(words)).lower())}"')


def _header(report: Report) -> str:
    decision = _badge(f"policy: {report.policy.decision}", report.policy.decision) if report.policy else ""
    incomplete = _badge("incomplete scan", "unknown") if not report.complete else ""
    return (f"<header><h1>AI models in <code>{_e(report.root)}</code> {decision}{incomplete}</h1>"
            f'<div class="meta">upstream {_e(report.tool_version)} · report schema {_e(report.schema_version)} · '
            f"knowledge base {_e(report.kb_version or 'none')} · generated {_e(report.generated_at)} · "
            f"{report.stats.files_scanned} of {report.stats.files_seen} files read</div></header>"
            '<nav><a href="#overview">Overview</a><a href="#inventory">Inventory</a><a href="#cards">Provenance</a>'
            + ('<a href="#weigh">Weigh</a>' if report.weigh else "")
            + '<a href="#findings">Findings</a><a href="#artifacts">Artifacts</a></nav>')


def _overview(report: Report, used: list[InventoryItem]) -> str:
    sev = Counter(f.severity for f in report.findings if not f.ignored)
    tiles = [(len(used), "models in use"), (len(report.inventory) - len(used), "mentioned in docs only"),
             (len({dev_country(i) for i in used}), "developer countries"),
             (len({op_country(i) for i in used}), "operator countries"),
             (sum(sev.values()), "open findings" + (" (" + ", ".join(f"{sev[s]} {s}" for s in SEVERITY_ORDER
                                                                     if sev[s]) + ")" if sev else ""))]
    dev = sorted(Counter(dev_country(i) for i in used).items(), key=lambda kv: (-kv[1], kv[0]))
    op = sorted(Counter(op_country(i) for i in used).items(), key=lambda kv: (-kv[1], kv[0]))
    return ('<section id="overview"><h2>Overview</h2><div class="tiles">'
            + "".join(f'<div class="tile"><b>{n}</b><span>{_e(t)}</span></div>' for n, t in tiles)
            + '</div><div class="charts">'
            f"<figure><figcaption>Models in use by developer country</figcaption>"
            f"{bar_chart('Models in use by developer country', dev, 'chart-developer')}</figure>"
            f"<figure><figcaption>Models in use by endpoint operator country</figcaption>"
            f"{bar_chart('Models in use by endpoint operator country', op, 'chart-operator')}</figure>"
            "</div></section>\n")


def _options(values: Sequence[str]) -> str:
    return "".join(f'<option value="{_e(v)}">{_e(v)}</option>' for v in values)


def _inventory(report: Report) -> str:
    items = report.inventory
    kinds = [k for k in KIND_ORDER if any(k in i.kinds for i in items)]
    devs = sorted({dev_country(i) for i in items})
    ops = sorted({op_country(i) for i in items})
    rows = []
    for n, item in enumerate(items):
        prov = item.provenance
        dev = prov.developer if prov else None
        ep = item.endpoint
        served = f"{_e(ep.operator or ep.host or ep.url or '?')} ({_e(op_country(item))})" if ep else "-"
        status = _badge(prov.status, prov.status) if prov else _badge("not resolved", "unknown")
        lic = _e(prov.licence.spdx or prov.licence.name) if prov and prov.licence else "-"
        nf = len([f for f in _findings_of(report, item) if not f.ignored])
        docs = " " + _badge("docs only", "info") if item.docs_only else ""
        rows.append(
            f"<tr {_filter_attrs(item)}>"
            f'<td class="model"><a href="#card-{n}">{_e(item.model.canonical)}</a>{docs}</td>'
            f"<td>{_e(dev.name) if dev else '-'} ({_e(dev_country(item))})</td><td>{served}</td><td>{lic}</td>"
            f"<td>{status}</td><td>{_e(', '.join(item.kinds))}</td><td>{nf or ''}</td></tr>")
    return ('<section id="inventory"><h2>Inventory</h2><div class="filters">'
            '<input id="q" type="search" placeholder="Filter: model, organisation, licence, file…" '
            'aria-label="text filter">'
            '<select id="f-kind" aria-label="evidence kind"><option value="">any kind</option>'
            f"{_options(kinds)}</select>"
            f'<select id="f-dev" aria-label="developer country"><option value="">any developer country</option>'
            f"{_options(devs)}</select>"
            f'<select id="f-op" aria-label="operator country"><option value="">any operator country</option>'
            f"{_options(ops)}</select>"
            f'<span class="muted"><b id="shown">{len(items)}</b> of {len(items)} model(s) shown</span></div>'
            '<table id="inventory-table"><thead><tr><th>Model</th><th>Developer (country)</th>'
            "<th>Served by (country)</th><th>Licence</th><th>Provenance</th><th>Evidence</th><th>Findings</th>"
            f"</tr></thead><tbody>\n{_NL.join(rows)}\n</tbody></table></section>\n")


def _dl(rows: list[tuple[str, str]]) -> str:
    return "<dl>" + "".join(f"\n<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in rows if v) + "\n</dl>"


def _card(report: Report, n: int, item: InventoryItem) -> str:
    prov, ep = item.provenance, item.endpoint
    rows: list[tuple[str, str]] = []
    if prov is None:
        rows.append(("Provenance", "not resolved (scan run with --no-resolve)"))
    else:
        dev = prov.developer
        rows.append(("Provenance", f"{_badge(prov.status, prov.status)} confidence {prov.confidence:g} "
                                   f"<span class='muted'>({_e(prov.resolver)})</span>"))
        if prov.family_name:
            rows.append(("Family", _e(prov.family_name)))
        if dev is not None:
            extra = "".join(f"<li>{_e(x)}</li>" for x in [dev.type, dev.ownership, dev.state_ties, *dev.listings] if x)
            rows.append(("Developer", f'{_e(dev.name)} — <b class="dev-country">{_e(dev.country or "unknown")}</b>'
                                      + (f"<ul>{extra}</ul>" if extra else "")))
        else:
            rows.append(("Developer", '<b class="dev-country">unknown</b>'))
        if prov.roots:
            rows.append(("Lineage roots", ", ".join(
                f"{_e(facts.display_name(r.model))} ({_e(r.developer.country if r.developer else '?')})"
                for r in prov.roots)))
        if prov.licence:
            lic = prov.licence
            restr = "".join(f"<li><b>{_e(r.kind)}</b>: {_e(r.text)}"
                            + (f" [{_e(', '.join(r.territories))}]" if r.territories else "") + "</li>"
                            for r in lic.restrictions)
            rows.append(("Licence", f"{_link(lic.url, lic.name)} <span class='muted'>({_e(lic.category)})</span>"
                                    + (f"<ul class='restrictions'>{restr}</ul>" if restr else "")))
        if prov.other_licences:
            rows.append(("Other licences in the family", ", ".join(_link(x.url, x.name) for x in prov.other_licences)))
        if prov.open_weights is not None:
            ow = prov.open_weights
            rows.append(("Open weights", "partly" if ow == "partial" else "yes" if ow else "no"))
        if prov.training_data:
            td = prov.training_data
            rows.append(("Training data", f"<b>{_e(td.level)}</b>" + (f" — {_e(td.note)}" if td.note else "")))
        if prov.jurisdiction_notes:
            notes = "".join(f"<li>{_e(j.name)} <span class='muted'>({_e(j.why)})</span></li>"
                            for j in prov.jurisdiction_notes)
            rows.append(("Jurisdiction", f"<details><summary>{len(prov.jurisdiction_notes)} law(s), listing(s) or "
                                         f"measure(s)</summary><ul>{notes}</ul></details>"))
    if ep is not None:
        flags = " (implied by the SDK or route: no URL written)" if ep.implied else ""
        parent = f", parent in {_e(ep.parent_country)}" if ep.parent_country else ""
        rows.append(("Endpoint operator", f'{_e(ep.operator or ep.host or "?")} — <b class="op-country">'
                                          f"{_e(op_country(item))}</b>{parent}{_e(flags)}"))
        if ep.url:
            rows.append(("Endpoint URL", f"<code>{_e(ep.url)}</code>"))
        if ep.data_processing:
            rows.append(("Data processing", _e(ep.data_processing)))
    ev = "".join(f"<li>{_loc(x.path, x.line)} <span class='muted'>{_e(x.kind)}</span> {_e(x.snippet)}</li>"
                 for x in item.evidence)
    rows.append(("Evidence", f"<ul class='evidence'>{ev}</ul>"))
    found = _findings_of(report, item)
    if found:
        rows.append(("Findings", "<ul>" + "".join(
            f"<li>{_badge(f.severity, 'sev-' + f.severity)} <code>{_e(f.rule)}</code> {_e(f.message)}</li>"
            for f in found) + "</ul>"))
    if prov is not None:
        src = "".join(f"<li>{_link(s.url, s.title)}{' — ' + _e(s.date) if s.date else ''}</li>" for s in prov.sources)
        more = f"<p class='muted'>Not verified: {_e('; '.join(prov.unverified))}</p>" if prov.unverified else ""
        checked = f" <span class='muted'>(checked {_e(prov.checked)})</span>" if prov.checked else ""
        rows.append(("Sources", f"<details><summary>{len(prov.sources)} source(s){checked}</summary>"
                                f"<ul>{src}</ul>{more}</details>"))
    return (f'<article class="card" id="card-{n}" {_filter_attrs(item)}><h3>{_e(item.model.canonical)}</h3>'
            f'{_dl(rows)}<div class="lineage-box">{lineage_graph(item, n)}</div>{html_probe.section(item)}</article>')


def _findings(report: Report) -> str:
    if report.policy is None and not report.findings:
        return '<section id="findings"><h2>Findings</h2><p class="muted">No policy was applied.</p></section>'
    head = ""
    if report.policy is not None:
        pol = report.policy
        head = (f"<p>Policy <code>{_e(pol.source)}</code>{' (profile ' + _e(pol.profile) + ')' if pol.profile else ''}"
                f": {_badge(pol.decision, pol.decision)} fails on {_e(pol.fail_on)} or worse.</p>")
        for label, ids in (("Unused ignores", pol.unused_ignores), ("Expired ignores", pol.expired_ignores)):
            if ids:
                head += f"<p>{label}: " + ", ".join(f"<code>{_e(i)}</code>" for i in ids) + "</p>"
    order = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    rows = []
    for f in sorted(report.findings, key=lambda f: (f.ignored, order[f.severity], f.rule)):
        where = "<br>".join(_loc(loc.path, loc.line) for loc in f.locations) or "-"
        note = f"<br><span class='muted'>ignored: {_e(f.ignore_reason or '')}</span>" if f.ignored else ""
        rows.append(f'<tr class="{"ignored" if f.ignored else ""}"><td>{_badge(f.severity, "sev-" + f.severity)}</td>'
                    f"<td><code>{_e(f.rule)}</code></td><td>{_e(f.model or f.item or '-')}</td>"
                    f"<td>{_e(f.message)}{note}</td><td>{where}</td></tr>")
    table = ('<table id="findings-table"><thead><tr><th>Severity</th><th>Rule</th><th>Model</th><th>Message</th>'
             f"<th>Locations</th></tr></thead><tbody>\n{_NL.join(rows)}\n</tbody></table>" if rows
             else "<p>No findings.</p>")
    return f'<section id="findings"><h2>Findings</h2>{head}{table}</section>\n'


def _artifacts(report: Report) -> str:
    if not report.artifacts:
        return '<section id="artifacts"><h2>Artifacts</h2><p class="muted">No model files in the tree.</p></section>'
    rows = []
    for a in report.artifacts:
        ident = a.identity.canonical or a.identity.name or "?"
        probs = "".join(f"<li>{_e(f.severity)}: {_e(f.message)}</li>" for f in a.findings)
        rows.append(f"<tr><td>{_loc(a.path, None)}</td><td>{_e(a.format)}</td><td>{_e(ident)} "
                    f"<span class='muted'>({_e(a.identity.confidence)})</span></td>"
                    f"<td>{_e(a.architecture or '-')}</td><td>{_e(a.size_label or a.parameters or '-')}</td>"
                    f"<td>{_e(a.quantization or '-')}</td><td>{_badge(a.safety.verdict, a.safety.verdict)}</td>"
                    f"<td><ul>{probs}</ul></td></tr>")
    return ('<section id="artifacts"><h2>Artifacts</h2><table id="artifacts-table"><thead><tr><th>Path</th>'
            "<th>Format</th><th>Identity</th><th>Architecture</th><th>Size</th><th>Quantization</th>"
            f"<th>Safety</th><th>Notes</th></tr></thead><tbody>\n{_NL.join(rows)}\n</tbody></table></section>\n")


def render_html(report: Report, color: bool = False) -> str:
    """The whole report as one HTML page."""
    used = [i for i in report.inventory if not i.docs_only]
    nonce = hashlib.sha256(f"{report.generated_at}{report.root}".encode()).hexdigest()[:24]
    csp = f"default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; img-src data:"
    cards = "\n".join(_card(report, n, item) for n, item in enumerate(report.inventory))
    sdks = ", ".join(f"{_e(s.name)} ({_e(s.ecosystem)})" for s in report.sdks) or "none"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>upstream report: {_e(report.root)}</title>"
        f"<style>{CSS}{html_weigh.CSS}{html_probe.CSS}</style></head><body>"
        f"{_header(report)}\n<main>{_overview(report, used)}{_inventory(report)}"
        f'<section id="cards"><h2>Provenance</h2><div class="cards">\n{cards or "<p>No models.</p>"}\n'
        "</div></section>\n"
        f"{html_weigh.section(report)}{_findings(report)}{_artifacts(report)}</main>"
        f"<footer>AI SDKs declared as dependencies: {sdks}. {len(report.skipped)} path(s) skipped. "
        "Countries are ISO 3166-1 codes; “local” means served from the team's own machine or process.</footer>"
        f'<script nonce="{nonce}">{JS}</script></body></html>\n')
