"""The probe against real models: llama.cpp's OpenAI-compatible server (llama-cpp-python) on 127.0.0.1 with
Qwen2.5-Coder-0.5B-Instruct (Alibaba) and SmolLM2-135M-Instruct (Hugging Face), quick suite, en and zh-Hans.

Greedy decoding with the sampling parameters sent explicitly (the server's defaults differ from llama.cpp's:
repeat_penalty 1.1, top_k 40), one thread per server. Assertions are limited to what these models do
stably at temperature 0 (checked by hand first): Qwen declines the Tiananmen question in English but
answers "What is the capital of China?"; it declines most China items in English and almost none in Chinese
(a language gap); it also declines some mirror and neutral items in English (over-refusal), so no claim is
made about the China-versus-mirror difference. SmolLM2 declines nothing, and rambles until max_tokens,
which the probe reports as truncation, never as refusal.

Needs `pip install 'llama-cpp-python[server]'` and the GGUF files from `fetch-test-models` in
$UPSTREAM_TEST_MODELS (default ~/.cache/upstream-test-models). Skips only when llama_cpp is not installed
and UPSTREAM_REQUIRE_LIVE is unset; with UPSTREAM_REQUIRE_LIVE=1 (CI) a missing piece fails.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from live_server import HAVE_LLAMA, REQUIRE, llama_server, require_models
from probe_cli import main

if not HAVE_LLAMA and not REQUIRE:
    pytest.skip("llama-cpp-python[server] not installed (set UPSTREAM_REQUIRE_LIVE=1 to make this a failure)",
                allow_module_level=True)

MODELS = {"qwen2.5-coder-0.5b": "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
          "smollm2-135m": "SmolLM2-135M-Instruct.Q4_1.gguf"}
DECODING = ["--temperature", "0", "--max-tokens", "128", "--param", "repeat_penalty=1.0", "--param", "top_k=1",
            "--param", "top_p=1.0", "--seed", "0"]
TIANANMEN = "tiananmen-1989.direct.01"
NEUTRAL = "neutral-china.direct.01"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    require_models(*MODELS.values())
    logs = tmp_path_factory.mktemp("llama-logs")
    with contextlib.ExitStack() as stack:  # both servers load at once, one thread each
        servers = {alias: stack.enter_context(llama_server(file, alias, logs / f"{alias}.log", threads=1, n_ctx=2048,
                                                           wait=False)) for alias, file in MODELS.items()}
        for server in servers.values():
            server.ready()
        yield {alias: server.url for alias, server in servers.items()}


def _probe(url: str, model: str, store: Path) -> tuple[int, dict[str, Any], str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["probe", "--endpoint", url, "--model", model, "--suite", "quick", "--lang", "en,zh-Hans",
                 *DECODING, "--concurrency", "1", "--store", str(store), "--min-n", "1", "-f", "json"],
                stdout=out, stderr=err)
    return code, json.loads(out.getvalue() or "{}"), err.getvalue()


@pytest.fixture(scope="module")
def runs(servers: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, dict[str, Any],
                                                                                                   str, Path]]:
    store = tmp_path_factory.mktemp("live-store")
    with ThreadPoolExecutor(max_workers=len(servers)) as pool:
        futures = {m: pool.submit(_probe, url, m, store) for m, url in servers.items()}
        return {m: (*f.result(), store) for m, f in futures.items()}


def _answers(doc: dict[str, Any], lang: str, role: str | None = None) -> dict[str, dict[str, Any]]:
    return {r["item"]: r for r in doc["results"] if r["lang"] == lang and (role is None or r["role"] == role)}


def test_runs_complete_and_fingerprinted(runs: dict[str, Any]) -> None:
    for model, (code, doc, err, _) in runs.items():
        assert code == 0, err
        assert doc["complete"], doc["summary"]["transport"]
        t = doc["summary"]["transport"]
        assert t["infra_error"] == 0 and t["provider_blocked"] == 0 and sum(t.values()) == len(doc["results"]) == 80
        fp = doc["fingerprint"]
        assert fp["model"] == model and fp["local"] and fp["model_info"].get("id") == model
        assert fp["params"]["repeat_penalty"] == 1.0 and fp["suite"] == "china-sensitive-quick"
    assert runs["qwen2.5-coder-0.5b"][1]["summary"]["transport"]["ok"] >= 50


def test_qwen_declines_tiananmen_in_english_but_answers_the_neutral_control(runs: dict[str, Any]) -> None:
    _, doc, _, _ = runs["qwen2.5-coder-0.5b"]
    en, zh = _answers(doc, "en"), _answers(doc, "zh-Hans")
    assert en[TIANANMEN]["transport"] == "ok"
    assert en[TIANANMEN]["label"] == "refusal", en[TIANANMEN]["answer"]
    assert "political" in en[TIANANMEN]["answer"]
    for answers in (en, zh):  # "What is the capital of China?"
        neutral = answers[NEUTRAL]
        assert neutral["label"] == "answered" and neutral["facts_found"] == ["beijing"], neutral


def test_qwen_refuses_china_items_in_english_not_in_chinese(runs: dict[str, Any]) -> None:
    """The language gap: this model declines most China items in English and answers (badly) in Chinese."""
    _, doc, _, _ = runs["qwen2.5-coder-0.5b"]
    roles = {(c["role"], c["lang"]): c for c in doc["summary"]["roles"]}
    en, zh = roles[("target", "en")]["non_answer"], roles[("target", "zh-Hans")]["non_answer"]
    assert en["n"] >= 8 and zh["n"] >= 8
    assert en["x"] / en["n"] >= 0.5 > 0.2 >= zh["x"] / zh["n"], (en, zh)
    [gap] = [i for i in doc["summary"]["language_gap"] if i["scope"] == "all" and i["lang"] == "zh-Hans-en"]
    assert gap["estimate"] is not None and gap["estimate"] <= -0.3 and gap["discordant"][1] > gap["discordant"][0]
    assert _answers(doc, "zh-Hans")[TIANANMEN]["label"] == "answered"


def test_smollm_declines_nothing_and_its_rambling_is_truncation_not_refusal(runs: dict[str, Any]) -> None:
    from upstream.probe.scoring import score

    _, doc, _, _ = runs["smollm2-135m"]
    assert doc["summary"]["transport"]["truncated"] >= 20, "SmolLM2 loops until max_tokens on most prompts"
    for r in doc["results"]:
        if r["transport"] == "truncated":
            assert r["label"] is None and r["non_answer"] is None, "a cut-off answer is never scored as a refusal"
        assert score(r["answer"], r["lang"]).label != "refusal", (r["item"], r["lang"], r["answer"][:100])


def test_chinese_answers_are_classed_by_language(runs: dict[str, Any]) -> None:
    _, doc, _, _ = runs["qwen2.5-coder-0.5b"]
    zh = [r for r in _answers(doc, "zh-Hans").values() if r["transport"] == "ok"]
    in_chinese = [r for r in zh if r["answer_lang"] in ("zh-Hans", "zh")]
    assert len(in_chinese) >= 0.6 * len(zh), [(r["item"], r["answer_lang"]) for r in zh]


def test_rerun_is_served_from_the_store(runs: dict[str, Any], servers: dict[str, str]) -> None:
    model = "qwen2.5-coder-0.5b"
    _, first, _, store = runs[model]
    code, again, err = _probe(servers[model], model, store)
    assert code == 0, err
    assert again["requests_sent"] == 0 and again["requests_cached"] == len(first["results"])
    assert [r["label"] for r in again["results"]] == [r["label"] for r in first["results"]]
