"""The docs detector: concrete model ids in READMEs and Markdown, never the look-alikes around them."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from upstream.config import scan_config
from upstream.detect import FileInput, ParseError
from upstream.detect.docs import DocsDetector, commands, mentions
from upstream.models import Detection
from upstream.pipeline import scan

DET = DocsDetector()


def run(text: str, path: str = "README.md") -> list[Detection]:
    data = text.encode()
    return list(DET.detect(FileInput(path, "/nonexistent/" + path, len(data), data)))


def found(text: str, path: str = "README.md") -> list[tuple[int, str]]:
    return [(d.line, d.canonical or d.value) for d in run(text, path)]


@pytest.mark.parametrize(("path", "wanted"), [
    ("README.md", True), ("README", True), ("docs/README.zh-CN.md", True), ("README.rst", True),
    ("docs/guide/models.mdx", True), ("CONTRIBUTING.md", True), ("docs/faq.txt", True),
    ("CHANGELOG.md", False), ("docs/changelog.md", False), ("HISTORY.rst", False), ("LICENSE.md", False),
    ("requirements.txt", False), ("docs/requirements.txt", False), ("notes.txt", False),
    (".github/ISSUE_TEMPLATE/bug_report.md", False), ("src/app.py", False), ("CODE_OF_CONDUCT.md", False),
])
def test_wants_docs_but_not_changelogs_or_licences(path: str, wanted: bool) -> None:
    name = path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    assert DET.wants(path, name, name[dot:].lower() if dot > 0 else "") is wanted


@pytest.mark.parametrize("text", [
    "The SD image uses a GPT partition table.",
    "Compatible with the Gemini camera module.",
    "A tribute to Claude Monet's water lilies.",
    "We tested it on a Llama farm in Peru.",
    "Our founder is a Phi Beta Kappa member.",
    "The Mistral wind reached 80 km/h.",
    "Token counts use the gpt-tokenizer package.",
    "Do not add the gpt-3-encoder package.",
    "A BERT-style classifier routes tickets; answers are GPT-like.",
    "A Llama-2-style architecture with GPT-4-level scores.",
    "Step 1: hold BOOTSEL. Step 2: plug in. step-3 is for rev C.",
    "Runs are seeded with seed-42. Logs go to spark-3.5.0-bin-hadoop3.",
    "The Falcon-9 style connector is keyed.",
    "Requires Python 3.11, CUDA 12.1 and Node.js 20; released as v2.4.0.",
    "Licensed under llama3.1; the code is Apache-2.0.",
    "See ggerganov/llama.cpp and openai/openai-python on GitHub.",
    "Weights are cached in models/llama-3-8b and ~/.cache/huggingface/hub.",
    "[![GPT-4o](https://img.shields.io/badge/GPT--4o-ready-green)](#models)",
    "![chart](https://huggingface.co/Qwen/Qwen2.5-7B/resolve/main/figures/benchmark.png)",
    "Data: https://huggingface.co/datasets/tatsu-lab/alpaca, demo: https://huggingface.co/spaces/a/b.",
    "Docs: https://huggingface.co/docs/transformers/index and https://huggingface.co/blog/llama31.",
    "pip install gpt4all-janitor llama2-webui openai==1.30.0",
    "docker run -p 8000:8000 vllm/vllm-openai:latest",
    "Pin the base image to python:3.11-slim and ollama/ollama:0.5.4.",
    "Contact us at llama3@example.com.",
])
def test_look_alikes_are_not_reported(text: str) -> None:
    assert run(text) == []


@pytest.mark.parametrize(("text", "want"), [
    ("Defaults to `gpt-4o-mini`; set `claude-3-5-haiku-20241022` for speed.",
     [(1, "gpt-4o-mini"), (1, "claude-3-5-haiku-20241022")]),
    ("| Ollama | `qwen2.5:7b-instruct` | 32k |", [(1, "qwen2.5:7b-instruct")]),
    ("Reasoning models such as DeepSeek-R1 think first.", [(1, "DeepSeek-R1")]),
    ("Use [bge](https://huggingface.co/BAAI/bge-m3/tree/main) for embeddings.", [(1, "BAAI/bge-m3")]),
    ("Served model: meta-llama/Llama-3.1-8B-Instruct on vLLM.", [(1, "meta-llama/Llama-3.1-8B-Instruct")]),
    ("Grab it from https://ollama.com/library/deepseek-r1:14b today.", [(1, "deepseek-r1:14b")]),
    ("Use FLUX.1-dev for images and falcon-7b for text.", [(1, "FLUX.1-dev"), (1, "falcon-7b")]),
])
def test_concrete_model_ids_are_reported(text: str, want: list[tuple[int, str]]) -> None:
    assert found(text) == want


def test_commands_are_medium_confidence_and_know_their_hub() -> None:
    text = "\n".join([
        "```bash",
        "ollama pull qwen2.5-coder",
        "huggingface-cli download TheBloke/Mistral-7B-Instruct-v0.2-GGUF model.Q4_K_M.gguf",
        "llama-server -hf bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M --port 8081",
        "vllm serve Qwen/Qwen2.5-14B-Instruct-AWQ --max-model-len 8192",
        "docker run --gpus all vllm/vllm-openai:latest --model mistralai/Mistral-7B-Instruct-v0.3",
        "```",
    ])
    got = {d.line: d for d in run(text)}
    assert sorted(got) == [2, 3, 4, 5, 6]
    assert all(d.confidence == "medium" for d in got.values())
    assert (got[2].value, got[2].hub) == ("qwen2.5-coder", "ollama")
    assert got[4].hub == "huggingface" and got[4].canonical == "bartowski/Llama-3.2-1B-Instruct-GGUF"
    assert got[6].value == "mistralai/Mistral-7B-Instruct-v0.3"


@pytest.mark.parametrize(("text", "value", "canonical", "provider"), [
    ('completion(model="openai/gpt-4o")', "openai/gpt-4o", "gpt-4o", "litellm/openai"),
    ("Try deepseek/deepseek-chat on the proxy.", "deepseek/deepseek-chat", "deepseek-chat", "litellm/deepseek"),
    ("model: ollama/llama3.1:8b", "ollama/llama3.1:8b", "llama3.1:8b", "litellm/ollama"),
    ("We also ship openai/whisper-large-v3.", "openai/whisper-large-v3", None, None),  # a Hub repo, not a route
])
def test_litellm_routes_name_the_model_part(text: str, value: str, canonical: str | None,
                                            provider: str | None) -> None:
    (d,) = run(text)
    assert (d.value, d.canonical, d.provider) == (value, canonical, provider)


def test_every_finding_is_docs_evidence_of_a_model() -> None:
    dets = run("Pick `gpt-4o` or [Qwen](https://huggingface.co/Qwen/Qwen2.5-7B-Instruct).")
    assert dets and all(d.kind == "docs" and d.subject == "model" and d.detector == "docs" for d in dets)
    link = next(d for d in dets if d.value.startswith("https://"))
    assert (link.canonical, link.confidence, link.hub) == ("Qwen/Qwen2.5-7B-Instruct", "medium", "huggingface")
    assert next(d for d in dets if d.value == "gpt-4o").confidence == "low"


def test_html_and_mdx_comments_are_not_rendered_and_keep_line_numbers() -> None:
    text = "<!-- old default: gpt-3.5-turbo\nand claude-2.1 -->\nNow `gpt-4o`. <!-- expect: gpt-4o -->\n" \
           "{/* draft: gemini-1.0-pro */} Also `gemini-2.0-flash`."
    assert found(text, "docs/index.mdx") == [(3, "gpt-4o"), (4, "gemini-2.0-flash")]


def test_rst_comments_are_skipped_but_directives_are_read() -> None:
    text = "\n".join([
        ".. the old default was gpt-3.5-turbo-16k",
        "   and claude-2.1",
        "",
        ".. code-block:: bash",
        "",
        "   ollama run mistral:7b",
        "",
        "See `Qwen <https://huggingface.co/Qwen/Qwen2-7B>`_.",
    ])
    assert found(text, "docs/deploy.rst") == [(6, "mistral:7b"), (8, "Qwen/Qwen2-7B")]


def test_front_matter_reads_base_model_but_not_licence_or_tags() -> None:
    text = "---\nlicense: llama3.1\nbase_model: meta-llama/Llama-3.1-8B-Instruct\ntags: [llama-3]\n---\n# Card\n"
    assert found(text) == [(3, "meta-llama/Llama-3.1-8B-Instruct")]


def test_mentions_gives_line_value_and_canonical_for_notebook_cells() -> None:
    cell = "## Setup\nRun `ollama run llama3.2` first,\nthen compare with https://huggingface.co/Qwen/Qwen2.5-7B."
    assert list(mentions(cell)) == [
        (2, "llama3.2", "llama3.2:latest"),
        (3, "https://huggingface.co/Qwen/Qwen2.5-7B", "Qwen/Qwen2.5-7B"),
    ]
    assert list(mentions("The GPT partition table.")) == []


def test_invalid_utf8_is_a_parse_error() -> None:
    data = b"# Models\n\xff\xfe gpt-4o\n"
    with pytest.raises(ParseError):
        list(DET.detect(FileInput("README.md", "/x/README.md", len(data), data)))


def test_huge_inputs_stay_bounded() -> None:
    text = ("gpt-4o " * 5000 + "\n") * 20 + "x" * 2_000_000 + "\n" + ("<!--" + "a" * 1000) * 200
    start = time.perf_counter()
    dets = run(text)
    assert time.perf_counter() - start < 10
    assert {d.value for d in dets} == {"gpt-4o"}


def test_docs_mentions_are_docs_only_in_the_inventory(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("Supported: `qwen2.5:7b` and `gpt-4o-mini`.\n", encoding="utf-8")
    report = scan(scan_config(str(tmp_path), {"jobs": 1}))
    items = {i.model.canonical: i for i in report.inventory}
    assert set(items) == {"qwen2.5:7b", "gpt-4o-mini"}
    assert all(i.docs_only and i.kinds == ["docs"] and i.endpoint is None for i in items.values())


# --------------------------------------------------------------------------- model files and Ollama arguments


def test_model_files_handed_to_llama_cpp_runners_are_reported_as_files() -> None:
    text = "\n".join([
        "```bash",
        "llama-cli -m models/gemma-3-4b-it-Q4_K_M.gguf -p 'hi'",
        "llama-server --port 8080 -ngl 99 -m ./models/gemma-3-4b-it-Q4_K_M.gguf",
        "python -m llama_cpp.server --model /srv/models/phi-4-mini-Q5_K_M.gguf",
        "./main -m models/7B/ggml-model-q4_0.bin -n 128",
        "```",
    ])
    got = [(d.line, d.value, d.hub, d.confidence) for d in run(text)]
    assert got == [
        (2, "models/gemma-3-4b-it-Q4_K_M.gguf", "file", "medium"),
        (3, "./models/gemma-3-4b-it-Q4_K_M.gguf", "file", "medium"),
        (4, "/srv/models/phi-4-mini-Q5_K_M.gguf", "file", "medium"),
        (5, "models/7B/ggml-model-q4_0.bin", "file", "medium"),
    ]


@pytest.mark.parametrize("line", [
    "python -m pip install -U llama-cpp-python",
    'git commit -m "update weights.bin checksum"',
    "pytest -m slow tests/test_model.pt",
    "docker run -m 8g --rm ghcr.io/ggml-org/llama.cpp:server",
    "llama-server -m $MODEL_PATH --port 8080",
    "llama-cli --model config.json",
])
def test_other_dash_m_arguments_are_not_model_files(line: str) -> None:
    assert run(f"```bash\n{line}\n```") == []


def test_file_names_are_never_ollama_tags() -> None:
    text = "\n".join([
        "ollama show granite-code:8b --modelfile > granite-code:8b.modelfile",
        "vi granite-code:8b.modelfile",
        "ollama create -f granite-code:8b.modelfile granite-code:8b-32k",
        "ollama create my-granite:32k --file ./Modelfile",
        "ollama run qwen2.5:7b, then type /bye",
        "ollama pull $MODEL",
        "ollama run --verbose --keepalive 10m llama3.2:3b",
    ])
    assert found(text) == [(1, "granite-code:8b"), (3, "granite-code:8b-32k"), (4, "my-granite:32k"),
                           (5, "qwen2.5:7b"), (7, "llama3.2:3b")]


def test_commands_extracts_from_any_lines_with_their_numbers() -> None:
    lines = ["Setup:",
             "    huggingface-cli download microsoft/Phi-3-mini-4k-instruct-gguf Phi-3-mini-4k-instruct-q4.gguf",
             "    ollama pull nomic-embed-text",
             "Mentions of Llama-3.1-8B in prose are not commands."]
    got = [(c.line, c.column, c.value, c.hub, c.canonical) for c in commands(lines, first_line=10)]
    assert got == [(11, 30, "microsoft/Phi-3-mini-4k-instruct-gguf", "huggingface", None),
                   (12, 17, "nomic-embed-text", "ollama", "nomic-embed-text:latest")]

