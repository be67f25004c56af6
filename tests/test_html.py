"""The HTML report, rendered in headless Chromium and checked for what a person would see.

Chromium is required (Debian: `apt-get install -y chromium`); without it these tests fail, they do not skip.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from golden_support import check_golden, demo_report
from report_fixtures import HOSTILE, edge_reports, sample_report

from upstream.report.html import render_html

PROBE = """
(function () {
  function visible(el) { return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length); }
  function rows() {
    return Array.prototype.filter.call(document.querySelectorAll('#inventory-table tbody tr'), visible)
      .map(function (r) { return r.cells[0].innerText.replace(/\\s*docs only$/, '').trim(); });
  }
  function cards() {
    return Array.prototype.filter.call(document.querySelectorAll('article.card'), visible)
      .map(function (c) { return c.querySelector('h3').innerText; });
  }
  function set(id, value) {
    var el = document.getElementById(id); el.value = value;
    el.dispatchEvent(new Event(el.tagName === 'INPUT' ? 'input' : 'change'));
  }
  var out = {all: rows(), shownAll: document.getElementById('shown').textContent};
  set('q', 'MISTRAL'); out.text = rows(); out.textCards = cards();
  out.shownText = document.getElementById('shown').textContent;
  set('q', ''); set('f-dev', 'CN'); out.dev = rows();
  set('f-dev', ''); set('f-op', 'FR'); out.op = rows();
  set('f-op', ''); set('f-kind', 'artifact'); out.kind = rows(); set('f-kind', '');
  var card = document.getElementById('card-0');
  out.card0 = {title: card.querySelector('h3').innerText, devCountry: card.querySelector('.dev-country').innerText,
    text: card.innerText,
    edges: Array.prototype.map.call(card.querySelectorAll('svg.lineage .edge'), function (e) {
      return [e.getAttribute('data-from'), e.getAttribute('data-to'), e.querySelector('text').textContent,
              visible(e.querySelector('line'))]; })};
  var card1 = document.getElementById('card-1');
  var op1 = card1 && card1.querySelector('.op-country');
  out.card1 = {opCountry: op1 ? op1.innerText : null, text: card1 ? card1.innerText : null};
  out.bars = {};
  ['chart-developer', 'chart-operator'].forEach(function (id) {
    out.bars[id] = Array.prototype.map.call(document.querySelectorAll('#' + id + ' .bar'), function (b) {
      return [b.getAttribute('data-label'), Number(b.getAttribute('data-count')),
              b.querySelector('rect').getBoundingClientRect().width]; });
  });
  out.findings = Array.prototype.map.call(document.querySelectorAll('#findings-table tbody tr'), function (r) {
    return r.innerText.replace(/\\s+/g, ' ').trim(); });
  out.artifacts = document.getElementById('artifacts').innerText;
  out.pwned = (typeof window.__pwned === 'undefined') ? null : window.__pwned;
  out.scripts = document.scripts.length;
  out.images = document.images.length;
  var card2 = document.getElementById('card-2');
  out.hostileTitle = card2 ? card2.querySelector('h3').innerText : null;
  var pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
"""

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
         "--disable-dev-shm-usage", "--window-size=1300,2400"]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("headless Chromium is required for the HTML report tests: apt-get install -y chromium")


def run_chromium(page: Path, tmp_path: Path, *args: str) -> str:
    cmd = [chromium(), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args, page.as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def probe(html: str, tmp_path: Path) -> dict[str, Any]:
    """Load the page with a probe script (allowed by the page's own nonce) and read what it saw."""
    nonce = re.search(r'<script nonce="([^"]+)">', html)
    assert nonce, "the report's script must carry a CSP nonce"
    page = tmp_path / "report.html"
    page.write_text(html.replace("</body>", f'<script nonce="{nonce.group(1)}">{PROBE}</script></body>'))
    dom = run_chromium(page, tmp_path, "--dump-dom")
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert found, "probe did not run: " + dom[-1500:]
    data: dict[str, Any] = json.loads(found.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
    return data


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return probe(render_html(sample_report()), tmp_path_factory.mktemp("html"))


GGUF, API = "acme/R1-Distill-Llama-8B-GGUF", "mistral-large-latest"


def test_filters_hide_rows_and_cards(seen: dict[str, Any]) -> None:
    assert seen["all"] == [GGUF, API, HOSTILE] and seen["shownAll"] == "3"
    assert seen["text"] == [API] and seen["textCards"] == [API] and seen["shownText"] == "1"
    assert seen["dev"] == [GGUF]
    assert seen["op"] == [API]
    assert seen["kind"] == [GGUF]


def test_card_shows_developer_licence_endpoint_and_sources(seen: dict[str, Any]) -> None:
    card = seen["card0"]
    assert card["title"] == GGUF and card["devCountry"] == "CN"
    assert "700M monthly active users need a licence" in card["text"]
    assert "multimodal rights withheld [EU]" in card["text"]
    assert "meta-llama/Llama-3.1-8B (US)" in card["text"] and "deepseek-ai/DeepSeek-R1 (CN)" in card["text"]
    assert "app/llm.py:12" in card["text"]
    assert "1 source(s) (checked 2026-01-01)" in card["text"]
    assert seen["card1"]["opCountry"] == "FR" and "EU (Sweden, France)" in seen["card1"]["text"]


def test_lineage_graph_draws_each_edge_with_its_relation(seen: dict[str, Any]) -> None:
    distill = "deepseek-ai/DeepSeek-R1-Distill-Llama-8B"
    assert sorted(seen["card0"]["edges"]) == sorted([
        [GGUF, distill, "quantized", True],
        [distill, "meta-llama/Llama-3.1-8B", "distilled", True],
        [distill, "deepseek-ai/DeepSeek-R1", "distilled?", True],  # inferred from the name
    ])


def test_country_charts(seen: dict[str, Any]) -> None:
    dev = {label: (n, width) for label, n, width in seen["bars"]["chart-developer"]}
    assert {k: v[0] for k, v in dev.items()} == {"CN": 1, "FR": 1}  # docs-only mentions are not "in use"
    assert all(w > 10 for _, w in dev.values())
    assert [b[0] for b in seen["bars"]["chart-operator"]] == ["FR", "local"]


def test_findings_with_locations_and_artifacts(seen: dict[str, Any]) -> None:
    assert seen["findings"][0].startswith("high developer-country")
    assert "app/llm.py:12" in seen["findings"][0]
    assert "ignored: API model" in seen["findings"][1]
    assert "models/r1.gguf" in seen["artifacts"] and "Q4_K_M" in seen["artifacts"]


def test_hostile_text_is_shown_not_run(seen: dict[str, Any]) -> None:
    assert seen["pwned"] is None
    assert seen["scripts"] == 2  # the report's own and the probe
    assert seen["images"] == 0
    assert seen["hostileTitle"] == HOSTILE


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_self_contained_and_offline() -> None:
    html = render_html(sample_report())
    assert "default-src 'none'" in html
    parser = _Tags()
    parser.feed(html)
    names = [t for t, _ in parser.tags]
    assert not {"link", "img", "iframe", "object", "embed"} & set(names)
    attrs = {a for _, at in parser.tags for a in at}
    assert not {a for a in attrs if a in ("src", "srcset") or a.startswith("on")}, attrs
    scripts = [at for t, at in parser.tags if t == "script"]
    assert len(scripts) == 1 and scripts[0].get("nonce")
    hrefs = [at["href"] for t, at in parser.tags if t == "a" and at.get("href")]
    assert all(h.startswith(("#", "http://", "https://")) for h in hrefs)  # plain links; nothing is loaded


def test_empty_and_unresolved_reports_render() -> None:
    empty = render_html(edge_reports()["empty"])
    assert "No models." in empty and "0 of 0 model(s) shown" in re.sub(r"<[^>]+>", "", empty)
    unresolved = render_html(edge_reports()["unresolved"])
    assert unresolved.count("not resolved (scan run with --no-resolve)") == 3


def test_screenshot_renders(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_html(sample_report()))
    shot = tmp_path / "report.png"
    run_chromium(page, tmp_path, f"--screenshot={shot}")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000  # a blank page compresses to a few kB


def test_demo_app_golden(tmp_path: Path) -> None:
    html = check_golden("html", "demo-app.html")
    assert html.count('class="card"') == len(demo_report().inventory)
    seen = probe(render_html(demo_report()), tmp_path)
    assert seen["all"] == [i.model.canonical for i in demo_report().inventory]
    assert seen["dev"] == [i.model.canonical for i in demo_report().inventory
                           if i.provenance and i.provenance.developer and i.provenance.developer.country == "CN"]
    assert seen["pwned"] is None
