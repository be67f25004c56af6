"""The SDK dependency detector: AI SDKs from Python and npm manifests, and never a model."""

from __future__ import annotations

from pathlib import Path

import pytest

from upstream.config import scan_config
from upstream.detect import FileInput, ParseError
from upstream.detect.dependencies import DependencyDetector, normalise, requirement_name
from upstream.models import Detection
from upstream.pipeline import scan

DET = DependencyDetector()


def run(path: str, text: str) -> list[Detection]:
    data = text.encode()
    return list(DET.detect(FileInput(path, "/nonexistent/" + path, len(data), data)))


def sdks(path: str, text: str) -> list[tuple[int, str]]:
    dets = run(path, text)
    assert all(d.subject == "sdk" and d.kind == "config" and d.technique == "manifest-analysis" for d in dets)
    return [(d.line, d.value) for d in dets]


@pytest.mark.parametrize(("path", "wanted"), [
    ("requirements.txt", True), ("requirements-dev.txt", True), ("requirements/prod.txt", True),
    ("requirements.in", True), ("constraints.txt", True), ("svc/pyproject.toml", True), ("setup.cfg", True),
    ("Pipfile", True), ("environment.yml", True), ("environment-gpu.yaml", True), ("web/package.json", True),
    ("package-lock.json", False), ("Pipfile.lock", False), ("poetry.lock", False), ("uv.lock", False),
    ("yarn.lock", False), ("docs/notes.txt", False), ("config.yml", False), ("tsconfig.json", False),
])
def test_wants_manifests_not_lock_files(path: str, wanted: bool) -> None:
    name = path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    assert DET.wants(path, name, name[dot:].lower() if dot > 0 else "") is wanted


@pytest.mark.parametrize(("spec", "name"), [
    ("openai==1.57.4", "openai"), ("anthropic[bedrock]>=0.40 ; python_version>'3.8'", "anthropic"),
    ("Sentence_Transformers", "Sentence_Transformers"), ("git+https://github.com/a/b@main#egg=ollama", "ollama"),
    ("-r base.txt", None), ("--index-url https://x", None), ("-e .", None), ("./vendor/pkg", None),
    ("https://example.com/pkg.whl", None), ("", None),
])
def test_requirement_names(spec: str, name: str | None) -> None:
    assert requirement_name(spec) == name


def test_normalise_follows_pep_503() -> None:
    assert normalise("Llama_Index.Core") == "llama-index-core"
    assert normalise("huggingface_hub") == "huggingface-hub"


def test_requirements_txt() -> None:
    text = "\n".join([
        "# pinned",
        "--index-url https://pypi.org/simple",
        "openai==1.57.4  # client",
        "tiktoken==0.8.0",
        "langchain_openai==0.2.14",
        "torch==2.5.1",
        "Llama_Index.Core>=0.12 ; python_version >= '3.10'",
        "gpt-3-encoder==0.1.1",
        "git+https://github.com/acme/ollama-python@fix#egg=ollama",
    ])
    assert sdks("requirements.txt", text) == [(3, "openai"), (5, "langchain-openai"), (7, "llama-index-core"),
                                              (9, "ollama")]


def test_pyproject_pep621_extras_and_groups() -> None:
    text = """\
[project]
name = "svc"
dependencies = ["fastapi", "openai>=1.55", "tiktoken"]

[project.optional-dependencies]
local = ["transformers[torch]>=4.46", "torch"]

[dependency-groups]
dev = ["pytest", {include-group = "lint"}]
eval = ["groq>=0.13"]
"""
    dets = run("pyproject.toml", text)
    assert [(d.line, d.value, d.note) for d in dets] == [
        (3, "openai", None), (6, "transformers", "optional: local"), (10, "groq", "group: eval")]


def test_pyproject_poetry_tables() -> None:
    text = """\
[tool.poetry.dependencies]
python = "^3.11"
openrouter = "^0.1"
ollama = { version = "^0.4", optional = true }

[tool.poetry.group.dev.dependencies]
Langchain-Anthropic = "^0.3"
"""
    assert sdks("pyproject.toml", text) == [(3, "openrouter"), (4, "ollama"), (7, "langchain-anthropic")]


def test_setup_cfg_and_pipfile() -> None:
    cfg = "[options]\ninstall_requires =\n    click\n    dashscope>=1.20  # cn\n[options.extras_require]\n" \
          "cloud =\n    cohere>=5\n"
    assert sdks("setup.cfg", cfg) == [(4, "dashscope"), (7, "cohere")]
    pipfile = '[packages]\nfireworks-ai = "*"\nrequests = "*"\n[dev-packages]\n"zai-sdk" = "*"\n'
    assert sdks("Pipfile", pipfile) == [(2, "fireworks-ai"), (5, "zai-sdk")]


def test_conda_environment_with_pip_section() -> None:
    text = """\
name: env
dependencies:
  - python=3.11
  - conda-forge::transformers=4.46
  - pytorch::pytorch
  - pip:
      - diffusers==0.31
      - tiktoken
"""
    assert sdks("environment.yml", text) == [(4, "transformers"), (7, "diffusers")]


def test_package_json_sections_and_tokenizer_look_alikes() -> None:
    text = """\
{
  "name": "web",
  "description": "uses openai and gpt-4o",
  "dependencies": {
    "@ai-sdk/openai": "^1.0.8",
    "ai": "^4.0.18",
    "gpt-tokenizer": "^2.8.1",
    "openai": "^4.76.0"
  },
  "devDependencies": {"@langchain/community": "^0.3", "js-tiktoken": "^1.0"}
}
"""
    assert sdks("package.json", text) == [(5, "@ai-sdk/openai"), (6, "ai"), (8, "openai"),
                                          (10, "@langchain/community")]


@pytest.mark.parametrize(("path", "text"), [
    ("pyproject.toml", "[project\ndependencies = ["), ("Pipfile", "[packages\n"), ("package.json", '{"a": '),
    ("environment.yml", "dependencies: [a, b\n  - c: ]"), ("setup.cfg", "install_requires = openai\n"),
])
def test_broken_manifests_are_parse_errors(path: str, text: str) -> None:
    with pytest.raises(ParseError):
        run(path, text)


def test_odd_but_valid_shapes_do_not_raise() -> None:
    assert run("package.json", "[1, 2]") == []
    assert run("package.json", '{"dependencies": ["openai"]}') == []
    assert run("pyproject.toml", 'project = "x"\n[tool]\npoetry = 3\n') == []
    assert run("environment.yml", "- just\n- a list\n") == []
    assert run("requirements.txt", "\n".join(["x"] * 50_000)) == []


def test_scan_reports_sdks_with_their_ecosystem_and_no_models(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("openai==1.57\ngpt4all==2.8\n", encoding="utf-8")
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "package.json").write_text('{"dependencies": {"openai": "^4", "ollama": "^0.5"}}',
                                                   encoding="utf-8")
    report = scan(scan_config(str(tmp_path), {"jobs": 1}))
    assert report.inventory == []
    got = {(s.name, s.ecosystem, s.locations[0].path) for s in report.sdks}
    assert got == {("openai", "pypi", "requirements.txt"), ("gpt4all", "pypi", "requirements.txt"),
                   ("openai", "npm", "web/package.json"), ("ollama", "npm", "web/package.json")}
