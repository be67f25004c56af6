"""Model families as names, architectures and chat templates spell them.

A family is a line of models from one developer (Qwen, Llama, Gemma...). These tables only say how
a family shows in an artifact's text; who the developer is, where, and under what licence is the
knowledge base's job. Name patterns match at word starts of a lower-cased name ("Qwen2.5-Coder",
"DeepSeek-R1-Distill-Qwen-7B" -> deepseek, qwen), architecture strings are matched the same way
("Qwen2ForCausalLM", "gemma3"), but an architecture alone never decides a family.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Family:
    id: str
    label: str
    developer: str
    pattern: re.Pattern[str]


def _f(fid: str, label: str, developer: str, pattern: str) -> Family:
    return Family(fid, label, developer, re.compile(rf"(?<![a-z]){pattern}"))


# Order matters only for overlapping names: tinyllama before llama.
FAMILIES: tuple[Family, ...] = (
    _f("qwen", "Qwen", "Alibaba Cloud (Qwen team)", r"(?:qwen|qwq|qvq|codeqwen)"),
    _f("deepseek", "DeepSeek", "DeepSeek", r"deepseek"),
    _f("tinyllama", "TinyLlama", "TinyLlama project", r"tinyllama"),
    _f("llama", "Llama", "Meta", r"(?:llama|codellama|meta-llama)"),
    _f("gemma", "Gemma", "Google", r"(?:gemma|codegemma|paligemma)"),
    _f("mistral", "Mistral", "Mistral AI",
       r"(?:mistral|mixtral|codestral|ministral|pixtral|magistral|devstral|mathstral)"),
    _f("smollm", "SmolLM", "Hugging Face", r"smollm"),
    _f("phi", "Phi", "Microsoft", r"phi-?[1-9](?![0-9])"),
    _f("gpt-oss", "gpt-oss", "OpenAI", r"gpt-?oss"),
    _f("gpt", "GPT", "OpenAI", r"(?:gpt-?(?:3\.5|4o?|4\.1|5)(?![0-9])|chatgpt)"),
    _f("kimi", "Kimi", "Moonshot AI", r"(?:kimi|moonlight)"),
    _f("glm", "GLM", "Zhipu AI (Z.ai)", r"(?:chatglm|glm-?[1-9z]|codegeex)"),
    _f("yi", "Yi", "01.AI", r"yi-(?:[0-9]|coder|lightning|large|vl)"),
    _f("internlm", "InternLM", "Shanghai AI Laboratory", r"(?:internlm|internvl)"),
    _f("minicpm", "MiniCPM", "OpenBMB", r"minicpm"),
    _f("baichuan", "Baichuan", "Baichuan Intelligence", r"baichuan"),
    _f("granite", "Granite", "IBM", r"granite"),
    _f("falcon", "Falcon", "Technology Innovation Institute", r"falcon"),
    _f("olmo", "OLMo", "Allen Institute for AI", r"olmo"),
    _f("starcoder", "StarCoder", "BigCode", r"starcoder"),
    _f("command-r", "Command R / Aya", "Cohere", r"(?:command-?r|c4ai|aya-)"),
    _f("nemotron", "Nemotron", "NVIDIA", r"nemotron"),
    _f("exaone", "EXAONE", "LG AI Research", r"exaone"),
    _f("hunyuan", "Hunyuan", "Tencent", r"hunyuan"),
    _f("ernie", "ERNIE", "Baidu", r"ernie-"),
    _f("minimax", "MiniMax", "MiniMax", r"minimax"),
    _f("seed", "Seed", "ByteDance", r"seed-(?:oss|coder)"),
    _f("minilm", "MiniLM", "Microsoft", r"minilm"),
    _f("bert", "BERT", "Google", r"(?:bert)(?![a-z])"),
)
BY_ID = {f.id: f for f in FAMILIES}


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def families_in(text: str, camel: bool = False) -> list[str]:
    """Family ids named in a model name or hub id, in order of appearance.

    `camel`: also split CamelCase words, for class names ("BertModel", "Qwen2ForCausalLM").
    """
    if camel:
        plain = families_in(text)
        return plain + [f for f in families_in(_CAMEL.sub("-", text)) if f not in plain]
    low = text.lower().replace("_", "-")
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for fam in FAMILIES:
        for m in fam.pattern.finditer(low):
            if any(s <= m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), fam.id))
            break
    return [fid for _, fid in sorted(found)]


@dataclass(frozen=True, slots=True)
class TemplateClue:
    marker: str
    label: str
    family: str | None  # None: a format many families share


# Text that a chat template carries; "family" clues are a family's own wording or tokens.
TEMPLATE_CLUES: tuple[TemplateClue, ...] = (
    TemplateClue("You are Qwen, created by Alibaba Cloud", "Qwen default system prompt", "qwen"),
    TemplateClue("trained by Hugging Face", "SmolLM default system prompt", "smollm"),
    TemplateClue("<｜Assistant｜>", "DeepSeek turn markers", "deepseek"),
    TemplateClue("<|start_header_id|>", "Llama 3 header tokens", "llama"),
    TemplateClue("<start_of_turn>", "Gemma turn markers", "gemma"),
    TemplateClue("[SYSTEM_PROMPT]", "Mistral v7+ system prompt markers", "mistral"),
    TemplateClue("<|channel|>", "OpenAI harmony format (gpt-oss)", "gpt-oss"),
    TemplateClue("[gMASK]", "GLM prefix token", "glm"),
    TemplateClue("<|im_middle|>", "Kimi turn markers", "kimi"),
    TemplateClue("<|START_OF_TURN_TOKEN|>", "Cohere turn markers", "command-r"),
    TemplateClue("<|start_of_role|>", "Granite role markers", "granite"),
    TemplateClue("<|im_start|>", "ChatML (<|im_start|>)", None),
    TemplateClue("[INST]", "[INST] format (Llama 2 / Mistral)", None),
    TemplateClue("<|assistant|>", "<|assistant|> format (Phi / Zephyr)", None),
    TemplateClue("<think>", "reasoning tags (<think>)", None),
)


def template_clues(text: str) -> list[TemplateClue]:
    return [c for c in TEMPLATE_CLUES if c.marker in text]


# Vocabulary sizes seen in the real files the fingerprint table was computed from (and the test
# GGUFs): a hint when an artifact carries a size but no vocabulary (a bare safetensors file).
VOCAB_SIZE_HINTS: dict[int, tuple[str, tuple[str, ...]]] = {
    151936: ("Qwen2/2.5/3 (151,643 tokens padded to 151,936)", ("qwen",)),
    152064: ("Qwen2.5 7B and larger (padded to 152,064)", ("qwen",)),
    128256: ("Llama 3 (128,000 + 256 special)", ("llama",)),
    262144: ("Gemma 3", ("gemma",)),
    49152: ("SmolLM", ("smollm",)),
    30522: ("BERT uncased WordPiece", ("bert", "minilm")),
    32768: ("Mistral v3 SentencePiece", ("mistral",)),
    131072: ("Mistral Tekken", ("mistral",)),
    32000: ("Llama 2 / Mistral v0.1 SentencePiece", ("llama", "mistral", "tinyllama")),
}
