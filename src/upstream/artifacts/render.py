"""The model card as text: identity first, then the evidence for each claim."""

from __future__ import annotations

import dataclasses
import json

from upstream.artifacts.types import ArtifactCard, InspectReport

_WIDTH = 14


def _num(n: int) -> str:
    for unit, div in (("T", 10**12), ("B", 10**9), ("M", 10**6), ("K", 10**3)):
        if n >= div:
            return f"{n / div:.2f}".rstrip("0").rstrip(".") + unit
    return str(n)


def _size(n: int) -> str:
    for unit, div in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= div:
            return f"{n / div:.1f} {unit}"
    return f"{n} B"


def card_text(card: ArtifactCard, color: bool = False) -> str:
    bold, dim, red, yellow, reset = (("\x1b[1m", "\x1b[2m", "\x1b[31m", "\x1b[33m", "\x1b[0m") if color
                                     else ("", "", "", "", ""))
    lines: list[str] = [f"{bold}{card.path}{reset}"]

    def row(label: str, text: str) -> None:
        first, *rest = text.split("\n")
        lines.append(f"  {label:<{_WIDTH}}{first}")
        lines.extend(f"  {'':<{_WIDTH}}{x}" for x in rest)

    ident = card.identity
    who = ident.name or "(no name)"
    fam = f"{ident.family_label} family" if ident.family_label else "family unknown"
    if ident.developer:
        fam += f" ({ident.developer})"
    row("identity", f"{bold}{who}{reset} - {fam}; confidence {ident.confidence}"
        + (f"\n{dim}basis: {', '.join(ident.basis)}{reset}" if ident.basis else ""))
    if ident.canonical:
        row("hub id", f"{ident.canonical} ({ident.hub})" + (f" @ {card.revision}" if card.revision else ""))
    fmt: list[str] = [card.format]
    if card.quantization:
        fmt.append(card.quantization)
    if card.parameters is not None:
        fmt.append(f"{_num(card.parameters)} parameters" + (" (partial count)" if card.parameters_partial else ""))
    if card.size_label:
        fmt.append(f"size label {card.size_label}")
    if card.context_length:
        fmt.append(f"context {card.context_length:,}")
    row("format", ", ".join(fmt))
    if card.architecture:
        row("architecture", card.architecture)
    tok = card.tokenizer
    if tok is not None:
        parts = [x for x in (tok.model, tok.pre) if x]
        text = " / ".join(parts) or "tokenizer"
        if tok.vocab_size:
            text += f", {tok.vocab_size:,} tokens" + (" (partial)" if tok.partial else "")
        if tok.match:
            text += f"\n{tok.match.kind} match: {tok.match.label}"
        elif tok.fingerprint:
            text += "\nvocabulary not in the fingerprint table"
        if tok.fingerprint:
            text += f"\n{dim}fingerprint sha256:{tok.fingerprint[:16]}...{reset}"
        row("tokenizer", text)
        if tok.chat_template_sha256:
            row("chat template", ", ".join(tok.chat_template_clues) or "present (no known family wording)")
    row("licence", card.license or "(not declared in the artifact)")
    if card.base_models:
        row("base models", "\n".join(
            f"{b.hub_id or b.name or b.url} ({b.relation}) {dim}[{b.source}]{reset}" for b in card.base_models))
    if card.datasets:
        row("datasets", ", ".join(d.hub_id or d.name or d.url or "?" for d in card.datasets[:8]))
    if card.lineage:
        row("lineage", "\n".join(card.lineage))
    s = card.safety
    verdict = s.verdict
    shade = red if verdict == "dangerous" else yellow if verdict in ("review", "unknown") else ""
    safety = f"{shade}{verdict}{reset} ({s.format}" + (", can run code when loaded)" if s.executes_code else ")")
    if s.dangerous:
        safety += f"\ndangerous imports: {', '.join(s.dangerous[:8])}"
    elif s.imports and verdict != "safe":
        safety += f"\nimports: {', '.join(s.imports[:8])}"
    for note in s.notes[:4]:
        safety += f"\n{dim}{note}{reset}"
    row("safety", safety)
    if card.findings:
        row("findings", "\n".join(
            f"{red if f.severity == 'error' else yellow if f.severity == 'warning' else ''}[{f.severity}]{reset} "
            f"{f.id}: {f.message}" for f in card.findings))
    if card.evidence:
        row("evidence", "\n".join(
            f"{e.supports}: {e.value} {dim}[{e.source}" + (f" in {e.path}" if e.path else "") + f"]{reset}"
            for e in card.evidence[:24]) + (f"\n... {len(card.evidence) - 24} more" if len(card.evidence) > 24 else ""))
    if len(card.files) > 1 or any(not f.complete or f.note for f in card.files):
        row("files", "\n".join(
            f"{f.path} ({_size(f.size)}, {f.format}" + ("" if f.complete else ", INCOMPLETE")
            + (f"; {f.note}" if f.note else "") + ")" for f in card.files[:20]))
    if card.errors:
        row("not read", "\n".join(card.errors[:10]))
    return "\n".join(lines)


def render_table(report: InspectReport, color: bool = False) -> str:
    if not report.artifacts:
        out = f"no model artifact found at {report.target}\n"
    else:
        out = "\n\n".join(card_text(c, color) for c in report.artifacts) + "\n"
    if report.skipped:
        out += "\nnot read:\n" + "\n".join(f"  {s}" for s in report.skipped) + "\n"
    return out


def render_json(report: InspectReport, color: bool = False) -> str:
    return json.dumps(dataclasses.asdict(report), indent=2, ensure_ascii=False) + "\n"


FORMATS = {"table": render_table, "json": render_json}
