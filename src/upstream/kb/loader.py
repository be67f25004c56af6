"""Load the embedded knowledge base (importlib.resources), validate it, and version it by content hash.

`load_kb` always parses and validates the YAML. `default_kb` (what a scan uses) reads the pre-validated
snapshot instead when it was written from exactly these YAML files and this code, and the YAML otherwise.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from upstream.errors import UpstreamError
from upstream.kb import snapshot
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
    import yaml  # only the YAML path needs it

    try:  # libyaml when present: several times faster, same safe semantics
        from yaml import CSafeLoader as Loader
    except ImportError:  # pragma: no cover
        from yaml import SafeLoader as Loader  # type: ignore[assignment]
    try:
        return yaml.load(text, Loader=Loader)
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


def _read_sources(base: Traversable | Path) -> tuple[list[tuple[str, bytes]], str]:
    """Every YAML file under `base` as (relative name, bytes), and the SHA-256 hex digest over all of them."""
    digest = hashlib.sha256()
    files: list[tuple[str, bytes]] = []
    for name, entry in _walk(base):
        raw = entry.read_bytes()
        digest.update(name.encode() + b"\0" + raw + b"\0")
        files.append((name, raw))
    return files, digest.hexdigest()


def _version(digest: str) -> str:
    return f"kb-{digest[:12]}"


def load_kb(root: Traversable | Path | None = None) -> KnowledgeBase:
    """Read and validate every YAML file under `root` (default: the embedded data)."""
    files, digest = _read_sources(data_root() if root is None else root)
    return _from_yaml(files, digest)


def _from_yaml(files: list[tuple[str, bytes]], digest: str) -> KnowledgeBase:
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
    for name, raw in files:
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
        version=_version(digest),
        sources=sources, organisations=orgs, families=families, licences=licences,
        measures=tuple(measures), indices=tuple(indices), benchmarks=tuple(benchmarks), endpoints=endpoints,
        files=tuple(names), family_files=family_files,
    )


def load_default_kb(use_snapshot: bool = True) -> KnowledgeBase:
    """The embedded knowledge base: from the pre-validated snapshot when it matches the YAML files and the
    code byte for byte, else from the YAML with full validation. Same records, same version either way."""
    files, digest = _read_sources(data_root())
    fields = snapshot.read_packaged(digest) if use_snapshot else None
    if fields is not None:
        return KnowledgeBase(version=_version(digest), **fields)
    return _from_yaml(files, digest)


def sources_digest(root: Traversable | Path | None = None) -> str:
    """The full SHA-256 hex digest of the YAML files under `root` (default: the embedded data); the version's source."""
    return _read_sources(data_root() if root is None else root)[1]


@lru_cache(maxsize=1)
def default_kb() -> KnowledgeBase:
    """The embedded knowledge base, loaded once per process."""
    return load_default_kb()
