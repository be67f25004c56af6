"""The weigh views: the frontier chart (SVG, PNG), the terminal and Markdown text, the HTML section and the
CycloneDX performance metrics, all read from one WeighOutcome built by hand (tests/weigh_fixtures.py)."""

from __future__ import annotations

import dataclasses
import json
import re
import struct
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from report_fixtures import sample_report
from weigh_fixtures import hostile_outcome, weigh_outcome, weigh_report

from upstream.errors import UsageError
from upstream.models import WeighOutcome
from upstream.report.cyclonedx import render_cyclonedx
from upstream.report.html_weigh import CSS, section
from upstream.report.weigh_text import render_weigh_text, weigh_markdown
from upstream.weigh.chart import frontier_svg, write_chart

SVG = "{http://www.w3.org/2000/svg}"


def _svg(outcome: WeighOutcome) -> ET.Element:
    return ET.fromstring(frontier_svg(outcome))


def _points(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if "point" in (g.get("class") or "").split()]


# --------------------------------------------------------------------------- SVG


def test_svg_has_a_point_per_model_with_its_tooltip() -> None:
    outcome = weigh_outcome()
    root = _svg(outcome)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    ids = {el.get("id") for el in root.iter()}
    assert set((root.get("aria-labelledby") or "").split()) <= ids  # the accessible name and description exist
    points = _points(root)
    assert sorted(g.get("data-name") or "" for g in points) == sorted(p.name for p in outcome.frontier)
    for g in points:
        title = g.find(f"{SVG}title")
        assert title is not None and (g.get("data-name") or "") in (title.text or "")
        assert re.search(r"risk \d\.\d\d", title.text or "")


def test_svg_positions_follow_risk_and_capability() -> None:
    outcome = weigh_outcome()
    root = _svg(outcome)
    at = {}
    for g in _points(root):
        marks = [el for el in g if el.tag in (f"{SVG}circle", f"{SVG}polygon") and el.get("class") != "in-use-ring"]
        el = marks[0]
        if el.tag == f"{SVG}circle":
            x, y = float(el.get("cx") or 0), float(el.get("cy") or 0)
        else:
            pts = [tuple(map(float, p.split(","))) for p in (el.get("points") or "").split()]
            x, y = pts[0][0], (pts[0][1] + pts[2][1]) / 2
        at[g.get("data-name")] = (x, y)
    by_name = {p.name: p for p in outcome.frontier}
    names = sorted(at)
    for a in names:
        for b in names:
            pa, pb = by_name[a], by_name[b]
            if pa.risk < pb.risk:
                assert at[a][0] < at[b][0]
            if pa.capability > pb.capability:
                assert at[a][1] < at[b][1]  # higher capability is drawn higher up


def test_svg_frontier_is_a_step_line_through_the_frontier_points() -> None:
    outcome = weigh_outcome()
    root = _svg(outcome)
    lines = [p for p in root.iter(f"{SVG}path") if p.get("class") == "frontier-line"]
    assert len(lines) == 1
    d = lines[0].get("d") or ""
    on = [p for p in outcome.frontier if p.on_frontier and p.benchmark == outcome.benchmark]
    assert d.startswith("M") and d.count("H") == d.count("V") == len(on) - 1
    xs = [float(v) for v in re.findall(r"H([\d.]+)", d)]
    assert xs == sorted(xs)  # risk only grows along the frontier
    classes = {g.get("data-name"): (g.get("class") or "").split() for g in _points(root)}
    assert {n for n, c in classes.items() if "frontier" in c} == {p.name for p in outcome.frontier if p.on_frontier}
    # the measured runs have one frontier point here: no line of their own yet
    assert not [p for p in root.iter(f"{SVG}path") if p.get("class") == "own-frontier-line"]


def test_svg_measured_runs_get_their_own_dashed_frontier() -> None:
    outcome = weigh_outcome()
    points = [dataclasses.replace(p, risk=0.25, on_frontier=True) if p.measured and not p.on_frontier else p
              for p in outcome.frontier]
    root = _svg(dataclasses.replace(outcome, frontier=points))
    own = [p for p in root.iter(f"{SVG}path") if p.get("class") == "own-frontier-line"]
    assert len(own) == 1 and own[0].get("stroke-dasharray") and (own[0].get("d") or "").count("V") == 1
    keys = [g.get("data-key") for g in root.iter(f"{SVG}g") if g.get("class") == "key"]
    assert "own-frontier" in keys
    tips = [t.text or "" for g in _points(root) if "measured" in (g.get("class") or "") for t in g.iter(f"{SVG}title")]
    assert tips and all("pass@1 on upstream-coding" in t and "its own frontier" in t for t in tips)


def test_svg_on_a_rating_axis_leaves_out_percentages() -> None:
    outcome = weigh_outcome()
    rated = [dataclasses.replace(p, benchmark="codeforces", capability=2029.0 - i * 50) if not p.measured else p
             for i, p in enumerate(outcome.frontier)]
    root = _svg(dataclasses.replace(outcome, benchmark="codeforces", frontier=rated))
    names = {g.get("data-name") for g in _points(root)}
    assert names == {p.name for p in rated if not p.measured}


def test_svg_marks_in_use_failing_and_measured_points() -> None:
    outcome = weigh_outcome()
    root = _svg(outcome)
    labels = [t.text for g in root.iter(f"{SVG}g") if g.get("class") == "labels" for t in g]
    by_name = {g.get("data-name"): g for g in _points(root)}
    for p in outcome.frontier:
        g = by_name[p.name]
        kinds = {(el.tag.replace(SVG, ""), el.get("class")) for el in g}
        assert (("path", "fails") in kinds) == (p.passes_policy is False), p.name
        assert (("circle", "in-use-ring") in kinds) == p.in_use, p.name
        assert any(t == "polygon" for t, _ in kinds) == p.measured, p.name
        if p.in_use:
            assert (p.name.split(" @ ")[0] + " · measured" if p.measured else p.name) in labels
    keys = [g.get("data-key") for g in root.iter(f"{SVG}g") if g.get("class") == "key"]
    assert {"frontier", "in-use", "fails", "measured", "hollow"} <= set(keys)


def test_svg_axes_cover_the_data_and_name_the_benchmark() -> None:
    outcome = weigh_outcome()
    root = _svg(outcome)
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert any("LiveCodeBench score" in t for t in texts)
    assert any(t.startswith("provenance risk") for t in texts)
    axes = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "axes")
    ticks = [float(t.text or "") for t in axes.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    caps = [p.capability for p in outcome.frontier]
    assert min(ticks) <= min(caps) and max(ticks) >= max(caps)
    assert [t.text for t in axes.iter(f"{SVG}text") if t.get("text-anchor") == "middle"][:6] == [
        "0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]


def test_svg_is_deterministic_and_script_free() -> None:
    text = frontier_svg(weigh_outcome())
    assert text == frontier_svg(weigh_outcome())
    root = ET.fromstring(text)
    for el in root.iter():
        assert el.tag.replace(SVG, "") not in ("script", "foreignObject", "a", "image")
        assert not any(k.lower().startswith("on") or "href" in k for k in el.attrib)


def test_svg_escapes_hostile_names() -> None:
    outcome = hostile_outcome()
    text = frontier_svg(outcome)
    root = ET.fromstring(text)  # control characters dropped, markup escaped: still well-formed XML
    assert "<script" not in text and "<img" not in text and "\x00" not in text
    names = {g.get("data-name") or "" for g in _points(root)}
    assert any(n.startswith('<script>window.__pwned=1</script>"><img') for n in names)
    assert not [el for el in root.iter() if el.tag.replace(SVG, "") in ("script", "img")]


def test_svg_without_points_still_draws_axes_and_says_why() -> None:
    root = _svg(dataclasses.replace(weigh_outcome(), frontier=[]))
    assert not _points(root)
    assert any("No model has a LiveCodeBench score" in (t.text or "") for t in root.iter(f"{SVG}text"))


# --------------------------------------------------------------------------- files


def test_write_chart_svg(tmp_path: Path) -> None:
    out = tmp_path / "frontier.SVG"
    write_chart(weigh_outcome(), out)
    data = out.read_text(encoding="utf-8")
    assert data.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert len(_points(ET.fromstring(data.encode()))) == len(weigh_outcome().frontier)


def test_write_chart_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "frontier.png"
    write_chart(weigh_outcome(), str(out))
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1520, 960)  # 760x480 at 2x
    assert len(data) > 20_000  # a drawn chart, not a blank canvas
    write_chart(hostile_outcome(), tmp_path / "hostile.png")  # '$' and markup are text, not mathtext
    again = tmp_path / "again.png"
    write_chart(weigh_outcome(), again)
    assert again.read_bytes() == data


def test_png_without_matplotlib_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(UsageError) as err:
        write_chart(weigh_outcome(), tmp_path / "frontier.png")
    assert "matplotlib" in str(err.value) and "upstream[charts]" in err.value.hint
    assert not (tmp_path / "frontier.png").exists()


@pytest.mark.parametrize("name", ["frontier.pdf", "frontier", "frontier.svg.txt"])
def test_other_suffixes_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(UsageError, match=r"\.svg or \.png"):
        write_chart(weigh_outcome(), tmp_path / name)
    assert not (tmp_path / name).exists()


def test_unwritable_chart_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot write the chart"):
        write_chart(weigh_outcome(), tmp_path / "missing" / "frontier.svg")


# --------------------------------------------------------------------------- text and Markdown


def _blocks(text: str, subjects: list[str]) -> dict[str, str]:
    """The text of each model's block, from its heading to the next one."""
    starts = [text.index(s) for s in subjects]
    ends = [*starts[1:], len(text)]
    return {s: text[a:b] for s, a, b in zip(subjects, starts, ends, strict=True)}


def test_text_shows_every_factor_for_every_model() -> None:
    outcome = weigh_outcome()
    text = render_weigh_text(outcome)
    assert "\x1b" not in text
    blocks = _blocks(text, ["\ndeepseek-chat", "\nacme/R1-Distill", "\nmistral-large-latest  ("])
    for a, block in zip(outcome.assessments, blocks.values(), strict=True):
        r = a.risk
        assert f"Risk {r.score:.2f} [{r.low:.2f}–{r.high:.2f}] {r.level}" in block
        for f in r.factors:
            line = next(x for x in block.splitlines() if x.strip().startswith(f.name))
            assert f.reason in line and f"{f.weight:g}" in line
            if f.status == "unknown":
                assert "unknown" in line and "0.00" not in line
            elif f.status == "not-applicable":
                assert "not applicable" in line
            else:
                assert f"{f.value:.2f}" in line


def test_text_capability_measured_and_alternatives() -> None:
    text = render_weigh_text(weigh_outcome())
    rows = [x for x in text.splitlines() if "Aider polyglot (pass_rate_2, %)" in x]
    assert rows and "70.2" in rows[0] and "independent" in rows[0] and "2025-10-03" in rows[0]
    lcb = next(x for x in text.splitlines() if x.strip().startswith("LiveCodeBench  "))
    assert "74.1" in lcb and "vendor-reported" in lcb
    assert "measured pass@1 · upstream-coding 1.0 (2026-02-01) · all: 0.62 [0.49–0.73] n=60" in text
    assert "hard: insufficient (n=3)" in text
    assert "sci" not in text.split()  # a behaviour run is not capability
    assert "LiveCodeBench 71.1 vs 74.1 (-3.0)" in text
    assert "Replacing deepseek-chat with NVIDIA Nemotron Nano 9B v2 keeps 71.1 of 74.1" in text
    assert "none with lower risk that the policy allows" in text


def test_text_colour_only_when_asked_and_no_terminal_escapes_from_data() -> None:
    assert "\x1b[" in render_weigh_text(weigh_outcome(), color=True)
    hostile = render_weigh_text(hostile_outcome())
    assert "\x1b" not in hostile and "\x00" not in hostile
    coloured = render_weigh_text(hostile_outcome(), color=True)
    assert "\x1b[31m\x00" not in coloured and "?[31m" in coloured


def _md_cells(row: str) -> int:
    return len(re.split(r"(?<!\\)\|", row.strip())) - 2


def test_markdown_tables_every_factor_and_unknown() -> None:
    outcome = weigh_outcome()
    md = weigh_markdown(outcome)
    for a in outcome.assessments:
        part = md.split(f"#### {a.subject}", 1)[1].split("\n#### ", 1)[0]
        for f in a.risk.factors:
            row = next(x for x in part.splitlines() if x.startswith(f"| {f.name} |"))
            if f.status == "unknown":
                assert "| **unknown** |" in row
    for block in md.split("\n\n"):
        rows = [x for x in block.splitlines() if x.startswith("|")]
        assert len({_md_cells(x) for x in rows}) <= 1, block  # every row of a table has the same columns
    link = "[DeepSeek-V3.2-Exp README (first commit 2025-09-29)](https://github.com/deepseek-ai/DeepSeek-V3.2-Exp)"
    assert link in md
    assert "file:///etc/passwd" not in md  # only http(s) sources become links
    assert "| upstream-coding 1.0 (2026-02-01) | all | 0.62 | 0.49–0.73 | 60 |" in md


def test_markdown_escapes_and_respects_a_limit() -> None:
    md = weigh_markdown(hostile_outcome())
    assert not re.search(r"(?<!\\)<(script|img)", md) and "\x00" not in md  # markup only backslash-escaped
    full = weigh_markdown(weigh_outcome())
    for limit in (200, 3000, 6000, len(full) - 1):
        short = weigh_markdown(weigh_outcome(), limit=limit)
        assert len(short) <= limit and ("not shown" in short or "does not fit" in short), limit
    cut = weigh_markdown(weigh_outcome(), limit=full.index("#### mistral-large-latest") + 650)
    assert "#### acme/R1" in cut and "more model(s) not shown (size limit): mistral-large-latest" in cut
    assert weigh_markdown(weigh_outcome(), limit=len(full)) == full


# --------------------------------------------------------------------------- HTML


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.unclosed_errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in ("br", "circle", "path", "rect", "line", "polygon", "img", "input", "meta"):
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.unclosed_errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def _parse(html: str) -> _Tags:
    p = _Tags()
    p.feed(html)
    p.close()
    assert not p.unclosed_errors and not p.stack, (p.unclosed_errors, p.stack)
    return p


def test_html_section_has_chart_cards_and_tables() -> None:
    report = weigh_report()
    html = section(report)
    tags = _parse(html).tags
    assert tags[0] == ("section", {"id": "weigh"})
    assert sum(1 for t, a in tags if t == "svg" and a.get("class") == "frontier") == 1
    cards = [a for t, a in tags if t == "article" and "weigh-card" in (a.get("class") or "")]
    assert [c["data-subject"] for c in cards] == [a.subject for a in report.weigh.assessments]  # type: ignore[union-attr]
    outcome = report.weigh
    assert outcome is not None
    factor_rows = [a for t, a in tags if t == "tr" and "data-factor" in a]
    assert len(factor_rows) == sum(len(a.risk.factors) for a in outcome.assessments)
    unknown = sum(1 for a in outcome.assessments for f in a.risk.factors if f.status == "unknown")
    assert html.count('<span class="badge unknown">unknown</span>') == unknown
    assert {a["data-status"] for a in factor_rows} == {"known", "partial", "unknown", "not-applicable"}
    hrefs = [a.get("href") or "" for t, a in tags if t == "a"]
    assert "https://github.com/deepseek-ai/DeepSeek-V3.2-Exp" in hrefs
    assert all(h.startswith(("https://", "http://", "#card-")) for h in hrefs)
    assert "#card-0" in hrefs and "#card-1" in hrefs  # scanned models link to their provenance cards
    assert [a["data-alternative"] for t, a in tags if t == "tr" and "data-alternative" in a] == [
        "nemotron", "phi", "llama-4"]
    assert "LiveCodeBench 71.1 vs 74.1 (-3.0)" in html and "0.49–0.73" in html
    assert "#weigh" in CSS and ".vbar" in CSS


def test_html_section_is_empty_without_weigh_and_escapes_hostile_text() -> None:
    assert section(sample_report()) == ""
    report = dataclasses.replace(sample_report(), weigh=hostile_outcome())
    html = section(report)
    tags = _parse(html).tags
    assert not [t for t, _ in tags if t in ("script", "img", "iframe")]
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert not any(k.startswith("on") for _, a in tags for k in a)


# --------------------------------------------------------------------------- CycloneDX

VALIDATOR = JsonStrictValidator(SchemaVersion.V1_6)


def _bom(text: str) -> dict[str, Any]:
    error = VALIDATOR.validate_str(text)
    assert error is None, f"not valid CycloneDX 1.6: {error}"
    doc: dict[str, Any] = json.loads(text)
    return doc


def _card(bom: dict[str, Any], ref: str) -> dict[str, Any]:
    card: dict[str, Any] = next(c for c in bom["components"] if c["bom-ref"] == ref)["modelCard"]
    return card


def test_cyclonedx_carries_benchmarks_and_measured_pass_at_1() -> None:
    bom = _bom(render_cyclonedx(weigh_report()))
    distill = _card(bom, "acme/R1-Distill-Llama-8B-GGUF")
    assert distill["quantitativeAnalysis"]["performanceMetrics"] == [
        {"type": "LiveCodeBench (Pass@1)", "value": "39.6", "slice": "vendor-reported"}]
    props = {p["name"]: p["value"] for p in distill["properties"]}
    assert props["upstream:training-data-disclosure"] == "summary"  # kept next to the new property
    assert "2025-01-20" in props["upstream:benchmark-source"]
    assert "https://github.com/deepseek-ai/DeepSeek-R1" in props["upstream:benchmark-source"]
    measured = _card(bom, "mistral-large-latest@mistral")["quantitativeAnalysis"]["performanceMetrics"]
    assert [(m["slice"], m["value"], m.get("confidenceInterval")) for m in measured] == [
        ("all", "0.617", {"lowerBound": "0.490", "upperBound": "0.730"}),
        ("easy", "0.850", {"lowerBound": "0.640", "upperBound": "0.950"})]  # n=3 'insufficient' left out
    assert all(m["type"].startswith("pass@1 (upstream-coding 1.0") for m in measured)


def test_cyclonedx_without_weigh_has_no_metrics_and_validator_checks_them() -> None:
    plain = json.loads(render_cyclonedx(sample_report()))
    assert "quantitativeAnalysis" not in json.dumps(plain)
    bom = _bom(render_cyclonedx(weigh_report()))
    _card(bom, "acme/R1-Distill-Llama-8B-GGUF")["quantitativeAnalysis"]["performanceMetrics"][0]["value"] = 39.6
    assert VALIDATOR.validate_str(json.dumps(bom)) is not None  # the schema wants a string: the check is real
