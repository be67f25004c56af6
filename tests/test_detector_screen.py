"""Detector screens: the core asks a detector's `wants` only about files its screen admits, so a screen that is
narrower than `wants` would silently drop files from the scan. This checks, over every file in the repository's
fixture corpus and a list of names real projects use, that dispatching through the screens picks exactly the
detectors that asking every detector would pick."""

from __future__ import annotations

from pathlib import Path

import pytest

from upstream.detect import Screen
from upstream.detect.runner import wanting
from upstream.registry import detectors

ROOT = Path(__file__).resolve().parents[1]
BLOB = "sha256-" + "0" * 64
NAMES = [
    "Dockerfile", "dockerfile", "Dockerfile.dev", "dockerfile-gpu", "Dockerfile_cuda", "app.Dockerfile",
    "Containerfile", "containerfile.prod", "base.containerfile", "Makefile", "makefile", "GNUmakefile", "rules.mk",
    "justfile", ".justfile", "Justfile", "Procfile", "procfile.web", ".envrc", ".env", ".env.local", ".ENV.example",
    "prod.env", "env.example", "env.sample", "env.template", "example.env", "sample.env", "template.env",
    "dot-env", "dotenv", "env.dist", "Modelfile", "modelfile.llama3", "llama3.modelfile", "README", "readme.md",
    "README.zh-CN.md", "README.rst", "readme.txt", "README.fr", "README.pt_BR", "Readme.markdown", "CHANGELOG.md",
    "notes.txt", "guide.mdx", "rules.mdc", "Pipfile", "pyproject.toml", "setup.cfg", "requirements.txt",
    "requirements-dev.in", "constraints.txt", "environment.yml", "environment.yaml", "conda.yaml", "package.json",
    "package-lock.json", "adapter_config.json", "adapter_model.safetensors", "model-00001-of-00002.safetensors",
    "model.gguf", "MODEL.GGUF", "weights.pt", "optimizer.pt", "training_args.bin", "trainer_state.json",
    "model.onnx", "x.llamafile", BLOB, "sha256:" + "a" * 64, "nb.ipynb", "a.py", "a.pyi", "gui.pyw", "A.PY",
    "index.js", "x.mjs", "x.cjs", "x.jsx", "x.ts", "x.tsx", "x.mts", "x.cts", "types.d.ts", "app.min.js",
    "vendor.bundle.js", "Comp.vue", "Comp.svelte", "run.sh", "run.bash", "x.zsh", "x.ksh", "go.command", "x.bat",
    "x.cmd", "x.ps1", "llm.service", "config.yaml", "config.yml", "x.json", "x.jsonc", "app.ini", "x.conf",
    "tokenizer.json", "tsconfig.json", "pnpm-lock.yaml", "upstream.toml", "LICENSE", "NOTICE", "Cargo.toml",
    "main.go", "x.rs", "noext", ".gitignore", "x.TXT", "x.", ".hidden.py",
]
DIRS = ["", "docs/", "doc/", "requirements/", "reqs/", "blobs/", "models/blobs/", ".github/ISSUE_TEMPLATE/",
        "k8s/", "deploy/docker/"]


def _corpus() -> list[str]:
    paths = [d + n for d in DIRS for n in NAMES]
    for base in (ROOT / "tests" / "fixtures", ROOT / "examples", ROOT / "src"):
        paths += [p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()]
    return paths


def _split(path: str) -> tuple[str, str]:
    name = path[path.rfind("/") + 1:]
    dot = name.rfind(".")
    return name, name[dot:].lower() if dot > 0 else ""


@pytest.mark.parametrize("detector_ids", [None, ("docs", "shell"), ("python",)])
def test_screens_pick_exactly_the_detectors_that_want_a_file(detector_ids: tuple[str, ...] | None) -> None:
    dets = detectors(detector_ids)
    asked_for = wanting(dets)
    paths = _corpus()
    assert len(paths) > 1500
    wrong = []
    for path in paths:
        name, suffix = _split(path)
        asked = [d.id for d in asked_for(path, name, suffix)]
        every = [d.id for d in dets if d.wants(path, name, suffix)]
        if asked != every:
            wrong.append((path, asked, every))
    assert not wrong, wrong[:10]


def test_every_built_in_detector_declares_a_screen() -> None:
    """A detector without one is asked about all files: correct, but it costs a call per file of a large tree."""
    assert all(isinstance(getattr(d, "screen", None), Screen) for d in detectors())


def test_a_detector_without_a_screen_is_asked_about_every_file() -> None:
    asked: list[str] = []

    class Anything:
        id = "anything"
        keywords: tuple[bytes, ...] = ()

        def wants(self, path: str, name: str, suffix: str) -> bool:
            asked.append(name)
            return name.endswith("q")

        def detect(self, file: object) -> list[object]:
            return []

    dets = [*detectors(("python",)), Anything()]
    asked_for = wanting(dets)  # type: ignore[arg-type]
    assert [d.id for d in asked_for("weird.q", "weird.q", ".q")] == ["anything"]
    assert [d.id for d in asked_for("a.py", "a.py", ".py")] == ["python"]
    assert asked == ["weird.q", "a.py"]  # asked about the .py file too, in registry order after python
