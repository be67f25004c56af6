"""Load the embedded knowledge base (importlib.resources), validate it, and version it by content hash."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from upstream.errors import UpstreamError
from upstream.kb.schema import (
    Benchmark,
    BenchmarksFile,
    EndpointsFile,
    FamiliesFile,
    Family,
    JurisdictionsFile,
    Licence,
    LicencesFile,
    Measure,
    Organisation,
    OrganisationsFile,
    Source,
    SourcesFile,
    TransparencyIndex,
)

try:  # libyaml when present: several times faster, same safe semantics
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


class KbError(UpstreamError):
    """A knowledge-base file that does not parse or does not match the schema."""

    hint = "run 'upstream kb validate' for every problem, or see 'upstream kb schema' for the format"


@dataclass(frozen=True)
class KnowledgeBase:
    """Every record of the knowledge base, indexed by id, plus a version derived from the data."""

    version: str
    sources: dict[str, Source]
    organisations: dict[str, Organisation]
    families: dict[str, Family]
    licences: dict[str, Licence]
    measures: tuple[Measure, ...]
    indices: tuple[TransparencyIndex, ...]
    benchmarks: tuple[Benchmark, ...]
    endpoints: EndpointsFile
    files: tuple[str, ...] = field(default_factory=tuple)
    family_files: dict[str, str] = field(default_factory=dict)


def _walk(root: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            yield from _walk(entry, f"{name}/")
        elif entry.name.endswith((".yaml", ".yml")):
            yield name, entry


def _parse(name: str, text: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise KbError(f"{name}: not valid YAML: {exc}") from None


def _validate(name: str, model: Any, doc: Any) -> Any:
    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise KbError(f"{name}: {where}: {first['msg']} ({exc.error_count()} problem(s))") from None


def data_root() -> Traversable:
    """The packaged data folder."""
    return resources.files("upstream.kb").joinpath("data")


def load_kb(root: Traversable | Path | None = None) -> KnowledgeBase:
    """Read and validate every YAML file under `root` (default: the embedded data)."""
    base: Traversable = data_root() if root is None else root
    digest = hashlib.sha256()
    sources: dict[str, Source] = {}
    orgs: dict[str, Organisation] = {}
    families: dict[str, Family] = {}
    family_files: dict[str, str] = {}
    licences: dict[str, Licence] = {}
    measures: list[Measure] = []
    indices: list[TransparencyIndex] = []
    benchmarks: list[Benchmark] = []
    endpoints = EndpointsFile(endpoints=[])
    names: list[str] = []
    for name, entry in _walk(base):
        raw = entry.read_bytes()
        digest.update(name.encode() + b"\0" + raw + b"\0")
        names.append(name)
        doc = _parse(name, raw.decode("utf-8"))
        stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        if name.startswith("families/"):
            for fam in _validate(name, FamiliesFile, doc).families:
                if fam.id in families:
                    raise KbError(f"{name}: family {fam.id!r} is also defined in {family_files[fam.id]}")
                families[fam.id] = fam
                family_files[fam.id] = name
        elif stem == "sources":
            sources.update(_validate(name, SourcesFile, doc).sources)
        elif stem == "organisations":
            orgs.update({o.id: o for o in _validate(name, OrganisationsFile, doc).organisations})
        elif stem == "licences":
            licences.update({lic.id: lic for lic in _validate(name, LicencesFile, doc).licences})
        elif stem == "jurisdictions":
            jf = _validate(name, JurisdictionsFile, doc)
            measures.extend(jf.measures)
            indices.extend(jf.indices)
        elif stem == "benchmarks":
            benchmarks.extend(_validate(name, BenchmarksFile, doc).benchmarks)
        elif stem == "endpoints":
            endpoints = _validate(name, EndpointsFile, doc)
        else:
            raise KbError(f"{name}: unknown knowledge-base file (expected sources, organisations, licences, "
                          "jurisdictions, benchmarks, endpoints or families/*.yaml)")
    return KnowledgeBase(
        version=f"kb-{digest.hexdigest()[:12]}",
        sources=sources, organisations=orgs, families=families, licences=licences,
        measures=tuple(measures), indices=tuple(indices), benchmarks=tuple(benchmarks), endpoints=endpoints,
        files=tuple(names), family_files=family_files,
    )


@lru_cache(maxsize=1)
def default_kb() -> KnowledgeBase:
    """The embedded knowledge base, loaded once per process."""
    return load_kb()
