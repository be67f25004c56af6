"""Capability suites as data: the task schema (validated with pydantic), the loader, the hash, quick selection.

A full suite is one YAML file `{suite, version, instructions, tasks: [...]}`; a quick suite is a file
`{suite, version, tasks: [task ids of the full suite]}`. Loaded tasks become plain frozen dataclasses.
The hash is the sha256 of the canonical JSON of what a model is measured on (suite id, version,
instructions, each task's prompt, tests and entry point): editing a reference solution leaves it alone,
editing anything a model sees or is judged by changes it.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from upstream.errors import ConfigError
from upstream.probe.suite import read_yaml, validation_error

Difficulty = Literal["easy", "medium", "hard"]
DIFFICULTIES: tuple[Difficulty, ...] = ("easy", "medium", "hard")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
MAX_TASKS = 5000
DEFAULT_INSTRUCTIONS = ("Write the solution in Python 3 using only the standard library. Reply with the complete "
                        "code in a single ```python code block.")


@dataclass(frozen=True, slots=True)
class Task:
    """One coding task: what the model is asked, what it is judged by, and our reference answer."""

    id: str
    title: str
    difficulty: str
    language: str
    tags: tuple[str, ...]
    entry_point: str
    prompt: str
    tests: str
    solution: str | None  # the reference solution; never sent to a model


@dataclass(frozen=True, slots=True)
class CapabilitySuite:
    """A loaded, validated suite: id, version, content hash, the instructions and its tasks in file order."""

    id: str
    version: str
    hash: str
    instructions: str
    tasks: tuple[Task, ...]

    def by_id(self) -> dict[str, Task]:
        return {t.id: t for t in self.tasks}

    def message(self, task: Task) -> str:
        """The user message a model receives for `task`."""
        return f"{task.prompt.strip()}\n\n{self.instructions.strip()}" if self.instructions.strip() else task.prompt


# --------------------------------------------------------------------------- input schema (pydantic)


def _parses(code: str, what: str) -> None:
    try:
        ast.parse(code)  # parsed, never run
    except (SyntaxError, ValueError) as exc:
        raise ValueError(f"{what} is not valid Python: {exc}") from None


class TaskIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    title: str
    difficulty: Difficulty
    language: Literal["python"] = "python"
    tags: list[str] = Field(default_factory=list)
    entry_point: str
    prompt: str
    tests: str
    solution: str | None = None
    notes: str | None = None

    @field_validator("tags", mode="before")
    @classmethod
    def _tags(cls, v: Any) -> Any:
        return [] if v is None else v

    @model_validator(mode="after")
    def _consistent(self) -> TaskIn:
        if not _ID_RE.match(self.id):
            raise ValueError(f"task id {self.id!r}: use lower-case letters, digits, '.', '-' and '_'")
        if not self.entry_point.isidentifier():
            raise ValueError(f"{self.id}: entry_point {self.entry_point!r} is not a Python name")
        for name in ("title", "prompt", "tests"):
            if not getattr(self, name).strip():
                raise ValueError(f"{self.id}: {name} is empty")
        if self.entry_point not in self.prompt:
            raise ValueError(f"{self.id}: the prompt never names the entry point {self.entry_point!r}")
        _parses(self.tests, f"{self.id}: tests")
        if self.solution is not None:
            _parses(self.solution, f"{self.id}: solution")
        return self


class _VersionedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    suite: str
    version: str
    description: str | None = None

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, v: Any) -> Any:
        return str(v) if isinstance(v, (int, float)) else v


class SuiteFileIn(_VersionedIn):
    instructions: str = DEFAULT_INSTRUCTIONS
    tasks: list[TaskIn]


class QuickFileIn(_VersionedIn):
    tasks: list[str]
    full: str | None = None  # the full suite id this selects from (informational)


# --------------------------------------------------------------------------- loading


def _invalid(path: Path, exc: ValidationError) -> ConfigError:
    return validation_error(path, exc, "capability suite",
                            "see the task schema in upstream/capability/suite.py and docs/capability.md")


def _task(raw: TaskIn) -> Task:
    return Task(id=raw.id, title=raw.title.strip(), difficulty=raw.difficulty, language=raw.language,
                tags=tuple(raw.tags), entry_point=raw.entry_point, prompt=raw.prompt.strip() + "\n",
                tests=raw.tests, solution=raw.solution)


def suite_hash(suite_id: str, version: str, instructions: str, tasks: tuple[Task, ...] | list[Task]) -> str:
    """sha256 over the suite's identity, its instructions and what each task shows or judges (not solutions)."""
    doc = {"suite": suite_id, "version": version, "instructions": instructions.strip(),
           "tasks": sorted(({"id": t.id, "difficulty": t.difficulty, "language": t.language,
                             "entry_point": t.entry_point, "prompt": t.prompt, "tests": t.tests}
                            for t in tasks), key=lambda d: d["id"])}
    blob = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return "sha256:" + hashlib.sha256(blob).hexdigest()


def _build(suite_id: str, version: str, instructions: str, tasks: list[Task]) -> CapabilitySuite:
    return CapabilitySuite(suite_id, version, suite_hash(suite_id, version, instructions, tasks), instructions,
                           tuple(tasks))


def load_file(path: Path) -> CapabilitySuite:
    """A full suite file (tasks written out)."""
    data = read_yaml(path, "capability suite")
    try:
        doc = SuiteFileIn.model_validate(data)
    except ValidationError as exc:
        raise _invalid(path, exc) from None
    if not doc.tasks:
        raise ConfigError(f"{path}: the suite has no tasks")
    if len(doc.tasks) > MAX_TASKS:
        raise ConfigError(f"{path}: more than {MAX_TASKS} tasks")
    seen: set[str] = set()
    for raw in doc.tasks:
        if raw.id in seen:
            raise ConfigError(f"{path}: duplicate task id {raw.id}")
        seen.add(raw.id)
    return _build(doc.suite, doc.version, doc.instructions, [_task(t) for t in doc.tasks])


def _packaged() -> Path:
    return Path(str(resources.files("upstream.capability") / "suites"))


def load_suite(spec: str = "quick") -> CapabilitySuite:
    """`quick`, `full`, a suite file, or a quick-style selection file (task ids of the packaged full suite)."""
    base = _packaged()
    if spec in ("full", "quick"):
        path = base / f"{spec}.yaml"
    else:
        path = Path(spec)
        if not path.is_file():
            raise ConfigError(f"no such capability suite: {spec}", hint="use quick, full, or a path to suite YAML")
    data = read_yaml(path, "capability suite")
    if isinstance(data, dict) and isinstance(data.get("tasks"), list) and all(
            isinstance(x, str) for x in data["tasks"]):
        return _select(path, data, base / "full.yaml")
    return load_file(path)


def _select(path: Path, data: Any, full_path: Path) -> CapabilitySuite:
    try:
        doc = QuickFileIn.model_validate(data)
    except ValidationError as exc:
        raise _invalid(path, exc) from None
    full = load_file(full_path)
    by_id = full.by_id()
    missing = [x for x in doc.tasks if x not in by_id]
    if missing:
        raise ConfigError(f"{path}: tasks not in the full suite: {', '.join(missing[:10])}")
    if len(set(doc.tasks)) != len(doc.tasks):
        raise ConfigError(f"{path}: a task is listed twice")
    if not doc.tasks:
        raise ConfigError(f"{path}: the selection has no tasks")
    return _build(doc.suite, doc.version, full.instructions, [by_id[x] for x in doc.tasks])


def select(suite: CapabilitySuite, *, difficulties: tuple[str, ...] = (), tags: tuple[str, ...] = (),
           ids: tuple[str, ...] = ()) -> CapabilitySuite:
    """The tasks of `suite` with one of the difficulties, tags and ids given (empty: all); the hash covers them."""
    tasks = tuple(t for t in suite.tasks if (not difficulties or t.difficulty in difficulties)
                  and (not tags or set(tags) & set(t.tags)) and (not ids or t.id in ids))
    if not tasks:
        raise ConfigError("no capability task matches the selection")
    if len(tasks) == len(suite.tasks):
        return suite
    return _build(suite.id, suite.version, suite.instructions, list(tasks))
