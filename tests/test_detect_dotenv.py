"""Model and endpoint settings in .env files."""

from __future__ import annotations

import pytest

from upstream.detect import Detection, FileInput, ParseError
from upstream.detect.dotenv import DotenvDetector, parse_dotenv


def scan(text: str, name: str = ".env.example") -> list[Detection]:
    data = text.encode()
    return list(DotenvDetector().detect(FileInput(name, "/nonexistent/" + name, len(data), data)))


def test_wants_env_files_and_templates() -> None:
    det = DotenvDetector()
    for name in (".env", ".env.example", ".env.local", ".env.sample", "docker.env", "env.example"):
        suffix = ".env" if name.endswith(".env") else ""
        assert det.wants(name, name, suffix), name
    assert not det.wants(".envrc", ".envrc", "")
    assert not det.wants("environment.yml", "environment.yml", ".yml")


def test_parse_export_quotes_comments() -> None:
    text = ("export A=1\nB='two words'  # note\nC=\"x\"\n# D=commented\nE=plain # comment\n"
            "F=\"multi\nline\"\nG=after\n")
    pairs = [(p.key, p.value, p.line) for p in parse_dotenv(text)]
    assert pairs == [("A", "1", 1), ("B", "two words", 2), ("C", "x", 3), ("E", "plain", 5),
                     ("F", "multi\nline", 6), ("G", "after", 8)]


def test_model_tied_to_base_url_with_same_prefix() -> None:
    text = ("OPENAI_BASE_URL=https://api.openai.com/v1\nDEEPSEEK_BASE_URL=https://api.deepseek.com\n"
            "DEEPSEEK_MODEL=deepseek-chat\nOPENAI_MODEL=gpt-4o-mini\n")
    found = {d.value: d for d in scan(text)}
    assert found["deepseek-chat"].base_url == "https://api.deepseek.com"
    assert found["deepseek-chat"].provider == "deepseek"
    assert found["gpt-4o-mini"].base_url == "https://api.openai.com/v1"
    assert (found["gpt-4o-mini"].line, found["gpt-4o-mini"].kind, found["gpt-4o-mini"].detector) == (
        4, "env", "dotenv")


def test_sole_base_url_is_tied_unless_the_prefix_names_another_provider() -> None:
    text = "LLM_BASE_URL=http://localhost:8000/v1\nLLM_MODEL=Qwen/Qwen2.5-7B\nANTHROPIC_MODEL=claude-3-5-haiku-latest\n"
    found = {d.value: d for d in scan(text)}
    assert found["Qwen/Qwen2.5-7B"].base_url == "http://localhost:8000/v1"
    assert found["claude-3-5-haiku-latest"].base_url is None
    assert found["claude-3-5-haiku-latest"].provider == "anthropic"


def test_provider_prefix_implies_provider_and_ollama_hub() -> None:
    (d,) = scan("OLLAMA_MODEL=mistral\n")
    assert (d.provider, d.hub, d.value) == ("ollama", "ollama", "mistral")


def test_endpoint_only_and_model_lists() -> None:
    found = scan("OLLAMA_HOST=http://127.0.0.1:11434\nOPENAI_MODELS=gpt-4o,gpt-4o-mini\n"
                 "DATABASE_URL=postgres://db/app\n", ".env")
    assert [(d.subject, d.value, d.line) for d in found] == [
        ("endpoint", "http://127.0.0.1:11434", 1), ("model", "gpt-4o", 2), ("model", "gpt-4o-mini", 2)]
    (ep,) = scan("OLLAMA_BASE_URL=http://ollama:11434\nREDIS_URL=redis://r:6379\n")
    assert (ep.subject, ep.value, ep.line) == ("endpoint", "http://ollama:11434", 1)


def test_look_alikes() -> None:
    text = ("AUTH_USER_MODEL=accounts.User\nPHONE_MODEL=Pixel-8\nMODEL_CACHE_DIR=/data/models\n"
            "CHAT_MODEL=your-model-here\nTITLE_MODEL=current_model\nDEBUG_MODEL=false\n"
            "NEXT_PUBLIC_API_BASE_URL=http://localhost:3000/api\n# OPENAI_MODEL=gpt-4o\n")
    assert scan(text) == []


def test_a_stray_non_utf8_byte_costs_only_its_own_line() -> None:
    data = "OPENAI_MODEL=gpt-4o\nAPP_TITLE=Caf\xe9 bot\nEMBEDDING_MODEL=text-embedding-3-small\n".encode("latin-1")
    found = list(DotenvDetector().detect(FileInput(".env", "/nonexistent/.env", len(data), data)))
    assert [(d.line, d.value) for d in found] == [(1, "gpt-4o"), (3, "text-embedding-3-small")]
    binary = bytes(range(256)) * 8
    with pytest.raises(ParseError):
        list(DotenvDetector().detect(FileInput(".env", "/nonexistent/.env", len(binary), binary)))
