"""The inline stylesheet and script of the HTML report (no external resources)."""

from __future__ import annotations

CSS = """
:root { --fg:#1d2430; --muted:#5b6575; --line:#d8dde6; --bg:#ffffff; --panel:#f6f8fb; --accent:#2f5fd0;
  --crit:#a4161a; --high:#d1495b; --medium:#e28413; --low:#c9a227; --info:#7a8596; --ok:#2d8a4e; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color:var(--fg); background:var(--bg); }
header { padding:18px 28px 12px; border-bottom:1px solid var(--line); background:var(--panel); }
header h1 { margin:0 0 4px; font-size:20px; }
header .meta { color:var(--muted); font-size:12.5px; }
nav { padding:8px 28px; border-bottom:1px solid var(--line); position:sticky; top:0; background:var(--bg); z-index:2; }
nav a { margin-right:18px; color:var(--accent); text-decoration:none; font-weight:600; }
main { padding:8px 28px 40px; max-width:1400px; }
h2 { font-size:17px; margin:26px 0 10px; border-bottom:1px solid var(--line); padding-bottom:4px; }
h3 { font-size:15px; margin:0 0 8px; word-break:break-all; }
.tiles { display:flex; flex-wrap:wrap; gap:12px; margin-top:14px; }
.tile { border:1px solid var(--line); border-radius:8px; padding:10px 14px; min-width:150px; background:var(--panel); }
.tile b { display:block; font-size:22px; }
.tile span { color:var(--muted); font-size:12px; }
.charts { display:flex; flex-wrap:wrap; gap:28px; margin-top:18px; }
.charts figure { margin:0; }
.charts figcaption { font-weight:600; margin-bottom:6px; }
svg.chart text { font-size:12px; fill:var(--fg); }
svg.chart rect { fill:var(--accent); }
.filters { display:flex; flex-wrap:wrap; gap:10px; align-items:center; margin:8px 0 10px; }
.filters input, .filters select { font:inherit; padding:5px 8px; border:1px solid var(--line); border-radius:6px; }
.filters input { min-width:260px; }
table { border-collapse:collapse; width:100%; }
th, td { text-align:left; vertical-align:top; padding:6px 8px; border-bottom:1px solid var(--line); }
th { background:var(--panel); font-size:12.5px; color:var(--muted); }
td.model a { font-weight:600; color:var(--accent); text-decoration:none; word-break:break-all; }
code { font:12.5px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; background:var(--panel); padding:1px 4px;
  border-radius:4px; word-break:break-all; }
.badge { display:inline-block; padding:0 7px; border-radius:10px; font-size:11.5px; font-weight:600; color:#fff;
  background:var(--info); margin-right:4px; white-space:nowrap; }
.badge.known, .badge.pass { background:var(--ok); } .badge.partial { background:var(--medium); }
.badge.unknown, .badge.fail, .badge.dangerous { background:var(--high); }
.badge.safe { background:var(--ok); } .badge.review { background:var(--medium); }
.sev-critical { background:var(--crit); } .sev-high { background:var(--high); }
.sev-medium { background:var(--medium); }
.sev-low { background:var(--low); } .sev-info { background:var(--info); }
.muted { color:var(--muted); }
.cards { display:grid; grid-template-columns:repeat(auto-fill, minmax(560px, 1fr)); gap:16px; }
.card { border:1px solid var(--line); border-radius:10px; padding:14px 16px; background:var(--bg); }
.card:target { outline:3px solid var(--accent); }
section, .card { scroll-margin-top:48px; }
.card dl { display:grid; grid-template-columns:150px 1fr; gap:4px 12px; margin:8px 0; }
.card dt { color:var(--muted); font-size:12.5px; }
.card dd { margin:0; word-break:break-word; }
.card ul { margin:2px 0; padding-left:18px; }
.lineage-box { overflow-x:auto; border:1px dashed var(--line); border-radius:8px; padding:6px; margin:8px 0; }
svg.lineage { max-width:100%; height:auto; display:block; }
svg.lineage text { font-size:12px; fill:var(--fg); }
svg.lineage text.sub, svg.lineage text.rel { font-size:11px; fill:var(--muted); }
svg.lineage text.rel { paint-order:stroke; stroke:var(--bg); stroke-width:4px; }
svg.lineage .node rect { fill:#eef3ff; stroke:var(--accent); }
svg.lineage .node.root rect { fill:#fff4e5; stroke:var(--medium); }
svg.lineage .node.self rect { stroke-width:2; }
svg.lineage line { stroke:var(--muted); stroke-width:1.5; }
svg.lineage marker path { fill:var(--muted); }
tr.ignored td { color:var(--muted); text-decoration:line-through; }
details summary { cursor:pointer; color:var(--accent); }
footer { color:var(--muted); font-size:12px; padding:14px 28px; border-top:1px solid var(--line); }
@media print { nav, .filters { display:none; } .cards { display:block; }
  .card { break-inside:avoid; margin-bottom:12px; } }
"""

JS = """
(function () {
  var q = document.getElementById('q');
  var kind = document.getElementById('f-kind');
  var dev = document.getElementById('f-dev');
  var op = document.getElementById('f-op');
  var count = document.getElementById('shown');
  function apply() {
    var text = q.value.trim().toLowerCase();
    var shown = 0;
    document.querySelectorAll('[data-item]').forEach(function (el) {
      var ok = (!text || el.getAttribute('data-text').indexOf(text) >= 0)
        && (!kind.value || el.getAttribute('data-kinds').split(' ').indexOf(kind.value) >= 0)
        && (!dev.value || el.getAttribute('data-dev') === dev.value)
        && (!op.value || el.getAttribute('data-op') === op.value);
      el.hidden = !ok;
      if (ok && el.tagName === 'TR') { shown += 1; }
    });
    count.textContent = String(shown);
  }
  [q, kind, dev, op].forEach(function (el) {
    el.addEventListener('input', apply);
    el.addEventListener('change', apply);
  });
  apply();
})();
"""
