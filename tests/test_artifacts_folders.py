"""Hugging Face folders, the HF cache layout, PEFT adapters, Ollama stores, and trees of models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_artifacts_support import link_or_symlink, models_dir, real, write_gguf, write_safetensors  # noqa: F401

from upstream.artifacts import file_card, inspect_path
from upstream.artifacts.hf_folder import front_matter
from upstream.artifacts.hub import hf_cache_repo, ollama_tag

REV = "0123456789abcdef0123456789abcdef01234567"
README = """---
license: other
license_name: qwen-research
base_model:
- Qwen/Qwen2.5-Coder-7B
- Qwen/Qwen2.5-Coder-7B
base_model_relation: finetune
datasets: [bigcode/the-stack-v2]
pipeline_tag: text-generation
---
# Acme Coder
"""


def _hf_folder(folder: Path, adapter: bool = False) -> Path:
    folder.mkdir(parents=True)
    if adapter:
        (folder / "adapter_config.json").write_text(json.dumps(
            {"base_model_name_or_path": "Qwen/Qwen2.5-Coder-7B-Instruct", "peft_type": "LORA", "r": 16}))
        write_safetensors(folder / "adapter_model.safetensors", {"base_model.model.q.lora_A.weight": ("F16", (16, 64))})
    else:
        (folder / "config.json").write_text(json.dumps({
            "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "_name_or_path": "Qwen/Qwen2.5-Coder-7B",
            "vocab_size": 152064, "max_position_embeddings": 32768, "torch_dtype": "bfloat16",
            "quantization_config": {"quant_method": "awq", "bits": 4}}))
        write_safetensors(folder / "model.safetensors", {"model.embed_tokens.weight": ("BF16", (152064, 8))})
    (folder / "README.md").write_text(README)
    (folder / "generation_config.json").write_text(json.dumps({"eos_token_id": [151645, 151643], "top_p": 0.8}))
    (folder / "tokenizer_config.json").write_text(json.dumps(
        {"chat_template": "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>{% endfor %}"
                          "You are Qwen, created by Alibaba Cloud.", "tokenizer_class": "Qwen2Tokenizer"}))
    return folder


def test_hf_folder_card(tmp_path: Path) -> None:
    folder = _hf_folder(tmp_path / "acme-coder-7b")
    cards = inspect_path(str(folder)).cards
    assert len(cards) == 1
    card = cards[0]
    assert card.format == "hf-folder" and card.architecture == "Qwen2ForCausalLM"
    assert card.identity.name == "acme-coder-7b" and card.identity.family == "qwen"
    assert card.identity.basis[0] == "chat template"
    assert card.license == "other (qwen-research)" and card.quantization == "awq 4-bit"
    relations = {(b.hub_id, b.relation) for b in card.base_models}
    assert ("Qwen/Qwen2.5-Coder-7B", "finetune") in relations
    assert card.datasets[0].hub_id == "bigcode/the-stack-v2"
    assert card.tokenizer is not None and "Qwen default system prompt" in card.tokenizer.chat_template_clues
    assert any("152,064" in x for x in card.lineage)
    assert card.metadata["generation_config.eos_token_id"] == "151645, 151643"


def test_peft_adapter_names_its_base(tmp_path: Path) -> None:
    folder = _hf_folder(tmp_path / "my-lora", adapter=True)
    card = inspect_path(str(folder)).cards[0]
    assert card.format == "peft-adapter"
    assert card.base_models[0].hub_id == "Qwen/Qwen2.5-Coder-7B-Instruct" and card.base_models[0].relation == "adapter"
    assert card.identity.family == "qwen"
    assert any("adapter" in x for x in card.lineage)


def test_hf_cache_layout_gives_repo_and_revision(tmp_path: Path, models_dir: Path) -> None:  # noqa: F811
    repo = tmp_path / "hub" / "models--Qwen--Qwen2.5-Coder-0.5B-Instruct-GGUF"
    snap = repo / "snapshots" / REV
    snap.mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(REV)
    link_or_symlink(real(models_dir, "qwen-0.5b"), snap / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf")
    assert hf_cache_repo(str(snap / "x.gguf")) == ("Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF", REV, str(repo))
    for target in (tmp_path / "hub", repo, snap):
        cards = inspect_path(str(target)).cards
        assert len(cards) == 1, target
        card = cards[0]
        assert card.identity.canonical == "Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF" and card.identity.hub == "huggingface"
        assert card.revision == REV and card.identity.family == "qwen" and card.format == "gguf"


def test_ollama_store(tmp_path: Path, models_dir: Path) -> None:  # noqa: F811
    store = tmp_path / ".ollama" / "models"
    blobs = store / "blobs"
    blobs.mkdir(parents=True)
    model_digest = "a" * 64
    link_or_symlink(real(models_dir, "qwen-0.5b"), blobs / f"sha256-{model_digest}")
    texts = {"b" * 64: "{{ .System }}<|im_start|>user\n{{ .Prompt }}<|im_end|>", "c" * 64: "Apache License 2.0\n..."}
    for digest, text in texts.items():
        (blobs / f"sha256-{digest}").write_text(text)
    manifest = {"schemaVersion": 2, "layers": [
        {"mediaType": "application/vnd.ollama.image.model", "digest": f"sha256:{model_digest}"},
        {"mediaType": "application/vnd.ollama.image.template", "digest": f"sha256:{'b' * 64}"},
        {"mediaType": "application/vnd.ollama.image.license", "digest": f"sha256:{'c' * 64}"},
    ]}
    for ns, name, tag in (("library", "qwen2.5-coder", "0.5b"), ("acme", "coder", "latest")):
        d = store / "manifests" / "registry.ollama.ai" / ns / name
        d.mkdir(parents=True)
        (d / tag).write_text(json.dumps(manifest))
    cards = inspect_path(str(tmp_path / ".ollama")).cards
    assert sorted(c.identity.canonical or "" for c in cards) == ["acme/coder:latest", "qwen2.5-coder:0.5b"]
    card = next(c for c in cards if c.identity.canonical == "qwen2.5-coder:0.5b")
    assert card.format == "ollama" and card.identity.hub == "ollama" and card.identity.family == "qwen"
    assert card.license == "Apache License 2.0" and card.parameters == 630_167_424
    # the blob alone finds its tags
    blob_card = file_card(str(blobs / f"sha256-{model_digest}"), f"sha256-{model_digest}")
    assert blob_card is not None and blob_card.identity.canonical in ("acme/coder:latest", "qwen2.5-coder:0.5b")
    assert ollama_tag("example.com", "team", "m", "v1") == "example.com/team/m:v1"


def test_tree_with_several_artifacts(tmp_path: Path, models_dir: Path) -> None:  # noqa: F811
    link_or_symlink(real(models_dir, "smollm2"), tmp_path / "weights.gguf")
    _hf_folder(tmp_path / "models" / "acme-coder-7b")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("print('hi')\n")
    (tmp_path / "node_modules").mkdir()
    write_gguf(tmp_path / "node_modules" / "ignored.gguf")
    result = inspect_path(str(tmp_path))
    paths = sorted(c.path for c in result.cards)
    assert paths == ["models/acme-coder-7b", "weights.gguf"]
    assert not result.skipped


def test_front_matter_is_parsed_safely() -> None:
    assert front_matter("---\nlicense: mit\n---\nbody") == {"license": "mit"}
    assert front_matter("---\n!!python/object/apply:os.system ['id']\n---\n") is None
    assert front_matter("no front matter") is None
    assert front_matter("---\n[unclosed\n---\n") is None


@pytest.mark.parametrize("name", ["model.safetensors", "model.gguf"])
def test_lfs_pointers_are_not_weights(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text("version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n")
    result = inspect_path(str(tmp_path / name))
    assert not result.cards and "LFS" in result.skipped[0]


def test_gguf_repo_readme_gives_the_base(tmp_path: Path) -> None:
    repo = tmp_path / "Acme-7B-GGUF"
    repo.mkdir()
    (repo / "README.md").write_text("---\nbase_model: acme/Acme-7B\nbase_model_relation: quantized\n"
                                    "license: apache-2.0\n---\n# Acme 7B GGUF\n")
    write_gguf(repo / "acme-7b-q4_k_m.gguf", kv=[("general.name", "Acme 7B")])
    cards = inspect_path(str(repo)).cards
    assert [c.path for c in cards] == ["acme-7b-q4_k_m.gguf"]
    card = cards[0]
    assert [(b.hub_id, b.relation) for b in card.base_models] == [("acme/Acme-7B", "quantized")]
    assert card.license == "apache-2.0"
