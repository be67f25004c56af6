"""`upstream explain` and `upstream kb`, called as functions and checked on exit status and output."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from upstream.commands import explain, kb
from upstream.errors import UsageError


def run(*argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="upstream")
    sub = parser.add_subparsers(dest="command")
    explain.register(sub)
    kb.register(sub)
    args = parser.parse_args(list(argv))
    out, err = io.StringIO(), io.StringIO()
    code = args.run(args, out, err)
    return code, out.getvalue(), err.getvalue()


def test_card_keeps_developer_and_operator_apart() -> None:
    code, out, _ = run("explain", "openrouter/qwen/qwen3-coder")
    assert code == 0
    developer = out.split("Developer:")[1].split("\n")[0]
    served = out.split("Served by")[1].split("\n")[1]
    assert "Alibaba" in developer and "country: CN" in out
    assert "openrouter" in served.lower() and "Alibaba" not in served


def test_card_shows_the_distill_with_two_roots_and_relations() -> None:
    code, out, _ = run("explain", "deepseek-r1:7b")
    assert code == 0
    assert "distilled from (teacher) deepseek-ai/DeepSeek-R1" in out
    assert "fine-tuned from Qwen/Qwen2.5-Math-7B" in out
    roots = out.split("roots:")[1].split("\n")[0]
    assert "Qwen/Qwen2.5-Math-7B" in roots and "DeepSeek-V3-Base" in roots
    assert "[gh-ds-r1 2025-04-09]" in out  # every lineage fact with its source and date


def test_card_shows_licence_limits() -> None:
    code, out, _ = run("explain", "tencent/Hunyuan-A13B-Instruct")
    assert code == 0
    assert "territory-exclusion [EU, GB, KR]" in out
    code, out, _ = run("explain", "meta-llama/Llama-3.2-11B-Vision-Instruct")
    assert "700M monthly active users" not in out.split("Licence:")[0]
    assert "territory-exclusion [EU]" in out


def test_json_output_is_the_provenance_model() -> None:
    code, out, _ = run("explain", "deepseek-chat", "-f", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["developer"]["country"] == "CN" and doc["status"] == "known"
    assert doc["kb_version"].startswith("kb-")
    assert all(s["id"] and s["title"] for s in doc["sources"])


def test_unknown_says_what_was_tried() -> None:
    code, out, _ = run("explain", "my-company/internal-chat-model")
    assert code == 0
    assert "status: unknown" in out and "Tried:" in out and "exact id or alias" in out


def test_empty_reference_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        run("explain", " ")


def test_kb_validate_passes_on_the_embedded_data() -> None:
    code, out, _ = run("kb", "validate")
    assert code == 0, out
    assert "0 problem(s)" in out


def test_kb_validate_fails_on_a_dangling_parent(tmp_path: Path) -> None:
    import shutil

    data = Path(__file__).resolve().parents[1] / "src" / "upstream" / "kb" / "data"
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    fam = copy / "families" / "microsoft.yaml"
    fam.write_text(fam.read_text(encoding="utf-8").replace("model: microsoft/phi-4", "model: microsoft/phi-404"),
                   encoding="utf-8")
    code, out, _ = run("kb", "validate", str(copy))
    assert code == 1
    assert "lineage parent 'microsoft/phi-404'" in out


def test_kb_show_and_search() -> None:
    code, out, _ = run("kb", "show", "deepseek-r1:7b")
    assert code == 0 and "DeepSeek-R1-Distill-Qwen-7B" in out and "family: deepseek-r1-distill" in out
    code, out, _ = run("kb", "show", "hunyuan-community", "-f", "json")
    assert json.loads(out)["restrictions"][0]["territories"] == ["EU", "GB", "KR"]
    code, out, _ = run("kb", "search", "kimi")
    assert "kimi-k2" in out and "moonshotai/Kimi-K2-Instruct" in out
    with pytest.raises(UsageError):
        run("kb", "show", "no-such-record")


def test_kb_schema_matches_the_published_file(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    code, _, _ = run("kb", "schema", "-o", str(target))
    published = Path(__file__).resolve().parents[1] / "schema" / "kb" / "knowledge-base-1.0.0.json"
    assert code == 0 and target.read_text(encoding="utf-8") == published.read_text(encoding="utf-8")
