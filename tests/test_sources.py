"""The tree walk: vendored and gitignored trees skipped and counted, links that loop or escape recorded."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from upstream.sources import WalkResult, walk


def _walk(root: Path, **kw: bool) -> tuple[list[str], WalkResult]:
    res = WalkResult()
    return sorted(e.path for e in walk(str(root), res, **kw)), res


def _touch(path: Path, text: str = "x") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_vendored_trees_are_skipped_and_counted(tmp_path: Path) -> None:
    _touch(tmp_path / "app" / "main.py")
    _touch(tmp_path / "node_modules" / "openai" / "index.js")
    _touch(tmp_path / ".venv" / "lib" / "x.py")
    _touch(tmp_path / "env" / "pyvenv.cfg")  # a virtualenv under an unusual name
    _touch(tmp_path / "env" / "lib" / "site.py")
    _touch(tmp_path / "web" / "dist" / "bundle.js")
    paths, res = _walk(tmp_path)
    assert paths == ["app/main.py"]
    assert {s.path for s in res.skipped if s.reason == "vendored"} == {"node_modules/", ".venv/", "env/", "web/dist/"}
    assert res.dirs_skipped == 4


def test_include_vendored_reads_them(tmp_path: Path) -> None:
    _touch(tmp_path / "node_modules" / "openai" / "index.js")
    paths, _ = _walk(tmp_path, include_vendored=True)
    assert paths == ["node_modules/openai/index.js"]


def test_gitignore_at_root_and_nested(tmp_path: Path) -> None:
    _touch(tmp_path / ".gitignore", "*.log\nsecrets/\n!keep.log\n")
    _touch(tmp_path / "a.log")
    _touch(tmp_path / "keep.log")
    _touch(tmp_path / "secrets" / "x.env")
    _touch(tmp_path / "sub" / ".gitignore", "local.yaml\n")
    _touch(tmp_path / "sub" / "local.yaml")
    _touch(tmp_path / "sub" / "shared.yaml")
    _touch(tmp_path / "other" / "local.yaml")
    paths, res = _walk(tmp_path)
    assert paths == [".gitignore", "keep.log", "other/local.yaml", "sub/.gitignore", "sub/shared.yaml"]
    assert {s.path for s in res.skipped if s.reason == "gitignored"} == {"a.log", "secrets/", "sub/local.yaml"}
    everything, _ = _walk(tmp_path, use_gitignore=False)
    assert "sub/local.yaml" in everything and "secrets/x.env" in everything


def test_symlink_loop_is_recorded_not_followed_forever(tmp_path: Path) -> None:
    _touch(tmp_path / "a" / "f.py")
    os.symlink(tmp_path / "a", tmp_path / "a" / "loop")
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling")
    paths, res = _walk(tmp_path)
    assert paths == ["a/f.py"]
    reasons = {s.path: s.reason for s in res.skipped}
    assert reasons["a/loop/"] == "symlink-loop"
    assert reasons["dangling"] == "symlink-loop"


def test_symlink_outside_root_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    _touch(outside / "secret.py")
    root = tmp_path / "root"
    _touch(root / "main.py")
    os.symlink(outside, root / "linked")
    paths, res = _walk(root)
    assert paths == ["main.py"]
    assert [s.reason for s in res.skipped] == ["symlink-outside-root"]


def test_unreadable_directory_is_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # CI runs as root, which reads any directory: the permission error is simulated.
    _touch(tmp_path / "locked" / "x.py")
    _touch(tmp_path / "open" / "y.py")
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    paths, res = _walk(tmp_path)
    assert paths == ["open/y.py"]
    assert [(s.path, s.reason, s.detail) for s in res.skipped] == [("locked", "unreadable", "Permission denied")]


def test_fifo_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    paths, res = _walk(tmp_path)
    assert paths == []
    assert [(s.path, s.reason) for s in res.skipped] == [("pipe.py", "not-a-file")]


def test_single_file_root(tmp_path: Path) -> None:
    _touch(tmp_path / "one.py")
    paths, res = _walk(tmp_path / "one.py")
    assert paths == ["one.py"] and res.files_seen == 1
