"""The config-file detector: keys that select models and endpoints in YAML, JSON, TOML and INI."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from upstream.detect import Detection, FileInput, ParseError
from upstream.detect.config_files import ConfigFileDetector


def scan(name: str, text: str) -> list[Detection]:
    data = text.encode()
    return list(ConfigFileDetector().detect(FileInput(name, "/nonexistent/" + name, len(data), data)))


def models(found: list[Detection]) -> list[tuple[int, str]]:
    return [(d.line, d.value) for d in found if d.subject == "model"]


def test_wants_configs_but_not_manifests_locks_or_model_folder_files() -> None:
    det = ConfigFileDetector()
    assert det.wants("conf/app.yaml", "app.yaml", ".yaml")
    assert det.wants("pyproject.toml", "pyproject.toml", ".toml")
    assert det.wants("settings.ini", "settings.ini", ".ini")
    for name in ("package.json", "package-lock.json", "tokenizer_config.json", "tsconfig.base.json",
                 "generation_config.json", "pnpm-lock.yaml"):
        assert not det.wants(name, name, "." + name.rsplit(".", 1)[1]), name


def test_model_and_base_url_in_one_mapping_are_tied_with_evidence_fields() -> None:
    found = scan("config.yaml", "llm:\n  provider: openai\n  base_url: https://api.deepseek.com/v1\n"
                                "  model: deepseek-chat\n  temperature: 0.2\n")
    (d,) = [d for d in found if d.subject == "model"]
    assert (d.line, d.value, d.base_url, d.provider) == (4, "deepseek-chat", "https://api.deepseek.com/v1", "openai")
    assert (d.kind, d.technique, d.detector) == ("config", "manifest-analysis", "config")
    assert d.snippet.strip() == "model: deepseek-chat"
    assert not [x for x in found if x.subject == "endpoint"], "a tied base URL is not reported again on its own"


def test_provider_key_sets_provider_and_ollama_hub() -> None:
    (d,) = scan("c.yaml", "models:\n  - provider: ollama\n    model: llama3.1:8b\n")
    assert (d.provider, d.hub, d.line) == ("ollama", "ollama", 3)


def test_env_default_is_reported_and_unset_variables_are_not() -> None:
    found = scan("c.yaml", "a:\n  model: ${LLM_MODEL:-Qwen/Qwen2.5-7B-Instruct}\nb:\n  model: ${LLM_MODEL}\n"
                           "c:\n  name: ${oc.env:TEACHER,meta-llama/Llama-3.1-8B}\n")
    assert models(found) == [(2, "Qwen/Qwen2.5-7B-Instruct")]


def test_nested_model_section_and_omegaconf_default() -> None:
    found = scan("train.yaml", "model:\n  name: ${oc.env:BASE,meta-llama/Llama-3.1-8B}\n  revision: v1.0\n"
                               "tokenizer:\n  pretrained_model_name_or_path: ${model.name}\n")
    assert [(d.line, d.value, d.revision) for d in found] == [(2, "meta-llama/Llama-3.1-8B", "v1.0")]


def test_look_alikes_are_not_models() -> None:
    text = """
car: {make: Honda, model: Civic-2019, year: 2019}
switch: {vendor: Arista, model: DCS-7050SX3-48YC8, serial: JPE1}
settings: {model: 3, enabled_model: true, response_model: AnswerV2, model_cache: true}
audit: {model: User}
metadata:
  labels:
    model: llama-3-1-8b
image:
  repository: vllm/vllm-openai
  tag: v0.6.3
data:
  dataset: openai/gsm8k
  hub_model_id: acme/llama-3-8b-sft
"""
    assert scan("c.yaml", text) == []


def test_litellm_model_list_reports_route_not_alias() -> None:
    text = """model_list:
  - model_name: gpt-4
    litellm_params:
      model: deepseek/deepseek-chat
  - model_name: local
    litellm_params:
      model: hosted_vllm/Qwen/Qwen2.5-7B-Instruct
      api_base: http://vllm:8000/v1
router_settings:
  model_group_alias: {gpt-4o: gpt-4}
"""
    first, second = scan("proxy.yaml", text)
    assert (first.line, first.value, first.canonical, first.provider) == (
        4, "deepseek/deepseek-chat", "deepseek-chat", "litellm/deepseek")
    assert first.note is not None and "gpt-4" in first.note
    assert (second.canonical, second.base_url, second.hub) == (
        "Qwen/Qwen2.5-7B-Instruct", "http://vllm:8000/v1", "huggingface")


def test_endpoint_only_evidence_in_llm_context() -> None:
    found = scan("c.yaml", "ollama:\n  base_url: http://localhost:11434\nsite:\n  base_url: https://example.com\n")
    assert [(d.subject, d.value, d.line) for d in found] == [("endpoint", "http://localhost:11434", 2)]


def test_multi_document_yaml_keeps_lines() -> None:
    text = "kind: ConfigMap\ndata:\n  OPENAI_MODEL: gpt-4o-mini\n---\nkind: Secret\n---\nllm:\n  model: gpt-4o\n"
    assert models(scan("m.yaml", text)) == [(3, "gpt-4o-mini"), (8, "gpt-4o")]


def test_kubernetes_args_variable_reported_at_env_value() -> None:
    text = """spec:
  containers:
    - name: vllm
      image: vllm/vllm-openai:latest
      args: ["--model", "$(MODEL_NAME)", "--port", "8000"]
      env:
        - name: MODEL_NAME
          value: mistralai/Mistral-7B-Instruct-v0.3
"""
    (d,) = scan("deploy.yaml", text)
    assert (d.line, d.value, d.provider) == (8, "mistralai/Mistral-7B-Instruct-v0.3", "vllm-server")
    assert [r.line for r in d.related] == [5]


def test_compose_command_and_environment_list() -> None:
    text = """services:
  tgi:
    image: ghcr.io/huggingface/text-generation-inference:2.4
    environment:
      - MODEL_ID=HuggingFaceH4/zephyr-7b-beta
  webui:
    image: ghcr.io/open-webui/open-webui:main
    environment:
      - OLLAMA_BASE_URL=http://ollama:11434
      - DEFAULT_MODELS=llama3.2:3b
  ollama:
    image: ollama/ollama
    entrypoint: ["/bin/sh", "-c", "ollama serve & sleep 3 && ollama pull gemma2:2b"]
"""
    found = scan("docker-compose.yml", text)
    assert models(found) == [(5, "HuggingFaceH4/zephyr-7b-beta"), (10, "llama3.2:3b"), (13, "gemma2:2b")]
    by_value = {d.value: d for d in found}
    assert by_value["llama3.2:3b"].base_url == "http://ollama:11434"
    assert by_value["gemma2:2b"].provider == "ollama"


def test_workflow_run_block_lines_follow_the_file() -> None:
    text = "jobs:\n  e:\n    steps:\n      - run: |\n          echo hi\n          ollama pull qwen2.5:0.5b\n"
    (d,) = scan("ci.yml", text)
    assert (d.line, d.value) == (6, "qwen2.5:0.5b")


def test_json_lines_by_search_and_hf_folder_files_skipped() -> None:
    text = '{\n  "models": [\n    {"title": "A", "provider": "openai", "model": "gpt-4o"},\n' \
           '    {"title": "B", "model": "claude-3-5-haiku-20241022"}\n  ]\n}\n'
    assert models(scan("config.json", text)) == [(3, "gpt-4o"), (4, "claude-3-5-haiku-20241022")]
    hf = '{"_name_or_path": "Qwen/Qwen2.5-7B", "model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"]}'
    assert scan("config.json", hf) == []


def test_jsonc_comments_are_tolerated() -> None:
    text = '{\n  // chat settings\n  "chat.model": "gpt-4o-mini", /* inline */\n}\n'
    assert models(scan("settings.json", text)) == [(3, "gpt-4o-mini")]


def test_toml_and_ini_sections() -> None:
    toml = '[llm]\nmodel = "anthropic/claude-3-5-sonnet-20241022"\n\n[llm.local]\nmodel = "openai/qwen2.5-7b"\n' \
           'base_url = "http://localhost:8000/v1"\n'
    a, b = scan("config.toml", toml)
    assert (a.line, a.canonical, a.provider) == (2, "claude-3-5-sonnet-20241022", "litellm/anthropic")
    assert (b.line, b.base_url) == (5, "http://localhost:8000/v1")
    ini = "[llm]\nbase_url = https://dashscope.aliyuncs.com/compatible-mode/v1\nmodel = qwen-plus ; comment\n"
    (c,) = scan("settings.ini", ini)
    assert (c.line, c.value, c.base_url) == (3, "qwen-plus", "https://dashscope.aliyuncs.com/compatible-mode/v1")


def test_openapi_documents_are_skipped() -> None:
    text = "openapi: 3.0.0\ncomponents:\n  schemas:\n    Req:\n      properties:\n        model: {example: gpt-4o}\n" \
           "llm:\n  model: gpt-4o\n"
    assert scan("api.yaml", text) == []


@pytest.mark.parametrize(("name", "text"), [
    ("bad.yaml", "a: [1, 2\nb: }\n"),
    ("bad.json", '{"model": "gpt-4o",,}'),
    ("bad.toml", "model = \n[llm"),
    ("bad.ini", "[llm]\nmodel = gpt-4o\n[broken\n"),
])
def test_broken_files_raise_parse_error(name: str, text: str) -> None:
    with pytest.raises(ParseError):
        scan(name, text)


def test_helm_template_and_non_ini_conf_are_skipped_silently() -> None:
    assert scan("deployment.yaml", "spec:\n  replicas: {{ .Values.replicas }}\n  x: {{- if .Values.a }}\n") == []
    assert scan("nginx.conf", "server {\n  listen 80;\n  location / { proxy_pass http://localhost:11434; }\n}\n") == []


def test_alias_bombs_and_deep_nesting_are_bounded() -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, cur in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    start = time.perf_counter()
    assert scan("bomb.yaml", "\n".join(lines) + "\n") == []
    with pytest.raises(ParseError):
        scan("deep.json", "[" * 100_000 + "]" * 100_000)
    with pytest.raises(ParseError):
        scan("deep.yaml", "[" * 100_000 + "]" * 100_000)
    assert time.perf_counter() - start < 5


def test_model_catalogue_list_under_a_provider_with_a_base_url() -> None:
    text = """{
  "models": {
    "providers": {
      "relay": {
        "baseUrl": "https://openrouter.ai/api/v1",
        "models": [
          { "id": "deepseek/deepseek-chat-v3.1", "name": "DeepSeek V3.1", "contextWindow": 128000 },
          { "id": "qwen/qwen3-coder", "name": "Qwen3 Coder" }
        ]
      },
      "mistral-direct": {
        "api_url": "https://api.mistral.ai/v1",
        "available_models": [ { "name": "mistral-large-2411", "display_name": "Large", "max_tokens": 128000 } ]
      }
    }
  },
  "inventory": { "models": [ { "id": "pixel-8", "vendor": "google" }, { "id": "t-800", "name": "T800" } ] }
}
"""
    found = [d for d in scan("openclaw.json", text) if d.subject == "model"]
    assert models(found) == [(7, "deepseek/deepseek-chat-v3.1"), (8, "qwen/qwen3-coder"), (13, "mistral-large-2411")]
    assert found[0].base_url == "https://openrouter.ai/api/v1"
    assert found[2].base_url == "https://api.mistral.ai/v1"


def test_model_catalogue_keyed_by_id_and_models_of_providers_defined_in_the_file() -> None:
    text = """{
  "model": "homelab/qwen2.5-coder:14b",
  "provider": {
    "homelab": {
      "npm": "@ai-sdk/openai-compatible",
      "options": { "baseURL": "http://10.0.0.5:11434/v1" },
      "models": { "qwen2.5-coder:14b": { "name": "Qwen Coder" }, "devstral:24b": {} }
    },
    "proxy": {
      "options": { "baseURL": "{env:PROXY_URL}" },
      "models": { "gpt-4.1-mini": { "name": "GPT-4.1 mini" } }
    }
  },
  "keybinds": { "model_list": "<leader>m", "session_new": "<leader>n" }
}
"""
    found = [d for d in scan("opencode.json", text) if d.subject == "model"]
    assert models(found) == [(2, "homelab/qwen2.5-coder:14b"), (7, "devstral:24b"), (7, "qwen2.5-coder:14b"),
                             (11, "gpt-4.1-mini")]
    assert (found[0].canonical, found[0].base_url) == ("qwen2.5-coder:14b", "http://10.0.0.5:11434/v1")
    assert found[2].base_url == "http://10.0.0.5:11434/v1" and found[3].base_url is None


def test_agent_model_section_with_primary_and_fallbacks() -> None:
    text = ("agents:\n  defaults:\n    model:\n      primary: anthropic/claude-sonnet-4-5\n"
            "      fallbacks: [openai/gpt-4.1-mini, google/gemini-2.5-flash]\n    workspace: ~/agent\n")
    assert models(scan("agent.yaml", text)) == [(4, "anthropic/claude-sonnet-4-5"), (5, "google/gemini-2.5-flash"),
                                                (5, "openai/gpt-4.1-mini")]


def test_ini_with_a_stray_latin1_byte_keeps_its_other_lines() -> None:
    data = "[llm]\n; réglages par défaut\nmodel = gpt-4o-mini\n".encode("latin-1")
    found = list(ConfigFileDetector().detect(FileInput("app.ini", "/nonexistent/app.ini", len(data), data)))
    assert models(found) == [(3, "gpt-4o-mini")]


def test_upstreams_own_policy_is_not_read_as_model_use(tmp_path: Path) -> None:
    """Model names in upstream.toml or [tool.upstream] (ignores, allow-lists) are policy, not uses."""
    from upstream.config import scan_config
    from upstream.pipeline import scan

    policy = ('[[tool.upstream.ignore]]\nrule = "developer-country"\nmodel = "Qwen/Qwen2.5-7B-Instruct"\n'
              'reason = "reviewed"\n')
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.myapp]\nmodel = "gpt-4o"\n\n' + policy)
    (tmp_path / "upstream.toml").write_text(policy.replace("tool.upstream.", ""))
    report = scan(scan_config(str(tmp_path), {"jobs": 1, "use_policy": False}))
    found = [(e.path, e.line, i.model.canonical) for i in report.inventory for e in i.evidence]
    assert found == [("pyproject.toml", 5, "gpt-4o")]
