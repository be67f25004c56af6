"""Command lines, shell scripts, Makefiles, Dockerfiles and Ollama Modelfiles."""

from __future__ import annotations

import pytest

from upstream.detect import Detection, FileInput, ParseError
from upstream.detect.modelfile import ModelfileDetector
from upstream.detect.shell import ShellDetector, detect_command_line, split_words


def scan(name: str, text: str, detector: ShellDetector | ModelfileDetector | None = None) -> list[Detection]:
    data = text.encode()
    det = detector or ShellDetector()
    return list(det.detect(FileInput(name, "/nonexistent/" + name, len(data), data)))


def values(found: list[Detection]) -> list[tuple[int, str]]:
    return [(d.line, d.value) for d in found]


def test_command_line_api_for_other_detectors() -> None:
    (d,) = detect_command_line(split_words("ollama pull llama3.1:8b"), 7, kind="notebook", detector="notebook",
                               snippet="!ollama pull llama3.1:8b")
    assert (d.line, d.value, d.provider, d.hub, d.kind, d.detector) == (
        7, "llama3.1:8b", "ollama", "ollama", "notebook", "notebook")
    assert (d.technique, d.snippet, d.confidence) == ("manifest-analysis", "!ollama pull llama3.1:8b", "high")


def test_variable_is_reported_at_its_literal_with_the_command_related() -> None:
    text = ('MODEL="${MODEL:-Qwen/Qwen2.5-7B-Instruct}"\nPORT=8000\n'
            'vllm serve "$MODEL" --port $PORT --served-model-name qwen\n')
    (d,) = scan("serve.sh", text)
    assert (d.line, d.value, d.provider) == (1, "Qwen/Qwen2.5-7B-Instruct", "vllm-server")
    assert [r.line for r in d.related] == [3]
    assert d.note is not None and "qwen" in d.note


def test_serving_and_download_tools() -> None:
    text = """\
python -m vllm.entrypoints.openai.api_server --model deepseek-ai/DeepSeek-R1-Distill-Qwen-7B
text-generation-launcher --model-id mistralai/Mistral-7B-v0.1 --revision main
huggingface-cli download TheBloke/Llama-2-7B-GGUF llama-2-7b.Q4_K_M.gguf --revision abc123
hf download --repo-type dataset HuggingFaceH4/ultrachat_200k
llama-server -hf bartowski/Qwen2.5-7B-Instruct-GGUF:Q4_K_M --port 8080
./main -m models/7B/ggml-model-q4_0.gguf -p "hi"
mlx_lm.generate --model mlx-community/Mistral-7B-Instruct-v0.3-4bit --prompt hi
python -m sglang.launch_server --model-path Qwen/Qwen2.5-14B-Instruct
lmdeploy serve api_server internlm/internlm2_5-7b-chat
python -m pip install vllm && python manage.py migrate --model-name my-model-v2
aws sagemaker create-model --model-name llama-3-8b-prod
"""
    found = scan("run.sh", text)
    assert values(found) == [
        (1, "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B"), (2, "mistralai/Mistral-7B-v0.1"),
        (3, "TheBloke/Llama-2-7B-GGUF"), (5, "bartowski/Qwen2.5-7B-Instruct-GGUF:Q4_K_M"),
        (6, "models/7B/ggml-model-q4_0.gguf"), (7, "mlx-community/Mistral-7B-Instruct-v0.3-4bit"),
        (8, "Qwen/Qwen2.5-14B-Instruct"), (9, "internlm/internlm2_5-7b-chat"),
    ]
    by_line = {d.line: d for d in found}
    assert by_line[3].revision == "abc123" and by_line[3].hub == "huggingface"
    assert (by_line[5].canonical, by_line[5].hub) == ("bartowski/Qwen2.5-7B-Instruct-GGUF", "huggingface")
    assert by_line[2].provider == "tgi" and by_line[7].provider == "mlx"


def test_docker_run_images_and_env() -> None:
    text = ("docker run --gpus all -e MODEL_ID=HuggingFaceTB/SmolLM2-360M-Instruct -p 8080:80 \\\n"
            "  ghcr.io/huggingface/text-generation-inference:3.0\n"
            "docker run --ipc=host vllm/vllm-openai:latest --model microsoft/Phi-3.5-mini-instruct\n"
            "docker exec -it ollama ollama run phi3:mini\n"
            "docker run --rm ollama/ollama:latest\n")
    found = scan("docker.sh", text)
    assert values(found) == [(1, "HuggingFaceTB/SmolLM2-360M-Instruct"), (3, "microsoft/Phi-3.5-mini-instruct"),
                             (4, "phi3:mini")]
    assert [d.provider for d in found] == ["tgi", "vllm-server", "ollama"]


def test_generic_flags_need_a_model_shape_and_aliases_are_skipped() -> None:
    text = ("python train.py --model_name_or_path google/gemma-2-2b --output_dir out\n"
            "python serve.py --model_name qwen-chat --model_id Qwen/Qwen2.5-3B-Instruct\n"
            "python app.py --model default --model-cache .cache\n")
    assert values(scan("t.sh", text)) == [(1, "google/gemma-2-2b"), (2, "Qwen/Qwen2.5-3B-Instruct")]


def test_comments_echo_and_heredoc_text_are_not_commands() -> None:
    text = ("# ollama pull llama3\necho 'run: ollama pull llama3'\n# cat <<EOF\nollama pull qwen2.5:0.5b\n"
            "cat <<EOF > NOTES.md\nvllm serve is started by ops, see runbook\nEOF\n")
    assert values(scan("s.sh", text)) == [(4, "qwen2.5:0.5b")], "a heredoc in a comment opens nothing"


def test_makefile_variables_and_recipes() -> None:
    text = "MODEL ?= meta-llama/Llama-3.2-1B  # default\n\nserve:\n\tvllm serve $(MODEL) --port 8000\n"
    (d,) = scan("Makefile", text)
    assert (d.line, d.value, d.provider, [r.line for r in d.related]) == (
        1, "meta-llama/Llama-3.2-1B", "vllm-server", [4])


def test_dockerfile_instructions() -> None:
    text = """FROM vllm/vllm-openai:v0.6.4 AS base
ARG MODEL=Qwen/Qwen2.5-3B-Instruct
ENV OPENAI_MODEL=gpt-4o-mini \\
    PYTHONUNBUFFERED=1
# a comment inside the stage
RUN pip install -U hf_transfer \\
    # comment lines inside a continuation are skipped
    && huggingface-cli download ${MODEL}
CMD ["--model", "Qwen/Qwen2.5-3B-Instruct", "--port", "8000"]
"""
    found = scan("Dockerfile", text)
    assert values(found) == [(2, "Qwen/Qwen2.5-3B-Instruct"), (3, "gpt-4o-mini"), (9, "Qwen/Qwen2.5-3B-Instruct")]
    assert found[0].related and found[0].related[0].line == 8
    assert found[2].provider == "vllm-server", "a bare CMD goes to the vLLM image's server"


def test_dockerfile_from_image_is_never_a_model() -> None:
    text = "FROM ollama/ollama:0.5.4\nFROM ghcr.io/ggml-org/llama.cpp:server\nEXPOSE 8080\n"
    assert scan("Dockerfile.gpu", text) == []


def test_wants() -> None:
    det = ShellDetector()
    for name in ("run.sh", "Makefile", "Dockerfile", "Dockerfile.cuda", "api.Dockerfile", "Containerfile",
                 "Procfile", "setup.ps1"):
        suffix = "." + name.rsplit(".", 1)[1].lower() if "." in name else ""
        assert det.wants(name, name, suffix), name
    assert not det.wants("app.py", "app.py", ".py")


def test_a_stray_latin1_byte_costs_only_its_line_but_binary_is_refused() -> None:
    data = "# Modèle par défaut\nollama pull llama3.2:3b\n".encode("latin-1")
    found = list(ShellDetector().detect(FileInput("x.sh", "/nonexistent/x.sh", len(data), data)))
    assert values(found) == [(2, "llama3.2:3b")]
    binary = b"\x7fELF\x02\x01\x01\x00\x00" + bytes(range(128, 256)) * 4
    with pytest.raises(ParseError):
        list(ShellDetector().detect(FileInput("x.sh", "/nonexistent/x.sh", len(binary), binary)))


def test_modelfile_from_and_adapter() -> None:
    text = ('FROM llama3.1:8b\nSYSTEM """\nFROM now on be brief.\n"""\nADAPTER ./lora.gguf\n')
    base, adapter = scan("Modelfile", text, ModelfileDetector())
    assert (base.line, base.value, base.hub, base.provider) == (1, "llama3.1:8b", "ollama", "ollama")
    assert (adapter.line, adapter.value, adapter.hub) == (5, "./lora.gguf", "file")
    assert adapter.note is not None and "adapter" in adapter.note.lower()


def test_modelfile_hub_reference_and_local_gguf() -> None:
    text = "FROM hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M\n"
    (d,) = scan("x.modelfile", text, ModelfileDetector())
    assert (d.canonical, d.hub, d.provider) == ("bartowski/Llama-3.2-1B-Instruct-GGUF", "huggingface", "ollama")
    (f,) = scan("Modelfile", "FROM /srv/weights/qwen2.5-0.5b-instruct-q8_0.gguf\n", ModelfileDetector())
    assert f.hub == "file"


def test_loops_over_arrays_and_literal_lists() -> None:
    text = ('MODELS=(\n  "llama3.1:8b"\n  "nomic-embed-text"\n)\n'
            'for m in "${MODELS[@]}"; do\n  ollama pull "$m"\ndone\n'
            "for m in gemma2:2b phi3:mini; do ollama run $m 'hi'; done\n"
            "if ! ollama pull qwen2.5:0.5b; then exit 1; fi\n"
            "for f in *.txt; do cat $f; done\n")
    found = scan("pull.sh", text)
    assert values(found) == [(2, "llama3.1:8b"), (3, "nomic-embed-text"), (8, "gemma2:2b"), (8, "phi3:mini"),
                             (9, "qwen2.5:0.5b")]
    assert [r.line for r in found[0].related] == [6]



def test_heredoc_manifest_piped_to_kubectl_is_read_as_yaml_with_script_variables() -> None:
    text = ('MODEL="${MODEL:-Qwen/Qwen2.5-7B-Instruct}"\n'
            "cat <<EOF | kubectl apply -n llm -f -\n"
            "spec:\n  containers:\n    - image: vllm/vllm-openai:v0.6.6\n"
            '      args: ["--model", "${MODEL}", "--port", "8000"]\n'
            "      resources: {limits: {nvidia.com/gpu: ${GPUS:-1}}}\n"
            "    - image: ghcr.io/huggingface/text-generation-inference:2.4\n"
            "      env:\n        - name: MODEL_ID\n          value: HuggingFaceTB/SmolLM2-1.7B-Instruct\n"
            "EOF\necho done\n")
    found = scan("deploy.sh", text)
    assert values(found) == [(1, "Qwen/Qwen2.5-7B-Instruct"), (11, "HuggingFaceTB/SmolLM2-1.7B-Instruct")]
    assert found[0].provider == "vllm-server" and [r.line for r in found[0].related] == [6]
    assert found[1].provider == "tgi"


def test_heredoc_json_config_with_unquoted_placeholders_and_a_model_catalogue() -> None:
    text = """#!/bin/sh
cat > /root/.agent/config.json <<CFG
{
  "providers": {
    "anthropic": {
      "baseUrl": "https://api.anthropic.com",
      "apiKey": "${ANTHROPIC_API_KEY}",
      "models": [ { "id": "claude-sonnet-4-20250514", "name": "Claude Sonnet 4", "maxTokens": 8192 } ]
    }
  },
  "defaults": { "model": "anthropic/claude-sonnet-4-20250514" },
  "port": ${PORT},
  "retries": $RETRIES
}
CFG
"""
    found = scan("start.sh", text)
    assert values(found) == [(8, "claude-sonnet-4-20250514"), (11, "anthropic/claude-sonnet-4-20250514")]
    assert found[0].base_url == "https://api.anthropic.com" and found[1].base_url == "https://api.anthropic.com"
    assert found[1].canonical == "claude-sonnet-4-20250514"
    assert all(d.detector == "shell" and d.kind == "config" for d in found)


def test_heredoc_targets_env_tee_profile_and_text() -> None:
    text = ("cat > .env <<'EOF'\nOPENAI_MODEL=gpt-4o-mini\nEOF\n"
            "sudo tee /etc/app/settings.yaml >/dev/null <<EOF\nllm:\n  model: deepseek-chat\n"
            "  base_url: https://api.deepseek.com\nEOF\n"
            "cat >> ~/.bashrc <<-EOF\n\texport OLLAMA_MODEL=qwen2.5:7b\n\tEOF\n"
            "cat > README.md <<'EOF'\nollama pull llama3.2 works too\nEOF\n"
            "cat <<EOF\nUsage: $0 --model MODEL\nvllm serve is run by ops\nEOF\n"
            "echo $((1 << 3))\nollama pull smollm2:135m\n")
    found = scan("setup.sh", text)
    assert values(found) == [(2, "gpt-4o-mini"), (6, "deepseek-chat"), (10, "qwen2.5:7b"), (20, "smollm2:135m")]
    assert found[1].base_url == "https://api.deepseek.com"
    assert found[0].kind == "config" and found[0].provider == "openai"


def test_heredoc_bodies_are_never_commands_of_the_script_itself() -> None:
    text = ("ssh gpu-box <<'REMOTE'\nvllm serve mistralai/Mistral-7B-Instruct-v0.3 --port 8000\nREMOTE\n"
            "cat > Modelfile <<EOF\nFROM llama3.1:8b\nSYSTEM You answer in French.\nEOF\n"
            "ollama create tutor -f Modelfile\n")
    found = scan("remote.sh", text)
    assert values(found) == [(2, "mistralai/Mistral-7B-Instruct-v0.3"), (5, "llama3.1:8b")]
    assert found[1].hub == "ollama"


def test_dockerfile_heredocs_by_what_they_write() -> None:
    text = """FROM python:3.11-slim
ARG EMBED=sentence-transformers/all-MiniLM-L6-v2
RUN python3 <<EOF
from sentence_transformers import SentenceTransformer
SentenceTransformer("${EMBED}")
EOF
RUN <<EOF
huggingface-cli download Qwen/Qwen2.5-0.5B-Instruct
EOF
COPY <<EOF /app/config.yaml
llm:
  model: gpt-4o-mini
EOF
RUN cat > /app/.env <<EOF
ANTHROPIC_MODEL=claude-3-5-haiku-20241022
EOF
"""
    found = scan("Dockerfile", text)
    assert values(found) == [(2, "sentence-transformers/all-MiniLM-L6-v2"), (8, "Qwen/Qwen2.5-0.5B-Instruct"),
                             (12, "gpt-4o-mini"), (15, "claude-3-5-haiku-20241022")]
    assert [r.line for r in found[0].related] == [5]


def test_curl_json_bodies_to_model_apis() -> None:
    text = """MODEL=llama3.2:3b
curl http://localhost:11434/api/generate -d '{
  "model": "llama3.2:1b",
  "prompt": "hi"
}'
curl -s "${OLLAMA_HOST:-http://ollama:11434}/api/pull" -d "{\\"name\\": \\"$MODEL\\"}"
curl https://api.openai.com/v1/chat/completions -H "Authorization: Bearer $KEY" \\
  --data-raw '{"model": "gpt-4o-mini", "messages": []}'
curl -s https://api.deepseek.com/chat/completions -d @- <<JSON
{"model": "deepseek-reasoner", "messages": []}
JSON
curl "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent?key=$K" -d '{}'
http POST :11434/api/pull name=phi3:mini
curl -s http://localhost:8000/v1/models
curl https://shop.example.com/v1/orders -d '{"model": "bike-2024"}'
curl http://localhost:11434/api/generate -d "{\\"model\\": \\"$1\\"}"
"""
    found = scan("api.sh", text)
    assert values(found) == [(1, "llama3.2:3b"), (3, "llama3.2:1b"), (8, "gpt-4o-mini"), (10, "deepseek-reasoner"),
                             (12, "gemini-2.0-flash"), (13, "phi3:mini")]
    by_line = {d.line: d for d in found}
    assert by_line[1].base_url == "http://ollama:11434" and [r.line for r in by_line[1].related] == [6]
    assert (by_line[3].base_url, by_line[3].provider, by_line[3].hub) == ("http://localhost:11434", "ollama", "ollama")
    assert by_line[8].base_url == "https://api.openai.com/v1"
    assert by_line[10].base_url == "https://api.deepseek.com"


def test_positional_and_unset_parameters_are_never_models() -> None:
    text = ('docker compose exec ollama ollama pull "$1"\nollama run ${1} hi\n'
            'for m in "$@"; do ollama pull "$m"; done\n'
            "vllm serve $2 --port 8000\nollama pull ${MODEL}\nollama pull $(cat model.txt)\n"
            "ollama pull `cat model.txt`\nollama pull \"${1:-qwen2.5:0.5b}\"\n")
    assert values(scan("pull.sh", text)) == [(8, "qwen2.5:0.5b")]


def test_servers_are_local_endpoints_and_clis_run_in_process() -> None:
    text = ("vllm serve Qwen/Qwen2.5-1.5B-Instruct\nllama-server -m models/a-Q4_K_M.gguf --port 8080\n"
            "llama-cli -m models/b-Q4_K_M.gguf -p hi\npython -m llama_cpp.server --model models/c-Q8_0.gguf\n"
            "./server -m models/d-Q5_K_M.gguf\n"
            "docker run -p 8080:8080 ghcr.io/ggml-org/llama.cpp:server -m /m/e-Q4_0.gguf\n"
            "docker run ghcr.io/ggml-org/llama.cpp:light -m /m/f-Q4_0.gguf -p hi\n")
    providers = [d.provider for d in scan("serve.sh", text)]
    assert providers == ["vllm-server", "llama-cpp-server", "llama-cpp", "llama-cpp-server", "llama-cpp-server",
                         "llama-cpp-server", "llama-cpp"]


def test_a_stray_quote_does_not_swallow_the_script() -> None:
    text = "echo \"it's fine\"\necho $'don\\'t'\nx='never closed\nollama pull qwen3:4b\nollama pull gemma3:1b\n"
    assert values(scan("q.sh", text)) == [(4, "qwen3:4b"), (5, "gemma3:1b")]


def test_systemd_unit_exec_start_and_environment() -> None:
    text = ("[Service]\nEnvironment=\"MODEL=Qwen/Qwen2.5-7B-Instruct\" \"PORT=8000\"\n"
            "ExecStart=/opt/venv/bin/vllm serve ${MODEL} \\\n    --port ${PORT}\n"
            "ExecStartPost=-/usr/bin/curl -s localhost:8000/health\n")
    (d,) = scan("vllm.service", text)
    assert (d.line, d.value, d.provider, [r.line for r in d.related]) == (
        2, "Qwen/Qwen2.5-7B-Instruct", "vllm-server", [3])


def test_powershell_rest_calls_to_ollama() -> None:
    text = ("Invoke-RestMethod -Uri http://localhost:11434/api/pull -Method Post -Body '{\"name\": \"phi3.5\"}'\n"
            "$r = irm http://localhost:11434/api/generate -Method Post -Body '{\"model\": \"gemma2:2b\"}'\n")
    assert values(scan("setup.ps1", text)) == [(1, "phi3.5"), (2, "gemma2:2b")]


def test_modelfile_quoted_windows_and_spaced_paths() -> None:
    text = ('FROM "C:\\Users\\dev\\My Models\\tinyllama-1.1b-chat.Q4_K_M.gguf"\n'
            "ADAPTER './adapters/my lora/adapter.safetensors'\n")
    base, adapter = scan("Modelfile", text, ModelfileDetector())
    assert (base.line, base.value, base.hub) == (
        1, "C:\\Users\\dev\\My Models\\tinyllama-1.1b-chat.Q4_K_M.gguf", "file")
    assert base.canonical == "C:/Users/dev/My Models/tinyllama-1.1b-chat.Q4_K_M.gguf"
    assert (adapter.value, adapter.hub) == ("./adapters/my lora/adapter.safetensors", "file")
    assert scan("Modelfile", 'FROM "a note about llama3"\n', ModelfileDetector()) == []


def test_heredoc_python_run_through_runners_and_containers() -> None:
    text = ("uv run python - <<'PY'\nfrom transformers import AutoModel\n"
            "AutoModel.from_pretrained(\"google/gemma-2-2b-it\")\n"
            "PY\nkubectl exec -i deploy/worker -- python3 - <<PY\n"
            "from sentence_transformers import SentenceTransformer\n"
            "SentenceTransformer(\"intfloat/e5-small-v2\")\nPY\n")
    found = scan("warm.sh", text)
    assert values(found) == [(3, "google/gemma-2-2b-it"), (7, "intfloat/e5-small-v2")]
    assert [d.provider for d in found] == ["transformers", "sentence-transformers"]


def test_a_quoted_heredoc_writes_variables_literally_unless_envsubst_expands_them() -> None:
    text = ("MODEL=qwen2.5:7b\ncat > .env <<'EOF'\nOLLAMA_MODEL=$MODEL\nEOF\n"
            "cat <<'EOF' | envsubst > app.env\nOLLAMA_MODEL=${MODEL}\nEOF\n")
    (d,) = scan("gen.sh", text)
    assert (d.line, d.value, [r.line for r in d.related]) == (1, "qwen2.5:7b", [6])
