"""`upstream inspect` called as a function: exit codes, the model card, JSON, -o."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest
from pydantic import TypeAdapter
from test_artifacts_pickle import PROTO4_MEMO
from test_artifacts_support import link_or_symlink, models_dir, real, write_gguf  # noqa: F401  (fixture)

from upstream.artifacts import InspectReport
from upstream.commands import EXIT_INCOMPLETE, EXIT_OK
from upstream.commands import inspect as command
from upstream.errors import UsageError


def run(*argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="upstream")
    command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["inspect", *argv])
    out, err = io.StringIO(), io.StringIO()
    code = args.run(args, out, err)
    return code, out.getvalue(), err.getvalue()


def test_table_card_for_a_renamed_real_model(models_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    path = link_or_symlink(real(models_dir, "qwen-1.5b"), tmp_path / "model.gguf")
    code, out, err = run(str(path), "-f", "table")
    assert code == EXIT_OK
    assert "Qwen2.5-Coder-1.5B-Instruct - Qwen family" in out
    assert "exact match: Qwen2 / Qwen2.5 / Qwen3" in out
    assert "licence       (not declared in the artifact)" in out
    assert "safety        safe (gguf)" in out
    assert "1 artifact(s)" in err


def test_json_is_the_same_card(models_dir: Path) -> None:  # noqa: F811
    code, out, _ = run(str(real(models_dir, "gemma3")), "-f", "json")
    assert code == EXIT_OK
    report = TypeAdapter(InspectReport).validate_json(out)
    card = report.artifacts[0]
    assert card.identity.family == "gemma" and card.license == "gemma" and card.architecture == "gemma3"
    assert json.loads(out)["artifacts"][0]["tokenizer"]["match"]["entry"] == "gemma3"


def test_output_file_and_quiet(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "m.gguf", kv=[("general.name", "Mistral 7B Instruct v0.3")])
    target = tmp_path / "card.json"
    code, out, err = run(str(path), "-o", str(target), "-q")
    assert code == EXIT_OK and out == "" and err == ""
    assert TypeAdapter(InspectReport).validate_json(target.read_text()).artifacts[0].identity.family == "mistral"


def test_unsafe_pickle_shows_in_the_card(tmp_path: Path) -> None:
    (tmp_path / "model.pt").write_bytes(PROTO4_MEMO)
    code, out, err = run(str(tmp_path / "model.pt"), "-f", "table")
    assert code == EXIT_OK
    assert "dangerous (pickle, can run code when loaded)" in out
    assert "posix.system" in out and "unsafe-pickle" in out
    assert "1 unsafe to load" in err


def test_not_a_model_and_missing_paths(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    code, out, err = run(str(tmp_path / "notes.txt"), "-f", "table")
    assert code == EXIT_INCOMPLETE and "no model artifact found" in out and "not a model format" in out
    assert "0 artifact(s)" in err
    (tmp_path / "broken.gguf").write_bytes(b"GGUF\x09\x00\x00\x00")
    code, out, _ = run(str(tmp_path / "broken.gguf"), "-f", "json")
    assert code == EXIT_INCOMPLETE and json.loads(out)["skipped"][0].startswith("broken.gguf: unsupported GGUF")
    with pytest.raises(UsageError):
        run(str(tmp_path / "nope"))
