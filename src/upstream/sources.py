"""Walking the tree: which files exist, which are vendored or gitignored, which links loop.

The walk yields `Entry` values (path and size) and records what it skipped; reading is left to the
pipeline, which knows which detectors want a file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from upstream.evidence import Skipped

if TYPE_CHECKING:
    import pathspec

# Directory names that hold other people's code or build output: skipped unless asked for.
VENDORED_DIRS = frozenset({
    "node_modules", "bower_components", "jspm_packages", ".venv", "venv", ".virtualenv", "virtualenv",
    "site-packages", "dist-packages", ".git", ".hg", ".svn", ".bzr", "__pycache__", ".tox", ".nox",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis", ".ipynb_checkpoints", ".eggs", "build",
    "dist", ".next", ".nuxt", ".svelte-kit", ".turbo", ".parcel-cache", ".gradle", ".terraform",
    "htmlcov", ".coverage_html", ".idea", ".vscode-test", ".cache", ".pnpm-store", ".yarn", "vendor",
    "third_party_vendored", ".direnv", ".conda", "conda-meta", "target",
})


class Entry(NamedTuple):
    """A file to read (a named tuple: the walk makes one per file, and a tuple is the cheapest to make)."""

    path: str  # relative to root, POSIX separators
    abspath: str


@dataclass(slots=True)
class WalkResult:
    skipped: list[Skipped] = field(default_factory=list)
    files_seen: int = 0
    dirs_skipped: int = 0


@dataclass(slots=True)
class _Ignore:
    base: str  # relative dir of the .gitignore ("" for root)
    spec: pathspec.GitIgnoreSpec


def _is_venv(abspath: str) -> bool:
    return os.path.isfile(os.path.join(abspath, "pyvenv.cfg"))


def _load_gitignore(abs_dir: str, rel_dir: str, extra: str | None = None) -> _Ignore | None:
    lines: list[str] = []
    for name in (".gitignore", extra) if extra else (".gitignore",):
        p = os.path.join(abs_dir, name)
        try:
            with open(p, encoding="utf-8", errors="replace") as fh:
                lines.extend(fh.read(1 << 20).splitlines())
        except OSError:
            continue
    lines = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        return None
    import pathspec  # only trees with a .gitignore pay for the import

    return _Ignore(rel_dir, pathspec.GitIgnoreSpec.from_lines(lines))


def _ignored(ignores: list[_Ignore], rel: str, is_dir: bool) -> bool:
    for ig in ignores:
        if ig.base:
            if not rel.startswith(ig.base + "/"):
                continue
            sub = rel[len(ig.base) + 1 :]
        else:
            sub = rel
        if ig.spec.match_file(sub + "/" if is_dir else sub):
            return True
    return False


def walk(root: str, result: WalkResult, include_vendored: bool = False, use_gitignore: bool = True,
         follow_symlinks: bool = True) -> Iterator[Entry]:
    """Yield every regular file under `root` that is not skipped, recording what is skipped and why."""
    root_abs = os.path.abspath(root)
    root_real = os.path.realpath(root_abs)
    if os.path.isfile(root_abs):
        result.files_seen += 1
        yield Entry(os.path.basename(root_abs), root_abs)
        return
    visited: set[tuple[int, int]] = set()
    try:
        st = os.stat(root_abs)
        visited.add((st.st_dev, st.st_ino))
    except OSError as exc:
        result.skipped.append(Skipped(path=".", reason="unreadable", detail=exc.strerror))
        return
    root_ignores: list[_Ignore] = []
    if use_gitignore:
        ig = _load_gitignore(root_abs, "", os.path.join(".git", "info", "exclude"))
        if ig:
            root_ignores.append(ig)
    stack: list[tuple[str, str, list[_Ignore]]] = [(root_abs, "", root_ignores)]
    while stack:
        abs_dir, rel_dir, ignores = stack.pop()
        try:
            it = os.scandir(abs_dir)
        except OSError as exc:
            result.skipped.append(Skipped(path=rel_dir or ".", reason="unreadable", detail=exc.strerror))
            continue
        with it:
            entries = sorted(it, key=lambda e: e.name)
        if use_gitignore and rel_dir and any(e.name == ".gitignore" for e in entries):
            ig = _load_gitignore(abs_dir, rel_dir)
            if ig:
                ignores = [*ignores, ig]
        subdirs: list[tuple[str, str]] = []
        for e in entries:
            rel = f"{rel_dir}/{e.name}" if rel_dir else e.name
            try:
                if e.is_symlink():
                    if not follow_symlinks:
                        continue
                    try:
                        target = os.path.realpath(e.path, strict=True)
                    except (OSError, RuntimeError):
                        result.skipped.append(Skipped(path=rel, reason="symlink-loop",
                                                      detail="link cannot be resolved"))
                        continue
                    if target != root_real and not target.startswith(root_real + os.sep):
                        result.skipped.append(Skipped(path=rel, reason="symlink-outside-root", detail=target))
                        continue
                is_dir = e.is_dir()
                is_file = not is_dir and e.is_file()
            except OSError as exc:
                result.skipped.append(Skipped(path=rel, reason="unreadable", detail=exc.strerror))
                continue
            if is_dir:
                if not include_vendored and (e.name in VENDORED_DIRS or e.name.endswith(".egg-info")
                                             or _is_venv(e.path)):
                    result.dirs_skipped += 1
                    result.skipped.append(Skipped(path=rel + "/", reason="vendored"))
                    continue
                if ignores and _ignored(ignores, rel, True):
                    result.dirs_skipped += 1
                    result.skipped.append(Skipped(path=rel + "/", reason="gitignored"))
                    continue
                if follow_symlinks:
                    try:
                        st = e.stat()
                    except OSError as exc:
                        result.skipped.append(Skipped(path=rel + "/", reason="unreadable", detail=exc.strerror))
                        continue
                    key = (st.st_dev, st.st_ino)
                    if key in visited:
                        result.skipped.append(Skipped(path=rel + "/", reason="symlink-loop",
                                                      detail="directory already visited"))
                        continue
                    visited.add(key)
                subdirs.append((e.path, rel))
            elif is_file:
                result.files_seen += 1
                if ignores and _ignored(ignores, rel, False):
                    result.skipped.append(Skipped(path=rel, reason="gitignored"))
                    continue
                yield Entry(rel, e.path)
            else:
                result.skipped.append(Skipped(path=rel, reason="not-a-file"))
        for abs_sub, rel_sub in reversed(subdirs):
            stack.append((abs_sub, rel_sub, ignores))
