"""Combine the evidence into an identity: family, name, hub id, declared bases, and disagreements.

Signals, strongest first: a hub id the artifact declares for itself (HF cache path, Ollama tag,
GGUF repo_url), declared names (GGUF general.*, README, metadata), the tokenizer fingerprint,
chat-template wording, and the file or folder name. The architecture is reported as a hint only:
DeepSeek-R1 distills carry Qwen or Llama classes, Kimi K2 reuses DeepSeek-V3's.
"""

from __future__ import annotations

import hashlib

from upstream.artifacts import fingerprint
from upstream.artifacts.facts import Facts
from upstream.artifacts.families import BY_ID, VOCAB_SIZE_HINTS, families_in, template_clues
from upstream.artifacts.types import (
    ArtifactCard,
    ArtifactHub,
    BaseModelRef,
    Identity,
    IdentityConfidence,
    Safety,
    TokenizerInfo,
    TokenizerMatch,
)

_VERDICT_ORDER = ("dangerous", "review", "unknown", "safe")
_GENERIC_STEMS = {"model", "models", "weights", "pytorch_model", "ggml-model", "consolidated", "checkpoint", "ckpt",
                  "adapter_model", "final", "latest", "best", "output", "out", "merged", "export", "onnx", "file"}


def _label(fid: str) -> str:
    fam = BY_ID.get(fid)
    return fam.label if fam else fid


def _tokenizer(f: Facts) -> tuple[TokenizerInfo | None, TokenizerMatch | None]:
    match = None
    fp = None
    size = None
    partial = False
    source = None
    if f.vocab is not None and f.vocab.tokens:
        prepared = fingerprint.Prepared(f.vocab.tokens)
        fp = prepared.sha256()
        match = fingerprint.match(prepared)
        size = len(f.vocab.tokens)
        partial = f.vocab.partial
        source = f.vocab.path or f.vocab.source
    elif f.vocab_size is not None:
        size, source = f.vocab_size
    tmpl_sha = None
    clues: list[str] = []
    if f.templates:
        tmpl_sha = hashlib.sha256(f.templates[0].text.encode("utf-8")).hexdigest()
        for t in f.templates:
            clues.extend(c.label for c in template_clues(t.text) if c.label not in clues)
    if not any((f.tokenizer_model, f.tokenizer_pre, size, fp, tmpl_sha)):
        return None, None
    info = TokenizerInfo(model=f.tokenizer_model, pre=f.tokenizer_pre, vocab_size=size, fingerprint=fp,
                         source=source, partial=partial, match=match, chat_template_sha256=tmpl_sha,
                         chat_template_clues=clues)
    return info, match


def _stem(name: str) -> str:
    low = name.lower()
    for suf in (".gguf", ".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".onnx", ".pkl"):
        if low.endswith(suf):
            return name[: -len(suf)]
    return name


def _is_generic(name: str) -> bool:
    s = _stem(name).lower()
    return s in _GENERIC_STEMS or s.startswith(("model-0", "model.", "pytorch_model-", "sha256-", "blob"))


def _worst(safety: list[Safety], fmt: str) -> Safety:
    if not safety:
        return Safety(format=fmt, executes_code=False, verdict="unknown", notes=["no weights file was read"])
    ordered = sorted(safety, key=lambda s: _VERDICT_ORDER.index(s.verdict))
    worst = ordered[0]
    if len(safety) == 1:
        return worst
    formats = sorted({s.format for s in safety})
    imports = [i for s in safety for i in s.imports][:200]
    dangerous = [d for s in safety for d in s.dangerous][:100]
    notes = [n for s in safety for n in s.notes]
    return Safety(format=" + ".join(formats), executes_code=any(s.executes_code for s in safety),
                  verdict=worst.verdict, imports=list(dict.fromkeys(imports)),
                  dangerous=list(dict.fromkeys(dangerous)), notes=list(dict.fromkeys(notes))[:20])


def build_card(f: Facts) -> ArtifactCard:
    tok_info, match = _tokenizer(f)
    # -- what the names say
    declared = [n for n in f.names if n.kind == "declared"]
    filenames = [n for n in f.names if n.kind != "declared" and not _is_generic(n.value)]
    named_fams: list[str] = []
    fam_source: dict[str, str] = {}
    for hid in f.hub_ids:
        for fam in families_in(hid.value):
            if fam not in named_fams:
                named_fams.append(fam)
                fam_source.setdefault(fam, hid.source)
    for n in declared:
        for fam in families_in(n.value):
            if fam not in named_fams:
                named_fams.append(fam)
                fam_source.setdefault(fam, n.source)
    file_fams: list[str] = []
    for n in filenames:
        file_fams.extend(x for x in families_in(n.value) if x not in file_fams)
    base_fams: list[str] = []
    for b in f.base_models:
        for fam in families_in(b.hub_id or b.name or ""):
            if fam not in base_fams:
                base_fams.append(fam)
    tmpl_fams: list[str] = []
    for t in f.templates:
        tmpl_fams.extend(c.family for c in template_clues(t.text) if c.family and c.family not in tmpl_fams)
    arch_fams = families_in(f.architecture[0], camel=True) if f.architecture else []

    # -- identity
    basis: list[str] = []
    family = None
    if named_fams:
        family = named_fams[0]
        basis.append("hub id" if any(families_in(h.value) for h in f.hub_ids) else "declared name")
    elif f.format == "peft-adapter" and base_fams:
        family = base_fams[0]
        basis.append("adapter base model")
    elif tmpl_fams:
        family = tmpl_fams[0]
        basis.append("chat template")
    elif match is not None:
        family = match.family
        basis.append("tokenizer fingerprint")
        specific = [x for x in file_fams + base_fams if x in match.used_by]
        if specific:  # the vocabulary is shared (BERT's by MiniLM): a name that agrees says which
            family = specific[0]
            basis.append("file name" if specific[0] in file_fams else "declared base model")
    elif base_fams:
        family = base_fams[0]
        basis.append("declared base model")
    elif file_fams:
        family = file_fams[0]
        basis.append("file name")
    if match is not None and "tokenizer fingerprint" not in basis and family in match.used_by:
        basis.append("tokenizer fingerprint")
    if tmpl_fams and "chat template" not in basis and family in tmpl_fams:
        basis.append("chat template")
    if family is not None and family in arch_fams:
        basis.append("architecture")

    canonical = f.hub_ids[0].value if f.hub_ids else None
    hub: ArtifactHub = f.hub_ids[0].hub if f.hub_ids else "file"
    name = canonical or (declared[0].value if declared else None) or (filenames[0].value if filenames else None)
    if name is None and f.names:
        name = _stem(f.names[0].value)
    if name is None:
        name = _stem(f.path.rsplit("/", 1)[-1]) if not _is_generic(f.path.rsplit("/", 1)[-1]) else None

    # -- disagreements and hints
    lineage = list(f.lineage)
    if match is not None:
        fams_said = named_fams or file_fams
        where = "its declared name" if named_fams else "its file name"
        said = ", ".join(_label(x) for x in fams_said)
        base_agrees = bool(set(base_fams) & set(match.used_by))
        if fams_said and not set(fams_said) & set(match.used_by):
            f.finding("name-tokenizer-mismatch", "warning",
                      f"{where} says {said}, but its vocabulary is {match.label} ({match.kind} match): "
                      f"the weights probably come from {_label(match.family)} (renamed, or distilled / "
                      "fine-tuned onto it)" + (" - its declared base model agrees with the vocabulary"
                                               if base_agrees else ""))
        elif not fams_said and base_fams and not base_agrees:
            f.finding("base-tokenizer-mismatch", "warning",
                      f"its declared base model is {', '.join(_label(x) for x in base_fams)}, but its vocabulary "
                      f"is {match.label} ({match.kind} match)")
        elif not fams_said and not base_fams:
            f.finding("identified-by-tokenizer", "info",
                      f"no name in the artifact names a known family; its vocabulary is {match.label} "
                      f"({match.kind} match), so it is {_label(match.family)} or built on it")
        elif family and match.family != family and match.family in named_fams:
            lineage.append(f"named {_label(family)}, with {_label(match.family)}'s vocabulary: built on "
                           f"{_label(match.family)} (e.g. a distill onto a {_label(match.family)} base)")
    if len(named_fams) > 1 and any("distill" in n.value.lower() for n in declared):
        lineage.append(f"the name says a distill: {_label(named_fams[0])} trained onto a "
                       f"{_label(named_fams[1])} base model")
    if f.architecture:
        arch = f.architecture[0]
        if arch_fams and family and arch_fams[0] != family:
            lineage.append(f"architecture {arch} is {_label(arch_fams[0])}'s model class; other families reuse "
                           "it, so it does not say whose weights these are")
        elif arch_fams and family is None:
            lineage.append(f"architecture {arch} ({_label(arch_fams[0])}'s model class) is the only clue, and "
                           "architecture alone does not identify a family")
    if match is None and f.vocab is None and f.vocab_size is not None:
        hint = VOCAB_SIZE_HINTS.get(f.vocab_size[0])
        if hint:
            lineage.append(f"vocabulary size {f.vocab_size[0]:,} ({f.vocab_size[1]}) matches {hint[0]}: a hint only")
    if tmpl_fams and family and tmpl_fams[0] != family and family not in tmpl_fams:
        lineage.append(f"its chat template is {_label(tmpl_fams[0])}'s")
    for b in f.base_models:
        label = b.hub_id or b.name or b.url
        if label and b.relation != "source":
            lineage.append(f"declared base model: {label}" + (f" ({b.relation})" if b.relation != "unknown" else "")
                           + f" [{b.source}]")
        elif label:
            lineage.append(f"converted from {label} [{b.source}]")

    # -- confidence
    strong = bool(f.hub_ids) or bool(named_fams)
    agree = match is not None and family in match.used_by
    mismatch = any(x.id == "name-tokenizer-mismatch" for x in f.findings)
    confidence: IdentityConfidence
    if family and strong and (agree or (match is None and (tmpl_fams or f.hub_ids))) and not mismatch:
        confidence = "high"
    elif family and (strong or (match is not None and match.kind == "exact")):
        confidence = "medium"
    else:
        confidence = "low"

    fam_rec = BY_ID.get(family) if family else None
    identity = Identity(
        name=name, canonical=canonical, hub=hub, family=family, family_label=fam_rec.label if fam_rec else None,
        developer=(f.organization[0] if f.organization else None) or (fam_rec.developer if fam_rec else None),
        tokenizer_family=match.family if match else None, confidence=confidence, basis=basis,
    )
    for fam_id in named_fams:
        f.claim("family", _label(fam_id), fam_source.get(fam_id, "name"))
    if match is not None:
        where = (tok_info.source if tok_info else None) or "vocabulary"
        f.claim("tokenizer", f"{match.label}: {match.kind} match", where)
    seen_bases: list[BaseModelRef] = []
    for b in f.base_models:
        if b not in seen_bases and not (b.hub_id and b.hub_id == canonical and b.relation == "unknown"):
            seen_bases.append(b)
    return ArtifactCard(
        path=f.path, format=f.format, identity=identity,
        architecture=f.architecture[0] if f.architecture else None,
        parameters=f.parameters, parameters_partial=f.parameters_partial, size_label=f.size_label,
        quantization=f.quantization, context_length=f.context_length,
        license=f.license[0] if f.license else None, base_models=seen_bases, datasets=f.datasets,
        tokenizer=tok_info, revision=f.revision[0] if f.revision else None,
        lineage=list(dict.fromkeys(lineage)), evidence=f.evidence, findings=f.findings,
        safety=_worst(f.safety, f.format), files=f.files, metadata=f.metadata, complete=f.complete,
        errors=f.errors,
    )
