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
    assert (d.line, d.value, d.provider) == (1, "Qwen/Qwen2.5-7B-Instruct", "vllm")
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
    assert [d.provider for d in found] == ["tgi", "vllm", "ollama"]


def test_generic_flags_need_a_model_shape_and_aliases_are_skipped() -> None:
    text = ("python train.py --model_name_or_path google/gemma-2-2b --output_dir out\n"
            "python serve.py --model_name qwen-chat --model_id Qwen/Qwen2.5-3B-Instruct\n"
            "python app.py --model default --model-cache .cache\n")
    assert values(scan("t.sh", text)) == [(1, "google/gemma-2-2b"), (2, "Qwen/Qwen2.5-3B-Instruct")]


def test_comments_heredocs_and_echo_are_not_commands() -> None:
    text = ("# ollama pull llama3\necho 'run: ollama pull llama3'\ncat <<EOF > Modelfile\nFROM llama3\n"
            "vllm serve x/y\nEOF\n")
    assert scan("s.sh", text) == []


def test_makefile_variables_and_recipes() -> None:
    text = "MODEL ?= meta-llama/Llama-3.2-1B  # default\n\nserve:\n\tvllm serve $(MODEL) --port 8000\n"
    (d,) = scan("Makefile", text)
    assert (d.line, d.value, d.provider, [r.line for r in d.related]) == (
        1, "meta-llama/Llama-3.2-1B", "vllm", [4])


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
    assert found[2].provider == "vllm", "a bare CMD goes to the vLLM image's server"


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


def test_invalid_utf8_raises_parse_error() -> None:
    data = b"ollama pull \xff\xfe\n"
    with pytest.raises(ParseError):
        list(ShellDetector().detect(FileInput("x.sh", "/nonexistent/x.sh", len(data), data)))


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
