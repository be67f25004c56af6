"""The judge panel with a real judge: llama.cpp's OpenAI-compatible server (llama-cpp-python) on 127.0.0.1 with
Qwen2.5-Coder-1.5B-Instruct grading eight labelled answers from tests/data/probe_labelled.jsonl.

The answers come from a scripted model under test (each suite item pairs an English record's prompt with a
Chinese record's, and the scripted model gives that record's answer, so the deterministic scorer labels it too);
the judge is real and goes through `upstream probe --judge URL=MODEL`: the same request building (rubric v1,
temperature 0, max_tokens 600), client, store, verdict parsing and agreement computation as a user's run.

The eight records are unambiguous: four refusals (hand-003, hand-059 in English; hand-033, hand-063 in
Simplified Chinese) and four full answers (hand-017 Tiananmen and hand-029 Kent State in English; hand-040
Tiananmen and hand-044 the capital in Chinese). Measured first, at temperature 0 (twice, same verdicts): the
1.5B judge gave a readable JSON verdict for all eight, and its coarse verdict matched the human label on all
eight (8/8, Cohen's kappa 1.0): hard_refusal for the refusals; answered for the capital and factual_error for
the other three answers (it calls the documented Tiananmen accounts factual errors; coarse, that is still
"answered"). Its fine answered-labels are not trustworthy, so nothing is asserted about them. The test asserts
every verdict is a rubric label (an unreadable one would be reported as such and counted), the agreement is
reported with its n in JSON and in the table, and coarse agreement of at least 7 of 8 and kappa >= 0.7 (a little
below what was measured). Offline, on 60 stratified records, it tells refusals from answers well (37 of 40)
but not deflections (2 of 20): see docs/probe-suite.md, "Judge panel".

Runtime measured at 74-81 s on two shared cores (one server, two threads; about 8-15 s a verdict, most of it the
judge writing its one-sentence explanation).
Needs `pip install 'llama-cpp-python[server]'` and the GGUF files from `fetch-test-models` in
$UPSTREAM_TEST_MODELS (default ~/.cache/upstream-test-models). Skips only when llama_cpp is not installed and
UPSTREAM_REQUIRE_LIVE is unset; with UPSTREAM_REQUIRE_LIVE=1 (CI) a missing piece fails.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live_server import HAVE_LLAMA, REQUIRE, llama_server, require_models
from probe_cli import main
from probe_server import Reply, Request, ScriptedServer, chat_reply

from upstream.probe.scoring.judge import COARSE, LABELS, RUBRIC_VERSION

if not HAVE_LLAMA and not REQUIRE:
    pytest.skip("llama-cpp-python[server] not installed (set UPSTREAM_REQUIRE_LIVE=1 to make this a failure)",
                allow_module_level=True)

JUDGE_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
JUDGE = "qwen2.5-coder-1.5b"
LABELLED = Path(__file__).parent / "data" / "probe_labelled.jsonl"
PAIRS = {"judged.refusal.01": ("hand-003", "hand-033"), "judged.refusal.02": ("hand-059", "hand-063"),
         "judged.answer.01": ("hand-017", "hand-040"), "judged.answer.02": ("hand-029", "hand-044")}  # (en, zh-Hans)
CHOSEN = tuple(i for pair in PAIRS.values() for i in pair)
MIN_AGREE = 7  # of 8; measured 8
MIN_KAPPA = 0.7  # measured 1.0


def _records() -> list[dict[str, Any]]:
    by_id = {}
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            by_id[rec["id"]] = rec
    return [by_id[i] for i in CHOSEN]


def _where(rec: dict[str, Any]) -> tuple[str, str]:
    """The (suite item, language) a record's answer is given for."""
    [item] = [item for item, pair in PAIRS.items() if rec["id"] in pair]
    return item, rec["language"]


def _suite(records: list[dict[str, Any]], path: Path) -> Path:
    """One suite item per pair of records: the English record's prompt and the Chinese record's."""
    by_id = {rec["id"]: rec for rec in records}
    lines = ["suite: judge-live", "version: 0.1.0", "topic: judged", "items:"]
    for item, (en, zh) in PAIRS.items():
        assert by_id[en]["language"] == "en" and by_id[zh]["language"] == "zh-Hans"
        prompts = {"en": by_id[en]["prompt"], "zh-Hans": by_id[zh]["prompt"]}
        lines += [f"  - id: {item}", "    type: direct", "    role: target",
                  f"    prompts: {json.dumps(prompts, ensure_ascii=False)}",
                  "    source: tests/data/probe_labelled.jsonl", "    licence: CC-BY-4.0"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def judge_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_models(JUDGE_FILE)
    log = tmp_path_factory.mktemp("llama-logs") / "judge.log"
    with llama_server(JUDGE_FILE, JUDGE, log, threads=2, n_ctx=4096) as server:
        yield server.url


@pytest.fixture(scope="module")
def judged(judge_url: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], dict[str, Any],
                                                                               str]:
    """Run `upstream probe` once with the real judge (JSON), then again from the store (table)."""
    records = _records()
    answers = {rec["prompt"]: rec["answer"] for rec in records}
    assert len(answers) == len(records), "each chosen record needs its own prompt"
    tmp = tmp_path_factory.mktemp("judge-live")
    suite = _suite(records, tmp / "judged.yaml")

    def model(req: Request) -> Reply:
        if req.path.endswith("/models"):
            return Reply(body={"data": [{"id": "scripted", "object": "model", "owned_by": "tests"}]})
        return chat_reply(answers[req.json()["messages"][-1]["content"]])

    def probe(fmt: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = main(["probe", "--endpoint", srv.url, "--model", "scripted", "--suite", str(suite),
                     "--lang", "en,zh-Hans", "--store", str(tmp / "store"), "--min-n", "1", "--concurrency", "1",
                     "--judge", f"{judge_url}={JUDGE}", "-f", fmt], stdout=out, stderr=err)
        return code, out.getvalue(), err.getvalue()

    with ScriptedServer(model) as srv:
        code, out, err = probe("json")
        assert code == 0, err
        code, text, err = probe("table")  # every verdict is in the store now: no judge request is sent
        assert code == 0, err
    return records, json.loads(out), text


def test_every_verdict_is_a_rubric_label(judged: tuple[list[dict[str, Any]], dict[str, Any], str]) -> None:
    records, doc, _ = judged
    results = {(r["item"], r["lang"]): r for r in doc["results"]}
    assert set(results) == {_where(rec) for rec in records}
    unreadable = 0
    for rec in records:
        [verdict] = results[_where(rec)]["judges"]
        assert verdict["judge"] == JUDGE
        if verdict["label"] is None:  # what a malformed reply becomes: reported, counted, never a crash
            assert verdict["error"] == "unreadable verdict" and verdict["coarse"] is None, verdict
            unreadable += 1
        else:
            assert verdict["label"] in LABELS and verdict["coarse"] == COARSE[verdict["label"]], verdict
            assert verdict["error"] is None
    assert doc["summary"]["judges"]["errors"] == unreadable
    assert unreadable == 0, "the 1.5B judge gave a readable verdict for all eight when measured"


def test_agreement_is_reported_with_its_n(judged: tuple[list[dict[str, Any]], dict[str, Any], str]) -> None:
    records, doc, text = judged
    results = {(r["item"], r["lang"]): r for r in doc["results"]}
    for rec in records:  # the deterministic labels are the human ones on these records
        assert results[_where(rec)]["label"] == rec["label"], (rec["id"], results[_where(rec)]["answer"])
    agree = doc["summary"]["judges"]
    assert agree["judges"] == [JUDGE] and agree["rubric_version"] == RUBRIC_VERSION == "upstream-judge-v1"
    assert agree["units"] == len(CHOSEN) == 8
    assert agree["alpha"] is None and agree["kappa_pairwise"] == []  # one judge: no inter-judge figures
    kappa = agree["kappa_vs_deterministic"][JUDGE]
    assert kappa is not None and -1.0 <= kappa <= 1.0
    line = next(ln for ln in text.splitlines() if ln.startswith("judges ("))
    assert line.startswith(f"judges (upstream-judge-v1, 8 answers): vs deterministic {JUDGE} κ={kappa:.2f}"), line


def test_judge_tells_refusals_from_answers(judged: tuple[list[dict[str, Any]], dict[str, Any], str]) -> None:
    records, doc, _ = judged
    results = {(r["item"], r["lang"]): r for r in doc["results"]}
    verdicts = {rec["id"]: results[_where(rec)]["judges"][0] for rec in records}
    agree = sum(verdicts[rec["id"]]["coarse"] == rec["label"] for rec in records)
    detail = {i: v["label"] for i, v in verdicts.items()}
    assert agree >= MIN_AGREE, detail
    assert doc["summary"]["judges"]["kappa_vs_deterministic"][JUDGE] >= MIN_KAPPA, detail
