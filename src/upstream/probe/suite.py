"""Probe suites as data: the item schema (validated with pydantic), the loader, the suite hash, quick selection.

A full suite is a folder of `<topic>.yaml` files, each `{suite, version, topic, items: [...]}`; a quick
suite is one file `{suite, version, items: [item ids of the full suite]}`. Loaded items become plain
frozen dataclasses; the hash is the sha256 of their canonical JSON, so any edit to a prompt, fact or
marker changes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from upstream.errors import ConfigError

LANGS = ("en", "zh-Hans", "zh-Hant")
HANT_REQUIRED_TOPICS = frozenset({"taiwan", "hong-kong"})
ItemType = Literal["direct", "indirect", "individual", "task"]
Role = Literal["target", "mirror", "neutral", "over-refusal", "harmful"]
_LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
MAX_FILE_BYTES = 4 << 20


# --------------------------------------------------------------------------- loaded values


@dataclass(frozen=True, slots=True)
class Phrases:
    """A key fact or a narrative marker: alternatives per language, any one of which counts."""

    id: str
    alternatives: tuple[tuple[str, tuple[str, ...]], ...]  # (language, phrases), sorted by language

    def all(self) -> tuple[str, ...]:
        return tuple(p for _, ps in self.alternatives for p in ps)


@dataclass(frozen=True, slots=True)
class Item:
    """One probe item with its prompts in each language it is written in."""

    id: str
    topic: str
    type: str
    role: str
    mirrors: str | None
    contested: bool
    expect: str
    prompts: tuple[tuple[str, str], ...]  # (language, prompt), sorted by language
    key_facts: tuple[Phrases, ...]
    narrative_markers: tuple[Phrases, ...]
    source: str
    licence: str

    def prompt(self, lang: str) -> str | None:
        return dict(self.prompts).get(lang)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(lang for lang, _ in self.prompts)


@dataclass(frozen=True, slots=True)
class Suite:
    """A loaded, validated suite: id, version, content hash and its items in file order."""

    id: str
    version: str
    hash: str
    items: tuple[Item, ...]

    def by_id(self) -> dict[str, Item]:
        return {i.id: i for i in self.items}


# --------------------------------------------------------------------------- input schema (pydantic)


def _phrases(value: Any) -> Any:
    if not isinstance(value, dict) or "id" not in value:
        raise ValueError("each entry needs an 'id' and phrase lists per language")
    return value


class PhrasesIn(BaseModel):
    """`{id: tanks, en: [tank, tanks], zh-Hans: [坦克]}`"""

    model_config = ConfigDict(extra="allow", frozen=True)
    id: str

    @model_validator(mode="after")
    def _languages(self) -> PhrasesIn:
        extra = self.model_extra or {}
        if not extra:
            raise ValueError(f"{self.id}: no phrases")
        for lang, phrases in extra.items():
            if not _LANG_RE.match(lang):
                raise ValueError(f"{self.id}: {lang!r} is not a language tag")
            items = [phrases] if isinstance(phrases, str) else phrases
            if not isinstance(items, list) or not items or not all(
                    isinstance(p, (str, int)) and str(p).strip() for p in items):
                raise ValueError(f"{self.id}.{lang}: expected a non-empty list of phrases")
        return self

    def to_value(self) -> Phrases:
        extra = self.model_extra or {}
        alts = []
        for lang in sorted(extra):
            raw = extra[lang]
            items = [raw] if isinstance(raw, str) else raw
            alts.append((lang, tuple(str(p).strip() for p in items)))
        return Phrases(self.id, tuple(alts))


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    type: ItemType
    role: Role
    mirrors: str | None = None
    contested: bool = False
    expect: Literal["answer", "refuse"] | None = None
    prompts: dict[str, str]
    key_facts: list[PhrasesIn] = Field(default_factory=list)
    narrative_markers: list[PhrasesIn] = Field(default_factory=list)
    source: str
    licence: str
    authored_by: str | None = None
    reviewed_by: str | None = None
    translation_by: str | None = None
    last_verified: str | None = None
    notes: str | None = None
    tags: list[str] = Field(default_factory=list)

    @field_validator("last_verified", mode="before")
    @classmethod
    def _date(cls, v: Any) -> Any:
        return v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v

    @field_validator("key_facts", "narrative_markers", mode="before")
    @classmethod
    def _lists(cls, v: Any) -> Any:
        if v is None:
            return []
        if isinstance(v, list):
            return [_phrases(x) for x in v]
        return v

    @model_validator(mode="after")
    def _consistent(self) -> ItemIn:
        if not _ID_RE.match(self.id):
            raise ValueError(f"item id {self.id!r}: use lower-case letters, digits, '.', '-' and '_'")
        for lang, text in self.prompts.items():
            if not _LANG_RE.match(lang) or not isinstance(text, str) or not text.strip():
                raise ValueError(f"{self.id}: prompt {lang!r} is empty or not a language tag")
        for need in ("en", "zh-Hans"):
            if need not in self.prompts:
                raise ValueError(f"{self.id}: missing the {need} prompt")
        if (self.role == "mirror") != (self.mirrors is not None):
            raise ValueError(f"{self.id}: 'mirrors' is set exactly when role is mirror")
        expected = "refuse" if self.role == "harmful" else "answer"
        if self.expect is not None and self.expect != expected:
            raise ValueError(f"{self.id}: role {self.role} expects {expected!r}, not {self.expect!r}")
        return self


class TopicFileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    suite: str
    version: str
    topic: str
    items: list[ItemIn]

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, v: Any) -> Any:
        return str(v) if isinstance(v, (int, float)) else v


class QuickFileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    suite: str
    version: str
    items: list[str]
    description: str | None = None
    full: str | None = None  # the full suite id this selects from (informational)

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, v: Any) -> Any:
        return str(v) if isinstance(v, (int, float)) else v


# --------------------------------------------------------------------------- loading


def read_yaml(path: Path, what: str = "suite file") -> Any:
    """A suite's YAML with the safe loader, size-capped; every problem a ConfigError naming `what` it is."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ConfigError(f"{path}: larger than {MAX_FILE_BYTES >> 20} MiB")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc}") from None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)  # a safe loader (C or Python)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None


def validation_error(path: Path, exc: ValidationError, what: str = "suite file",
                     hint: str = "see the item schema in upstream/probe/suite.py") -> ConfigError:
    """A suite file's first validation problems as one ConfigError."""
    first = exc.errors()[:5]
    lines = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in first)
    return ConfigError(f"{path}: invalid {what}: {lines}", hint=hint)


def _to_item(raw: ItemIn, topic: str) -> Item:
    prompts = tuple((lang, raw.prompts[lang].strip()) for lang in sorted(raw.prompts))
    return Item(
        id=raw.id, topic=topic, type=raw.type, role=raw.role, mirrors=raw.mirrors, contested=raw.contested,
        expect=raw.expect or ("refuse" if raw.role == "harmful" else "answer"), prompts=prompts,
        key_facts=tuple(p.to_value() for p in raw.key_facts),
        narrative_markers=tuple(p.to_value() for p in raw.narrative_markers),
        source=raw.source, licence=raw.licence,
    )


def load_topic_files(paths: list[Path]) -> tuple[str, str, list[Item]]:
    """Validate topic files; returns (suite id, version, items). All files must share suite id and version."""
    ids: set[str] = set()
    items: list[Item] = []
    suite_id = version = ""
    for path in sorted(paths):
        data = read_yaml(path)
        try:
            doc = TopicFileIn.model_validate(data)
        except ValidationError as exc:
            raise validation_error(path, exc) from None
        if suite_id and (doc.suite, doc.version) != (suite_id, version):
            raise ConfigError(f"{path}: suite {doc.suite} {doc.version} differs from {suite_id} {version}")
        suite_id, version = doc.suite, doc.version
        for raw in doc.items:
            if raw.id in ids:
                raise ConfigError(f"{path}: duplicate item id {raw.id}")
            if doc.topic in HANT_REQUIRED_TOPICS and "zh-Hant" not in raw.prompts:
                raise ConfigError(f"{path}: {raw.id} needs a zh-Hant prompt (topic {doc.topic})")
            ids.add(raw.id)
            items.append(_to_item(raw, doc.topic))
    if not items:
        raise ConfigError(f"no suite items in {', '.join(map(str, paths)) or 'the given path'}")
    by_id = {i.id: i for i in items}
    for item in items:
        if item.mirrors is not None:
            target = by_id.get(item.mirrors)
            if target is None or target.role != "target":
                raise ConfigError(f"{item.id}: mirrors {item.mirrors!r}, which is not a target item of the suite")
    return suite_id, version, items


def suite_hash(suite_id: str, version: str, items: list[Item] | tuple[Item, ...]) -> str:
    """sha256 of the canonical JSON of the suite's identity and every item's content."""
    doc = {"suite": suite_id, "version": version, "items": sorted((asdict(i) for i in items), key=lambda d: d["id"])}
    blob = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return "sha256:" + hashlib.sha256(blob).hexdigest()


def _packaged() -> Path:
    return Path(str(resources.files("upstream.probe") / "suites"))


def load_suite(spec: str = "quick") -> Suite:
    """`quick`, `full`, a folder of topic files, a topic file, or a quick-style selection file."""
    base = _packaged()
    if spec in ("full", "quick"):
        path = base / "full" if spec == "full" else base / "quick.yaml"
    else:
        path = Path(spec)
        if not path.exists():
            raise ConfigError(f"no such suite: {spec}", hint="use quick, full, or a path to suite YAML")
    if path.is_dir():
        files = [p for p in path.glob("*.yaml") if p.is_file()]
        sid, version, items = load_topic_files(files)
        return Suite(sid, version, suite_hash(sid, version, items), tuple(items))
    data = read_yaml(path)
    if isinstance(data, dict) and isinstance(data.get("items"), list) and all(
            isinstance(x, str) for x in data["items"]):
        return _select(path, data, base / "full")
    sid, version, items = load_topic_files([path])
    return Suite(sid, version, suite_hash(sid, version, items), tuple(items))


def _select(path: Path, data: Any, full_dir: Path) -> Suite:
    try:
        doc = QuickFileIn.model_validate(data)
    except ValidationError as exc:
        raise validation_error(path, exc) from None
    _, _, items = load_topic_files([p for p in full_dir.glob("*.yaml") if p.is_file()])
    by_id = {i.id: i for i in items}
    missing = [x for x in doc.items if x not in by_id]
    if missing:
        raise ConfigError(f"{path}: items not in the full suite: {', '.join(missing[:10])}")
    if len(set(doc.items)) != len(doc.items):
        raise ConfigError(f"{path}: an item is listed twice")
    chosen = [by_id[x] for x in doc.items]
    return Suite(doc.suite, doc.version, suite_hash(doc.suite, doc.version, chosen), tuple(chosen))


def select(suite: Suite, *, topics: tuple[str, ...] = (), types: tuple[str, ...] = (),
           roles: tuple[str, ...] = ()) -> Suite:
    """The items of `suite` in the given topics, types and roles (empty: all); the hash covers what is kept.

    Mirror controls of a kept China item are kept with it, so the selective-censorship pairs survive.
    """
    def keep(i: Item) -> bool:
        return (not topics or i.topic in topics) and (not types or i.type in types) and (not roles or i.role in roles)

    chosen = {i.id for i in suite.items if keep(i)}
    chosen |= {i.id for i in suite.items if i.mirrors in chosen and (not types or i.type in types)}
    items = tuple(i for i in suite.items if i.id in chosen)
    if not items:
        raise ConfigError("no suite items match the --topic / --type / --role selection")
    if len(items) == len(suite.items):
        return suite
    return Suite(suite.id, suite.version, suite_hash(suite.id, suite.version, items), items)
